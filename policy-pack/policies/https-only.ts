import { arns } from "../lib/arns";
import { bucketPolicyDocs, describe, policyUnknownDetail } from "../lib/bucket-settings";
import { ConditionMatcher, Coverage, denyCoverage, or3, Tri } from "../lib/deny-coverage";
import { isFalseValue } from "../lib/policy-document";
import { compliant, Decision, defineStackPolicy, undecided, violation } from "../lib/policy-kit";
import { BucketEntry, StackIndex } from "../lib/stack-index";
import { UNKNOWN } from "../lib/values";

const SECURE_TRANSPORT = "aws:securetransport";

/**
 * `Bool` or `BoolIfExists` on aws:SecureTransport with a false value, and no other
 * condition (another condition would narrow the deny to fewer requests).
 */
export const insecureTransportOnly: ConditionMatcher = (conditions) => {
    if (conditions.length === 0) {
        return false;
    }
    let result: Tri = true;
    for (const c of conditions) {
        if (c.key !== SECURE_TRANSPORT || (c.op !== "bool" && c.op !== "boolifexists")) {
            return false;
        }
        let any: Tri = false;
        for (const v of c.values) {
            any = or3(any, isFalseValue(v));
        }
        if (any === false) {
            return false;
        }
        if (any === UNKNOWN) {
            result = UNKNOWN;
        }
    }
    return result;
};

export function httpsDenyStatement(bucketArn: string): string {
    return JSON.stringify({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
}

/** The bucket's ARN in the stack's partition, for the statement a fix suggests. */
export function bucketArnFor(b: BucketEntry, partition = "aws"): string {
    return typeof b.name === "string" ? arns.bucket(partition, b.name) : "<bucket ARN>";
}

function gaps(c: Coverage): { missing: string[]; unknown: string[] } {
    const missing: string[] = [];
    const unknown: string[] = [];
    for (const [part, v] of [
        ["the bucket", c.bucket],
        ["its objects (bucket/*)", c.objects],
    ] as const) {
        if (v === false) {
            missing.push(part);
        } else if (v === UNKNOWN) {
            unknown.push(part);
        }
    }
    return { missing, unknown };
}

/**
 * One verdict per bucket over all documents that may become its policy: shared with
 * the minimum-TLS policy, which looks for a different condition.
 */
export function judgeBucketDeny(index: StackIndex, b: BucketEntry, matcher: ConditionMatcher, what: { does: string; doesNot: string }, statement: string): Decision {
    const docs = bucketPolicyDocs(b);
    const fix = `Add ${statement} to the bucket's policy document (one document per bucket: compose statements rather than adding a second BucketPolicy).`;
    if (docs.length === 0) {
        const elsewhere = policyUnknownDetail(index);
        return elsewhere
            ? undecided(b.res.urn, `Cannot tell whether ${b.label} ${what.does}: ${elsewhere}.`)
            : violation(b.res.urn, `${b.label} has no bucket policy, so it does not ${what.doesNot}. ${fix}`);
    }
    const overwrite =
        docs.filter((d) => d.form === "split").length > 1
            ? ` Note: ${b.label} has several BucketPolicy resources; they overwrite each other, so each must carry the statement.`
            : "";
    let pending: string | undefined;
    for (const d of docs) {
        const where = describe(d.source, d.form);
        if (d.doc.state === "invalid") {
            return violation(d.source.urn, `The policy of ${b.label} (${where}) is ${d.doc.reason}, so it does not ${what.doesNot}. ${fix}`);
        }
        if (d.doc.state !== "known") {
            pending = pending ?? `the policy document of ${where} is unknown until apply`;
            continue;
        }
        const g = gaps(denyCoverage(d.doc, b.name, matcher, index.partition()));
        if (g.missing.length > 0) {
            return violation(d.source.urn, `The policy of ${b.label} (${where}) does not ${what.doesNot} on ${g.missing.join(" and ")}.${overwrite} ${fix}`);
        }
        if (g.unknown.length > 0) {
            pending = pending ?? `whether ${where} covers ${g.unknown.join(" and ")} depends on values unknown until apply`;
        }
    }
    if (pending) {
        return undecided(b.res.urn, `Cannot tell yet whether ${b.label} ${what.does}: ${pending}.`);
    }
    return compliant(b.res.urn, `${b.label} ${what.does}.`);
}

export const httpsOnly = defineStackPolicy({
    name: "s3-transfer-https-only",
    description:
        "Every S3 bucket has a bucket policy that denies all principals s3:* on the bucket and bucket/* when aws:SecureTransport is false, so no file moves over plain HTTP.",
    enforcementLevel: "mandatory",
    severity: "high",
    defaults: {},
    remediationSteps:
        'Add {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}} to the bucket\'s single policy document.',
    notApplicableReason: "The stack has no S3 bucket.",
    evaluate(index: StackIndex): Decision[] {
        return index.buckets.map((b) =>
            judgeBucketDeny(
                index,
                b,
                insecureTransportOnly,
                { does: "denies requests made without TLS", doesNot: "deny requests made without TLS (aws:SecureTransport false)" },
                httpsDenyStatement(bucketArnFor(b, index.partition())),
            ),
        );
    },
});
