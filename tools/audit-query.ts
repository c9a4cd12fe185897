/**
 * npm run audit-query -- (--stack <name> | --config <file>) [--key <key>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--database <name>]
 *
 * Prints, as Markdown, the Athena statements that answer "who wrote, read or
 * deleted this file, when" from the S3 server access logs of the stack's data
 * buckets: a table per bucket, the operations on one key, and the writes of
 * each counterpart's replication role into our ingress bucket. Offline: the
 * bucket names, log locations and roles come from the stack's plan.
 * Exit 0: printed; 2: usage or config error.
 */
import { defineCommand, main, STACK_OPTIONS, stackTarget, UsageError } from "./cli/runner";
import { DEFAULT_RANGE_DAYS, isoDateProblem, KEY_DATE_MARGIN_DAYS, keyRange, resolveRange } from "./audit/dates";
import { databaseNameProblem, DEFAULT_DATABASE } from "./audit/sql";

const USAGE = `usage: npm run audit-query -- (--stack <name> | --config <file>) [--key <key>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--database <name>]

Prints, as Markdown, the Amazon Athena statements that answer "who wrote, read
or deleted this file, and when" from the S3 server access logs of the stack's
data buckets (docs/audit.md): a table per bucket, the operations on one key, and
the writes of each counterpart's replication role into our ingress buckets.
Offline: bucket names, log locations and roles come from the stack's plan.

  --stack <name>       a stack of this project: prod, or <organization>/<project>/prod
  --config <file>      a stack config file; alone, an example named after its file
  --key <key>          the object key to trace (e.g. acme-bank/2025-03-14/CDLX_...jsonl);
                       logs of its date folder ± ${KEY_DATE_MARGIN_DAYS} days are read unless
                       --from/--to say otherwise
  --from YYYY-MM-DD    the first day of logs to read (default: ${DEFAULT_RANGE_DAYS} days to --to)
  --to YYYY-MM-DD      the last day of logs to read (default: today, or ${DEFAULT_RANGE_DAYS} days from --from)
  --database <name>    the Athena database of the tables (default ${DEFAULT_DATABASE})
  --help               print this help

exit status: 0 printed; 1 a failure; 2 a usage or config error.`;

/** The command, for the entry point below and for tests that run it in process. */
export const command = defineCommand({
    name: "audit-query",
    usage: USAGE,
    options: {
        ...STACK_OPTIONS,
        key: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        database: { type: "string" },
    },
    async run({ values }, io) {
        const { stack, organization } = stackTarget(values);
        const now = new Date();
        const database = values.database ?? DEFAULT_DATABASE;
        const problems = [
            values.from !== undefined ? isoDateProblem(values.from) && `--from ${isoDateProblem(values.from)}` : undefined,
            values.to !== undefined ? isoDateProblem(values.to) && `--to ${isoDateProblem(values.to)}` : undefined,
            databaseNameProblem(database) && `--database ${databaseNameProblem(database)}`,
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
        // Loaded only now, so that --help and a usage error answer without loading the SDKs.
        const [{ planProjectStack }, { auditInputs }, { renderReport }] = await Promise.all([import("./plan/project"), import("./audit/stack"), import("./audit/report")]);
        const { plan, referenced } = await planProjectStack({ stack, configFile: values.config, organization });
        io.stdout(renderReport(auditInputs(plan, referenced), { database, key: values.key, ...ranges }));
        return 0;
    },
});

if (require.main === module) main(command);
