/**
 * The offline plan (`npm run plan`, the program under Pulumi's mocks) against the engine: for
 * every root stack and every example, the resources (URN, type), inputs and outputs the engine
 * records after `pulumi up` against the stand-in provider equal what the plan gives for the same
 * config and the same counterpart outputs. So the emulation cannot drift from the engine
 * unnoticed (how the engine serializes inputs, applies Pulumi.yaml's declarations, resolves
 * stack references, names URNs).
 *
 * KMS key IDs: AWS draws a key's ID when it creates the key, and so does the stand-in provider;
 * the offline plan can only give a recognisable stand-in (infra/contract/assigned.ts), which the
 * program treats as "not known before the first up" (the hand-off sheet says so instead of
 * showing an ARN). So the plan compared here is the plan of the deployed stack: the same
 * program under the same mocks, with each stand-in key ID replaced by the ID the engine's key
 * got, as if planned after the up that created the keys. Everything else is compared as is.
 */
import * as assert from "assert";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import * as pulumi from "@pulumi/pulumi";
import { isStandIn } from "../../infra/contract/assigned";
import { PlanMocks } from "../../tools/plan/mocks";
import { planProjectStack } from "../../tools/plan/project";
import { PROJECT_ROOT } from "../../tools/root";
import { EngineWorkspace, ExportedResource, requireEngine } from "./harness";
import { deployGroups, exampleStacks, referencedStacks, rootStacks, StackSource } from "./stacks";

const KMS_KEY = "aws:kms/key:Key";

/**
 * `planProjectStack` with the keys AWS created: each KMS key the mocks create under a name in
 * `keyIds` gets that ID (and the ARN ending with it) in place of the stand-in.
 */
async function planAsDeployed(options: Parameters<typeof planProjectStack>[0], keyIds: Map<string, string>): ReturnType<typeof planProjectStack> {
    const newResource = PlanMocks.prototype.newResource;
    PlanMocks.prototype.newResource = function (this: PlanMocks, args: pulumi.runtime.MockResourceArgs) {
        const result = newResource.call(this, args) as { id: string; state: Record<string, unknown> };
        const assigned = args.type === KMS_KEY ? keyIds.get(args.name) : undefined;
        if (assigned) {
            // The same object the mocks keep for the plan's record of the resource.
            for (const [key, value] of Object.entries(result.state)) if (typeof value === "string") result.state[key] = value.split(result.id).join(assigned);
            result.id = assigned;
        }
        return result;
    };
    try {
        return await planProjectStack(options);
    } finally {
        PlanMocks.prototype.newResource = newResource;
    }
}

/** The engine's marker for a secret value in an export with --show-secrets (pkg/resource/stack/deployment.go). */
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Values as a program sees them: secrets unwrapped (the engine shows them as {sig, plaintext}, the mocks as {sig, value}). */
function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIGNATURE) return plain("plaintext" in record ? JSON.parse(String(record.plaintext)) : record.value);
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

/**
 * What both record of a resource. Providers: the engine adds the plugin's `version` to their
 * inputs and gives them a random ID, neither of which the program sets.
 */
function comparable(r: { urn: string; type: string; custom: boolean; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }) {
    const provider = r.type.startsWith("pulumi:providers:");
    const inputs = { ...(plain(r.inputs ?? {}) as Record<string, unknown>) };
    if (provider) {
        delete inputs.version;
        delete inputs.__internal;
    }
    return { urn: r.urn, type: r.type, inputs, outputs: provider ? undefined : plain(r.outputs ?? {}) };
}

describe("engine: the offline plan gives what the engine records", function () {
    this.timeout(30 * 60_000);
    // The root stacks are one team's stacks and live side by side; each example is an
    // alternative setup (several use the same account and names), so each group of examples that
    // reference each other (a pair) gets a cloud of its own.
    const groups: StackSource[][] = [deployGroups(rootStacks()).flat(), ...deployGroups(exampleStacks())];
    const workspaces: EngineWorkspace[] = [];

    before(function () {
        requireEngine(this);
    });
    after(() => workspaces.forEach((ws) => ws.dispose()));

    for (const group of groups) {
        let ws: EngineWorkspace;
        const deployed = new Set<string>();
        /** Deploys a stack once, in the order of the group: a stack referenced before its turn reads as created, not deployed. */
        async function deploy(source: StackSource): Promise<void> {
            if (!ws) {
                ws = await EngineWorkspace.create();
                workspaces.push(ws);
                for (const s of group) {
                    ws.useConfig(s.stack, s.file);
                    await ws.initStack(s.stack);
                }
            }
            deployed.add(source.stack);
            const run = await ws.up(source.stack);
            assert.strictEqual(run.status, 0, run.output);
        }

        for (const source of group) {
            it(`${source.file}: same resources, inputs and outputs`, async () => {
                await deploy(source);
                const stackOutputs: Record<string, Record<string, unknown>> = {};
                for (const stack of referencedStacks(source)) stackOutputs[ws.qualified(stack)] = deployed.has(stack) ? await ws.outputs(stack) : {};
                const exported = await ws.exportStack(source.stack);
                const keys = (exported.deployment.resources ?? []).filter((r) => r.type === KMS_KEY);
                for (const key of keys) assert.ok(!isStandIn(String(key.id)), `${key.urn}: the engine's key has an ID AWS would assign, not the plan's stand-in (${key.id})`);
                const keyIds = new Map(keys.map((r) => [r.urn.split("::").pop() as string, String(r.id)]));
                const { plan } = await planAsDeployed({ stack: source.stack, configFile: path.join(PROJECT_ROOT, source.file), stackOutputs }, keyIds);
                const engine = (exported.deployment.resources ?? []).filter((r: ExportedResource) => r.type !== "pulumi:providers:pulumi").map(comparable);
                const planned = plan.resources.map((r) => comparable(r.type === "pulumi:pulumi:Stack" ? { ...r, outputs: plan.outputs } : r));
                const urns = (list: { urn: string }[]) => list.map((r) => r.urn).sort();
                assert.deepStrictEqual(urns(engine), urns(planned), "the same URNs");
                const plannedByUrn = new Map(planned.map((r) => [r.urn, r]));
                const differing = engine.filter((r) => !isDeepStrictEqual(r, plannedByUrn.get(r.urn)));
                for (const r of differing) assert.deepStrictEqual(r, plannedByUrn.get(r.urn), `${r.urn} (and ${differing.length - 1} more) differ`);
                assert.deepStrictEqual(plain(await ws.outputs(source.stack)), plain(plan.outputs));
            });
        }
    }
});
