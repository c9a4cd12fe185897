/**
 * Asks @cloud-copilot/iam-simulate for the decision on one request. This file
 * only builds the simulator's input and reads its answer: every decision is
 * the simulator's.
 *
 * When one side's policy is not known (its stack is not planned here), the
 * request is simulated with that policy at its most permissive: an identity
 * policy allowing everything, or a resource policy allowing everyone. A
 * denial under that assumption is decided by the known side alone and holds
 * whatever the unknown side says; an allow proves nothing and is reported as
 * not evaluated.
 */
import { getDenialReasons, getGrantReasons, runSimulation, type RequestAnalysis, type Simulation } from "@cloud-copilot/iam-simulate";
import { statementsOf } from "../../infra/policies/document";
import { AccessRequest, Decision, isKnown, NamedPolicy } from "./matrix";

export type RowStatus = "evaluated" | "partial" | "not-evaluated" | "error";

export interface SimulationOutcome {
    status: RowStatus;
    decision?: Decision;
    /** The statements that decided, or what was missing. */
    evidence: string[];
    note?: string;
    /** Context keys the simulator set aside as not applicable to the action. */
    ignoredContextKeys: string[];
    /** Context keys of the request that a policy involved tests: the ones the decision can rest on. */
    testedContextKeys?: string[];
}

const ALLOW_EVERYTHING_IDENTITY: NamedPolicy = {
    name: "unknown identity policy, assumed to allow everything",
    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

const ALLOW_EVERYONE_RESOURCE: NamedPolicy = {
    name: "unknown resource policy, assumed to allow everyone",
    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] },
};

/** Every condition key the policies test, lowercased as the simulator reports ignored keys. */
function conditionKeys(policies: NamedPolicy[]): Set<string> {
    const keys = new Set<string>();
    for (const { policy } of policies) {
        for (const statement of statementsOf(policy)) {
            const condition = (statement as { Condition?: Record<string, Record<string, unknown>> }).Condition;
            for (const block of Object.values(condition ?? {})) for (const key of Object.keys(block ?? {})) keys.add(key.toLowerCase());
        }
    }
    return keys;
}

function describe(analysis: RequestAnalysis, resourcePolicyName: string | undefined, callerHasIdentity: boolean): string[] {
    const where = (type: string, identifier?: string) => {
        if (type === "resource") return resourcePolicyName ?? "resource policy";
        if (type === "identity") return identifier ? `identity policy ${identifier}` : "identity policies";
        if (type === "s3-bpa") return "S3 Block Public Access (RestrictPublicBuckets)";
        return identifier ? `${type} ${identifier}` : type;
    };
    if (analysis.result === "Allowed") {
        return getGrantReasons(analysis).map(
            (g) => `Allow ${g.statementId ?? `#${g.statementIndex}`} in ${where(g.policyType, "policyIdentifier" in g ? g.policyIdentifier : undefined)}`,
        );
    }
    // Anonymous callers and service principals have no identity policies to lack an Allow in.
    const reasons = getDenialReasons(analysis).filter((d) => callerHasIdentity || d.policyType !== "identity" || d.denialType === "Explicit");
    const described = reasons.map((d) =>
        d.denialType === "Explicit"
            ? `Deny ${d.statementId ?? `#${d.statementIndex}`} in ${where(d.policyType, d.policyIdentifier)}`
            : `no Allow in ${where(d.policyType, d.identifier)}`,
    );
    // getDenialReasons leaves out guardrails that block an otherwise allowed request, such as S3 Block Public Access.
    for (const blocker of analysis.blockedBy ?? []) {
        const text = `blocked by ${where(blocker)}`;
        if (!described.some((d) => d.includes(where(blocker)))) described.push(text);
    }
    return described;
}

/**
 * The simulator is deterministic and spends most of a request matching ARNs
 * against resource types, so identical simulations (the same stack evaluated
 * again, or a plan with one document changed) are answered once per process.
 */
const answered = new Map<string, ReturnType<typeof runSimulation>>();
const MAX_ANSWERED = 50_000;

function simulateOnce(simulation: Simulation): ReturnType<typeof runSimulation> {
    const key = JSON.stringify(simulation);
    let answer = answered.get(key);
    if (!answer) {
        if (answered.size >= MAX_ANSWERED) answered.clear();
        answer = runSimulation(simulation, { simulationMode: "Strict" });
        answered.set(key, answer);
    }
    return answer;
}

