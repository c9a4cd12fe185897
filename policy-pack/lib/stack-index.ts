// One pass over a stack's resources that correlates every bucket with the separate
// resources that configure it (versioning, encryption, public access block,
// ownership, policy, ACL, replication, access logging) and every IAM role with
// the policies attached to it. Built once per resource list and memoised, so each
// policy does lookups in maps instead of scanning the stack per bucket.

import type { PolicyResource } from "@pulumi/policy";
import { partitionIn, partitionOfArn, partitionOfRegion } from "./arns";
import { Account, resourceAccount } from "./accounts";
import { BUCKET_SETTINGS, BucketSetting, Res } from "./resource";
import { nativeBucketSettings, normalizeNative } from "./native";
import { oncePer } from "./once";
import { Concern, concernOf } from "./types";
import { bucketNameFromRef, rawProps, Read, readList, readString, roleNameFromRef, UNKNOWN } from "./values";

export type { BucketSetting, Res } from "./resource";
export { BUCKET_SETTINGS } from "./resource";

export interface BucketEntry {
    res: Res;
    /** The bucket's name (also its ID), UNKNOWN until apply when it is generated. */
    name: Read<string>;
    /** How messages name this bucket. */
    label: string;
    settings: Record<BucketSetting, Res[]>;
}

export interface RoleEntry {
    res: Res;
    name: Read<string>;
    label: string;
    /** aws:iam/rolePolicy:RolePolicy resources attached to this role. */
    rolePolicies: Res[];
    /** Managed policies attached by RolePolicyAttachment/PolicyAttachment or managedPolicyArns. */
    attachments: ManagedAttachment[];
}

export interface ManagedAttachment {
    /** Where the attachment is declared (attachment resource or the role itself). */
    via: Res;
    policyArn: Read<string>;
    /** The aws:iam/policy:Policy in this stack, when the ARN leads to one. */
    policy?: Res;
}

/** Anything shaped like @pulumi/policy's PolicyResource (CrossGuard or the offline adapter). */
export type PolicyResourceLike = Pick<PolicyResource, "urn" | "type" | "name" | "props"> & {
    id?: string;
    provider?: { urn: string; type?: string; name?: string; props?: unknown };
    dependencies?: ReadonlyArray<{ urn: string }>;
    propertyDependencies?: Record<string, ReadonlyArray<{ urn: string }>>;
};

export function toRes(r: PolicyResourceLike): Res {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) {
        propertyDependencies[k] = (v ?? []).map((d) => d.urn);
    }
    return normalizeNative({
        urn: r.urn,
        type: r.type,
        name: r.name,
        props: rawProps(r.props),
        id: r.id,
        dependencies: (r.dependencies ?? []).map((d) => d.urn),
        propertyDependencies,
        provider: r.provider?.urn,
        providerProps: r.provider?.props !== undefined ? rawProps(r.provider.props) : undefined,
    });
}

const SETTING_CONCERNS: ReadonlySet<Concern> = new Set<Concern>(BUCKET_SETTINGS);

export class StackIndex {
    readonly resources: Res[];
    readonly byUrn = new Map<string, Res>();
    readonly buckets: BucketEntry[] = [];
    readonly bucketByUrn = new Map<string, BucketEntry>();
    /** Setting resources whose bucket cannot be determined (yet). */
    readonly unresolved: Record<BucketSetting, Res[]> = emptySettings();
    /** Setting resources that name a bucket outside this stack. */
    readonly external: Record<BucketSetting, Res[]> = emptySettings();
    readonly accountPublicAccessBlocks: Res[] = [];
    private readonly bucketByName = new Map<string, BucketEntry>();
    private readonly ofConcern = new Map<Concern, Res[]>();
    private roleCache?: { roles: RoleEntry[]; byUrn: Map<string, RoleEntry>; byName: Map<string, RoleEntry>; unresolvedRolePolicies: Res[] };

