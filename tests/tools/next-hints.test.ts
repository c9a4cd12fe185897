/**
 * Every "next" hint a command prints is a command that works: each scenario
 * runs a command the way a user would, picks the commands out of what it
 * printed (tests/helpers/commands.ts), and runs or checks each one with its
 * placeholders filled (tests/helpers/run-shown.ts). On the tests' fixtures.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { HandoverDocument } from "../../infra/handoff/document";
import { fingerprintOf } from "../../infra/handoff/fingerprint";
import { projectStacks } from "../../tools/cli/stacks";
import { PROJECT_ROOT } from "../../tools/root";
import { runScript, runTool } from "../helpers/cli";
import { commandsInText, ShownCommand } from "../helpers/commands";
import { configVariant, plan, planUncached } from "../helpers/plans";
import { check, Context, fixtureContext, Verdict } from "../helpers/run-shown";

const fixture = (name: string) => path.join(PROJECT_ROOT, "tests", "fixtures", "handoff", `${name}.yaml`);
const SEVERAL = "tests/fixtures/handoff/handoff-several.yaml";
const KMS = "tests/fixtures/handoff/handoff-kms.yaml";

/** The commands a run printed, on stdout and stderr, one line at a time. */
function hints(output: string, where: string): ShownCommand[] {
    return output.split("\n").flatMap((line, i) => commandsInText(line, `${where}:${i + 1}`));
}

/** Runs or checks every hint, as printed for the stack file it names; fails naming each that does not work. */
async function assertAllWork(found: ShownCommand[], ctx: Context, expected: RegExp[]): Promise<Verdict[]> {
    for (const e of expected)
        assert.ok(
            found.some((c) => e.test(c.text)),
            `no hint like ${e} in:\n${found.map((c) => c.text).join("\n")}`,
        );
    const verdicts: Verdict[] = [];
    for (const c of found) verdicts.push(await check(c, ctx, true));
    assert.deepStrictEqual(
        verdicts.filter((v) => v.problem).map((v) => `${v.command.text}\n    ran: ${v.ran}\n    ${v.problem}`),
        [],
    );
    return verdicts;
}

