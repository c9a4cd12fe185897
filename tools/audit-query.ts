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
import { main, STACK_OPTIONS, stackTarget, UsageError } from "./cli/runner";
import { isoDateProblem, keyRange, resolveRange } from "./audit/dates";
import { databaseNameProblem, DEFAULT_DATABASE } from "./audit/sql";

main({
    name: "audit-query",
    usage: "usage: npm run audit-query -- (--stack <name> | --config <file>) [--key <key>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--database <name>]",
    options: {
        ...STACK_OPTIONS,
        key: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        database: { type: "string" },
    },
    async run({ values }) {
        const { stack } = stackTarget(values);
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
        const { plan, referenced } = await planProjectStack({ stack, configFile: values.config });
        process.stdout.write(renderReport(auditInputs(plan, referenced), { database, key: values.key, ...ranges }));
        return 0;
    },
});
