// Server access logging in one shape: which bucket logs where, from the split
// resource (v7 `BucketLogging`, v6 `BucketLoggingV2`) or the legacy inline block
// (`logging` on v7's aws:s3/bucket:Bucket, a `loggings` list on v6's legacy Bucket
// and on BucketV2); and who may deliver logs into a bucket: a bucket policy that
// allows logging.s3.amazonaws.com, or the ACL-era grant to the LogDelivery group.

import { bucketPolicyDocs, describe, Form } from "./bucket-settings";
import { and3, or3, Tri } from "./deny-coverage";
import { oncePer } from "./once";
import { ConditionEntry, DocumentState, readDocument, Statement } from "./policy-document";
import { BucketEntry, Res, StackIndex } from "./stack-index";
import { bucketNameFromRef, isRecord, pick, Read, readList, readObject, readString, required, UNKNOWN } from "./values";

export const LOGGING_SERVICE = "logging.s3.amazonaws.com";
export const LOG_DELIVERY_WRITE_ACL = "log-delivery-write";
const LOG_DELIVERY_GROUP = /\/groups\/s3\/LogDelivery$/i;

export type Target =
    /** `by`: the target's known name or ARN, or only the URN its unknown value came from. */
    { kind: "bucket"; entry: BucketEntry; by: "reference" | "dependency" } | { kind: "external"; name: string } | { kind: "unresolved" };

export interface LoggingDecl {
    /** The BucketLogging(V2) resource, or the bucket itself for the inline block. */
    declaredOn: Res;
    form: Form;
    /** The logged bucket, when it is in this stack. */
    source?: BucketEntry;
    /** The logged bucket as the declaration names it (for buckets outside the stack). */
    sourceRef: Read<string>;
    targetRef: Read<string>;
    target: Target;
    /**
     * Whether the bucket delivers its logs into itself: true only on known names (or
     * ARNs); UNKNOWN when only the unknown target's property dependency points back
     * at the source, since a name derived from the source's (`${name}-logs`) would too.
     */
    self: Tri;
}

export interface LoggingView {
    /** Every declaration that decides where some bucket's logs go. */
    decls: LoggingDecl[];
    /** The declarations that decide where this bucket's logs go (split over inline). */
    ofBucket: Map<BucketEntry, LoggingDecl[]>;
    /** Buckets of the stack that receive logs, with the declarations that send them there. */
    targets: Map<BucketEntry, LoggingDecl[]>;
    /** Declarations whose target is unknown and traceable to no bucket: any bucket of the stack may be it. */
    untraceableTargets: LoggingDecl[];
    /** Buckets whose inline logging is unknown (a computed output during preview) and that have no split resource. */
    inlineUnknown: Set<BucketEntry>;
    /** Whether a policy or ACL whose bucket is not known yet admits log delivery: then any bucket may be a log bucket. */
    unresolvedGrant: Tri;
}

// Not the lone-dependency guess the index makes for `bucket` inputs: a logging
// declaration depends on the logged bucket too, so only the URNs the target's own
// value came from say which bucket it is.
function resolveTarget(index: StackIndex, ref: Read<string>, deps: string[]): Target {
    if (typeof ref === "string") {
        const entry = index.bucketByRef(ref);
        return entry ? { kind: "bucket", entry, by: "reference" } : { kind: "external", name: bucketNameFromRef(ref) };
    }
    const among = index.bucketsAmong(deps);
    return among.length === 1 ? { kind: "bucket", entry: among[0], by: "dependency" } : { kind: "unresolved" };
}

function selfOf(source: BucketEntry | undefined, sourceRef: Read<string>, targetRef: Read<string>, target: Target): Tri {
    if (source && target.kind === "bucket" && target.entry === source) {
        return target.by === "reference" ? true : UNKNOWN;
    }
    if (!source && typeof sourceRef === "string" && typeof targetRef === "string") {
        return bucketNameFromRef(sourceRef) === bucketNameFromRef(targetRef);
    }
    return false;
}

function splitDecl(index: StackIndex, r: Res, source: BucketEntry | undefined): LoggingDecl {
    const sourceRef = readString(r.props.bucket);
    const targetRef = required(readString(r.props.targetBucket));
    const target = resolveTarget(index, targetRef, r.propertyDependencies.targetBucket ?? []);
    return { declaredOn: r, form: "split", source, sourceRef, targetRef, target, self: selfOf(source, sourceRef, targetRef, target) };
}

const INLINE_KEYS = ["logging", "loggings"];

