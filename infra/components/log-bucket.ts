import * as pulumi from "@pulumi/pulumi";
import { accessLogDeliveryStatement, cloudTrailDeliveryStatements } from "../policies/audit";
import { BucketCover, bucketArnPatterns } from "../naming/bucket-patterns";
import { arns } from "../policies/document";
import { AccessLogTarget, SecureBucket } from "./secure-bucket";

export interface LogBucketArgs {
    bucketName: string;
    accountId: string;
    partition: string;
    /**
     * The data buckets (same account and region, as S3 requires) whose access
     * logs land here, as whole names and name prefixes that no other bucket of
     * the side has (infra/naming/bucket-patterns.ts).
     */
    sources: BucketCover;
    /** Our trail, when CloudTrail data events are delivered here too. Default: none. */
    trailArn?: string;
    /** Days logs are kept (`s3-transfer:logRetentionDays`). */
    retentionDays: number;
    /**
     * Protect the bucket and its settings from deletion (`s3-transfer:protectBuckets`);
     * false once only retired links use the region, so that the bucket can
     * leave the program with them (it is retained on delete regardless).
     */
    protect: boolean;
}

/**
 * The audit record of one side in one region: versioned, HTTPS-only, no public
 * access, ACLs disabled, and SSE-S3. Not SSE-KMS: log delivery into a
 * KMS-encrypted bucket needs extra key grants and fails silently when they are
 * wrong. Its only grants admit the logging service (and our trail) for our own
 * buckets. It does not log itself.
 */
export class LogBucket extends pulumi.ComponentResource {
    readonly bucket: SecureBucket;

    constructor(name: string, args: LogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:audit:LogBucket", name, {}, opts);
        const logBucketArn = arns.bucket(args.partition, args.bucketName);
        this.bucket = new SecureBucket(
            name,
            {
                bucketName: args.bucketName,
                accountId: args.accountId,
                partition: args.partition,
                encryption: "SSE-S3",
                keyGrants: [],
                expirationDays: args.retentionDays,
                // A log overwritten or deleted is kept a little while for investigation, not for the full retention.
                noncurrentVersionExpirationDays: 7,
                protect: args.protect,
                grantStatements: [
                    accessLogDeliveryStatement({
                        logBucketArn,
                        accountId: args.accountId,
                        sourceArnPatterns: bucketArnPatterns(args.partition, args.sources),
                    }),
                    ...(args.trailArn ? cloudTrailDeliveryStatements({ logBucketArn, accountId: args.accountId, trailArn: args.trailArn }) : []),
                ],
            },
            { parent: this },
        );
        this.registerOutputs({ bucketName: this.bucket.bucketName });
    }

    /** The access-log target for a data bucket in this log bucket's region. */
    target(): AccessLogTarget {
        return { targetBucket: this.bucket.bucketName, dependsOn: [this] };
    }
}
