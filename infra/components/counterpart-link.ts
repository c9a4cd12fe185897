import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { replicationDestinationStatements } from "../policies/bucket-policy";
import { arns } from "../policies/document";
import { replicationPermissionsPolicy, replicationTrustPolicy } from "../policies/replication-role";
import { BucketEncryption, SecureBucket } from "./secure-bucket";

/** What the counterpart has told us, through its stack or in writing. Absent values mean "not yet". */
export interface CounterpartEndpoints {
    accountId: string;
    /** Their ingress bucket: our egress replicates into it. Absent: no replication yet. */
    ingressBucketArn?: string;
    /** Their replication role: our ingress admits it. Absent: no grant yet. */
    replicationRoleArn?: string;
    /** They replicate delete markers, so our ingress must admit `s3:ReplicateDelete`. Default: false. */
    replicatesDeleteMarkers?: boolean;
}

export interface CounterpartLinkArgs {
    /** Our party name (`transfer:name`). */
    ownName: string;
    ownAccountId: string;
    partition: string;
    /** The counterpart's party name. */
    counterpartName: string;
    /** `{Root}` of the file-naming convention; only `{root}/` replicates, in both directions. */
    root: string;
    egressBucketName: string;
    ingressBucketName: string;
    replicationRoleName: string;
    counterpart: CounterpartEndpoints;
    /** Replicate delete markers too (and grant `s3:ReplicateDelete`). Default: false, so a delete here never removes the counterpart's copy. */
    deleteMarkerReplication?: boolean;
    /** Default encryption of both buckets. Default: SSE-S3. */
    encryption?: BucketEncryption;
    /** Noncurrent version expiry of both buckets. Default: 30 days. */
    noncurrentVersionExpirationDays?: number;
    /** Protect both buckets from deletion. Default: true. */
    protectBuckets?: boolean;
}

/**
 * Everything one side keeps for one counterpart: an egress bucket that
 * replicates into the counterpart's ingress, an ingress bucket the counterpart
 * replicates into, and the role S3 replicates with.
 */
export class CounterpartLink extends pulumi.ComponentResource {
    readonly egress: SecureBucket;
    readonly ingress: SecureBucket;
    readonly replicationRole: aws.iam.Role;
    readonly replicationRoleArn: string;
    readonly replicating: boolean;
    readonly admittingCounterpart: boolean;

    constructor(name: string, args: CounterpartLinkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:link:CounterpartLink", name, {}, opts);
        const child = { parent: this };
        const replicateDeletes = args.deleteMarkerReplication ?? false;
        const bucketDefaults = {
            partition: args.partition,
            encryption: args.encryption,
            noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
            protect: args.protectBuckets,
        };
        const { ingressBucketArn, replicationRoleArn: counterpartRoleArn } = args.counterpart;

        this.egress = new SecureBucket(`${name}-egress`, { ...bucketDefaults, bucketName: args.egressBucketName }, child);
        this.ingress = new SecureBucket(`${name}-ingress`, {
            ...bucketDefaults,
            bucketName: args.ingressBucketName,
            grantStatements: counterpartRoleArn
                ? replicationDestinationStatements({
                      bucketArn: arns.bucket(args.partition, args.ingressBucketName),
                      root: args.root,
                      sourceAccountId: args.counterpart.accountId,
                      sourceRoleArn: counterpartRoleArn,
                      replicateDeletes: args.counterpart.replicatesDeleteMarkers ?? false,
                  })
                : [],
        }, child);
        this.admittingCounterpart = counterpartRoleArn !== undefined;

        this.replicationRoleArn = arns.role(args.partition, args.ownAccountId, args.replicationRoleName);
        // Created even before replication can start, so the counterpart can grant it by its (predictable) ARN.
        this.replicationRole = new aws.iam.Role(`${name}-replication`, {
            name: args.replicationRoleName,
            description: `S3 replication from ${args.egressBucketName} to ${args.counterpartName}`,
            assumeRolePolicy: JSON.stringify(replicationTrustPolicy({ accountId: args.ownAccountId, sourceBucketArn: this.egress.bucketArn })),
            maxSessionDuration: 3600,
        }, child);

        this.replicating = ingressBucketArn !== undefined;
        if (ingressBucketArn) {
            const permissions = new aws.iam.RolePolicy(`${name}-replication`, {
                role: this.replicationRole.name,
                name: "replicate-egress",
                policy: JSON.stringify(replicationPermissionsPolicy({
                    sourceBucketArn: this.egress.bucketArn,
                    destinationBucketArn: ingressBucketArn,
                    root: args.root,
                    replicateDeletes,
                })),
            }, child);

            new aws.s3.BucketReplicationConfig(`${name}-egress`, {
                bucket: this.egress.bucketName,
                role: this.replicationRole.arn,
                rules: [
                    {
                        id: `to-${args.counterpartName}`,
                        priority: 0,
                        status: "Enabled",
                        filter: { prefix: `${args.root}/` },
                        deleteMarkerReplication: { status: replicateDeletes ? "Enabled" : "Disabled" },
                        destination: {
                            bucket: ingressBucketArn,
                            account: args.counterpart.accountId,
                            accessControlTranslation: { owner: "Destination" },
                        },
                    },
                ],
            }, { ...child, dependsOn: [this.egress.versioning, permissions] });
        }

        this.registerOutputs({
            egressBucketName: this.egress.bucketName,
            ingressBucketName: this.ingress.bucketName,
            replicationRoleArn: this.replicationRole.arn,
        });
    }
}
