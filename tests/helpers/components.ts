/**
 * Builds one ComponentResource alone as the program, under the planner's mocks
 * (`tools/plan/engine.ts`: every resource recorded, unmocked types and calls
 * throw), and records the outputs each component registers, so that a test
 * can assert exactly what the component registers and nothing else.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Plan, PlannedResource, runPlan } from "../../tools/plan/engine";
import { serially } from "./plans";

/** The account and region the mocks answer for. */
export const TEST_ACCOUNT_ID = "111122223333";
export const TEST_REGION = "eu-west-2";
export const TEST_PARTITION = "aws";

export interface ComponentBuild<C> {
    /** The component the program built. Its outputs have resolved by the time the build returns. */
    component: C;
    /** The whole run: the stack, the default provider and the component's tree. */
    plan: Plan;
    /** The component and every resource under it, in registration order. */
    resources: PlannedResource[];
    /** What each component passed to `registerOutputs`, by URN. */
    registeredOutputs: Map<string, Record<string, unknown>>;
}

interface RegisterOutputsRequest {
    getUrn(): string;
    getOutputs(): Parameters<typeof pulumi.runtime.deserializeProperties>[0] | undefined;
}
type RegisterOutputsMethod = (req: RegisterOutputsRequest, callback: (err: unknown, response?: unknown) => void) => unknown;

/**
 * Runs `build` as the whole program, after every other plan of the process
 * (Pulumi's mocks are process-global), and returns what it registered.
 */
export function buildAlone<C extends pulumi.Resource>(build: () => C): Promise<ComponentBuild<C>> {
    return serially(async () => {
        const registeredOutputs = new Map<string, Record<string, unknown>>();
        let component: C | undefined;
        const plan = await runPlan({
            project: "components",
            stack: "test",
            config: { "s3-transfer:accountId": TEST_ACCOUNT_ID, "aws:region": TEST_REGION },
            stackOutputs: {},
            program: () => {
                // runPlan has just installed the mocks' monitor; watch its registerResourceOutputs for this run.
                const monitor = (pulumi.runtime as unknown as { getMonitor(): Record<"registerResourceOutputs", RegisterOutputsMethod> }).getMonitor();
                const original = monitor.registerResourceOutputs.bind(monitor);
                monitor.registerResourceOutputs = (req, callback) => {
                    const outputs = req.getOutputs();
                    registeredOutputs.set(req.getUrn(), outputs ? pulumi.runtime.deserializeProperties(outputs) : {});
                    return original(req, callback);
                };
                component = build();
                return Promise.resolve({});
            },
        });
        assert.ok(component, "the program built no component");
        const root = await promiseOf(component.urn);
        return { component, plan, resources: subtree(plan.resources, root), registeredOutputs };
    });
}

/** The value of an output, once the run has resolved it. */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) =>
        pulumi.output(output).apply((value) => {
            resolve(value as T);
            return value;
        }),
    );
}

function subtree(resources: PlannedResource[], rootUrn: string): PlannedResource[] {
    const inTree = new Set([rootUrn]);
    return resources.filter((r) => {
        if (r.urn === rootUrn || (r.parent && inTree.has(r.parent))) {
            inTree.add(r.urn);
            return true;
        }
        return false;
    });
}

/** A resource's name, the last part of its URN. */
export function nameOf(r: PlannedResource): string {
    return r.urn.split("::").pop() as string;
}

/** `type name`, how the tree below names a resource. */
export function idOf(r: PlannedResource): string {
    return `${r.type} ${nameOf(r)}`;
}

/**
 * The component's tree as plain rows, for one exact assertion of every
 * resource it registers: type, name, parent, and whether it is kept. Sorted:
 * resources register as their inputs resolve, so their order is not the code's.
 */
export function treeOf(build: ComponentBuild<unknown>): string[] {
    const byUrn = new Map(build.resources.map((r) => [r.urn, r]));
    return build.resources
        .map((r) => {
            const parent = r.parent ? byUrn.get(r.parent) : undefined;
            const flags = [r.protect ? "protect" : "", r.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean).join(" ");
            return `${idOf(r)}${parent ? ` < ${idOf(parent)}` : ""}${flags ? ` [${flags}]` : ""}`;
        })
        .sort();
}

/** Asserts the component's tree is exactly these rows, in any order. */
export function assertTree(build: ComponentBuild<unknown>, expected: string[]): void {
    assert.deepStrictEqual(treeOf(build), [...expected].sort());
}

/** The resources directly under `parent` (the build's component by default), as `type name`, sorted. */
export function childrenOf(build: ComponentBuild<unknown>, parent: PlannedResource = build.resources[0]): string[] {
    return build.resources
        .filter((r) => r.parent === parent.urn)
        .map(idOf)
        .sort();
}

/** The one resource of the tree with this type and name. */
export function resource(build: ComponentBuild<unknown>, type: string, name: string): PlannedResource {
    const found = build.resources.filter((r) => r.type === type && nameOf(r) === name);
    assert.strictEqual(found.length, 1, `expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
}

/** What the component at the root of the build passed to `registerOutputs`. */
export function outputsRegisteredBy(build: ComponentBuild<unknown>, r: PlannedResource = build.resources[0]): Record<string, unknown> {
    const outputs = build.registeredOutputs.get(r.urn);
    assert.ok(outputs, `${r.urn} registered no outputs`);
    return outputs;
}

/** A JSON policy input, parsed. */
export function policyOf(r: PlannedResource, input = "policy"): unknown {
    const value = r.inputs[input];
    assert.strictEqual(typeof value, "string", `${r.urn} ${input} must be a JSON string`);
    return JSON.parse(value as string);
}
