// The pack without the Pulumi engine: evaluates the same policy objects over the
// resources of a `pulumi stack export` (or `pulumi preview --json`, or a plan the
// program renders itself), building the very `args` CrossGuard would pass.
// Props are the resources' inputs, as the engine gives validateResource; stack
// policies get the same inputs, with parents and dependencies linked by URN.

import type {
    EnforcementLevel,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { policies as packPolicies } from "./policies";
import { normalizeNative } from "./lib/native";
import { ALL_POLICIES } from "./lib/policy-config";
import { prepareStackIndex, Res } from "./lib/stack-index";
import { decodeExportValue, hasUnreadableSecret, isRecord, rawProps } from "./lib/values";

/** One entry of `deployment.resources[]` in `pulumi stack export`. */
export interface ExportResource {
    urn: string;
    type: string;
    custom?: boolean;
    id?: string;
    parent?: string;
    provider?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    protect?: boolean;
    delete?: boolean;
    external?: boolean;
}

export interface Violation {
    policy: string;
    enforcementLevel: "mandatory" | "advisory" | "disabled";
    urn: string;
    message: string;
}

/** Per-policy config, as in `pulumi preview --policy-pack-config`: a level, or an object with one and the policy's own properties. */
export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

export interface EvaluateOptions {
    config?: Record<string, PolicyConfigEntry>;
    /** Policies to run; defaults to the pack's. */
    policies?: ReadonlyArray<ResourceValidationPolicy | StackValidationPolicy>;
    stackTags?: Record<string, string>;
    /** Level of a policy that declares none (CrossGuard's pack-level default). */
    defaultEnforcementLevel?: EnforcementLevel;
}

// Thrown by args.notApplicable() and caught right here, once per resource a policy
// finds nothing to judge on (every role, for the trust policies): not an Error,
// whose stack trace capture cost more than the policy itself.
class NotApplicableSignal {
    readonly message: string;
    constructor(readonly reason?: string) {
        this.message = reason ?? "not applicable";
    }
}

const throwNotApplicable = (reason?: string): never => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- a signal caught below, deliberately not an Error (see above)
    throw new NotApplicableSignal(reason);
};

const NO_TIMEOUTS = { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 };
// An export carries no ignoreChanges, aliases or additionalSecretOutputs: one frozen
// empty list for all of them, not three per resource.
const NONE = Object.freeze([]) as unknown as string[];

/** The URNs of `urns` that are in the stack, and their objects; the same array back when all are. */
function linkUrns(urns: unknown, byUrn: ReadonlyMap<string, PolicyResource>, linked: PolicyResource[]): string[] {
    if (!Array.isArray(urns)) {
        return [];
    }
    let kept: string[] | undefined;
    for (let i = 0; i < urns.length; i++) {
        const d = byUrn.get(urns[i] as string);
        if (d !== undefined) {
            linked.push(d);
            kept?.push(urns[i] as string);
        } else if (kept === undefined) {
            kept = (urns as string[]).slice(0, i);
        }
    }
    return kept ?? (urns as string[]);
}

function nameOf(urn: string): string {
    const i = urn.lastIndexOf("::");
    return i >= 0 ? urn.slice(i + 2) : urn;
}

type TypeMatcher = (resourceClass: { __pulumiType?: unknown; isInstance?: unknown }) => boolean;

// One matcher per type token, shared by every resource of that type.
const matchers = new Map<string, TypeMatcher>();
function typeMatcher(type: string): TypeMatcher {
    let is = matchers.get(type);
    if (!is) {
        is = (resourceClass) => typeof resourceClass?.__pulumiType === "string" && resourceClass.__pulumiType === type;
        matchers.set(type, is);
    }
    return is;
}

/** Resources CrossGuard would not ask validateResource about, or that are not this program's to judge. */
function skipForResourcePolicies(r: ExportResource): boolean {
    return r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:") || r.custom === false;
}

/**
 * The `PolicyResource` objects CrossGuard builds for validateStack, from export
 * entries: props from inputs (secrets decoded, unknowns kept), parent and
 * dependencies linked to the other objects by URN.
 */
export function toPolicyResources(resources: ReadonlyArray<ExportResource>): PolicyResource[] {
    return build(resources).policyResources;
}

