/**
 * The expected access matrix: loads the request templates of
 * expected-matrix.yaml and expands them, for one subject, into concrete
 * requests carrying the principal, the resource, the context keys AWS would
 * set, and the policies the plans make for them.
 *
 * A template is about one kind of subject (its `scope`): a counterpart link
 * (the default), a vendor drop, a service destination, or a log bucket
 * (`accessLog` templates once per data bucket whose access logs S3 delivers
 * into it, `logBucket` templates once per log bucket).
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
import { PROJECT_ROOT } from "../root";

export const DECISIONS = ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"] as const;
export type Decision = (typeof DECISIONS)[number];
export const TRANSPORTS = ["tls1.3", "tls1.2", "tls1.1", "tls1.0", "http"] as const;
export type Transport = (typeof TRANSPORTS)[number];
export type SideRef = "own" | "counterpart";
export const SCOPES = ["link", "vendorDrop", "serviceDestination", "accessLog", "logBucket"] as const;
export type Scope = (typeof SCOPES)[number];
/** What a request is about. `accessLog` and `logBucket` templates are both about a log bucket. */
export type SubjectKind = "link" | "vendorDrop" | "serviceDestination" | "logBucket";

export const DEFAULT_MATRIX_FILE = path.join(PROJECT_ROOT, "tools", "access", "expected-matrix.yaml");

const decision = z.enum(DECISIONS);
const templateSchema = z.strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/),
    kind: z.string(),
    scope: z.enum(SCOPES).default("link"),
    sides: z.array(z.enum(["own", "counterpart"])).min(1).optional(),
    principals: z.array(z.string()).min(1),
    actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, "an action is service:Name")).min(1),
    resources: z.array(z.string()).min(1),
    transports: z.array(z.enum(TRANSPORTS)).min(1).default(["tls1.2"]),
    /** For KMS actions: the object whose encryption S3 asks KMS for (sets kms:ViaService and the encryption context). */
    via: z.string().optional(),
    /** Context keys the caller's request carries beyond those of its principal and transport (s3:prefix, sts:ExternalId...). */
    context: z.record(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9:_/-]+$/, "a context key is service:Name"), z.string()).optional(),
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
    /** The side's S3 Batch Replication role, when its plan makes one. */
    batchReplicationRoleArn?: string;
    /** The region of the link's buckets: where the side's Batch Operations jobs for it run. */
    region?: string;
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

/** A planned side: its policies and account are known. */
export type PlannedSide = SideFacts & { accountId: string; policies: CollectedPolicies };

export interface LinkFacts {
    /** The counterpart's party name: the link's key in the stack's `links` output. */
    name: string;
    root: string;
    own: SideFacts;
    counterpart: SideFacts;
    /** An account of neither side, for the unrelated-account requests. */
    unrelatedAccountId: string;
}

/**
 * A bucket a vendor's principal writes into directly. The intent (principal,
 * prefix, what it may do) is the stack's config; the policies are the plan's.
 */
export interface VendorDropFacts {
    name: string;
    own: PlannedSide;
    bucketArn: string;
    /** The drop's region (the stack's). */
    region: string;
    principalArn: string;
    /** The vendor writes only under `{prefix}/`; absent: the whole (dedicated) bucket. */
    prefix?: string;
    allowDelete: boolean;
    accessConfirmation: boolean;
    unrelatedAccountId: string;
}

/** A bucket a data-sync service writes into by assuming a role of ours: intent from config, policies from the plan. */
export interface ServiceDestinationFacts {
    name: string;
    own: PlannedSide;
    bucketArn: string;
    roleArn: string;
    servicePrincipalArn: string;
    externalId: string;
    /** The service writes only under `{prefix}/`; absent: anywhere in the bucket. */
    prefix?: string;
    connectionTestPending: boolean;
    unrelatedAccountId: string;
}

/** One log bucket of a side, and what delivers into it according to the plan. */
export interface LogBucketFacts {
    own: PlannedSide;
    name: string;
    arn: string;
    region: string;
    /** Data buckets whose server access logs the plan sends here (its BucketLogging targets), with their key prefixes. */
    logged: { bucketArn: string; targetPrefix: string }[];
    /** Data buckets of the side whose access logs go to another log bucket (another region's). */
    loggedElsewhere: string[];
    /** Trails of the plan that deliver here. */
    trails: { arn: string; keyPrefix: string }[];
    /** The side's counterparts whose account is known. */
    counterparts: SideFacts[];
    unrelatedAccountId: string;
}

export type Subject =
    | { kind: "link"; facts: LinkFacts }
    | { kind: "vendorDrop"; facts: VendorDropFacts }
    | { kind: "serviceDestination"; facts: ServiceDestinationFacts }
    | { kind: "logBucket"; facts: LogBucketFacts };

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
    /** How the principal's own policies are modelled, when that is an assumption the decision rests on. */
    note?: string;
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
    /** The subject's name: the counterpart of a link, the vendor, the service, the log bucket. */
    link: string;
    scope: SubjectKind;
    principalSpec: string;
    resourceSpec: string;
    action: string;
    transport: Transport;
    principal?: RequestPrincipal;
    resource?: RequestResource;
    context: Record<string, string>;
    /** The keys of `context` the template adds (s3:prefix, sts:ExternalId...): what tells this request from its neighbours. */
    requestKeys?: Record<string, string>;
    expected: Known<Decision>;
    /** Why the request cannot be evaluated at all (a principal or resource that is not known, a pending link). */
    notEvaluable?: string;
}

/** AdministratorAccess: what an account may give its own principals, so only the other account's policies stand in the way. */
export const ADMINISTRATOR_ACCESS: NamedPolicy = {
    name: "AdministratorAccess (assumed)",
    policy: { Version: "2012-10-17", Statement: [{ Sid: "AdministratorAccess", Effect: "Allow", Action: "*", Resource: "*" }] },
};