    constructor(resources: Res[]) {
        this.resources = resources;
        for (const r of resources) {
            this.byUrn.set(r.urn, r);
            const c = concernOf(r.type);
            if (c === undefined) {
                continue;
            }
            let list = this.ofConcern.get(c);
            if (!list) {
                list = [];
                this.ofConcern.set(c, list);
            }
            list.push(r);
        }
        for (const r of this.of("bucket")) {
            const entry = makeBucket(r);
            this.buckets.push(entry);
            this.bucketByUrn.set(r.urn, entry);
            for (const key of bucketKeys(r)) {
                this.bucketByName.set(key, entry);
            }
            const declared = nativeBucketSettings(r);
            for (const setting in declared) {
                entry.settings[setting as BucketSetting].push(...(declared[setting as BucketSetting] ?? []));
            }
        }
        this.accountPublicAccessBlocks.push(...this.of("accountPublicAccessBlock"));
        for (const concern of SETTING_CONCERNS) {
            const setting = concern as BucketSetting;
            for (const r of this.of(concern)) {
                const target = this.resolveBucket(r);
                if (target.kind === "bucket") {
                    target.entry.settings[setting].push(r);
                } else if (target.kind === "external") {
                    this.external[setting].push(r);
                } else {
                    this.unresolved[setting].push(r);
                }
            }
        }
    }

    private partitionCache?: string;
    private providerByUrn?: Map<string, Res>;
    private readonly accounts = new Map<string, Account>();

    /**
     * The account a resource lives in, from its provider (lib/accounts.ts);
     * `ownAccountKey` names an input that gives the account ID explicitly
     * (`accountId` on an AccountPublicAccessBlock or access point).
     */
    accountOf(r: Res, ownAccountKey?: string): Account {
        const key = ownAccountKey ? `${r.urn}\u0000${ownAccountKey}` : r.urn;
        let found = this.accounts.get(key);
        if (found === undefined) {
            found = resourceAccount(r, this.providerOf(r), ownAccountKey);
            this.accounts.set(key, found);
        }
        return found;
    }

    /**
     * The provider resource that manages `r`: the one the engine hands over with it,
     * else the one of the stack with its URN (a default provider, or one the program
     * creates).
     */
    providerOf(r: Res): Res | undefined {
        if (r.provider === undefined) {
            return undefined;
        }
        if (this.providerByUrn === undefined) {
            this.providerByUrn = new Map(this.of("provider").map((p) => [p.urn, p]));
        }
        const inStack = this.providerByUrn.get(r.provider);
        if (inStack || r.providerProps === undefined) {
            return inStack;
        }
        const name = r.provider.slice(r.provider.lastIndexOf("::") + 2);
        return { urn: r.provider, type: "pulumi:providers", name, props: r.providerProps, dependencies: [], propertyDependencies: {} };
    }

    /** The region `r` lives in: its own `region` input (classic v7), else its provider's; undefined when neither says. */
    regionOf(r: Res): Read<string> {
        const own = readString(r.props.region);
        if (own !== undefined) {
            return own;
        }
        const provider = this.providerOf(r);
        return provider ? readString(provider.props.region) : undefined;
    }

    /**
     * The stack's partition, for the ARNs a fix suggests: the region of an AWS
     * provider, else the first ARN in the stack naming a known partition, else `aws`.
     */
    partition(): string {
        if (this.partitionCache === undefined) {
            let found: string | undefined;
            for (const r of this.resources) {
                if (r.type === "pulumi:providers:aws" || r.type === "pulumi:providers:aws-native") {
                    const region = readString(r.props.region);
                    found = typeof region === "string" ? partitionOfRegion(region) : undefined;
                    if (found) {
                        break;
                    }
                }
            }
            for (const r of found ? [] : this.resources) {
                const arn = readString(r.props.arn);
                found =
                    (typeof arn === "string" ? partitionOfArn(arn) : undefined) ??
                    (r.type.startsWith("aws:iam/") || r.type.startsWith("aws:s3/") ? partitionIn(JSON.stringify(r.props)) : undefined);
                if (found) {
                    break;
                }
            }
            this.partitionCache = found ?? "aws";
        }
        return this.partitionCache;
    }

    /** Resources of one concern (all its type tokens). */
    of(concern: Concern): Res[] {
        return this.ofConcern.get(concern) ?? [];
    }

    bucketByRef(ref: string): BucketEntry | undefined {
        return this.bucketByName.get(bucketNameFromRef(ref));
    }

