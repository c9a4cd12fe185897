/**
 * The expected access matrix: loads the request templates of
 * expected-matrix.yaml and expands them, for one link, into concrete requests
 * carrying the principal, the resource, the context keys AWS would set, and
 * the policies both sides' plans make for them.
 *
 * Facts that are not known (a counterpart whose stack is not planned, a
 * hand-over still missing a value, a link still pending) are carried as
 * unknowns with the reason, never filled in with a guess.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { z } from "zod";
import { anonymousPrincipal, type SimulationRequestPrincipal } from "@cloud-copilot/iam-simulate";
import { CollectedBucket, CollectedDocument, CollectedKey, CollectedPolicies, keyOfBucket, singlePolicy } from "./collect";

export const DECISIONS = ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"] as const;
export type Decision = (typeof DECISIONS)[number];
export const TRANSPORTS = ["tls1.3", "tls1.2", "tls1.1", "tls1.0", "http"] as const;
export type Transport = (typeof TRANSPORTS)[number];
export type SideRef = "own" | "counterpart";

export const DEFAULT_MATRIX_FILE = path.join(__dirname, "expected-matrix.yaml");

const decision = z.enum(DECISIONS);
const templateSchema = z.strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/),
    kind: z.string(),
    sides: z.array(z.enum(["own", "counterpart"])).min(1).optional(),
    principals: z.array(z.string()).min(1),
    actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, "an action is service:Name")).min(1),
    resources: z.array(z.string()).min(1),
    transports: z.array(z.enum(TRANSPORTS)).min(1).default(["tls1.2"]),
    /** For KMS actions: the object whose encryption S3 asks KMS for (sets kms:ViaService and the encryption context). */
    via: z.string().optional(),
    expected: z.union([decision, z.strictObject({ if: z.string(), then: decision, else: decision })]),
});
const matrixSchema = z.strictObject({
    files: z.record(z.string(), z.string()).default({}),
    kinds: z.record(z.string(), z.string()),
    templates: z.array(templateSchema).min(1),
});

export type Template = z.infer<typeof templateSchema>;
export type ExpectedMatrix = z.infer<typeof matrixSchema>;

/** A value from the plans, or why it is not known. */
export type Known<T> = { value: T } | { unknown: string };
export const isKnown = <T>(k: Known<T>): k is { value: T } => "value" in k;

export interface NamedPolicy {
    name: string;
    policy: Record<string, unknown>;
}

/** What one side of a link is, as far as its plan (or its hand-over) tells. */
export interface SideFacts {
    party: string;
    /** Where the facts come from, for messages: "plan of stack prod", "hand-over in config". */
    source: string;
    partition: string;
    accountId?: string;
    /** Its planned policies; absent when its stack is not planned here. */
    policies?: CollectedPolicies;
    replicationRoleArn?: string;
    ingressBucketArn?: string;
    egressBucketArn?: string;
    /** The ingress bucket's KMS key, when handed over or exported (the plan, when known, says it too). */
    ingressKmsKeyArn?: string;
    deleteMarkerReplication?: boolean;
    /** "pending": it does not replicate yet (no permissions, no replication rule). */
    replication?: "active" | "pending";
    /** "pending": its ingress does not admit the other side yet. */
    ingressGrant?: "active" | "pending";
}

export interface LinkFacts {
    /** The counterpart's party name: the link's key in the stack's `links` output. */
    name: string;
    root: string;
    own: SideFacts;
    counterpart: SideFacts;
    /** An account of neither side, for the unrelated-account requests. */
    unrelatedAccountId: string;
}

export interface RequestPrincipal {
    label: string;
    /** What the simulator is given as the caller. */
    caller: SimulationRequestPrincipal;
    /** aws:PrincipalArn; absent for anonymous and service principals. */
    principalArn?: string;
    accountId?: string;
    identity: Known<NamedPolicy[]>;
    permissionBoundaries: NamedPolicy[];
    context: Record<string, string>;
    /** The side the principal belongs to, for pending-link rules. */
    side?: SideRef;
    role?: "replication" | "root" | "admin" | "service";
}

