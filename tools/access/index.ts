/**
 * Who can read, write or delete what, over which transport: the expected
 * matrix of expected-matrix.yaml, evaluated by @cloud-copilot/iam-simulate
 * against the policies a stack's plan and its counterpart's plan make.
 */
import { parseSideConfig } from "../../infra/config/schema";
import { Plan } from "../plan/engine";
import { planProjectStack, readStackConfig, stackConfigFile } from "../plan/project";
import { collectPolicies } from "./collect";
import { Decision, expandMatrix, ExpectedMatrix, isKnown, LinkFacts, loadExpectedMatrix, SideFacts, Transport } from "./matrix";
import { RowStatus, simulateRequest } from "./simulate";

export interface AccessRow {
    kind: string;
    template: string;
    /** The counterpart the request is about (the link's name). */
    link: string;
    principal: string;
    principalArn?: string;
    action: string;
    resource: string;
    resourceArn?: string;
    transport: Transport;
    expected?: Decision;
    decision?: Decision;
    /**
     * evaluated: every policy involved is in the plans. partial: one side's policy
     * is not known, and the known side's policies deny on their own.
     * not-evaluated: the decision depends on what is not known (see note).
     * error: the simulator could not decide.
     */
    status: RowStatus;
    /** The decision is the expected one. Unset for rows not evaluated. */
    ok?: boolean;
    evidence: string[];
    note?: string;
    context: Record<string, string>;
    /** Context keys the simulator set aside as not applicable to the action (none of them tested by a policy). */
    ignoredContextKeys?: string[];
}

export interface AccessMatrixResult {
    stack: string;
    /** Stacks whose plans were used for the counterpart's side. */
    referenced: string[];
    rows: AccessRow[];
    /** Rows whose decision differs from the expected one, and rows the simulator could not decide. */
    mismatches: AccessRow[];
    notEvaluated: AccessRow[];
}

/** What a counterpart handed over in writing (config), for a side whose stack is not planned here. */
export interface Handover {
    accountId: string;
    ingressBucketArn?: string;
    replicationRoleArn?: string;
    ingressKmsKeyArn?: string;
}

export interface EvaluatePlansInput {
    plan: Plan;
    /** Plans of the counterparts' stacks, matched by their `partyName` output. */
    referenced?: Plan[];
    /** Hand-overs by counterpart name, for counterparts whose stack is not among `referenced`. */
    handovers?: Record<string, Handover>;
    matrix?: ExpectedMatrix;
}

/** An account of neither side; 12 digits that no party here uses. */
const UNRELATED_ACCOUNT_CANDIDATES = ["210987654321", "210987654322"];

interface LinkOutputs {
    root: string;
    egressBucketArn: string;
    ingressBucketArn: string;
    ingressKmsKeyArn?: string;
    replicationRoleArn: string;
    deleteMarkerReplication: boolean;
    replication: "active" | "pending";
    ingressGrant: "active" | "pending";
}

function linksOf(plan: Plan): Record<string, LinkOutputs> {
    return (plan.outputs.links ?? {}) as Record<string, LinkOutputs>;
}

function sideFromPlan(plan: Plan, link: LinkOutputs | undefined, source: string): SideFacts {
    const policies = collectPolicies(plan);
    return {
        party: String(plan.outputs.partyName),
        source,
        partition: policies.partition,
        accountId: String(plan.outputs.accountId),
        policies,
        ...(link ? {
            replicationRoleArn: link.replicationRoleArn,
            ingressBucketArn: link.ingressBucketArn,
            egressBucketArn: link.egressBucketArn,
            ...(link.ingressKmsKeyArn ? { ingressKmsKeyArn: link.ingressKmsKeyArn } : {}),
            deleteMarkerReplication: link.deleteMarkerReplication,
            replication: link.replication,
            ingressGrant: link.ingressGrant,
        } : {}),
    };
}

/** The facts of each link of a plan: this side from the plan, the other side from its plan or its hand-over. */
export function linkFacts(input: EvaluatePlansInput): LinkFacts[] {
    const { plan } = input;
    const ownName = String(plan.outputs.partyName);
    return Object.entries(linksOf(plan)).map(([name, link]) => {
        const own = sideFromPlan(plan, link, `plan of stack ${plan.stack}`);
        const theirs = (input.referenced ?? []).find((p) => p.outputs.partyName === name);
        let counterpart: SideFacts;
        if (theirs) {
            const theirLink = linksOf(theirs)[ownName];
            counterpart = sideFromPlan(theirs, theirLink, `plan of stack ${theirs.stack}`);
            if (!theirLink) counterpart.source += `, which has no link to ${ownName}`;
        } else {
            const handover = input.handovers?.[name];
            counterpart = {
                party: name,
                source: handover ? `hand-over in the config of ${plan.stack}; ${name}'s stack is not planned` : `${name}'s stack is not planned and nothing was handed over`,
                partition: own.partition,
                ...(handover ? {
                    accountId: handover.accountId,
                    ingressBucketArn: handover.ingressBucketArn,
                    replicationRoleArn: handover.replicationRoleArn,
                    ingressKmsKeyArn: handover.ingressKmsKeyArn,
                } : {}),
            };
        }
        const used = new Set([own.accountId, counterpart.accountId]);
        const unrelatedAccountId = UNRELATED_ACCOUNT_CANDIDATES.find((a) => !used.has(a))!;
        return { name, root: link.root, own, counterpart, unrelatedAccountId };
    });
}

