/**
 * Athena SQL over S3 server access logs, as pure functions of plain data:
 * the table of one bucket's logs, the operations on one object key, and the
 * writes of a counterpart's replication role.
 *
 * Sources:
 * - Log object keys with the partitioned prefix (EventTime):
 *   `[DestinationPrefix][SourceAccountId]/[SourceRegion]/[SourceBucket]/[YYYY]/[MM]/[DD]/[YYYY]-[MM]-[DD]-[hh]-[mm]-[ss]-[UniqueString]`,
 *   S3 API Reference, PartitionedPrefix:
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_PartitionedPrefix.html
 * - Columns, RegexSerDe and partition projection: S3 User Guide, "Using Amazon
 *   S3 server access logs to identify requests" (the date-based partitioning
 *   example): https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-s3-access-logs-to-identify-requests.html
 * - Field meanings (Key "URL encoded", Operation grammar, Time format): S3
 *   User Guide, "Amazon S3 server access log format":
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
 */
import { arns } from "../../infra/policies/document";

export interface AccessLogLocation {
    /** The data bucket whose requests are logged. */
    bucket: string;
    /** Its region, which is also its log bucket's region (S3 requires it). */
    region: string;
    /** The account that owns both buckets. */
    accountId: string;
    logBucket: string;
    /** The logging target prefix, `s3-access-logs/<bucket>/`. */
    prefix: string;
}

/** Inclusive, in UTC, as `YYYY-MM-DD`. */
export interface DateRange {
    from: string;
    to: string;
}

/**
 * The earliest day a partitioned log object can carry: S3 introduced the
 * partitioned prefix in November 2023, so no projection needs earlier days.
 */
export const PROJECTION_START = "2023-11-01";

export const DEFAULT_DATABASE = "s3_transfer_audit";

/**
 * AWS's column list for server access logs, in log-field order. The regex
 * below has one group per column; the first 18 fields are always present,
 * the rest were added to the format over time and are optional.
 */
export const ACCESS_LOG_COLUMNS: readonly (readonly [name: string, type: "STRING" | "BIGINT"])[] = [
    ["bucketowner", "STRING"],
    ["bucket_name", "STRING"],
    ["requestdatetime", "STRING"],
    ["remoteip", "STRING"],
    ["requester", "STRING"],
    ["requestid", "STRING"],
    ["operation", "STRING"],
    ["key", "STRING"],
    ["request_uri", "STRING"],
    ["httpstatus", "STRING"],
    ["errorcode", "STRING"],
    ["bytessent", "BIGINT"],
    ["objectsize", "BIGINT"],
    ["totaltime", "STRING"],
    ["turnaroundtime", "STRING"],
    ["referrer", "STRING"],
    ["useragent", "STRING"],
    ["versionid", "STRING"],
    ["hostid", "STRING"],
    ["sigv", "STRING"],
    ["ciphersuite", "STRING"],
    ["authtype", "STRING"],
    ["endpoint", "STRING"],
    ["tlsversion", "STRING"],
    ["accesspointarn", "STRING"],
    ["aclrequired", "STRING"],
];

/**
 * AWS's `input.regex`, exactly as it appears inside the DDL's string literal
 * (Hive unescapes `\\` and `\"` once more). The trailing `.*$` lets fields
 * that S3 appends in future pass without breaking the table.
 */
export const ACCESS_LOG_REGEX_LITERAL = String.raw`([^ ]*) ([^ ]*) \\[(.*?)\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$`;

/** `requestdatetime` as S3 writes it, `[%d/%b/%Y:%H:%M:%S %z]` without the brackets, in Joda syntax for parse_datetime. */
const REQUEST_TIME = "parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')";

/**
 * The key field is URL-encoded, but not uniformly: most operations log it
 * encoded twice, while BATCH.DELETE.OBJECT and S3.EXPIRE.OBJECT log it
 * encoded once (Yelp Engineering, "S3 server access logs at scale",
 * 2025-09, section "Idiosyncrasy in key encoding":
 * https://engineeringblog.yelp.com/2025/09/s3-server-access-logs-at-scale.html).
 * S3's own `S3.<action>` operations (lifecycle, logging) come from the same
 * internal service as S3.EXPIRE.OBJECT, so they are decoded once too.
 * Decoding the log rather than encoding the wanted key avoids guessing which
 * characters S3's encoder leaves alone; try() turns an entry that does not
 * decode into NULL instead of failing the whole query.
 */
