/** CounterpartLink built alone: pending, active (SSE-S3 and SSE-KMS), offboarding and retired. */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CounterpartLink, CounterpartLinkArgs } from "../../../infra/components/counterpart-link";
import { CounterpartState } from "../../../infra/config/schema";
import { REPLICATION_FAILED_EVENTS, REPLICATION_MISSED_THRESHOLD_EVENTS } from "../../../infra/policies/alerts";
import { replicationDestinationStatements, secureTransportStatements } from "../../../infra/policies/bucket-policy";
import { arns, policyDocument, PolicyStatement } from "../../../infra/policies/document";
import { keyAdministrationStatement, replicaKeyGrantStatement, replicationKmsStatements, uploadEncryptionStatements } from "../../../infra/policies/kms";
import { replicationPermissionsPolicy, replicationTrustPolicy } from "../../../infra/policies/replication-role";
import { T } from "../../helpers/plans";
import { assertTree, buildAlone, ComponentBuild, outputsRegisteredBy, policyOf, promiseOf, resource, TEST_ACCOUNT_ID, TEST_PARTITION, TEST_REGION } from "../../helpers/components";
import { KMS_KEY, secureBucketTree, standInLogTarget } from "./fixtures";

const THEIRS = "444455556666";
const THEIR_INGRESS_ARN = "arn:aws:s3:::globex-from-acme";
const THEIR_INGRESS_KEY = `arn:aws:kms:us-east-1:${THEIRS}:key/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`;
const THEIR_ROLE_ARN = `arn:aws:iam::${THEIRS}:role/globex-to-acme-replication`;
const EGRESS = "acme-to-globex";
const INGRESS = "acme-from-globex";
const EGRESS_ARN = arns.bucket(TEST_PARTITION, EGRESS);
const INGRESS_ARN = arns.bucket(TEST_PARTITION, INGRESS);
const ROLE = "acme-to-globex-replication";
const ROLE_ARN = arns.role(TEST_PARTITION, TEST_ACCOUNT_ID, ROLE);
const TOPIC_ARN = `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT_ID}:acme-replication-alerts`;
const COMPONENT = "transfer:link:CounterpartLink globex";

/** Everything the counterpart can hand over. */
const HANDED_OVER = {
    accountId: THEIRS,
    ingressBucketArn: THEIR_INGRESS_ARN,
    ingressRegion: "us-east-1",
    ingressKmsKeyArn: THEIR_INGRESS_KEY,
    replicationRoleArn: THEIR_ROLE_ARN,
    replicatesDeleteMarkers: false,
};
/** Before the counterpart has handed anything over. */
const NOTHING_YET = {
    accountId: THEIRS,
    ingressBucketArn: undefined,
    ingressRegion: undefined,
    ingressKmsKeyArn: undefined,
    replicationRoleArn: undefined,
    replicatesDeleteMarkers: false,
};

function buildLink(change: Partial<CounterpartLinkArgs>): Promise<ComponentBuild<CounterpartLink>> {
    return buildAlone(() => {
        // Outside the component, as the side builds it: the alert topic's policy the notification waits for.
        const topicPolicy = new aws.sns.TopicPolicy("alerts", { arn: TOPIC_ARN, policy: "{}" });
        return new CounterpartLink("globex", {
            partition: TEST_PARTITION,
            noncurrentVersionExpirationDays: 30,
            expirationDays: undefined,
            protectBuckets: true,
            accessLogs: standInLogTarget(),
            ownName: "acme",
            ownAccountId: TEST_ACCOUNT_ID,
            region: TEST_REGION,
            counterpartName: "globex",
            root: "acme",
            egressBucketName: EGRESS,
            ingressBucketName: INGRESS,
            replicationRoleName: ROLE,
            batchReplicationRoleName: "acme-to-globex-batch",
            logBucketName: "acme-logs-test",
            counterpart: HANDED_OVER,
            encryption: "SSE-S3",
            deleteMarkerReplication: false,
            alerts: { topicArn: TOPIC_ARN, dependsOn: [topicPolicy], alarmNamePrefix: "acme-replication-" },
            replicationTimeControl: false,
            state: "active",
            replicationTrustConditions: false,
            batchTrustConditions: false,
            ...change,
        });
    });
}

const BATCH_COMPONENT = "transfer:batch:BatchReplicationRole globex-batch-replication";
const BATCH_ROLE_ARN = arns.role(TEST_PARTITION, TEST_ACCOUNT_ID, "acme-to-globex-batch");

