/**
 * Who can read, write or delete what, over which transport: the expected
 * matrix of expected-matrix.yaml, evaluated by @cloud-copilot/iam-simulate
 * against the policies a stack's plan and its counterpart's plan make, for
 * each counterpart link, vendor drop, service destination and log bucket.
 */
import { z } from "zod";
import { parseSideConfig, SideConfig } from "../../infra/config/schema";
import { AuditOutputsSchema, describeOutputProblems, LinkOutputsSchema, outputsByName, parseOutputs, StackOutputsSchema } from "../../infra/contract/outputs";
import { Plan } from "../plan/engine";
import { planProjectStack, readStackConfig, stackConfigFile } from "../plan/project";
import { collectPolicies } from "./collect";
import { assumedKeys } from "./context-sources";
import {
    Decision,
    expandSubject,
    ExpectedMatrix,
    isKnown,
    LinkFacts,
    loadExpectedMatrix,
    LogBucketFacts,
    PlannedSide,
    ServiceDestinationFacts,
    SideFacts,
    Subject,
    SubjectKind,
    Transport,
    VendorDropFacts,
} from "./matrix";
import { RowStatus, simulateRequest } from "./simulate";
import { accountOfArn, arns } from "../../infra/policies/document";

export interface AccessRow {
    kind: string;
    template: string;
    /** What the request is about: a link (by counterpart), a vendor drop (by vendor), a service destination (by service), a log bucket. */
    scope: SubjectKind;
    /** The subject's name: the counterpart of a link, the vendor, the service, or the log bucket. */
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
    /** The context keys the request itself carries beyond its principal's and transport's (s3:prefix, sts:ExternalId...). */
    requestKeys?: Record<string, string>;
    /** Context keys the simulator set aside as not applicable to the action (none of them tested by a policy). */
    ignoredContextKeys?: string[];
    /**
     * Context keys a policy tests and the decision may rest on, which AWS is
     * only assumed (not documented) to send on this request: the
     * pre-production canary must confirm them (tools/access/context-sources.ts).
     */
    assumedContextKeys?: string[];
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
    /**
     * The stack's config, parsed: what it asks of its vendor drops and service
     * destinations (the vendor's principal and prefix, the service's external
     * ID...), the intent their policies are checked against. Required when the
     * plan makes either.
     */
    config?: SideConfig;
    matrix?: ExpectedMatrix;
}

/** An account of no party here; 12 digits that none of them uses. */
const UNRELATED_ACCOUNT_CANDIDATES = ["210987654321", "210987654322", "210987654323", "210987654324"];

function unrelatedAccount(used: (string | undefined)[]): string {
    return UNRELATED_ACCOUNT_CANDIDATES.find((a) => !used.includes(a))!;
}

/** What the matrix reads of a plan's outputs, by the contract (infra/contract/outputs.ts). */
const MatrixOutputsSchema = StackOutputsSchema.pick({ partyName: true, accountId: true, vendorDrops: true, serviceDestinations: true }).extend({
    links: outputsByName(
        LinkOutputsSchema.pick({
            root: true,
            region: true,
            egressBucketArn: true,
            ingressBucketArn: true,
            ingressKmsKeyArn: true,
            replicationRoleArn: true,
            batchReplicationRoleArn: true,
            deleteMarkerReplication: true,
            replication: true,
            ingressGrant: true,
        }),
    ),
    audit: AuditOutputsSchema.pick({ logBuckets: true }),
});
type MatrixOutputs = z.infer<typeof MatrixOutputsSchema>;
type LinkOutputs = MatrixOutputs["links"][string];

const parsedOutputs = new WeakMap<object, MatrixOutputs>();

/** A plan's outputs, parsed once; a plan of this program fits the contract, so a misfit names the output. */
function outputsOf(plan: Plan): MatrixOutputs {
    let outputs = parsedOutputs.get(plan.outputs);
    if (!outputs) {
        const parsed = parseOutputs(MatrixOutputsSchema, plan.outputs);
        if (parsed.problems) throw new Error(describeOutputProblems(`plan of stack ${plan.stack}`, parsed));
        outputs = parsed.outputs;
        parsedOutputs.set(plan.outputs, outputs);
    }
    return outputs;
}