/** The inline blocks of a bucket, or UNKNOWN. The schema allows one; a list is read whole all the same. */
function inlineDecls(index: StackIndex, b: BucketEntry): LoggingDecl[] | typeof UNKNOWN {
    const raw = pick(b.res.props, ...INLINE_KEYS);
    const blocks = readList(raw);
    if (blocks === UNKNOWN) {
        return UNKNOWN;
    }
    const deps = INLINE_KEYS.flatMap((k) => b.res.propertyDependencies[k] ?? []);
    const out: LoggingDecl[] = [];
    for (const block of blocks ?? []) {
        const o = readObject(block);
        if (o === UNKNOWN) {
            return UNKNOWN;
        }
        if (o === undefined) {
            continue;
        }
        // An empty target is how a read-back bucket without logging may show it.
        if (o.targetBucket === "") {
            continue;
        }
        const targetRef = required(readString(o.targetBucket));
        const target = resolveTarget(index, targetRef, deps);
        out.push({ declaredOn: b.res, form: "inline", source: b, sourceRef: b.name, targetRef, target, self: selfOf(b, b.name, targetRef, target) });
    }
    return out;
}

/** Where every bucket of the stack logs, computed once per index. */
export function loggingView(index: StackIndex): LoggingView {
    return viewOnce(index);
}

const viewOnce = oncePer(buildLoggingView);

function buildLoggingView(index: StackIndex): LoggingView {
    const view: LoggingView = { decls: [], ofBucket: new Map(), targets: new Map(), untraceableTargets: [], inlineUnknown: new Set(), unresolvedGrant: false };
    for (const b of index.buckets) {
        // A split resource is applied after the bucket and overrides its inline
        // block, which in the stack view may still show the state before it acted.
        let decls: LoggingDecl[];
        if (b.settings.logging.length > 0) {
            decls = b.settings.logging.map((r) => splitDecl(index, r, b));
        } else {
            const inline = inlineDecls(index, b);
            if (inline === UNKNOWN) {
                view.inlineUnknown.add(b);
                continue;
            }
            decls = inline;
        }
        if (decls.length > 0) {
            view.ofBucket.set(b, decls);
            view.decls.push(...decls);
        }
    }
    for (const r of [...index.external.logging, ...index.unresolved.logging]) {
        view.decls.push(splitDecl(index, r, undefined));
    }
    for (const d of view.decls) {
        if (d.target.kind === "bucket") {
            const senders = view.targets.get(d.target.entry) ?? [];
            senders.push(d);
            view.targets.set(d.target.entry, senders);
        } else if (d.target.kind === "unresolved") {
            view.untraceableTargets.push(d);
        }
    }
    for (const r of index.unresolved.policy) {
        if (docAdmits(readDocument(r.props.policy)) !== false) {
            view.unresolvedGrant = UNKNOWN;
        }
    }
    for (const a of index.unresolved.acl) {
        const g = aclLogDelivery(a, "split");
        if (g.found.length > 0 || g.unknown) {
            view.unresolvedGrant = UNKNOWN;
        }
    }
    return view;
}

/** How messages name a declaration's target. */
export function targetLabel(d: LoggingDecl): string {
    switch (d.target.kind) {
        case "bucket":
            return d.target.entry.label;
        case "external":
            return `bucket "${d.target.name}" (outside this stack)`;
        default:
            return "a bucket unknown until apply";
    }
}

/** How messages name the buckets that log into one target. */
export function sendersLabel(senders: LoggingDecl[]): string {
    return `${sourceLabel(senders[0])}${senders.length > 1 ? ` and ${senders.length - 1} more` : ""}`;
}

/** How messages name a declaration's source bucket. */
export function sourceLabel(d: LoggingDecl): string {
    if (d.source) {
        return d.source.label;
    }
    return typeof d.sourceRef === "string" ? `bucket "${bucketNameFromRef(d.sourceRef)}"` : `the bucket of ${describe(d.declaredOn, d.form)} (unknown until apply)`;
}

// ---------------------------------------------------------------------------
// Log delivery grants

/** An Allow (or not yet known) statement whose principal names the logging service. */
export function grantsLoggingService(s: Statement): boolean {
    return s.effect !== "Deny" && s.effect !== undefined && (s.principal?.service ?? []).some((p) => typeof p === "string" && p.toLowerCase() === LOGGING_SERVICE);
}

export function loggingStatements(doc: DocumentState): Statement[] {
    return doc.state === "known" ? doc.statements.filter(grantsLoggingService) : [];
}

// Positive matches only: a negated operator, a Null check or an …IfExists
// variant lets requests without the key through, which is the case to exclude.
const ACCOUNT_OPERATORS = ["stringequals", "stringlike", "arnequals", "arnlike"];
const ARN_OPERATORS = ["arnlike", "arnequals", "stringlike", "stringequals"];

