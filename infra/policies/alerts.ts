/**
 * The replication alert path: S3 event notifications and CloudWatch alarms
 * publish to an SNS topic encrypted with a customer managed key. Both services
 * need the key (the AWS-managed aws/sns key cannot admit them, and the failure
 * is silent) and the topic, each pinned to this account and our sources.
 */
import { PolicyStatement } from "./document";

export const REPLICATION_FAILED_EVENTS = ["s3:Replication:OperationFailedReplication"];
/** Only meaningful with Replication Time Control: a replica took longer than the 15-minute target. */
export const REPLICATION_MISSED_THRESHOLD_EVENTS = ["s3:Replication:OperationMissedThreshold"];

/** The key lets S3 and CloudWatch encrypt messages for the topic, on behalf of this account only. */
export function alertsKeyStatement(accountId: string): PolicyStatement {
    return {
        Sid: "AlertPublishersEncrypt",
        Effect: "Allow",
        Principal: { Service: ["s3.amazonaws.com", "cloudwatch.amazonaws.com"] },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    };
}

export interface AlertsTopicPolicyArgs {
    topicArn: string;
    accountId: string;
    /** Egress buckets whose replication events publish here: their ARNs, or prefixes with `*` (infra/naming/bucket-patterns.ts). */
    sourceArnPatterns: string[];
    /** Alarm ARN pattern of our replication alarms (`arn:...:alarm:<prefix>*`). */
    alarmArnPattern: string;
}

export function alertsTopicStatements(args: AlertsTopicPolicyArgs): PolicyStatement[] {
    return [
        {
            Sid: "S3ReplicationEvents",
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sns:Publish",
            Resource: args.topicArn,
            Condition: { StringEquals: { "aws:SourceAccount": args.accountId }, ArnLike: { "aws:SourceArn": [...args.sourceArnPatterns].sort() } },
        },
        {
            Sid: "ReplicationAlarms",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: args.topicArn,
            Condition: { StringEquals: { "aws:SourceAccount": args.accountId }, ArnLike: { "aws:SourceArn": args.alarmArnPattern } },
        },
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sns:Publish",
            Resource: args.topicArn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ];
}
