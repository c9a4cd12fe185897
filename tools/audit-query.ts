/**
 * npm run audit-query -- --stack <name> [--config <file>] [--key <key>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--database <name>]
 *
 * Prints, as Markdown, the Athena statements that answer "who wrote, read or
 * deleted this file, when" from the S3 server access logs of the stack's data
 * buckets: a table per bucket, the operations on one key, and the writes of
 * each counterpart's replication role into our ingress bucket. Offline: the
 * bucket names, log locations and roles come from the stack's plan.
 * Exit 0: printed; 2: usage or config error.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { isConfigError } from "../infra/config/errors";
import { isoDateProblem, keyRange, resolveRange } from "./audit/dates";
import { renderReport } from "./audit/report";
import { databaseNameProblem, DEFAULT_DATABASE } from "./audit/sql";
import { auditInputs } from "./audit/stack";
import { planProjectStack, stackConfigFile } from "./plan/project";

const USAGE = "usage: npm run audit-query -- --stack <name> [--config <file>] [--key <key>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--database <name>]";

class UsageError extends Error {}

async function cli(argv: string[], now: Date): Promise<number> {
    let values: { stack?: string; config?: string; key?: string; from?: string; to?: string; database?: string };
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                key: { type: "string" },
                from: { type: "string" },
                to: { type: "string" },
                database: { type: "string" },
            },
            strict: true,
        }));
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
    const stack = values.stack ?? (values.config ? path.basename(values.config).replace(/\.ya?ml$/, "") : undefined);
    if (!stack) throw new UsageError("--stack is required");
    const configFile = values.config ?? stackConfigFile(stack);
    if (!fs.existsSync(configFile)) throw new UsageError(`${configFile} does not exist: name a stack of this project, or give its config with --config <file>`);
    const database = values.database ?? DEFAULT_DATABASE;
    const problems = [
        values.from !== undefined ? isoDateProblem(values.from) && `--from ${isoDateProblem(values.from)}` : undefined,
        values.to !== undefined ? isoDateProblem(values.to) && `--to ${isoDateProblem(values.to)}` : undefined,
        databaseNameProblem(database) && `--database ${databaseNameProblem(database)}`,
        values.key === "" ? "--key must not be empty" : undefined,
    ].filter((p): p is string => Boolean(p));
    if (problems.length) throw new UsageError(problems.join("\n"));
    let ranges;
    try {
        ranges = {
            keyRange: keyRange({ key: values.key, from: values.from, to: values.to, now }),
            writesRange: resolveRange({ from: values.from, to: values.to, now }),
        };
    } catch (err) {
        if (err instanceof RangeError) throw new UsageError(err.message);
        throw err;
    }

    const { plan, referenced } = await planProjectStack({ stack, configFile: values.config });
    process.stdout.write(renderReport(auditInputs(plan, referenced), { database, key: values.key, ...ranges }));
    return 0;
}

cli(process.argv.slice(2), new Date()).then(
    // Exit once stdout has drained: a pipe takes the report in chunks, and process.exit would cut it.
    (code) => process.stdout.write("", () => process.exit(code)),
    (err: unknown) => {
        if (err instanceof UsageError) {
            console.error(`${err.message}\n${USAGE}`);
            process.exit(2);
        }
        console.error(isConfigError(err) ? err.message : err instanceof Error ? err.stack : err);
        process.exit(isConfigError(err) ? 2 : 1);
    },
);
