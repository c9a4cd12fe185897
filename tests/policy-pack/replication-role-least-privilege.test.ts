import * as assert from "assert";
import { replicationRoleLeastPrivilege } from "../../policy-pack/policies/replication-role-least-privilege";
import { compliantStack, doc, find, legacyStack, replicationPermissions, res, T, U, urn, URN, v6SplitStack, withManagedPermissions, without, withPolicy } from "./fixtures";
import { assertOneViolation, forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(replicationRoleLeastPrivilege);

function withPermissions(...statements: Record<string, unknown>[]) {
    return withPolicy("replication-permissions", doc(...statements));
}

const GET = { Effect: "Allow", Action: "s3:GetObjectVersionForReplication", Resource: "arn:aws:s3:::pub-egress/*" };

describe("s3-transfer-replication-role-least-privilege", () => {
    describe("compliant", () => {
        itIsCompliantIn([
            ["RolePolicy listing the replication actions (v7)", compliantStack],
            ["v6 tokens", v6SplitStack],
            ["legacy inline replication naming the role", legacyStack],
            ["managed policy attached by URN while its ARN is unknown", () => withManagedPermissions(replicationPermissions("pub-egress", "partner-ingress"))],
        ] as const);

        it("Role.inlinePolicies listing the replication actions", () => {
            const stack = without(compliantStack(), "replication-permissions");
            find(stack, "replication-role").inputs.inlinePolicies = [{ name: "replicate", policy: replicationPermissions("pub-egress", "partner-ingress") }];
            compliant(stack);
        });

        it("a role S3 does not assume is not judged", () => {
            const stack = compliantStack();
            find(stack, "replication-role").inputs.assumeRolePolicy = JSON.stringify({
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            find(stack, "egress-replication").inputs.role = "arn:aws:iam::111111111111:role/someone-else";
            find(stack, "egress-replication").propertyDependencies = {};
            find(stack, "replication-permissions").inputs.policy = doc({ Effect: "Allow", Action: "s3:*", Resource: "*" });
            assert.deepStrictEqual(decide(stack), []);
        });
    });

    describe("violations", () => {
        for (const [name, statement, fragment] of [
            ['Action "s3:*"', { ...GET, Action: "s3:*" }, '"s3:*"'],
            ['Action ["*"]', { ...GET, Action: ["*"] }, '"*"'],
            ['Action "S3:*" in another case', { ...GET, Action: ["s3:ListBucket", "S3:*"] }, '"S3:*"'],
            ['Resource "*" for an S3 action', { ...GET, Resource: "*" }, 'Resource "*"'],
            ['Resource "arn:aws:s3:::*"', { ...GET, Resource: ["arn:aws:s3:::*"] }, "arn:aws:s3:::*"],
            ["NotAction", { Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::pub-egress/*" }, "NotAction"],
            ["NotResource", { ...GET, Resource: undefined, NotResource: "arn:aws:s3:::x" }, "NotResource"],
        ] as const) {
            it(`RolePolicy with ${name}`, () => violation(withPermissions(GET, statement), URN.replicationPermissions, fragment, 'role "pub-replication"'));
        }

        it("the statement given as an object document", () => {
            const stack = withPolicy("replication-permissions", { Version: "2012-10-17", Statement: { ...GET, Action: "s3:*" } });
            violation(stack, URN.replicationPermissions, '"s3:*"');
        });

        it("Role.inlinePolicies with a wildcard", () => {
            const stack = without(compliantStack(), "replication-permissions");
            find(stack, "replication-role").inputs.inlinePolicies = [{ name: "replicate", policy: doc({ ...GET, Action: "s3:*" }) }];
            violation(stack, URN.replicationRole, 'Inline policy "replicate"');
        });

        it("an attached managed policy with a wildcard", () =>
            violation(withManagedPermissions(doc({ ...GET, Action: "s3:*" })), urn(T.iamPolicy, "replication-managed"), '"s3:*"'));

        it("AmazonS3FullAccess attached", () => {
            const stack = compliantStack();
            const roleUrn = URN.replicationRole;
            stack.push(
                res(T.attachment, "full", { role: "pub-replication", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }, { propertyDependencies: { role: [roleUrn] } }),
            );
            violation(stack, urn(T.attachment, "full"), "AmazonS3FullAccess");
        });

        it("a role found through the replication config even without the s3 trust", () => {
            const stack = withPermissions({ ...GET, Action: "s3:*" });
            find(stack, "replication-role").inputs.assumeRolePolicy = JSON.stringify({
                Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "sts:AssumeRole" }],
            });
            violation(stack, URN.replicationPermissions, '"s3:*"');
        });

        it("a role found only through a legacy inline replicationConfiguration", () => {
            const stack = legacyStack();
            find(stack, "replication-role").inputs.assumeRolePolicy = JSON.stringify({
                Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "sts:AssumeRole" }],
            });
            find(stack, "replication-permissions").inputs.policy = doc({ ...GET, Action: "s3:*" });
            violation(stack, URN.replicationPermissions, '"s3:*"');
        });

        it("additional forbidden actions from config", () =>
            assertOneViolation(
                decide(withPermissions(GET, { Effect: "Allow", Action: "kms:*", Resource: "arn:aws:kms:eu-west-1:1:key/k" }), {
                    additionalForbiddenActions: ["kms:*"],
                }),
                URN.replicationPermissions,
                '"kms:*"',
            ));

        it("is reported at mandatory level", () => {
            assert.deepStrictEqual(
                reported(withPermissions({ ...GET, Action: "*" })).map((v) => [v.enforcementLevel, v.urn]),
                [["mandatory", URN.replicationPermissions]],
            );
        });
    });

    describe("unknown values", () => {
        it("RolePolicy document unknown", () => {
            const stack = withPolicy("replication-permissions", U);
            undecided(stack, URN.replicationPermissions);
        });

        it("Resource unknown beside S3 actions", () => undecided(withPermissions({ ...GET, Resource: U }), URN.replicationPermissions));

        it("a customer-managed policy outside the stack", () => {
            const stack = compliantStack();
            stack.push(
                res(
                    T.attachment,
                    "outside",
                    { role: "pub-replication", policyArn: "arn:aws:iam::111111111111:policy/elsewhere" },
                    { propertyDependencies: { role: [URN.replicationRole] } },
                ),
            );
            undecided(stack, urn(T.attachment, "outside"));
        });

        it("the role of the RolePolicy unknown but linked by URN", () => {
            const stack = withPermissions({ ...GET, Action: "s3:*" });
            find(stack, "replication-permissions").inputs.role = U;
            violation(stack, URN.replicationPermissions, '"s3:*"');
        });
    });
});
