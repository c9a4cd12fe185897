/**
 * `npm run audit-query`: the Athena table over one bucket's access logs, the
 * object and partner-write queries for real stacks, the date ranges, and
 * whose role the partner-write query looks for.
 */
import * as assert from "assert";
import * as path from "path";
import { addDays, keyRange, resolveRange } from "../../tools/audit/dates";
import { renderReport } from "../../tools/audit/report";
import { ACCESS_LOG_COLUMNS, AccessLogLocation, createTableSql, likePrefix, objectOperationsSql, roleSession, roleWritesSql, sqlString, tableNameFor } from "../../tools/audit/sql";
import { auditInputs, AuditInputs } from "../../tools/audit/stack";
import { Plan } from "../../tools/plan/engine";
import { planProjectStack } from "../../tools/plan/project";
import { runTool } from "../helpers/cli";
import { fixtureFile } from "../helpers/plans";

const ROOT = path.resolve(__dirname, "..", "..");
const HANDOVER = path.join(ROOT, "stacks", "examples", "handover.yaml");
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

const EGRESS: AccessLogLocation = {
    bucket: "acme-bank-prod-cdlx-egress",
    region: "us-east-1",
    accountId: "111122223333",
    logBucket: "acme-bank-prod-logs-us-east-1",
    prefix: "s3-access-logs/acme-bank-prod-cdlx-egress/",
};

/** The regex as Hive hands it to Java: the DDL literal with one level of backslash escapes removed. */
function regexOfDdl(ddl: string): RegExp {
    const m = /'input\.regex'='(.*)'\)\n/.exec(ddl);
    assert.ok(m, "the DDL has an input.regex property");
    return new RegExp(`^${m[1].replace(/\\(.)/g, "$1")}`);
}

/** Every string literal of a statement, decoded, in order; fails on an unterminated one. */
function stringLiterals(statement: string): string[] {
    const found: string[] = [];
    for (let i = 0; i < statement.length; i++) {
        if (statement.startsWith("--", i)) {
            i = statement.indexOf("\n", i);
            if (i < 0) break;
            continue;
        }
        const unicode = statement.startsWith("U&'", i);
        if (statement[i] !== "'" && !unicode) continue;
        let j = i + (unicode ? 3 : 1);
        let body = "";
        for (;;) {
            assert.ok(j < statement.length, `unterminated string literal at ${i}: ${statement.slice(i, i + 80)}`);
            if (statement[j] === "'") {
                if (statement[j + 1] === "'") {
                    body += "'";
                    j += 2;
                    continue;
                }
                break;
            }
            body += statement[j++];
        }
        found.push(unicode ? body.replace(/\\([0-9a-fA-F]{4}|\\)/g, (_, e: string) => (e === "\\" ? "\\" : String.fromCharCode(parseInt(e, 16)))) : body);
        i = j;
    }
    return found;
}

/** The ```sql blocks of a report that contain `needle`. */
function sqlBlocks(report: string, needle: string): string[] {
    return [...report.matchAll(/```sql\n([\s\S]*?)\n```/g)].map((m) => m[1]).filter((b) => b.includes(needle));
}