export interface RequestResource {
    label: string;
    arn: string;
    accountId: string;
    side: SideRef;
    type: "bucket" | "object" | "role" | "key";
    /** The bucket is an ingress bucket: its policy holds the grant to the other side. */
    ingress: boolean;
    policy: Known<NamedPolicy | undefined>;
    restrictPublicBuckets: boolean;
}

export interface AccessRequest {
    kind: string;
    template: string;
    link: string;
    principalSpec: string;
    resourceSpec: string;
    action: string;
    transport: Transport;
    principal?: RequestPrincipal;
    resource?: RequestResource;
    context: Record<string, string>;
    expected: Known<Decision>;
    /** Why the request cannot be evaluated at all (a principal or resource that is not known, a pending link). */
    notEvaluable?: string;
}

/** AdministratorAccess: what an account may give its own principals, so only the other account's policies stand in the way. */
export const ADMINISTRATOR_ACCESS: NamedPolicy = {
    name: "AdministratorAccess (assumed)",
    policy: { Version: "2012-10-17", Statement: [{ Sid: "AdministratorAccess", Effect: "Allow", Action: "*", Resource: "*" }] },
};

const SIDE_REFS: SideRef[] = ["own", "counterpart"];

function parseCall(spec: string): { name: string; args: string[] } | undefined {
    const m = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(spec.trim());
    if (!m) return undefined;
    return { name: m[1], args: m[2] === undefined ? [] : m[2].split(",").map((a) => a.trim()) };
}

/** Checks every template's grammar for both sides, so a typo fails when the file loads, not as a silent zero rows. */
function validate(matrix: ExpectedMatrix, file: string): void {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const t of matrix.templates) {
        if (ids.has(t.id)) problems.push(`${t.id}: id appears twice`);
        ids.add(t.id);
        if (!(t.kind in matrix.kinds)) problems.push(`${t.id}: kind "${t.kind}" is not listed under kinds`);
        const usesSides = [...t.principals, ...t.resources, ...(t.via ? [t.via] : []), ...(typeof t.expected === "object" ? [t.expected.if] : [])].some((s) => /\{(side|other)\}/.test(s));
        if (usesSides && !t.sides) problems.push(`${t.id}: uses {side}/{other} without sides`);
        for (const side of t.sides ?? ["own" as SideRef]) {
            const vars = { ...matrix.files, root: "root", side, other: side === "own" ? "counterpart" : "own" };
            const fill = (s: string) => substitute(s, vars, (name) => problems.push(`${t.id}: unknown placeholder {${name}} in "${s}"`));
            for (const p of t.principals) if (!principalGrammar(fill(p))) problems.push(`${t.id}: principal "${p}" is not one of replicationRole(S), accountRoot(S), admin(S), anonymous, unrelatedAccount, service(name, S|unrelated, bucket)`);
            for (const r of t.resources) if (!resourceGrammar(fill(r))) problems.push(`${t.id}: resource "${r}" is not one of ingress(S)[/key], egress(S)[/key], buckets(S)[/key], replicationRole(S), keys(S), key(ingress(S)), key(egress(S))`);
            if (t.via !== undefined && !bucketRef(fill(t.via))?.key) problems.push(`${t.id}: via "${t.via}" is not an object ingress(S)/<key> or egress(S)/<key>`);
            if (t.via !== undefined && !t.actions.every((a) => a.startsWith("kms:"))) problems.push(`${t.id}: via applies to kms: actions only`);
            if (typeof t.expected === "object" && !/^deleteMarkerReplication\((own|counterpart)\)$/.test(fill(t.expected.if))) {
                problems.push(`${t.id}: condition "${t.expected.if}" is not deleteMarkerReplication(S)`);
            }
        }
    }
    if (problems.length) throw new Error(`${file}:\n  ${problems.join("\n  ")}`);
}

