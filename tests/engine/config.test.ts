/**
 * Config as the engine reads it, against the offline tools' reading of the same files (the stack
 * file reader infra/config/stack-file.ts with infra/config/yaml-values.ts, and Pulumi.yaml's
 * declarations applied by infra/config/project-file.ts, which `npm run plan` feeds the program):
 * `pulumi config --json` of the real CLI for every root stack and example and for tricky inputs,
 * `pulumi config set --path` round trips, secure values, Pulumi.yaml's types and required keys,
 * and what the engine itself says about a stack file still on the old `transfer:` keys
 * (https://www.pulumi.com/docs/iac/concepts/config/, https://www.pulumi.com/docs/iac/concepts/projects/project-file/#config-options).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { isConfigError } from "../../infra/config/errors";
import { COUNTERPARTS_KEY, LEGACY_NAMESPACE, NAMESPACE, configKey } from "../../infra/config/keys";
import { applyProjectConfig, loadProjectFile } from "../../infra/config/project-file";
import { loadStackFile } from "../../infra/config/stack-file";
import { loadSideConfig } from "../../tools/plan/side-config";
import { PROJECT_ROOT } from "../../tools/root";
import { runScript } from "../helpers/cli";
import { SEEN_FROM_THE_CLI } from "../helpers/yaml-scalars";
import { EngineWorkspace, requireEngine } from "./harness";
import { exampleStacks, rootStacks, standaloneRootStack } from "./stacks";

/** One key of `pulumi config --json`: text, the parsed value of a list or mapping, and whether it is secret. */
interface EngineValue {
    value?: string;
    objectValue?: unknown;
    secret: boolean;
}

/** The config the offline tools hand the program for a stack file: Pulumi.yaml's declarations applied. */
function offlineReading(stack: string, file: string): { config: Record<string, string>; structured: string[] } {
    const stackFile = loadStackFile(file);
    return { config: applyProjectConfig(loadProjectFile(PROJECT_ROOT), stack, stackFile.config, stackFile.structured, file), structured: stackFile.structured };
}

/** The engine's and the offline reading agree on every key: the same text, or for a list or mapping the same value. */
function assertSameReading(engine: Record<string, EngineValue>, offline: { config: Record<string, string>; structured: string[] }, what: string): void {
    assert.deepStrictEqual(Object.keys(offline.config).sort(), Object.keys(engine).sort(), `${what}: the same keys`);
    for (const [key, seen] of Object.entries(engine)) {
        if (seen.objectValue !== undefined) {
            assert.ok(offline.structured.includes(key) || !key.startsWith(`${NAMESPACE}:`), `${what}: ${key} is a list or mapping offline too`);
            assert.deepStrictEqual(JSON.parse(offline.config[key]), seen.objectValue, `${what}: ${key}`);
        } else {
            assert.strictEqual(offline.config[key], seen.value, `${what}: ${key}`);
        }
    }
}

/** The missing keys a message of the form "Stack 's' is missing configuration values 'a', 'b' and 'c'" names, sorted. */
function missingKeysIn(text: string, stack: string): string[] | undefined {
    const missing = new RegExp(`Stack '${stack}' is missing configuration values? (.*?)["\\n)]`, "m").exec(text);
    return missing ? [...missing[1].matchAll(/'([^']+)'/g)].map((m) => m[1]).sort() : undefined;
}