export const DECODED_KEY = "CASE WHEN operation = 'BATCH.DELETE.OBJECT' OR operation LIKE 'S3.%' THEN try(url_decode(key)) ELSE try(url_decode(url_decode(key))) END";

/**
 * Operations that change an object. Replication writes are logged in the
 * destination bucket under the ordinary REST names, with the source's
 * replication role session as requester: REST.PUT.OBJECT for a replica,
 * REST.PUT.OBJECT_TAGGING for replicated tags, REST.DELETE.OBJECT for a
 * replicated delete marker, REST.PUT.ACL for an ACL. AWS documents no
 * replication-specific name: its Operation field is `SOAP.operation`,
 * `REST.HTTP_method.resource_type`, `WEBSITE.HTTP_method.resource_type`,
 * `BATCH.DELETE.OBJECT` or `S3.action.resource_type` (LogFormat, above); the
 * REST names per replicated change are what Scality's S3-compatible server
 * reproduces from its study of AWS's replication logging (scality/cloudserver
 * pull 6164, "Log replication events in server access logs", and its
 * log-courier end-to-end tests). Matching every PUT, POST, DELETE and COPY
 * (less the `_GET` half of a copy, which is a read) rather than that list
 * keeps multipart and object-lock writes in.
 */
export const WRITE_OPERATION = String.raw`regexp_like(operation, '^(REST\.(PUT|POST|DELETE|COPY)\.|BATCH\.DELETE\.)') AND NOT regexp_like(operation, '_GET$')`;

/** Where S3 writes the bucket's log objects: the target prefix, then account, region and bucket. */
export function logObjectsPrefix(loc: AccessLogLocation): string {
    return `${loc.prefix}${loc.accountId}/${loc.region}/${loc.bucket}/`;
}

export function logObjectsUri(loc: AccessLogLocation): string {
    return `s3://${loc.logBucket}/${logObjectsPrefix(loc)}`;
}

/**
 * A SQL string literal. Quotes are doubled; a key with control characters
 * (S3 allows them) becomes a Unicode-escaped literal so it survives copying
 * out of a terminal or a Markdown page.
 */
export function sqlString(value: string): string {
    if (!/[\u0000-\u001f\u007f-\u009f]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
    let body = "";
    for (const ch of value) {
        const code = ch.codePointAt(0) as number;
        if (ch === "'") body += "''";
        else if (ch === "\\") body += "\\\\";
        else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) body += `\\${code.toString(16).padStart(4, "0")}`;
        else body += ch;
    }
    return `U&'${body}'`;
}

/** A LIKE pattern that matches `prefix` literally, then anything; `\` escapes. */
export function likePrefix(prefix: string): string {
    return `${sqlString(`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)} ESCAPE '\\'`;
}

/** Athena table names: lowercase letters, digits and underscores. */
export function tableNameFor(bucket: string): string {
    return `${bucket
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "")}_access_logs`;
}

export function databaseNameProblem(name: string): string | undefined {
    return /^[a-z0-9_]{1,255}$/.test(name) ? undefined : `must be lowercase letters, digits and underscores (Athena database names), got ${JSON.stringify(name)}`;
}

/** `YYYY-MM-DD` to the partition value S3 writes, `YYYY/MM/DD`. */
export function partitionValue(date: string): string {
    return date.replace(/-/g, "/");
}

export function createDatabaseSql(database: string): string {
    return `CREATE DATABASE IF NOT EXISTS \`${database}\`;`;
}

