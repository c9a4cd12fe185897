/**
 * The order in which a group of stacks converges, and when it stops; every
 * effect goes through a PairWorkspace (tools/converge/workspace.ts).
 *
 * 1. Create every missing stack of the group before any `up`: a stack reference
 *    to a stack that does not exist fails the update (`unknown stack`), and a
 *    created, never-deployed stack reads as empty outputs, which the program
 *    treats as pending.
 * 2. Deploy each stack in the group's order. Every `up` is held to an update plan
 *    that a preview of exactly that update wrote just before, so nothing changes
 *    unless that preview (with the policy pack) succeeded: `pulumi up` through
 *    the Automation API runs with `--skip-preview`, and a plan is checked step by
 *    step, not before the first change (https://www.pulumi.com/docs/iac/concepts/update-plans/).
 *    On a stack's first `up`, when a reviewed plan (the pull request's preview)
 *    is given, the fresh plan must plan what the reviewed one planned; the
 *    reviewed plan is then the one applied. It may differ only when a stack it
 *    reads was deployed earlier in this run with other outputs and the stack
 *    itself has not been updated since the review: that difference is what the
 *    reviewed change of the other side implies, and it is reported. Anything else
 *    means reality moved since the review: stop, nothing of that stack changed.
 * 3. Deploy again, in order, each stack whose links to stacks it reads say
 *    `pending` while one of those stacks has been deployed since with other
 *    outputs; stop when no stack can change any more. A link still pending then
 *    never will be: a failure.
 * 4. Canary (each stack with an active link), then the Batch Replication job of
 *    each pre-production stack that turns `s3-transfer:batchTrustConditions` on.
 */
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { DeployGroup, InventoryStack } from "../stacks/inventory";
import { planDifferences, readUpdatePlan, UpdatePlan } from "./plan-file";
import { PairWorkspace } from "./workspace";

export interface ConvergeRequest {
    group: DeployGroup;
    /** The inventory's entries of the group's stacks. */
    stacks: InventoryStack[];
    /** Reviewed plans by stack (the pull request's `pulumi preview --save-plan`). */
    reviewedPlans: Map<string, string>;
    /** Where the fresh plans are written, one per `up`. */
    planDir: string;
    /** Stop after creating the missing stacks. */
    createOnly: boolean;
    canary: boolean;
    /** The stack name the tools take (`<org>/<stack>` or `<stack>`). */
    qualifiedName: (stack: string) => string;
}

export interface ConvergeDeps {
    workspace: PairWorkspace;
    /** A line of the converge log (what was done and why). */
    log: (line: string) => void;
    readPlan?: (file: string) => UpdatePlan;
}

/** A stop with its exit status: 1 something failed or would not converge. */
export class ConvergeStop extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConvergeStop";
    }
}

type Outputs = Record<string, unknown>;

interface LinkOutputs {
    replication?: unknown;
    ingressGrant?: unknown;
}

function linksOf(outputs: Outputs): Record<string, LinkOutputs> {
    const links = outputs.links;
    return links !== null && typeof links === "object" ? (links as Record<string, LinkOutputs>) : {};
}

/** The links of a stack that wait for the other side, with what waits. */
function pendingLinks(outputs: Outputs, counterparts: string[]): string[] {
    const links = linksOf(outputs);
    return counterparts.flatMap((name) => {
        const link = links[name];
        if (!link) return [`${name} (no link in the outputs)`];
        const waiting = [link.replication === "pending" ? "replication" : "", link.ingressGrant === "pending" ? "ingress grant" : ""].filter(Boolean);
        return waiting.length ? [`${name} (${waiting.join(" and ")} pending)`] : [];
    });
}

function activeLinks(outputs: Outputs): string[] {
    return Object.entries(linksOf(outputs))
        .filter(([, link]) => link.replication === "active")
        .map(([name]) => name)
        .sort();
}

