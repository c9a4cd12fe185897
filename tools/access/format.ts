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

/** What `npm run access` prints by default: the heading with its counts, and each request that is not as expected. */
export function formatSummary(result: AccessMatrixResult): string {
    if (!result.rows.length) return noRequests(result);
    return [heading(result), ...mismatchSection(result)].join("\n");
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
