/**
 * What the queries need from a planned stack: where each data bucket's
 * access logs land, what each bucket is for, and which role of each
 * counterpart may write into our ingress bucket.
 */
import { z } from "zod";
import { AuditOutputsSchema, describeOutputProblems, linkFileNamePrefix, LinkOutputsSchema, outputsByName, parseOutputs, StackOutputsSchema } from "../../infra/contract/outputs";
import { statementsOf } from "../../infra/policies/document";
import type { Plan } from "../plan/engine";
import { AccessLogLocation, roleSession } from "./sql";

type PlanData = Pick<Plan, "stack" | "outputs" | "resources">;

export type BucketPurpose =
    { kind: "egress" | "ingress"; counterpart: string; root: string; fileNamePrefix: string } | { kind: "vendor-drop" | "service-destination"; name: string } | { kind: "data" };

export interface AuditBucket extends AccessLogLocation {
    purpose: BucketPurpose;
}

export interface CounterpartWriter {
    counterpart: string;
    ingressBucket: string;
    /** Empty while the counterpart's role is pending. */
    roleArns: string[];
    /**
     * `bucket policy`: the `aws:PrincipalArn` of the ingress bucket's Allow
     * statements, exactly who may write; `referenced stack`: the role the
     * counterpart's own stack exports for this link, when our policy does
     * not admit it yet; `pending`: neither.
     */
    source: "bucket policy" | "referenced stack" | "pending";
}

export interface TrailInfo {
    mode: "create" | "extend";
    name: string;
    arn: string;
    logUri?: string;
}

export interface AuditInputs {
    stack: string;
    partyName: string;
    accountId: string;
    region: string;
    buckets: AuditBucket[];
    writers: CounterpartWriter[];
    trail?: TrailInfo;
}

const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

/** What the queries read of the contract (infra/contract/outputs.ts). */
const AuditedStackSchema = StackOutputsSchema.pick({ partyName: true, accountId: true, region: true, vendorDrops: true, serviceDestinations: true }).extend({
    links: outputsByName(LinkOutputsSchema.pick({ root: true, fileNamePrefix: true, egressBucketName: true, ingressBucketName: true })),
    audit: AuditOutputsSchema.pick({ logBuckets: true, accessLogs: true, trail: true }),
});
type AuditedStack = z.infer<typeof AuditedStackSchema>;

/** Of a referenced stack, only its links' roles: it may be planned from another version of its config. */
const ReferencedLinksSchema = outputsByName(LinkOutputsSchema.pick({ replicationRoleArn: true }).partial());

/** The plan is of this program, so its outputs fit the contract; if not, say which output does not. */
function auditedStack(plan: PlanData): AuditedStack {
    const parsed = parseOutputs(AuditedStackSchema, plan.outputs);
    if (parsed.problems) throw new Error(describeOutputProblems(`stack ${plan.stack}`, parsed));
    return parsed.outputs;
}

export function auditInputs(plan: PlanData, referenced: PlanData[] = []): AuditInputs {
    const outputs = auditedStack(plan);
    const { accountId, partyName, audit, links } = outputs;

    const purposes = new Map<string, BucketPurpose>();
    for (const [counterpart, link] of Object.entries(links)) {
        const fileNamePrefix = linkFileNamePrefix(link);
        purposes.set(link.egressBucketName, { kind: "egress", counterpart, root: link.root, fileNamePrefix });
        purposes.set(link.ingressBucketName, { kind: "ingress", counterpart, root: link.root, fileNamePrefix });
    }
    for (const [name, drop] of Object.entries(outputs.vendorDrops)) purposes.set(drop.bucketName, { kind: "vendor-drop", name });
    for (const [name, dest] of Object.entries(outputs.serviceDestinations)) purposes.set(dest.bucketName, { kind: "service-destination", name });

    const buckets: AuditBucket[] = Object.entries(audit.accessLogs)
        .map(([bucket, log]) => ({
            bucket,
            region: log.region,
            accountId,
            logBucket: log.logBucket,
            prefix: log.prefix,
            purpose: purposes.get(bucket) ?? { kind: "data" as const },
        }))
        .sort((a, b) => a.bucket.localeCompare(b.bucket));

    const writers = Object.entries(links)
        .map(([counterpart, link]) => counterpartWriter(plan, referenced, partyName, counterpart, link))
        .sort((a, b) => a.counterpart.localeCompare(b.counterpart));

    const trail = audit.trail
        ? {
              mode: audit.trail.mode,
              name: audit.trail.name,
              arn: audit.trail.arn,
              ...(audit.trail.logPrefix ? { logUri: `s3://${audit.logBuckets[outputs.region]}/${audit.trail.logPrefix}` } : {}),
          }
        : undefined;

    return { stack: plan.stack, partyName, accountId, region: outputs.region, buckets, writers, ...(trail ? { trail } : {}) };
}

function counterpartWriter(plan: PlanData, referenced: PlanData[], partyName: string, counterpart: string, link: AuditedStack["links"][string]): CounterpartWriter {
    const ingressBucket = link.ingressBucketName;
    const admitted = admittedPrincipals(plan, ingressBucket);
    if (admitted.length) return { counterpart, ingressBucket, roleArns: admitted, source: "bucket policy" };
    // A referenced stack's link to us names the role it replicates into our ingress with.
    for (const other of referenced) {
        if (other.outputs.partyName !== counterpart) continue;
        const theirLinks = ReferencedLinksSchema.safeParse(other.outputs.links ?? {});
        const theirLink = theirLinks.success ? theirLinks.data[partyName] : undefined;
        if (theirLink?.replicationRoleArn) return { counterpart, ingressBucket, roleArns: [theirLink.replicationRoleArn], source: "referenced stack" };
    }
    return { counterpart, ingressBucket, roleArns: [], source: "pending" };
}

/** The role ARNs the bucket's policy admits by `aws:PrincipalArn` in its Allow statements. */
export function admittedPrincipals(plan: Pick<Plan, "resources">, bucket: string): string[] {
    const found = new Set<string>();
    for (const resource of plan.resources) {
        if (resource.type !== BUCKET_POLICY || resource.inputs.bucket !== bucket) continue;
        const policy = resource.inputs.policy;
        if (typeof policy !== "string") continue;
        for (const statement of statementsOf(policy)) {
            const s = statement as { Effect?: string; Condition?: Record<string, Record<string, unknown>> };
            if (s.Effect !== "Allow" || !s.Condition) continue;
            for (const operands of Object.values(s.Condition)) {
                const value = operands["aws:PrincipalArn"];
                for (const arn of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
                    // Only a role's sessions can be matched in the logs; anything else is not a replication writer.
                    if (typeof arn === "string" && isRoleArn(arn)) found.add(arn);
                }
            }
        }
    }
    return [...found].sort();
}

function isRoleArn(arn: string): boolean {
    try {
        roleSession(arn);
        return true;
    } catch {
        return false;
    }
}