    /**
     * Which bucket a split setting configures: by the `bucket` input (name, ID or
     * ARN); when that is unknown, by the URN its `bucket` input came from
     * (propertyDependencies), then by a lone bucket among its dependencies.
     */
    resolveBucket(r: Res, prop = "bucket"): { kind: "bucket"; entry: BucketEntry } | { kind: "external"; name: string } | { kind: "unresolved" } {
        const ref = readString(r.props[prop]);
        if (typeof ref === "string") {
            const entry = this.bucketByRef(ref);
            if (entry) {
                return { kind: "bucket", entry };
            }
        }
        const fromProp = this.bucketsAmong(r.propertyDependencies[prop] ?? []);
        if (fromProp.length === 1) {
            return { kind: "bucket", entry: fromProp[0] };
        }
        if (typeof ref === "string") {
            return { kind: "external", name: bucketNameFromRef(ref) };
        }
        if (fromProp.length === 0) {
            const fromDeps = this.bucketsAmong(r.dependencies);
            if (fromDeps.length === 1) {
                return { kind: "bucket", entry: fromDeps[0] };
            }
        }
        return { kind: "unresolved" };
    }

    bucketsAmong(urns: string[]): BucketEntry[] {
        const out = new Set<BucketEntry>();
        for (const u of urns) {
            const b = this.bucketByUrn.get(u);
            if (b) {
                out.add(b);
            }
        }
        return [...out];
    }

    // -----------------------------------------------------------------------
    // IAM roles and what is attached to them. Computed on first use: only the
    // role policies need it.

    roles(): RoleEntry[] {
        return this.roleIndex().roles;
    }

    roleByUrn(urn: string): RoleEntry | undefined {
        return this.roleIndex().byUrn.get(urn);
    }

    roleByRef(ref: string): RoleEntry | undefined {
        return this.roleIndex().byName.get(roleNameFromRef(ref));
    }

    /** RolePolicy resources whose role cannot be determined. */
    unresolvedRolePolicies(): Res[] {
        return this.roleIndex().unresolvedRolePolicies;
    }

    private roleIndex() {
        if (this.roleCache) {
            return this.roleCache;
        }
        const roles: RoleEntry[] = [];
        const byUrn = new Map<string, RoleEntry>();
        const byName = new Map<string, RoleEntry>();
        for (const r of this.of("role")) {
            const name = readString(r.props.name);
            const entry: RoleEntry = {
                res: r,
                name,
                label: typeof name === "string" ? `role "${name}"` : `role "${r.name}" (name unknown until apply)`,
                rolePolicies: [],
                attachments: [],
            };
            roles.push(entry);
            byUrn.set(r.urn, entry);
            if (typeof name === "string") {
                byName.set(name, entry);
            }
            const arn = readString(r.props.arn);
            if (typeof arn === "string") {
                byName.set(roleNameFromRef(arn), entry);
            }
            const managed = readList(r.props.managedPolicyArns);
            if (Array.isArray(managed)) {
                for (const m of managed) {
                    const policyArn = readString(m);
                    entry.attachments.push({ via: r, policyArn, policy: undefined });
                }
            } else if (managed === UNKNOWN) {
                entry.attachments.push({ via: r, policyArn: UNKNOWN });
            }
        }
        const resolveRole = (r: Res, prop: string): RoleEntry | undefined => {
            const ref = readString(r.props[prop]);
            if (typeof ref === "string") {
                const e = byName.get(roleNameFromRef(ref));
                if (e) {
                    return e;
                }
            }
            const fromProp = (r.propertyDependencies[prop] ?? []).map((u) => byUrn.get(u)).filter((e): e is RoleEntry => e !== undefined);
            if (fromProp.length === 1) {
                return fromProp[0];
            }
            if (typeof ref !== "string" && fromProp.length === 0) {
                const fromDeps = r.dependencies.map((u) => byUrn.get(u)).filter((e): e is RoleEntry => e !== undefined);
                if (fromDeps.length === 1) {
                    return fromDeps[0];
                }
            }
            return undefined;
        };
        const policies = this.of("managedPolicy");
        const policyByArn = new Map<string, Res>();
        const policyByName = new Map<string, Res>();
        const policyByUrn = new Map<string, Res>();
        for (const p of policies) {
            policyByUrn.set(p.urn, p);
            const arn = readString(p.props.arn);
            if (typeof arn === "string") {
                policyByArn.set(arn, p);
            }
            const name = readString(p.props.name);
            if (typeof name === "string") {
                policyByName.set(name, p);
            }
        }
        const findPolicy = (via: Res, arn: Read<string>): Res | undefined => {
            if (typeof arn === "string") {
                const exact = policyByArn.get(arn);
                if (exact) {
                    return exact;
                }
                const m = /^arn:[^:]+:iam::(\d{12}):policy\/(?:.*\/)?([^/]+)$/.exec(arn);
                if (m) {
                    const byName = policyByName.get(m[2]);
                    if (byName) {
                        return byName;
                    }
                }
            }
            const fromProp = (via.propertyDependencies.policyArn ?? []).map((u) => policyByUrn.get(u)).filter((p): p is Res => p !== undefined);
            return fromProp.length === 1 ? fromProp[0] : undefined;
        };
        for (const e of roles) {
            for (const a of e.attachments) {
                a.policy = findPolicy(e.res, a.policyArn);
            }
        }
        const unresolvedRolePolicies: Res[] = [];
        for (const rp of this.of("rolePolicy")) {
            const e = resolveRole(rp, "role");
            if (e) {
                e.rolePolicies.push(rp);
            } else {
                unresolvedRolePolicies.push(rp);
            }
        }
        for (const att of this.of("rolePolicyAttachment")) {
            const e = resolveRole(att, "role");
            if (e) {
                const policyArn = readString(att.props.policyArn);
                e.attachments.push({ via: att, policyArn, policy: findPolicy(att, policyArn) });
            }
        }
        // The roles a resource names in its `roles` input (by name, or by the URNs it came from).
        const rolesNamed = (r: Res): Set<RoleEntry> => {
            const targets = new Set<RoleEntry>();
            const names = readList(r.props.roles);
            for (const n of Array.isArray(names) ? names : []) {
                const s = readString(n);
                const e = typeof s === "string" ? byName.get(roleNameFromRef(s)) : undefined;
                if (e) {
                    targets.add(e);
                }
            }
            for (const u of r.propertyDependencies.roles ?? []) {
                const e = byUrn.get(u);
                if (e) {
                    targets.add(e);
                }
            }
            return targets;
        };
        // An aws-native ManagedPolicy names the roles it is attached to itself.
        for (const p of policies) {
            for (const e of rolesNamed(p)) {
                e.attachments.push({ via: p, policyArn: readString(p.props.arn), policy: p });
            }
        }
        for (const att of this.of("policyAttachment")) {
            const policyArn = readString(att.props.policyArn);
            for (const e of rolesNamed(att)) {
                e.attachments.push({ via: att, policyArn, policy: findPolicy(att, policyArn) });
            }
        }
        this.roleCache = { roles, byUrn, byName, unresolvedRolePolicies };
        return this.roleCache;
    }
}

