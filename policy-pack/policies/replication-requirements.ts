// Everything a replication rule needs to work, besides versioning on both ends
// (s3-transfer-replication-requires-versioning) and the role's own permissions
// (s3-transfer-replication-role-permissions), checked against the destination as
// the program declares it. Two kinds of failure:
//
// - S3 refuses the configuration itself (PutBucketReplication fails, and so does
//   `pulumi up`):
//   - a rule with a Filter (the V2 schema) must include DeleteMarkerReplication,
//     and a rule whose Filter selects by tag must leave it Disabled:
//     https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteMarkerReplication.html
//     (the classic provider's legacy inline block sends Disabled itself; its
//     BucketReplicationConfig and aws-native's bucket send only what is written)
//   - S3 Replication Time Control "must be specified together with a Metrics block":
//     https://docs.aws.amazon.com/AmazonS3/latest/API/API_Destination.html
// - S3 accepts the rule and then fails each object (replication status FAILED,
//   with the failure reason of the replication failure events):
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html#replication-failure-codes
//   - a source bucket with Object Lock needs a destination with Object Lock
//     (DstBucketObjectLockConfigMissing):
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html
//   - across accounts, the destination's bucket policy grants the source's role
//     s3:ReplicateObject, s3:ReplicateDelete with delete marker replication and
//     s3:ObjectOwnerOverrideToBucketOwner with owner override
//     (DstPutObjectNotPermitted, DstDelObjNotPermitted), and the destination is
//     not a Requester Pays bucket (same page, and
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html)
//   - the replica KMS key is in the destination bucket's Region ("The KMS key must
//     have been created in the same AWS Region as the destination bucket"): a key
//     ARN naming another Region is not found there (DstKmsKeyNotFound):
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
//
// A destination in the stack is found by its ARN or, while that is unknown during
// preview, among the buckets the rules were computed from (their property
// dependencies): a rule is decided when every such bucket gives the same answer.

import { Relation, relation } from "../lib/accounts";
import { bucketPolicyDocs, describe, objectLockOf, requesterPaysOf } from "../lib/bucket-settings";
import { listsActionOnAll, PrincipalMatch, principalIn } from "../lib/grants";
import type { DocumentState } from "../lib/policy-document";
import { compliant, Decision, defineStackPolicy, list, undecided, violation } from "../lib/policy-kit";
import { destinationCandidates, judgeEachRule, ReplicationConfig, ReplicationRule } from "../lib/replication";
import { BucketEntry, StackIndex } from "../lib/stack-index";
import { isNative } from "../lib/types";
import { UNKNOWN } from "../lib/values";

const FAILURE_REASONS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html#replication-failure-codes";

interface Finding {
    /** "refused": S3 refuses the configuration; "fails": S3 accepts it and fails the objects. */
    kind: "refused" | "fails";
    text: string;
}

interface Judgement {
    findings: Finding[];
    /** What could not be decided yet, and why. */
    pending: string[];
}

const field = (cfg: ReplicationConfig, path: string) =>
    cfg.form === "inline" ? path : isNative(cfg.declaredOn.type) ? `replicationConfiguration.rules[].${path}` : `rules[].${path}`;

/** What PutBucketReplication refuses in the rule itself, whatever its status. */
function schema(cfg: ReplicationConfig, rule: ReplicationRule): Judgement {
    const out: Judgement = { findings: [], pending: [] };
    if (rule.filter === UNKNOWN) {
        out.pending.push("its filter is unknown until apply");
    } else if (rule.filter !== "none" && !rule.deleteMarkerElement && cfg.form !== "inline") {
        out.findings.push({
            kind: "refused",
            text: `it has a filter but no ${field(cfg, "deleteMarkerReplication")}: "If you specify a Filter in your replication configuration, you must also include a DeleteMarkerReplication element" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteMarkerReplication.html). Add deleteMarkerReplication: { status: "Disabled" } (or "Enabled" to replicate deletes)`,
        });
    }
    if (rule.filter === "tag" && rule.deleteMarkers === true) {
        out.findings.push({
            kind: "refused",
            text: `it selects objects by tag and replicates delete markers, which S3 does not support for tag-based rules ("the DeleteMarkerReplication Status must be set to Disabled", https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteMarkerReplication.html)`,
        });
    } else if (rule.filter === "tag" && rule.deleteMarkers === UNKNOWN) {
        out.pending.push("whether its tag-based filter replicates delete markers is unknown until apply");
    }
    if (rule.replicationTime === true && rule.metrics === false) {
        out.findings.push({
            kind: "refused",
            text: `it enables S3 Replication Time Control without ${field(cfg, "destination.metrics")}, which must be specified together with it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Destination.html)`,
        });
    } else if (rule.replicationTime !== false && rule.replicationTime !== undefined && rule.metrics !== true) {
        out.pending.push("its Replication Time Control or metrics are unknown until apply");
    }
    return out;
}

