/**
 * npm run plan -- --stack <name> [--config <file>] [--json <file>]
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
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { isConfigError } from "../infra/config/errors";
import { Plan, toStackExport } from "./plan/engine";
import { planProjectStack } from "./plan/project";
import { formatTree } from "./plan/tree";

const USAGE = "usage: npm run plan -- --stack <name> [--config <file>] [--json <file>]";

async function cli(): Promise<number> {
    let values: { stack?: string; config?: string; json?: string; help?: boolean };
    try {
        ({ values } = parseArgs({
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                json: { type: "string" },
                help: { type: "boolean" },
            },
            strict: true,
        }));
    } catch (err) {
        console.error(`${(err as Error).message}\n${USAGE}`);
        return 2;
    }
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    // An example config is planned as a stack named after its file.
    const stack = values.stack ?? (values.config ? path.basename(values.config).replace(/\.ya?ml$/, "") : undefined);
    if (!stack) {
        console.error(`--stack is required\n${USAGE}`);
        return 2;
    }
    const { plan, referenced } = await planProjectStack({ stack, configFile: values.config });
    for (const other of referenced) console.log(`(planned referenced stack ${other.stack} for its outputs: ${other.resources.length} resources)`);
    printPlan(plan);
    if (values.json) {
        fs.writeFileSync(values.json, `${JSON.stringify(toStackExport(plan), null, 2)}\n`);
        console.log(`\nwrote ${values.json} (pulumi stack export format)`);
    }
    const { evaluateResources } = await import("../policy-pack/offline");
    const violations = evaluateResources(plan.resources);
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    console.log(`\npolicy pack: ${violations.length} violation(s), ${mandatory.length} mandatory`);
    for (const v of violations) console.log(`  [${v.enforcementLevel}] ${v.policy}: ${v.message}\n    ${v.urn}`);
    return mandatory.length ? 1 : 0;
}

function printPlan(plan: Plan): void {
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
    if (typeof handoff === "string") console.log(`(handoff: a ${handoff.split("\n").length}-line Markdown sheet; print it with npm run handoff -- --stack ${plan.stack})`);
}

cli().then(
    (code) => process.exit(code),
    (err: unknown) => {
        if (isConfigError(err)) {
            console.error(err.message);
            process.exit(2);
        }
        console.error(err instanceof Error ? err.stack ?? err.message : err);
        process.exit(1);
    },
);
