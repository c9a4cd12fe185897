// Which AWS account each resource lives in, decided from its provider. Settings
// that apply per account (the account-level Block Public Access) cover only the
// resources of that account, and whether a replication rule crosses accounts
// decides what it requires; a program that manages two accounts says which is
// which only through its providers.
//
// A provider names its account when it assumes a role (`assumeRoles`, the classic
// provider's list, whose last role is the one resources are created as; `assumeRole`
// in @pulumi/aws-native and older classic programs; `assumeRoleWithWebIdentity`)
// or allows a single account (`allowedAccountIds`). Otherwise it uses whatever
// credentials it finds (a `profile`, else the environment): two such providers with
// the same profile reach the same account, whichever package they belong to, while
// static keys are the provider's own. Both packages store these inputs as JSON
// strings in the provider's state (their provider.js: `.apply(JSON.stringify)`).
// https://www.pulumi.com/registry/packages/aws/api-docs/provider/
// https://www.pulumi.com/registry/packages/aws-native/api-docs/provider/

import type { Res } from "./resource";
import { packageOf } from "./types";
import { accountOfArn, isUnknown, readList, readObject, readString, UNKNOWN } from "./values";

export interface Account {
    /** The account ID, when the program fixes it. */
    id?: string;
    /** Which credentials reach it: equal keys reach the same account. Undefined while they are unknown until apply. */
    credentials?: string;
    /** How messages name it. */
    label: string;
}

export type Relation = "same" | "different" | "unknown" | "unproven";

/** A JSON-encoded provider input (as both providers store them), or the value itself. */
function decoded(v: unknown): unknown {
    if (typeof v !== "string" || isUnknown(v)) {
        return v;
    }
    const t = v.trim();
    if (t.startsWith("[") || t.startsWith("{") || t === "null") {
        try {
            return JSON.parse(t);
        } catch {
            return v;
        }
    }
    return v;
}

/** The role a provider assumes last: a role ARN, UNKNOWN, or undefined when it assumes none. */
function assumedRole(props: Record<string, unknown>): string | typeof UNKNOWN | undefined {
    const chain = readList(decoded(props.assumeRoles));
    if (chain === UNKNOWN) {
        return UNKNOWN;
    }
    const last = chain && chain.length > 0 ? chain[chain.length - 1] : undefined;
    for (const candidate of [last, decoded(props.assumeRole), decoded(props.assumeRoleWithWebIdentity)]) {
        const o = readObject(candidate);
        if (o === UNKNOWN) {
            return UNKNOWN;
        }
        if (o !== undefined) {
            const arn = readString(o.roleArn);
            if (arn !== undefined) {
                return arn;
            }
        }
    }
    return undefined;
}

/** The account of a provider resource's credentials; `undefined` props stand for a default provider with no settings. */
export function providerAccount(provider: Res | undefined, pkg: string): Account {
    const props = provider?.props ?? {};
    const name = provider ? `provider "${provider.name}"` : `the default ${pkg} provider`;
    const role = assumedRole(props);
    if (role === UNKNOWN) {
        return { label: `the account of ${name} (its role is unknown until apply)` };
    }
    if (typeof role === "string") {
        const id = accountOfArn(role);
        return id ? { id, credentials: `account:${id}`, label: `account ${id} (${name})` } : { credentials: `role:${role}`, label: `the account of role ${role} (${name})` };
    }
    const allowed = readList(decoded(props.allowedAccountIds));
    if (allowed === UNKNOWN) {
        return { label: `the account of ${name} (its allowed accounts are unknown until apply)` };
    }
    const ids = (allowed ?? []).map(readString).filter((x): x is string => typeof x === "string");
    if (ids.length === 1) {
        return { id: ids[0], credentials: `account:${ids[0]}`, label: `account ${ids[0]} (${name})` };
    }
    if (props.accessKey !== undefined || props.token !== undefined) {
        return { credentials: `keys:${provider?.urn ?? pkg}`, label: `the account of ${name}'s keys` };
    }
    const profile = readString(props.profile);
    if (profile === UNKNOWN) {
        return { label: `the account of ${name} (its profile is unknown until apply)` };
    }
    return { credentials: `profile:${profile ?? ""}`, label: profile ? `the account of profile "${profile}"` : "the deploying credentials' account" };
}

/** How two accounts relate: the same, different, not known until apply, or not provable from the program. */
export function relation(a: Account, b: Account): Relation {
    if (a.id !== undefined && b.id !== undefined) {
        return a.id === b.id ? "same" : "different";
    }
    if (a.credentials === undefined || b.credentials === undefined) {
        return "unknown";
    }
    return a.credentials === b.credentials ? "same" : "unproven";
}

/**
 * The account of a resource: its provider's, made explicit by an account ID the
 * resource itself gives (an AccountPublicAccessBlock's or access point's
 * `accountId`), which S3 Control only accepts for the caller's own account.
 */
export function resourceAccount(r: Res, provider: Res | undefined, ownAccountKey?: string): Account {
    const base = providerAccount(provider, packageOf(r.type));
    const own = ownAccountKey ? readString(r.props[ownAccountKey]) : undefined;
    if (typeof own === "string" && /^\d{12}$/.test(own)) {
        return { ...base, id: own, label: `account ${own}` };
    }
    return base;
}
