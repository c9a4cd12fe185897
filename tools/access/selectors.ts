/**
 * The selectors of a template: the strings that name its principals,
 * resources, `via` object and conditions, parsed once (when the matrix file
 * loads) into typed values. Each scope accepts its own selectors; the
 * grammar of each scope is the table at the end of this file, and its help
 * text is what a bad matrix file is told.
 *
 * An object selector's key (`ingress(own)/<key>`) is kept as written: it may
 * hold placeholders ({root}, {file}...) that only the subject fills in.
 */
import type { SideRef } from "./model";

export type BucketRole = "ingress" | "egress";
/** The account a service principal acts for: a side, or an account of no party here. */
export type SourceAccount = SideRef | "unrelated";
/** Whose account root or admin role: a side of a link, the third party of the subject, or every counterpart of a log bucket's side. */
export type AccountOwner = SideRef | "thirdParty" | "counterparts";

export type PrincipalSelector =
    /** replicationRole(S): S's replication role, as the session S3 assumes it; batchRole(S): its Batch Replication role, as Batch Operations assumes it. */
    | { kind: "replicationRole" | "batchRole"; side: SideRef }
    /**
     * accountRoot(X): X's account root (all permissions in its own account); admin(X): another role of X's account with
     * AdministratorAccess, the worst an account can give its own principals. X is own, counterpart, the vendor or
     * service (none when its principal is its account root: the grant then names them all), or counterparts (each).
     */
    | { kind: "accountRoot" | "admin"; of: AccountOwner }
    /** An unsigned request. */
    | { kind: "anonymous" }
    /** An administrator role in an account of no party here. */
    | { kind: "unrelatedAccount" }
    /** A vendor's or a data-sync service's principal, or the same name in an unrelated account. */
    | { kind: "thirdParty"; inUnrelatedAccount: boolean }
    /** Our role a data-sync service assumes. */
    | { kind: "writerRole" }
    /**
     * service(N, A, B): service principal N acting for account A (own, counterpart, unrelated) and source B
     * (aws:SourceAccount, aws:SourceArn): a link's bucket, job(S), or a log bucket scope's named source.
     */
    | { kind: "service"; service: string; account: SourceAccount; source: ServiceSource };

export type ServiceSource =
    | { kind: "bucket"; bucket: BucketRole; side: SideRef }
    /** A Batch Operations job of the source account, in the region of `side`'s buckets. */
    | { kind: "job"; side: SideRef }
    /** A source a log bucket's scope names: source, logBucket, loggedElsewhere, unrelatedBucket, trail, otherTrail. */
    | { kind: "named"; name: LogSource };

/**
 * In accessLog: source (the data bucket logged), logBucket, loggedElsewhere (our buckets logging to another
 * region's log bucket), unrelatedBucket; in logBucket: trail (each trail delivering here) or otherTrail.
 */
export type LogSource = "source" | "logBucket" | "loggedElsewhere" | "unrelatedBucket" | "trail" | "otherTrail";

export type ResourceSelector =
    /** ingress(S) / egress(S): a bucket of a link; with /<key>, an object. */
    | { kind: "bucket"; bucket: BucketRole; side: SideRef; key?: string }
    /** buckets(S): every bucket S's plan makes (log buckets too), or the link's buckets without its plan. */
    | { kind: "buckets"; side: SideRef; key?: string }
    /** replicationRole(S) / batchRole(S): the role, as the target of sts:AssumeRole. */
    | { kind: "role"; role: "replicationRole" | "batchRole"; side: SideRef }
    /** keys(S): every KMS key S's plan makes. */
    | { kind: "keys"; side: SideRef }
    /** key(ingress(S)) / key(egress(S)): the KMS key the bucket encrypts with; no requests when it uses SSE-S3. */
    | { kind: "bucketKey"; bucket: BucketRole; side: SideRef }
    /** The subject's own bucket (a vendor drop, a service destination, a log bucket), or an object in it. */
    | { kind: "subject"; key?: string }
    /** key(drop) / key(destination): the subject bucket's KMS key. */
    | { kind: "subjectKey" }
    /** otherBuckets(own): every other bucket of our plan. */
    | { kind: "otherBuckets"; key?: string }
    | { kind: "writerRole" };

/** The object S3 asks KMS about: an object of a link's bucket, or of the subject's bucket. */
export type ViaSelector = { kind: "bucket"; bucket: BucketRole; side: SideRef; key: string } | { kind: "subject"; key: string };

