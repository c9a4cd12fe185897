// The harness every policy's tests share: run a policy over a synthetic stack
// (fixtures.ts) the way the pack does, and assert what it decides. `forPolicy`
// binds it to one policy, so a policy's test file states only its cases.

import * as assert from "assert";
import type { Decision, Outcome, TransferPolicy } from "../../policy-pack/lib/policy-kit";
import { stackIndexFor, toRes } from "../../policy-pack/lib/stack-index";
import { evaluateResources, ExportResource, toPolicyResources, Violation } from "../../policy-pack/offline";

/** Decisions of one policy over the stack, the way the pack computes them. */
export function decide(policy: TransferPolicy, stack: ExportResource[], config: object = {}): Decision[] {
    const cfg = { ...policy.defaults, ...config };
    if (policy.kind === "stack") {
        return policy.evaluate(stackIndexFor(toPolicyResources(stack)), cfg);
    }
    return toPolicyResources(stack)
        .filter((r) => policy.types.includes(r.type))
        .flatMap((r) => policy.evaluate(toRes(r), cfg));
}

export function outcomes(decisions: Decision[]): Outcome[] {
    return decisions.map((d) => d.outcome);
}

/** Decisions with one outcome. */
export function only(decisions: Decision[], outcome: Outcome): Decision[] {
    return decisions.filter((d) => d.outcome === outcome);
}

/** Violations reported through the policy object itself (the CrossGuard path). */
export function reported(policy: TransferPolicy, stack: ExportResource[], config: Record<string, unknown> = {}): Violation[] {
    return evaluateResources(stack, { policies: [policy], config: { [policy.name]: config } });
}

/** Asserts every decision is compliant or not applicable, and at least one is compliant. */
export function assertAllCompliant(decisions: Decision[]): void {
    const bad = decisions.filter((d) => d.outcome === "violation" || d.outcome === "undecided");
    assert.deepStrictEqual(bad, [], "expected no violation or undecided decision");
    assert.ok(
        decisions.some((d) => d.outcome === "compliant"),
        "expected at least one compliant decision",
    );
}

/** Asserts exactly one violation, on this URN, whose message contains every fragment. */
export function assertOneViolation(decisions: Decision[], onUrn: string, ...fragments: string[]): Decision {
    const v = only(decisions, "violation");
    assert.strictEqual(v.length, 1, `expected exactly one violation, got ${JSON.stringify(v, null, 1)}`);
    assert.strictEqual(v[0].urn, onUrn);
    for (const f of fragments) {
        assert.ok(v[0].message.includes(f), `message should mention ${JSON.stringify(f)}: ${v[0].message}`);
    }
    assert.deepStrictEqual(only(decisions, "undecided"), [], "no undecided decision expected beside the violation");
    return v[0];
}

/** Asserts no violation and at least one undecided decision on this URN. */
export function assertUndecided(decisions: Decision[], onUrn: string): void {
    assert.deepStrictEqual(only(decisions, "violation"), [], "an unknown value must not raise a violation");
    assert.ok(
        only(decisions, "undecided").some((d) => d.urn === onUrn),
        `expected an undecided decision on ${onUrn}, got ${JSON.stringify(decisions, null, 1)}`,
    );
}

/** The outcomes of the decisions on one URN. */
export function outcomesOn(decisions: Decision[], onUrn: string): Outcome[] {
    return outcomes(decisions.filter((d) => d.urn === onUrn));
}

/** A named way to build a stack, for a table of cases. */
export type Form = readonly [string, () => ExportResource[]];

/** One policy's harness: the functions above with the policy bound. */
export interface PolicyHarness {
    /** The policy's decisions over the stack, with `config` over its defaults. */
    decide(stack: ExportResource[], config?: object): Decision[];
    /** Violations through the policy object itself (the CrossGuard path). */
    reported(stack: ExportResource[], config?: Record<string, unknown>): Violation[];
    /** Asserts every decision over the stack is compliant or not applicable, and one at least compliant. */
    compliant(stack: ExportResource[], config?: object): void;
    /** Asserts exactly one violation over the stack, on this URN, whose message contains every fragment. */
    violation(stack: ExportResource[], onUrn: string, ...fragments: string[]): Decision;
    /** Asserts no violation over the stack and an undecided decision on this URN. */
    undecided(stack: ExportResource[], onUrn: string): void;
    /** Declares one test a form, each expecting every decision compliant. */
    itIsCompliantIn(forms: ReadonlyArray<Form>): void;
}

export function forPolicy(policy: TransferPolicy): PolicyHarness {
    const bound = (stack: ExportResource[], config?: object) => decide(policy, stack, config);
    return {
        decide: bound,
        reported: (stack, config) => reported(policy, stack, config),
        compliant: (stack, config) => assertAllCompliant(bound(stack, config)),
        violation: (stack, onUrn, ...fragments) => assertOneViolation(bound(stack), onUrn, ...fragments),
        undecided: (stack, onUrn) => assertUndecided(bound(stack), onUrn),
        itIsCompliantIn: (forms) => {
            for (const [name, build] of forms) {
                it(name, () => assertAllCompliant(bound(build())));
            }
        },
    };
}
