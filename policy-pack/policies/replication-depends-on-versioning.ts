import { describe } from "../lib/bucket-settings";
import { compliant, Decision, defineStackPolicy, violation } from "../lib/policy-kit";
import { replicationConfigs } from "../lib/replication";
import { StackIndex } from "../lib/stack-index";

/** Is any of `targets` reachable from `from` through dependencies (direct or transitive)? */
function dependsOnAny(index: StackIndex, from: string, targets: Set<string>): boolean {
    const seen = new Set<string>([from]);
    const queue = [...(index.byUrn.get(from)?.dependencies ?? [])];
    while (queue.length > 0) {
        const u = queue.pop() as string;
        if (targets.has(u)) {
            return true;
        }
        if (seen.has(u)) {
            continue;
        }
        seen.add(u);
        queue.push(...(index.byUrn.get(u)?.dependencies ?? []));
    }
    return false;
}

export const replicationDependsOnVersioning = defineStackPolicy({
    name: "s3-transfer-replication-depends-on-versioning",
    description:
        "A replication configuration depends on the source bucket's versioning resource, so the first deployment does not race: S3 rejects replication on a bucket whose versioning is not yet enabled.",
    enforcementLevel: "advisory",
    severity: "medium",
    defaults: {},
    remediationSteps: "Create the BucketReplicationConfig with { dependsOn: [versioning] }, where versioning is the source bucket's aws.s3.BucketVersioning.",
    notApplicableReason: "The stack has no replication whose source bucket has a separate versioning resource.",
    evaluate(index: StackIndex): Decision[] {
        const out: Decision[] = [];
        for (const cfg of replicationConfigs(index).configs) {
            const versionings = cfg.bucket?.settings.versioning ?? [];
            if (!cfg.bucket || versionings.length === 0) {
                continue;
            }
            const where = describe(cfg.declaredOn, cfg.form);
            const names = versionings.map((v) => `"${v.name}"`).join(", ");
            if (versionings.every((v) => v.urn === cfg.declaredOn.urn)) {
                // An aws-native bucket declares both on itself: CloudFormation applies them as one resource.
                out.push(compliant(cfg.declaredOn.urn, `${cfg.bucketLabel} declares its versioning and its replication on one resource (${where}).`));
            } else if (cfg.form === "inline") {
                out.push(
                    violation(
                        cfg.declaredOn.urn,
                        `${cfg.bucketLabel} declares replication inline while its versioning is a separate resource (${names}); the inline replication is applied with the bucket, before versioning exists. Move it to an aws.s3.BucketReplicationConfig with dependsOn: [${names}].`,
                    ),
                );
            } else if (dependsOnAny(index, cfg.declaredOn.urn, new Set(versionings.map((v) => v.urn)))) {
                out.push(compliant(cfg.declaredOn.urn, `${where} is created after the versioning of ${cfg.bucketLabel}.`));
            } else {
                out.push(
                    violation(
                        cfg.declaredOn.urn,
                        `${where} does not depend on the versioning of ${cfg.bucketLabel} (${names}), so the first deployment can create it first and fail. Add { dependsOn: [${names}] } to it.`,
                    ),
                );
            }
        }
        return out;
    },
});