/** The two buckets and the role, which every state keeps; while the link is active, its Batch Replication role too. */
function linkTree(shape: { kms: boolean; protect: boolean; active: boolean }): string[] {
    return [
        COMPONENT,
        ...secureBucketTree("globex-egress", COMPONENT, { ...shape, logged: true }),
        ...secureBucketTree("globex-ingress", COMPONENT, { ...shape, logged: true }),
        `${T.role} globex-replication < ${COMPONENT}`,
        ...(shape.active
            ? [`${BATCH_COMPONENT} < ${COMPONENT}`, `${T.role} globex-batch-replication < ${BATCH_COMPONENT}`, `${T.rolePolicy} globex-batch-replication < ${BATCH_COMPONENT}`]
            : []),
    ];
}

/** What replicating adds: the role's permissions, the rule, and the failure alerts. */
const REPLICATING = [
    `${T.rolePolicy} globex-replication < ${COMPONENT}`,
    `${T.replication} globex-egress < ${COMPONENT}`,
    `aws:s3/bucketNotification:BucketNotification globex-egress < ${COMPONENT}`,
    `aws:cloudwatch/metricAlarm:MetricAlarm globex-replication-failed < ${COMPONENT}`,
];

function ingressPolicy(grants: PolicyStatement[], keyArn?: string) {
    return policyDocument([...secureTransportStatements(INGRESS_ARN), ...uploadEncryptionStatements(INGRESS_ARN, keyArn), ...grants]);
}

const ADMITTED = replicationDestinationStatements({ sourceAccountId: THEIRS, sourceRoleArn: THEIR_ROLE_ARN, bucketArn: INGRESS_ARN, root: "acme", replicateDeletes: false });

function assertUnconditionedTrust(built: ComponentBuild<CounterpartLink>): void {
    const role = resource(built, T.role, "globex-replication");
    assert.deepStrictEqual([role.inputs.name, role.inputs.maxSessionDuration], [ROLE, 3600]);
    assert.deepStrictEqual(policyOf(role, "assumeRolePolicy"), replicationTrustPolicy({ accountId: TEST_ACCOUNT_ID, sourceBucketArn: EGRESS_ARN, sourceConditions: false }));
}