function pinnedBy(conditions: ConditionEntry[], key: string, operators: string[], concrete: (v: string) => boolean): Tri {
    let result: Tri = false;
    for (const c of conditions) {
        if (c.key !== key || !operators.includes(c.op) || c.values.length === 0) {
            continue;
        }
        // Every value must pin: one "*" among them admits any source.
        let entry: Tri = true;
        for (const v of c.values) {
            entry = and3(entry, v === UNKNOWN ? UNKNOWN : concrete(String(v)));
        }
        result = or3(result, entry);
    }
    return result;
}

const isAccountId = (v: string) => /^\d{12}$/.test(v);

// A source ARN pins when it names something: not "*", not `arn:aws:s3:::*`.
function isConcreteArn(v: string): boolean {
    if (/^[*?]*$/.test(v)) {
        return false;
    }
    const m = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:(.*)$/.exec(v);
    return m === null || !/^[*?]*$/.test(m[1]);
}

export interface GrantJudgement {
    sourceAccount: Tri;
    sourceArn: Tri;
}

/** Whether a statement that admits the logging service is pinned to a source account and source ARN. */
export function judgeGrant(s: Statement): GrantJudgement {
    if (s.conditions === UNKNOWN) {
        return { sourceAccount: UNKNOWN, sourceArn: UNKNOWN };
    }
    return {
        sourceAccount: pinnedBy(s.conditions, "aws:sourceaccount", ACCOUNT_OPERATORS, isAccountId),
        sourceArn: pinnedBy(s.conditions, "aws:sourcearn", ARN_OPERATORS, isConcreteArn),
    };
}

export function statementLabel(s: Statement): string {
    return s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
}

export interface AclGrants {
    /** Each ACL-based log delivery grant, described for messages. */
    found: string[];
    /** A value that could hold such a grant is unknown until apply. */
    unknown: boolean;
}

function groupUri(g: unknown): Read<string> {
    if (!isRecord(g)) {
        return undefined;
    }
    const grantee = readObject(pick(g, "grantee"));
    return readString(grantee && grantee !== UNKNOWN ? grantee.uri : g.uri);
}

/** Log delivery through ACLs: the canned `log-delivery-write`, or a grant to the LogDelivery group (inline grants, or BucketAcl's accessControlPolicy). */
export function aclLogDelivery(r: Res, form: Form): AclGrants {
    const out: AclGrants = { found: [], unknown: false };
    const where = describe(r, form);
    const acl = readString(r.props.acl);
    if (acl === UNKNOWN) {
        out.unknown = true;
    } else if (acl === LOG_DELIVERY_WRITE_ACL) {
        out.found.push(`the canned ACL "${LOG_DELIVERY_WRITE_ACL}" (${where})`);
    }
    const acp = readObject(r.props.accessControlPolicy);
    const grants = acp === UNKNOWN ? UNKNOWN : readList(acp ? acp.grants : r.props.grants);
    if (grants === UNKNOWN) {
        out.unknown = true;
        return out;
    }
    for (const g of grants ?? []) {
        const uri = groupUri(g);
        if (uri === UNKNOWN) {
            out.unknown = true;
        } else if (typeof uri === "string" && LOG_DELIVERY_GROUP.test(uri)) {
            out.found.push(`a grant to the LogDelivery group ${uri} (${where})`);
        }
    }
    return out;
}

/**
 * Whether a bucket admits log deliveries (and so is a log bucket, possibly for
 * buckets outside the stack): true on a known grant, UNKNOWN when a document or a
 * BucketAcl that could hold one is unknown until apply. The bucket's own inline
 * `acl`/`grants` are computed outputs during preview, so their unknowns say nothing.
 */
export function admitsLogDelivery(index: StackIndex, b: BucketEntry): Tri {
    let result: Tri = false;
    for (const d of bucketPolicyDocs(b)) {
        result = or3(result, docAdmits(d.doc));
    }
    result = or3(result, aclLogDelivery(b.res, "inline").found.length > 0);
    for (const a of b.settings.acl) {
        const g = aclLogDelivery(a, "split");
        result = or3(result, g.found.length > 0 ? true : g.unknown ? UNKNOWN : false);
    }
    // A policy or ACL whose bucket is not known yet may be this bucket's.
    return result === false ? loggingView(index).unresolvedGrant : result;
}

function docAdmits(doc: DocumentState): Tri {
    // A BucketPolicy without a document has one the mocks or serialiser dropped.
    if (doc.state === "unknown" || doc.state === "absent") {
        return UNKNOWN;
    }
    const statements = loggingStatements(doc);
    if (statements.some((s) => s.effect === "Allow")) {
        return true;
    }
    return statements.length > 0 ? UNKNOWN : false;
}
