/** BatchReplicationRole built alone: the role S3 Batch Operations assumes for one link, and its permissions. */
import * as assert from "assert";
import { BatchReplicationRole, BatchReplicationRoleArgs } from "../../../infra/components/batch-replication-role";
import { batchReplicationPermissionsPolicy, batchReplicationTrustPolicy } from "../../../infra/policies/batch-replication";
import { arns } from "../../../infra/policies/document";
import { T } from "../../helpers/plans";
import { assertTree, buildAlone, outputsRegisteredBy, policyOf, resource, TEST_ACCOUNT_ID, TEST_PARTITION } from "../../helpers/components";

const EGRESS_KEY = `arn:aws:kms:eu-west-2:${TEST_ACCOUNT_ID}:key/11111111-2222-4333-8444-555555555555`;
const ROLE_ARN = arns.role(TEST_PARTITION, TEST_ACCOUNT_ID, "acme-to-globex-batch");
const COMPONENT = "transfer:batch:BatchReplicationRole batch";

function args(change: Partial<BatchReplicationRoleArgs>): BatchReplicationRoleArgs {
    return {
        roleName: "acme-to-globex-batch",
        accountId: TEST_ACCOUNT_ID,
        partition: TEST_PARTITION,
        egressBucketName: "acme-to-globex",
        root: "acme",
        region: "eu-west-2",
        kmsKeyArn: EGRESS_KEY,
        logBucketName: "acme-logs-eu-west-2",
        trustConditions: false,
        ...change,
    };
}

describe("BatchReplicationRole, built alone", () => {
    it("registers the role and its policy under it, named after it, and the role's ARN", async () => {
        const built = await buildAlone(() => new BatchReplicationRole("batch", args({})));
        assertTree(built, [COMPONENT, `${T.role} batch < ${COMPONENT}`, `${T.rolePolicy} batch < ${COMPONENT}`]);
        assert.deepStrictEqual(outputsRegisteredBy(built), { roleArn: ROLE_ARN });
        const role = resource(built, T.role, "batch");
        assert.deepStrictEqual([role.inputs.name, role.inputs.maxSessionDuration], ["acme-to-globex-batch", 3600]);
        assert.deepStrictEqual(policyOf(role, "assumeRolePolicy"), batchReplicationTrustPolicy({ partition: TEST_PARTITION, accountId: TEST_ACCOUNT_ID, sourceConditions: false }));
        const permissions = resource(built, T.rolePolicy, "batch");
        assert.deepStrictEqual([permissions.inputs.role, permissions.inputs.name], ["acme-to-globex-batch", "batch-replicate"]);
        assert.deepStrictEqual(
            policyOf(permissions),
            batchReplicationPermissionsPolicy({
                source: { bucketArn: arns.bucket(TEST_PARTITION, "acme-to-globex"), root: "acme", region: "eu-west-2", kmsKeyArn: EGRESS_KEY },
                workPrefixArn: "arn:aws:s3:::acme-logs-eu-west-2/batch-replication/acme-to-globex",
            }),
        );
    });

    it("with s3-transfer:batchTrustConditions, pins its trust to this account's jobs", async () => {
        const built = await buildAlone(() => new BatchReplicationRole("batch", args({ trustConditions: true })));
        assert.deepStrictEqual(
            policyOf(resource(built, T.role, "batch"), "assumeRolePolicy"),
            batchReplicationTrustPolicy({ partition: TEST_PARTITION, accountId: TEST_ACCOUNT_ID, sourceConditions: true }),
        );
    });

    it("with SSE-S3, grants no KMS key", async () => {
        const built = await buildAlone(() => new BatchReplicationRole("batch", args({ kmsKeyArn: undefined })));
        const statements = (policyOf(resource(built, T.rolePolicy, "batch")) as { Statement: { Sid: string }[] }).Statement;
        assert.deepStrictEqual(
            statements.map((s) => s.Sid),
            ["InitiateReplication", "ReadReplicationAndInventory", "ReadManifests", "WriteManifestsAndReports"],
        );
    });
});