/**
 * A vendor's or a data-sync service's own identity policy lives in its
 * account, outside every plan here. It is modelled at its worst, allowing
 * everything, so that a decision is our bucket, key and trust policies' alone.
 */
export const THIRD_PARTY_IDENTITY: NamedPolicy = {
    name: "third party's own identity policy (outside our plan; assumed to allow everything)",
    policy: { Version: "2012-10-17", Statement: [{ Sid: "AssumedAllowEverything", Effect: "Allow", Action: "*", Resource: "*" }] },
};

const SIDE_REFS: SideRef[] = ["own", "counterpart"];

function parseCall(spec: string): { name: string; args: string[] } | undefined {
    const m = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(spec.trim());
    if (!m) return undefined;
    return { name: m[1], args: m[2] === undefined ? [] : m[2].split(",").map((a) => a.trim()) };
}

const isSide = (s: string | undefined): s is SideRef => s === "own" || s === "counterpart";
const SERVICE_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/;
/** Principals every scope knows: the subject's own account, and callers of no party here. */
const COMMON_PRINCIPALS = ["anonymous", "unrelatedAccount", "accountRoot(own)", "admin(own)"];

function linkPrincipalGrammar(spec: string): boolean {
    const call = parseCall(spec);
    if (!call) return false;
    switch (call.name) {
        case "replicationRole":
        case "batchRole":
        case "accountRoot":
        case "admin":
            return call.args.length === 1 && isSide(call.args[0]);
        case "anonymous":
        case "unrelatedAccount":
            return call.args.length === 0;
        case "service":
            return call.args.length === 3 && SERVICE_NAME.test(call.args[0])
                && (isSide(call.args[1]) || call.args[1] === "unrelated") && (bucketRef(call.args[2]) !== undefined || jobRef(call.args[2]) !== undefined);
        default:
            return false;
    }
}

function bucketRef(spec: string): { which: "ingress" | "egress"; side: SideRef; key?: string } | undefined {
    const m = /^(ingress|egress)\((own|counterpart)\)(?:\/(.+))?$/.exec(spec);
    return m ? { which: m[1] as "ingress" | "egress", side: m[2] as SideRef, ...(m[3] ? { key: m[3] } : {}) } : undefined;
}

/** `job(S)`: a Batch Operations job of side S's account, as the source of a request Batch Operations makes. */
function jobRef(spec: string): { side: SideRef } | undefined {
    const m = /^job\((own|counterpart)\)$/.exec(spec);
    return m ? { side: m[1] as SideRef } : undefined;
}

/** A job ID in the shape S3 Control gives one (the request only needs its ARN's account and region). */
const SAMPLE_JOB_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

function linkResourceGrammar(spec: string): boolean {
    if (bucketRef(spec)) return true;
    return /^(replicationRole|batchRole|keys)\((own|counterpart)\)$/.test(spec)
        || /^buckets\((own|counterpart)\)(\/.+)?$/.test(spec)
        || /^key\((ingress|egress)\((own|counterpart)\)\)$/.test(spec);
}

/** `service(name, own|unrelated, <one of sources>)`. */
function serviceGrammar(sources: string[]) {
    return (spec: string) => {
        const call = parseCall(spec);
        return call?.name === "service" && call.args.length === 3 && SERVICE_NAME.test(call.args[0])
            && (call.args[1] === "own" || call.args[1] === "unrelated") && sources.includes(call.args[2]);
    };
}

interface ScopeGrammar {
    /** The scope's placeholders, with sample values to check templates with. */
    vars: Record<string, string>;
    principal: (spec: string) => boolean;
    principalHelp: string;
    resource: (spec: string) => boolean;
    resourceHelp: string;
    via?: (spec: string) => boolean;
    viaHelp?: string;
    condition?: RegExp;
    conditionHelp?: string;
}

const oneOf = (names: string[]) => (spec: string) => names.includes(spec);
const either = (...tests: ((spec: string) => boolean)[]) => (spec: string) => tests.some((t) => t(spec));