export interface ConditionTerm {
    name: string;
    /** For a link's per-side condition, deleteMarkerReplication(S). */
    side?: SideRef;
    negated: boolean;
}

/** `name(arg, ...)[/key]`, arguments split at top-level commas; a call without parentheses has no arguments. */
interface Call {
    name: string;
    args: string[];
    key?: string;
}

function parseCall(text: string): Call | undefined {
    const slash = text.indexOf("/");
    const head = (slash < 0 ? text : text.slice(0, slash)).trim();
    const key = slash < 0 ? undefined : text.slice(slash + 1);
    if (key === "") return undefined;
    const m = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(head);
    if (!m) return undefined;
    const args: string[] = [];
    if (m[2] !== undefined) {
        let depth = 0;
        let current = "";
        for (const ch of m[2]) {
            if (ch === "(") depth++;
            if (ch === ")") depth--;
            if (depth < 0) return undefined;
            if (ch === "," && depth === 0) {
                args.push(current.trim());
                current = "";
            } else current += ch;
        }
        if (depth !== 0) return undefined;
        args.push(current.trim());
    }
    return { name: m[1], args, ...(key !== undefined ? { key } : {}) };
}

const SIDES: readonly string[] = ["own", "counterpart"];
const isSide = (s: string | undefined): s is SideRef => s !== undefined && SIDES.includes(s);
const SERVICE_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/;
const noKey = (c: Call) => c.key === undefined;

/** `ingress(S)` or `egress(S)`, with its key if any. */
function bucketOf(c: Call | undefined): { bucket: BucketRole; side: SideRef; key?: string } | undefined {
    if (!c || (c.name !== "ingress" && c.name !== "egress") || c.args.length !== 1 || !isSide(c.args[0])) return undefined;
    return { bucket: c.name, side: c.args[0], ...(c.key !== undefined ? { key: c.key } : {}) };
}

/** `service(name, account, source)`, its source read by the scope. */
function serviceOf(c: Call, accounts: readonly string[], source: (text: string) => ServiceSource | undefined): PrincipalSelector | undefined {
    if (c.name !== "service" || c.args.length !== 3 || !noKey(c) || !SERVICE_NAME.test(c.args[0]) || !accounts.includes(c.args[1])) return undefined;
    const from = source(c.args[2]);
    return from && { kind: "service", service: c.args[0], account: c.args[1] as SourceAccount, source: from };
}

/** A fixed spelling for each selector without arguments. */
function fixed<T>(table: Record<string, T>): (text: string) => T | undefined {
    return (text) => (Object.hasOwn(table, text) ? table[text] : undefined);
}

/** Principals every scope knows: the subject's own account, and callers of no party here. */
const COMMON_PRINCIPALS: Record<string, PrincipalSelector> = {
    anonymous: { kind: "anonymous" },
    unrelatedAccount: { kind: "unrelatedAccount" },
    "accountRoot(own)": { kind: "accountRoot", of: "own" },
    "admin(own)": { kind: "admin", of: "own" },
};
const COMMON_HELP = Object.keys(COMMON_PRINCIPALS).join(", ");

/** A vendor's (or a service's) principal, that name elsewhere, and its account's root and admin role. */
function thirdPartyPrincipals(who: string): Record<string, PrincipalSelector> {
    return {
        [who]: { kind: "thirdParty", inUnrelatedAccount: false },
        [`${who}(unrelated)`]: { kind: "thirdParty", inUnrelatedAccount: true },
        [`accountRoot(${who})`]: { kind: "accountRoot", of: "thirdParty" },
        [`admin(${who})`]: { kind: "admin", of: "thirdParty" },
    };
}

function linkPrincipal(text: string): PrincipalSelector | undefined {
    const c = parseCall(text);
    if (!c || !noKey(c)) return undefined;
    switch (c.name) {
        case "replicationRole":
        case "batchRole":
            return c.args.length === 1 && isSide(c.args[0]) ? { kind: c.name, side: c.args[0] } : undefined;
        case "accountRoot":
        case "admin":
            return c.args.length === 1 && isSide(c.args[0]) ? { kind: c.name, of: c.args[0] } : undefined;
        case "anonymous":
        case "unrelatedAccount":
            return text === c.name ? { kind: c.name } : undefined;
        case "service":
            return serviceOf(c, [...SIDES, "unrelated"], (source) => {
                const call = parseCall(source);
                const bucket = bucketOf(call);
                if (bucket) return { kind: "bucket", bucket: bucket.bucket, side: bucket.side };
                return call?.name === "job" && noKey(call) && call.args.length === 1 && isSide(call.args[0]) ? { kind: "job", side: call.args[0] } : undefined;
            });
    }
    return undefined;
}

