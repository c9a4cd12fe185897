/**
 * The first thing `npm run plan` prints: one table per stack, a line per
 * counterpart, with what people look for before reading the resource tree:
 * the link's state, encryption and region, whether replication runs (active,
 * pending until the counterpart's ingress is known, stopped once offboarding),
 * whether their role is admitted, the real names of our two buckets, and
 * whether those buckets are retained (kept in AWS when they leave the stack)
 * and protected (no `up` deletes them).
 */
import { LinkOutputsSchema, outputsByName, parseOutputs } from "../../infra/contract/outputs";
import type { Plan, PlannedResource } from "./engine";

const SummarySchema = outputsByName(
    LinkOutputsSchema.pick({
        state: true,
        region: true,
        egressBucketName: true,
        ingressBucketName: true,
        ingressKmsKeyArn: true,
        replication: true,
        ingressGrant: true,
    }),
);

export interface LinkSummary {
    counterpart: string;
    /** The counterpart's config entry (`s3-transfer:partners[2]`), for `pulumi config set --path '<entry>.state' offboarding`. */
    entry?: string;
    state: string;
    encryption: "SSE-KMS" | "SSE-S3";
    region: string;
    replication: "active" | "pending" | "stopped";
    grant: "active" | "pending" | "revoked";
    egressBucket: string;
    ingressBucket: string;
    /** How both buckets leave the stack: `retained, protected`, `retained`, or `deleted`. */
    retained: string;
}

function bucketKeeping(resources: PlannedResource[], name: string): string {
    const bucket = resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.inputs.bucket === name);
    if (!bucket) return "?";
    return [bucket.retainOnDelete ? "retained" : "deleted", ...(bucket.protect ? ["protected"] : [])].join(", ");
}

/** One line per counterpart link of a plan; `entries` maps a counterpart to its config key, when known. */
export function linkSummaries(plan: Plan, entries: Record<string, string> = {}): LinkSummary[] {
    const parsed = parseOutputs(SummarySchema, plan.outputs.links ?? {});
    if (parsed.problems) return [];
    return Object.entries(parsed.outputs).map(([counterpart, link]) => {
        const stopped = link.state !== "active";
        const keeping = [bucketKeeping(plan.resources, link.egressBucketName), bucketKeeping(plan.resources, link.ingressBucketName)];
        return {
            counterpart,
            ...(entries[counterpart] ? { entry: entries[counterpart] } : {}),
            state: link.state,
            // A link's buckets have customer managed keys exactly when they are SSE-KMS.
            encryption: link.ingressKmsKeyArn ? "SSE-KMS" : "SSE-S3",
            region: link.region,
            replication: stopped ? "stopped" : link.replication,
            grant: stopped ? "revoked" : link.ingressGrant,
            egressBucket: link.egressBucketName,
            ingressBucket: link.ingressBucketName,
            retained: keeping[0] === keeping[1] ? keeping[0] : `egress ${keeping[0]}; ingress ${keeping[1]}`,
        };
    });
}

const COLUMNS: [keyof LinkSummary, string][] = [
    ["counterpart", "counterpart"],
    ["entry", "config entry"],
    ["state", "state"],
    ["encryption", "encryption"],
    ["region", "region"],
    ["replication", "replication"],
    ["grant", "grant"],
    ["egressBucket", "egress bucket"],
    ["ingressBucket", "ingress bucket"],
    ["retained", "buckets on delete"],
];

/** The table, its columns aligned, as a terminal shows it. */
export function formatSummary(plan: Plan, summaries: LinkSummary[]): string {
    const heading = `Stack ${plan.project}/${plan.stack}: ${summaries.length} counterpart${summaries.length === 1 ? "" : "s"}, ${plan.resources.length} resources`;
    if (!summaries.length) return `${heading}\n  (no counterparts)`;
    const columns = COLUMNS.filter(([key]) => summaries.some((s) => s[key] !== undefined));
    const cells = [columns.map(([, title]) => title), ...summaries.map((s) => columns.map(([key]) => String(s[key] ?? "")))];
    const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
    const line = (row: string[]) => `  ${row.map((cell, i) => cell.padEnd(widths[i])).join("  ")}`.trimEnd();
    return [heading, line(cells[0]), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join("\n");
}
