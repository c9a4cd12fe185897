import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secureTransportStatements } from "../policies/bucket-policy";
import { CounterpartState, Encryption } from "../config/keys";
import { arns, policyDocument, PolicyStatement } from "../policies/document";
import { accessLogTargetPrefix } from "../policies/audit";
import { keyAdministrationStatement, uploadEncryptionStatements } from "../policies/kms";

/** Where a bucket's server access logs go: the side's log bucket in the same region. */
export interface AccessLogTarget {
    targetBucket: pulumi.Input<string>;
    /** The log bucket's policy must admit this bucket before S3 delivers anything. */
    dependsOn: pulumi.Resource[];
}

/**
 * What every data bucket of a side shares; components that own buckets take
 * these and pass them on. Their defaults are the config model's (infra/config/keys.ts).
 */
export interface DataBucketSettings {
    accountId: string;
    partition: string;
    /** `s3-transfer:encryption`. */
    encryption: Encryption;
    /** `s3-transfer:noncurrentVersionExpirationDays`. */
    noncurrentVersionExpirationDays: number;
    /** `s3-transfer:expirationDays`; absent: current objects never expire. */
    expirationDays?: number;
    /** `s3-transfer:protectBuckets`. */
    protectBuckets: boolean;
    /** Where server access logs go; absent: not logged. */
    accessLogs?: AccessLogTarget;
}

/**
 * The SecureBucket arguments that come from the shared settings, for a bucket
 * of an entry in `state`: a retired entry's bucket loses `protect` (so that
 * the entry can leave config) and stays retained on delete, like every bucket.
 */
export function dataBucketArgs(
    settings: DataBucketSettings,
    state: CounterpartState = "active",
): Pick<SecureBucketArgs, "accountId" | "partition" | "encryption" | "noncurrentVersionExpirationDays" | "expirationDays" | "protect" | "accessLogs"> {
    return {
        accountId: settings.accountId,
        partition: settings.partition,
        encryption: settings.encryption,
        noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
        expirationDays: settings.expirationDays,
        protect: settings.protectBuckets && state !== "retired",
        accessLogs: settings.accessLogs,
    };
}

export interface SecureBucketArgs {
    /**
     * Globally unique bucket name. Required rather than auto-named: counterparts
     * put it in their policies and hand-off sheets before this stack first runs.
     */
    bucketName: string;
    /** ARN partition of the bucket's region (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** The owning account: it administers the bucket's KMS key. */
    accountId: string;
    /**
     * Default encryption. SSE-KMS creates a customer managed key for the bucket
     * (AWS-managed `aws/s3` keys cannot be used across accounts), with rotation
     * and S3 Bucket Keys on.
     */
    encryption: Encryption;
    /** Statements added to the bucket's KMS key policy; used only with SSE-KMS, where there is a key. */
    keyGrants: pulumi.Input<PolicyStatement[]>;
    /** Statements composed with the HTTPS/TLS denies into the bucket's one policy. */
    grantStatements: pulumi.Input<PolicyStatement[]>;
    /** Days after which noncurrent (overwritten or deleted) versions expire. */
    noncurrentVersionExpirationDays: number;
    /** Days after which current objects expire (become noncurrent); absent: never. */
    expirationDays?: number;
    /**
     * Server access logging, partitioned by event time under `s3-access-logs/<bucket>/`.
     * Default: none; every data bucket gets one (only a log bucket goes without, so that it never logs itself).
     */
    accessLogs?: AccessLogTarget;
    /**
     * Protect the bucket, its key and every setting that protects its contents
     * (Block Public Access, ownership controls, versioning, default encryption,
     * lifecycle, access logging, bucket policy), so that neither a replacement
     * nor `pulumi destroy` can delete them. All of them are
     * retained on delete regardless: `protect` and `retainOnDelete` apply to one
     * resource, and deleting a `BucketVersioning` suspends versioning, deleting a
     * `BucketPublicAccessBlock` removes the block from the bucket that stays.
     */
    protect: boolean;
}

/**
 * An S3 bucket that holds exchanged files: versioned, encrypted by default,
 * HTTPS (TLS 1.2+) only, no public access, ACLs disabled, never deleted by a
 * routine `pulumi up`.
 */
