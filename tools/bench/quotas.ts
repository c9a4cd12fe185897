/**
 * The AWS limits a side's documents and resources meet, and the largest of
 * each kind a plan makes. `npm run bench` prints them for a 300-counterpart
 * SSE-KMS side; tests/stacks/quotas.test.ts holds every document under its
 * limit for a generated side, projected to that size.
 */
import { statementsOf } from "../../infra/policies/document";
import { Plan, PlannedResource } from "../plan/engine";

export interface DocumentLimit {
    kind: string;
    limit: number;
    unit: "characters" | "bytes" | "values" | "policies" | "statements" | "principals";
    /** How AWS counts it. */
    counted: string;
    source: string;
}

const IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";

/** Fixed limits (no quota increase changes them), except the managed policies per role (10 by default). */
export const DOCUMENT_LIMITS = {
    roleInline: {
        kind: "IAM inline policies of one role, summed",
        limit: 10_240,
        unit: "characters",
        counted: "characters other than whitespace",
        source: IAM_QUOTAS,
    },
    managedPolicy: { kind: "IAM managed policy", limit: 6_144, unit: "characters", counted: "characters other than whitespace", source: IAM_QUOTAS },
    managedPerRole: { kind: "IAM managed policies attached to one role", limit: 10, unit: "policies", counted: "attachments (default quota)", source: IAM_QUOTAS },
    trust: { kind: "IAM role trust policy", limit: 2_048, unit: "characters", counted: "characters other than whitespace (default quota)", source: IAM_QUOTAS },
    bucketPolicy: {
        kind: "S3 bucket policy",
        limit: 20 * 1024,
        unit: "bytes",
        counted: "bytes of the document",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html",
    },
    keyPolicy: {
        kind: "KMS key policy",
        limit: 32 * 1024,
        unit: "bytes",
        counted: "bytes of the document",
        source: "https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html",
    },
    topicPolicy: {
        kind: "SNS topic policy",
        limit: 30 * 1024,
        unit: "bytes",
        counted: "bytes of the document",
        source: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html",
    },
    topicStatements: {
        kind: "SNS topic policy statements",
        limit: 100,
        unit: "statements",
        counted: "statements of the document",
        source: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html",
    },
    topicPrincipals: {
        kind: "SNS topic policy principals",
        limit: 200,
        unit: "principals",
        counted: "principals named by the document's statements",
        source: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html",
    },
    trailSelectors: {
        kind: "CloudTrail advanced event selector values of one trail",
        limit: 500,
        unit: "values",
        counted: "values of every condition of every selector",
        source: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html",
    },
} as const satisfies Record<string, DocumentLimit>;

export type DocumentKind = keyof typeof DOCUMENT_LIMITS;

export interface LargestDocument extends DocumentLimit {
    kindId: DocumentKind;
    /** The largest one the plan makes (0 when it makes none). */
    size: number;
    /** Which resource it is (its logical name); "" when the plan makes none. */
    of: string;
    count: number;
}

const nameOf = (r: PlannedResource) => r.urn.split("::").pop() ?? r.urn;
const withoutWhitespace = (text: string) => text.replace(/\s/g, "").length;
const bytes = (text: string) => Buffer.byteLength(text, "utf8");
const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value ?? ""));

type Measured = { size: number; of: string }[];

function ofType(p: Plan, type: string): PlannedResource[] {
    return p.resources.filter((r) => r.type === type);
}

/** Every value of every operator of every field selector: what CloudTrail counts against its 500. */
export function selectorValues(selectors: unknown): number {
    const list = Array.isArray(selectors) ? selectors : [];
    return list
        .flatMap((s) => (s as { fieldSelectors?: Record<string, unknown>[] }).fieldSelectors ?? [])
        .reduce((sum, field) => sum + Object.entries(field).reduce((n, [key, value]) => n + (key !== "field" && Array.isArray(value) ? value.length : 0), 0), 0);
}

/** The principals a policy names: `"*"` is one, and each value of each principal type another. */
export function principalCount(policy: unknown): number {
    return statementsOf(policy).reduce((n, s) => {
        const principal = s.Principal ?? s.NotPrincipal;
        if (principal === undefined) return n;
        if (typeof principal === "string") return n + 1;
        return n + Object.values(principal as Record<string, unknown>).reduce<number>((m, v) => m + (Array.isArray(v) ? v.length : 1), 0);
    }, 0);
}

