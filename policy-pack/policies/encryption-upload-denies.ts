// Uploads whose encryption the counterpart could never read, refused by the bucket
// policy. Both are facts of the S3 API, and both fail silently:
//
// - On an SSE-KMS bucket, a PutObject that asks for `aws:kms` without
//   x-amz-server-side-encryption-aws-kms-key-id is encrypted with the AWS managed
//   `aws/s3` key, not the bucket's default key; `aws/s3` cannot be used by another
//   account, so the object fails to replicate and is unreadable to the partner.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
// - SSE-C objects (customer-provided keys) are replicated, and the replicas can
//   only be read with the uploader's key, which nobody else holds.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
//
// Advisory: neither exposes data nor breaks the setup itself; the harm needs an
// uploader to choose that encryption, and a mandatory rule would block every
// existing SSE-KMS program that does not carry these denies. Raise it where
// producers are outside your control.

import { coversAllObjects, globMatch, isEveryone, Statement } from "../lib/policy-document";
import { bucketPolicyDocs, describe, encryptionOf, KMS_ALGORITHMS, policyUnknownDetail } from "../lib/bucket-settings";
import { parseOperator } from "../lib/conditions";
import { compliant, Decision, defineStackPolicy, undecided, violation } from "../lib/policy-kit";
import { replicationConfigs } from "../lib/replication";
import { BucketEntry, StackIndex } from "../lib/stack-index";
import { UNKNOWN } from "../lib/values";

const KEY_ID = "s3:x-amz-server-side-encryption-aws-kms-key-id";
const SSE = "s3:x-amz-server-side-encryption";
const SSE_C = "s3:x-amz-server-side-encryption-customer-algorithm";

type Tri = boolean | typeof UNKNOWN;

/** A Deny of s3:PutObject to everyone on every object of the bucket, whose conditions pass `test`. */
function denies(b: BucketEntry, partition: string, test: (s: Statement) => boolean): Tri {
    const docs = bucketPolicyDocs(b);
    let unknown = false;
    for (const d of docs) {
        if (d.doc.state === "unknown") {
            unknown = true;
            continue;
        }
        if (d.doc.state !== "known") {
            continue;
        }
        for (const s of d.doc.statements) {
            if (s.effect === UNKNOWN || s.actions === UNKNOWN || s.resources === UNKNOWN || s.conditions === UNKNOWN) {
                unknown = unknown || s.effect !== "Allow";
                continue;
            }
            if (s.effect !== "Deny" || !isEveryone(s.principal) || s.notActions !== undefined || s.notResources !== undefined) {
                continue;
            }
            const put = (s.actions ?? []).some((a) => typeof a === "string" && globMatch(a.toLowerCase(), "s3:putobject"));
            const name = b.name;
            const objects = typeof name === "string" ? (s.resources ?? []).some((r) => typeof r === "string" && coversAllObjects(r, name, partition)) : true;
            if (put && objects && test(s)) {
                return true;
            }
        }
    }
    return unknown || (docs.length === 0 && b.name === UNKNOWN) ? UNKNOWN : false;
}

const values = (v: unknown[]) => v.map((x) => String(x).toLowerCase());

/** Denies `aws:kms` without a key id: Null key-id "true" (with at most the SSE header test beside it), or a negated test on the key id with no Null "false" guard. */
function deniesKmsWithoutKeyId(s: Statement): boolean {
    const conds = s.conditions === UNKNOWN ? [] : s.conditions;
    const nullTrue = conds.some((c) => parseOperator(c.operator).base === "null" && c.key === KEY_ID && values(c.values).every((v) => v === "true"));
    const others = conds.filter((c) => c.key !== KEY_ID);
    const sseOnly = others.every((c) => c.key === SSE && parseOperator(c.operator).base.startsWith("string") && !parseOperator(c.operator).negated);
    if (nullTrue && sseOnly) {
        return true;
    }
    const negated = conds.some((c) => c.key === KEY_ID && parseOperator(c.operator).negated);
    const guarded = conds.some((c) => parseOperator(c.operator).base === "null" && c.key === KEY_ID && values(c.values).includes("false"));
    return negated && !guarded && others.length === 0;
}

/** Denies SSE-C: Null on the customer-algorithm header "false", alone. */
function deniesSseC(s: Statement): boolean {
    const conds = s.conditions === UNKNOWN ? [] : s.conditions;
    return conds.length > 0 && conds.every((c) => c.key === SSE_C && parseOperator(c.operator).base === "null" && values(c.values).every((v) => v === "false"));
}

