/** BatchReplicationRole built alone: the role S3 Batch Operations assumes, and its permissions. */
import * as assert from "assert";
import { BatchReplicationRole, BatchReplicationRoleArgs } from "../../../infra/components/batch-replication-role";
import { batchReplicationPermissionsPolicy, batchReplicationTrustPolicy } from "../../../infra/policies/batch-replication";
import { arns } from "../../../infra/policies/document";
import { T } from "../../helpers/plans";
import { assertTree, buildAlone, outputsRegisteredBy, policyOf, resource, TEST_ACCOUNT_ID, TEST_PARTITION } from "../../helpers/components";

const EGRESS_KEY = `arn:aws:kms:eu-west-2:${TEST_ACCOUNT_ID}:key/11111111-2222-4333-8444-555555555555`;
const ROLE_ARN = arns.role(TEST_PARTITION, TEST_ACCOUNT_ID, "acme-batch-replication");
const COMPONENT = "transfer:batch:BatchReplicationRole batch";

function args(change: Partial<BatchReplicationRoleArgs>): BatchReplicationRoleArgs {
    return {
        roleNamePrefix: "acme",
        accountId: TEST_ACCOUNT_ID,
        partition: TEST_PARTITION,
        egress: [
            { bucketName: "acme-to-globex", root: "acme", region: "eu-west-2", kmsKeyArn: EGRESS_KEY },
            { bucketName: "acme-to-initech", root: "acme", region: "us-east-1", kmsKeyArn: undefined },
        ],
        logBucketNames: { "eu-west-2": "acme-logs-eu-west-2", "us-east-1": "acme-logs-us-east-1" },
        ...change,
    };
}

describe("BatchReplicationRole, built alone", () => {
    it("registers the role and its policy under it, named after it, and the role's ARN", async () => {
        const built = await buildAlone(() => new BatchReplicationRole("batch", args({})));
        assertTree(built, [COMPONENT, `${T.role} batch < ${COMPONENT}`, `${T.rolePolicy} batch < ${COMPONENT}`]);
        assert.deepStrictEqual(outputsRegisteredBy(built), { roleArn: ROLE_ARN });
        const role = resource(built, T.role, "batch");
        assert.deepStrictEqual([role.inputs.name, role.inputs.maxSessionDuration], ["acme-batch-replication", 3600]);
        assert.deepStrictEqual(policyOf(role, "assumeRolePolicy"), batchReplicationTrustPolicy({ partition: TEST_PARTITION, accountId: TEST_ACCOUNT_ID }));
        const permissions = resource(built, T.rolePolicy, "batch");
        assert.deepStrictEqual([permissions.inputs.role, permissions.inputs.name], ["acme-batch-replication", "batch-replicate"]);
        assert.deepStrictEqual(
            policyOf(permissions),
            batchReplicationPermissionsPolicy({
                sources: [
                    { bucketArn: arns.bucket(TEST_PARTITION, "acme-to-globex"), root: "acme", region: "eu-west-2", kmsKeyArn: EGRESS_KEY },
                    { bucketArn: arns.bucket(TEST_PARTITION, "acme-to-initech"), root: "acme", region: "us-east-1" },
                ],
                workBucketArns: [arns.bucket(TEST_PARTITION, "acme-logs-eu-west-2"), arns.bucket(TEST_PARTITION, "acme-logs-us-east-1")],
            }),
        );
    });

    it("refuses an egress region without a log bucket for the manifests", async () => {
        await assert.rejects(
            buildAlone(() => new BatchReplicationRole("batch", args({ logBucketNames: { "eu-west-2": "acme-logs-eu-west-2" } }))),
            /no log bucket in region us-east-1 for the batch replication manifests/,
        );
    });
});
