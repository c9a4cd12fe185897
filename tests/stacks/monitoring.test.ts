/** Replication monitoring: metrics, event notifications to an encrypted topic, alarms, and the RTC option. */
import * as assert from "assert";
import { Plan } from "../../tools/plan/engine";
import { ALL_STACKS, configVariant, documentOf, fixtureFile, forBucket, linksOf, ofType, one, plan, planUncached, T } from "../helpers/plans";

const M = {
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    notification: "aws:s3/bucketNotification:BucketNotification",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    key: "aws:kms/key:Key",
};

function prodWith(change: Record<string, unknown>): string {
    return configVariant(fixtureFile("prod"), (config) => Object.assign(config, change));
}

function alarmsOf(p: Plan) {
    return ofType(p, M.alarm);
}

for (const stack of ALL_STACKS) {
    describe(`stack ${stack}: replication monitoring`, () => {
        it("encrypts the alert topic with a customer managed key that admits S3 and CloudWatch for this account only", async () => {
            const p = await plan(stack);
            const accountId = p.outputs.accountId as string;
            const topic = one(p, M.topic);
            const key = one(p, M.key, (k) => k.outputs.arn === topic.inputs.kmsMasterKeyId);
            assert.strictEqual(key.inputs.enableKeyRotation, true);
            assert.deepStrictEqual(documentOf(key).Statement, [
                { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
                {
                    Sid: "AlertPublishersEncrypt",
                    Effect: "Allow",
                    Principal: { Service: ["s3.amazonaws.com", "cloudwatch.amazonaws.com"] },
                    Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                    Resource: "*",
                    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                },
            ]);
        });

        it("lets only our egress buckets and our alarms publish, over TLS", async () => {
            const p = await plan(stack);
            const accountId = p.outputs.accountId as string;
            const topic = one(p, M.topic);
            const topicArn = topic.outputs.arn as string;
            const [counterpart] = Object.keys(linksOf(p));
            const prefix = String(alarmsOf(p)[0].inputs.name).slice(0, -`${counterpart}-failed`.length);
            assert.match(prefix, /-replication-$/);
            assert.deepStrictEqual(documentOf(one(p, M.topicPolicy)).Statement, [
                {
                    Sid: "S3ReplicationEvents",
                    Effect: "Allow",
                    Principal: { Service: "s3.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topicArn,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": accountId },
                        ArnLike: {
                            "aws:SourceArn": Object.values(linksOf(p))
                                .map((l) => l.egressBucketArn)
                                .sort(),
                        },
                    },
                },
                {
                    Sid: "ReplicationAlarms",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topicArn,
                    Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${accountId}:alarm:${prefix}*` } },
                },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sns:Publish",
                    Resource: topicArn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ]);
        });

        it("turns replication metrics on, and reports failed replications by event and by alarm", async () => {
            const p = await plan(stack);
            const topicArn = one(p, M.topic).outputs.arn as string;
            for (const [counterpart, link] of Object.entries(linksOf(p))) {
                const [rule] = forBucket(p, T.replication, link.egressBucketName).inputs.rules as { id: string; destination: Record<string, unknown> }[];
                assert.deepStrictEqual(rule.destination.metrics, { status: "Enabled" });
                assert.strictEqual(rule.destination.replicationTime, undefined, "RTC is off by default: it costs extra");
                const notification = forBucket(p, M.notification, link.egressBucketName);
                assert.deepStrictEqual(notification.inputs.topics, [{ id: "replication-failures", topicArn, events: ["s3:Replication:OperationFailedReplication"] }]);
                assert.ok(notification.dependencies.includes(one(p, M.topicPolicy).urn), "S3 validates the topic policy when notifications are configured");
                const alarm = one(p, M.alarm, (a) => String(a.inputs.name).endsWith(`${counterpart}-failed`));
                assert.deepStrictEqual(
                    { ...alarm.inputs, name: undefined, alarmDescription: undefined },
                    {
                        name: undefined,
                        alarmDescription: undefined,
                        namespace: "AWS/S3",
                        metricName: "OperationsFailedReplication",
                        dimensions: { SourceBucket: link.egressBucketName, DestinationBucket: (rule.destination.bucket as string).split(":::")[1], RuleId: rule.id },
                        statistic: "Sum",
                        period: 300,
                        evaluationPeriods: 1,
                        comparisonOperator: "GreaterThanThreshold",
                        threshold: 0,
                        treatMissingData: "notBreaching",
                        alarmActions: [topicArn],
                    },
                );
            }
            assert.strictEqual(alarmsOf(p).length, Object.keys(linksOf(p)).length);
        });
    });
}

describe("monitoring options", () => {
    it("with Replication Time Control: a 15-minute target, threshold events and a latency alarm", async () => {
        const p = await planUncached({ stack: "prod", configFile: prodWith({ "s3-transfer:replicationTimeControl": true }) });
        const link = linksOf(p).cdlx;
        const [rule] = forBucket(p, T.replication, link.egressBucketName).inputs.rules as { destination: Record<string, unknown> }[];
        assert.deepStrictEqual(rule.destination.replicationTime, { status: "Enabled", time: { minutes: 15 } });
        assert.deepStrictEqual(rule.destination.metrics, { status: "Enabled", eventThreshold: { minutes: 15 } });
        assert.deepStrictEqual((forBucket(p, M.notification, link.egressBucketName).inputs.topics as { events: string[] }[])[0].events, [
            "s3:Replication:OperationFailedReplication",
            "s3:Replication:OperationMissedThreshold",
        ]);
        const latency = one(p, M.alarm, (a) => a.inputs.metricName === "ReplicationLatency");
        assert.strictEqual(latency.inputs.statistic, "Maximum");
        assert.strictEqual(latency.inputs.threshold, 900);
    });

    it("subscribes the configured e-mail and HTTPS endpoints", async () => {
        const p = await planUncached({
            stack: "prod",
            configFile: prodWith({
                "s3-transfer:alertSubscriptions": [
                    { protocol: "email", endpoint: "transfer-ops@acme-bank.example" },
                    { protocol: "https", endpoint: "https://hooks.acme-bank.example/s3" },
                ],
            }),
        });
        const topicArn = one(p, M.topic).outputs.arn;
        assert.deepStrictEqual(
            ofType(p, M.subscription).map((s) => s.inputs),
            [
                { topic: topicArn, protocol: "email", endpoint: "transfer-ops@acme-bank.example" },
                { topic: topicArn, protocol: "https", endpoint: "https://hooks.acme-bank.example/s3" },
            ],
        );
    });

    it("reports nothing for a link that does not replicate yet", async () => {
        const p = await plan({ stack: "prod", referenceDepth: 0 });
        assert.strictEqual(ofType(p, M.notification).length, 0);
        assert.strictEqual(alarmsOf(p).length, 0);
    });
});
