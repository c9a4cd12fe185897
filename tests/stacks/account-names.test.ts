/**
 * Two stacks of one repository in one account must not create the same
 * per-account name: IAM role names are unique within an account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html,
 * "Names of users, groups, roles, policies... must be unique within the
 * account"), so the second `pulumi up` would fail with EntityAlreadyExists;
 * SNS topic and CloudWatch alarm names are unique per account and region
 * (CreateTopic returns the existing topic, PutMetricAlarm overwrites the
 * alarm: https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html),
 * trail names per account, and bucket names everywhere. Renaming deployed
 * roles would change the role ARNs counterparts have granted, so the plan
 * refuses instead, and `s3-transfer:roleNamePrefix` separates a new stack.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { ConfigError, isConfigError } from "../../infra/config/errors";
import { parseSideConfig } from "../../infra/config/schema";
import { accountScopedNames, nameCollisions } from "../../infra/naming/account-names";
import { Plan } from "../../tools/plan/engine";
import { fixtureFile, ofType, planUncached, T } from "../helpers/plans";

const base = {
    "aws:region": "us-east-1",
    "s3-transfer:side": "publisher",
    "s3-transfer:name": "acme-bank",
    "s3-transfer:accountId": "111122223333",
    "s3-transfer:partners": JSON.stringify([{ name: "cdlx", accountId: "444455556666" }]),
};
const configOf = (stack: string, extra: Record<string, string> = {}) => parseSideConfig({ ...base, ...extra }, stack);

/** A folder holding the fixture prod and a second stack of the same party and account, in another region. */
function secondStackBeside(extra: Record<string, unknown> = {}, prodExtra: Record<string, unknown> = {}): { folder: string; second: string; prod: string } {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "two-stacks-"));
    const prodConfig = { ...(YAML.parse(fs.readFileSync(fixtureFile("prod"), "utf8")) as { config: Record<string, unknown> }).config, ...prodExtra };
    // Its partner comes by hand-over, so that the fixture's pair does not need to be beside it.
    prodConfig["s3-transfer:partners"] = [{ name: "cdlx", accountId: "444455556666" }];
    const prod = path.join(folder, "Pulumi.prod.yaml");
    fs.writeFileSync(prod, YAML.stringify({ config: prodConfig }));
    const second = path.join(folder, "Pulumi.prod-eu.yaml");
    fs.writeFileSync(second, YAML.stringify({ config: { ...prodConfig, "aws:region": "eu-west-1", ...extra } }));
    return { folder, second, prod };
}

async function refusal(run: Promise<Plan>): Promise<ConfigError> {
    try {
        await run;
    } catch (err) {
        if (isConfigError(err)) return err;
        throw err;
    }
    return assert.fail("the plan was expected to be refused");
}

