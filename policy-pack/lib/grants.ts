// Whether a role's known permission documents list an action at all. This is not
// an IAM evaluation: it finds the case where no Allow statement names the action
// (for the resource, when its ARN is known), which IAM denies by default
// ("implicit deny"), and the case where a Deny statement without conditions names
// it, which overrides every Allow ("explicit deny"); either way the request fails
// whatever the other statements say. Whether a listed grant holds under its
// conditions, boundaries and conditioned denies is for @cloud-copilot/iam-simulate
// (the program's access matrix) and a live test to decide, not for the pack.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

import { globMatch } from "./glob";
import type { DocumentState, Statement } from "./policy-document";
import { UNKNOWN } from "./values";

export type Listed = "listed" | "absent" | "denied" | "unknown";

/**
 * A bucket policy statement's principal names one of these callers (a role ARN, an
 * account's root ARN or bare ID) or everyone; NotPrincipal and unreadable
 * principals leave it open.
 */
export function principalIn(callers: readonly string[]): PrincipalMatch {
    return (s) => {
        if (s.notPrincipal !== undefined || s.principal === undefined) {
            return UNKNOWN;
        }
        if (s.principal.wildcard) {
            return true;
        }
        if (s.principal.aws.some((p) => typeof p === "string" && callers.includes(p))) {
            return true;
        }
        return s.principal.unknown || s.principal.aws.includes(UNKNOWN) ? UNKNOWN : false;
    };
}

function actionMatches(s: Statement, action: string): boolean | typeof UNKNOWN {
    const a = action.toLowerCase();
    if (s.notActions !== undefined) {
        if (s.notActions === UNKNOWN) {
            return UNKNOWN;
        }
        return !s.notActions.some((p) => typeof p === "string" && globMatch(p.toLowerCase(), a));
    }
    if (s.actions === UNKNOWN) {
        return UNKNOWN;
    }
    const list = s.actions ?? [];
    if (list.some((p) => typeof p === "string" && globMatch(p.toLowerCase(), a))) {
        return true;
    }
    return list.includes(UNKNOWN) ? UNKNOWN : false;
}

function resourceMatches(s: Statement, arn: string | undefined): boolean | typeof UNKNOWN {
    if (arn === undefined) {
        return true;
    }
    if (s.notResources !== undefined) {
        if (s.notResources === UNKNOWN) {
            return UNKNOWN;
        }
        return !s.notResources.some((p) => typeof p === "string" && globMatch(p, arn));
    }
    if (s.resources === UNKNOWN) {
        return UNKNOWN;
    }
    const list = s.resources ?? [];
    if (list.some((p) => typeof p === "string" && globMatch(p, arn))) {
        return true;
    }
    return list.includes(UNKNOWN) ? UNKNOWN : false;
}

/**
 * For a resource policy (a bucket policy), whether a statement's principal names
 * the caller; identity policies have none, and every statement applies.
 */
export type PrincipalMatch = (s: Statement) => boolean | typeof UNKNOWN;

const ANY_CALLER: PrincipalMatch = () => true;

/**
 * Does a Deny statement with no condition name the action on this resource? When
 * the resource is not known, only a Deny on every resource (`*`) is sure to hit it.
 */
function deniedOutright(docs: DocumentState[], action: string, resourceArn: string | undefined, principal: PrincipalMatch): boolean {
    for (const d of docs) {
        if (d.state !== "known") {
            continue;
        }
        for (const s of d.statements) {
            if (s.effect !== "Deny" || s.conditions === UNKNOWN || s.conditions.length > 0 || principal(s) !== true) {
                continue;
            }
            if (actionMatches(s, action) !== true) {
                continue;
            }
            const onResource =
                resourceArn !== undefined ? resourceMatches(s, resourceArn) === true : s.notResources === undefined && s.resources !== UNKNOWN && (s.resources ?? []).includes("*");
            if (onResource) {
                return true;
            }
        }
    }
    return false;
}

/**
 * Does some Allow statement of these documents name the action (on this resource),
 * with no unconditioned Deny taking it away? "denied" wins over everything: IAM
 * applies an explicit Deny whatever the Allows say.
 */
export function listsAction(docs: DocumentState[], action: string, resourceArn?: string, principal: PrincipalMatch = ANY_CALLER): Listed {
    if (deniedOutright(docs, action, resourceArn, principal)) {
        return "denied";
    }
    let unknown = false;
    for (const d of docs) {
        if (d.state !== "known") {
            unknown = unknown || d.state === "unknown";
            continue;
        }
        for (const s of d.statements) {
            if (s.effect === UNKNOWN) {
                unknown = true;
                continue;
            }
            if (s.effect !== "Allow") {
                continue;
            }
            const a = actionMatches(s, action);
            const r = resourceMatches(s, resourceArn);
            const p = principal(s);
            if (a === true && r === true && p === true) {
                return "listed";
            }
            if (a !== false && r !== false && p !== false) {
                unknown = true;
            }
        }
    }
    return unknown ? "unknown" : "absent";
}

/**
 * The same question for several resources that must all be granted (probe ARNs of
 * every object under a prefix, say): the worst answer of any of them.
 */
export function listsActionOnAll(docs: DocumentState[], action: string, resourceArns: readonly (string | undefined)[], principal: PrincipalMatch = ANY_CALLER): Listed {
    const answers = (resourceArns.length > 0 ? resourceArns : [undefined]).map((r) => listsAction(docs, action, r, principal));
    for (const worst of ["denied", "absent", "unknown"] as const) {
        if (answers.includes(worst)) {
            return worst;
        }
    }
    return "listed";
}
