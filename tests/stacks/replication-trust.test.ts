/**
 * The live-replication role's trust is the one AWS documents: s3.amazonaws.com
 * may assume it, without conditions
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html,
 * "Creating an IAM role"). No AWS source says S3 sends aws:SourceAccount or
 * aws:SourceArn when it assumes the replication role; if it does not, a
 * conditioned trust stops all replication. The conditions are an opt-in
 * (`s3-transfer:replicationTrustConditions`) that the pre-production canary must
 * confirm before production uses it.
 */
import * as assert from "assert";
import { ALL_STACKS, configVariant, fixtureFile, ofType, plan, planUncached, T } from "../helpers/plans";

const trustOf = (r: { inputs: Record<string, unknown> }) => JSON.parse(r.inputs.assumeRolePolicy as string) as { Statement: Record<string, unknown>[] };
const replicationRoles = (p: Awaited<ReturnType<typeof plan>>) => ofType(p, T.role).filter((r) => r.urn.includes("transfer:link:CounterpartLink$aws:iam/role:Role"));

describe("the replication role's trust", () => {
    for (const stack of ALL_STACKS) {
        it(`${stack}: trusts s3.amazonaws.com for sts:AssumeRole without conditions, as AWS documents`, async () => {
            const roles = replicationRoles(await plan(stack));
            assert.ok(roles.length > 0);
            for (const role of roles) {
                assert.deepStrictEqual(
                    trustOf(role).Statement.map(({ Sid: _sid, ...s }) => s),
                    [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
                );
            }
        });
    }

    it("s3-transfer:replicationTrustConditions pins it to our account and egress bucket (opt-in, to be confirmed by the canary)", async () => {
        const file = configVariant(fixtureFile("prod"), (c) => {
            c["s3-transfer:replicationTrustConditions"] = true;
        });
        const [role] = replicationRoles(await planUncached({ stack: "prod", configFile: file }));
        assert.deepStrictEqual(trustOf(role).Statement[0].Condition, {
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": "arn:aws:s3:::acme-bank-prod-cdlx-egress" },
        });
    });
});