function substitute(spec: string, vars: Record<string, string>, onUnknown: (name: string) => void = (name) => { throw new Error(`unknown placeholder {${name}} in "${spec}"`); }): string {
    return spec.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
        if (name in vars) return vars[name];
        onUnknown(name);
        return whole;
    });
}

const isSide = (s: string | undefined): s is SideRef => s === "own" || s === "counterpart";

function principalGrammar(spec: string): boolean {
    const call = parseCall(spec);
    if (!call) return false;
    switch (call.name) {
        case "replicationRole":
        case "accountRoot":
        case "admin":
            return call.args.length === 1 && isSide(call.args[0]);
        case "anonymous":
        case "unrelatedAccount":
            return call.args.length === 0;
        case "service":
            return call.args.length === 3 && /^[a-z0-9-]+\.amazonaws\.com$/.test(call.args[0])
                && (isSide(call.args[1]) || call.args[1] === "unrelated") && bucketRef(call.args[2]) !== undefined;
        default:
            return false;
    }
}

function bucketRef(spec: string): { which: "ingress" | "egress"; side: SideRef; key?: string } | undefined {
    const m = /^(ingress|egress)\((own|counterpart)\)(?:\/(.+))?$/.exec(spec);
    return m ? { which: m[1] as "ingress" | "egress", side: m[2] as SideRef, ...(m[3] ? { key: m[3] } : {}) } : undefined;
}

function resourceGrammar(spec: string): boolean {
    if (bucketRef(spec)) return true;
    return /^(replicationRole|keys)\((own|counterpart)\)$/.test(spec)
        || /^buckets\((own|counterpart)\)(\/.+)?$/.test(spec)
        || /^key\((ingress|egress)\((own|counterpart)\)\)$/.test(spec);
}

export function loadExpectedMatrix(file = DEFAULT_MATRIX_FILE): ExpectedMatrix {
    const parsed = matrixSchema.safeParse(YAML.parse(fs.readFileSync(file, "utf8")));
    if (!parsed.success) {
        throw new Error(`${file}:\n  ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n  ")}`);
    }
    validate(parsed.data, file);
    return parsed.data;
}

const unrelatedSide = "unrelated";

function roleNameOf(roleArn: string): string {
    return roleArn.split("/").pop() ?? roleArn;
}

function accountOf(arn: string): string {
    return arn.split(":")[4];
}

/** A role's policies from its side's plan, or why they are not known. */
function rolePolicies(side: SideFacts, roleArn: string): { identity: Known<NamedPolicy[]>; boundaries: NamedPolicy[] } {
    if (!side.policies) {
        return { identity: { unknown: `${side.party}'s identity policies live in its account and its stack is not planned here (${side.source})` }, boundaries: [] };
    }
    const role = side.policies.roles.find((r) => r.arn === roleArn);
    if (!role) return { identity: { unknown: `${side.policies.stack}'s plan makes no role ${roleArn}` }, boundaries: [] };
    const docs: CollectedDocument[] = [...role.identity, ...(role.permissionsBoundary ? [role.permissionsBoundary] : [])];
    const unreadable = docs.find((d) => !d.document);
    if (unreadable) return { identity: { unknown: unreadable.unreadable ?? `${unreadable.source} is unreadable` }, boundaries: [] };
    return {
        identity: { value: role.identity.map((d) => ({ name: d.name, policy: d.document! })) },
        boundaries: role.permissionsBoundary ? [{ name: role.permissionsBoundary.name, policy: role.permissionsBoundary.document! }] : [],
    };
}

class Expander {
    constructor(private readonly link: LinkFacts) {}

    side(ref: SideRef): SideFacts {
        return this.link[ref];
    }

    accountOf(ref: SideRef | "unrelated"): string | undefined {
        return ref === unrelatedSide ? this.link.unrelatedAccountId : this.side(ref).accountId;
    }