describe("CounterpartLink, built alone", () => {
    describe("pending: the counterpart has handed nothing over", () => {
        let built: ComponentBuild<CounterpartLink>;
        before(async () => {
            built = await buildLink({ counterpart: NOTHING_YET });
        });

        it("registers both kept buckets and the role under it, named after it, and no replication yet", () => {
            assertTree(built, linkTree({ kms: false, protect: true, active: true }));
            assert.deepStrictEqual([built.component.replicating, built.component.admittingCounterpart], [false, false]);
        });

        it("registers the buckets' names and the role's ARN", () => {
            assert.deepStrictEqual(outputsRegisteredBy(built), {
                egressBucketName: EGRESS,
                ingressBucketName: INGRESS,
                replicationRoleArn: ROLE_ARN,
                batchReplicationRoleArn: BATCH_ROLE_ARN,
            });
        });

        it("creates the role with S3's documented trust, so the counterpart can grant it by ARN", () => {
            assertUnconditionedTrust(built);
        });

        it("admits nobody to the ingress", () => {
            assert.deepStrictEqual(policyOf(resource(built, T.policy, "globex-ingress")), ingressPolicy([]));
        });
    });

    describe("active with SSE-S3", () => {
        let built: ComponentBuild<CounterpartLink>;
        before(async () => {
            built = await buildLink({});
        });

        it("adds the role's permissions, the replication rule, the notification and the failure alarm", () => {
            assertTree(built, [...linkTree({ kms: false, protect: true, active: true }), ...REPLICATING]);
            assert.deepStrictEqual([built.component.replicating, built.component.admittingCounterpart], [true, true]);
            assert.deepStrictEqual(outputsRegisteredBy(built), {
                egressBucketName: EGRESS,
                ingressBucketName: INGRESS,
                replicationRoleArn: ROLE_ARN,
                batchReplicationRoleArn: BATCH_ROLE_ARN,
            });
        });

        it("admits exactly the counterpart's role to the ingress, under the root", () => {
            assert.deepStrictEqual(policyOf(resource(built, T.policy, "globex-ingress")), ingressPolicy(ADMITTED));
            assert.deepStrictEqual(
                policyOf(resource(built, T.policy, "globex-egress")),
                policyDocument([...secureTransportStatements(EGRESS_ARN), ...uploadEncryptionStatements(EGRESS_ARN, undefined)]),
            );
        });

        it("gives the role the permissions the builder returns", () => {
            assertUnconditionedTrust(built);
            const permissions = resource(built, T.rolePolicy, "globex-replication");
            assert.deepStrictEqual([permissions.inputs.role, permissions.inputs.name], [ROLE, "replicate-egress"]);
            assert.deepStrictEqual(
                policyOf(permissions),
                replicationPermissionsPolicy({ sourceBucketArn: EGRESS_ARN, destinationBucketArn: THEIR_INGRESS_ARN, root: "acme", replicateDeletes: false }),
            );
        });

        it("replicates the root into their ingress with a V2 rule, after versioning and the permissions", () => {
            const replication = resource(built, T.replication, "globex-egress");
            assert.deepStrictEqual([replication.inputs.bucket, replication.inputs.role], [EGRESS, ROLE_ARN]);
            assert.deepStrictEqual(replication.inputs.rules, [
                {
                    id: "to-globex",
                    priority: 0,
                    status: "Enabled",
                    filter: { prefix: "acme/" },
                    deleteMarkerReplication: { status: "Disabled" },
                    destination: { bucket: THEIR_INGRESS_ARN, account: THEIRS, accessControlTranslation: { owner: "Destination" }, metrics: { status: "Enabled" } },
                },
            ]);
            for (const before of [resource(built, T.versioning, "globex-egress"), resource(built, T.rolePolicy, "globex-replication")]) {
                assert.ok(replication.dependencies.includes(before.urn), `replication waits for ${before.urn}`);
            }
        });

        it("notifies the topic of failures once its policy admits S3, and alarms on OperationsFailedReplication", () => {
            const notification = resource(built, "aws:s3/bucketNotification:BucketNotification", "globex-egress");
            assert.deepStrictEqual(notification.inputs.topics, [{ id: "replication-failures", topicArn: TOPIC_ARN, events: REPLICATION_FAILED_EVENTS }]);
            const topicPolicy = built.plan.resources.find((r) => r.type === "aws:sns/topicPolicy:TopicPolicy");
            assert.ok(topicPolicy && notification.dependencies.includes(topicPolicy.urn));
            const alarm = resource(built, "aws:cloudwatch/metricAlarm:MetricAlarm", "globex-replication-failed").inputs;
            assert.deepStrictEqual(
                [alarm.name, alarm.namespace, alarm.metricName, alarm.dimensions, alarm.alarmActions, alarm.threshold],
                [
                    "acme-replication-globex-failed",
                    "AWS/S3",
                    "OperationsFailedReplication",
                    { SourceBucket: EGRESS, DestinationBucket: "globex-from-acme", RuleId: "to-globex" },
                    [TOPIC_ARN],
                    0,
                ],
            );
        });
    });

    describe("active with SSE-KMS, delete markers and Replication Time Control", () => {
        let built: ComponentBuild<CounterpartLink>;
        let egressKey: string;
        let ingressKey: string;
        before(async () => {
            built = await buildLink({
                encryption: "SSE-KMS",
                deleteMarkerReplication: true,
                replicationTimeControl: true,
                replicationTrustConditions: true,
                counterpart: { ...HANDED_OVER, replicatesDeleteMarkers: true },
            });
            egressKey = await promiseOf(built.component.egress.kmsKeyArn as pulumi.Output<string>);
            ingressKey = await promiseOf(built.component.ingress.kmsKeyArn as pulumi.Output<string>);
        });

        it("gives each bucket its own key, alarms on latency too, and registers both keys", () => {
            assertTree(built, [
                ...linkTree({ kms: true, protect: true, active: true }),
                ...REPLICATING,
                `aws:cloudwatch/metricAlarm:MetricAlarm globex-replication-latency < ${COMPONENT}`,
            ]);
            assert.deepStrictEqual(outputsRegisteredBy(built), {
                egressBucketName: EGRESS,
                ingressBucketName: INGRESS,
                replicationRoleArn: ROLE_ARN,
                batchReplicationRoleArn: BATCH_ROLE_ARN,
                egressKmsKeyArn: egressKey,
                ingressKmsKeyArn: ingressKey,
            });
        });

        it("lets the counterpart's role encrypt replicas with the ingress key, and replicate deletes into the ingress", () => {
            assert.deepStrictEqual(
                policyOf(resource(built, KMS_KEY, "globex-ingress")),
                policyDocument([
                    keyAdministrationStatement(TEST_PARTITION, TEST_ACCOUNT_ID),
                    replicaKeyGrantStatement({ sourceAccountId: THEIRS, sourceRoleArn: THEIR_ROLE_ARN, partition: TEST_PARTITION, region: TEST_REGION }),
                ]),
            );
            assert.deepStrictEqual(policyOf(resource(built, KMS_KEY, "globex-egress")), policyDocument([keyAdministrationStatement(TEST_PARTITION, TEST_ACCOUNT_ID)]));
            assert.deepStrictEqual(
                policyOf(resource(built, T.policy, "globex-ingress")),
                ingressPolicy(
                    replicationDestinationStatements({ sourceAccountId: THEIRS, sourceRoleArn: THEIR_ROLE_ARN, bucketArn: INGRESS_ARN, root: "acme", replicateDeletes: true }),
                    ingressKey,
                ),
            );
        });

        it("pins the trust when told, and gives the role the replication and KMS statements the builders return", () => {
            assert.deepStrictEqual(
                policyOf(resource(built, T.role, "globex-replication"), "assumeRolePolicy"),
                replicationTrustPolicy({ accountId: TEST_ACCOUNT_ID, sourceBucketArn: EGRESS_ARN, sourceConditions: true }),
            );
            const base = replicationPermissionsPolicy({ sourceBucketArn: EGRESS_ARN, destinationBucketArn: THEIR_INGRESS_ARN, root: "acme", replicateDeletes: true });
            assert.deepStrictEqual(
                policyOf(resource(built, T.rolePolicy, "globex-replication")),
                policyDocument([
                    ...base.Statement,
                    ...replicationKmsStatements({
                        sourceKeyArn: egressKey,
                        sourceBucketArn: EGRESS_ARN,
                        sourceRegion: TEST_REGION,
                        replicaKeyArn: THEIR_INGRESS_KEY,
                        destinationBucketArn: THEIR_INGRESS_ARN,
                        destinationRegion: "us-east-1",
                        root: "acme",
                    }),
                ]),
            );
        });

        it("replicates KMS-encrypted objects under their key, with delete markers and RTC", () => {
            const [rule] = resource(built, T.replication, "globex-egress").inputs.rules as Record<string, unknown>[];
            assert.deepStrictEqual(
                [rule.deleteMarkerReplication, rule.sourceSelectionCriteria, rule.destination],
                [
                    { status: "Enabled" },
                    { sseKmsEncryptedObjects: { status: "Enabled" } },
                    {
                        bucket: THEIR_INGRESS_ARN,
                        account: THEIRS,
                        accessControlTranslation: { owner: "Destination" },
                        encryptionConfiguration: { replicaKmsKeyId: THEIR_INGRESS_KEY },
                        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                        replicationTime: { status: "Enabled", time: { minutes: 15 } },
                    },
                ],
            );
            const notification = resource(built, "aws:s3/bucketNotification:BucketNotification", "globex-egress");
            assert.deepStrictEqual((notification.inputs.topics as { events: string[] }[])[0].events, [...REPLICATION_FAILED_EVENTS, ...REPLICATION_MISSED_THRESHOLD_EVENTS]);
        });
    });

    it("with SSE-KMS but no replica key handed over, waits to replicate rather than replicate unencrypted", async () => {
        const built = await buildLink({ encryption: "SSE-KMS", counterpart: { ...HANDED_OVER, ingressKmsKeyArn: undefined } });
        assertTree(built, linkTree({ kms: true, protect: true, active: true }));
        assert.deepStrictEqual([built.component.replicating, built.component.admittingCounterpart], [false, true]);
    });

    const leaving: [CounterpartState, boolean][] = [
        ["offboarding", true],
        ["retired", false],
    ];
    for (const [state, protect] of leaving) {
        describe(`${state}, with everything handed over`, () => {
            let built: ComponentBuild<CounterpartLink>;
            before(async () => {
                built = await buildLink({ state, encryption: "SSE-KMS" });
            });

            it(`keeps both buckets and every setting, retained${protect ? " and protected" : ", protection lifted"}, and replicates nothing`, () => {
                assertTree(built, linkTree({ kms: true, protect, active: false }));
                assert.deepStrictEqual([built.component.replicating, built.component.admittingCounterpart], [false, false]);
            });

            it("grants the counterpart nothing in the ingress policy or key policy", async () => {
                const ingressKey = await promiseOf(built.component.ingress.kmsKeyArn as pulumi.Output<string>);
                assert.deepStrictEqual(policyOf(resource(built, T.policy, "globex-ingress")), ingressPolicy([], ingressKey));
                assert.deepStrictEqual(policyOf(resource(built, KMS_KEY, "globex-ingress")), policyDocument([keyAdministrationStatement(TEST_PARTITION, TEST_ACCOUNT_ID)]));
            });
        });
    }

    for (const theirState of ["offboarding", "retired"] as const) {
        it(`active here but ${theirState} on their side: stops replicating into an ingress that no longer admits us, and admits them no more, keeping every protection`, async () => {
            const built = await buildLink({ counterpart: { ...HANDED_OVER, theirState } });
            assertTree(built, linkTree({ kms: false, protect: true, active: false }));
            assert.deepStrictEqual([built.component.replicating, built.component.admittingCounterpart], [false, false]);
            assert.deepStrictEqual(policyOf(resource(built, T.policy, "globex-ingress")), ingressPolicy([]));
        });
    }
});
