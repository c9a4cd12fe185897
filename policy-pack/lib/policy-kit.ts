// How a policy is written here: a pure `evaluate` that returns one decision per
// subject (compliant, violation, undecided, not applicable), wrapped into the
// object CrossGuard expects. The offline checker calls the very same wrapped
// object, and tests call `evaluate` to assert each decision.

import type {
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { oncePer } from "./once";
import { Res, StackIndex, stackIndexFor, toRes } from "./stack-index";

export type { ReportViolation, ResourceValidationArgs, StackValidationArgs };

export type Outcome = "compliant" | "violation" | "undecided" | "not-applicable";

export interface Decision {
    outcome: Outcome;
    /** The resource the decision is about (reported against it). */
    urn: string;
    message: string;
}

// Messages often open with a label ("bucket \"x\" ..."); they read as sentences.
// Thousands of decisions a run, most of them never shown: only a lower-case ASCII
// first letter is rewritten.
const sentence = (m: string) => {
    const c = m.charCodeAt(0);
    return c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 0x20) + m.slice(1) : m;
};

export const compliant = (urn: string, message: string): Decision => ({ outcome: "compliant", urn, message: sentence(message) });
export const violation = (urn: string, message: string): Decision => ({ outcome: "violation", urn, message: sentence(message) });
export const undecided = (urn: string, message: string): Decision => ({ outcome: "undecided", urn, message: sentence(message) });
export const notApplicable = (urn: string, message: string): Decision => ({ outcome: "not-applicable", urn, message: sentence(message) });

interface Common<C extends object> {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /** Defaults for every config property; getConfig() values override them. */
    defaults: C;
    configSchema?: PolicyConfigSchema;
    remediationSteps?: string;
    severity?: "low" | "medium" | "high" | "critical";
}

export interface TransferStackPolicy<C extends object = object> extends StackValidationPolicy {
    kind: "stack";
    defaults: C;
    evaluate(index: StackIndex, config: C): Decision[];
}

export interface TransferResourcePolicy<C extends object = object> extends ResourceValidationPolicy {
    kind: "resource";
    defaults: C;
    /** Type tokens the policy applies to. */
    types: readonly string[];
    evaluate(resource: Res, config: C): Decision[];
}

// Each policy has its own config type, which evaluate() takes (a contravariant position): no type but any admits them all in one list.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyStackPolicy = TransferStackPolicy<any>;
export type TransferPolicy = AnyStackPolicy | TransferResourcePolicy<any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

function merged<C extends object>(defaults: C, given: object | undefined): C {
    const out = { ...defaults } as Record<string, unknown>;
    for (const [k, v] of Object.entries(given ?? {})) {
        if (v !== undefined && k !== "enforcementLevel") {
            out[k] = v;
        }
    }
    return out as C;
}

function report(decisions: Decision[], reportViolation: ReportViolation): boolean {
    let decided = false;
    for (const d of decisions) {
        if (d.outcome === "violation") {
            reportViolation(d.message, d.urn);
        }
        if (d.outcome !== "not-applicable") {
            decided = true;
        }
    }
    return decided;
}

// Undecided decisions per index and config: the preview-notes policy re-reads the
// mandatory policies' undecided checks, which the offline checker (one index for
// all policies) has already computed. Only those are kept: a stack's thousands of
// compliant decisions die young instead of living until the last policy. Keyed
// weakly on the index, so nothing outlives an evaluation.
const cacheFor = oncePer((_index: StackIndex) => new Map<string, Decision[]>());

const cacheKey = (policy: { name: string }, config: object) => `${policy.name}\u0000${JSON.stringify(config)}`;

/** A stack policy's decisions for this index and config (remembering its undecided ones). */
export function decisionsOf<C extends object>(policy: TransferStackPolicy<C>, index: StackIndex, config: C): Decision[] {
    const decisions = policy.evaluate(index, config);
    cacheFor(index).set(
        cacheKey(policy, config),
        decisions.filter((d) => d.outcome === "undecided"),
    );
    return decisions;
}

/** A stack policy's undecided decisions for this index and config, computed once. */
export function undecidedOf<C extends object>(policy: TransferStackPolicy<C>, index: StackIndex, config: C): Decision[] {
    const found = cacheFor(index).get(cacheKey(policy, config));
    return found ?? decisionsOf(policy, index, config).filter((d) => d.outcome === "undecided");
}

export function defineStackPolicy<C extends object>(spec: Common<C> & { evaluate(index: StackIndex, config: C): Decision[]; notApplicableReason: string }): TransferStackPolicy<C> {
    const { evaluate, notApplicableReason, defaults, ...rest } = spec;
    const policy: TransferStackPolicy<C> = {
        ...rest,
        kind: "stack",
        defaults,
        evaluate,
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const config = merged(defaults, args.getConfig<object>());
            const decisions = decisionsOf(policy, stackIndexFor(args.resources), config);
            if (!report(decisions, reportViolation)) {
                args.notApplicable(notApplicableReason);
            }
        },
    };
    return policy;
}

export function defineResourcePolicy<C extends object>(spec: Common<C> & { types: readonly string[]; evaluate(resource: Res, config: C): Decision[] }): TransferResourcePolicy<C> {
    const { evaluate, types, defaults, ...rest } = spec;
    const accepted = new Set(types);
    return {
        ...rest,
        kind: "resource",
        defaults,
        types,
        evaluate,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            // Other types are skipped without a not-applicable record: the engine asks
            // every policy about every resource, and one record per pair is noise.
            if (!accepted.has(args.type)) {
                return;
            }
            const config = merged(defaults, args.getConfig<object>());
            const res = toRes({ urn: args.urn, type: args.type, name: args.name, props: args.props });
            const decisions = evaluate(res, config);
            if (!report(decisions, reportViolation)) {
                const reason = decisions[0]?.message;
                args.notApplicable(reason);
            }
        },
    };
}

/** Short display of a list in messages. */
export function list(items: string[]): string {
    return items.map((i) => `"${i}"`).join(", ");
}