const kmsDeny = (partition: string, bucket: string) =>
    `{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:${partition}:s3:::${bucket}/*", "Condition": {"StringEquals": {"${SSE}": "aws:kms"}, "Null": {"${KEY_ID}": "true"}}}`;
const sseCDeny = (partition: string, bucket: string) =>
    `{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:${partition}:s3:::${bucket}/*", "Condition": {"Null": {"${SSE_C}": "false"}}}`;

export const encryptionUploadDenies = defineStackPolicy({
    name: "s3-transfer-encryption-upload-denies",
    description:
        "An SSE-KMS bucket's policy refuses uploads that ask for aws:kms without a key ID (S3 would use the AWS managed aws/s3 key, which no other account can use), and a bucket that replicates refuses SSE-C uploads (their replicas are readable only with the uploader's key).",
    enforcementLevel: "advisory",
    severity: "medium",
    defaults: {},
    remediationSteps: "Add the two Deny statements to the bucket policy: PutObject with aws:kms and a Null key ID; PutObject with a non-Null SSE-C customer algorithm.",
    notApplicableReason: "The stack has no SSE-KMS bucket and no bucket that replicates.",
    evaluate(index: StackIndex): Decision[] {
        const out: Decision[] = [];
        const sources = new Set<BucketEntry>();
        for (const cfg of replicationConfigs(index).configs) {
            if (cfg.bucket) {
                sources.add(cfg.bucket);
            }
        }
        for (const b of index.buckets) {
            const label = b.label;
            const name = typeof b.name === "string" ? b.name : "<bucket>";
            const urn = bucketPolicyDocs(b)[0]?.source.urn ?? b.res.urn;
            const e = encryptionOf(index, b);
            const kms = e.state === "set" ? e.algorithms.some((a) => KMS_ALGORITHMS.includes(a)) : e.state === "unknown" ? UNKNOWN : false;
            if (kms === true) {
                const d = denies(b, index.partition(), deniesKmsWithoutKeyId);
                if (d === true) {
                    out.push(compliant(urn, `${label} refuses aws:kms uploads without a key ID.`));
                } else if (d === UNKNOWN) {
                    out.push(
                        undecided(
                            urn,
                            `Cannot tell yet whether ${label} refuses aws:kms uploads without a key ID: ${policyUnknownDetail(index) ?? "its policy is unknown until apply"}.`,
                        ),
                    );
                } else {
                    out.push(
                        violation(
                            urn,
                            `${label} encrypts with SSE-KMS (${describe(e.state === "set" ? e.source : b.res, e.state === "set" ? e.form : "inline")}) but its policy does not refuse uploads that ask for aws:kms without a key ID; S3 encrypts those with the AWS managed aws/s3 key, which no other account can use, so they fail to replicate and the counterpart cannot read them. Add ${kmsDeny(index.partition(), name)}.`,
                        ),
                    );
                }
            } else if (kms === UNKNOWN) {
                out.push(undecided(b.res.urn, `Cannot tell yet whether ${label} uses SSE-KMS.`));
            }
            if (sources.has(b)) {
                // Its encryption configuration can block SSE-C uploads itself (blockedEncryptionTypes "SSE-C"):
                // https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-s3-c-encryption-setting-faq.html
                const d = e.state === "set" && e.blocksSseC === true ? true : denies(b, index.partition(), deniesSseC);
                if (e.state === "set" && e.blocksSseC === true) {
                    out.push(compliant(e.source.urn, `${label} blocks SSE-C uploads in its encryption configuration (blockedEncryptionTypes).`));
                } else if (d === true) {
                    out.push(compliant(urn, `${label} refuses SSE-C uploads.`));
                } else if (d === UNKNOWN) {
                    out.push(undecided(urn, `Cannot tell yet whether ${label} refuses SSE-C uploads: its policy is unknown until apply.`));
                } else {
                    out.push(
                        violation(
                            urn,
                            `${label} replicates but neither its policy nor its encryption configuration refuses SSE-C uploads (customer-provided keys); S3 replicates them into replicas only the uploader's key can read. Add ${sseCDeny(index.partition(), name)}, or blockedEncryptionTypes: ["SSE-C"] to its encryption rule.`,
                        ),
                    );
                }
            }
        }
        return out;
    },
});