    partyOf(ref: SideRef): string {
        return this.side(ref).party;
    }

    bucketArn(which: "ingress" | "egress", ref: SideRef): string | undefined {
        const side = this.side(ref);
        return which === "ingress" ? side.ingressBucketArn : side.egressBucketArn;
    }

    /** The principal, or why it cannot be named. */
    principal(spec: string): RequestPrincipal | string {
        const call = parseCall(spec)!;
        const [arg] = call.args;
        const iam = (accountId: string, arn: string, caller: string, label: string, identity: Known<NamedPolicy[]>, boundaries: NamedPolicy[], side: SideRef | undefined, role: RequestPrincipal["role"]): RequestPrincipal => ({
            label,
            caller,
            principalArn: arn,
            accountId,
            identity,
            permissionBoundaries: boundaries,
            context: { "aws:PrincipalArn": arn, "aws:PrincipalAccount": accountId, "aws:PrincipalIsAWSService": "false" },
            ...(side ? { side } : {}),
            role,
        });
        const partition = this.link.own.partition;
        // Roles act through sessions: the caller is the assumed-role session, aws:PrincipalArn the role.
        const session = (roleArn: string, sessionName: string) => `arn:${partition}:sts::${accountOf(roleArn)}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`;
        const adminRole = (accountId: string) => `arn:${partition}:iam::${accountId}:role/administrator`;
        switch (call.name) {
            case "replicationRole": {
                const side = this.side(arg as SideRef);
                if (!side.replicationRoleArn) return `${side.party}'s replication role ARN is not known (${side.source})`;
                const arn = side.replicationRoleArn;
                const { identity, boundaries } = rolePolicies(side, arn);
                return iam(accountOf(arn), arn, session(arn, "s3-replication"), `${side.party} replication role`, identity, boundaries, arg as SideRef, "replication");
            }
            case "accountRoot": {
                const account = this.accountOf(arg as SideRef);
                if (!account) return `${this.partyOf(arg as SideRef)}'s account ID is not known`;
                const arn = `arn:${partition}:iam::${account}:root`;
                return iam(account, arn, arn, `${this.partyOf(arg as SideRef)} account root`, { value: [ADMINISTRATOR_ACCESS] }, [], arg as SideRef, "root");
            }
            case "admin": {
                const account = this.accountOf(arg as SideRef);
                if (!account) return `${this.partyOf(arg as SideRef)}'s account ID is not known`;
                const arn = adminRole(account);
                return iam(account, arn, session(arn, "admin"), `${this.partyOf(arg as SideRef)} admin role`, { value: [ADMINISTRATOR_ACCESS] }, [], arg as SideRef, "admin");
            }
            case "unrelatedAccount": {
                const arn = adminRole(this.link.unrelatedAccountId);
                return iam(this.link.unrelatedAccountId, arn, session(arn, "admin"), "unrelated account admin role", { value: [ADMINISTRATOR_ACCESS] }, [], undefined, "admin");
            }
            case "anonymous":
                return { label: "anonymous", caller: anonymousPrincipal, identity: { value: [] }, permissionBoundaries: [], context: {} };
            case "service": {
                const [service, sourceSide, bucket] = call.args;
                const ref = bucketRef(bucket)!;
                const account = this.accountOf(sourceSide as SideRef | "unrelated");
                const sourceArn = this.bucketArn(ref.which, ref.side);
                if (!account) return `${this.partyOf(sourceSide as SideRef)}'s account ID is not known`;
                if (!sourceArn) return `${this.partyOf(ref.side)}'s ${ref.which} bucket is not known`;
                const on = sourceSide === unrelatedSide ? "unrelated account" : this.partyOf(sourceSide as SideRef);
                return {
                    label: `${service} for ${on}, source ${sourceArn.split(":::").pop()}`,
                    caller: service,
                    accountId: account,
                    identity: { value: [] },
                    permissionBoundaries: [],
                    context: {
                        "aws:PrincipalIsAWSService": "true",
                        "aws:PrincipalServiceName": service,
                        "aws:SourceAccount": account,
                        "aws:SourceArn": sourceArn,
                    },
                    role: "service",
                };
            }
        }
        throw new Error(`unreachable: principal ${spec}`);
    }

