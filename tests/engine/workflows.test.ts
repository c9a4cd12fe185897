/**
 * The workflows' stack creation and command sequence, replayed through the Automation API the
 * way pulumi/actions v6 drives it (https://github.com/pulumi/actions, src/main.ts at v6.6.1):
 *
 *   - `command: output` selects no stack: it reads `LocalWorkspace.create({workDir}).stackOutputs(name)`;
 *     `upsert` is not consulted for it;
 *   - any other command takes `LocalWorkspace.createOrSelectStack` with `upsert: true` (else
 *     `selectStack`), with the `secrets-provider` input as the workspace's secretsProvider, then
 *     runs `stack.up` / `stack.preview` with the step's options (policyPacks, refresh,
 *     expectNoChanges, diff), then reads `stack.outputs()`.
 *
 * The commands are the ones .github/workflows/pulumi-stack.yml maps each job to (init and canary
 * -> output; preview; up; drift -> preview with refresh and expect-no-changes), in deploy.yml's
 * order for a pair's first deploy.
 */
import * as assert from "assert";
import { LocalWorkspace, LocalWorkspaceOptions, OutputMap } from "@pulumi/pulumi/automation";
import { EngineWorkspace, linkStatus, requireEngine } from "./harness";
import { rootPairs } from "./stacks";

type ActionCommand = "output" | "up" | "preview";
interface ActionStep {
    command: ActionCommand;
    stack: string;
    refresh?: boolean;
    expectNoChanges?: boolean;
}

/** What pulumi-stack.yml gives pulumi/actions for each of its commands. */
const STEP: Record<"init" | "preview" | "up" | "drift" | "canary", Omit<ActionStep, "stack">> = {
    init: { command: "output" },
    canary: { command: "output" },
    preview: { command: "preview" },
    up: { command: "up" },
    drift: { command: "preview", refresh: true, expectNoChanges: true },
};

/** One pulumi/actions step: upsert true, secrets-provider set, policyPacks: policy-pack, diff: true. */
async function runAction(ws: EngineWorkspace, step: ActionStep): Promise<OutputMap> {
    const envVars = Object.fromEntries(Object.entries(ws.env).filter((e): e is [string, string] => typeof e[1] === "string"));
    const wsOpts: LocalWorkspaceOptions = { secretsProvider: "passphrase", envVars };
    const stackName = ws.qualified(step.stack);
    if (step.command === "output") {
        const workspace = await LocalWorkspace.create({ ...wsOpts, workDir: ws.projectDir });
        return workspace.stackOutputs(stackName);
    }
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: ws.projectDir }, wsOpts);
    const options = { policyPacks: ["policy-pack"], diff: true, refresh: step.refresh ?? false, expectNoChanges: step.expectNoChanges ?? false };
    if (step.command === "up") await stack.up(options);
    else await stack.preview(options);
    return stack.outputs();
}

const plainOutputs = (outputs: OutputMap) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));

describe("engine: the workflows replayed through the Automation API as pulumi/actions v6 runs them", function () {
    this.timeout(20 * 60_000);
    const pair = rootPairs()[0];
    let ws: EngineWorkspace;

    before(async function () {
        requireEngine(this);
        ws = await EngineWorkspace.create();
        for (const s of pair) ws.useConfig(s.stack, s.file);
    });
    after(() => ws?.dispose());

    it("deploy.yml's init jobs create both stacks of a pair that do not exist yet (docs/deploy.md, In CI)", async () => {
        for (const s of pair) {
            await assert.doesNotReject(runAction(ws, { ...STEP.init, stack: s.stack }), `init ${s.stack}: pulumi/actions ${STEP.init.command} on a stack that does not exist`);
        }
    });

    it("deploy.yml with first-deploy: up publisher, up partner, up publisher, then the canary jobs' output: the pair is complete", async () => {
        const [publisher, partner] = pair;
        // What the init jobs are for (their own test above): both stacks exist before either up.
        const existing = JSON.parse((await ws.pulumiOk(["stack", "ls", "--json"])).stdout) as { name: string }[];
        for (const s of pair) if (!existing.some((e) => e.name === ws.qualified(s.stack) || e.name === s.stack)) await ws.initStack(s.stack);
        for (const stack of [publisher.stack, partner.stack, publisher.stack]) await runAction(ws, { ...STEP.up, stack });
        const outputs = plainOutputs(await runAction(ws, { ...STEP.canary, stack: publisher.stack }));
        const [counterpart] = Object.keys(outputs.links as object);
        assert.strictEqual(linkStatus(outputs, counterpart).replication, "active");
        assert.strictEqual(linkStatus(plainOutputs(await runAction(ws, { ...STEP.canary, stack: partner.stack })), String(outputs.partyName)).ingressGrant, "active");
    });

    it("preview.yml and drift.yml on the deployed pair: preview with the policy pack passes, the drift check finds none", async () => {
        for (const s of pair) {
            await runAction(ws, { ...STEP.preview, stack: s.stack });
            await runAction(ws, { ...STEP.drift, stack: s.stack });
        }
    });
});
