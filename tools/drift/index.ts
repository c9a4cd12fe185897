/**
 * `npm run drift`: is a deployed stack still what Pulumi deployed? Two
 * questions kept apart, because `pulumi preview --refresh --expect-no-changes`
 * mixes them: a counterpart's legitimate deploy, read through a stack
 * reference, fails it whenever our resources use what changed (the engine
 * tier saw it with Pulumi v3.276.0, tests/engine/drift.test.ts; docs/deploy.md, Drift):
 * 1. Drift: a refresh of the stack's own resources (every resource but its stack
 *    references, `pulumi refresh --preview-only --exclude <reference URNs>`)
 *    finds a change made outside Pulumi. Exit 1.
 * 2. Out of date: a preview without refresh plans changes. A stack reference
 *    whose referenced stack's outputs now differ from those recorded at this
 *    stack's last update says why: the counterpart deployed since, and the group
 *    needs converging (`npm run converge`). Not drift: exit 0 with a warning.
 * The effects go through a DriftWorkspace; the real one is the Automation API's.
 */
import { isDeepStrictEqual } from "util";
import * as automation from "@pulumi/pulumi/automation";
import { Command, Io, OptionSpecs, Parsed, ProjectRootDeps, resolveStackName, runCommand, UsageError } from "../cli/runner";
import { PULUMI_CLI_ENV, pulumiCliMissing } from "../cli/pulumi-cli";
import { PROJECT_ROOT } from "../root";

export const USAGE = `usage: npm run drift -- --stack <name> [--github]

Checks a deployed stack for drift, apart from what its stack references read:
  drift        a refresh of the stack's own resources (its stack references
               excluded) finds a change made outside Pulumi: exit 1
  out of date  no drift, but a preview without refresh plans changes: a stack it
               reads deployed since (named), or a change not deployed yet; the
               group needs converging (npm run converge -- --pair <name>): exit 0,
               with a warning

  --stack <name>  a stack of this repository (npm run stacks), as the backend
                  names it (<stack>, <org>/<stack>, <org>/<project>/<stack>)
  --github        also print the verdict as a GitHub Actions annotation
  --help          print this help

The Pulumi CLI must be on PATH and logged in to the stack's backend; AWS
credentials are the current ones (read-only suffices).

exit status: 0 no drift (maybe out of date); 1 drift, or the CLI failed;
2 usage error, a name that is not a stack of this repository, or a stack
never created in the backend.`;

export const OPTIONS = { stack: { type: "string" }, config: { type: "string" }, github: { type: "boolean" } } as const satisfies OptionSpecs;

export interface StackReferenceState {
    urn: string;
    /** The referenced stack, as the reference names it. */
    name: string;
    /** Its outputs as read at this stack's last update. */
    outputs: Record<string, unknown>;
}

/** Counts of operations by kind (`same`, `update`, `delete`, ...), the change summary the CLI reports. */
export type Changes = Record<string, number>;

export interface DriftWorkspace {
    exists(stack: string): Promise<boolean>;
    stackReferences(stack: string): Promise<StackReferenceState[]>;
    /** Another stack's outputs now; undefined when it no longer exists. */
    currentOutputs(name: string): Promise<Record<string, unknown> | undefined>;
    /** What `pulumi refresh --preview-only --exclude <urns>` would change. */
    refreshChanges(stack: string, exclude: string[]): Promise<Changes>;
    /** What `pulumi preview` (no refresh) plans. */
    previewChanges(stack: string): Promise<Changes>;
}

const NOT_A_CHANGE = new Set(["same", "read"]);

/** The operations that change something: `same` and `read` left out. */
function changesOf(summary: Changes): Changes {
    return Object.fromEntries(Object.entries(summary).filter(([op, n]) => !NOT_A_CHANGE.has(op) && n > 0));
}

const describeChanges = (changes: Changes) =>
    Object.entries(changes)
        .map(([op, n]) => `${n} to ${op}`)
        .join(", ");

export class AutomationDriftWorkspace implements DriftWorkspace {
    private readonly workspace: Promise<automation.LocalWorkspace>;

    /** `where`: the project folder and extra environment of the CLI (default: this checkout, the current environment). */
    constructor(
        private readonly log: (text: string) => void,
        where: { workDir?: string; env?: Record<string, string> } = {},
    ) {
        this.workspace = automation.LocalWorkspace.create({ workDir: where.workDir ?? PROJECT_ROOT, envVars: { ...PULUMI_CLI_ENV, ...where.env } });
    }

    private async select(stack: string): Promise<automation.Stack> {
        return automation.Stack.select(stack, await this.workspace);
    }

