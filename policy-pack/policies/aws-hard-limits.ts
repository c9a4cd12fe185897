import { bucketPolicyDocs, describe, objectLabel, ownershipOf, PolicyDoc, strayPolicyDocs } from "../lib/bucket-settings";
import { documentSize, DocumentState, readDocument } from "../lib/policy-document";
import { compliant, Decision, defineStackPolicy, undecided, violation } from "../lib/policy-kit";
import { replicationConfigs } from "../lib/replication";
import { permissionDocs } from "../lib/roles";
import { Res, StackIndex } from "../lib/stack-index";
import { readList, readString, UNKNOWN } from "../lib/values";

// Fixed by AWS (not quotas that support can raise). IAM counts characters without
// whitespace; S3 measures the policy the provider sends, which the provider
// normalises to compact JSON first.
export const LIMITS = {
    bucketPolicyBytes: 20 * 1024,
    managedPolicyChars: 6144,
    roleInlineChars: 10240,
    replicationRules: 1000,
};

type Verdict = { kind: "over"; size: number } | { kind: "within"; size: number } | { kind: "open"; size: number };

function measure(doc: DocumentState & { state: "known" }, unit: "bytes" | "chars", limit: number): Verdict {
    const { min, max } = documentSize(doc, unit);
    if (min > limit) {
        return { kind: "over", size: min };
    }
    if (max !== undefined && max <= limit) {
        return { kind: "within", size: min };
    }
    return { kind: "open", size: min };
}

function bucketPolicyDecision(d: PolicyDoc, bucketLabel: string): Decision[] {
    const where = describe(d.source, d.form);
    if (d.doc.state === "unknown") {
        return [
            undecided(d.source.urn, `The policy of ${bucketLabel} (${where}) is unknown until apply, so its size (limit ${LIMITS.bucketPolicyBytes} bytes) cannot be checked.`),
        ];
    }
    if (d.doc.state !== "known") {
        return [];
    }
    const v = measure(d.doc, "bytes", LIMITS.bucketPolicyBytes);
    if (v.kind === "over") {
        return [
            violation(
                d.source.urn,
                `The policy of ${bucketLabel} (${where}) is ${v.size} bytes${d.doc.partial ? " or more" : ""}; S3 rejects bucket policies over ${LIMITS.bucketPolicyBytes} bytes (20 KB). Merge statements that share an effect and principal, list actions with wildcards only where safe, or move per-partner grants to access points.`,
            ),
        ];
    }
    if (v.kind === "open") {
        return [
            undecided(
                d.source.urn,
                `The policy of ${bucketLabel} (${where}) is at least ${v.size} bytes; values unknown until apply may take it past ${LIMITS.bucketPolicyBytes}.`,
            ),
        ];
    }
    return [compliant(d.source.urn, `The policy of ${bucketLabel} (${where}) is ${v.size} bytes.`)];
}

function managedPolicyDecision(r: Res): Decision[] {
    const doc = readDocument(r.props.policy);
    const label = `IAM policy "${r.name}"`;
    if (doc.state === "unknown" || doc.state === "absent") {
        return [undecided(r.urn, `The document of ${label} is unknown until apply, so its size (limit ${LIMITS.managedPolicyChars} characters) cannot be checked.`)];
    }
    if (doc.state !== "known") {
        return [];
    }
    const v = measure(doc, "chars", LIMITS.managedPolicyChars);
    if (v.kind === "over") {
        return [
            violation(
                r.urn,
                `${label} is ${v.size} characters${doc.partial ? " or more" : ""} without whitespace; IAM rejects managed policies over ${LIMITS.managedPolicyChars}. Split it into two policies attached to the same role.`,
            ),
        ];
    }
    if (v.kind === "open") {
        return [undecided(r.urn, `${label} is at least ${v.size} characters; values unknown until apply may take it past ${LIMITS.managedPolicyChars}.`)];
    }
    return [compliant(r.urn, `${label} is ${v.size} characters.`)];
}

function roleInlineDecision(index: StackIndex): Decision[] {
    const out: Decision[] = [];
    for (const role of index.roles()) {
        const { inline } = permissionDocs(role);
        if (inline.length === 0) {
            continue;
        }
        let min = 0;
        let max: number | undefined = 0;
        for (const d of inline) {
            if (d.doc.state === "known") {
                const size = documentSize(d.doc, "chars");
                min += size.min;
                max = max === undefined || size.max === undefined ? undefined : max + size.max;
            } else if (d.doc.state === "unknown") {
                max = undefined;
            }
        }
        if (min > LIMITS.roleInlineChars) {
            out.push(
                violation(
                    role.res.urn,
                    `The inline policies of ${role.label} total ${min} characters or more without whitespace; IAM rejects more than ${LIMITS.roleInlineChars} per role. Move some statements to a managed aws.iam.Policy attached with RolePolicyAttachment.`,
                ),
            );
        } else if (max === undefined || max > LIMITS.roleInlineChars) {
            const known = min > 0 ? `total at least ${min} characters; values unknown until apply may take them` : "are unknown until apply, which may take them";
            out.push(undecided(role.res.urn, `The inline policies of ${role.label} ${known} past ${LIMITS.roleInlineChars} characters.`));
        } else {
            out.push(compliant(role.res.urn, `The inline policies of ${role.label} total ${min} characters.`));
        }
    }
    return out;
}