export async function converge(request: ConvergeRequest, deps: ConvergeDeps): Promise<void> {
    const { workspace, log } = deps;
    const readPlan = deps.readPlan ?? readUpdatePlan;
    const order = request.group.stacks;
    const entry = (stack: string) => request.stacks.find((s) => s.name === stack)!;
    /** The counterpart names under which a stack's links to the stacks it reads appear. */
    const readsByParty = (stack: string) =>
        entry(stack)
            .references.filter((r) => order.includes(r))
            .map((r) => ({ stack: r, party: entry(r).party }));

    for (const stack of order) {
        const created = await workspace.ensureStack(stack);
        log(`${stack}: ${created ? "created" : "exists"}`);
    }
    if (request.createOnly) return;

    const outputs = new Map<string, Outputs>();
    for (const stack of order) outputs.set(stack, await workspace.outputs(stack));
    /** Per stack, the deploy number of its last `up` in this run (0: not yet); and the number at which its outputs last changed. */
    const deployedAt = new Map<string, number>(order.map((s) => [s, 0]));
    const outputsChangedAt = new Map<string, number>(order.map((s) => [s, 0]));
    let deploys = 0;

    const deploy = async (stack: string, why: string): Promise<void> => {
        deploys += 1;
        const fresh = path.join(request.planDir, `${stack}.${deploys}.json`);
        try {
            await workspace.preview(stack, fresh);
        } catch (err) {
            throw new ConvergeStop(`${stack}: the preview failed, so nothing of ${stack} was changed: ${(err as Error).message}`);
        }
        let apply = fresh;
        const reviewedFile = deployedAt.get(stack) === 0 ? request.reviewedPlans.get(stack) : undefined;
        if (reviewedFile !== undefined) {
            const reviewed = readPlan(reviewedFile);
            const differences = planDifferences(reviewed, readPlan(fresh));
            if (!differences.length) {
                apply = reviewedFile;
                log(`${stack}: the preview plans what was reviewed; applying the reviewed plan (${why})`);
            } else {
                const moved = readsByParty(stack)
                    .map((r) => r.stack)
                    .filter((r) => outputsChangedAt.get(r)! > 0);
                const updated = await workspace.lastUpdate(stack);
                const sinceReview = updated !== undefined && updated > reviewed.time;
                if (!moved.length || sinceReview) {
                    throw new ConvergeStop(
                        [
                            `${stack}: reality moved since the reviewed plan (${reviewedFile}, ${reviewed.time.toISOString()}); nothing of ${stack} was changed.`,
                            sinceReview
                                ? `  ${stack} itself was updated at ${updated!.toISOString()}, after the review.`
                                : `  No stack ${stack} reads was deployed with other outputs in this run.`,
                            ...differences.map((d) => `  ${d}`),
                            "  Preview the change again (re-run the pull request's preview) and review the new plan.",
                        ].join("\n"),
                    );
                }
                log(`${stack}: applying the fresh plan, which goes beyond the reviewed one only as ${moved.join(", ")} (deployed above with other outputs) requires (${why}):`);
                for (const d of differences) log(`  ${d}`);
            }
        } else {
            log(`${stack}: previewed; applying that plan (${why})`);
        }
        try {
            await workspace.up(stack, apply);
        } catch (err) {
            throw new ConvergeStop(`${stack}: pulumi up failed: ${(err as Error).message}`);
        }
        deployedAt.set(stack, deploys);
        const after = await workspace.outputs(stack);
        if (!isDeepStrictEqual(after, outputs.get(stack))) outputsChangedAt.set(stack, deploys);
        outputs.set(stack, after);
    };

    for (const [index, stack] of order.entries()) await deploy(stack, `first up in this run, ${index + 1} of ${order.length}`);

    // Each round can only help a stack that waits on a stack deployed after it with other outputs; a group of n stacks needs at most n rounds.
    for (let round = 0; round < order.length; round++) {
        const waiting = order.filter((stack) => {
            const pending = pendingLinks(
                outputs.get(stack)!,
                readsByParty(stack).map((r) => r.party),
            );
            const helped = readsByParty(stack).some((r) => outputsChangedAt.get(r.stack)! > deployedAt.get(stack)!);
            return pending.length > 0 && helped;
        });
        if (!waiting.length) break;
        for (const stack of waiting) {
            await deploy(
                stack,
                `again: ${pendingLinks(
                    outputs.get(stack)!,
                    readsByParty(stack).map((r) => r.party),
                ).join(", ")}`,
            );
        }
    }
    const stuck = order.flatMap((stack) =>
        pendingLinks(
            outputs.get(stack)!,
            readsByParty(stack).map((r) => r.party),
        ).map((link) => `${stack} -> ${link}`),
    );
    if (stuck.length) {
        throw new ConvergeStop(
            `the group did not converge; still waiting although the other side is deployed: ${stuck.join("; ")}. Read the warnings of those stacks' previews above: they say what is missing.`,
        );
    }
    log(`${request.group.name}: converged`);

    if (!request.canary) return;
    for (const stack of order) {
        const active = activeLinks(outputs.get(stack)!);
        if (!active.length) {
            log(`${stack}: no active link, no canary`);
            continue;
        }
        const status = await workspace.runTool(stack, "canary", ["--stack", request.qualifiedName(stack)]);
        if (status !== 0) throw new ConvergeStop(`${stack}: the canary failed (npm run canary exited ${status}): replication does not work over every active link`);
        log(`${stack}: canary passed (${active.join(", ")})`);
    }
    for (const stack of order) {
        const { tier, batchTrustConditions } = entry(stack);
        if (tier !== "preproduction" || !batchTrustConditions) continue;
        for (const counterpart of activeLinks(outputs.get(stack)!)) {
            const args = ["--stack", request.qualifiedName(stack), "--counterpart", counterpart, "--canary", "--start"];
            const status = await workspace.runTool(stack, "batch-replicate", args);
            if (status !== 0)
                throw new ConvergeStop(
                    `${stack}: the Batch Replication job over the canary objects to ${counterpart} failed (npm run batch-replicate -- ${args.join(" ")} exited ${status})`,
                );
            log(`${stack}: Batch Replication job to ${counterpart} completed`);
        }
    }
}