function linksOf(plan: Plan): Record<string, LinkOutputs> {
    return outputsOf(plan).links;
}

export function sideFromPlan(plan: Plan, link: LinkOutputs | undefined, source: string): PlannedSide {
    const policies = collectPolicies(plan);
    return {
        party: outputsOf(plan).partyName,
        source,
        partition: policies.partition,
        accountId: outputsOf(plan).accountId,
        policies,
        ...(link
            ? {
                  replicationRoleArn: link.replicationRoleArn,
                  ...(link.batchReplicationRoleArn ? { batchReplicationRoleArn: link.batchReplicationRoleArn } : {}),
                  ...(link.region ? { region: link.region } : {}),
                  ingressBucketArn: link.ingressBucketArn,
                  egressBucketArn: link.egressBucketArn,
                  ...(link.ingressKmsKeyArn ? { ingressKmsKeyArn: link.ingressKmsKeyArn } : {}),
                  deleteMarkerReplication: link.deleteMarkerReplication,
                  replication: link.replication,
                  ingressGrant: link.ingressGrant,
              }
            : {}),
    };
}

/** The facts of each link of a plan: this side from the plan, the other side from its plan or its hand-over. */
export function linkFacts(input: EvaluatePlansInput): LinkFacts[] {
    const { plan } = input;
    const ownName = outputsOf(plan).partyName;
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
                ...(handover
                    ? {
                          accountId: handover.accountId,
                          ingressBucketArn: handover.ingressBucketArn,
                          replicationRoleArn: handover.replicationRoleArn,
                          ingressKmsKeyArn: handover.ingressKmsKeyArn,
                      }
                    : {}),
            };
        }
        return { name, root: link.root, own, counterpart, unrelatedAccountId: unrelatedAccount([own.accountId, counterpart.accountId]) };
    });
}

/** The log buckets the plan exports, with what its access-log targets and trails deliver into each. */
function logBucketFacts(plan: Plan, own: PlannedSide, links: LinkFacts[]): LogBucketFacts[] {
    const logBuckets = outputsOf(plan).audit.logBuckets;
    const counterparts = links.map((l) => l.counterpart).filter((c, i, all) => c.accountId && all.findIndex((o) => o.accountId === c.accountId) === i);
    const unrelatedAccountId = unrelatedAccount([own.accountId, ...counterparts.map((c) => c.accountId)]);
    return Object.entries(logBuckets).map(([region, name]) => {
        const arn = arns.bucket(own.partition, name);
        const logging = own.policies.buckets.filter((b) => b.accessLogs);
        return {
            own,
            name,
            arn,
            region,
            logged: logging.filter((b) => b.accessLogs!.targetBucket === name).map((b) => ({ bucketArn: b.arn, targetPrefix: b.accessLogs!.targetPrefix })),
            loggedElsewhere: logging.filter((b) => b.accessLogs!.targetBucket !== name).map((b) => b.arn),
            trails: own.policies.trails.filter((t) => t.bucket === name).map((t) => ({ arn: t.arn, keyPrefix: t.keyPrefix })),
            counterparts,
            unrelatedAccountId,
        };
    });
}