const GRAMMARS: Record<Scope, ScopeGrammar> = {
    link: {
        vars: { root: "root" },
        principal: linkPrincipalGrammar,
        principalHelp: "replicationRole(S), batchRole(S), accountRoot(S), admin(S), anonymous, unrelatedAccount, service(name, S|unrelated, bucket|job(S))",
        resource: linkResourceGrammar,
        resourceHelp: "ingress(S)[/key], egress(S)[/key], buckets(S)[/key], replicationRole(S), batchRole(S), keys(S), key(ingress(S)), key(egress(S))",
        via: (spec) => bucketRef(spec)?.key !== undefined,
        viaHelp: "an object ingress(S)/<key> or egress(S)/<key>",
        condition: /^deleteMarkerReplication\((own|counterpart)\)$/,
        conditionHelp: "deleteMarkerReplication(S)",
    },
    vendorDrop: {
        vars: { prefix: "prefix", keyPrefix: "prefix/", partition: "aws", region: "us-east-1", vendorAccount: "000000000000" },
        principal: oneOf(["vendor", "vendor(unrelated)", "accountRoot(vendor)", "admin(vendor)", ...COMMON_PRINCIPALS]),
        principalHelp: `vendor, vendor(unrelated), accountRoot(vendor), admin(vendor), ${COMMON_PRINCIPALS.join(", ")}`,
        resource: (spec) => /^drop(\/.+)?$/.test(spec) || spec === "key(drop)" || /^otherBuckets\(own\)(\/.+)?$/.test(spec),
        resourceHelp: "drop[/key], key(drop), otherBuckets(own)[/key]",
        via: (spec) => /^drop\/.+$/.test(spec),
        viaHelp: "an object drop/<key>",
        condition: /^(allowDelete|accessConfirmation|sseKms|prefixed)$/,
        conditionHelp: "allowDelete, accessConfirmation, sseKms or prefixed",
    },
    serviceDestination: {
        vars: { externalId: "external-id", keyPrefix: "prefix/" },
        principal: oneOf(["syncService", "syncService(unrelated)", "accountRoot(syncService)", "admin(syncService)", "writerRole", ...COMMON_PRINCIPALS]),
        principalHelp: `syncService, syncService(unrelated), accountRoot(syncService), admin(syncService), writerRole, ${COMMON_PRINCIPALS.join(", ")}`,
        resource: (spec) => /^destination(\/.+)?$/.test(spec) || spec === "key(destination)" || spec === "writerRole" || /^otherBuckets\(own\)(\/.+)?$/.test(spec),
        resourceHelp: "destination[/key], key(destination), writerRole, otherBuckets(own)[/key]",
        via: (spec) => /^destination\/.+$/.test(spec),
        viaHelp: "an object destination/<key>",
        condition: /^(connectionTestPending|prefixed)$/,
        conditionHelp: "connectionTestPending or prefixed",
    },
    accessLog: {
        vars: { sourceBucket: "bucket", targetPrefix: "prefix/", account: "000000000000", region: "us-east-1", trailPrefix: "prefix/", unrelatedAccount: "000000000000" },
        principal: either(oneOf(COMMON_PRINCIPALS), serviceGrammar(["source", "logBucket", "loggedElsewhere", "unrelatedBucket"])),
        principalHelp: `service(name, own|unrelated, source|logBucket|loggedElsewhere|unrelatedBucket), ${COMMON_PRINCIPALS.join(", ")}`,
        resource: (spec) => /^logBucket(\/.+)?$/.test(spec),
        resourceHelp: "logBucket[/key]",
    },
    logBucket: {
        vars: { sourceBucket: "bucket", targetPrefix: "prefix/", account: "000000000000", region: "us-east-1", trailPrefix: "prefix/", unrelatedAccount: "000000000000" },
        principal: either(oneOf(["accountRoot(counterparts)", "admin(counterparts)", ...COMMON_PRINCIPALS]), serviceGrammar(["trail", "otherTrail"])),
        principalHelp: `service(name, own|unrelated, trail|otherTrail), accountRoot(counterparts), admin(counterparts), ${COMMON_PRINCIPALS.join(", ")}`,
        resource: (spec) => /^logBucket(\/.+)?$/.test(spec),
        resourceHelp: "logBucket[/key]",
    },
};