// Pending deletions are leaving the stack, and read (external) resources belong to
// someone else: CrossGuard judges neither on a program's inputs.
function build(resources: ReadonlyArray<ExportResource>): { live: ExportResource[]; policyResources: PolicyResource[] } {
    const live = resources.filter((r) => !r.delete && !r.external);
    const byUrn = new Map<string, PolicyResource & { id?: string }>();
    const providers = new Map<string, PolicyProviderResource>();
    for (const r of live) {
        if (r.type.startsWith("pulumi:providers:")) {
            providers.set(r.urn, { type: r.type, props: (decodeExportValue(r.inputs ?? {}) as PolicyProviderResource["props"]) ?? {}, urn: r.urn, name: nameOf(r.urn) });
        }
    }
    const providerUrns: (string | undefined)[] = new Array(live.length);
    const out: (PolicyResource & { id?: string })[] = live.map((r, i) => {
        const props = decodeExportValue(r.inputs ?? {}) as PolicyResource["props"];
        const is = typeMatcher(r.type);
        const opts: PolicyResourceOptions = {
            protect: r.protect === true,
            ignoreChanges: NONE,
            aliases: NONE,
            customTimeouts: NO_TIMEOUTS,
            additionalSecretOutputs: NONE,
            parent: r.parent,
        };
        const res: PolicyResource & { id?: string } = {
            type: r.type,
            props,
            urn: r.urn,
            name: nameOf(r.urn),
            opts,
            dependencies: [],
            propertyDependencies: {},
            isType: is as PolicyResource["isType"],
            asType: ((cls: never) => (is(cls) ? props : undefined)) as PolicyResource["asType"],
        };
        if (typeof r.id === "string" && r.id !== "") {
            res.id = r.id;
        }
        // A provider reference is the provider's URN and ID, joined by "::".
        const providerUrn = typeof r.provider === "string" && r.provider.includes("::") ? r.provider.slice(0, r.provider.lastIndexOf("::")) : undefined;
        providerUrns[i] = providerUrn;
        const provider = providerUrn ? providers.get(providerUrn) : undefined;
        if (provider) {
            res.provider = provider;
        }
        byUrn.set(r.urn, res);
        return res;
    });
    // The stack policies' index wants each resource with URNs instead of links
    // (lib/stack-index.ts's toRes): build both here in one pass, and hand the index
    // over, instead of linking 10,000 resources only for toRes to unlink them again.
    const plain: Res[] = new Array(live.length);
    live.forEach((r, i) => {
        const res = out[i];
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) {
            res.parent = parent;
        }
        // The index keeps the export's own URN lists when every URN is in the stack.
        const depUrns = linkUrns(r.dependencies, byUrn, res.dependencies as PolicyResource[]);
        const propertyDependencies: Record<string, string[]> = {};
        const given = r.propertyDependencies ?? {};
        for (const k in given) {
            if (Object.prototype.hasOwnProperty.call(given, k)) {
                const linked: PolicyResource[] = [];
                propertyDependencies[k] = linkUrns(given[k], byUrn, linked);
                res.propertyDependencies[k] = linked;
            }
        }
        plain[i] = normalizeNative({
            urn: res.urn,
            type: res.type,
            name: res.name,
            props: rawProps(res.props),
            id: res.id,
            dependencies: depUrns,
            propertyDependencies,
            provider: providerUrns[i],
        });
    });
    prepareStackIndex(out, plain);
    return { live, policyResources: out };
}

/**
 * The resources of a stack export (`{deployment: {resources}}`), of its
 * `deployment` object, of `pulumi preview --json` (`{steps: [{newState}]}`), or a
 * bare array of resources. Accepts the JSON text or the parsed value.
 */
export function resourcesFromExport(exportJson: unknown): ExportResource[] {
    const parsed = typeof exportJson === "string" ? JSON.parse(exportJson) : exportJson;
    const pickResources = (v: unknown): unknown[] | undefined => {
        if (Array.isArray(v)) {
            return v;
        }
        if (!isRecord(v)) {
            return undefined;
        }
        if (isRecord(v.deployment)) {
            // A stack that was created and never deployed exports a deployment without resources.
            return v.deployment.resources === undefined || v.deployment.resources === null ? [] : pickResources(v.deployment);
        }
        if (Array.isArray(v.resources)) {
            return v.resources;
        }
        if (Array.isArray(v.steps)) {
            return v.steps.filter((s): s is Record<string, unknown> => isRecord(s) && s.op !== "delete" && s.op !== "discard" && isRecord(s.newState)).map((s) => s.newState);
        }
        return undefined;
    };
    const list = pickResources(parsed);
    if (!list) {
        throw new Error("Not a stack export: expected {deployment: {resources: [...]}}, {resources: [...]}, {steps: [...]} (pulumi preview --json) or an array of resources.");
    }
    return list.filter((r): r is ExportResource => isRecord(r) && typeof r.urn === "string" && typeof r.type === "string");
}

