/**
 * `npm run converge`, for real: what deploy.yml (through converge.yml) and a person run to deploy
 * a group of stacks (docs/deploy.md, "Deploying a group" and "In CI"), here through the real CLI
 * and the Automation API against the stand-in aws provider. Every `pulumi` command converge runs
 * is recorded (EngineWorkspace.npmRun's recorder), so the tests see that each `up` is held to a
 * plan a preview saved (https://www.pulumi.com/docs/iac/concepts/update-plans/).
 *
 * Not run here: the canary and the Batch Replication job (`--skip-canary`), which put objects in
 * S3 and wait for replication; the stand-in has no S3 data plane, and the pre-production canary
 * against AWS is their proof.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { configKey, COUNTERPARTS_KEY } from "../../infra/config/keys";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { readUpdatePlan } from "../../tools/converge/plan-file";
import { PROJECT_ROOT } from "../../tools/root";
import { DeployGroup, readInventory } from "../../tools/stacks/inventory";
import { CloudRecord } from "./aws-provider/cloud";
import { EngineWorkspace, linkStatus, requireEngine } from "./harness";
import { exampleStacks, pairForEngineTests, rootStacks, StackSource } from "./stacks";

/** One recorded `pulumi` command: its words, and the value of each `--flag value`. */
interface Recorded {
    words: string[];
    command: string;
    flag(name: string): string | undefined;
}

function recorded(log: string): Recorded[] {
    if (!fs.existsSync(log)) return [];
    return fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => {
            const words = line.split(" ");
            // `stack init`, `config set`: a command of two words; `up`, `preview`: one.
            const command = ["stack", "config", "plugin"].includes(words[0]) ? words.slice(0, 2).join(" ") : words[0];
            return { words, command, flag: (name: string) => (words.includes(`--${name}`) ? words[words.indexOf(`--${name}`) + 1] : undefined) };
        });
}

/** The bare stack name of a recorded command's `--stack` (`organization/preprod` -> `preprod`). */
const stackOf = (c: Recorded) => c.flag("stack")?.split("/").pop();

/** The stack's `pulumi config get` of a declared integer, and a different valid value (1–3650). */
async function anotherDays(ws: EngineWorkspace, stack: string): Promise<string> {
    const days = Number((await ws.config(stack, ["get", "noncurrentVersionExpirationDays"])).stdout.trim());
    return String(days < 3650 ? days + 1 : days - 1);
}

/** The first stack (root stacks, then examples) with two or more active counterpart entries: removing one leaves a valid config. */
function stackWithTwoActiveEntries(): { source: StackSource; key: string; index: number } {
    for (const source of [...rootStacks(), ...exampleStacks()]) {
        const config = (YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, source.file), "utf8")) as { config: Record<string, unknown> }).config;
        const key = COUNTERPARTS_KEY[config[configKey("side")] as keyof typeof COUNTERPARTS_KEY];
        const entries = ((config[key] as { state?: string }[] | undefined) ?? []).map((e, index) => ({ e, index })).filter(({ e }) => (e.state ?? "active") === "active");
        if (entries.length >= 2) return { source, key, index: entries[0].index };
    }
    throw new Error("no root stack or example lists two active counterparts: the test of a wrongly removed entry needs one");
}