export class SecureBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: string;
    /** The bucket's own KMS key, with SSE-KMS. */
    readonly kmsKey?: aws.kms.Key;
    readonly kmsKeyArn?: pulumi.Output<string>;
    /** Replication must depend on this, or the first `up` races versioning. */
    readonly versioning: aws.s3.BucketVersioning;

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:storage:SecureBucket", name, {}, opts);
        const child = { parent: this };
        this.bucketArn = arns.bucket(args.partition, args.bucketName);

        // Deleting the bucket or its key would lose files (the key is the only way to read them); deleting
        // any protective setting would leave the retained bucket with the files but without that protection.
        // So each gets the bucket's options. Only the alias (a name) is not kept.
        const keep = { ...child, protect: args.protect, retainOnDelete: true };
        this.bucket = new aws.s3.Bucket(
            name,
            {
                bucket: args.bucketName,
                forceDestroy: false,
            },
            keep,
        );
        // The name is set in config, so it is known at preview and lets policies correlate settings with the bucket.
        this.bucketName = this.bucket.bucket;

        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            name,
            {
                bucket: this.bucketName,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            keep,
        );

        new aws.s3.BucketOwnershipControls(
            name,
            {
                bucket: this.bucketName,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            },
            keep,
        );

        this.versioning = new aws.s3.BucketVersioning(
            name,
            {
                bucket: this.bucketName,
                versioningConfiguration: { status: "Enabled" },
            },
            keep,
        );

        if (args.encryption === "SSE-KMS") {
            const keyPolicy = pulumi
                .output(args.keyGrants)
                .apply((grants) => JSON.stringify(policyDocument([keyAdministrationStatement(args.partition, args.accountId), ...grants])));
            this.kmsKey = new aws.kms.Key(
                name,
                {
                    description: `Default encryption of s3://${args.bucketName}`,
                    enableKeyRotation: true,
                    deletionWindowInDays: 30,
                    policy: keyPolicy,
                },
                keep,
            );
            this.kmsKeyArn = this.kmsKey.arn;
            new aws.kms.Alias(name, { name: `alias/s3/${args.bucketName}`, targetKeyId: this.kmsKey.keyId }, child);
        }
        new aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            {
                bucket: this.bucketName,
                rules: [
                    this.kmsKeyArn
                        ? {
                              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.kmsKeyArn },
                              bucketKeyEnabled: true,
                              blockedEncryptionTypes: ["SSE-C"],
                          }
                        : // SSE-C blocked here too: it also refuses replication requests that specify SSE-C (S3 User Guide, blocking-unblocking-s3-c-encryption-gpb).
                          { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
                ],
            },
            keep,
        );

        new aws.s3.BucketLifecycleConfiguration(
            name,
            {
                bucket: this.bucketName,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
                        // Failed uploads otherwise keep their parts, and their cost, forever.
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                    ...(args.expirationDays ? [{ id: "expire-current-objects", status: "Enabled", filter: { prefix: "" }, expiration: { days: args.expirationDays } }] : []),
                ],
            },
            { ...keep, dependsOn: [this.versioning] },
        );

        const policy = pulumi
            .all([args.grantStatements, this.kmsKeyArn])
            .apply(([grants, keyArn]) =>
                JSON.stringify(policyDocument([...secureTransportStatements(this.bucketArn), ...uploadEncryptionStatements(this.bucketArn, keyArn), ...grants])),
            );
        // After the public access block: S3 rejects concurrent changes to a bucket's access settings.
        // Kept too: its HTTPS and encryption denies protect the retained bucket. Grants to a counterpart are
        // revoked while its entry is still in config (state: offboarding), so a retained policy grants nothing.
        new aws.s3.BucketPolicy(name, { bucket: this.bucketName, policy }, { ...keep, dependsOn: [publicAccessBlock] });

        if (args.accessLogs) {
            new aws.s3.BucketLogging(
                name,
                {
                    bucket: this.bucketName,
                    targetBucket: args.accessLogs.targetBucket,
                    targetPrefix: accessLogTargetPrefix(args.bucketName),
                    // Date partitions let Athena prune a query to the days it asks about.
                    targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
                },
                { ...keep, dependsOn: args.accessLogs.dependsOn },
            );
        }

        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, kmsKeyArn: this.kmsKeyArn });
    }
}