describe("names unique per account, between the stacks of one repository", () => {
    it("a stack's per-account names come from its config: roles from roleNamePrefix (the party name by default), the rest from bucketPrefix", () => {
        const names = accountScopedNames(configOf("prod", { "s3-transfer:auditTrail": "create" }));
        assert.deepStrictEqual(
            names.map((n) => `${n.kind} ${n.name} ${n.scope}${n.region ? ` ${n.region}` : ""} <- ${n.key}`),
            [
                "IAM role acme-bank-to-cdlx-replication account <- s3-transfer:roleNamePrefix",
                "IAM role acme-bank-to-cdlx-batch account <- s3-transfer:roleNamePrefix",
                "S3 bucket acme-bank-prod-cdlx-egress partition <- s3-transfer:bucketPrefix",
                "S3 bucket acme-bank-prod-cdlx-ingress partition <- s3-transfer:bucketPrefix",
                "S3 bucket acme-bank-prod-logs-us-east-1 partition <- s3-transfer:bucketPrefix",
                "SNS topic acme-bank-prod-replication-alerts-us-east-1 region us-east-1 <- s3-transfer:bucketPrefix",
                "CloudWatch alarm acme-bank-prod-replication-cdlx-failed region us-east-1 <- s3-transfer:bucketPrefix",
                "CloudWatch alarm acme-bank-prod-replication-cdlx-latency region us-east-1 <- s3-transfer:bucketPrefix",
                "CloudTrail trail acme-bank-transfer-data-events account <- s3-transfer:auditTrailName",
            ],
        );
    });

    it("two stacks of one party collide on their roles in one account, and on nothing in two accounts", () => {
        const prod = { stack: "prod", file: "Pulumi.prod.yaml", config: configOf("prod") };
        const eu = { stack: "prod-eu", file: "Pulumi.prod-eu.yaml", config: configOf("prod-eu", { "aws:region": "eu-west-1" }) };
        assert.deepStrictEqual(
            nameCollisions(eu, prod).map((c) => c.name.name),
            ["acme-bank-to-cdlx-replication", "acme-bank-to-cdlx-batch"],
        );
        const elsewhere = { ...eu, config: configOf("prod-eu", { "aws:region": "eu-west-1", "s3-transfer:accountId": "999988887777" }) };
        assert.deepStrictEqual(nameCollisions(elsewhere, prod), []);
        const separated = { ...eu, config: configOf("prod-eu", { "aws:region": "eu-west-1", "s3-transfer:roleNamePrefix": "acme-bank-eu" }) };
        assert.deepStrictEqual(nameCollisions(separated, prod), []);
    });

    it("a bucket name collides in any account, since bucket names are unique across accounts", () => {
        const prod = { stack: "prod", file: "Pulumi.prod.yaml", config: configOf("prod") };
        const other = { stack: "x", file: "Pulumi.x.yaml", config: configOf("x", { "s3-transfer:accountId": "999988887777", "s3-transfer:bucketPrefix": "acme-bank-prod" }) };
        assert.deepStrictEqual(
            nameCollisions(other, prod).map((c) => `${c.name.kind} ${c.name.name}`),
            ["S3 bucket acme-bank-prod-cdlx-egress", "S3 bucket acme-bank-prod-cdlx-ingress", "S3 bucket acme-bank-prod-logs-us-east-1"],
        );
    });

    it("npm run plan refuses, with exit 2's config error, a stack whose roles another stack beside it creates in the same account, naming both and the fix", async () => {
        const { second, prod } = secondStackBeside();
        const err = await refusal(planUncached({ stack: "prod-eu", configFile: second }));
        assert.deepStrictEqual(
            err.problems.map((p) => [p.key, p.file]),
            [["s3-transfer:roleNamePrefix", second]],
        );
        assert.strictEqual(
            err.problems[0].problem,
            `stack prod-eu (${second}) and stack prod (${prod}) would both create IAM roles acme-bank-to-cdlx-replication, acme-bank-to-cdlx-batch in the same account 111122223333: whichever deploys second fails, or takes over the other's`,
        );
        assert.strictEqual(
            err.problems[0].fix,
            `give one of them its own role names, on the stack not yet deployed: pulumi config set s3-transfer:roleNamePrefix acme-bank-prod-eu   (or, if this one is deployed and prod is not, write s3-transfer:roleNamePrefix: acme-bank-prod in ${prod}); on a deployed stack a new prefix replaces its roles and changes the role ARNs its counterparts have granted, so hand over again (see docs/configuration.md#two-stacks-in-one-account)`,
        );
        // The other stack is refused the same way: neither may go ahead while both would.
        const other = await refusal(planUncached({ stack: "prod", configFile: prod }));
        assert.match(other.problems[0].problem, /^stack prod \(.*\) and stack prod-eu \(.*\) would both create IAM roles/);
    });

    it("with its own roleNamePrefix the second stack plans, its roles named apart, and the first stack's names stay as they were", async () => {
        const { second, prod } = secondStackBeside({ "s3-transfer:roleNamePrefix": "acme-bank-eu" });
        const roles = (p: Plan) =>
            ofType(p, T.role)
                .map((r) => r.inputs.name)
                .sort();
        assert.deepStrictEqual(roles(await planUncached({ stack: "prod-eu", configFile: second })), ["acme-bank-eu-to-cdlx-batch", "acme-bank-eu-to-cdlx-replication"]);
        assert.deepStrictEqual(roles(await planUncached({ stack: "prod", configFile: prod })), ["acme-bank-to-cdlx-batch", "acme-bank-to-cdlx-replication"]);
    });

    it("two stacks that create the same trail in one account are refused at auditTrailName", async () => {
        const trail = { "s3-transfer:auditTrail": "create" };
        const { second } = secondStackBeside({ ...trail, "s3-transfer:roleNamePrefix": "acme-bank-eu" }, trail);
        const err = await refusal(planUncached({ stack: "prod-eu", configFile: second }));
        assert.deepStrictEqual(
            err.problems.map((p) => p.key),
            ["s3-transfer:auditTrailName"],
        );
        assert.match(err.problems[0].problem, /would both create CloudTrail trail acme-bank-transfer-data-events in the same account 111122223333/);
        assert.match(err.problems[0].fix, /pulumi config set s3-transfer:auditTrailName acme-bank-prod-eu-data-events/);
    });

    it("names a service's writer role with the prefix too", () => {
        const config = configOf("prod", {
            "s3-transfer:roleNamePrefix": "acme-bank-eu",
            "s3-transfer:serviceDestinations": JSON.stringify([
                { name: "datasync", servicePrincipalArn: "arn:aws:iam::313131313131:role/data-sync-service", externalId: "acme-1" },
            ]),
        });
        assert.strictEqual(config.serviceDestinations[0].roleName, "acme-bank-eu-datasync-sync-writer");
        assert.strictEqual(config.counterparts[0].replicationRoleName, "acme-bank-eu-to-cdlx-replication");
    });
});