/** Evaluates the expected matrix against given plans: tests change a plan's documents and see the rows that fail. */
export async function evaluatePlans(input: EvaluatePlansInput): Promise<AccessMatrixResult> {
    const matrix = input.matrix ?? loadExpectedMatrix();
    const rows: AccessRow[] = [];
    // Stack-wide resources (log buckets, keys) appear once per link; one request is one row.
    const seen = new Set<string>();
    for (const link of linkFacts(input)) {
        for (const request of expandMatrix(matrix, link)) {
            // Only a request whose principal and resource are both resolved is the same request on another link.
            const resolved = request.principal && request.resource;
            const identity = JSON.stringify([
                resolved ? "" : request.link,
                request.principal?.principalArn ?? request.principal?.label ?? request.principalSpec,
                request.action,
                request.resource?.arn ?? request.resourceSpec,
                request.context,
                request.template,
            ]);
            if (seen.has(identity)) continue;
            seen.add(identity);
            const outcome = await simulateRequest(request);
            let { status, note } = outcome;
            const expected = isKnown(request.expected) ? request.expected.value : undefined;
            if (!isKnown(request.expected) && status !== "error") {
                status = "not-evaluated";
                note = `the expected decision is not known: ${request.expected.unknown}`;
            }
            // The known side denies implicitly; an explicit deny could only come from the unknown side.
            if (status === "partial" && outcome.decision === "ImplicitlyDenied" && expected === "ExplicitlyDenied") {
                status = "not-evaluated";
                note = `denied, but whether explicitly depends on the other side: ${note}`;
            }
            const decided = status === "evaluated" || status === "partial";
            rows.push({
                kind: request.kind,
                template: request.template,
                link: request.link,
                principal: request.principal?.label ?? request.principalSpec,
                ...(request.principal?.principalArn ? { principalArn: request.principal.principalArn } : {}),
                action: request.action,
                resource: request.resource?.label ?? request.resourceSpec,
                ...(request.resource ? { resourceArn: request.resource.arn } : {}),
                transport: request.transport,
                ...(expected ? { expected } : {}),
                ...(outcome.decision ? { decision: outcome.decision } : {}),
                status,
                ...(decided ? { ok: outcome.decision === expected } : status === "error" ? { ok: false } : {}),
                evidence: outcome.evidence,
                ...(note ? { note } : {}),
                context: request.context,
                ...(outcome.ignoredContextKeys.length ? { ignoredContextKeys: outcome.ignoredContextKeys } : {}),
            });
        }
    }
    const referenced = (input.referenced ?? []).map((p) => p.stack);
    return {
        stack: input.plan.stack,
        referenced,
        rows,
        mismatches: rows.filter((r) => r.ok === false),
        notEvaluated: rows.filter((r) => r.status === "not-evaluated"),
    };
}

/** The hand-overs a stack's config holds, by counterpart name. */
export function handoversFromConfig(config: Record<string, string>, stack: string): Record<string, Handover> {
    const handovers: Record<string, Handover> = {};
    for (const c of parseSideConfig(config, stack).counterparts) {
        if (c.source.kind !== "handover") continue;
        handovers[c.name] = {
            accountId: c.source.accountId,
            ...(c.source.ingressBucketArn ? { ingressBucketArn: c.source.ingressBucketArn } : {}),
            ...(c.source.replicationRoleArn ? { replicationRoleArn: c.source.replicationRoleArn } : {}),
            ...(c.source.ingressKmsKeyArn ? { ingressKmsKeyArn: c.source.ingressKmsKeyArn } : {}),
        };
    }
    return handovers;
}

export interface AccessMatrixOptions {
    /** A config file to use instead of `Pulumi.<stack>.yaml`. */
    configFile?: string;
    /** An expected matrix to use instead of tools/access/expected-matrix.yaml. */
    matrixFile?: string;
}

/**
 * Plans the stack and the stacks it references, and evaluates the expected
 * matrix. The referenced stacks are planned with this stack's outputs in turn
 * (reference depth 2), so both sides are seen as deployed; `npm run plan`
 * plans them at depth 1, as on the other side's first deploy, where their
 * grant to us is still pending.
 */
export async function accessMatrix(stack: string, options: AccessMatrixOptions = {}): Promise<AccessMatrixResult> {
    const matrix = loadExpectedMatrix(options.matrixFile);
    const config = readStackConfig(options.configFile ?? stackConfigFile(stack));
    const { plan, referenced } = await planProjectStack({ stack, configFile: options.configFile, referenceDepth: 2 });
    return evaluatePlans({ plan, referenced, handovers: handoversFromConfig(config, stack), matrix });
}

export { loadExpectedMatrix } from "./matrix";
export type { Decision, ExpectedMatrix, Transport } from "./matrix";