describe("engine: config as the engine reads it", function () {
    this.timeout(10 * 60_000);
    let ws: EngineWorkspace;
    const source = standaloneRootStack();
    const everyStack = [...rootStacks(), ...exampleStacks()];
    const baseConfig = () => (YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, source.file), "utf8")) as { config: Record<string, unknown> }).config;
    const engineConfig = async (stack: string, showSecrets = true) =>
        JSON.parse((await ws.config(stack, ["--json", ...(showSecrets ? ["--show-secrets"] : [])])).stdout) as Record<string, EngineValue>;

    before(async function () {
        requireEngine(this);
        ws = await EngineWorkspace.create();
        // Each file reaches the engine as committed: `stack init` first, since it rewrites a file it finds.
        for (const s of everyStack) {
            await ws.initStack(s.stack);
            ws.writeStackFile(s.stack, fs.readFileSync(path.join(PROJECT_ROOT, s.file), "utf8"));
        }
    });
    after(() => ws?.dispose());

    it("every root stack and example: `pulumi config --json` is what the offline plan hands the program, key by key", async () => {
        for (const s of everyStack) {
            const committed = path.join(PROJECT_ROOT, s.file);
            assertSameReading(await engineConfig(s.stack), offlineReading(s.stack, committed), s.file);
            // And what the plan validates is that same reading.
            assert.deepStrictEqual(loadSideConfig(loadProjectFile(PROJECT_ROOT), s.stack, committed).engineConfig, offlineReading(s.stack, committed).config);
        }
    });

    it("tricky scalars (unquoted account IDs with leading zeros, octal, hex, floats, True, yes, null, timestamps), top-level and in a list, keys bare and namespaced: the engine reads each as the offline reader and the fast suite's table say", async () => {
        const stack = "tricky-scalars";
        const lines = [
            // The keys Pulumi.yaml requires, bare as `pulumi config set` takes them.
            "  side: publisher",
            "  name: tricky",
            '  accountId: "111122223333"',
            ...SEEN_FROM_THE_CLI.map(([written], i) => `  ${i % 2 ? `${NAMESPACE}:` : ""}scalar${i}: ${written}`),
            // A bare key with no value: Pulumi reads it as "" (and warns).
            "  emptyValue:",
            "  list:",
            ...SEEN_FROM_THE_CLI.map(([written]) => `    - ${written}`),
            "  entries:",
            "    - accountId: 012345678901",
            '      quoted: "012345678901"',
            "      octal: 0123",
            "      flag: True",
        ];
        await ws.initStack(stack);
        ws.writeStackFile(stack, stackFileText(lines));
        const engine = await engineConfig(stack);
        SEEN_FROM_THE_CLI.forEach(([written, expected], i) =>
            assert.strictEqual(engine[`${NAMESPACE}:scalar${i}`]?.value, expected, `the CLI reads an unquoted ${written} as ${expected}`),
        );
        assert.strictEqual(engine[`${NAMESPACE}:emptyValue`]?.value, "");
        assertSameReading(engine, offlineReading(stack, ws.stackFile(stack)), stack);
        // `pulumi config get` of a key, and of a path into a list entry, agrees with the offline reading.
        const offline = offlineReading(stack, ws.stackFile(stack)).config;
        assert.strictEqual((await ws.config(stack, ["get", "scalar0"])).stdout.trim(), offline[`${NAMESPACE}:scalar0`]);
        const [entry] = JSON.parse(offline[`${NAMESPACE}:entries`]) as Record<string, unknown>[];
        for (const field of ["accountId", "quoted", "octal", "flag"]) {
            assert.strictEqual((await ws.config(stack, ["get", "--path", `entries[0].${field}`])).stdout.trim(), String(entry[field]), `entries[0].${field}`);
        }
    });

    it("a YAML .inf, which Pulumi cannot turn into JSON: the engine refuses the stack file, and so does the offline reader, naming the key", async () => {
        const stack = "infinite";
        await ws.initStack(stack);
        ws.writeStackFile(stack, stackFileText(["  side: publisher", "  logRetentionDays: .inf"]));
        const run = await ws.pulumi(["config", "--json", "--stack", ws.qualified(stack)]);
        assert.notStrictEqual(run.status, 0, run.output);
        assert.match(run.output, /json: unsupported value: \+Inf/);
        assert.throws(
            () => loadStackFile(ws.stackFile(stack)),
            (err: unknown) => isConfigError(err) && err.problems[0].key === configKey("logRetentionDays") && /json: unsupported value: \+Inf/.test(err.problems[0].problem),
        );
    });

    it("refuses a value of the wrong type for every typed declaration of Pulumi.yaml, naming the key, where the offline reading refuses it", async () => {
        const declarations = loadProjectFile(PROJECT_ROOT).config as Record<string, { type?: string }>;
        const typed = Object.entries(declarations).filter(([, d]) => d && (d.type === "integer" || d.type === "boolean"));
        assert.ok(typed.length > 0, "Pulumi.yaml declares typed keys");
        for (const [name, declaration] of typed) {
            ws.useConfig(source.stack, { ...baseConfig(), [configKey(name)]: `not-a-${declaration.type}` });
            const run = await ws.preview(source.stack);
            const offline = (() => {
                try {
                    offlineReading(source.stack, ws.stackFile(source.stack));
                    return "accepted";
                } catch (err) {
                    return isConfigError(err) ? err.problems.map((p) => p.problem).join("\n") : String(err);
                }
            })();
            ws.useConfig(source.stack, source.file);
            assert.notStrictEqual(run.status, 0, run.output);
            // The engine names the key as declared, without the project's namespace; the offline reading quotes the engine.
            const message = `validating stack config: Stack '${source.stack}' with configuration key '${name}' must be of type '${declaration.type}'`;
            assert.ok(run.output.includes(message), run.output);
            assert.ok(offline.includes(message.replace("validating stack config: ", "")), offline);
        }
    });

    it("a stack file still on the old `transfer:` keys: the engine itself fails before running the program, naming the missing keys the offline reading names", async () => {
        const legacy = Object.fromEntries(
            Object.entries(baseConfig()).map(([k, v]) => [k.startsWith(`${NAMESPACE}:`) ? `${LEGACY_NAMESPACE}:${k.slice(NAMESPACE.length + 1)}` : k, v]),
        );
        ws.useConfig(source.stack, legacy);
        const run = await ws.preview(source.stack);
        let offline = "";
        try {
            offlineReading(source.stack, ws.stackFile(source.stack));
        } catch (err) {
            offline = isConfigError(err) ? err.problems.map((p) => p.problem).join("\n") : String(err);
        }
        ws.useConfig(source.stack, source.file);
        assert.notStrictEqual(run.status, 0, run.output);
        assert.match(run.output, /validating stack config: Stack '[^']+' is missing configuration value/);
        const engineMissing = missingKeysIn(run.output, source.stack);
        assert.ok(engineMissing?.length, run.output);
        assert.deepStrictEqual(missingKeysIn(offline, source.stack), engineMissing, offline);
    });

    it("`pulumi config set --path` round trips (a leading zero kept as text, an entry appended, a boolean), and the offline plan reads the file the engine wrote as the engine does", async () => {
        const side = String(baseConfig()[configKey("side")]) as keyof typeof COUNTERPARTS_KEY;
        const key = COUNTERPARTS_KEY[side];
        const entries = (baseConfig()[key] as unknown[]).length;
        await ws.config(source.stack, ["set", "--path", `${key}[0].state`, "offboarding"]);
        await ws.config(source.stack, ["set", "--path", `${key}[0].accountId`, "012345678901"]);
        await ws.config(source.stack, ["set", "--path", `${key}[${entries}].name`, "appended"]);
        await ws.config(source.stack, ["set", "--path", `${key}[${entries}].replicatesDeleteMarkers`, "true"]);
        await ws.config(source.stack, ["set", "accountId", "012345678901"]);
        try {
            assert.strictEqual((await ws.config(source.stack, ["get", "--path", `${key}[0].state`])).stdout.trim(), "offboarding");
            const engine = await engineConfig(source.stack);
            assert.strictEqual((engine[key].objectValue as Record<string, unknown>[])[0].accountId, "012345678901", "--path keeps a leading zero as text");
            assert.strictEqual((engine[key].objectValue as Record<string, unknown>[])[entries].replicatesDeleteMarkers, true, "--path stores true as a boolean");
            assert.strictEqual(engine[configKey("accountId")].value, "012345678901");
            assertSameReading(engine, offlineReading(source.stack, ws.stackFile(source.stack)), "after pulumi config set");
        } finally {
            ws.useConfig(source.stack, source.file);
        }
        await ws.config(source.stack, ["set", "--path", `${key}[0].state`, "offboarding"]);
        const preview = await ws.preview(source.stack);
        ws.useConfig(source.stack, source.file);
        assert.strictEqual(preview.status, 0, preview.output);
    });

    it("a secure value is ciphertext in the stack file, secret in `pulumi config --json`, plaintext to the engine, and refused by the offline plan naming the key", async () => {
        const side = String(baseConfig()[configKey("side")]) as keyof typeof COUNTERPARTS_KEY;
        const key = COUNTERPARTS_KEY[side];
        await ws.config(source.stack, ["set", "--secret", "--path", `${key}[0].root`, "secret-root"]);
        const file = fs.readFileSync(ws.stackFile(source.stack), "utf8");
        const hidden = await engineConfig(source.stack, false);
        const got = (await ws.config(source.stack, ["get", "--path", `${key}[0].root`])).stdout.trim();
        const plan = runScript("plan", ["--config", ws.stackFile(source.stack)]);
        ws.useConfig(source.stack, source.file);
        assert.ok(!file.includes("secret-root"), "no plaintext in the stack file");
        assert.match(file, /secure: /);
        assert.deepStrictEqual(hidden[key], { secret: true });
        assert.strictEqual(got, "secret-root");
        assert.strictEqual(plan.status, 2, plan.stdout + plan.stderr);
        assert.match(plan.stderr, new RegExp(`${key.replace(/[[\]]/g, "\\$&")}\\[0\\]\\.root`));
    });
});

/** A stack file's text with these lines under `config:`. */
function stackFileText(lines: string[]): string {
    return ["config:", ...lines, ""].join("\n");
}