/** Checks every template's grammar for its scope (and both sides), so a typo fails when the file loads, not as a silent zero rows. */
function validate(matrix: ExpectedMatrix, file: string): void {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const t of matrix.templates) {
        if (ids.has(t.id)) problems.push(`${t.id}: id appears twice`);
        ids.add(t.id);
        if (!(t.kind in matrix.kinds)) problems.push(`${t.id}: kind "${t.kind}" is not listed under kinds`);
        const grammar = GRAMMARS[t.scope];
        if (t.sides && t.scope !== "link") problems.push(`${t.id}: sides applies to link templates only`);
        const usesSides = [...t.principals, ...t.resources, ...(t.via ? [t.via] : []), ...(typeof t.expected === "object" ? [t.expected.if] : [])].some((s) => /\{(side|other)\}/.test(s));
        if (usesSides && !t.sides) problems.push(`${t.id}: uses {side}/{other} without sides`);
        for (const side of t.scope === "link" ? t.sides ?? ["own" as SideRef] : [undefined]) {
            const vars: Record<string, string> = { ...matrix.files, ...grammar.vars, ...(side ? { side, other: side === "own" ? "counterpart" : "own" } : {}) };
            const fill = (s: string) => fillAll(s, vars, (name) => problems.push(`${t.id}: unknown placeholder {${name}} in "${s}"`));
            for (const p of t.principals) if (!grammar.principal(fill(p))) problems.push(`${t.id}: principal "${p}" is not one of ${grammar.principalHelp}`);
            for (const r of t.resources) if (!grammar.resource(fill(r))) problems.push(`${t.id}: resource "${r}" is not one of ${grammar.resourceHelp}`);
            if (t.via !== undefined && !grammar.via?.(fill(t.via))) problems.push(`${t.id}: via "${t.via}" is not ${grammar.viaHelp ?? `available in scope ${t.scope}`}`);
            if (t.via !== undefined && !t.actions.every((a) => a.startsWith("kms:"))) problems.push(`${t.id}: via applies to kms: actions only`);
            if (typeof t.expected === "object" && !conditionTerms(fill(t.expected.if)).every(({ name }) => grammar.condition?.test(name))) {
                problems.push(`${t.id}: condition "${t.expected.if}" is not ${grammar.conditionHelp ?? `available in scope ${t.scope}`}`);
            }
            for (const value of Object.values(t.context ?? {})) fill(value);
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

/** An `if:` is one condition or several joined by " and ", each optionally preceded by "not ". */
function conditionTerms(text: string): { name: string; negated: boolean }[] {
    return text.split(" and ").map((part) => part.trim()).map((part) => (part.startsWith("not ") ? { name: part.slice(4).trim(), negated: true } : { name: part, negated: false }));
}

/** File names may hold placeholders ({root}, {targetPrefix}...), so substitute until nothing changes. */
function fillAll(spec: string, vars: Record<string, string>, onUnknown?: (name: string) => void): string {
    let out = spec;
    for (let i = 0; i < 3; i++) {
        const next = substitute(out, vars, onUnknown);
        if (next === out) break;
        out = next;
    }
    return out;
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

const bucketNameOf = (arn: string) => arn.split(":::").pop()!;
const rootArn = (partition: string, accountId: string) => `arn:${partition}:iam::${accountId}:root`;
const adminRoleArn = (partition: string, accountId: string) => `arn:${partition}:iam::${accountId}:role/administrator`;
/** The same principal name in another account: what a look-alike in an account of no party here would be. */
const inAccount = (arn: string, accountId: string) => arn.split(":").map((part, i) => (i === 4 ? accountId : part)).join(":");

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

interface IamPrincipalOptions {
    label: string;
    identity: Known<NamedPolicy[]>;
    boundaries?: NamedPolicy[];
    /** The session a role acts through. */
    sessionName: string;
    side?: SideRef;
    role?: RequestPrincipal["role"];
    note?: string;
}

/**
 * A role acts through a session (the caller is the assumed-role session,
 * aws:PrincipalArn the role); a user or an account root acts as itself.
 */
function iamPrincipal(arn: string, o: IamPrincipalOptions): RequestPrincipal {
    const accountId = accountOf(arn);
    const caller = /:role\//.test(arn) ? `arn:${arn.split(":")[1]}:sts::${accountId}:assumed-role/${roleNameOf(arn)}/${o.sessionName}` : arn;
    return {
        label: o.label,
        caller,
        principalArn: arn,
        accountId,
        identity: o.identity,
        permissionBoundaries: o.boundaries ?? [],
        context: { "aws:PrincipalArn": arn, "aws:PrincipalAccount": accountId, "aws:PrincipalIsAWSService": "false" },
        ...(o.side ? { side: o.side } : {}),
        ...(o.role ? { role: o.role } : {}),
        ...(o.note ? { note: o.note } : {}),
    };
}

/** A service principal acting for an account and a source (aws:SourceAccount, aws:SourceArn). */
function servicePrincipal(service: string, accountId: string, sourceArn: string, on: string): RequestPrincipal {
    const source = sourceArn.includes(":::") ? bucketNameOf(sourceArn) : sourceArn.includes(":job/") ? `a job in ${sourceArn.split(":")[3]}` : sourceArn;
    return {
        label: `${service} for ${on}, source ${source}`,
        caller: service,
        accountId,
        identity: { value: [] },
        permissionBoundaries: [],
        context: {
            "aws:PrincipalIsAWSService": "true",
            "aws:PrincipalServiceName": service,
            "aws:SourceAccount": accountId,
            "aws:SourceArn": sourceArn,
        },
        role: "service",
    };
}

function thirdPartyNote(who: string): string {
    return `${who}'s identity policy is outside our plan, modelled as allowing everything: the decision is our policies' alone`;
}

function collectedBucket(side: SideFacts, arn: string): CollectedBucket | string {
    const name = bucketNameOf(arn);
    if (!side.policies) return `${name}'s policies live in ${side.party}'s account and its stack is not planned here (${side.source})`;
    return side.policies.buckets.find((b) => b.arn === arn) ?? `${side.policies.stack}'s plan makes no bucket ${name}`;
}

/** A bucket, or an object in it, with its policy from the owner's plan. */
function bucketResource(side: SideFacts, ref: SideRef, arn: string, key: string | undefined, ingress: boolean): RequestResource | string {
    if (!side.accountId) return `${side.party}'s account ID is not known`;
    const name = bucketNameOf(arn);
    let policy: Known<NamedPolicy | undefined>;
    let restrictPublicBuckets = false;
    const collected = collectedBucket(side, arn);
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

function bucketResources(side: SideFacts, ref: SideRef, arns: string[], key: string | undefined, ingressArn?: string): RequestResource[] | string {
    const resources = arns.map((arn) => bucketResource(side, ref, arn, key, arn === ingressArn));
    const failed = resources.find((r): r is string => typeof r === "string");
    return failed ?? (resources as RequestResource[]);
}

function keyResource(ref: SideRef, key: CollectedKey | { arn: string; unknown: string }): RequestResource {
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

/**
 * The KMS key a bucket encrypts with: none for SSE-S3, so requests on it do
 * not apply. `handedOverKeyArn` names the key of a bucket whose plan is not here.
 */
function bucketKeys(side: SideFacts, ref: SideRef, arn: string, what: string, handedOverKeyArn?: string): RequestResource[] | string {
    const collected = collectedBucket(side, arn);
    if (typeof collected === "string") {
        if (handedOverKeyArn) {
            return [keyResource(ref, { arn: handedOverKeyArn, unknown: `the key policy of ${handedOverKeyArn} lives in ${side.party}'s account and its stack is not planned here (${side.source})` })];
        }
        return `whether ${side.party}'s ${what} uses a KMS key is not known: ${collected}`;
    }
    if (!collected.kms) return [];
    if (collected.kms.keyId === "aws/s3") return `${collected.name} uses the AWS-managed aws/s3 key, whose policy is not in the plan (and which cannot be used across accounts)`;
    const key = keyOfBucket(side.policies!, collected);
    if (key) return [keyResource(ref, key)];
    const named = collected.kms.keyId;
    if (!named.startsWith("arn:")) return `${collected.name} names KMS key ${named}, which ${side.policies!.stack}'s plan does not make`;
    return [keyResource(ref, { arn: named, unknown: `${collected.name} names KMS key ${named}, which ${side.policies!.stack}'s plan does not make` })];
}

/** A role as a resource. Its trust policy is the resource policy of sts:AssumeRole* only; IAM actions on a role have none. */
function roleResource(side: SideFacts, ref: SideRef, arn: string, action: string): RequestResource {
    let policy: Known<NamedPolicy | undefined> = { value: undefined };
    if (action.startsWith("sts:")) {
        const role = side.policies?.roles.find((r) => r.arn === arn);
        if (!side.policies) policy = { unknown: `${side.party}'s trust policy lives in its account and its stack is not planned here (${side.source})` };
        else if (!role?.trust) policy = { unknown: `${side.policies.stack}'s plan makes no role ${arn}` };
        else if (!role.trust.document) policy = { unknown: role.trust.unreadable ?? "trust policy unreadable" };
        else policy = { value: { name: role.trust.name, policy: role.trust.document } };
    }
    return { label: `role/${roleNameOf(arn)}`, arn, accountId: accountOf(arn), side: ref, type: "role", ingress: false, policy, restrictPublicBuckets: false };
}

/**
 * The context S3 gives KMS when it encrypts or decrypts an object for a
 * caller: the service it calls through, and the encryption context, which
 * is the bucket's ARN with S3 Bucket Keys and the object's without.
 */
function kmsViaContext(side: SideFacts, bucketArn: string, objectKey: string, key: RequestResource): Record<string, string> {
    const collected = collectedBucket(side, bucketArn);
    const bucketKey = typeof collected === "string" ? false : collected.kms?.bucketKey ?? false;
    const region = key.arn.split(":")[3];
    return {
        "kms:ViaService": `s3.${region}.amazonaws.com`,
        "kms:EncryptionContext:aws:s3:arn": bucketKey ? bucketArn : `${bucketArn}/${objectKey}`,
    };
}

/** Resolves one subject's template specs into principals, resources and context. */
abstract class Expander {
    abstract readonly kind: SubjectKind;
    abstract readonly name: string;

    constructor(protected readonly own: SideFacts, protected readonly unrelatedAccountId: string) {}

    get partition(): string {
        return this.own.partition;
    }

    abstract covers(scope: Scope): boolean;
    /** The template is expanded once per variable set (the sides of a link, the data buckets logging into a log bucket). */
    abstract variants(t: Template): Record<string, string>[];
    /** The principals a spec names (a spec may name several, or none where it does not apply), or why they cannot be named. */
    abstract principals(spec: string, vars: Record<string, string>): RequestPrincipal[] | string;
    abstract resources(spec: string, action: string): RequestResource[] | string;

    kmsVia(spec: string, _key: RequestResource): Record<string, string> | string {
        throw new Error(`unreachable: via ${spec} in a ${this.kind} template`);
    }

    /** A scope's named condition (validated by the grammar). */
    protected condition(name: string): Known<boolean> {
        throw new Error(`unreachable: condition ${name} in a ${this.kind} template`);
    }

    expected(t: Template, fill: (s: string) => string): Known<Decision> {
        if (typeof t.expected === "string") return { value: t.expected };
        let all = true;
        for (const term of conditionTerms(fill(t.expected.if))) {
            const holds = this.condition(term.name);
            if (!isKnown(holds)) return holds;
            all &&= holds.value !== term.negated;
        }
        return { value: all ? t.expected.then : t.expected.else };
    }

    pending(_principal: RequestPrincipal, _resource: RequestResource): string | undefined {
        return undefined;
    }

    /** The principals of COMMON_PRINCIPALS. */
    protected common(spec: string): RequestPrincipal[] {
        const own = this.own;
        switch (spec) {
            case "anonymous":
                return [{ label: "anonymous", caller: anonymousPrincipal, identity: { value: [] }, permissionBoundaries: [], context: {} }];
            case "unrelatedAccount":
                return [iamPrincipal(adminRoleArn(this.partition, this.unrelatedAccountId), { label: "unrelated account admin role", identity: { value: [ADMINISTRATOR_ACCESS] }, sessionName: "admin", role: "admin" })];
            case "accountRoot(own)":
                return [iamPrincipal(rootArn(this.partition, own.accountId!), { label: `${own.party} account root`, identity: { value: [ADMINISTRATOR_ACCESS] }, sessionName: "root", side: "own", role: "root" })];
            case "admin(own)":
                return [iamPrincipal(adminRoleArn(this.partition, own.accountId!), { label: `${own.party} admin role`, identity: { value: [ADMINISTRATOR_ACCESS] }, sessionName: "admin", side: "own", role: "admin" })];
        }
        throw new Error(`unreachable: principal ${spec} in a ${this.kind} template`);
    }

    /** Every bucket of this side but the subject's. */
    protected otherBuckets(subjectArn: string, key: string | undefined): RequestResource[] | string {
        const arns = (this.own.policies?.buckets ?? []).map((b) => b.arn).filter((arn) => arn !== subjectArn);
        return bucketResources(this.own, "own", arns, key);
    }
}

class LinkExpander extends Expander {
    readonly kind = "link";
    readonly name: string;

    constructor(private readonly link: LinkFacts) {
        super(link.own, link.unrelatedAccountId);
        this.name = link.name;
    }

    covers(scope: Scope): boolean {
        return scope === "link";
    }

    variants(t: Template): Record<string, string>[] {
        const root = { root: this.link.root };
        if (!t.sides) return [root];
        return t.sides.map((side) => ({ ...root, side, other: SIDE_REFS.find((s) => s !== side)! }));
    }

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

    principals(spec: string): RequestPrincipal[] | string {
        const principal = this.principal(spec);
        return typeof principal === "string" ? principal : [principal];
    }

    /** The principal, or why it cannot be named. */
    private principal(spec: string): RequestPrincipal | string {
        const call = parseCall(spec)!;
        const [arg] = call.args;
        const partition = this.partition;
        switch (call.name) {
            case "replicationRole": {
                const side = this.side(arg as SideRef);
                if (!side.replicationRoleArn) return `${side.party}'s replication role ARN is not known (${side.source})`;
                const arn = side.replicationRoleArn;
                const { identity, boundaries } = rolePolicies(side, arn);
                return iamPrincipal(arn, { label: `${side.party} replication role`, identity, boundaries, sessionName: "s3-replication", side: arg as SideRef, role: "replication" });
            }
            case "batchRole": {
                const side = this.side(arg as SideRef);
                if (!side.batchReplicationRoleArn) return `${side.party}'s Batch Replication role ARN is not known (${side.source})`;
                const arn = side.batchReplicationRoleArn;
                const { identity, boundaries } = rolePolicies(side, arn);
                return iamPrincipal(arn, { label: `${side.party} Batch Replication role`, identity, boundaries, sessionName: "s3-batch-operations", side: arg as SideRef, role: "replication" });
            }
            case "accountRoot": {
                const account = this.accountOf(arg as SideRef);
                if (!account) return `${this.partyOf(arg as SideRef)}'s account ID is not known`;
                return iamPrincipal(rootArn(partition, account), { label: `${this.partyOf(arg as SideRef)} account root`, identity: { value: [ADMINISTRATOR_ACCESS] }, sessionName: "root", side: arg as SideRef, role: "root" });
            }
            case "admin": {
                const account = this.accountOf(arg as SideRef);
                if (!account) return `${this.partyOf(arg as SideRef)}'s account ID is not known`;
                return iamPrincipal(adminRoleArn(partition, account), { label: `${this.partyOf(arg as SideRef)} admin role`, identity: { value: [ADMINISTRATOR_ACCESS] }, sessionName: "admin", side: arg as SideRef, role: "admin" });
            }
            case "unrelatedAccount":
            case "anonymous":
                return this.common(call.name)[0];
            case "service": {
                const [service, sourceSide, bucket] = call.args;
                const account = this.accountOf(sourceSide as SideRef | "unrelated");
                if (!account) return `${this.partyOf(sourceSide as SideRef)}'s account ID is not known`;
                const job = jobRef(bucket);
                if (job) {
                    // A job of the source account, in the region of the job side's buckets.
                    const region = this.side(job.side).region;
                    if (!region) return `the region of ${this.partyOf(job.side)}'s buckets is not known`;
                    const on = sourceSide === unrelatedSide ? "unrelated account" : this.partyOf(sourceSide as SideRef);
                    return servicePrincipal(service, account, `arn:${partition}:s3:${region}:${account}:job/${SAMPLE_JOB_ID}`, on);
                }
                const ref = bucketRef(bucket)!;
                const sourceArn = this.bucketArn(ref.which, ref.side);
                if (!sourceArn) return `${this.partyOf(ref.side)}'s ${ref.which} bucket is not known`;
                const on = sourceSide === unrelatedSide ? "unrelated account" : this.partyOf(sourceSide as SideRef);
                return servicePrincipal(service, account, sourceArn, on);
            }
        }
        throw new Error(`unreachable: principal ${spec}`);
    }

    /** The resources a spec names (keys(S) and buckets(S) name several), or why they cannot be named. */
    resources(spec: string, action: string): RequestResource[] | string {
        const bucket = bucketRef(spec);
        if (bucket) {
            const side = this.side(bucket.side);
            const arn = this.bucketArn(bucket.which, bucket.side);
            if (!arn) return `${side.party}'s ${bucket.which} bucket is not known (${side.source})`;
            const resource = bucketResource(side, bucket.side, arn, bucket.key, bucket.which === "ingress");
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
            return bucketResources(side, ref, arns, all[2], side.ingressBucketArn);
        }
        const keyOf = /^key\((ingress|egress)\((own|counterpart)\)\)$/.exec(spec);
        if (keyOf) {
            const [which, ref] = [keyOf[1] as "ingress" | "egress", keyOf[2] as SideRef];
            const side = this.side(ref);
            const arn = this.bucketArn(which, ref);
            if (!arn) return `${side.party}'s ${which} bucket is not known (${side.source})`;
            return bucketKeys(side, ref, arn, `${which} bucket`, which === "ingress" ? side.ingressKmsKeyArn : undefined);
        }

        const call = parseCall(spec)!;
        const ref = call.args[0] as SideRef;
        const side = this.side(ref);
        if (call.name === "replicationRole") {
            const arn = side.replicationRoleArn;
            if (!arn) return `${side.party}'s replication role ARN is not known (${side.source})`;
            return [roleResource(side, ref, arn, action)];
        }
        if (call.name === "batchRole") {
            const arn = side.batchReplicationRoleArn;
            if (!arn) return `${side.party}'s Batch Replication role ARN is not known (${side.source})`;
            return [roleResource(side, ref, arn, action)];
        }
        // keys(S)
        if (!side.policies) return `${side.party}'s KMS keys are not known: its stack is not planned here (${side.source})`;
        return side.policies.keys.map((key) => keyResource(ref, key));
    }

    kmsVia(spec: string, key: RequestResource): Record<string, string> | string {
        const ref = bucketRef(spec)!;
        const bucketArn = this.bucketArn(ref.which, ref.side);
        if (!bucketArn) return `${this.partyOf(ref.side)}'s ${ref.which} bucket is not known`;
        return kmsViaContext(this.side(ref.side), bucketArn, ref.key!, key);
    }

    protected condition(name: string): Known<boolean> {
        const side = this.side(/\((own|counterpart)\)/.exec(name)![1] as SideRef);
        if (side.deleteMarkerReplication === undefined) {
            return { unknown: `whether ${side.party} replicates delete markers is not known (${side.source})` };
        }
        return { value: side.deleteMarkerReplication };
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

/**
 * The principals of a third party we grant directly: its named principal
 * (modelled with an allow-everything identity policy), the same name in an
 * unrelated account, and the other principals of its account. When the named
 * principal is the account root, the account's other principals are what the
 * grant names, so requests of theirs do not apply.
 */
function thirdPartyPrincipals(who: string, arn: string, unrelatedAccountId: string): Record<"self" | "unrelated" | "root" | "admin", RequestPrincipal[]> {
    const partition = arn.split(":")[1];
    const account = accountOf(arn);
    const isRoot = arn.endsWith(":root");
    const assumed = { identity: { value: [THIRD_PARTY_IDENTITY] }, note: thirdPartyNote(who) };
    const admin = { identity: { value: [ADMINISTRATOR_ACCESS] } };
    return {
        self: [iamPrincipal(arn, { ...assumed, label: `${who} principal ${arn.split(":").pop()}`, sessionName: who })],
        unrelated: [iamPrincipal(inAccount(arn, unrelatedAccountId), { ...assumed, label: `${who}'s principal name in an unrelated account`, sessionName: who })],
        root: isRoot ? [] : [iamPrincipal(rootArn(partition, account), { ...admin, label: `${who} account root`, sessionName: "root", role: "root" })],
        admin: isRoot ? [] : [iamPrincipal(adminRoleArn(partition, account), { ...admin, label: `${who} admin role`, sessionName: "admin", role: "admin" })],
    };
}

class VendorDropExpander extends Expander {
    readonly kind = "vendorDrop";
    readonly name: string;
    private readonly vendor: ReturnType<typeof thirdPartyPrincipals>;

    constructor(private readonly drop: VendorDropFacts) {
        super(drop.own, drop.unrelatedAccountId);
        this.name = drop.name;
        this.vendor = thirdPartyPrincipals(drop.name, drop.principalArn, drop.unrelatedAccountId);
    }

    covers(scope: Scope): boolean {
        return scope === "vendorDrop";
    }

    variants(): Record<string, string>[] {
        const { prefix, region, principalArn } = this.drop;
        return [{ prefix: prefix ?? "", keyPrefix: prefix ? `${prefix}/` : "", partition: this.partition, region, vendorAccount: accountOf(principalArn) }];
    }

    principals(spec: string): RequestPrincipal[] {
        switch (spec) {
            case "vendor": return this.vendor.self;
            case "vendor(unrelated)": return this.vendor.unrelated;
            case "accountRoot(vendor)": return this.vendor.root;
            case "admin(vendor)": return this.vendor.admin;
        }
        return this.common(spec);
    }

    resources(spec: string): RequestResource[] | string {
        if (spec === "key(drop)") return bucketKeys(this.own, "own", this.drop.bucketArn, `vendor drop ${this.drop.name}`);
        const other = /^otherBuckets\(own\)(?:\/(.+))?$/.exec(spec);
        if (other) return this.otherBuckets(this.drop.bucketArn, other[1]);
        const key = /^drop(?:\/(.+))?$/.exec(spec)![1];
        const resource = bucketResource(this.own, "own", this.drop.bucketArn, key, false);
        return typeof resource === "string" ? resource : [resource];
    }

    kmsVia(spec: string, key: RequestResource): Record<string, string> {
        return kmsViaContext(this.own, this.drop.bucketArn, spec.slice("drop/".length), key);
    }

    protected condition(name: string): Known<boolean> {
        if (name === "allowDelete") return { value: this.drop.allowDelete };
        if (name === "accessConfirmation") return { value: this.drop.accessConfirmation };
        if (name === "prefixed") return { value: this.drop.prefix !== undefined };
        const bucket = collectedBucket(this.own, this.drop.bucketArn);
        return typeof bucket === "string" ? { unknown: bucket } : { value: bucket.kms !== undefined };
    }
}

class ServiceDestinationExpander extends Expander {
    readonly kind = "serviceDestination";
    readonly name: string;
    private readonly service: ReturnType<typeof thirdPartyPrincipals>;

    constructor(private readonly destination: ServiceDestinationFacts) {
        super(destination.own, destination.unrelatedAccountId);
        this.name = destination.name;
        this.service = thirdPartyPrincipals(destination.name, destination.servicePrincipalArn, destination.unrelatedAccountId);
    }

    covers(scope: Scope): boolean {
        return scope === "serviceDestination";
    }

    variants(): Record<string, string>[] {
        const { externalId, prefix } = this.destination;
        return [{ externalId, keyPrefix: prefix ? `${prefix}/` : "" }];
    }

    principals(spec: string): RequestPrincipal[] {
        switch (spec) {
            case "syncService": return this.service.self;
            case "syncService(unrelated)": return this.service.unrelated;
            case "accountRoot(syncService)": return this.service.root;
            case "admin(syncService)": return this.service.admin;
            case "writerRole": {
                const arn = this.destination.roleArn;
                const { identity, boundaries } = rolePolicies(this.own, arn);
                return [iamPrincipal(arn, { label: `${this.destination.name} writer role`, identity, boundaries, sessionName: "data-sync", side: "own" })];
            }
        }
        return this.common(spec);
    }

    resources(spec: string, action: string): RequestResource[] | string {
        if (spec === "writerRole") return [roleResource(this.own, "own", this.destination.roleArn, action)];
        if (spec === "key(destination)") return bucketKeys(this.own, "own", this.destination.bucketArn, `service destination ${this.destination.name}`);
        const other = /^otherBuckets\(own\)(?:\/(.+))?$/.exec(spec);
        if (other) return this.otherBuckets(this.destination.bucketArn, other[1]);
        const key = /^destination(?:\/(.+))?$/.exec(spec)![1];
        const resource = bucketResource(this.own, "own", this.destination.bucketArn, key, false);
        return typeof resource === "string" ? resource : [resource];
    }

    kmsVia(spec: string, key: RequestResource): Record<string, string> {
        return kmsViaContext(this.own, this.destination.bucketArn, spec.slice("destination/".length), key);
    }

    protected condition(name: string): Known<boolean> {
        return { value: name === "prefixed" ? this.destination.prefix !== undefined : this.destination.connectionTestPending };
    }
}

/** A bucket name of no party here: a source the log bucket has no reason to admit. */
const UNRELATED_BUCKET = "unrelated-bucket-of-no-party";

class LogBucketExpander extends Expander {
    readonly kind = "logBucket";
    readonly name: string;

    constructor(private readonly logs: LogBucketFacts) {
        super(logs.own, logs.unrelatedAccountId);
        this.name = logs.name;
    }

    covers(scope: Scope): boolean {
        return scope === "accessLog" || scope === "logBucket";
    }

    /** accessLog templates once per data bucket logging here; logBucket templates once, with the first of them for log keys. */
    variants(t: Template): Record<string, string>[] {
        const { logs } = this;
        const trail = logs.trails[0];
        const base = {
            account: logs.own.accountId,
            region: logs.region,
            unrelatedAccount: logs.unrelatedAccountId,
            trailPrefix: trail?.keyPrefix ? `${trail.keyPrefix}/` : "",
        };
        const forSource = (l: { bucketArn: string; targetPrefix: string } | undefined) => ({ ...base, sourceBucket: l ? bucketNameOf(l.bucketArn) : "", targetPrefix: l?.targetPrefix ?? "" });
        return t.scope === "accessLog" ? logs.logged.map(forSource) : [forSource(logs.logged[0])];
    }

    principals(spec: string, vars: Record<string, string>): RequestPrincipal[] {
        const { logs, partition } = this;
        const call = parseCall(spec)!;
        if (call.name === "service") {
            const [service, sourceSide, source] = call.args;
            const account = sourceSide === unrelatedSide ? this.unrelatedAccountId : logs.own.accountId;
            const on = sourceSide === unrelatedSide ? "unrelated account" : logs.own.party;
            const bucket = (name: string) => `arn:${partition}:s3:::${name}`;
            const trailIn = (arn: string) => inAccount(arn, account);
            const sources: Record<string, () => string[]> = {
                source: () => [bucket(vars.sourceBucket)],
                logBucket: () => [logs.arn],
                loggedElsewhere: () => logs.loggedElsewhere,
                unrelatedBucket: () => [bucket(UNRELATED_BUCKET)],
                // Another trail's requests mean something only where a trail delivers here (they share its key prefix).
                trail: () => logs.trails.map((t) => trailIn(t.arn)),
                otherTrail: () => logs.trails.length ? [`arn:${partition}:cloudtrail:${logs.region}:${account}:trail/another-trail`] : [],
            };
            return sources[source]().map((arn) => servicePrincipal(service, account, arn, on));
        }
        const counterparts = logs.counterparts.filter((c) => c.accountId);
        if (spec === "accountRoot(counterparts)") {
            return counterparts.map((c) => iamPrincipal(rootArn(partition, c.accountId!), { label: `${c.party} account root`, identity: { value: [ADMINISTRATOR_ACCESS] }, sessionName: "root", side: "counterpart", role: "root" }));
        }
        if (spec === "admin(counterparts)") {
            return counterparts.map((c) => iamPrincipal(adminRoleArn(partition, c.accountId!), { label: `${c.party} admin role`, identity: { value: [ADMINISTRATOR_ACCESS] }, sessionName: "admin", side: "counterpart", role: "admin" }));
        }
        return this.common(spec);
    }

    resources(spec: string): RequestResource[] | string {
        const key = /^logBucket(?:\/(.+))?$/.exec(spec)![1];
        const resource = bucketResource(this.own, "own", this.logs.arn, key, false);
        return typeof resource === "string" ? resource : [resource];
    }
}

function expanderOf(subject: Subject): Expander {
    switch (subject.kind) {
        case "link": return new LinkExpander(subject.facts);
        case "vendorDrop": return new VendorDropExpander(subject.facts);
        case "serviceDestination": return new ServiceDestinationExpander(subject.facts);
        case "logBucket": return new LogBucketExpander(subject.facts);
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

/** The requests of the templates about one subject. */
export function expandSubject(matrix: ExpectedMatrix, subject: Subject): AccessRequest[] {
    const expander = expanderOf(subject);
    const requests: AccessRequest[] = [];
    for (const t of matrix.templates) {
        if (!expander.covers(t.scope)) continue;
        for (const vars of expander.variants(t)) {
            const fill = (s: string) => fillAll(s, { ...matrix.files, ...vars });
            const expected = expander.expected(t, fill);
            const extra = Object.fromEntries(Object.entries(t.context ?? {}).map(([key, value]) => [key, fill(value)]));
            for (const principalSpec of t.principals.map(fill)) {
                const principals = expander.principals(principalSpec, vars);
                for (const principal of typeof principals === "string" ? [principals] : principals) {
                    for (const action of t.actions) {
                        for (const resourceSpec of t.resources.map(fill)) {
                            const resources = expander.resources(resourceSpec, action);
                            for (const transport of t.transports) {
                                const base = {
                                    kind: t.kind, template: t.id, link: expander.name, scope: expander.kind, principalSpec, resourceSpec, action, transport, expected,
                                    ...(t.context ? { requestKeys: extra } : {}),
                                };
                                const context = { ...transportContext(action, transport), ...extra };
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
    }
    return requests;
}

/** The requests of the link templates for one link. */
export function expandMatrix(matrix: ExpectedMatrix, link: LinkFacts): AccessRequest[] {
    return expandSubject(matrix, { kind: "link", facts: link });
}