export function createTableSql(args: { database: string; table: string; location: AccessLogLocation }): string {
    const uri = logObjectsUri(args.location);
    const columns = ACCESS_LOG_COLUMNS.map(([name, type]) => `  \`${name}\` ${type}`).join(",\n");
    return [
        `CREATE EXTERNAL TABLE IF NOT EXISTS \`${args.database}\`.\`${args.table}\` (`,
        columns,
        ")",
        "PARTITIONED BY (",
        "  `timestamp` STRING)",
        "ROW FORMAT SERDE",
        "  'org.apache.hadoop.hive.serde2.RegexSerDe'",
        "WITH SERDEPROPERTIES (",
        `  'input.regex'='${ACCESS_LOG_REGEX_LITERAL}')`,
        "STORED AS INPUTFORMAT",
        "  'org.apache.hadoop.mapred.TextInputFormat'",
        "OUTPUTFORMAT",
        "  'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
        "LOCATION",
        `  '${uri}'`,
        "TBLPROPERTIES (",
        "  'projection.enabled'='true',",
        "  'projection.timestamp.type'='date',",
        "  'projection.timestamp.format'='yyyy/MM/dd',",
        `  'projection.timestamp.range'='${partitionValue(PROJECTION_START)},NOW',`,
        "  'projection.timestamp.interval'='1',",
        "  'projection.timestamp.interval.unit'='DAYS',",
        `  'storage.location.template'='${uri}\${timestamp}');`,
    ].join("\n");
}

function partitionFilter(range: DateRange): string {
    return `"timestamp" BETWEEN ${sqlString(partitionValue(range.from))} AND ${sqlString(partitionValue(range.to))}`;
}

const KEY_COMMENT = "-- key is URL-encoded in the log (twice; once for BATCH.DELETE.OBJECT and S3.* operations): compare it decoded.";

/**
 * The requests of a date range with their key decoded; the partition filter
 * sits inside so that Athena reads only those days' log objects.
 */
function requestsOfRange(database: string, table: string, range: DateRange): string[] {
    return [
        "WITH requests AS (",
        `  SELECT *, ${REQUEST_TIME} AS request_time, ${DECODED_KEY} AS object_key`,
        `  FROM "${database}"."${table}"`,
        `  WHERE ${partitionFilter(range)}`,
        ")",
    ];
}

/** `key`: the object key as written to S3; without it, `placeholder` stands in for it. */
export function objectOperationsSql(args: { database: string; table: string; key?: string; placeholder: string; range: DateRange }): string {
    return [
        KEY_COMMENT,
        ...requestsOfRange(args.database, args.table, args.range),
        "SELECT request_time, requester, operation, object_key, versionid AS version_id,",
        "       httpstatus AS http_status, errorcode AS error_code, remoteip AS remote_ip,",
        "       tlsversion AS tls_version, requestid AS request_id",
        "FROM requests",
        `WHERE object_key = ${sqlString(args.key ?? args.placeholder)}`,
        "ORDER BY request_time, requestid;",
    ].join("\n");
}

/** The session ARN prefix of a role: sessions drop the role's path and add `/<session name>`. */
export interface RoleSession {
    roleArn: string;
    sessionArnPrefix: string;
}

const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([\w+=,.@-]{1,64})$/;

export function roleSession(roleArn: string): RoleSession {
    const m = ROLE_ARN.exec(roleArn);
    if (!m) throw new Error(`not an IAM role ARN: ${JSON.stringify(roleArn)}`);
    const [, partition, account, name] = m;
    return { roleArn, sessionArnPrefix: arns.assumedRole(partition, account, name, "") };
}

export function roleWritesSql(args: { database: string; table: string; roleArns: string[]; range: DateRange }): string {
    if (!args.roleArns.length) throw new Error("roleWritesSql needs at least one role ARN");
    const requesters = args.roleArns.map((arn) => `requester LIKE ${likePrefix(roleSession(arn).sessionArnPrefix)}`);
    return [
        "-- Replication writes are logged under the ordinary REST names (REST.PUT.OBJECT, REST.PUT.OBJECT_TAGGING,",
        "-- REST.DELETE.OBJECT for a delete marker) with the role's session as requester; every PUT, POST, DELETE and COPY counts.",
        ...requestsOfRange(args.database, args.table, args.range),
        "SELECT request_time, requester, operation, object_key, versionid AS version_id,",
        "       objectsize AS object_size, httpstatus AS http_status, errorcode AS error_code,",
        "       requestid AS request_id",
        "FROM requests",
        `WHERE (${requesters.join("\n       OR ")})`,
        `  AND ${WRITE_OPERATION}`,
        "ORDER BY request_time, requestid;",
    ].join("\n");
}
