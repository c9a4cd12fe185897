/**
 * The Markdown that `npm run audit-query` prints: per data bucket, where its
 * raw logs are, the Athena table over them, the operations on one key, and
 * for an ingress bucket the writes of the counterpart's replication role.
 */
import { KeyRange } from "./dates";
import { createDatabaseSql, createTableSql, DateRange, logObjectsPrefix, logObjectsUri, objectOperationsSql, roleSession, roleWritesSql, tableNameFor } from "./sql";
import { AuditBucket, AuditInputs, BucketPurpose, CounterpartWriter } from "./stack";

export interface ReportOptions {
    database: string;
    /** The key asked about; without it the queries hold a placeholder. */
    key?: string;
    keyRange: KeyRange;
    /** The range of the writes query. */
    writesRange: DateRange;
}

function purposeText(purpose: BucketPurpose): string {
    switch (purpose.kind) {
        case "egress":
            return `egress to ${purpose.counterpart}: our files under \`${purpose.root}/\`, replicated to them`;
        case "ingress":
            return `ingress from ${purpose.counterpart}: their files under \`${purpose.root}/\`, replicated to us`;
        case "vendor-drop":
            return `vendor drop for ${purpose.name}`;
        case "service-destination":
            return `service destination for ${purpose.name}`;
        case "data":
            return "data bucket";
    }
}

function placeholderKey(purpose: BucketPurpose): string {
    const link = purpose.kind === "egress" || purpose.kind === "ingress" ? purpose : { root: "<root>", fileNamePrefix: "<PREFIX>" };
    return `${link.root}/YYYY-MM-DD/${link.fileNamePrefix}_<file-type>_<YYYYMMDD>_<epoch>_<i>of<n>.jsonl`;
}

function sql(text: string): string {
    return ["```sql", text, "```"].join("\n");
}

/** Two buckets must not share a table: table names drop the characters that tell them apart. */
function tableNames(buckets: AuditBucket[]): Map<string, string> {
    const names = new Map<string, string>();
    const owners = new Map<string, string>();
    for (const b of buckets) {
        const table = tableNameFor(b.bucket);
        const other = owners.get(table);
        if (other) throw new Error(`buckets ${other} and ${b.bucket} map to the same Athena table ${table}`);
        owners.set(table, b.bucket);
        names.set(b.bucket, table);
    }
    return names;
}

function writersSection(writer: CounterpartWriter, database: string, table: string, range: DateRange): string[] {
    const heading = `**Writes by ${writer.counterpart}'s replication role**, ${range.from} to ${range.to} (UTC):`;
    if (!writer.roleArns.length) {
        return [
            heading,
            "",
            `${writer.counterpart}'s replication role is pending: no role may write into this bucket yet. Hand it over (or deploy their stack) and run this again.`,
        ];
    }
    const sessions = writer.roleArns.map((arn) => `\`${roleSession(arn).sessionArnPrefix}*\` (role \`${arn}\`)`).join(", ");
    return [
        heading,
        `requester ${sessions}, from ${writer.source === "bucket policy" ? "this bucket's policy (aws:PrincipalArn)" : "the role their stack exports for this link (our bucket policy does not admit it yet)"}.`,
        "Failed attempts are listed too (http_status 403 and the like).",
        "",
        sql(roleWritesSql({ database, table, roleArns: writer.roleArns, range })),
    ];
}

export function renderReport(inputs: AuditInputs, options: ReportOptions): string {
    const tables = tableNames(inputs.buckets);
    const writers = new Map(inputs.writers.map((w) => [w.ingressBucket, w]));
    const regions = [...new Set(inputs.buckets.map((b) => b.region))].sort();
    const { range: keyDates, reason } = options.keyRange;

    const lines: string[] = [
        `# Who wrote, read or deleted a file: ${inputs.partyName}, stack ${inputs.stack}`,
        "",
        `S3 server access logs of every data bucket of account ${inputs.accountId}, queried with Amazon Athena.`,
        "Run each statement in the Athena console or `aws athena start-query-execution`, in the region of the bucket's log bucket.",
        "Logs arrive within hours of a request, on a best-effort basis: a very recent request may not be in them yet.",
        "",
        options.key === undefined
            ? "No `--key` given: the object queries hold a placeholder key; `--key <key>` fills it in."
            : `Object key: \`${options.key}\` (as written to S3, not URL-encoded).`,
        `Object queries cover ${keyDates.from} to ${keyDates.to} (UTC): ${reason}.`,
        "",
        "## Raw logs",
        "",
        ...inputs.buckets.map(
            (b) =>
                `- \`${b.bucket}\`: \`aws s3 ls ${logObjectsUri(b)} --recursive\` (S3 console: bucket \`${b.logBucket}\`, prefix \`${logObjectsPrefix(b)}\`, then \`YYYY/MM/DD/\`)`,
        ),
        "",
        "## Database",
        "",
        `Once per region (${regions.join(", ")}):`,
        "",
        sql(createDatabaseSql(options.database)),
    ];

    for (const bucket of inputs.buckets) {
        const table = tables.get(bucket.bucket) as string;
        lines.push(
            "",
            `## \`${bucket.bucket}\``,
            "",
            `${purposeText(bucket.purpose)}. Logs: \`${logObjectsUri(bucket)}\` (${bucket.region}).`,
            "",
            "**Table** (once; partition projection finds each day's logs, nothing to load):",
            "",
            sql(createTableSql({ database: options.database, table, location: bucket })),
            "",
            `**Every operation on the object**, ${keyDates.from} to ${keyDates.to} (UTC):`,
            "",
            sql(objectOperationsSql({ database: options.database, table, key: options.key, placeholder: placeholderKey(bucket.purpose), range: keyDates })),
        );
        const writer = writers.get(bucket.bucket);
        if (writer) lines.push("", ...writersSection(writer, options.database, table, options.writesRange));
    }

    if (inputs.trail) {
        const t = inputs.trail;
        lines.push(
            "",
            "## CloudTrail data events",
            "",
            t.mode === "create"
                ? `Trail \`${t.name}\` records object-level events with the caller's full identity: \`${t.logUri ?? t.arn}\`. Query them with Athena's CloudTrail table (partition projection over \`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD\`).`
                : `The existing trail \`${t.arn}\` records object-level events on these buckets once its event selector (stack output \`audit.trailEventSelector\`) is added; its logs are wherever that trail delivers.`,
        );
    }
    return `${lines.join("\n")}\n`;
}