    /** A bucket, or an object in it, with its policy from the owner's plan. */
    private bucketResource(ref: SideRef, arn: string, key: string | undefined, ingress: boolean): RequestResource | string {
        const side = this.side(ref);
        if (!side.accountId) return `${side.party}'s account ID is not known`;
        const name = arn.split(":::").pop()!;
        let policy: Known<NamedPolicy | undefined>;
        let restrictPublicBuckets = false;
        const collected = this.collectedBucket(ref, arn);
        if (typeof collected === "string") {
            policy = { unknown: collected };
        } else {
            const single = singlePolicy(collected.policies, `bucket ${name}`);
            policy = single.unreadable ? { unknown: single.unreadable } : { value: single.document ? { name: single.name!, policy: single.document } : undefined };
            restrictPublicBuckets = collected.restrictPublicBuckets;
        }
        return {
            label: key ? `${name}/${key}` : name,
            arn: key ? `${arn}/${key}` : arn,
            accountId: side.accountId,
            side: ref,
            type: key ? "object" : "bucket",
            ingress,
            policy,
            restrictPublicBuckets,
        };
    }

    private collectedBucket(ref: SideRef, arn: string): CollectedBucket | string {
        const side = this.side(ref);
        const name = arn.split(":::").pop()!;
        if (!side.policies) return `${name}'s policies live in ${side.party}'s account and its stack is not planned here (${side.source})`;
        return side.policies.buckets.find((b) => b.arn === arn) ?? `${side.policies.stack}'s plan makes no bucket ${name}`;
    }

    private keyResource(ref: SideRef, key: CollectedKey | { arn: string; unknown: string }): RequestResource {
        const policy: Known<NamedPolicy | undefined> = "unknown" in key
            ? { unknown: key.unknown }
            : (() => {
                const single = singlePolicy(key.policies, `key ${key.name}`);
                return single.unreadable ? { unknown: single.unreadable } : { value: single.document ? { name: single.name!, policy: single.document } : undefined };
            })();
        return {
            label: "name" in key ? `key ${key.name}` : `key/${key.arn.split("/").pop()}`,
            arn: key.arn,
            accountId: accountOf(key.arn),
            side: ref,
            type: "key",
            ingress: false,
            policy,
            restrictPublicBuckets: false,
        };
    }

    /** The KMS key a bucket encrypts with: none for SSE-S3, so requests on it do not apply. */
    private bucketKey(which: "ingress" | "egress", ref: SideRef): RequestResource[] | string {
        const side = this.side(ref);
        const arn = this.bucketArn(which, ref);
        if (!arn) return `${side.party}'s ${which} bucket is not known (${side.source})`;
        const collected = this.collectedBucket(ref, arn);
        if (typeof collected === "string") {
            if (which === "ingress" && side.ingressKmsKeyArn) {
                return [this.keyResource(ref, { arn: side.ingressKmsKeyArn, unknown: `the key policy of ${side.ingressKmsKeyArn} lives in ${side.party}'s account and its stack is not planned here (${side.source})` })];
            }
            return `whether ${side.party}'s ${which} bucket uses a KMS key is not known: ${collected}`;
        }
        if (!collected.kms) return [];
        if (collected.kms.keyId === "aws/s3") return `${collected.name} uses the AWS-managed aws/s3 key, whose policy is not in the plan (and which cannot be used across accounts)`;
        const key = keyOfBucket(side.policies!, collected);
        if (key) return [this.keyResource(ref, key)];
        const named = collected.kms.keyId;
        if (!named.startsWith("arn:")) return `${collected.name} names KMS key ${named}, which ${side.policies!.stack}'s plan does not make`;
        return [this.keyResource(ref, { arn: named, unknown: `${collected.name} names KMS key ${named}, which ${side.policies!.stack}'s plan does not make` })];
    }

