/**
 * npm run plan -- (--stack <name> | --config <file>) [--json <file>] [--diff <earlier.json>]
 *
 * Plans a stack offline: runs the real program under mocks with the stack's
 * config, resolving references to this project's other stacks, prints a table
 * per stack, the resource tree and outputs (or, with --diff, what changes from
 * an earlier plan), and runs the policy pack over the result. References
 * behave as in the engine: a reference to a stack this plan cannot know to
 * exist (not a stack of this project with its Pulumi.<stack>.yaml here) is a
 * config error, as `unknown stack` fails the update.
 */
import { isStandIn } from "../infra/contract/assigned";
import { readInputFile } from "../infra/input/file";
import { parseJsonInput } from "../infra/input/json";
import { assertWritable, defineCommand, main, STACK_OPTIONS, stackArgs, StackTarget, stackTarget, UsageError, writeOutputFile } from "./cli/runner";
import type { ExportedResource } from "./plan/diff";
import type { Plan } from "./plan/engine";

const USAGE = `usage: npm run plan -- (--stack <name> | --config <file>) [--json <file>] [--diff <earlier.json>]

Plans a stack offline: runs the real program under Pulumi's mocks with the
stack's config (after Pulumi.yaml's declared defaults and types), resolving its
references to this project's other stacks by planning them. Prints one table per
stack (each counterpart's config entry, state, encryption, region, replication,
grant, the real names of its two buckets and whether they are retained and
protected), then the resource tree, the warnings and the outputs, and runs the
policy pack over the plan. A value AWS assigns at creation (a KMS key ARN) is
shown as such: no plan can know it.

  --stack <name>   a stack of this project: prod, or <organization>/<project>/prod
  --config <file>  a stack config file; alone, an example named after its file
  --json <file>    also write the plan in the format of pulumi stack export
  --diff <file>    in place of the tree and outputs, what this plan changes from an
                   earlier one written with --json (or a pulumi stack export): what
                   is created, updated, replaced and deleted, marking what would fail
                   the up (deleting or replacing a protected resource)
  --help           print this help

exit status: 0 planned, no mandatory policy violation (with --diff, and no
change that would fail the up); 1 a mandatory violation, a change that would
fail the up, or a failure; 2 a usage or config error (the message names the
file, line, key and fix).`;

/** What a stand-in (infra/contract/assigned.ts) is shown as: the plan says it does not know, instead of showing an invented ARN. */
const ASSIGNED_BY_AWS = "(assigned by AWS at creation: known after pulumi up)";

/** The command, for the entry point below and for tests that run it in process. */
export const command = defineCommand({
    name: "plan",
    usage: USAGE,
    options: {
        ...STACK_OPTIONS,
        json: { type: "string" },
        diff: { type: "string" },
    },
    async run({ values }, io) {
        const print = (text: string) => io.stdout(`${text}\n`);
        const target = stackTarget(values);
        if (values.json) assertWritable("--json", values.json);
        const earlier = values.diff !== undefined ? readExport(values.diff) : undefined;
        // Loaded only now, so that --help and a usage error answer without loading the SDKs.
        const [{ toStackExport }, { planProjectStack }, { formatTree }, { formatSummary, linkSummaries }] = await Promise.all([
            import("./plan/engine"),
            import("./plan/project"),
            import("./plan/tree"),
            import("./plan/summary"),
        ]);
        const { plan, referenced, config } = await planProjectStack({ stack: target.stack, configFile: values.config, organization: target.organization });
        const entries = Object.fromEntries(config.counterparts.map((c) => [c.name, c.configKey]));
        print(formatSummary(plan, linkSummaries(plan, entries)));
        for (const other of referenced) print(`\n${formatSummary(other, linkSummaries(other))}\n  (planned as referenced by ${plan.stack}, for its outputs)`);
        print("");
        let failsTheUp = false;
        if (earlier) {
            const { diffPlans, formatDiff, stackOfExport } = await import("./plan/diff");
            const of = stackOfExport(earlier.resources);
            if (of && of.stack !== plan.stack) {
                throw new UsageError(
                    `--diff ${values.diff}: is a plan of stack ${of.stack}, not of ${plan.stack}; fix: compare plans of one stack (npm run plan -- ${stackArgs(target)} --json <file>)`,
                );
            }
            const changes = diffPlans(earlier.resources, plan.resources);
            print(formatDiff(changes, `${values.diff} to this plan of ${plan.project}/${plan.stack}`));
            failsTheUp = changes.some((c) => c.fails);
            printWarnings(plan, print);
        } else {
            printPlan(plan, target, formatTree, print);
        }
        if (values.json) {
            writeOutputFile("--json", values.json, `${JSON.stringify(toStackExport(plan), null, 2)}\n`);
            print(`\nwrote ${values.json} (pulumi stack export format)`);
        }
        const { evaluateResources } = await import("../policy-pack/offline");
        const violations = evaluateResources(plan.resources);
        const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
        print(`\npolicy pack: ${violations.length} violation(s), ${mandatory.length} mandatory`);
        for (const v of violations) print(`  [${v.enforcementLevel}] ${v.policy}: ${v.message}\n    ${v.urn}`);
        return mandatory.length || failsTheUp ? 1 : 0;
    },
});

if (require.main === module) main(command);

/** An earlier plan (`--json`) or `pulumi stack export`, refused with exit 2 naming the file when it is neither. */
function readExport(file: string): { resources: ExportedResource[] } {
    const fix = "give a file written by npm run plan -- --stack <name> --json <file> (or by pulumi stack export)";
    // Read as every file from outside is (infra/input): a regular file within its size limit, I-JSON
    // without duplicate names, else an InputError, exit 2 naming the file.
    const parsed = parseJsonInput(readInputFile(file, "plan export", fix), { file, kind: "plan export", fix });
    const resources = (parsed as { deployment?: { resources?: unknown } } | null)?.deployment?.resources;
    const valid = Array.isArray(resources) && resources.every((r) => r !== null && typeof r === "object" && typeof r.urn === "string" && typeof r.type === "string");
    if (!valid) throw new UsageError(`--diff ${file}: not a plan or stack export (no deployment.resources with a urn and type each); fix: ${fix}`);
    return { resources: resources as ExportedResource[] };
}

function printWarnings(plan: Plan, print: (text: string) => void): void {
    if (!plan.warnings.length) return;
    print("\nwarnings:");
    for (const w of plan.warnings) print(`  - ${w}`);
}

function printPlan(plan: Plan, target: StackTarget, formatTree: (resources: Plan["resources"]) => string, print: (text: string) => void): void {
    print(formatTree(plan.resources));
    printWarnings(plan, print);
    print("\noutputs:");
    // The sheets and hand-overs are documents of their own, each for one counterpart: `npm run handoff` writes them.
    const { handoff, handovers: _handovers, ...outputs } = plan.outputs;
    print(JSON.stringify(outputs, (_key, value: unknown) => (typeof value === "string" && isStandIn(value) ? ASSIGNED_BY_AWS : value), 2));
    const names = Object.keys((handoff ?? {}) as Record<string, string>);
    if (names.length) {
        print(
            `(handoff and handovers: a sheet and a hand-over for each of ${names.length} counterpart${names.length === 1 ? "" : "s"}; write one with npm run handoff -- ${stackArgs(target)} --counterpart ${names[0]})`,
        );
    }
}
