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

export function accessLogDeliveryStatement(args: { logBucketArn: string; accountId: string; sourceBucketArns: string[] }): PolicyStatement {
    return {
        Sid: "S3ServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${args.logBucketArn}/${ACCESS_LOG_PREFIX}/*`,
        Condition: {
            StringEquals: { "aws:SourceAccount": args.accountId },
            ArnLike: { "aws:SourceArn": [...args.sourceBucketArns].sort() },
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
 * CloudTrail advanced event selector for object-level events on exactly the
 * data buckets (not the log bucket, which would log its own deliveries).
 */
export function dataEventSelector(dataBucketArns: string[]): { name: string; fieldSelectors: { field: string; equals?: string[]; startsWiths?: string[] }[] } {
    return {
        name: "Object events on exchanged files",
        fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            { field: "resources.ARN", startsWiths: [...dataBucketArns].sort().map((arn) => `${arn}/`) },
        ],
    };
}
