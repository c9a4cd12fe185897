/**
 * Config as the engine reads it: Pulumi.yaml's declarations (types, defaults, required keys),
 * `pulumi config set --path` round trips, secure values, and what the engine itself says about a
 * stack file still on the old `transfer:` keys
 * (https://www.pulumi.com/docs/iac/concepts/config/, https://www.pulumi.com/docs/iac/concepts/projects/project-file/#config-options).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { COUNTERPARTS_KEY, LEGACY_NAMESPACE, NAMESPACE, configKey } from "../../infra/config/keys";
import { readStackConfig } from "../../tools/plan/project";
import { PROJECT_ROOT } from "../../tools/root";
import { runScript } from "../helpers/cli";
import { EngineWorkspace, requireEngine } from "./harness";
import { rootStacks } from "./stacks";

/** A root stack that stands alone (no stack references), or the first root stack. */
function standalone() {
    return rootStacks().find((s) => !fs.readFileSync(path.join(PROJECT_ROOT, s.file), "utf8").includes("stack:")) ?? rootStacks()[0];
}

/** The declared keys with a type, from Pulumi.yaml. */
function declared(): Record<string, { type?: string; default?: unknown }> {
    return (YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { type?: string; default?: unknown }> }).config;
}

describe("engine: config as the engine reads it", function () {
    this.timeout(10 * 60_000);
    let ws: EngineWorkspace;
    const source = standalone();
    const baseConfig = () => (YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, source.file), "utf8")) as { config: Record<string, unknown> }).config;

    before(async function () {
        requireEngine(this);
        ws = await EngineWorkspace.create();
        for (const s of rootStacks()) {
            ws.useConfig(s.stack, s.file);
            await ws.initStack(s.stack);
        }
    });
    after(() => ws?.dispose());

    it("refuses a value of the wrong type for every typed declaration of Pulumi.yaml, naming the key", async () => {
        const typed = Object.entries(declared()).filter(([, d]) => d.type === "integer" || d.type === "boolean");
        assert.ok(typed.length > 0, "Pulumi.yaml declares typed keys");
        const [name, declaration] = typed[0];
        ws.useConfig(source.stack, { ...baseConfig(), [configKey(name)]: "not-a-" + declaration.type });
        const run = await ws.preview(source.stack);
        ws.useConfig(source.stack, source.file);
        assert.notStrictEqual(run.status, 0, run.output);
        // The engine names the key as declared, without the project's namespace.
        assert.match(run.output, new RegExp(`validating stack config: Stack '${source.stack}' with configuration key '${name}' must be of type '${declaration.type}'`));
    });

    it("a stack file still on the old `transfer:` keys: the engine itself fails before running the program, naming every required key as missing", async () => {
        const legacy = Object.fromEntries(
            Object.entries(baseConfig()).map(([k, v]) => [k.startsWith(`${NAMESPACE}:`) ? `${LEGACY_NAMESPACE}:${k.slice(NAMESPACE.length + 1)}` : k, v]),
        );
        ws.useConfig(source.stack, legacy);
        const run = await ws.preview(source.stack);
        ws.useConfig(source.stack, source.file);
        assert.notStrictEqual(run.status, 0, run.output);
        const required = Object.entries(declared())
            .filter(([, d]) => d.default === undefined)
            .map(([k]) => k);
        // The engine names the keys as declared, without the project's namespace.
        const missing = /validating stack config: Stack '([^']+)' is missing configuration values? (.*)$/m.exec(run.output);
        assert.ok(missing, run.output);
        assert.strictEqual(missing[1], source.stack);
        assert.deepStrictEqual([...missing[2].matchAll(/'([^']+)'/g)].map((m) => m[1]).sort(), required.sort());
    });

    it("`pulumi config set --path` round trips, and the offline plan reads the file the engine wrote as the engine does", async () => {
        const side = String(baseConfig()[configKey("side")]) as keyof typeof COUNTERPARTS_KEY;
        const key = COUNTERPARTS_KEY[side];
        await ws.config(source.stack, ["set", "--path", `${key}[0].state`, "offboarding"]);
        const got = await ws.config(source.stack, ["get", "--path", `${key}[0].state`]);
        assert.strictEqual(got.stdout.trim(), "offboarding");
        const engineView = JSON.parse((await ws.config(source.stack, ["--json", "--show-secrets"])).stdout) as Record<string, { value?: string; objectValue?: unknown }>;
        const planView = readStackConfig(ws.stackFile(source.stack));
        assert.deepStrictEqual(JSON.parse(planView[key]), engineView[key].objectValue ?? JSON.parse(String(engineView[key].value)));
        const preview = await ws.preview(source.stack);
        assert.strictEqual(preview.status, 0, preview.output);
        ws.useConfig(source.stack, source.file);
    });

    it("a secure value is ciphertext in the stack file, plaintext to the engine, and refused by the offline plan naming the key", async () => {
        const side = String(baseConfig()[configKey("side")]) as keyof typeof COUNTERPARTS_KEY;
        const key = COUNTERPARTS_KEY[side];
        await ws.config(source.stack, ["set", "--secret", "--path", `${key}[0].root`, "secret-root"]);
        const file = fs.readFileSync(ws.stackFile(source.stack), "utf8");
        assert.ok(!file.includes("secret-root"), "no plaintext in the stack file");
        assert.match(file, /secure: /);
        assert.strictEqual((await ws.config(source.stack, ["get", "--path", `${key}[0].root`])).stdout.trim(), "secret-root");
        const plan = runScript("plan", ["--config", ws.stackFile(source.stack)]);
        ws.useConfig(source.stack, source.file);
        assert.strictEqual(plan.status, 2, plan.stdout + plan.stderr);
        assert.match(plan.stderr, new RegExp(`${key.replace(/[[\]]/g, "\\$&")}\\[0\\]\\.root`));
    });
});