/**
 * With ACLs disabled (BucketOwnerEnforced), S3 accepts an object PUT only
 * without an ACL or with bucket-owner-full-control; any other ACL, `private`
 * included, fails with AccessControlListNotSupported.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
 */
const ACL_ACCEPTED_WITH_ACLS_DISABLED = "bucket-owner-full-control";

function objectAclDecisions(index: StackIndex): Decision[] {
    const out: Decision[] = [];
    for (const o of index.of("object")) {
        const acl = readString(o.props.acl);
        const grants = readList(o.props.grants);
        const hasGrants = grants === UNKNOWN || (Array.isArray(grants) && grants.length > 0);
        if (acl === undefined && !hasGrants) {
            continue;
        }
        const target = index.resolveBucket(o);
        if (target.kind !== "bucket") {
            continue;
        }
        const label = objectLabel(o, target);
        const ownership = ownershipOf(index, target.entry);
        if (ownership.state === "set" && ownership.value !== "BucketOwnerEnforced") {
            out.push(compliant(o.urn, `${label}: its bucket keeps ACLs enabled (objectOwnership "${ownership.value}"), so S3 accepts the object's ACL.`));
            continue;
        }
        if (acl === UNKNOWN || grants === UNKNOWN) {
            out.push(undecided(o.urn, `The ACL of ${label} is unknown until apply; S3 refuses any but ${ACL_ACCEPTED_WITH_ACLS_DISABLED} when the bucket disables ACLs.`));
            continue;
        }
        const refused = hasGrants ? "custom ACL grants" : acl !== ACL_ACCEPTED_WITH_ACLS_DISABLED ? `the canned ACL "${acl}"` : undefined;
        if (!refused) {
            out.push(compliant(o.urn, `${label} is written with ${ACL_ACCEPTED_WITH_ACLS_DISABLED}, which S3 accepts with ACLs disabled.`));
        } else if (ownership.state === "set") {
            out.push(
                violation(
                    o.urn,
                    `${label} is written with ${refused}, but the bucket disables ACLs (BucketOwnerEnforced): S3 refuses the upload with AccessControlListNotSupported. Remove acl${hasGrants ? " and grants" : ""}; the bucket owner owns the object and the bucket policy governs access.`,
                ),
            );
        } else {
            const why = ownership.state === "unknown" ? ownership.detail : "the bucket declares no object ownership, and new buckets default to BucketOwnerEnforced";
            out.push(undecided(o.urn, `${label} is written with ${refused}, which S3 refuses if the bucket disables ACLs: ${why}.`));
        }
    }
    return out;
}

export const awsHardLimits = defineStackPolicy({
    name: "s3-transfer-aws-hard-limits",
    description:
        "AWS limits that otherwise fail only at deploy time: a bucket policy of at most 20 KB, a managed IAM policy of at most 6,144 characters, at most 10,240 characters of inline policy per role, at most 1,000 replication rules per bucket, and no object ACL but bucket-owner-full-control in a bucket with ACLs disabled.",
    enforcementLevel: "mandatory",
    severity: "medium",
    defaults: {},
    remediationSteps: "Split oversized documents (managed policies attached to the same role, fewer and broader bucket policy statements) and merge replication rules by prefix.",
    notApplicableReason: "The stack has no bucket policy, IAM policy, role or replication configuration.",
    evaluate(index: StackIndex): Decision[] {
        const out: Decision[] = [];
        for (const b of index.buckets) {
            for (const d of bucketPolicyDocs(b)) {
                out.push(...bucketPolicyDecision(d, b.label));
            }
        }
        for (const d of strayPolicyDocs(index)) {
            out.push(...bucketPolicyDecision(d, `the bucket of ${describe(d.source, "split")}`));
        }
        for (const p of index.of("managedPolicy")) {
            out.push(...managedPolicyDecision(p));
        }
        out.push(...roleInlineDecision(index));
        out.push(...objectAclDecisions(index));
        for (const cfg of replicationConfigs(index).configs) {
            const where = describe(cfg.declaredOn, cfg.form);
            if (cfg.rules === UNKNOWN) {
                out.push(undecided(cfg.declaredOn.urn, `The rules of the replication of ${cfg.bucketLabel} (${where}) are unknown until apply.`));
            } else if (cfg.rules.length > LIMITS.replicationRules) {
                out.push(
                    violation(
                        cfg.declaredOn.urn,
                        `The replication of ${cfg.bucketLabel} (${where}) has ${cfg.rules.length} rules; S3 allows at most ${LIMITS.replicationRules} per bucket. Merge rules that share a destination into one rule with a broader filter prefix.`,
                    ),
                );
            } else {
                out.push(compliant(cfg.declaredOn.urn, `The replication of ${cfg.bucketLabel} has ${cfg.rules.length} rule(s).`));
            }
        }
        return out;
    },
});
