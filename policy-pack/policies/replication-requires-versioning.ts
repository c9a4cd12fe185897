import { describe, versioningOf } from "../lib/bucket-settings";
import { compliant, Decision, defineStackPolicy, notApplicable, undecided, violation } from "../lib/policy-kit";
import { destinationCandidates, replicationConfigs } from "../lib/replication";
import { StackIndex } from "../lib/stack-index";
import { UNKNOWN } from "../lib/values";

// "Both source and destination buckets must have versioning enabled":
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html
const FAILURE_REASONS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html#replication-failure-codes";

const FIX = 'Enable versioning with an aws.s3.BucketVersioning (versioningConfiguration: { status: "Enabled" }) and make the replication depend on it.';

export const replicationRequiresVersioning = defineStackPolicy({
    name: "s3-transfer-replication-requires-versioning",
    description:
        "A bucket with a replication configuration has versioning Enabled (absent, Disabled or Suspended fails at deploy time; a bucket created with Object Lock is versioned for good), in split, v6 V2 or inline form, and so does its destination bucket when it is in the same stack (found by ARN, or, while the ARN is unknown, among the buckets the rules were computed from).",
    enforcementLevel: "mandatory",
    severity: "high",
    defaults: {},
    remediationSteps: FIX,
    notApplicableReason: "The stack has no S3 replication configuration.",
    evaluate(index: StackIndex): Decision[] {
        const out: Decision[] = [];
        const { configs } = replicationConfigs(index);
        for (const cfg of configs) {
            const where = describe(cfg.declaredOn, cfg.form);
            if (!cfg.bucket) {
                out.push(
                    cfg.source === "external"
                        ? notApplicable(cfg.declaredOn.urn, `${cfg.bucketLabel} (source of ${where}) is not in this stack.`)
                        : undecided(cfg.declaredOn.urn, `The source bucket of ${where} is unknown until apply, so its versioning cannot be checked.`),
                );
            } else {
                const v = versioningOf(index, cfg.bucket);
                if (v.state === "enabled") {
                    out.push(compliant(cfg.declaredOn.urn, `${cfg.bucketLabel} replicates (${where}) with versioning enabled.`));
                } else if (v.state === "unknown") {
                    out.push(undecided(cfg.declaredOn.urn, `Cannot tell yet whether ${cfg.bucketLabel}, which replicates (${where}), has versioning enabled: ${v.detail}.`));
                } else {
                    out.push(
                        violation(
                            cfg.declaredOn.urn,
                            `${cfg.bucketLabel} has a replication configuration (${where}) but versioning is not enabled: ${v.detail}. S3 refuses the replication configuration of an unversioned bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html), so \`pulumi up\` fails. ${FIX}`,
                        ),
                    );
                }
            }
            if (cfg.rules === UNKNOWN) {
                continue;
            }
            for (const rule of cfg.rules) {
                const candidates = destinationCandidates(index, cfg, rule).filter((b) => b !== cfg.bucket);
                if (candidates.length === 0) {
                    continue;
                }
                if (candidates.length > 1) {
                    const states = candidates.map((b) => versioningOf(index, b).state);
                    const names = candidates.map((b) => b.label).join(", ");
                    if (states.every((st) => st === "enabled")) {
                        out.push(compliant(cfg.declaredOn.urn, `Every bucket ${rule.label} may replicate to (${names}; its ARN is unknown until apply) is versioned.`));
                    } else if (states.every((st) => st === "not-enabled")) {
                        out.push(
                            violation(
                                cfg.declaredOn.urn,
                                `${rule.label} in the replication of ${cfg.bucketLabel} (${where}) replicates to one of ${names} (its ARN is unknown until apply), none of which has versioning enabled, so every object would fail with DstBucketUnversioned (${FAILURE_REASONS}). ${FIX.replace("the replication", "the source's replication")}`,
                            ),
                        );
                    } else {
                        out.push(
                            undecided(
                                cfg.declaredOn.urn,
                                `Cannot tell yet whether the destination of ${rule.label} (${where}) is versioned: it is one of ${names}, traced through the rules' dependencies, and they differ.`,
                            ),
                        );
                    }
                    continue;
                }
                const dest = candidates[0];
                const v = versioningOf(index, dest);
                if (v.state === "enabled") {
                    out.push(compliant(cfg.declaredOn.urn, `Destination ${dest.label} of ${rule.label} is versioned.`));
                } else if (v.state === "unknown") {
                    out.push(undecided(cfg.declaredOn.urn, `Cannot tell yet whether destination ${dest.label} of ${rule.label} (${where}) is versioned: ${v.detail}.`));
                } else {
                    out.push(
                        violation(
                            cfg.declaredOn.urn,
                            `Destination ${dest.label} of ${rule.label} in the replication of ${cfg.bucketLabel} (${where}) does not have versioning enabled: ${v.detail}. S3 accepts the rule and every object fails with DstBucketUnversioned (${FAILURE_REASONS}). ${FIX.replace("the replication", "the source's replication")}`,
                        ),
                    );
                }
            }
        }
        return out;
    },
});
