/**
 * Runs the real program under Pulumi's mocks and records every registered
 * resource in the shape of `pulumi stack export`, so that tools written for
 * real exports (the policy pack's offline checker among them) read a plan.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlanMocks, StackOutputsByName } from "./mocks";
import { configKey } from "../../infra/config/keys";

/** One resource, as in `pulumi stack export`'s `deployment.resources[]`. */
export interface PlannedResource {
    urn: string;
    type: string;
    custom: boolean;
    id?: string;
    parent?: string;
    provider?: string;
    external?: boolean;
    protect?: boolean;
    retainOnDelete?: boolean;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

export interface Plan {
    project: string;
    stack: string;
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
    /** What the program warned about (pending hand-overs and the like). */
    warnings: string[];
    /** Stack references read, and whether each resolved to outputs. */
    stackReferences: { name: string; resolved: boolean }[];
}

/** What `pulumi.getOrganization()` answers in a self-managed (DIY) backend, and in a plan unless told otherwise. */
export const DIY_ORGANIZATION = "organization";

export interface PlanRequest {
    project: string;
    stack: string;
    /** The backend's organization, as `pulumi.getOrganization()` returns it. Default: `organization`. */
    organization?: string;
    /** Flat config as the Pulumi CLI hands it to a program: `ns:key` -> text (objects as JSON). */
    config: Record<string, string>;
    /** Outputs of the stacks the program may reference. */
    stackOutputs: StackOutputsByName;
    /** The program: resolves to the stack's outputs. */
    program: () => Promise<Record<string, unknown> | object>;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom?(): boolean;
    getProvider(): string;
    getProtect?(): boolean;
    getRetainondelete?(): boolean;
    getObject?(): unknown;
    getProperties?(): unknown;
    getDependenciesList?(): string[];
    getPropertydependenciesMap?(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
}

type Callback = (err: unknown, response?: { getUrn(): string; getId?(): string }) => void;
type MonitorMethod = (req: RegisterRequest, callback: Callback) => unknown;

const runtime = pulumi.runtime as typeof pulumi.runtime & { waitForRPCs(): Promise<void> };

/** Runs a program to completion offline. One at a time: Pulumi's runtime state is process-global. */
export async function runPlan(request: PlanRequest): Promise<Plan> {
    const mocks = new PlanMocks({
        accountId: request.config[configKey("accountId")] ?? "000000000000",
        defaultRegion: request.config["aws:region"] ?? "us-east-1",
        stackOutputs: request.stackOutputs,
    });
    await pulumi.runtime.setMocks(mocks, request.project, request.stack, false, request.organization ?? DIY_ORGANIZATION);
    pulumi.runtime.setAllConfig(request.config);

    const resources: PlannedResource[] = [];
    const monitor = runtime.getMonitor() as unknown as Record<"registerResource" | "readResource", MonitorMethod> & { newUrn(parent: string, type: string, name: string): string };
    // URNs as the engine forms them: a child's type is qualified by its parent's whole qualified
    // type, and not by the root stack's (pulumi/pulumi sdk/go/common/resource/urn/urn.go, New, fed
    // parent.QualifiedType() by pkg/resource/deploy/source_eval.go). The mock monitor qualifies by
    // the parent's last type only, root stack included, which no deployed stack ever records.
    monitor.newUrn = (parent, type, name) => {
        const parentType = parent ? parent.split("::")[2] : "";
        const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
        return `urn:pulumi:${request.stack}::${request.project}::${qualified}::${name}`;
    };
    const record = (external: boolean) => (req: RegisterRequest, urn: string) => {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap?.().forEach((value, key) => {
            propertyDependencies[key] = value.getUrnsList();
        });
        const struct = (external ? req.getProperties?.() : req.getObject?.()) as Parameters<typeof pulumi.runtime.deserializeProperties>[0] | undefined;
        const registered = mocks.statesByTypeAndName.get(`${req.getType()}::${req.getName()}`);
        resources.push({
            urn,
            type: req.getType(),
            // A read resource (a StackReference) is always custom.
            custom: external || (req.getCustom?.() ?? false),
            ...(registered?.id ? { id: registered.id } : {}),
            ...(req.getParent() ? { parent: req.getParent() } : {}),
            ...(req.getProvider() ? { provider: req.getProvider() } : {}),
            ...(external ? { external: true } : {}),
            ...(req.getProtect?.() ? { protect: true } : {}),
            ...(req.getRetainondelete?.() ? { retainOnDelete: true } : {}),
            inputs: struct ? pulumi.runtime.deserializeProperties(struct) : {},
            outputs: registered?.state ?? {},
            dependencies: req.getDependenciesList?.() ?? [],
            propertyDependencies,
        });
    };
    for (const [method, external] of [
        ["registerResource", false],
        ["readResource", true],
    ] as const) {
        const original = monitor[method].bind(monitor);
        const recordOne = record(external);
        monitor[method] = (req, callback) =>
            original(req, (err, response) => {
                if (!err && response) recordOne(req, response.getUrn());
                callback(err, response);
            });
    }

    // A component's registerOutputs is its recorded outputs, as in the engine's state.
    const monitorOutputs = monitor as unknown as Record<"registerResourceOutputs", (req: { getUrn(): string; getOutputs(): unknown }, callback: Callback) => unknown>;
    const registerResourceOutputs = monitorOutputs.registerResourceOutputs.bind(monitor);
    monitorOutputs.registerResourceOutputs = (req, callback) =>
        registerResourceOutputs(req, (err, response) => {
            const resource = err ? undefined : resources.find((r) => r.urn === req.getUrn());
            const struct = req.getOutputs() as Parameters<typeof pulumi.runtime.deserializeProperties>[0] | undefined;
            if (resource && !resource.custom && struct) resource.outputs = pulumi.runtime.deserializeProperties(struct);
            callback(err, response);
        });

    // Pulumi captures a stack trace for every resource and promise (source positions for the
    // engine); under ts-node each capture goes through source-map-support, which was most of a
    // plan's time. A plan has no engine to report positions to, so V8's own formatting serves.
    // Traces are formatted lazily, so an error read after the run is still source-mapped.
    const prepareStackTrace = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    // The SDK also formats a stack for every promise it makes (`new Error().stack`, kept for its
    // leak report: runtime/debuggable.ts), ten frames each by default: a third of a plan's CPU. One
    // frame keeps where an error was made, which is all a plan's messages name.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    // Without an engine, pulumi.log.warn writes "warning: [runtime] ..." to console.warn.
    console.warn = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        if (text.startsWith("warning: [runtime] ")) warnings.push(text.slice("warning: [runtime] ".length));
        else consoleWarn(...args);
    };
    // A failed resource read (a reference to a stack that does not exist) also rejects promises the
    // program never awaits; the Pulumi language host fails the update on those. The plan does the
    // same: it holds them while it runs and fails with the first, instead of leaking them to the
    // process (or to the test runner) after the plan has returned.
    const rejections: unknown[] = [];
    const listeners = process.listeners("unhandledRejection");
    const hold = (reason: unknown) => rejections.push(reason);
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", hold);
    try {
        const outputs = (await runtime.runInPulumiStack(async () => request.program()).finally(() => new Promise((resolve) => setImmediate(resolve)))) ?? {};
        if (rejections.length) throw rejections[0];
        await runtime.waitForRPCs();
        const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack");
        if (stackResource) stackResource.outputs = outputs as Record<string, unknown>;
        return {
            project: request.project,
            stack: request.stack,
            resources,
            outputs: outputs as Record<string, unknown>,
            warnings,
            stackReferences: mocks.stackReferencesRead,
        };
    } catch (err) {
        // Let the promises that rejected with this error settle, so none surfaces after the plan.
        await new Promise((resolve) => setImmediate(resolve));
        throw err;
    } finally {
        process.removeListener("unhandledRejection", hold);
        for (const listener of listeners) process.on("unhandledRejection", listener);
        console.warn = consoleWarn;
        Error.prepareStackTrace = prepareStackTrace;
        Error.stackTraceLimit = stackTraceLimit;
    }
}

/** The plan in the format of `pulumi stack export`. */
export function toStackExport(plan: Plan): { version: 3; deployment: { manifest: Record<string, string>; resources: PlannedResource[] } } {
    return {
        version: 3,
        deployment: {
            manifest: { time: new Date(0).toISOString(), magic: "offline-plan", version: "offline-plan" },
            resources: plan.resources,
        },
    };
}