    /** The resources a spec names (keys(S) and buckets(S) name several), or why they cannot be named. */
    resources(spec: string, action: string): RequestResource[] | string {
        const bucket = bucketRef(spec);
        if (bucket) {
            const side = this.side(bucket.side);
            const arn = this.bucketArn(bucket.which, bucket.side);
            if (!arn) return `${side.party}'s ${bucket.which} bucket is not known (${side.source})`;
            const resource = this.bucketResource(bucket.side, arn, bucket.key, bucket.which === "ingress");
            return typeof resource === "string" ? resource : [resource];
        }
        const all = /^buckets\((own|counterpart)\)(?:\/(.+))?$/.exec(spec);
        if (all) {
            const ref = all[1] as SideRef;
            const side = this.side(ref);
            // Without its plan, a side's buckets are the ones the link names.
            const arns = side.policies
                ? side.policies.buckets.map((b) => b.arn)
                : [side.ingressBucketArn, side.egressBucketArn].filter((a): a is string => a !== undefined);
            if (!arns.length) return `${side.party}'s buckets are not known (${side.source})`;
            const resources = arns.map((arn) => this.bucketResource(ref, arn, all[2], arn === side.ingressBucketArn));
            const failed = resources.find((r): r is string => typeof r === "string");
            return failed ?? (resources as RequestResource[]);
        }
        const keyOf = /^key\((ingress|egress)\((own|counterpart)\)\)$/.exec(spec);
        if (keyOf) return this.bucketKey(keyOf[1] as "ingress" | "egress", keyOf[2] as SideRef);

        const call = parseCall(spec)!;
        const ref = call.args[0] as SideRef;
        const side = this.side(ref);
        if (call.name === "replicationRole") {
            const arn = side.replicationRoleArn;
            if (!arn) return `${side.party}'s replication role ARN is not known (${side.source})`;
            // A role's trust policy is the resource policy of sts:AssumeRole* only; IAM actions on the role have none.
            let policy: Known<NamedPolicy | undefined> = { value: undefined };
            if (action.startsWith("sts:")) {
                const role = side.policies?.roles.find((r) => r.arn === arn);
                if (!side.policies) policy = { unknown: `${side.party}'s trust policy lives in its account and its stack is not planned here (${side.source})` };
                else if (!role?.trust) policy = { unknown: `${side.policies.stack}'s plan makes no role ${arn}` };
                else if (!role.trust.document) policy = { unknown: role.trust.unreadable ?? "trust policy unreadable" };
                else policy = { value: { name: role.trust.name, policy: role.trust.document } };
            }
            return [{ label: `role/${roleNameOf(arn)}`, arn, accountId: accountOf(arn), side: ref, type: "role", ingress: false, policy, restrictPublicBuckets: false }];
        }
        // keys(S)
        if (!side.policies) return `${side.party}'s KMS keys are not known: its stack is not planned here (${side.source})`;
        return side.policies.keys.map((key) => this.keyResource(ref, key));
    }

    /**
     * The context S3 gives KMS when it encrypts or decrypts an object for a
     * caller: the service it calls through, and the encryption context, which
     * is the bucket's ARN with S3 Bucket Keys and the object's without.
     */
    kmsVia(spec: string, key: RequestResource): Record<string, string> | string {
        const ref = bucketRef(spec)!;
        const bucketArn = this.bucketArn(ref.which, ref.side);
        if (!bucketArn) return `${this.partyOf(ref.side)}'s ${ref.which} bucket is not known`;
        const collected = this.collectedBucket(ref.side, bucketArn);
        const bucketKey = typeof collected === "string" ? false : collected.kms?.bucketKey ?? false;
        const region = key.arn.split(":")[3];
        return {
            "kms:ViaService": `s3.${region}.amazonaws.com`,
            "kms:EncryptionContext:aws:s3:arn": bucketKey ? bucketArn : `${bucketArn}/${ref.key}`,
        };
    }

