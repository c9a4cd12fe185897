/**
 * npm run plan -- (--stack <name> | --config <file>) [--json <file>]
 *
 * Plans a stack offline: runs the real program under mocks with the stack's
 * config, resolving references to this project's other stacks, prints the
 * resource tree and outputs, and runs the policy pack over the result.
 * References behave as in the engine: a reference to a stack this plan cannot
 * know to exist (not a stack of this project with its Pulumi.<stack>.yaml here)
 * is a config error, as `unknown stack` fails the update.
 * Exit 0: planned, no mandatory violation; 1: violation or failure; 2: config
 * error, including a bad stack file (YAML error, duplicate key, secure: value,
 * missing --config file), named by file, line and key.
 */
import { assertWritable, main, STACK_OPTIONS, stackArgs, StackTarget, stackTarget, writeOutputFile } from "./cli/runner";
import type { Plan } from "./plan/engine";

main({
    name: "plan",
    usage: "usage: npm run plan -- (--stack <name> | --config <file>) [--json <file>]",
    options: {
        ...STACK_OPTIONS,
        json: { type: "string" },
    },
    async run({ values }) {
        const target = stackTarget(values);
        if (values.json) assertWritable("--json", values.json);
        // Loaded only now, so that --help and a usage error answer without loading the SDKs.
        const [{ toStackExport }, { planProjectStack }, { formatTree }] = await Promise.all([import("./plan/engine"), import("./plan/project"), import("./plan/tree")]);
        const { plan, referenced } = await planProjectStack({ stack: target.stack, configFile: values.config });
        for (const other of referenced) console.log(`(planned referenced stack ${other.stack} for its outputs: ${other.resources.length} resources)`);
        printPlan(plan, target, formatTree);
        if (values.json) {
            writeOutputFile("--json", values.json, `${JSON.stringify(toStackExport(plan), null, 2)}\n`);
            console.log(`\nwrote ${values.json} (pulumi stack export format)`);
        }
        const { evaluateResources } = await import("../policy-pack/offline");
        const violations = evaluateResources(plan.resources);
        const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
        console.log(`\npolicy pack: ${violations.length} violation(s), ${mandatory.length} mandatory`);
        for (const v of violations) console.log(`  [${v.enforcementLevel}] ${v.policy}: ${v.message}\n    ${v.urn}`);
        return mandatory.length ? 1 : 0;
    },
});

function printPlan(plan: Plan, target: StackTarget, formatTree: (resources: Plan["resources"]) => string): void {
    console.log(`Plan of stack ${plan.project}/${plan.stack}: ${plan.resources.length} resources\n`);
    console.log(formatTree(plan.resources));
    if (plan.warnings.length) {
        console.log("\nwarnings:");
        for (const w of plan.warnings) console.log(`  - ${w}`);
    }
    console.log("\noutputs:");
    // The hand-off sheet is a document of its own: `npm run handoff` prints it.
    const { handoff, ...outputs } = plan.outputs;
    console.log(JSON.stringify(outputs, null, 2));
    if (typeof handoff === "string") console.log(`(handoff: a ${handoff.split("\n").length}-line Markdown sheet; print it with npm run handoff -- ${stackArgs(target)})`);
}