/** Whether source and destination are in different accounts: from the providers, else from the rule's account and the role's. */
function crossAccount(index: StackIndex, cfg: ReplicationConfig, rule: ReplicationRule, dest: BucketEntry): boolean | typeof UNKNOWN | undefined {
    const rel: Relation | undefined = cfg.bucket ? relation(index.accountOf(cfg.bucket.res), index.accountOf(dest.res)) : undefined;
    if (rel === "same") {
        return false;
    }
    if (rel === "different") {
        return true;
    }
    const destAccount = typeof rule.destinationAccount === "string" ? rule.destinationAccount : index.accountOf(dest.res).id;
    if (destAccount !== undefined && cfg.sourceAccount !== undefined) {
        return destAccount !== cfg.sourceAccount;
    }
    return rel === "unknown" || rule.destinationAccount === UNKNOWN || cfg.role === UNKNOWN ? UNKNOWN : undefined;
}

/** The destination's bucket-policy grants to the source's replication role that the rule's settings require. */
function grantsOf(index: StackIndex, cfg: ReplicationConfig, rule: ReplicationRule, dest: BucketEntry): Judgement {
    const out: Judgement = { findings: [], pending: [] };
    const callers: string[] = [];
    if (typeof cfg.role === "string") {
        callers.push(cfg.role);
    }
    const partition = index.partition();
    if (cfg.sourceAccount !== undefined) {
        callers.push(cfg.sourceAccount, `arn:${partition}:iam::${cfg.sourceAccount}:root`);
    }
    const docs = bucketPolicyDocs(dest);
    if (docs.length === 0) {
        out.findings.push({
            kind: "fails",
            text: `${dest.label}, in another account, has no bucket policy granting the source's replication role anything, so every object fails with DstPutObjectNotPermitted (${FAILURE_REASONS}). The destination's owner must grant it with a bucket policy (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html#setting-repl-config-crossacct)`,
        });
        return out;
    }
    const name = typeof dest.name === "string" ? dest.name : undefined;
    const prefix = typeof rule.prefix === "string" ? rule.prefix : undefined;
    const probes = name !== undefined && prefix !== undefined ? [`arn:${partition}:s3:::${name}/${prefix}a`, `arn:${partition}:s3:::${name}/${prefix}9.0-1/x`] : [undefined];
    const needs: [string, string][] = [["s3:ReplicateObject", "DstPutObjectNotPermitted"]];
    if (rule.deleteMarkers === true) {
        needs.push(["s3:ReplicateDelete", "DstDelObjNotPermitted"]);
    }
    if (rule.owner === "Destination") {
        needs.push(["s3:ObjectOwnerOverrideToBucketOwner", "DstPutObjectNotPermitted"]);
    }
    const policies: DocumentState[] = docs.map((d) => d.doc);
    const principal: PrincipalMatch = callers.length > 0 ? principalIn(callers) : (): typeof UNKNOWN => UNKNOWN;
    const missing: [string, string][] = [];
    for (const [action, failure] of needs) {
        const listed = listsActionOnAll(policies, action, probes, principal);
        if (listed === "absent" || listed === "denied") {
            missing.push([action, failure]);
        } else if (listed === "unknown") {
            out.pending.push(`whether the policy of ${dest.label} grants ${action} to the replication role depends on values unknown until apply`);
        }
    }
    if (missing.length > 0) {
        const who = typeof cfg.role === "string" ? `role ${cfg.role}` : "the source's replication role";
        out.findings.push({
            kind: "fails",
            text: `the bucket policy of ${dest.label}, in another account, does not grant ${who} ${list(missing.map(([a]) => a))} on ${name ? `arn:${partition}:s3:::${name}/${prefix ?? ""}*` : "the objects the rule replicates"} (or denies it), so the objects fail with ${[...new Set(missing.map(([, f]) => f))].join(" or ")} (${FAILURE_REASONS}). Grant them in the destination's bucket policy to the role (or its account, narrowed by aws:PrincipalArn) (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html#setting-repl-config-crossacct)`,
        });
    }
    return out;
}

const keyRegion = (key: string) => /^arn:[^:]+:kms:([^:]+):/.exec(key)?.[1];