export async function simulateRequest(request: AccessRequest): Promise<SimulationOutcome> {
    if (request.notEvaluable || !request.principal || !request.resource) {
        return { status: "not-evaluated", evidence: [], note: request.notEvaluable, ignoredContextKeys: [] };
    }
    const { principal, resource } = request;
    const identityKnown = isKnown(principal.identity);
    const resourceKnown = isKnown(resource.policy);
    if (!identityKnown && !resourceKnown) {
        return {
            status: "not-evaluated",
            evidence: [],
            note: `neither side's policy is known: ${(principal.identity as { unknown: string }).unknown}; ${(resource.policy as { unknown: string }).unknown}`,
            ignoredContextKeys: [],
        };
    }
    const identityPolicies = isKnown(principal.identity) ? principal.identity.value : [ALLOW_EVERYTHING_IDENTITY];
    const resourcePolicy = isKnown(resource.policy) ? resource.policy.value : ALLOW_EVERYONE_RESOURCE;
    const anonymous = typeof principal.caller !== "string";
    const simulation: Simulation = {
        request: {
            principal: principal.caller,
            action: request.action,
            resource: { resource: resource.arn, accountId: resource.accountId },
            contextVariables: request.context,
        },
        // Anonymous requests carry no principal-side policies; the simulator rejects any.
        identityPolicies: anonymous ? [] : identityPolicies,
        ...(principal.permissionBoundaries.length ? { permissionBoundaryPolicies: principal.permissionBoundaries } : {}),
        // Neither organization's SCPs or RCPs are part of the plan: none are simulated.
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(resourcePolicy ? { resourcePolicy: resourcePolicy.policy } : {}),
        ...(request.action.startsWith("s3:") && resourceKnown ? { additionalSettings: { s3: { blockPublicAccess: resource.restrictPublicBuckets } } } : {}),
    };
    const response = await simulateOnce(simulation);
    if (response.resultType === "error") {
        return { status: "error", evidence: [], note: `the simulator rejected the request: ${JSON.stringify(response.errors)}`, ignoredContextKeys: [] };
    }
    const results = response.resultType === "single" ? [response.result] : response.results;
    if (results.length !== 1) {
        return { status: "error", evidence: [], note: `the simulator returned ${results.length} results for one resource`, ignoredContextKeys: [] };
    }
    const [result] = results;
    const ignored = result.ignoredContextKeys ?? [];
    const tested = conditionKeys([...identityPolicies, ...(resourcePolicy ? [resourcePolicy] : []), ...principal.permissionBoundaries]);
    const skipped = ignored.filter((key) => tested.has(key.toLowerCase()));
    if (skipped.length) {
        // A key the simulator drops is a condition it cannot evaluate: its decision would not be evidence.
        // (iam-simulate matches variable keys only when the variable follows a "/", as in aws:RequestTag/<k>;
        // kms:EncryptionContext:<k> is dropped.)
        return {
            status: "not-evaluated",
            evidence: [],
            note: `the simulator drops context key(s) ${skipped.join(", ")} as not applicable to ${request.action}, but the policies test them, so it cannot evaluate those conditions`,
            ignoredContextKeys: ignored,
        };
    }
    const decision = response.overallResult;
    const testedContextKeys = Object.keys(request.context).filter((key) => tested.has(key.toLowerCase()));
    const callerHasIdentity = !anonymous && principal.role !== "service";
    const evidence = describe(result.analysis, resourcePolicy?.name, callerHasIdentity);
    if (identityKnown && resourceKnown) return { status: "evaluated", decision, evidence, ignoredContextKeys: ignored, testedContextKeys };

    const unknown = identityKnown ? (resource.policy as { unknown: string }).unknown : (principal.identity as { unknown: string }).unknown;
    const assumed = identityKnown ? "the resource policy was assumed to allow everyone" : "the caller's identity policy was assumed to allow everything";
    if (decision === "Allowed") {
        return {
            status: "not-evaluated",
            evidence,
            note: `allowed by the known side's policies; the decision rests on the other side: ${unknown}`,
            ignoredContextKeys: ignored,
            testedContextKeys,
        };
    }
    return { status: "partial", decision, evidence, note: `denied by the known side's policies alone (${assumed}): ${unknown}`, ignoredContextKeys: ignored, testedContextKeys };
}
