/**
 * The policy pack loaded by the real CrossGuard analyzer (`pulumi preview --policy-pack
 * policy-pack`): a compliant stack passes, planted violations fail naming each policy at the
 * enforcement level policy-pack/README.md gives it, and `--policy-pack-config` changes levels
 * and is checked against the pack's config schema
 * (https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../tools/root";
import { EngineWorkspace, requireEngine } from "./harness";
import { rootStacks } from "./stacks";

const PACK = path.join(PROJECT_ROOT, "policy-pack");
const FIXTURE = path.join(__dirname, "fixtures", "planted-violations");

/** Each policy's level, from the pack README's table of policies. */
function documentedLevels(): Map<string, string> {
    const readme = fs.readFileSync(path.join(PACK, "README.md"), "utf8");
    return new Map([...readme.matchAll(/^\| `(s3-transfer-[\w-]+)` \| (mandatory|advisory|disabled) \|/gm)].map((m) => [m[1], m[2]]));
}

/** What the CLI reports under "Policies:": `- [<level>] [severity: <severity>]  <policy>  (<type>: <name>)`. */
function reported(output: string): { policy: string; level: string }[] {
    return [...output.matchAll(/\[(mandatory|advisory)\](?:\s+\[severity: \w+\])?\s+(s3-transfer-[\w-]+)/g)].map((m) => ({ policy: m[2], level: m[1] }));
}

describe("engine: the policy pack in the CrossGuard analyzer", function () {
    this.timeout(10 * 60_000);
    let compliant: EngineWorkspace;
    let planted: EngineWorkspace;

    before(async function () {
        requireEngine(this);
        planted = await EngineWorkspace.create(FIXTURE);
        await planted.initStack("planted");
    });
    after(() => {
        compliant?.dispose();
        planted?.dispose();
    });

    it("passes a compliant stack of this program (the first root stack that references no other)", async () => {
        compliant = await EngineWorkspace.create();
        const { stack, file } = rootStacks().find((s) => !fs.readFileSync(path.join(PROJECT_ROOT, s.file), "utf8").includes("stack:")) ?? rootStacks()[0];
        compliant.useConfig(stack, file);
        for (const s of rootStacks()) if (s.stack !== stack) compliant.useConfig(s.stack, s.file);
        for (const s of rootStacks()) await compliant.initStack(s.stack);
        const run = await compliant.preview(stack, ["--policy-pack", "policy-pack"]);
        assert.strictEqual(run.status, 0, run.output);
        // The pack's version is read from package.json in the working directory (@pulumi/policy,
        // PolicyPack's constructor). Language hosts since pulumi/pulumi#20412 (Sept 2025) start a
        // policy pack in its own directory; the older host the tier builds (engine/README.md) starts
        // it in the project's, so the version shown here is the project's until the host is newer.
        assert.match(run.output, /✅ s3-transfer-guard@v\d+\.\d+\.\d+ \(local: policy-pack\)/);
        assert.deepStrictEqual(
            reported(run.output).filter((r) => r.level === "mandatory"),
            [],
        );
    });

    it("fails planted violations, naming each policy at the level the README documents", async () => {
        const run = await planted.preview("planted", ["--policy-pack", "policy-pack"]);
        assert.notStrictEqual(run.status, 0, run.output);
        const violations = reported(run.output);
        const levels = documentedLevels();
        for (const expected of ["s3-transfer-default-encryption", "s3-transfer-no-public-access", "s3-transfer-https-only", "s3-transfer-minimum-tls"]) {
            assert.ok(
                violations.some((v) => v.policy === expected),
                `${expected} is reported:\n${run.output}`,
            );
        }
        for (const v of violations)
            assert.strictEqual(v.level, levels.get(v.policy), `${v.policy} is ${v.level} in the analyzer, ${levels.get(v.policy)} in policy-pack/README.md`);
    });

    it("--policy-pack-config lowers a mandatory policy to advisory and disables another", async () => {
        const mandatory = [...documentedLevels()].filter(([, level]) => level === "mandatory").map(([policy]) => policy);
        const config = Object.fromEntries(mandatory.map((policy) => [policy, "advisory"]));
        config["s3-transfer-minimum-tls"] = "disabled";
        const file = path.join(planted.root, "policy-config.json");
        fs.writeFileSync(file, JSON.stringify(config));
        const run = await planted.preview("planted", ["--policy-pack", "policy-pack", "--policy-pack-config", file]);
        assert.strictEqual(run.status, 0, run.output);
        const violations = reported(run.output);
        assert.ok(
            violations.some((v) => v.policy === "s3-transfer-default-encryption" && v.level === "advisory"),
            run.output,
        );
        assert.ok(!violations.some((v) => v.policy === "s3-transfer-minimum-tls"), run.output);
    });

    it("--policy-pack-config is checked against the pack's config schema: a wrong type fails naming the property", async () => {
        const file = path.join(planted.root, "bad-policy-config.json");
        fs.writeFileSync(file, JSON.stringify({ "s3-transfer-access-logging": { enforcementLevel: "advisory", exemptBuckets: "not-a-list" } }));
        const run = await planted.preview("planted", ["--policy-pack", "policy-pack", "--policy-pack-config", file]);
        assert.notStrictEqual(run.status, 0, run.output);
        assert.match(run.output, /exemptBuckets/);
        assert.match(run.output, /s3-transfer-access-logging/);
    });
});