function linkResource(text: string): ResourceSelector | undefined {
    const c = parseCall(text);
    if (!c) return undefined;
    const bucket = bucketOf(c);
    if (bucket) return { kind: "bucket", ...bucket };
    if (c.args.length !== 1) return undefined;
    const [arg] = c.args;
    switch (c.name) {
        case "buckets":
            return isSide(arg) ? { kind: "buckets", side: arg, ...(c.key !== undefined ? { key: c.key } : {}) } : undefined;
        case "replicationRole":
        case "batchRole":
            return isSide(arg) && noKey(c) ? { kind: "role", role: c.name, side: arg } : undefined;
        case "keys":
            return isSide(arg) && noKey(c) ? { kind: "keys", side: arg } : undefined;
        case "key": {
            const of = bucketOf(parseCall(arg));
            return of && of.key === undefined && noKey(c) ? { kind: "bucketKey", bucket: of.bucket, side: of.side } : undefined;
        }
    }
    return undefined;
}

/** The resources of a subject with a bucket of its own, named `subject` (drop, destination, logBucket). */
function subjectResource(subject: string, extra: Record<string, ResourceSelector> = {}): (text: string) => ResourceSelector | undefined {
    return (text) => {
        if (Object.hasOwn(extra, text)) return extra[text];
        const c = parseCall(text);
        if (!c) return undefined;
        const key = c.key !== undefined ? { key: c.key } : {};
        if (c.name === subject && text.split("/")[0] === subject) return { kind: "subject", ...key };
        return undefined;
    };
}

function subjectVia(subject: string): (text: string) => ViaSelector | undefined {
    return (text) => {
        const c = parseCall(text);
        return c && c.name === subject && text.split("/")[0] === subject && c.key !== undefined ? { kind: "subject", key: c.key } : undefined;
    };
}

/** `otherBuckets(own)[/key]`: every bucket of our plan but the subject's. */
function otherBuckets(text: string): ResourceSelector | undefined {
    const c = parseCall(text);
    return c && c.name === "otherBuckets" && text.split("/")[0] === "otherBuckets(own)" ? { kind: "otherBuckets", ...(c.key !== undefined ? { key: c.key } : {}) } : undefined;
}

const either =
    <T>(...parsers: ((text: string) => T | undefined)[]) =>
    (text: string): T | undefined => {
        for (const parse of parsers) {
            const found = parse(text);
            if (found) return found;
        }
        return undefined;
    };

/** `service(name, own|unrelated, <one of sources>)`, as a log bucket's scopes name it. */
function logService(sources: LogSource[]): (text: string) => PrincipalSelector | undefined {
    return (text) => {
        const c = parseCall(text);
        return c ? serviceOf(c, ["own", "unrelated"], (s) => ((sources as string[]).includes(s) ? { kind: "named", name: s as LogSource } : undefined)) : undefined;
    };
}

/** One scope's grammar: what its templates may name, and how a bad file is told what it may. */
export interface ScopeGrammar {
    /** The scope's placeholders (beside the files' names). */
    placeholders: string[];
    principal: (text: string) => PrincipalSelector | undefined;
    principalHelp: string;
    resource: (text: string) => ResourceSelector | undefined;
    resourceHelp: string;
    via?: (text: string) => ViaSelector | undefined;
    viaHelp?: string;
    condition?: (name: string) => Omit<ConditionTerm, "negated"> | undefined;
    conditionHelp?: string;
}

const namedCondition = (names: string[]) => (name: string) => (names.includes(name) ? { name } : undefined);
/** {sourceBucket} and {targetPrefix}: the data bucket logged (the first, in logBucket templates); {trailPrefix}: the first trail's key prefix. */
const LOG_PLACEHOLDERS = ["sourceBucket", "targetPrefix", "account", "region", "trailPrefix", "unrelatedAccount"];