describe("npm run audit-query", () => {
    describe("the table over one bucket's logs", () => {
        const ddl = createTableSql({ database: "s3_transfer_audit", table: tableNameFor(EGRESS.bucket), location: EGRESS });

        it("is AWS's RegexSerDe table with date projection over the partitioned prefix", () => {
            const logs = "s3://acme-bank-prod-logs-us-east-1/s3-access-logs/acme-bank-prod-cdlx-egress/111122223333/us-east-1/acme-bank-prod-cdlx-egress/";
            assert.strictEqual(
                ddl,
                [
                    "CREATE EXTERNAL TABLE IF NOT EXISTS `s3_transfer_audit`.`acme_bank_prod_cdlx_egress_access_logs` (",
                    "  `bucketowner` STRING,",
                    "  `bucket_name` STRING,",
                    "  `requestdatetime` STRING,",
                    "  `remoteip` STRING,",
                    "  `requester` STRING,",
                    "  `requestid` STRING,",
                    "  `operation` STRING,",
                    "  `key` STRING,",
                    "  `request_uri` STRING,",
                    "  `httpstatus` STRING,",
                    "  `errorcode` STRING,",
                    "  `bytessent` BIGINT,",
                    "  `objectsize` BIGINT,",
                    "  `totaltime` STRING,",
                    "  `turnaroundtime` STRING,",
                    "  `referrer` STRING,",
                    "  `useragent` STRING,",
                    "  `versionid` STRING,",
                    "  `hostid` STRING,",
                    "  `sigv` STRING,",
                    "  `ciphersuite` STRING,",
                    "  `authtype` STRING,",
                    "  `endpoint` STRING,",
                    "  `tlsversion` STRING,",
                    "  `accesspointarn` STRING,",
                    "  `aclrequired` STRING",
                    ")",
                    "PARTITIONED BY (",
                    "  `timestamp` STRING)",
                    "ROW FORMAT SERDE",
                    "  'org.apache.hadoop.hive.serde2.RegexSerDe'",
                    "WITH SERDEPROPERTIES (",
                    String.raw`  'input.regex'='([^ ]*) ([^ ]*) \\[(.*?)\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$')`,
                    "STORED AS INPUTFORMAT",
                    "  'org.apache.hadoop.mapred.TextInputFormat'",
                    "OUTPUTFORMAT",
                    "  'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
                    "LOCATION",
                    `  '${logs}'`,
                    "TBLPROPERTIES (",
                    "  'projection.enabled'='true',",
                    "  'projection.timestamp.type'='date',",
                    "  'projection.timestamp.format'='yyyy/MM/dd',",
                    "  'projection.timestamp.range'='2023/11/01,NOW',",
                    "  'projection.timestamp.interval'='1',",
                    "  'projection.timestamp.interval.unit'='DAYS',",
                    `  'storage.location.template'='${logs}\${timestamp}');`,
                ].join("\n"),
            );
        });

        it("the template plus a projected day is where S3 puts that day's log objects", () => {
            // One object key as S3 writes it with the partitioned prefix (EventTime: the time part is zero).
            const logObject = "s3-access-logs/acme-bank-prod-cdlx-egress/111122223333/us-east-1/acme-bank-prod-cdlx-egress/2025/03/14/2025-03-14-00-00-00-8F2E7C1A3B5D9E01";
            const template = /'storage\.location\.template'='s3:\/\/([^/]+)\/(.*)\$\{timestamp\}'/.exec(ddl);
            assert.ok(template);
            assert.strictEqual(template[1], EGRESS.logBucket);
            assert.ok(logObject.startsWith(`${template[2]}2025/03/14/`), `${logObject} is not under ${template[2]}2025/03/14/`);
            assert.ok(ddl.includes(`LOCATION\n  's3://${EGRESS.logBucket}/${template[2]}'`));
        });

        it("has one regex group per column, in log-field order", () => {
            const regex = regexOfDdl(ddl);
            // AWS's example record (LogFormat), which predates the last two fields.
            const awsExample =
                '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:01:57 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be DD6CC733AEXAMPLE REST.PUT.OBJECT s3-dg.pdf "PUT /awsexamplebucket1/s3-dg.pdf HTTP/1.1" 200 - - 4406583 41754 28 "-" "S3Console/0.4" - 10S62Zv81kBW7BB6SX4XJ48o6kpcl6LPwEoizZQQxJd5qDSCTLX0TgS37kYUBKQW3+bPdrg1234= SigV4 ECDHE-RSA-AES128-SHA AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1';
            // A replica write with every field, a double-encoded key and a user agent with spaces and quotes around it.
            const replica =
                'c0ffee00 acme-bank-prod-cdlx-ingress [14/Mar/2025:09:26:40 +0000] - arn:aws:sts::444455556666:assumed-role/cdlx-to-acme-bank-replication/s3-replication 3E57427F33A59F07 REST.PUT.OBJECT acme-bank/2025-03-14/CDLX_o%2527brien_20250314_1741910400_1of2.jsonl "PUT /acme-bank-prod-cdlx-ingress/acme-bank/2025-03-14/CDLX_o%27brien_20250314_1741910400_1of2.jsonl HTTP/1.1" 200 - - 1048576 120 18 "-" "aws-internal/3 aws-sdk-java/1.12" 3HL4kqtJvjVBH40Nrjfkd hostid= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader acme-bank-prod-cdlx-ingress.s3.us-east-1.amazonaws.com TLSv1.3 - Yes';
            const column = (name: string) => ACCESS_LOG_COLUMNS.findIndex(([c]) => c === name) + 1;

            // S3 now writes the access point ARN and aclRequired fields too, "-" when they do not apply.
            const a = regex.exec(`${awsExample} - -`);
            assert.ok(a);
            assert.strictEqual(a.length - 1, ACCESS_LOG_COLUMNS.length);
            assert.strictEqual(a[column("requestdatetime")], "06/Feb/2019:00:01:57 +0000");
            assert.strictEqual(a[column("operation")], "REST.PUT.OBJECT");
            assert.strictEqual(a[column("key")], "s3-dg.pdf");
            assert.strictEqual(a[column("objectsize")], "4406583");
            assert.strictEqual(a[column("tlsversion")], "TLSV1.1");
            assert.strictEqual(a[column("aclrequired")], "-");
            // AWS's regex takes the eight later fields only together: a record from before them keeps its first 18.
            const old = regex.exec(awsExample);
            assert.ok(old);
            assert.strictEqual(old[column("useragent")], '"S3Console/0.4"');
            assert.strictEqual(old[column("tlsversion")], undefined);

            const r = regex.exec(replica);
            assert.ok(r);
            assert.strictEqual(r[column("requester")], "arn:aws:sts::444455556666:assumed-role/cdlx-to-acme-bank-replication/s3-replication");
            assert.strictEqual(r[column("key")], "acme-bank/2025-03-14/CDLX_o%2527brien_20250314_1741910400_1of2.jsonl");
            assert.strictEqual(r[column("useragent")], '"aws-internal/3 aws-sdk-java/1.12"');
            assert.strictEqual(r[column("versionid")], "3HL4kqtJvjVBH40Nrjfkd");
            assert.strictEqual(r[column("tlsversion")], "TLSv1.3");
            assert.strictEqual(r[column("aclrequired")], "Yes");
        });
    });

    describe("SQL literals", () => {
        it("double quotes, and escape control characters in a Unicode literal", () => {
            assert.strictEqual(sqlString("it's"), "'it''s'");
            assert.strictEqual(sqlString("a\nb\\c'"), "U&'a\\000ab\\\\c'''");
            for (const value of ["it's", "a\nb\\c'", "''", "\u0007", "x'; DROP TABLE t; --"]) {
                assert.deepStrictEqual(stringLiterals(`SELECT ${sqlString(value)}`), [value]);
            }
        });

        it("match a role's sessions by prefix, with LIKE's wildcards escaped", () => {
            const session = roleSession("arn:aws:iam::123456789012:role/team_a/replicate_in");
            assert.strictEqual(session.sessionArnPrefix, "arn:aws:sts::123456789012:assumed-role/replicate_in/");
            assert.strictEqual(likePrefix(session.sessionArnPrefix), "'arn:aws:sts::123456789012:assumed-role/replicate\\_in/%' ESCAPE '\\'");
            assert.strictEqual(likePrefix("100%_\\"), "'100\\%\\_\\\\%' ESCAPE '\\'");
            assert.strictEqual(roleSession("arn:aws-cn:iam::123456789012:role/r").sessionArnPrefix, "arn:aws-cn:sts::123456789012:assumed-role/r/");
            assert.throws(() => roleSession("arn:aws:iam::123456789012:user/alice"), /not an IAM role ARN/);
        });
    });

    describe("date ranges (UTC, injected clock)", () => {
        // 23:30 in New York on 14 March is 04:30 UTC on the 15th: the newest partition is the 15th.
        const now = new Date("2025-03-14T23:30:00-04:00");

        it("default to the last 7 days, today (UTC) included", () => {
            assert.deepStrictEqual(resolveRange({ now }), { from: "2025-03-09", to: "2025-03-15" });
        });

        it("fill in a missing end, never past today", () => {
            assert.deepStrictEqual(resolveRange({ from: "2025-02-26", now }), { from: "2025-02-26", to: "2025-03-04" });
            assert.deepStrictEqual(resolveRange({ from: "2025-03-13", now }), { from: "2025-03-13", to: "2025-03-15" });
            assert.deepStrictEqual(resolveRange({ to: "2024-03-02", now }), { from: "2024-02-25", to: "2024-03-02" });
            assert.deepStrictEqual(resolveRange({ from: "2024-12-30", to: "2025-01-02", now }), { from: "2024-12-30", to: "2025-01-02" });
        });

        it("reject a reversed range and a date that is not on the calendar", () => {
            assert.throws(() => resolveRange({ from: "2025-03-02", to: "2025-03-01", now }), /--from 2025-03-02 is after --to 2025-03-01/);
            assert.throws(() => resolveRange({ from: "2025-02-29", now }), /not a calendar date/);
            assert.throws(() => resolveRange({ to: "14/03/2025", now }), /must be a date YYYY-MM-DD/);
        });

        it("narrow a key of the naming convention to its date folder ± 3 days", () => {
            const key = "acme-bank/2024-03-01/CDLX_transactions_20240301_1709251200_1of2.jsonl";
            assert.deepStrictEqual(keyRange({ key, now }).range, { from: "2024-02-27", to: "2024-03-04" });
            assert.deepStrictEqual(keyRange({ key, from: "2024-01-01", to: "2024-06-30", now }).range, { from: "2024-01-01", to: "2024-06-30" });
            const other = keyRange({ key: "acme-bank/2024-03-01/report.csv", now });
            assert.deepStrictEqual(other.range, { from: "2025-03-09", to: "2025-03-15" });
            assert.match(other.reason, /does not follow the file-naming convention/);
            assert.strictEqual(addDays("2024-12-31", 1), "2025-01-01");
        });
    });

    describe("for real stacks", () => {
        let prod: { plan: Plan; referenced: Plan[] };
        let handover: { plan: Plan; referenced: Plan[] };
        const now = new Date("2025-03-14T12:00:00Z");

        before(async () => {
            prod = await planProjectStack({ stack: "prod", configFile: fixtureFile("prod") });
            handover = await planProjectStack({ stack: "handover", configFile: HANDOVER });
        });

        function report(inputs: AuditInputs, key?: string): string {
            return renderReport(inputs, { database: "s3_transfer_audit", key, keyRange: keyRange({ key, now }), writesRange: resolveRange({ now }) });
        }

        it("prod without --key: a table and a placeholder object query per data bucket, the partner's writes on the ingress", () => {
            const inputs = auditInputs(prod.plan, prod.referenced);
            const buckets = Object.keys((prod.plan.outputs.audit as { accessLogs: Record<string, unknown> }).accessLogs);
            assert.deepStrictEqual(
                inputs.buckets.map((b) => b.bucket),
                [...buckets].sort(),
            );
            const text = report(inputs);
            for (const bucket of buckets) {
                const table = tableNameFor(bucket);
                assert.strictEqual(sqlBlocks(text, `CREATE EXTERNAL TABLE IF NOT EXISTS \`s3_transfer_audit\`.\`${table}\``).length, 1, bucket);
                assert.match(text, new RegExp(`aws s3 ls s3://acme-bank-prod-logs-us-east-1/s3-access-logs/${bucket}/111122223333/us-east-1/${bucket}/ --recursive`));
                const [query] = sqlBlocks(text, `FROM "s3_transfer_audit"."${table}"`).filter((b) => b.includes("object_key = "));
                assert.ok(query, `no object query for ${bucket}`);
                assert.match(query, /WHERE "timestamp" BETWEEN '2025\/03\/08' AND '2025\/03\/14'\n/);
                assert.ok(query.includes("\nWHERE object_key = 'acme-bank/YYYY-MM-DD/CDLX_<file-type>_<YYYYMMDD>_<epoch>_<i>of<n>.jsonl'\n"), query);
                for (const column of ["requester", "operation", "object_key", "version_id", "http_status", "error_code", "remote_ip", "tls_version", "request_time"]) {
                    assert.match(query, new RegExp(`\\b${column}\\b`), `${column} missing from ${bucket}'s object query`);
                }
                assert.match(query, /ORDER BY request_time, requestid;$/);
            }
            assert.match(text, /No `--key` given/);

            const writes = sqlBlocks(text, "assumed-role/");
            assert.strictEqual(writes.length, 1);
            assert.ok(writes[0].includes('FROM "s3_transfer_audit"."acme_bank_prod_cdlx_ingress_access_logs"'));
            assert.ok(writes[0].includes("requester LIKE 'arn:aws:sts::444455556666:assumed-role/cdlx-to-acme-bank-replication/%' ESCAPE '\\'"));
            assert.ok(writes[0].includes("regexp_like(operation, '^(REST\\.(PUT|POST|DELETE|COPY)\\.|BATCH\\.DELETE\\.)') AND NOT regexp_like(operation, '_GET$')"));
            assert.match(writes[0], /WHERE "timestamp" BETWEEN '2025\/03\/08' AND '2025\/03\/14'\n/);
        });

        it("prod with a --key holding a quote: the key is one intact literal and the range follows its date folder", () => {
            // `'` is allowed in a root, so this is a key of the convention.
            const key = "o'brien/2025-01-30/CDLX_transactions_20250130_1738195200_2of3.jsonl";
            const text = report(auditInputs(prod.plan, prod.referenced), key);
            const queries = sqlBlocks(text, "WHERE object_key = ");
            assert.strictEqual(queries.length, inputsCount(prod.plan));
            for (const query of queries) {
                assert.ok(query.includes("\nWHERE object_key = 'o''brien/2025-01-30/CDLX_transactions_20250130_1738195200_2of3.jsonl'\nORDER BY"), query);
                assert.match(query, /WHERE "timestamp" BETWEEN '2025\/01\/27' AND '2025\/02\/02'\n/);
                assert.strictEqual(stringLiterals(query).filter((l) => l === key).length, 1);
            }
            assert.ok(text.includes("Object queries cover 2025-01-27 to 2025-02-02 (UTC): the key's date folder 2025-01-30 ± 3 days"));
        });

        it("prod with a key outside the convention, full of special characters: decoded comparison, default range", () => {
            const key = 'acme-bank/in box/100% "final" + it\'s\u00e9\n.csv';
            const query = objectOperationsSql({ database: "db", table: "t", key, placeholder: "unused", range: keyRange({ key, now }).range });
            // The log's key is URL-encoded, so it is decoded (per operation) before the comparison.
            assert.ok(
                query.includes(
                    "CASE WHEN operation = 'BATCH.DELETE.OBJECT' OR operation LIKE 'S3.%' THEN try(url_decode(key)) ELSE try(url_decode(url_decode(key))) END AS object_key",
                ),
            );
            assert.match(query, /\nWHERE object_key = U&'.*'\nORDER BY request_time, requestid;$/);
            assert.match(query, /WHERE "timestamp" BETWEEN '2025\/03\/08' AND '2025\/03\/14'\n/);
            assert.ok(stringLiterals(query).includes(key));
        });

        it("takes the partner's role from our ingress bucket's policy, which agrees with what the referenced stack exports", () => {
            const writers = auditInputs(prod.plan, prod.referenced).writers;
            assert.deepStrictEqual(writers, [
                {
                    counterpart: "cdlx",
                    ingressBucket: "acme-bank-prod-cdlx-ingress",
                    roleArns: ["arn:aws:iam::444455556666:role/cdlx-to-acme-bank-replication"],
                    source: "bucket policy",
                },
            ]);
            const partner = prod.referenced.find((p) => p.stack === "partner-prod");
            assert.ok(partner, "prod plans its referenced stack partner-prod");
            const theirLink = (partner.outputs.links as Record<string, { replicationRoleArn: string }>)["acme-bank"];
            assert.strictEqual(theirLink.replicationRoleArn, writers[0].roleArns[0]);
        });

        it("falls back to the referenced stack's role while our policy does not admit one, and to pending without either", () => {
            const withoutGrant: Plan = {
                ...prod.plan,
                resources: prod.plan.resources.filter((r) => !(r.type === BUCKET_POLICY && r.inputs.bucket === "acme-bank-prod-cdlx-ingress")),
            };
            assert.deepStrictEqual(auditInputs(withoutGrant, prod.referenced).writers[0], {
                counterpart: "cdlx",
                ingressBucket: "acme-bank-prod-cdlx-ingress",
                roleArns: ["arn:aws:iam::444455556666:role/cdlx-to-acme-bank-replication"],
                source: "referenced stack",
            });
            const alone = auditInputs(withoutGrant, []);
            assert.deepStrictEqual(alone.writers[0].roleArns, []);
            assert.strictEqual(alone.writers[0].source, "pending");
            assert.match(report(alone), /cdlx's replication role is pending/);
        });

        it("a config hand-over: the handed-over role, path dropped in its session ARN; a partner without a role is pending", () => {
            const inputs = auditInputs(handover.plan, handover.referenced);
            assert.deepStrictEqual(inputs.writers, [
                {
                    counterpart: "loyaltyco",
                    ingressBucket: "acme-bank-handover-loyaltyco-ingress",
                    roleArns: ["arn:aws:iam::999988887777:role/service-role/loyaltyco-outbound"],
                    source: "bucket policy",
                },
                { counterpart: "marketco", ingressBucket: "acme-bank-handover-marketco-ingress", roleArns: [], source: "pending" },
            ]);
            const text = report(inputs);
            const [writes] = sqlBlocks(text, "assumed-role/");
            assert.ok(writes.includes('FROM "s3_transfer_audit"."acme_bank_handover_loyaltyco_ingress_access_logs"'));
            assert.ok(writes.includes("requester LIKE 'arn:aws:sts::999988887777:assumed-role/loyaltyco-outbound/%' ESCAPE '\\'"), writes);
            assert.strictEqual(sqlBlocks(text, "assumed-role/").length, 1);
            assert.match(text, /marketco's replication role is pending/);
            // The loyaltyco link's root is not the publisher's name: the placeholder says so.
            // loyaltyco's link names its files with its own prefix (its name in upper case, as none is set).
            assert.ok(text.includes("WHERE object_key = 'acme-files/YYYY-MM-DD/LOYALTYCO_"));
            assert.ok(
                text.includes(
                    "s3://acme-bank-handover-logs-eu-west-1/s3-access-logs/acme-bank-handover-marketco-ingress/111122223333/eu-west-1/acme-bank-handover-marketco-ingress/",
                ),
            );
        });

        it("points at the CloudTrail data events when the stack has a trail", () => {
            const audit = prod.plan.outputs.audit as Record<string, unknown>;
            const trail = {
                mode: "create",
                name: "acme-bank-transfer-data-events",
                arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/acme-bank-transfer-data-events",
                logPrefix: "cloudtrail/AWSLogs/111122223333/CloudTrail/",
            };
            const withTrail: Plan = { ...prod.plan, outputs: { ...prod.plan.outputs, audit: { ...audit, trail } } };
            const text = report(auditInputs(withTrail, prod.referenced));
            assert.ok(
                text.includes(
                    "## CloudTrail data events\n\nTrail `acme-bank-transfer-data-events` records object-level events with the caller's full identity: `s3://acme-bank-prod-logs-us-east-1/cloudtrail/AWSLogs/111122223333/CloudTrail/`",
                ),
                text.slice(-600),
            );
            assert.doesNotMatch(report(auditInputs(prod.plan, prod.referenced)), /CloudTrail data events/);
        });

        it("several roles are alternatives of one requester condition", () => {
            const query = roleWritesSql({
                database: "db",
                table: "t",
                roleArns: ["arn:aws:iam::444455556666:role/old", "arn:aws:iam::444455556666:role/new"],
                range: { from: "2025-03-01", to: "2025-03-07" },
            });
            assert.ok(
                query.includes(
                    "WHERE (requester LIKE 'arn:aws:sts::444455556666:assumed-role/old/%' ESCAPE '\\'\n       OR requester LIKE 'arn:aws:sts::444455556666:assumed-role/new/%' ESCAPE '\\')\n",
                ),
                query,
            );
        });

        it("the CLI prints prod's real buckets and exits 0, and exits 2 on an unknown option", async () => {
            const run = (args: string[]) => runTool("audit-query", args);
            const ok = await run(["--config", fixtureFile("prod")]);
            assert.strictEqual(ok.status, 0, ok.stderr);
            const audit = prod.plan.outputs.audit as { logBuckets: Record<string, string>; accessLogs: Record<string, unknown> };
            for (const bucket of [...Object.keys(audit.accessLogs), ...Object.values(audit.logBuckets)]) assert.ok(ok.stdout.includes(bucket), `${bucket} not printed`);
            assert.match(ok.stdout, /^# Who wrote, read or deleted a file: acme-bank, stack prod\n/);

            const bad = await run(["--config", fixtureFile("prod"), "--bogus"]);
            assert.strictEqual(bad.status, 2, bad.stderr);
            assert.match(bad.stderr, /usage: npm run audit-query -- \(--stack <name> \| --config <file>\)/);
            assert.strictEqual(bad.stdout, "");
        });
    });
});

function inputsCount(plan: Plan): number {
    return Object.keys((plan.outputs.audit as { accessLogs: Record<string, unknown> }).accessLogs).length;
}