    async exists(stack: string): Promise<boolean> {
        try {
            await this.select(stack);
            return true;
        } catch (err) {
            if (err instanceof automation.StackNotFoundError) return false;
            throw err;
        }
    }

    async stackReferences(stack: string): Promise<StackReferenceState[]> {
        const state = await (await this.select(stack)).exportStack();
        const resources = ((state.deployment as { resources?: unknown[] } | undefined)?.resources ?? []) as {
            urn: string;
            type: string;
            inputs?: { name?: string };
            outputs?: { outputs?: Record<string, unknown> };
        }[];
        return resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => ({ urn: r.urn, name: r.inputs?.name ?? "", outputs: r.outputs?.outputs ?? {} }));
    }

    async currentOutputs(name: string): Promise<Record<string, unknown> | undefined> {
        try {
            const outputs = await (await this.workspace).stackOutputs(name);
            return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
        } catch (err) {
            if (err instanceof automation.StackNotFoundError) return undefined;
            throw err;
        }
    }

    async refreshChanges(stack: string, exclude: string[]): Promise<Changes> {
        const result = await (await this.select(stack)).previewRefresh({ exclude, onOutput: this.log });
        return result.changeSummary ?? {};
    }

    async previewChanges(stack: string): Promise<Changes> {
        const result = await (await this.select(stack)).preview({ onOutput: this.log });
        return result.changeSummary ?? {};
    }
}

export interface DriftDeps extends Io, ProjectRootDeps {
    workspace?: () => DriftWorkspace;
}

async function drift(values: Parsed<typeof OPTIONS>["values"], deps: DriftDeps): Promise<number> {
    if (values.config !== undefined) throw new UsageError("--config plans offline and knows no deployed stack: give --stack <name> of the deployed stack");
    if (values.stack === undefined) throw new UsageError("--stack <name> is required (e.g. --stack prod)");
    // A name that is not a stack of this repository is refused as every command refuses it (the stacks, the nearest),
    // never reported as a stack that was not deployed yet.
    const bareName = resolveStackName(values.stack, deps.root).stack;
    const stack = values.stack;
    const annotate = (level: "error" | "warning" | "notice", message: string) => {
        if (values.github) deps.stdout(`::${level} title=drift ${stack}::${message.replace(/\n/g, " ")}\n`);
    };
    if (!deps.workspace) {
        const missing = pulumiCliMissing();
        if (missing) throw new UsageError(`drift drives the Pulumi CLI: ${missing}`);
    }
    const workspace = (deps.workspace ?? (() => new AutomationDriftWorkspace((text) => deps.stderr(text))))();
    if (!(await workspace.exists(stack))) {
        throw new UsageError(`--stack ${stack}: no such stack in this backend; it was never deployed: deploy it first (npm run converge -- --pair ${bareName})`);
    }
    const references = await workspace.stackReferences(stack);
    const drifted = changesOf(
        await workspace.refreshChanges(
            stack,
            references.map((r) => r.urn),
        ),
    );
    if (Object.keys(drifted).length) {
        const message = `${stack} drifted: a refresh of its own resources (its ${references.length} stack reference(s) left out) finds ${describeChanges(drifted)}, made outside Pulumi. Restore with pulumi up, or change the program; never accept it with pulumi refresh alone (docs/deploy.md, Drift).`;
        deps.stdout(`${message}\n`);
        annotate("error", message);
        return 1;
    }
    const planned = changesOf(await workspace.previewChanges(stack));
    if (!Object.keys(planned).length) {
        deps.stdout(`${stack}: no drift, and up to date\n`);
        return 0;
    }
    const moved: string[] = [];
    for (const reference of references) {
        const now = await workspace.currentOutputs(reference.name);
        if (!isDeepStrictEqual(now, reference.outputs)) moved.push(now === undefined ? `${reference.name} (no longer exists)` : reference.name);
    }
    const why = moved.length
        ? `${moved.join(", ")} deployed since ${stack}'s last update (read through its stack reference): the group needs converging (npm run converge -- --pair ${bareName}, or the next deploy)`
        : `no stack it reads changed: a change to the program or its config is not deployed yet (the next deploy applies it)`;
    const message = `${stack}: no drift, but out of date: a preview plans ${describeChanges(planned)}; ${why}`;
    deps.stdout(`${message}\n`);
    annotate("warning", message);
    return 0;
}

export function driftCommand(deps: DriftDeps): Command<typeof OPTIONS> {
    return { name: "drift", usage: USAGE, options: OPTIONS, run: ({ values }) => drift(values, deps) };
}

export function runDrift(argv: string[], deps: DriftDeps): Promise<number> {
    return runCommand(driftCommand(deps), argv, deps);
}