    expected(t: Template, vars: Record<string, string>): Known<Decision> {
        if (typeof t.expected === "string") return { value: t.expected };
        const ref = /\((own|counterpart)\)/.exec(substitute(t.expected.if, vars))![1] as SideRef;
        const side = this.side(ref);
        if (side.deleteMarkerReplication === undefined) {
            return { unknown: `whether ${side.party} replicates delete markers is not known (${side.source})` };
        }
        return { value: side.deleteMarkerReplication ? t.expected.then : t.expected.else };
    }

    /** A link that is still pending makes its requests meaningless: no permissions yet, or no grant yet, to verify. */
    pending(principal: RequestPrincipal, resource: RequestResource): string | undefined {
        if (principal.role === "replication" && principal.side) {
            const side = this.side(principal.side);
            if (side.replication === "pending") return `${side.party}'s replication is pending in its plan (the other side's ingress bucket is not known to it yet)`;
        }
        if (resource.ingress && principal.side && principal.side !== resource.side) {
            const owner = this.side(resource.side);
            if (owner.ingressGrant === "pending") return `${owner.party}'s ingress grant is pending in its plan (the other side's role is not known to it yet)`;
        }
        return undefined;
    }
}

/** The context keys AWS sets on a request over a transport. `s3:TlsVersion` exists only on S3 requests over TLS. */
export function transportContext(action: string, transport: Transport): Record<string, string> {
    const tls = transport === "http" ? undefined : transport.slice("tls".length);
    return {
        "aws:SecureTransport": tls ? "true" : "false",
        ...(tls && action.startsWith("s3:") ? { "s3:TlsVersion": tls } : {}),
    };
}

export function expandMatrix(matrix: ExpectedMatrix, link: LinkFacts): AccessRequest[] {
    const expander = new Expander(link);
    const requests: AccessRequest[] = [];
    for (const t of matrix.templates) {
        for (const side of t.sides ?? [undefined]) {
            const vars: Record<string, string> = { ...matrix.files, root: link.root };
            if (side) Object.assign(vars, { side, other: SIDE_REFS.find((s) => s !== side)! });
            // {root} may appear inside file names, so substitute until nothing changes.
            const fill = (s: string) => {
                let out = s;
                for (let i = 0; i < 3; i++) out = substitute(out, vars);
                return out;
            };
            const expected = expander.expected(t, vars);
            for (const principalSpec of t.principals.map(fill)) {
                const principal = expander.principal(principalSpec);
                for (const action of t.actions) {
                    for (const resourceSpec of t.resources.map(fill)) {
                        const resources = expander.resources(resourceSpec, action);
                        for (const transport of t.transports) {
                            const base = { kind: t.kind, template: t.id, link: link.name, principalSpec, resourceSpec, action, transport, expected };
                            const context = transportContext(action, transport);
                            if (typeof principal === "string" || typeof resources === "string") {
                                requests.push({ ...base, context, notEvaluable: typeof principal === "string" ? principal : (resources as string) });
                                continue;
                            }
                            for (const resource of resources) {
                                let why = expander.pending(principal, resource);
                                const kms: Record<string, string> = {};
                                if (action.startsWith("kms:") && principal.accountId && principal.role !== "service") kms["kms:CallerAccount"] = principal.accountId;
                                if (t.via) {
                                    const via = expander.kmsVia(fill(t.via), resource);
                                    if (typeof via === "string") why ??= via;
                                    else Object.assign(kms, via);
                                }
                                requests.push({
                                    ...base,
                                    principal,
                                    resource,
                                    context: { ...principal.context, ...context, ...kms },
                                    ...(why ? { notEvaluable: why } : {}),
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    return requests;
}