function measure(p: Plan): Record<DocumentKind, Measured> {
    const topicPolicies = ofType(p, "aws:sns/topicPolicy:TopicPolicy");
    const roles = ofType(p, "aws:iam/role:Role");
    const inlineByRole = new Map<string, number>();
    for (const rp of ofType(p, "aws:iam/rolePolicy:RolePolicy")) {
        const role = String(rp.inputs.role);
        inlineByRole.set(role, (inlineByRole.get(role) ?? 0) + withoutWhitespace(text(rp.inputs.policy)));
    }
    const attachments = new Map<string, number>();
    for (const a of ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) attachments.set(String(a.inputs.role), (attachments.get(String(a.inputs.role)) ?? 0) + 1);
    for (const r of roles) {
        const inline = (r.inputs.managedPolicyArns as unknown[] | undefined)?.length ?? 0;
        if (inline) attachments.set(String(r.inputs.name), (attachments.get(String(r.inputs.name)) ?? 0) + inline);
    }
    const trails = ofType(p, "aws:cloudtrail/trail:Trail").map((t) => ({ size: selectorValues(t.inputs.advancedEventSelectors), of: nameOf(t) }));
    // A trail we extend takes our selector beside its own: ours must fit on its own at least.
    const extended = (p.outputs.audit as { trailEventSelector?: unknown } | undefined)?.trailEventSelector;
    if (extended) trails.push({ size: selectorValues([extended]), of: "audit.trailEventSelector (to add to the extended trail)" });
    return {
        roleInline: [...inlineByRole].map(([role, size]) => ({ size, of: role })),
        managedPolicy: ofType(p, "aws:iam/policy:Policy").map((r) => ({ size: withoutWhitespace(text(r.inputs.policy)), of: nameOf(r) })),
        managedPerRole: [...attachments].map(([role, size]) => ({ size, of: role })),
        trust: roles.map((r) => ({ size: withoutWhitespace(text(r.inputs.assumeRolePolicy)), of: String(r.inputs.name) })),
        bucketPolicy: ofType(p, "aws:s3/bucketPolicy:BucketPolicy").map((r) => ({ size: bytes(text(r.inputs.policy)), of: String(r.inputs.bucket) })),
        keyPolicy: ofType(p, "aws:kms/key:Key").map((r) => ({ size: bytes(text(r.inputs.policy)), of: nameOf(r) })),
        topicPolicy: topicPolicies.map((r) => ({ size: bytes(text(r.inputs.policy)), of: nameOf(r) })),
        topicStatements: topicPolicies.map((r) => ({ size: statementsOf(r.inputs.policy).length, of: nameOf(r) })),
        topicPrincipals: topicPolicies.map((r) => ({ size: principalCount(r.inputs.policy), of: nameOf(r) })),
        trailSelectors: trails,
    };
}

/** The largest document of each kind the plan makes, beside its limit. */
export function largestDocuments(p: Plan): LargestDocument[] {
    const measured = measure(p);
    return (Object.keys(DOCUMENT_LIMITS) as DocumentKind[]).map((kindId) => {
        const all = measured[kindId];
        const largest = all.reduce((max, m) => (m.size > max.size ? m : max), { size: 0, of: "" });
        return { kindId, ...DOCUMENT_LIMITS[kindId], ...largest, count: all.length };
    });
}

export interface AccountCount {
    kind: string;
    count: number;
    /** The account's default quota; each of these can be raised on request. */
    quota: number;
    source: string;
}

/** What one stack takes of account-wide quotas (each adjustable, so a figure to watch rather than a wall). */
export function accountCounts(p: Plan): AccountCount[] {
    const count = (type: string) => ofType(p, type).length;
    return [
        { kind: "IAM roles in the account", count: count("aws:iam/role:Role"), quota: 1_000, source: IAM_QUOTAS },
        {
            kind: "S3 general purpose buckets in the account",
            count: count("aws:s3/bucket:Bucket"),
            quota: 10_000,
            source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html",
        },
        {
            kind: "KMS keys in the account and region",
            count: count("aws:kms/key:Key"),
            quota: 100_000,
            source: "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html",
        },
    ];
}
