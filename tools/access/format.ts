/** The access matrix as Markdown (for people and the README) or JSON (for tools). */
import type { AccessMatrixResult, AccessRow } from "./index";
import { keySource } from "./context-sources";
import type { ExpectedMatrix, SubjectKind } from "./matrix";

const SUBJECT_HEADING: Record<SubjectKind, string> = {
    link: "Link to",
    vendorDrop: "Vendor drop",
    serviceDestination: "Service destination",
    logBucket: "Log bucket",
};

function cell(text: string): string {
    return text.replace(/\|/g, "\\|");
}

function decisionCell(row: AccessRow): string {
    if (row.status === "not-evaluated") return "not evaluated";
    if (row.status === "error") return "error";
    return row.status === "partial" ? `${row.decision} (this side alone)` : String(row.decision);
}

function mark(row: AccessRow): string {
    if (row.ok === undefined) return "–";
    return row.ok ? "yes" : "**NO**";
}

function list(items: string[]): string {
    return items.map((i) => `\`${i}\``).join(", ");
}

/** The resource, with the context keys that tell the request from its neighbours (a listing's s3:prefix, an external ID). */
function resourceCell(row: AccessRow): string {
    const keys = Object.entries(row.requestKeys ?? {}).map(([k, v]) => `\`${k}\` = \`${cell(v)}\``);
    return `\`${cell(row.resource)}\`${keys.length ? ` with ${keys.join(", ")}` : ""}`;
}

/**
 * Rows that differ only in action and transport read as one line when they are
 * the full product of their actions and transports; otherwise each transport
 * gets its own line, so no line claims a request that was not made.
 */
function groupRows(rows: AccessRow[]): { row: AccessRow; actions: string[]; transports: string[]; evidence: string[] }[] {
    const keyOf = (r: AccessRow) => JSON.stringify([r.principal, r.resource, r.requestKeys, r.expected, r.decision, r.status, r.ok, r.note, r.evidence, r.assumedContextKeys]);
    const groups = new Map<string, AccessRow[]>();
    for (const r of rows) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
    const lines: { row: AccessRow; actions: string[]; transports: string[]; evidence: string[] }[] = [];
    const unique = (xs: string[]) => [...new Set(xs)];
    for (const members of groups.values()) {
        const actions = unique(members.map((r) => r.action));
        const transports = unique(members.map((r) => r.transport));
        const parts = members.length === actions.length * transports.length ? [members] : transports.map((t) => members.filter((r) => r.transport === t));
        for (const part of parts) {
            lines.push({
                row: part[0],
                actions: unique(part.map((r) => r.action)),
                transports: unique(part.map((r) => r.transport)),
                evidence: unique(part.flatMap((r) => r.evidence)),
            });
        }
    }
    return lines;
}