export const GRAMMARS = {
    link: {
        /** {root}: the link's root prefix. */
        placeholders: ["root"],
        principal: linkPrincipal,
        principalHelp: "replicationRole(S), batchRole(S), accountRoot(S), admin(S), anonymous, unrelatedAccount, service(name, S|unrelated, bucket|job(S))",
        resource: linkResource,
        resourceHelp: "ingress(S)[/key], egress(S)[/key], buckets(S)[/key], replicationRole(S), batchRole(S), keys(S), key(ingress(S)), key(egress(S))",
        via: (text) => {
            const bucket = bucketOf(parseCall(text));
            return bucket?.key !== undefined ? { kind: "bucket", bucket: bucket.bucket, side: bucket.side, key: bucket.key } : undefined;
        },
        viaHelp: "an object ingress(S)/<key> or egress(S)/<key>",
        condition: (name) => {
            const m = /^deleteMarkerReplication\((own|counterpart)\)$/.exec(name);
            return m ? { name: "deleteMarkerReplication", side: m[1] as SideRef } : undefined;
        },
        conditionHelp: "deleteMarkerReplication(S)",
    },
    vendorDrop: {
        /** {prefix}, {keyPrefix} ("<prefix>/", or "" for a dedicated drop), {partition}, {region}, {vendorAccount}. */
        placeholders: ["prefix", "keyPrefix", "partition", "region", "vendorAccount"],
        principal: fixed({ ...thirdPartyPrincipals("vendor"), ...COMMON_PRINCIPALS }),
        principalHelp: `vendor, vendor(unrelated), accountRoot(vendor), admin(vendor), ${COMMON_HELP}`,
        resource: either(subjectResource("drop", { "key(drop)": { kind: "subjectKey" } }), otherBuckets),
        resourceHelp: "drop[/key], key(drop), otherBuckets(own)[/key]",
        via: subjectVia("drop"),
        viaHelp: "an object drop/<key>",
        condition: namedCondition(["allowDelete", "accessConfirmation", "sseKms", "prefixed"]),
        conditionHelp: "allowDelete, accessConfirmation, sseKms or prefixed",
    },
    serviceDestination: {
        /** {externalId}, {keyPrefix} ("<prefix>/", or "" when the service writes anywhere). */
        placeholders: ["externalId", "keyPrefix"],
        principal: fixed({ ...thirdPartyPrincipals("syncService"), writerRole: { kind: "writerRole" }, ...COMMON_PRINCIPALS }),
        principalHelp: `syncService, syncService(unrelated), accountRoot(syncService), admin(syncService), writerRole, ${COMMON_HELP}`,
        resource: either(subjectResource("destination", { "key(destination)": { kind: "subjectKey" }, writerRole: { kind: "writerRole" } }), otherBuckets),
        resourceHelp: "destination[/key], key(destination), writerRole, otherBuckets(own)[/key]",
        via: subjectVia("destination"),
        viaHelp: "an object destination/<key>",
        condition: namedCondition(["connectionTestPending", "prefixed"]),
        conditionHelp: "connectionTestPending or prefixed",
    },
    accessLog: {
        placeholders: LOG_PLACEHOLDERS,
        principal: either(fixed(COMMON_PRINCIPALS), logService(["source", "logBucket", "loggedElsewhere", "unrelatedBucket"])),
        principalHelp: `service(name, own|unrelated, source|logBucket|loggedElsewhere|unrelatedBucket), ${COMMON_HELP}`,
        resource: subjectResource("logBucket"),
        resourceHelp: "logBucket[/key]",
    },
    logBucket: {
        placeholders: LOG_PLACEHOLDERS,
        principal: either(
            fixed<PrincipalSelector>({
                "accountRoot(counterparts)": { kind: "accountRoot", of: "counterparts" },
                "admin(counterparts)": { kind: "admin", of: "counterparts" },
                ...COMMON_PRINCIPALS,
            }),
            logService(["trail", "otherTrail"]),
        ),
        principalHelp: `service(name, own|unrelated, trail|otherTrail), accountRoot(counterparts), admin(counterparts), ${COMMON_HELP}`,
        resource: subjectResource("logBucket"),
        resourceHelp: "logBucket[/key]",
    },
} satisfies Record<string, ScopeGrammar>;

/** An `if:` is one condition or several joined by " and ", each optionally preceded by "not ". */
export function conditionNames(text: string): { name: string; negated: boolean }[] {
    return text
        .split(" and ")
        .map((part) => part.trim())
        .map((part) => (part.startsWith("not ") ? { name: part.slice(4).trim(), negated: true } : { name: part, negated: false }));
}
