import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { batchReplicationPermissionsPolicy, batchReplicationTrustPolicy, batchWorkPrefix } from "../policies/batch-replication";
import { arns } from "../policies/document";

export interface BatchReplicationRoleArgs {
    /** The role's name (`<name>-to-<counterpart>-batch`, derived with the link's other names in infra/config/schema.ts). */
    roleName: string;
    accountId: string;
    partition: string;
    /** The link's egress bucket, whose replication rule the jobs re-run. */
    egressBucketName: string;
    /** `{Root}`: only `{root}/` replicates. */
    root: string;
    /** The egress bucket's region: the job runs there and keeps its manifest in that region's log bucket. */
    region: string;
    /** With SSE-KMS, the egress bucket's key. Default: none (SSE-S3). */
    kmsKeyArn?: pulumi.Input<string>;
    /** The side's log bucket in `region`: manifests and completion reports go under `batch-replication/<egress bucket>/`. */
    logBucketName: string;
    /** Pin the trust to this account's jobs (`s3-transfer:batchTrustConditions`); off: the trust AWS documents. */
    trustConditions: boolean;
}

/**
 * The role S3 Batch Operations assumes to run Batch Replication jobs for one
 * link's egress bucket (`npm run batch-replicate`). Live replication keeps its
 * own role: Batch Operations cannot assume it. One per link, like the
 * replication role: a job can touch only the link it was started for, and no
 * document grows with the number of counterparts.
 */
export class BatchReplicationRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly roleArn: string;

    constructor(name: string, args: BatchReplicationRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:batch:BatchReplicationRole", name, {}, opts);
        const child = { parent: this };
        this.roleArn = arns.role(args.partition, args.accountId, args.roleName);
        this.role = new aws.iam.Role(
            name,
            {
                name: args.roleName,
                description: `S3 Batch Replication of existing and failed objects of ${args.egressBucketName}`,
                assumeRolePolicy: JSON.stringify(batchReplicationTrustPolicy({ partition: args.partition, accountId: args.accountId, sourceConditions: args.trustConditions })),
                maxSessionDuration: 3600,
            },
            child,
        );
        const bucketArn = arns.bucket(args.partition, args.egressBucketName);
        const workPrefixArn = `${arns.bucket(args.partition, args.logBucketName)}/${batchWorkPrefix(args.egressBucketName)}`;
        new aws.iam.RolePolicy(
            name,
            {
                role: this.role.name,
                name: "batch-replicate",
                policy: pulumi.output(args.kmsKeyArn).apply((kmsKeyArn) =>
                    JSON.stringify(
                        batchReplicationPermissionsPolicy({
                            source: { bucketArn, root: args.root, region: args.region, ...(kmsKeyArn ? { kmsKeyArn } : {}) },
                            workPrefixArn,
                        }),
                    ),
                ),
            },
            child,
        );
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