export function summary(result: AccessMatrixResult): string {
    const { rows, mismatches, notEvaluated } = result;
    const partial = rows.filter((r) => r.status === "partial").length;
    return (
        `${rows.length} requests: ${rows.length - mismatches.length - notEvaluated.length} as expected` +
        `${partial ? ` (${partial} decided by this side's policies alone)` : ""}, ${mismatches.length} not as expected, ${notEvaluated.length} not evaluated`
    );
}

export function formatMarkdown(result: AccessMatrixResult, matrix: ExpectedMatrix): string {
    const out: string[] = [];
    const subjectOf = (r: AccessRow) => `${r.scope}\u0000${r.link}`;
    const subjects = [...new Set(result.rows.map(subjectOf))];
    if (!result.rows.length) {
        return noRequests(result);
    }
    out.push(heading(result));
    for (const subject of subjects) {
        const linkRows = result.rows.filter((r) => subjectOf(r) === subject);
        if (subjects.length > 1) out.push("", `${SUBJECT_HEADING[linkRows[0].scope]} **${linkRows[0].link}**`);
        for (const [kind, description] of Object.entries(matrix.kinds)) {
            const rows = linkRows.filter((r) => r.kind === kind);
            if (!rows.length) continue;
            out.push("", `**${kind}**: ${description}`, "");
            out.push("| principal | action | resource | transport | expected | decision | as expected | why |");
            out.push("|---|---|---|---|---|---|---|---|");
            for (const { row, actions, transports, evidence } of groupRows(rows)) {
                const assumed = row.assumedContextKeys?.length
                    ? [`tests ${list(row.assumedContextKeys)}, which AWS is assumed, not documented, to send here (see Context keys)`]
                    : [];
                const why = [...evidence, ...(row.note ? [row.note] : []), ...assumed].join("; ");
                out.push(
                    `| ${cell(row.principal)} | ${list(actions)} | ${resourceCell(row)} | ${transports.join(", ")} | ${row.expected ?? "unknown"} | ${decisionCell(row)} | ${mark(row)} | ${cell(why)} |`,
                );
            }
        }
    }
    out.push("", ...contextKeysSection(result.rows));
    out.push(...mismatchSection(result));
    return out.join("\n");
}

/** What `npm run access` prints by default: the heading with its counts, each request that is not as expected, and why others were not evaluated. */
export function formatSummary(result: AccessMatrixResult): string {
    if (!result.rows.length) return noRequests(result);
    return [heading(result), ...mismatchSection(result), ...notEvaluatedSection(result)].join("\n");
}

/** The requests not evaluated, counted by reason: what no plan here holds, for the pre-production canary to prove. */
function notEvaluatedSection(result: AccessMatrixResult): string[] {
    if (!result.notEvaluated.length) return [];
    const reasons = new Map<string, number>();
    for (const r of result.notEvaluated) reasons.set(r.note ?? "no reason recorded", (reasons.get(r.note ?? "no reason recorded") ?? 0) + 1);
    return [
        "",
        `**Not evaluated** (${result.notEvaluated.length}), by reason:`,
        "",
        ...[...reasons.entries()].sort(([, a], [, b]) => b - a).map(([reason, count]) => `- ${count} request${count === 1 ? "" : "s"}: ${reason}`),
    ];
}

/** What a letter of the compact view stands for, and the actions it covers. */
export const ACTION_CLASSES: readonly { letter: string; meaning: string; actions: RegExp }[] = [
    { letter: "L", meaning: "list the bucket or read its settings", actions: /^s3:(ListBucket|GetBucket\w*|GetReplicationConfiguration)$/ },
    { letter: "R", meaning: "read objects (or decrypt them)", actions: /^(s3:GetObject\w*|kms:Decrypt)$/ },
    {
        letter: "W",
        meaning: "write or replicate objects (or encrypt them)",
        actions: /^(s3:(PutObject|PutObjectAcl|Replicate(Object|Tags)|ObjectOwnerOverrideToBucketOwner)|kms:(Encrypt|GenerateDataKey\w*))$/,
    },
    { letter: "D", meaning: "delete objects or replicate deletes", actions: /^s3:(DeleteObject\w*|ReplicateDelete)$/ },
    { letter: "A", meaning: "administer: change policies, settings or the role", actions: /^(s3:(Put|Delete)(Bucket\w*|\w*Configuration)|iam:\w+|kms:PutKeyPolicy)$/ },
    { letter: "S", meaning: "assume the role", actions: /^sts:AssumeRole\w*$/ },
];

const classOf = (action: string) => ACTION_CLASSES.find((c) => c.actions.test(action))?.letter;

/** The bucket a request is about (`arn:aws:s3:::bucket/key` -> `bucket`), or undefined for a role, a key or what no plan resolved. */
function bucketOf(row: AccessRow): string | undefined {
    return /^arn:[\w-]+:s3:::([^/]+)/.exec(row.resourceArn ?? "")?.[1];
}

/**
 * A principal-by-bucket grid per link (and per log bucket): in each cell the
 * letters of what the principal may do on that bucket and its objects, as the
 * simulator decided it over any transport; `·` when everything it asked there
 * was denied; `!` after a cell where a decision is not the expected one, `?`
 * where one was not evaluated. Requests on roles and keys, and those whose
 * bucket no plan here names, are left to --full.
 */
export function formatCompact(result: AccessMatrixResult): string {
    if (!result.rows.length) return noRequests(result);
    const out = [heading(result)];
    const subjectOf = (r: AccessRow) => `${r.scope}\u0000${r.link}`;
    const onBuckets = result.rows.filter((r) => bucketOf(r) !== undefined);
    for (const subject of [...new Set(onBuckets.map(subjectOf))]) {
        const rows = onBuckets.filter((r) => subjectOf(r) === subject);
        const principals = [...new Set(rows.map((r) => r.principal))];
        const columns = [...new Set(rows.map((r) => bucketOf(r)!))];
        const cellOf = (principal: string, bucket: string): string => {
            const here = rows.filter((r) => r.principal === principal && bucketOf(r) === bucket);
            if (!here.length) return "";
            const allowed = ACTION_CLASSES.map((c) => c.letter).filter((letter) => here.some((r) => r.decision === "Allowed" && classOf(r.action) === letter));
            const marks = `${here.some((r) => r.ok === false) ? "!" : ""}${here.some((r) => r.status === "not-evaluated") ? "?" : ""}`;
            // "·" only where something was decided: a cell whose requests all wait on the other side shows "?" alone.
            const denied = here.some((r) => r.decision !== undefined) ? "·" : "";
            return `${allowed.join("") || denied}${marks}`;
        };
        out.push("", `${SUBJECT_HEADING[rows[0].scope]} **${rows[0].link}**`, "");
        out.push(`| principal | ${columns.map((c) => `\`${cell(c)}\``).join(" | ")} |`);
        out.push(`|---|${columns.map(() => "---").join("|")}|`);
        for (const principal of principals) out.push(`| ${cell(principal)} | ${columns.map((c) => cellOf(principal, c)).join(" | ")} |`);
    }
    out.push(
        "",
        `${ACTION_CLASSES.map((c) => `**${c.letter}** ${c.meaning}`).join(", ")}; **·** every request decided there denied; **!** a decision not as expected; **?** a request not evaluated (its decision rests on a policy no plan here holds); an empty cell: no request made. Requests on roles and keys, and on buckets no plan here names, are in --full.`,
    );
    out.push(...mismatchSection(result));
    return out.join("\n");
}

function noRequests(result: AccessMatrixResult): string {
    return `Stack \`${result.stack}\` has no counterpart links, vendor drops, service destinations or log buckets, so the access matrix has no requests to evaluate.`;
}

function heading(result: AccessMatrixResult): string {
    return `Access matrix of stack \`${result.stack}\`${result.referenced.length ? ` (the other side from the plan of ${result.referenced.map((s) => `\`${s}\``).join(", ")})` : ""}: ${summary(result)}.`;
}

function mismatchSection(result: AccessMatrixResult): string[] {
    if (!result.mismatches.length) return [];
    return [
        "",
        `**Not as expected** (${result.mismatches.length}):`,
        "",
        ...result.mismatches.map(
            (r) =>
                `- ${r.principal} \`${r.action}\` on \`${r.resource}\` over ${r.transport}: expected ${r.expected ?? "unknown"}, got ${r.decision ?? r.status}${r.note ? ` (${r.note})` : ""}`,
        ),
    ];
}

/** Every context key the requests carry, and where it comes from: AWS's documentation, or our assumption (listed where a policy tests it). */
export function contextKeysSection(rows: AccessRow[]): string[] {
    const lines = new Map<string, string>();
    for (const row of rows) {
        for (const key of Object.keys(row.context)) {
            const source = keySource(key, row.context, row.action);
            // An assumed key no policy tests on this request decides nothing: left out.
            if (!source.documented && !row.assumedContextKeys?.includes(key)) continue;
            const service = row.context["aws:PrincipalServiceName"];
            const sentBy = key === "aws:SourceAccount" || key === "aws:SourceArn" ? `${service ?? "the caller"} on \`${row.action}\`` : "every request that carries it";
            const text = `| \`${key}\` | ${sentBy} | ${source.documented ? `documented: ${source.source}` : `**assumed**: ${cell(source.why)}`} |`;
            lines.set(`${key}\u0000${sentBy}`, text);
        }
    }
    return [
        "**Context keys**: where each key the requests carry comes from. A decision that tests an assumed key is for the pre-production canary to confirm.",
        "",
        "| key | sent by | source |",
        "|---|---|---|",
        ...[...lines.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, line]) => line),
    ];
}

export function formatJson(result: AccessMatrixResult): string {
    return JSON.stringify({ ...result, summary: summary(result) }, null, 2);
}