/** The vendor drops and service destinations the config asks for, each with the plan's policies. */
function directAccessFacts(plan: Plan, own: PlannedSide, config: SideConfig | undefined): Subject[] {
    const outputs = outputsOf(plan);
    const planned = [...Object.keys(outputs.vendorDrops), ...Object.keys(outputs.serviceDestinations)];
    if (!config) {
        if (planned.length)
            throw new Error(
                `${plan.stack} makes vendor drops or service destinations (${planned.join(", ")}): pass the stack's parsed config as \`config\`, whose principals, prefixes and external IDs are what their policies are checked against`,
            );
        return [];
    }
    const bucketArn = (name: string) => arns.bucket(own.partition, name);
    const vendorDrops = config.vendorDrops.map((v): Subject => {
        const facts: VendorDropFacts = {
            name: v.name,
            own,
            bucketArn: bucketArn(v.bucketName),
            region: config.region,
            principalArn: v.principalArn,
            prefix: v.prefix,
            allowDelete: v.allowDelete,
            accessConfirmation: v.accessConfirmation,
            unrelatedAccountId: unrelatedAccount([own.accountId, accountOfArn(v.principalArn)]),
        };
        return { kind: "vendorDrop", facts };
    });
    const services = config.serviceDestinations.map((d): Subject => {
        const facts: ServiceDestinationFacts = {
            name: d.name,
            own,
            bucketArn: bucketArn(d.bucketName),
            roleArn: arns.role(own.partition, own.accountId, d.roleName),
            servicePrincipalArn: d.servicePrincipalArn,
            externalId: d.externalId,
            ...(d.prefix ? { prefix: d.prefix } : {}),
            connectionTestPending: d.connectionTestPending,
            unrelatedAccountId: unrelatedAccount([own.accountId, accountOfArn(d.servicePrincipalArn)]),
        };
        return { kind: "serviceDestination", facts };
    });
    return [...vendorDrops, ...services];
}

/** Everything the matrix is about in a plan: its links, vendor drops, service destinations and log buckets. */
export function subjects(input: EvaluatePlansInput): Subject[] {
    const links = linkFacts(input);
    const own = sideFromPlan(input.plan, undefined, `plan of stack ${input.plan.stack}`);
    return [
        ...links.map((facts): Subject => ({ kind: "link", facts })),
        ...directAccessFacts(input.plan, own, input.config),
        ...logBucketFacts(input.plan, own, links).map((facts): Subject => ({ kind: "logBucket", facts })),
    ];
}

function pick(context: Record<string, string>, key: string): Record<string, string> {
    return key in context ? { [key]: context[key] } : {};
}

/** Evaluates the expected matrix against given plans: tests change a plan's documents and see the rows that fail. */
export async function evaluatePlans(input: EvaluatePlansInput): Promise<AccessMatrixResult> {
    const matrix = input.matrix ?? loadExpectedMatrix();
    const rows: AccessRow[] = [];
    // Stack-wide resources (log buckets, keys) appear once per link; one request is one row.
    const seen = new Set<string>();
    for (const subject of subjects(input)) {
        for (const request of expandSubject(matrix, subject)) {
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
            const tested = Object.fromEntries(Object.entries(request.context).filter(([key]) => outcome.testedContextKeys?.includes(key)));
            const assumed = decided ? assumedKeys({ ...tested, ...pick(request.context, "aws:PrincipalServiceName") }, request.action).filter((key) => key in tested) : [];
            // A third party's modelled identity policy is part of why: say so beside the decision.
            const notes = [note, request.principal?.note].filter((n): n is string => n !== undefined);
            rows.push({
                kind: request.kind,
                template: request.template,
                scope: request.scope,
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
                ...(notes.length ? { note: notes.join("; ") } : {}),
                context: request.context,
                ...(request.requestKeys ? { requestKeys: request.requestKeys } : {}),
                ...(outcome.ignoredContextKeys.length ? { ignoredContextKeys: outcome.ignoredContextKeys } : {}),
                ...(assumed.length ? { assumedContextKeys: assumed } : {}),
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
    /** The backend organization a qualified stack name gave (the self-managed backend's otherwise). */
    organization?: string;
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
    const { plan, referenced } = await planProjectStack({ stack, configFile: options.configFile, referenceDepth: 2, organization: options.organization });
    return evaluatePlans({ plan, referenced, handovers: handoversFromConfig(config, stack), config: parseSideConfig(config, stack), matrix });
}

export { loadExpectedMatrix } from "./matrix";
export type { Decision, ExpectedMatrix, SubjectKind, Transport } from "./matrix";
