import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { batchReplicationPermissionsPolicy, batchReplicationTrustPolicy } from "../policies/batch-replication";
import { arns } from "../policies/document";

/** The role's name: one per side, from the side's role-name prefix (`s3-transfer:roleNamePrefix`, the party name by default). */
export function batchReplicationRoleName(roleNamePrefix: string): string {
    return `${roleNamePrefix}-batch-replication`;
}

export interface BatchReplicationEgress {
    bucketName: string;
    /** `{Root}`: only `{root}/` replicates. */
    root: string;
    /** The bucket's region: the job runs there and keeps its manifest in that region's log bucket. */
    region: string;
    /** With SSE-KMS, the bucket's key. Default: none (SSE-S3). */
    kmsKeyArn?: pulumi.Input<string>;
}

export interface BatchReplicationRoleArgs {
    /** The side's role-name prefix (`s3-transfer:roleNamePrefix`, the party name by default); the role is `<prefix>-batch-replication`. */
    roleNamePrefix: string;
    accountId: string;
    partition: string;
    /** Every egress bucket of the side that has a replication rule. */
    egress: BatchReplicationEgress[];
    /** The side's log bucket per region: manifests and completion reports go under `batch-replication/`. */
    logBucketNames: Record<string, string>;
}

/**
 * The role S3 Batch Operations assumes to run Batch Replication jobs for the
 * side's egress buckets (`npm run batch-replicate`). Live replication keeps
 * its own role: Batch Operations cannot assume it.
 */
export class BatchReplicationRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly roleArn: string;

    constructor(name: string, args: BatchReplicationRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:batch:BatchReplicationRole", name, {}, opts);
        const child = { parent: this };
        const roleName = batchReplicationRoleName(args.roleNamePrefix);
        this.roleArn = arns.role(args.partition, args.accountId, roleName);
        this.role = new aws.iam.Role(
            name,
            {
                name: roleName,
                description: "S3 Batch Replication of existing and failed objects of the egress buckets",
                assumeRolePolicy: JSON.stringify(batchReplicationTrustPolicy({ partition: args.partition, accountId: args.accountId })),
                maxSessionDuration: 3600,
            },
            child,
        );
        const regions = [...new Set(args.egress.map((e) => e.region))];
        const workBucketArns = regions.map((region) => {
            const logBucket = args.logBucketNames[region];
            if (!logBucket) throw new Error(`no log bucket in region ${region} for the batch replication manifests`);
            return arns.bucket(args.partition, logBucket);
        });
        new aws.iam.RolePolicy(
            name,
            {
                role: this.role.name,
                name: "batch-replicate",
                policy: pulumi.all(args.egress.map((e) => pulumi.output(e.kmsKeyArn))).apply((keys) =>
                    JSON.stringify(
                        batchReplicationPermissionsPolicy({
                            sources: args.egress.map((e, i) => ({
                                bucketArn: arns.bucket(args.partition, e.bucketName),
                                root: e.root,
                                region: e.region,
                                ...(keys[i] ? { kmsKeyArn: keys[i] } : {}),
                            })),
                            workBucketArns,
                        }),
                    ),
                ),
            },
            child,
        );
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
