/**
 * Who may write into a side's log bucket: S3 server access logging for our
 * own buckets, and CloudTrail for our own trail. Each grant is pinned to this
 * account and to the exact sources, so another account's bucket or trail
 * cannot fill (or poison) our audit record.
 */
import { PolicyStatement } from "./document";

/** Server access logs of every data bucket land under `s3-access-logs/<bucket>/`. */
export const ACCESS_LOG_PREFIX = "s3-access-logs";
/** CloudTrail data events land under `cloudtrail/AWSLogs/<account>/`. */
export const CLOUDTRAIL_PREFIX = "cloudtrail";

export function accessLogTargetPrefix(bucketName: string): string {
    return `${ACCESS_LOG_PREFIX}/${bucketName}/`;
}

/**
 * `sourceArnPatterns` are the data buckets' ARNs, or prefixes of them with `*`
 * (infra/naming/bucket-patterns.ts): one entry per bucket would outgrow the
 * 20 KB of a bucket policy with a few hundred counterparts.
 */
export function accessLogDeliveryStatement(args: { logBucketArn: string; accountId: string; sourceArnPatterns: string[] }): PolicyStatement {
    return {
        Sid: "S3ServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${args.logBucketArn}/${ACCESS_LOG_PREFIX}/*`,
        Condition: {
            StringEquals: { "aws:SourceAccount": args.accountId },
            ArnLike: { "aws:SourceArn": [...args.sourceArnPatterns].sort() },
        },
    };
}

/** The two statements CloudTrail documents for delivering into a bucket, conditioned on our trail's ARN. */
export function cloudTrailDeliveryStatements(args: { logBucketArn: string; accountId: string; trailArn: string }): PolicyStatement[] {
    const fromOurTrail = { "aws:SourceArn": args.trailArn };
    return [
        {
            Sid: "CloudTrailAclCheck",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: args.logBucketArn,
            Condition: { StringEquals: fromOurTrail },
        },
        {
            Sid: "CloudTrailDelivery",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${args.logBucketArn}/${CLOUDTRAIL_PREFIX}/AWSLogs/${args.accountId}/*`,
            Condition: { StringEquals: { ...fromOurTrail, "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
    ];
}

/**
 * CloudTrail advanced event selector for object-level events on the data
 * buckets and never the log bucket (which would record its own deliveries):
 * `objectArnPrefixes` are `<bucket ARN>/` or a prefix of the data buckets'
 * ARNs that no log bucket's ARN starts with (infra/naming/bucket-patterns.ts),
 * since a trail takes at most 500 values across its selectors.
 */
export function dataEventSelector(objectArnPrefixes: string[]): { name: string; fieldSelectors: { field: string; equals?: string[]; startsWiths?: string[] }[] } {
    return {
        name: "Object events on exchanged files",
        fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            { field: "resources.ARN", startsWiths: [...objectArnPrefixes].sort() },
        ],
    };
}