describe("every next-step hint a command prints works", function () {
    this.timeout(600_000);
    let ctx: Context;
    before(async () => {
        ctx = await fixtureContext((stack, file) => plan({ stack, configFile: file }));
    });
    after(() => fs.rmSync(ctx.dir, { recursive: true, force: true }));

    it("plan: the hand-off hint writes the first counterpart's sheet", async () => {
        const r = await runTool("plan", ["--config", SEVERAL]);
        assert.strictEqual(r.status, 0, r.stderr);
        const verdicts = await assertAllWork(hints(r.stdout, "plan"), ctx, [/^npm run handoff -- --config \S+ --counterpart northwind-loyalty$/]);
        assert.ok(verdicts.some((v) => v.how === "ran"));
    });

    it("plan: the pending-link warnings name the key to set, in this stack's entry", async () => {
        const r = await runTool("plan", ["--config", SEVERAL]);
        await assertAllWork(hints(r.stdout, "plan"), ctx, [/^pulumi config set --path 's3-transfer:partners\[2\]\.ingressBucketArn' <arn>$/]);
    });

    it("plan: an offboarding counterpart's warning names the command that retires it, for its own entry", async () => {
        const file = configVariant(fixture("handoff-several"), (c) => {
            (c["s3-transfer:partners"] as Record<string, unknown>[])[1].state = "offboarding";
        });
        const r = await runTool("plan", ["--config", file]);
        assert.strictEqual(r.status, 0, r.stderr);
        await assertAllWork(hints(r.stdout, "plan"), ctx, [/^pulumi config set --path 's3-transfer:partners\[1\]\.state' retired$/]);
    });

    it("accept-handoff: Next runs preview and up on the stack it wrote, then sends our hand-over to the sender", async () => {
        const receiver = ctx.stackConfig("accept-handoff");
        const r = await runTool("accept-handoff", ["--config", receiver, "--file", ctx.handoverFile, "--fingerprint", ctx.fingerprint, "--write"]);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stderr, /Next: /);
        await assertAllWork(hints(r.stderr, "accept-handoff"), ctx, [
            /^pulumi preview --stack handoff-partner --config-file \S+ --policy-pack policy-pack$/,
            /^pulumi up --stack handoff-partner --config-file \S+ --policy-pack policy-pack$/,
            /^npm run handoff -- --config \S+handoff-partner\.yaml --counterpart acme-bank --format json --out acme-bank-handover\.json$/,
        ]);
    });

    it("handoff: before the first up of an SSE-KMS stack, the sheet's and the refusal's next step reads the deployed stack", async () => {
        const sheet = await runTool("handoff", ["--config", KMS, "--counterpart", "bluebird-data"]);
        assert.strictEqual(sheet.status, 0, sheet.stderr);
        const refused = await runTool("handoff", ["--config", KMS, "--counterpart", "bluebird-data", "--format", "json"]);
        assert.strictEqual(refused.status, 2);
        const verdicts = await assertAllWork([...hints(sheet.stderr, "handoff"), ...hints(refused.stderr, "handoff --format json")], ctx, [
            /^npm run handoff -- --stack handoff-kms --config \S+ --counterpart bluebird-data --format json --deployed$/,
        ]);
        assert.ok(verdicts.filter((v) => v.command.text.startsWith("npm ")).every((v) => v.how === "reached out"));
    });

    it("plan, on a destination changed since its accepted hand-over: the fix accepts the new hand-over, or restores the accepted value", async () => {
        // The pair's partner, with the publisher's hand-over accepted, then its role edited by hand.
        const pair = fixture("handoff-pair");
        const partnerRef = "organization/s3-transfer/handoff-pair-partner";
        const publisher = await planUncached({ stack: "handoff-pair", configFile: pair, stackOutputs: { [partnerRef]: {} } });
        const handover = (publisher.outputs.handovers as Record<string, HandoverDocument>).cdlx;
        const receiver = path.join(ctx.dir, "handoff-pair-partner.yaml");
        fs.writeFileSync(receiver, fs.readFileSync(fixture("handoff-pair-partner"), "utf8").replace(/^ +stack: handoff-pair\n/m, ""));
        const accepted = path.join(ctx.dir, "accepted.json");
        fs.writeFileSync(accepted, JSON.stringify(handover));
        assert.strictEqual((await runTool("accept-handoff", ["--config", receiver, "--file", accepted, "--fingerprint", fingerprintOf(handover), "--write"])).status, 0);
        const text = fs.readFileSync(receiver, "utf8");
        fs.writeFileSync(
            receiver,
            text.replace(
                "      replicationRoleArn: arn:aws:iam::111122223333:role/acme-bank-to-cdlx-replication\n",
                "      replicationRoleArn: arn:aws:iam::111122223333:role/rotated\n",
            ),
        );
        const r = await runTool("plan", ["--config", receiver]);
        assert.strictEqual(r.status, 2, r.stdout);
        // What the publisher sends when it did rotate its role: the hand-over the fix accepts.
        const rotated = { ...handover, link: { ...handover.link, replicationRoleArn: "arn:aws:iam::111122223333:role/rotated" } };
        const rotatedFile = path.join(ctx.dir, "rotated.json");
        fs.writeFileSync(rotatedFile, JSON.stringify(rotated));
        await assertAllWork(hints(r.stderr, "plan"), { ...ctx, handoverFile: rotatedFile, fingerprint: fingerprintOf(rotated) }, [
            /^npm run accept-handoff -- --config \S+handoff-pair-partner\.yaml --file <their-handover\.json> --fingerprint <the fingerprint they read you> --confirm-change --write$/,
            /^pulumi config set --config-file \S+ --path 's3-transfer:publishers\[0\]\.replicationRoleArn' arn:aws:iam::111122223333:role\/acme-bank-to-cdlx-replication$/,
        ]);
        // The hint accepted the rotated hand-over: the stack plans again.
        assert.strictEqual((await runTool("plan", ["--config", receiver])).status, 0);
    });

    it("any command run with npm run <script> --option (without --): the hint puts -- first, and runs", async () => {
        const [first] = projectStacks();
        const r = runScript("audit-query", [first], { env: { ...process.env, npm_config_stack: "true" } });
        assert.strictEqual(r.status, 2);
        await assertAllWork(hints(r.stderr, "audit-query"), ctx, [new RegExp(`^npm run audit-query -- --stack ${first}$`)]);
    });
});