describe("engine: npm run converge, as deploy.yml and a person run it", function () {
    this.timeout(30 * 60_000);
    let ws: EngineWorkspace;
    let group: DeployGroup;
    let runs = 0;
    /** Runs `npm run converge -- <args>` with every pulumi command recorded; the commands of this run come back with it. */
    const converge = async (args: string[]) => {
        const log = path.join(ws.root, `pulumi-commands-${++runs}.log`);
        const run = await ws.npmRun("converge", args, { recordPulumi: log });
        return { ...run, commands: recorded(log) };
    };
    /**
     * Every stack of the group reviewed as a pull request's preview reviews it, with a change to each
     * first when asked (a declared integer each stack has, by default): preview.yml's step, as pulumi/actions v7 runs it (src/main.ts,
     * runAction: `LocalWorkspace.createOrSelectStack` with upsert and the secrets provider, then
     * `stack.preview` with the step's policyPacks, diff and plan inputs;
     * https://github.com/pulumi/actions/blob/v7.0.0/src/main.ts). Resolves to the folder of the
     * reviewed plans and each stack's new value.
     */
    const reviewEveryStack = async (options: { change: boolean }): Promise<{ dir: string; days: Map<string, number> }> => {
        const dir = fs.mkdtempSync(path.join(ws.root, "reviewed-"));
        const days = new Map<string, number>();
        const envVars = Object.fromEntries(Object.entries(ws.env).filter((e): e is [string, string] => typeof e[1] === "string"));
        for (const stack of group.stacks) {
            if (options.change) {
                days.set(stack, Number(await anotherDays(ws, stack)));
                await ws.config(stack, ["set", "noncurrentVersionExpirationDays", String(days.get(stack))]);
            }
            const selected = await LocalWorkspace.createOrSelectStack({ stackName: `organization/${stack}`, workDir: ws.projectDir }, { secretsProvider: "passphrase", envVars });
            await selected.preview({ policyPacks: ["policy-pack"], diff: true, plan: path.join(dir, `${stack}.json`) });
        }
        return { dir, days };
    };
    /** Whether a lifecycle rule of the stack, as the engine recorded it, expires noncurrent versions after `days`. */
    const expiresAfter = async (stack: string, days: number) =>
        ((await ws.exportStack(stack)).deployment.resources ?? []).some(
            (r) =>
                r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration" &&
                ((r.inputs?.rules as { noncurrentVersionExpiration?: { noncurrentDays?: number } }[] | undefined) ?? []).some(
                    (rule) => rule.noncurrentVersionExpiration?.noncurrentDays === days,
                ),
        );
    const resourcesOf = async (stack: string) => JSON.stringify((await ws.exportStack(stack)).deployment.resources);

    before(async function () {
        requireEngine(this);
        const pair = pairForEngineTests();
        ws = await EngineWorkspace.create();
        // The pair's stack files as root stack files of the copy (they are already, unless the pair is of examples).
        for (const s of pair) ws.useConfig(s.stack, s.file);
        const inventory = readInventory(ws.projectDir, ws.project);
        group = inventory.groups.find((g) => g.stacks.includes(pair[0].stack))!;
    });
    after(() => ws?.dispose());

    it("the documented first deploy of a pair from nothing, as the workflows run it: the pull request's preview creates both stacks and reviews each against the other's empty outputs; on merge, converge applies the first side's reviewed plan, the other's fresh plan (beyond its review only as the first side's deploy requires, and saying so), then the first side again; every up held to a saved plan", async () => {
        const [first, ...others] = group.stacks;
        // preview.yml: per stack, npm run converge -- --create-only, then the preview that saves the plan.
        const create = await converge(["--pair", first, "--create-only", "--organization", "organization", "--secrets-provider", "passphrase"]);
        assert.strictEqual(create.status, 0, create.output);
        assert.deepStrictEqual(
            create.commands.filter((c) => c.command === "up" || c.command === "preview"),
            [],
            "--create-only previews and changes nothing",
        );
        const stacks = (JSON.parse((await ws.pulumiOk(["stack", "ls", "--json"])).stdout) as { name: string }[]).map((s) => s.name.split("/").pop());
        for (const stack of group.stacks) assert.ok(stacks.includes(stack), `${stack} was created`);
        const { dir: reviewed } = await reviewEveryStack({ change: false });

        // deploy.yml, through converge.yml: the reviewed plans of this tree, required.
        const planDir = path.join(ws.root, "applied-first");
        const run = await converge(["--pair", first, "--organization", "organization", "--plans", reviewed, "--require-plans", "--plan-dir", planDir, "--skip-canary"]);
        assert.strictEqual(run.status, 0, run.output);
        const ups = run.commands.filter((c) => c.command === "up");
        // Publishers, then partners, then each side whose links still waited: for a pair, the first side twice.
        assert.deepStrictEqual(ups.map(stackOf), [...group.stacks, first]);
        for (const up of ups) {
            const plan = up.flag("plan");
            assert.ok(plan, `up of ${stackOf(up)} is held to a plan: ${up.words.join(" ")}`);
            const preview = run.commands
                .slice(0, run.commands.indexOf(up))
                .filter((c) => c.command === "preview" && stackOf(c) === stackOf(up))
                .at(-1);
            assert.ok(preview, `a preview of ${stackOf(up)} ran before its up`);
            const fresh = preview.flag("save-plan");
            assert.ok(
                plan === fresh || plan === path.join(reviewed, `${stackOf(up)}.json`),
                `${stackOf(up)}'s up applies the plan its preview just saved or its reviewed plan, not ${plan}`,
            );
            for (const c of [up, preview]) assert.strictEqual(c.flag("policy-pack"), path.join(ws.projectDir, "policy-pack"), `${c.command} runs the policy pack`);
        }
        assert.strictEqual(ups[0].flag("plan"), path.join(reviewed, `${first}.json`), `${first} applies its reviewed plan`);
        assert.match(run.stdout, new RegExp(`${first}: the preview plans what was reviewed; applying the reviewed plan`));
        for (const stack of others) {
            assert.match(
                run.stdout,
                new RegExp(`${stack}: applying the fresh plan, which goes beyond the reviewed one only as ${first} \\(deployed above with other outputs\\) requires`),
            );
        }
        for (const stack of group.stacks) {
            const outputs = await ws.outputs(stack);
            for (const [counterpart] of Object.entries(outputs.links as object)) {
                const { replication, ingressGrant } = linkStatus(outputs, counterpart);
                assert.deepStrictEqual({ stack, counterpart, replication, ingressGrant }, { stack, counterpart, replication: "active", ingressGrant: "active" });
            }
            const preview = await ws.preview(stack, ["--expect-no-changes"]);
            assert.strictEqual(preview.status, 0, preview.output);
        }
    });

    it("a second run with plans reviewed earlier (as the pull request's preview saved them): each stack applies exactly its reviewed plan", async () => {
        const { dir: reviewed, days } = await reviewEveryStack({ change: true });
        for (const stack of group.stacks) assert.ok(readUpdatePlan(path.join(reviewed, `${stack}.json`)).changes.size > 0, `the reviewed plan of ${stack} changes something`);
        const run = await converge(["--pair", group.stacks[0], "--organization", "organization", "--plans", reviewed, "--require-plans", "--skip-canary"]);
        assert.strictEqual(run.status, 0, run.output);
        assert.deepStrictEqual(
            run.commands.filter((c) => c.command === "up").map((c) => [stackOf(c), c.flag("plan")]),
            group.stacks.map((stack) => [stack, path.join(reviewed, `${stack}.json`)]),
        );
        for (const stack of group.stacks) {
            assert.match(run.stdout, new RegExp(`${stack}: the preview plans what was reviewed; applying the reviewed plan`));
            assert.ok(await expiresAfter(stack, days.get(stack)!), `${stack} now expires noncurrent versions after ${days.get(stack)} days`);
        }
    });

    it("a config changed after the review stops that stack, unchanged, naming the difference (exit 1)", async () => {
        const { dir: reviewed } = await reviewEveryStack({ change: true });
        const [first] = group.stacks;
        await ws.config(first, ["set", "noncurrentVersionExpirationDays", await anotherDays(ws, first)]);
        const before = await resourcesOf(first);
        const cloud = JSON.stringify(ws.cloud.list());
        const run = await converge(["--pair", first, "--organization", "organization", "--plans", reviewed, "--require-plans", "--skip-canary"]);
        assert.strictEqual(run.status, 1, run.output);
        assert.match(run.stderr, new RegExp(`${first}: reality moved since the reviewed plan .*; nothing of ${first} was changed`));
        assert.match(run.stderr, /with other values than reviewed/);
        assert.deepStrictEqual(
            run.commands.filter((c) => c.command === "up"),
            [],
            "no up ran",
        );
        assert.strictEqual(await resourcesOf(first), before, "the stack's state is as it was");
        assert.strictEqual(JSON.stringify(ws.cloud.list()), cloud, "and so is the cloud");
    });

    it("a wrongly removed active entry changes nothing through converge: its preview fails on the protected resources before any up, where `up --skip-preview` deletes what is not protected first (issue 21, item 10)", async () => {
        const { source, key, index } = stackWithTwoActiveEntries();
        const stack = `${source.stack}-removal`;
        ws.useConfig(stack, source.file);
        const first = await converge(["--pair", stack, "--secrets-provider", "passphrase", "--skip-canary"]);
        assert.strictEqual(first.status, 0, first.output);
        await ws.config(stack, ["rm", "--path", `${key}[${index}]`]);
        const before = await resourcesOf(stack);
        const cloud = JSON.stringify(ws.cloud.list());

        const run = await converge(["--pair", stack, "--skip-canary"]);
        assert.strictEqual(run.status, 1, run.output);
        assert.match(run.output, /the preview failed, so nothing of .* was changed/);
        // DeleteStep.Apply refuses a protected delete in preview too (https://github.com/pulumi/pulumi/blob/v3.276.0/pkg/resource/deploy/step.go).
        assert.match(run.output, /cannot be deleted/);
        assert.deepStrictEqual(
            run.commands.filter((c) => c.command === "up"),
            [],
            "no up ran",
        );
        assert.strictEqual(await resourcesOf(stack), before, "the stack's state is as it was");
        assert.strictEqual(JSON.stringify(ws.cloud.list()), cloud, "nothing was deleted in the cloud");

        // What converge's preview prevents: pulumi/actions v6 ran `up --skip-preview`, which deletes the
        // link's unprotected resources (its replication rule among them) before the protected delete fails.
        const skipped = await ws.up(stack);
        assert.notStrictEqual(skipped.status, 0, skipped.output);
        const gone = (JSON.parse(cloud) as CloudRecord[]).filter((r) => !ws.cloud.get(r.type, r.id, r.accountId));
        assert.ok(
            gone.some((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig"),
            `up --skip-preview deleted ${gone.map((r) => `${r.type} ${r.id}`).join(", ") || "nothing"}`,
        );
    });
});