const levelIn = (entry: PolicyConfigEntry | undefined) => (typeof entry === "string" ? entry : entry?.enforcementLevel);

/** A policy's level: its own entry, else the `all` entry, else its default (Pulumi's ReconcilePolicyPackConfig). */
function levelOf(policy: { name: string; enforcementLevel?: EnforcementLevel }, options: EvaluateOptions): Violation["enforcementLevel"] {
    const configured = levelIn(options.config?.[policy.name]) ?? levelIn(options.config?.[ALL_POLICIES]);
    const level = configured ?? policy.enforcementLevel ?? options.defaultEnforcementLevel ?? "advisory";
    return level === "remediate" ? "mandatory" : level;
}

function configOf(name: string, options: EvaluateOptions): Record<string, unknown> {
    const entry = options.config?.[name];
    if (entry === undefined || typeof entry === "string") {
        return {};
    }
    const { enforcementLevel: _level, ...rest } = entry;
    return rest;
}

function settle(result: unknown, policy: string): void {
    if (result instanceof Promise) {
        throw new Error(`Policy ${policy} is asynchronous; the offline checker runs synchronous policies only.`);
    }
}

const SKIP = Symbol("no resource");

// What `pulumi preview --json` writes (display.PreviewDigest; every field omitempty).
const PREVIEW_KEYS = ["config", "steps", "diagnostics", "duration", "changeSummary", "maybeCorrupt"];

/**
 * Why a parsed file is not what `pulumi stack export` or `pulumi preview --json`
 * writes, or undefined when it is: a `{deployment}` whose resources (absent for a
 * stack never deployed) each have a `urn` and a `type`, or a preview digest. The
 * API takes more shapes (a bare resource list, a deployment); a file given to the
 * command line must be one of these two.
 */
export function exportShapeProblem(parsed: unknown): string | undefined {
    if (!isRecord(parsed)) {
        return `it is ${Array.isArray(parsed) ? "a JSON array" : parsed === null ? "null" : `a JSON ${typeof parsed}`}, not a stack export ({"version", "deployment"}) or a preview ({"steps", …})`;
    }
    // `pick` finds the resource in an entry; SKIP for an entry that holds none (a preview's delete step).
    const entries = (list: unknown, where: string, pick: (x: Record<string, unknown>) => unknown): string | undefined => {
        if (!Array.isArray(list)) {
            return `${where} is not a list`;
        }
        for (let i = 0; i < list.length; i++) {
            const r = isRecord(list[i]) ? pick(list[i] as Record<string, unknown>) : undefined;
            if (r === SKIP) {
                continue;
            }
            if (!isRecord(r) || typeof r.urn !== "string" || typeof r.type !== "string") {
                return `${where}[${i}] is not a resource with a "urn" and a "type"`;
            }
        }
        return undefined;
    };
    if ("deployment" in parsed) {
        const d = parsed.deployment;
        if (!isRecord(d)) {
            return `its "deployment" is ${JSON.stringify(d)}, not an object`;
        }
        return d.resources === undefined || d.resources === null ? undefined : entries(d.resources, "deployment.resources", (x) => x);
    }
    const keys = Object.keys(parsed);
    if (keys.length > 0 && keys.every((k) => PREVIEW_KEYS.includes(k)) && (Array.isArray(parsed.steps) || "duration" in parsed || "changeSummary" in parsed)) {
        if (parsed.steps === undefined) {
            return undefined;
        }
        return entries(parsed.steps, "steps", (s) => (s.newState === undefined ? SKIP : s.newState));
    }
    return `it is an object without a "deployment" (its keys: ${keys.slice(0, 5).join(", ") || "none"}${keys.length > 5 ? ", …" : ""}), so not a stack export, nor a preview`;
}