function emptySettings(): Record<BucketSetting, Res[]> {
    return { versioning: [], encryption: [], publicAccessBlock: [], ownership: [], policy: [], acl: [], replication: [], logging: [], requestPayment: [] };
}

function makeBucket(r: Res): BucketEntry {
    const name = readString(r.props.bucket);
    const known = typeof name === "string" ? name : typeof r.id === "string" && r.id !== "" ? r.id : undefined;
    return {
        res: r,
        name: known ?? UNKNOWN,
        label: known !== undefined ? `bucket "${known}"` : `bucket "${r.name}" (name unknown until apply)`,
        settings: emptySettings(),
    };
}

// The keys other resources may use to refer to a bucket: its name, its ID (the
// same for S3, but stack outputs carry it separately) and its ARN; and its URN,
// by which a native bucket's own settings name it while its name is unknown.
function bucketKeys(r: Res): string[] {
    const keys: string[] = [r.urn];
    for (const v of [r.props.bucket, r.props.id, r.id, r.props.arn]) {
        const s = readString(v);
        if (typeof s === "string") {
            keys.push(bucketNameFromRef(s));
        }
    }
    return keys;
}

const prepared = new WeakMap<object, Res[]>();

/**
 * For a caller that builds the plain resources itself along with the list it hands
 * the stack policies (the offline checker): `stackIndexFor(list)` then indexes these
 * instead of converting every resource back with toRes. `res[i]` must be what
 * toRes(list[i]) gives. The index is still built on first use only.
 */
export function prepareStackIndex(list: ReadonlyArray<PolicyResourceLike>, res: Res[]): void {
    prepared.set(list, res);
}

/**
 * The index for a list of resources, built once per list: the offline checker hands
 * every stack policy the same array, CrossGuard a fresh one per policy.
 */
export function stackIndexFor(resources: ReadonlyArray<PolicyResourceLike>): StackIndex {
    return indexOnce(resources);
}

const indexOnce = oncePer((resources: ReadonlyArray<PolicyResourceLike>) => new StackIndex(prepared.get(resources) ?? resources.map(toRes)));

/** For tests and tools that already hold plain resources. */
export function indexOf(resources: Res[]): StackIndex {
    return new StackIndex(resources);
}
