/**
 * `npm run converge`: create the stacks of a group, deploy them until they
 * converge, then prove it with the canary; the sequencing is in
 * tools/converge/sequence.ts, the effects behind a PairWorkspace.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command, Io, OptionSpecs, Parsed, runCommand, UsageError } from "../cli/runner";
import { pulumiCliMissing } from "../cli/pulumi-cli";
import { PROJECT_ROOT } from "../root";
import { groupOfStack, Inventory } from "../stacks/inventory";
import { loadInventory } from "../stacks/index";
import { converge, ConvergeStop } from "./sequence";
import { PlanFileError, readUpdatePlan } from "./plan-file";
import { AutomationWorkspace, PairWorkspace } from "./workspace";

export const USAGE = `usage: npm run converge -- --pair <stack> [options]

Brings every stack of a group (the stack and the stacks it reads by stack
reference, see npm run stacks) to its converged state, in one run:
  1. creates each missing stack (pulumi stack init, with --secrets-provider);
  2. deploys each stack in the group's order (publishers, then partners), each
     pulumi up held to the plan that a preview of exactly that update saved just
     before (with the policy pack), so nothing changes unless the preview passed;
     with --plans, a stack's first up applies its reviewed plan, and stops when
     the stack no longer plans what was reviewed (see docs/deploy.md);
  3. deploys again each stack whose links to the group still say pending, until
     none can change (a link that stays pending is a failure);
  4. runs npm run canary on each stack with an active link (pre-production
     groups by default), then, for each pre-production stack with
     s3-transfer:batchTrustConditions, npm run batch-replicate -- --canary --start
     on each active link.

  --pair <stack>                  any stack of the group (e.g. --pair preprod)
  --plans <dir>                   reviewed plans, <dir>/<stack>.json, from the pull
                                  request's pulumi preview --save-plan
  --require-plans                 refuse (before anything) a stack without a reviewed plan
  --plan-dir <dir>                keep the plans each up applied in <dir> (default: a
                                  temporary folder, removed at the end)
  --secrets-provider <url>        secrets provider of the stacks created here (e.g.
                                  awskms://arn:aws:kms:<region>:<account>:key/<id>?region=<region>)
  --organization <org>            the backend's organization: stacks are <org>/<stack>
                                  (default: the backend's own; a self-managed backend's
                                  is organization)
  --aws-profile <stack>=<profile> run that stack's commands with this AWS profile
                                  (repeat per stack; default: the current credentials)
  --create-only                   create the missing stacks and stop
  --canary                        run the canary even for a production group
  --skip-canary                   no canary and no batch job
  --help                          print this help

The Pulumi CLI must be on PATH and logged in to the backend that holds the group.

exit status: 0 converged (and the canary and batch jobs passed); 1 a preview,
up, canary or batch job failed, the group did not converge, or a stack no
longer plans what was reviewed; 2 usage, config or inventory error, or a
missing reviewed plan with --require-plans, before anything is done.`;

export const OPTIONS = {
    pair: { type: "string" },
    plans: { type: "string" },
    "require-plans": { type: "boolean" },
    "plan-dir": { type: "string" },
    "secrets-provider": { type: "string" },
    organization: { type: "string" },
    "aws-profile": { type: "string", multiple: true },
    "create-only": { type: "boolean" },
    canary: { type: "boolean" },
    "skip-canary": { type: "boolean" },
} as const satisfies OptionSpecs;

export interface ConvergeCommandDeps extends Io {
    /** The repository's stacks (default: this checkout's). */
    inventory?: () => Inventory;
    /** The workspace for the chosen options (default: the Automation API's). */
    workspace?: (options: WorkspaceOptions) => PairWorkspace;
}

export interface WorkspaceOptions {
    qualifiedName: (stack: string) => string;
    envFor: (stack: string) => Record<string, string>;
    secretsProvider?: string;
    log: (text: string) => void;
}

/** `stack=profile` pairs, each stack of the group at most once. */
function awsProfiles(values: string[], groupStacks: string[]): Map<string, string> {
    const profiles = new Map<string, string>();
    for (const value of values) {
        const match = /^([^=\s]+)=([^=\s]+)$/.exec(value);
        if (!match) throw new UsageError(`--aws-profile ${value}: expected <stack>=<profile>, e.g. --aws-profile ${groupStacks[0]}=acme-${groupStacks[0]}`);
        const [, stack, profile] = match;
        if (!groupStacks.includes(stack)) throw new UsageError(`--aws-profile ${value}: ${stack} is not a stack of this group (${groupStacks.join(", ")})`);
        if (profiles.has(stack)) throw new UsageError(`--aws-profile: ${stack} is given twice`);
        profiles.set(stack, profile);
    }
    return profiles;
}

/**
 * A stack's environment with its AWS profile. The static keys of the current
 * credentials are blanked: SDKs differ on whether environment keys or a profile
 * win (the AWS SDK for Go v2 prefers the keys unless the profile is given in
 * code), and a stack must never run with another account's keys.
 */