/** Run the policies over resources, as CrossGuard would over a preview with these inputs. */
export function evaluateResources(resources: ReadonlyArray<ExportResource>, options: EvaluateOptions = {}): Violation[] {
    const { live, policyResources } = build(resources);
    const stackUrn = live.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
    const stackTags: ReadonlyMap<string, string> = new Map(Object.entries(options.stackTags ?? {}));
    const forResources = policyResources.filter((_, i) => !skipForResourcePolicies(live[i]));
    const violations: Violation[] = [];
    for (const policy of options.policies ?? packPolicies) {
        const enforcementLevel = levelOf(policy, options);
        if (enforcementLevel === "disabled") {
            continue;
        }
        const config = configOf(policy.name, options);
        const getConfig = <T extends object>() => config as T;
        if ("validateStack" in policy && typeof policy.validateStack === "function") {
            const args: StackValidationArgs = { resources: policyResources, stackTags, getConfig, notApplicable: throwNotApplicable };
            try {
                settle(
                    policy.validateStack(args, (message, urn) => violations.push({ policy: policy.name, enforcementLevel, urn: urn ?? stackUrn, message })),
                    policy.name,
                );
            } catch (e) {
                if (!(e instanceof NotApplicableSignal)) {
                    throw new Error(`Policy ${policy.name} failed on the stack: ${(e as Error).message}`);
                }
            }
        }
        if ("validateResource" in policy && policy.validateResource !== undefined) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const r of forResources) {
                const args: ResourceValidationArgs = {
                    type: r.type,
                    props: r.props,
                    urn: r.urn,
                    name: r.name,
                    opts: r.opts,
                    provider: r.provider,
                    stackTags,
                    isType: r.isType,
                    asType: r.asType as ResourceValidationArgs["asType"],
                    getConfig,
                    notApplicable: throwNotApplicable,
                };
                for (const validate of validations) {
                    try {
                        settle(
                            validate(args, (message) => violations.push({ policy: policy.name, enforcementLevel, urn: r.urn, message })),
                            policy.name,
                        );
                    } catch (e) {
                        if (!(e instanceof NotApplicableSignal)) {
                            throw new Error(`Policy ${policy.name} failed on ${r.urn}: ${(e as Error).message}`);
                        }
                    }
                }
            }
        }
    }
    return violations;
}

/** Is this the export of a deployed stack (`pulumi stack export`), not a preview? */
function isDeploymentExport(exportJson: unknown): boolean {
    const parsed = typeof exportJson === "string" ? JSON.parse(exportJson) : exportJson;
    return isRecord(parsed) && isRecord(parsed.deployment);
}

const UNDECIDED_POLICY = "s3-transfer-preview-undecided";

/**
 * A deployed stack's values are all known; what the policies could not read in its
 * export are its secrets, encrypted because the export was made without
 * --show-secrets. Say that, instead of "unknown until apply ... pulumi up will
 * enforce them", which is true of a preview only.
 */
function explainSecrets(parsed: unknown, resources: ReadonlyArray<ExportResource>, violations: Violation[]): Violation[] {
    if (!isDeploymentExport(parsed) || !resources.some((r) => hasUnreadableSecret(r.inputs))) {
        return violations;
    }
    return violations.map((v) =>
        v.policy !== UNDECIDED_POLICY
            ? v
            : {
                  ...v,
                  message: v.message
                      .replace(
                          /^Preview could not decide (\d+) mandatory check\(s\); pulumi up will enforce them on the real values:/,
                          "This export of a deployed stack could not decide $1 mandatory check(s) because it holds secret values it does not show (exported without --show-secrets). Export it again with `pulumi stack export --show-secrets --file <file>` and check that file:",
                      )
                      .split("unknown until apply")
                      .join("a secret this export does not show"),
              },
    );
}

/** What a check of one export judged, and what it found. */
export interface ExportCheck {
    /** Resources in the export (pending deletions and read resources excluded). */
    resources: number;
    /** Of those, the ones the policies judge: not the stack, providers or components. */
    judged: number;
    violations: Violation[];
}

/** Like evaluateExport, with the count of resources judged (zero tells an empty export from a clean one). */
export function checkExport(exportJson: unknown, options: EvaluateOptions = {}): ExportCheck {
    const all = resourcesFromExport(exportJson);
    const live = all.filter((r) => !r.delete && !r.external);
    return { resources: live.length, judged: live.filter((r) => !skipForResourcePolicies(r)).length, violations: explainSecrets(exportJson, all, evaluateResources(all, options)) };
}

/** Run the policies over a `pulumi stack export` (or preview JSON, or a resource array). */
export function evaluateExport(exportJson: unknown, options: EvaluateOptions = {}): Violation[] {
    const resources = resourcesFromExport(exportJson);
    return explainSecrets(exportJson, resources, evaluateResources(resources, options));
}

/** Names and default levels of the pack's policies (for tools and docs). */
export function packPolicyList(): { name: string; enforcementLevel: EnforcementLevel; description: string }[] {
    return packPolicies.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel ?? "advisory", description: p.description }));
}
