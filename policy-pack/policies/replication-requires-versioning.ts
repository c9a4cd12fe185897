import { describe, versioningOf } from "../lib/bucket-settings";
import { compliant, Decision, defineStackPolicy, notApplicable, undecided, violation } from "../lib/policy-kit";
import { destinationInStack, replicationConfigs } from "../lib/replication";
import { StackIndex } from "../lib/stack-index";
import { UNKNOWN } from "../lib/values";

const FIX =
    'Enable versioning with an aws.s3.BucketVersioning (versioningConfiguration: { status: "Enabled" }) and make the replication depend on it.';

export const replicationRequiresVersioning = defineStackPolicy({
    name: "s3-transfer-replication-requires-versioning",
    description:
        "A bucket with a replication configuration has versioning Enabled (absent or Suspended fails at deploy time), and so does its destination bucket when it is in the same stack.",
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
                            `${cfg.bucketLabel} has a replication configuration (${where}) but versioning is not enabled: ${v.detail}. S3 rejects replication on an unversioned bucket. ${FIX}`,
                        ),
                    );
                }
            }
            if (cfg.rules === UNKNOWN) {
                continue;
            }
            for (const rule of cfg.rules) {
                const dest = destinationInStack(index, cfg, rule);
                if (!dest || dest === cfg.bucket) {
                    continue;
                }
                const v = versioningOf(index, dest);
                if (v.state === "enabled") {
                    out.push(compliant(cfg.declaredOn.urn, `Destination ${dest.label} of ${rule.label} is versioned.`));
                } else if (v.state === "unknown") {
                    out.push(undecided(cfg.declaredOn.urn, `Cannot tell yet whether destination ${dest.label} of ${rule.label} (${where}) is versioned: ${v.detail}.`));
                } else {
                    out.push(
                        violation(
                            cfg.declaredOn.urn,
                            `Destination ${dest.label} of ${rule.label} in the replication of ${cfg.bucketLabel} (${where}) does not have versioning enabled: ${v.detail}. ${FIX.replace("the replication", "the source's replication")}`,
                        ),
                    );
                }
            }
        }
        return out;
    },
});
