/** The canary's verdict: exit code, text for a terminal, JSON for a scheduler. */
import { LinkResult, LinkStatus, seconds } from "./run-link";

export interface CanaryReport {
    /** --stack, if given. */
    stack: string | null;
    /** --outputs, if given: the outputs were read from this file. */
    outputsFile: string | null;
    partyName: string;
    side: string;
    accountId: string;
    startedAt: string;
    timeoutSeconds: number;
    intervalSeconds: number;
    keep: boolean;
    links: LinkResult[];
    summary: Record<LinkStatus, number>;
    exitCode: number;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/**
 * Denied and errored links exit 1 with failed ones: by then the options and
 * outputs were accepted, and a scheduled canary whose credentials lost a
 * permission must alert like a broken link, not pass for a typo. The report's
 * `status` tells the cases apart. Skipped links do not count either way.
 */
export function exitCodeOf(links: LinkResult[]): number {
    if (links.some((l) => l.status === "interrupted")) return EXIT_INTERRUPTED;
    if (links.some((l) => l.status !== "completed" && l.status !== "skipped")) return EXIT_FAILED;
    return EXIT_OK;
}

export function summarize(links: LinkResult[]): Record<LinkStatus, number> {
    const summary: Record<LinkStatus, number> = { completed: 0, failed: 0, "timed-out": 0, denied: 0, error: 0, interrupted: 0, skipped: 0 };
    for (const l of links) summary[l.status] += 1;
    return summary;
}

const LABEL: Record<LinkStatus, string> = {
    completed: "COMPLETED",
    failed: "FAILED",
    "timed-out": "TIMED OUT",
    denied: "DENIED",
    error: "ERROR",
    interrupted: "INTERRUPTED",
    skipped: "SKIPPED",
};

export function formatReport(report: CanaryReport): string {
    const what = report.stack !== null ? `stack ${report.stack}` : `the stack whose outputs are in ${report.outputsFile}`;
    const lines = [`Replication canary of ${what} (${report.partyName}, ${report.side}, account ${report.accountId}), started ${report.startedAt}`, ""];
    const width = Math.max(...report.links.map((l) => l.counterpart.length), 4);
    const pad = " ".repeat(width + 18);
    for (const l of report.links) {
        lines.push(`  ${l.counterpart.padEnd(width)}  ${LABEL[l.status].padEnd(12)}  ${headline(l)}`);
        if (l.key) lines.push(`${pad}object: s3://${l.bucket}/${l.key}${l.versionId ? ` (version ${l.versionId})` : ""}, ${l.region}`);
        if (l.status !== "completed" && l.status !== "skipped") lines.push(`${pad}${l.reason}`);
        for (const h of l.hints) lines.push(`${pad}- ${h}`);
        if (l.cleanup.action !== "none" || l.key) lines.push(`${pad}cleanup: ${l.cleanup.detail}${l.cleanup.command ? `\n${pad}  ${l.cleanup.command}` : ""}`);
        if (l.replica) lines.push(`${pad}replica: ${l.replica.key}: ${l.replica.note}`);
        for (const w of l.warnings) lines.push(`${pad}warning: ${w}`);
        lines.push("");
    }
    const counts = Object.entries(report.summary)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`);
    lines.push(`result: ${counts.join(", ")}; exit ${report.exitCode}`);
    return `${lines.join("\n")}\n`;
}

function headline(l: LinkResult): string {
    if (l.status === "completed" && l.latencyMs !== undefined) {
        const window =
            l.notBeforeMs !== undefined && l.pollGranularityMs !== undefined
                ? ` (between ${seconds(l.notBeforeMs)} and ${seconds(l.latencyMs)}: poll granularity ${seconds(l.pollGranularityMs)}, ${l.polls} poll${l.polls === 1 ? "" : "s"})`
                : "";
        return `replicated in ${seconds(l.latencyMs)}${window}`;
    }
    if (l.status === "skipped") return l.reason;
    const status = l.replicationStatus === null ? "no replication status" : l.replicationStatus ? `last status ${l.replicationStatus}` : undefined;
    const parts = [status, l.elapsedMs !== undefined ? `after ${seconds(l.elapsedMs)}` : undefined, l.polls ? `${l.polls} poll${l.polls === 1 ? "" : "s"}` : undefined].filter(
        Boolean,
    );
    return parts.join(", ") || (l.error ? `${l.error.operation} ${l.error.code}` : "");
}

export function reportJson(report: CanaryReport): string {
    return `${JSON.stringify(report, null, 2)}\n`;
}
