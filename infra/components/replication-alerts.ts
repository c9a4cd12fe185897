import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlertSubscription } from "../config/schema";
import { BucketCover, bucketArnPatterns } from "../naming/bucket-patterns";
import { alertsKeyStatement, alertsTopicStatements } from "../policies/alerts";
import { arns, policyDocument } from "../policies/document";
import { keyAdministrationStatement } from "../policies/kms";

export interface ReplicationAlertsArgs {
    topicName: string;
    accountId: string;
    partition: string;
    region: string;
    /** Egress buckets in this region whose failed replications are reported here, as names and name prefixes (infra/naming/bucket-patterns.ts). */
    sources: BucketCover;
    /** Alarms publishing here are named with this prefix. */
    alarmNamePrefix: string;
    /** E-mail or HTTPS endpoints to notify (`s3-transfer:alertSubscriptions`); may be empty, to subscribe later (e.g. a chat or paging integration). */
    subscriptions: AlertSubscription[];
}

/** Where one region's replication failures are reported: an encrypted SNS topic admitting only our buckets and alarms. */
export class ReplicationAlerts extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly topicPolicy: aws.sns.TopicPolicy;

    constructor(name: string, args: ReplicationAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:monitoring:ReplicationAlerts", name, {}, opts);
        const child = { parent: this };
        const key = new aws.kms.Key(
            name,
            {
                description: `Encrypts replication alerts on SNS topic ${args.topicName}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: JSON.stringify(policyDocument([keyAdministrationStatement(args.partition, args.accountId), alertsKeyStatement(args.accountId)])),
            },
            child,
        );
        this.topic = new aws.sns.Topic(name, { name: args.topicName, kmsMasterKeyId: key.arn }, child);
        const topicArn = arns.snsTopic(args.partition, args.region, args.accountId, args.topicName);
        this.topicPolicy = new aws.sns.TopicPolicy(
            name,
            {
                arn: this.topic.arn,
                policy: JSON.stringify(
                    policyDocument(
                        alertsTopicStatements({
                            topicArn,
                            accountId: args.accountId,
                            sourceArnPatterns: bucketArnPatterns(args.partition, args.sources),
                            alarmArnPattern: arns.alarm(args.partition, args.region, args.accountId, `${args.alarmNamePrefix}*`),
                        }),
                    ),
                ),
            },
            child,
        );
        args.subscriptions.forEach((subscription, index) => {
            new aws.sns.TopicSubscription(`${name}-${index}`, { topic: this.topic.arn, protocol: subscription.protocol, endpoint: subscription.endpoint }, child);
        });
        this.registerOutputs({ topicArn: this.topic.arn });
    }
}