/** What the destination as declared makes the rule's objects fail with. */
function againstDestination(index: StackIndex, cfg: ReplicationConfig, rule: ReplicationRule, dest: BucketEntry): Judgement {
    const out: Judgement = { findings: [], pending: [] };
    const sourceLock = cfg.bucket ? objectLockOf(cfg.bucket) : undefined;
    const destLock = objectLockOf(dest);
    if (sourceLock === true && destLock !== true) {
        if (destLock === UNKNOWN) {
            out.pending.push(`whether ${dest.label} is created with Object Lock is unknown until apply`);
        } else {
            out.findings.push({
                kind: "fails",
                text: `${cfg.bucketLabel} has Object Lock but its destination ${dest.label} does not, so every object fails with DstBucketObjectLockConfigMissing (${FAILURE_REASONS}): "If the source bucket has S3 Object Lock enabled, the destination buckets must also have S3 Object Lock enabled" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html). Create ${dest.label} with objectLockEnabled: true`,
            });
        }
    } else if (sourceLock === UNKNOWN && destLock !== true) {
        out.pending.push(`whether ${cfg.bucketLabel} is created with Object Lock is unknown until apply`);
    }
    if (typeof rule.replicaKmsKeyId === "string") {
        const key = keyRegion(rule.replicaKmsKeyId);
        const region = index.regionOf(dest.res);
        if (key !== undefined && typeof region === "string" && key !== region) {
            out.findings.push({
                kind: "fails",
                text: `its replica key ${rule.replicaKmsKeyId} is in ${key} while ${dest.label} is in ${region}: "The KMS key must have been created in the same AWS Region as the destination bucket", so the key is not found there and the objects fail with DstKmsKeyNotFound (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html). Use a key of ${region}`,
            });
        } else if (key !== undefined && region === UNKNOWN) {
            out.pending.push(`the Region of ${dest.label} is unknown until apply`);
        }
    }
    const cross = crossAccount(index, cfg, rule, dest);
    if (cross === UNKNOWN) {
        out.pending.push(`whether ${dest.label} is in another account than ${cfg.bucketLabel} is unknown until apply`);
    } else if (cross === true) {
        const payer = requesterPaysOf(index, dest);
        if (payer === true) {
            out.findings.push({
                kind: "fails",
                text: `${dest.label}, in another account, is a Requester Pays bucket: "The destination buckets cannot be configured as Requester Pays buckets" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html); AWS documents no failure reason for it. Set its payer back to "BucketOwner"`,
            });
        } else if (payer === UNKNOWN) {
            out.pending.push(`whether ${dest.label} is a Requester Pays bucket is unknown until apply`);
        }
        const grants = grantsOf(index, cfg, rule, dest);
        out.findings.push(...grants.findings);
        out.pending.push(...grants.pending);
    }
    return out;
}

function judgeRule(index: StackIndex, cfg: ReplicationConfig, rule: ReplicationRule): Decision {
    const urn = cfg.declaredOn.urn;
    const where = `${rule.label} of the replication of ${cfg.bucketLabel} (${describe(cfg.declaredOn, cfg.form)})`;
    const own = schema(cfg, rule);
    const refused = own.findings.filter((f) => f.kind === "refused");
    if (refused.length > 0) {
        return violation(urn, `S3 refuses ${where}, so \`pulumi up\` fails: ${refused.map((f) => f.text).join("; ")}.`);
    }
    const pending = [...own.pending];
    if (rule.status !== "Disabled" && rule.status !== UNKNOWN) {
        const candidates = destinationCandidates(index, cfg, rule).filter((b) => b !== cfg.bucket);
        const judged = candidates.map((b) => againstDestination(index, cfg, rule, b));
        const failing = judged.filter((j) => j.findings.length > 0);
        if (candidates.length > 1 && failing.length > 0 && failing.length < candidates.length) {
            pending.push(
                `its destination (its ARN unknown until apply) is one of ${candidates.map((b) => b.label).join(", ")}, traced through the rules' dependencies, and they differ`,
            );
        } else if (failing.length > 0) {
            const traced = candidates.length > 1 ? ` (its destination, unknown until apply, is one of ${candidates.map((b) => b.label).join(", ")}, and each would fail)` : "";
            return violation(urn, `S3 would accept ${where} and fail its objects${traced}: ${failing[0].findings.map((f) => f.text).join("; ")}.`);
        } else {
            pending.push(...judged.flatMap((j) => j.pending));
        }
    } else if (rule.status === UNKNOWN) {
        pending.push("whether the rule is enabled is unknown until apply");
    }
    if (pending.length > 0) {
        return undecided(urn, `Cannot tell yet whether ${where} meets every requirement of replication: ${[...new Set(pending)].join("; ")}.`);
    }
    return compliant(urn, `${where} meets every requirement S3 checks against the destination as the program declares it.`);
}

export const replicationRequirements = defineStackPolicy({
    name: "s3-transfer-replication-requirements",
    description:
        "Every replication rule is one S3 accepts (a filtered rule includes DeleteMarkerReplication, and leaves it Disabled when it filters by tag; Replication Time Control comes with metrics) and meets the documented requirements against its destination as the program declares it: Object Lock on the destination when the source has it, a replica KMS key in the destination's Region, and, across accounts, a destination bucket policy that grants the replication role what the rule does and no Requester Pays. Messages name the replication failure reason the objects would fail with.",
    enforcementLevel: "mandatory",
    severity: "high",
    defaults: {},
    remediationSteps:
        "Give every filtered rule deleteMarkerReplication (Disabled for tag filters) and metrics with replicationTime; create the destination with Object Lock when the source has it; use a replica key of the destination's Region; across accounts, grant the replication role s3:ReplicateObject (and s3:ReplicateDelete, s3:ObjectOwnerOverrideToBucketOwner as the rule needs) in the destination's bucket policy and keep the destination's payer BucketOwner.",
    notApplicableReason: "The stack has no replication rule.",
    evaluate(index: StackIndex): Decision[] {
        // Every rule, Disabled ones too: PutBucketReplication refuses a malformed rule whatever its status.
        return judgeEachRule(index, (cfg, rule) => [judgeRule(index, cfg, rule)], { enabledOnly: false });
    },
});
