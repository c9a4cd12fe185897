import { readDocument } from "../lib/policy-document";
import { compliant, Decision, defineResourcePolicy, list, notApplicable, violation } from "../lib/policy-kit";
import { Res } from "../lib/stack-index";
import { TYPES } from "../lib/types";
import { accountOfArn, readString, UNKNOWN } from "../lib/values";

export interface ExternalIdConfig {
    /** Accounts that may assume roles without an external ID (your own accounts). */
    trustedAccountIds: string[];
}

/** The account an AWS principal names: a bare ID, `arn:…:iam::ID:root|role/…|user/…`, or `*`. */
function principalAccount(p: string): string | undefined {
    if (p === "*") {
        return "*";
    }
    if (/^\d{12}$/.test(p)) {
        return p;
    }
    return accountOfArn(p);
}

export const crossAccountExternalId = defineResourcePolicy<ExternalIdConfig>({
    name: "s3-transfer-cross-account-external-id",
    description:
        "A role that another AWS account may assume requires sts:ExternalId in its trust policy, so a third-party service cannot be tricked into using it for someone else (confused deputy).",
    enforcementLevel: "advisory",
    severity: "medium",
    types: TYPES.role,
    defaults: { trustedAccountIds: [] },
    configSchema: {
        properties: {
            trustedAccountIds: {
                type: "array",
                items: { type: "string", pattern: "^\\d{12}$" },
                default: [],
                description: "Your own accounts: trusting them needs no external ID.",
            },
        },
    },
    remediationSteps: 'Add "Condition": {"StringEquals": {"sts:ExternalId": "<secret agreed with the partner>"}} to the statement that trusts the other account.',
    evaluate(r: Res, config: ExternalIdConfig): Decision[] {
        const trust = readDocument(r.props.assumeRolePolicy);
        if (trust.state !== "known") {
            return [notApplicable(r.urn, "The trust policy is not known yet.")];
        }
        const arn = readString(r.props.arn);
        const own = typeof arn === "string" ? accountOfArn(arn) : undefined;
        const trusted = new Set([...config.trustedAccountIds, ...(own ? [own] : [])]);
        const out: Decision[] = [];
        for (const s of trust.statements) {
            if (s.effect !== "Allow" || !s.principal) {
                continue;
            }
            const accounts = new Set<string>();
            for (const p of s.principal.aws) {
                const acct = typeof p === "string" ? principalAccount(p) : undefined;
                if (acct && !trusted.has(acct)) {
                    accounts.add(acct);
                }
            }
            if (s.principal.wildcard) {
                accounts.add("*");
            }
            if (accounts.size === 0) {
                continue;
            }
            if (s.conditions === UNKNOWN) {
                continue;
            }
            const hasExternalId = s.conditions.some((c) => c.key === "sts:externalid" && !c.op.includes("not") && !c.op.startsWith("null") && c.values.length > 0);
            const sid = s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
            const who = accounts.has("*") ? "any AWS account" : `account ${list([...accounts])}`;
            out.push(
                hasExternalId
                    ? compliant(r.urn, `Role "${r.name}" requires an external ID from ${who}.`)
                    : violation(
                          r.urn,
                          `Role "${r.name}" can be assumed by ${who} (${sid}) without sts:ExternalId. Add "Condition": {"StringEquals": {"sts:ExternalId": "<value agreed with the partner>"}}, or list the account in this policy's trustedAccountIds config if it is yours.`,
                      ),
            );
        }
        return out.length > 0 ? out : [notApplicable(r.urn, "No other account is trusted.")];
    },
});
