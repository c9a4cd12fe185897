/**
 * npm run handoff -- --stack <name> [--config <file>] [--out <file>]
 *
 * Prints the partner hand-off sheet of a stack, offline: the stack's `handoff`
 * output from its plan, with its references resolved as `npm run plan` does.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { isConfigError } from "../infra/config/errors";
import { planProjectStack } from "./plan/project";

const USAGE = "usage: npm run handoff -- --stack <name> [--config <file>] [--out <file>]";

async function cli(): Promise<number> {
    let values: { stack?: string; config?: string; out?: string };
    try {
        ({ values } = parseArgs({ options: { stack: { type: "string" }, config: { type: "string" }, out: { type: "string" } }, strict: true }));
    } catch (err) {
        console.error(`${(err as Error).message}\n${USAGE}`);
        return 2;
    }
    const stack = values.stack ?? (values.config ? path.basename(values.config).replace(/\.ya?ml$/, "") : undefined);
    if (!stack) {
        console.error(USAGE);
        return 2;
    }
    const { plan } = await planProjectStack({ stack, configFile: values.config });
    const sheet = String(plan.outputs.handoff);
    if (values.out) fs.writeFileSync(values.out, sheet);
    else process.stdout.write(sheet);
    return 0;
}

cli().then(
    (code) => process.exit(code),
    (err: unknown) => {
        console.error(isConfigError(err) ? err.message : err instanceof Error ? err.stack : err);
        process.exit(isConfigError(err) ? 2 : 1);
    },
);