function profileEnv(profile: string | undefined): Record<string, string> {
    return profile === undefined ? {} : { AWS_PROFILE: profile, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_SESSION_TOKEN: "" };
}

function reviewedPlans(dir: string | undefined, stacks: string[], required: boolean): Map<string, string> {
    const plans = new Map<string, string>();
    if (dir !== undefined) {
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
            throw new UsageError(`--plans ${dir}: no such folder; fix: give the folder the reviewed plans were downloaded to`);
        for (const stack of stacks) {
            const file = path.join(dir, `${stack}.json`);
            if (!fs.existsSync(file)) continue;
            // A plan that cannot be read is refused now, before any stack is touched.
            try {
                readUpdatePlan(file);
            } catch (err) {
                throw new UsageError(`--plans: ${(err as Error).message}`);
            }
            plans.set(stack, file);
        }
    }
    const missing = stacks.filter((s) => !plans.has(s));
    if (required && missing.length) {
        throw new UsageError(
            `--require-plans: no reviewed plan for ${missing.join(", ")}${dir === undefined ? " (no --plans folder given)" : ` in ${dir}`}; fix: merge through a pull request, whose preview saves each stack's plan, or run without --require-plans to apply plans previewed now`,
        );
    }
    return plans;
}

/** Creates the `--plan-dir` folder (an existing one is reused), or refuses the option before any stack is touched. */
function keptPlanDir(dir: string): void {
    const fix = "give a folder, new or existing, e.g. --plan-dir applied-plans";
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`--plan-dir ${dir}: not a folder (a file of that name exists); ${fix}`);
    try {
        fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
        throw new UsageError(`--plan-dir ${dir}: cannot create it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ${fix}`);
    }
}

async function run(values: Parsed<typeof OPTIONS>["values"], deps: ConvergeCommandDeps): Promise<number> {
    if (values.pair === undefined) throw new UsageError("--pair <stack> is required: any stack of the group to converge (npm run stacks lists them)");
    if (values.canary && values["skip-canary"]) throw new UsageError("give --canary or --skip-canary, not both");
    const inventory = (deps.inventory ?? loadInventory)();
    const group = groupOfStack(inventory, values.pair);
    if (typeof group === "string") throw new UsageError(`--pair ${values.pair}: ${group}`);
    const profiles = awsProfiles(values["aws-profile"] ?? [], group.stacks);
    const plans = reviewedPlans(values.plans, group.stacks, values["require-plans"] ?? false);
    if (values["plan-dir"] !== undefined) keptPlanDir(values["plan-dir"]);
    const organization = values.organization;
    const qualifiedName = (stack: string) => (organization === undefined ? stack : `${organization}/${stack}`);
    const workspaceOptions: WorkspaceOptions = {
        qualifiedName,
        envFor: (stack) => profileEnv(profiles.get(stack)),
        ...(values["secrets-provider"] !== undefined ? { secretsProvider: values["secrets-provider"] } : {}),
        log: (text) => deps.stderr(text),
    };
    if (!deps.workspace) {
        const missing = pulumiCliMissing();
        if (missing) throw new UsageError(`converge drives the Pulumi CLI: ${missing}`);
    }
    const workspace = deps.workspace ? deps.workspace(workspaceOptions) : new AutomationWorkspace({ ...workspaceOptions, policyPacks: [path.join(PROJECT_ROOT, "policy-pack")] });
    const planDir = values["plan-dir"] ?? fs.mkdtempSync(path.join(os.tmpdir(), "converge-"));
    const canary = values["skip-canary"] ? false : (values.canary ?? group.tier === "preproduction");
    deps.stdout(`converge ${group.name} (${group.tier}): ${group.stacks.join(", then ")}\n`);
    try {
        await converge(
            {
                group,
                stacks: inventory.stacks.filter((s) => group.stacks.includes(s.name)),
                reviewedPlans: plans,
                planDir,
                createOnly: values["create-only"] ?? false,
                canary,
                qualifiedName,
            },
            { workspace, log: (line) => deps.stdout(`${line}\n`) },
        );
    } catch (err) {
        if (err instanceof ConvergeStop || err instanceof PlanFileError) {
            deps.stderr(`converge: ${err.message}\n`);
            return 1;
        }
        throw err;
    } finally {
        if (values["plan-dir"] === undefined) fs.rmSync(planDir, { recursive: true, force: true });
    }
    return 0;
}

export function convergeCommand(deps: ConvergeCommandDeps): Command<typeof OPTIONS> {
    return { name: "converge", usage: USAGE, options: OPTIONS, run: ({ values }) => run(values, deps) };
}

export function runConverge(argv: string[], deps: ConvergeCommandDeps): Promise<number> {
    return runCommand(convergeCommand(deps), argv, deps);
}
