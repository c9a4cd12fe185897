/** ReplicationAlerts built alone: a customer-key SNS topic admitting only our buckets and alarms. */
import * as assert from "assert";
import { ReplicationAlerts } from "../../../infra/components/replication-alerts";
import { alertsKeyStatement, alertsTopicStatements } from "../../../infra/policies/alerts";
import { policyDocument } from "../../../infra/policies/document";
import { keyAdministrationStatement } from "../../../infra/policies/kms";
import { assertTree, buildAlone, ComponentBuild, outputsRegisteredBy, policyOf, resource, TEST_ACCOUNT_ID, TEST_PARTITION, TEST_REGION } from "../../helpers/components";
import { KMS_KEY } from "./fixtures";

const TOPIC = "acme-replication-alerts";
const TOPIC_ARN = `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT_ID}:${TOPIC}`;
/** One bucket by name and a name prefix, as the side covers its egress buckets (infra/naming/bucket-patterns.ts). */
const SOURCES = { names: ["acme-to-globex"], prefixes: ["acme-prod-p"] };
const COMPONENT = "transfer:monitoring:ReplicationAlerts alerts";

describe("ReplicationAlerts, built alone", () => {
    let built: ComponentBuild<ReplicationAlerts>;
    before(async () => {
        built = await buildAlone(
            () =>
                new ReplicationAlerts("alerts", {
                    topicName: TOPIC,
                    accountId: TEST_ACCOUNT_ID,
                    partition: TEST_PARTITION,
                    region: TEST_REGION,
                    sources: SOURCES,
                    alarmNamePrefix: "acme-replication-",
                    subscriptions: [
                        { protocol: "email", endpoint: "ops@acme.example" },
                        { protocol: "https", endpoint: "https://hooks.acme.example/s3" },
                    ],
                }),
        );
    });

    it("registers a key, the topic, its policy and one subscription per endpoint under it, named after it", () => {
        assertTree(built, [
            COMPONENT,
            `${KMS_KEY} alerts < ${COMPONENT}`,
            `aws:sns/topic:Topic alerts < ${COMPONENT}`,
            `aws:sns/topicPolicy:TopicPolicy alerts < ${COMPONENT}`,
            `aws:sns/topicSubscription:TopicSubscription alerts-0 < ${COMPONENT}`,
            `aws:sns/topicSubscription:TopicSubscription alerts-1 < ${COMPONENT}`,
        ]);
    });

    it("registers the topic's ARN", () => {
        assert.deepStrictEqual(outputsRegisteredBy(built), { topicArn: TOPIC_ARN });
    });

    it("encrypts the topic with its own rotated key, which S3 and CloudWatch of our account may use", () => {
        const key = resource(built, KMS_KEY, "alerts");
        assert.deepStrictEqual(policyOf(key), policyDocument([keyAdministrationStatement(TEST_PARTITION, TEST_ACCOUNT_ID), alertsKeyStatement(TEST_ACCOUNT_ID)]));
        assert.deepStrictEqual([key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays], [true, 30]);
        const topic = resource(built, "aws:sns/topic:Topic", "alerts");
        assert.deepStrictEqual([topic.inputs.name, topic.inputs.kmsMasterKeyId], [TOPIC, key.outputs.arn]);
    });

    it("wires the topic policy the builder returns for our buckets and alarm prefix", () => {
        const policy = resource(built, "aws:sns/topicPolicy:TopicPolicy", "alerts");
        assert.strictEqual(policy.inputs.arn, TOPIC_ARN);
        assert.deepStrictEqual(
            policyOf(policy),
            policyDocument(
                alertsTopicStatements({
                    topicArn: TOPIC_ARN,
                    accountId: TEST_ACCOUNT_ID,
                    sourceArnPatterns: ["arn:aws:s3:::acme-prod-p*", "arn:aws:s3:::acme-to-globex"],
                    alarmArnPattern: `arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT_ID}:alarm:acme-replication-*`,
                }),
            ),
        );
    });

    it("subscribes each endpoint with its protocol", () => {
        assert.deepStrictEqual(
            ["alerts-0", "alerts-1"].map((n) => {
                const s = resource(built, "aws:sns/topicSubscription:TopicSubscription", n).inputs;
                return [s.topic, s.protocol, s.endpoint];
            }),
            [
                [TOPIC_ARN, "email", "ops@acme.example"],
                [TOPIC_ARN, "https", "https://hooks.acme.example/s3"],
            ],
        );
    });
});
