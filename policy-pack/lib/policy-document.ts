// IAM/S3 policy documents as the policies need them: JSON string or object, any
// element as a string or a list, condition operators and keys in any case, boolean
// values as "false", false or ["false"], and unknown values kept as UNKNOWN.

import type { CondVal, ConditionEntry, DocumentState, Principals, Statement, Val } from "./document-model";
import { isRecord, isUnknown, UNKNOWN, Unknown, UNKNOWN_SENTINELS, UNKNOWN_STRING_SENTINEL } from "./values";

export type { CondVal, ConditionEntry, DocumentState, Principals, Statement, Val } from "./document-model";

// The same document is read by several policies (and twice by the preview notes),
// so parses are shared. Results are never mutated. Strings are kept up to a bound
// so a long-lived policy process cannot grow without limit.
const MAX_CACHED_STRINGS = 20_000;
const stringCache = new Map<string, DocumentState>();
const objectCache = new WeakMap<object, DocumentState>();

/** Parse a policy document given as a JSON string or as an object. */
export function readDocument(v: unknown): DocumentState {
    if (typeof v === "string") {
        let hit = stringCache.get(v);
        if (!hit) {
            if (stringCache.size >= MAX_CACHED_STRINGS) {
                stringCache.clear();
            }
            hit = parseDocument(v);
            stringCache.set(v, hit);
        }
        return hit;
    }
    if (v !== null && typeof v === "object") {
        let hit = objectCache.get(v);
        if (!hit) {
            hit = parseDocument(v);
            objectCache.set(v, hit);
        }
        return hit;
    }
    return parseDocument(v);
}

function parseDocument(v: unknown): DocumentState {
    if (v === undefined || v === null || v === "") {
        return { state: "absent" };
    }
    if (typeof v === "string") {
        if (UNKNOWN_SENTINELS.has(v)) {
            return { state: "unknown" };
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(v);
        } catch (e) {
            // A rendered document with an unknown ARN inside is still JSON; if it is
            // not, it is either unknown through and through or really broken.
            if (v.includes(UNKNOWN_STRING_SENTINEL)) {
                return { state: "unknown" };
            }
            return { state: "invalid", reason: `not valid JSON (${(e as Error).message})` };
        }
        return fromObject(parsed);
    }
    if (isUnknown(v)) {
        return { state: "unknown" };
    }
    return fromObject(v);
}

// IAM's policy grammar nests a few levels; a document nested far deeper is no
// policy, and the walks below (and JSON.stringify) would run out of stack on it.
const MAX_DOCUMENT_DEPTH = 64;

/** Whether a parsed value nests arrays and objects deeper than `max` (the walk itself goes no deeper than that). */
export function nestsDeeperThan(v: unknown, max: number): boolean {
    if (v === null || typeof v !== "object") {
        return false;
    }
    if (max === 0) {
        return true;
    }
    if (Array.isArray(v)) {
        for (let k = 0; k < v.length; k++) {
            if (nestsDeeperThan(v[k], max - 1)) {
                return true;
            }
        }
        return false;
    }
    for (const k in v) {
        if (Object.prototype.hasOwnProperty.call(v, k) && nestsDeeperThan((v as Record<string, unknown>)[k], max - 1)) {
            return true;
        }
    }
    return false;
}

function fromObject(doc: unknown): DocumentState {
    if (!isRecord(doc)) {
        return { state: "invalid", reason: "a policy document must be a JSON object" };
    }
    if (nestsDeeperThan(doc, MAX_DOCUMENT_DEPTH)) {
        return { state: "invalid", reason: `a document that nests deeper than ${MAX_DOCUMENT_DEPTH} levels, which no IAM policy does` };
    }
    const rawStatements = doc.Statement;
    if (rawStatements === undefined || rawStatements === null) {
        return { state: "invalid", reason: "the document has no Statement" };
    }
    if (isUnknown(rawStatements)) {
        return { state: "unknown" };
    }
    const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
    const statements: Statement[] = [];
    let partial = false;
    list.forEach((s, index) => {
        if (!isRecord(s)) {
            partial = true;
            statements.push({ index, effect: UNKNOWN, conditions: UNKNOWN });
            return;
        }
        const st = readStatement(s, index);
        statements.push(st);
    });
    // Only a document holding an unknown value needs the copy without it.
    const hasUnknown = containsUnknown(doc);
    const minified = JSON.stringify(hasUnknown ? stripUnknowns(doc) : doc);
    partial = partial || hasUnknown;
    return { state: "known", statements, partial, minified, raw: doc };
}

function readStatement(s: Record<string, unknown>, index: number): Statement {
    const effectRaw = s.Effect;
    let effect: Statement["effect"];
    if (isUnknown(effectRaw)) {
        effect = UNKNOWN;
    } else if (typeof effectRaw === "string" && /^allow$/i.test(effectRaw)) {
        effect = "Allow";
    } else if (typeof effectRaw === "string" && /^deny$/i.test(effectRaw)) {
        effect = "Deny";
    } else {
        effect = undefined;
    }
    return {
        index,
        sid: typeof s.Sid === "string" ? s.Sid : undefined,
        effect,
        principal: s.Principal === undefined ? undefined : readPrincipals(s.Principal),
        notPrincipal: s.NotPrincipal === undefined ? undefined : readPrincipals(s.NotPrincipal),
        actions: readVals(s.Action),
        notActions: readVals(s.NotAction),
        resources: readVals(s.Resource),
        notResources: readVals(s.NotResource),
        conditions: readConditions(s.Condition),
    };
}

function readVals(v: unknown): Val[] | Unknown | undefined {
    if (v === undefined || v === null) {
        return undefined;
    }
    if (isUnknown(v)) {
        return UNKNOWN;
    }
    const list = Array.isArray(v) ? v : [v];
    return list.map((x) => (typeof x === "string" && !isUnknown(x) ? x : UNKNOWN));
}

function readPrincipals(p: unknown): Principals {
    const out: Principals = { wildcard: false, aws: [], service: [], federated: [], canonicalUser: [], unknown: false };
    if (isUnknown(p)) {
        out.unknown = true;
        return out;
    }
    if (p === "*") {
        out.wildcard = true;
        return out;
    }
    if (!isRecord(p)) {
        out.unknown = true;
        return out;
    }
    for (const [k, v] of Object.entries(p)) {
        const vals = readVals(v);
        if (vals === undefined) {
            continue;
        }
        if (vals === UNKNOWN) {
            out.unknown = true;
            continue;
        }
        if (vals.includes(UNKNOWN)) {
            out.unknown = true;
        }
        switch (k.toLowerCase()) {
            case "aws":
                out.aws.push(...vals);
                // IAM matches no part of a principal ARN by wildcard (reference_policies_elements_principal):
                // `arn:aws:iam::*:root` names no fixed account, so it counts as anyone here.
                if (vals.some((v) => typeof v === "string" && /[*?]/.test(v))) {
                    out.wildcard = true;
                }
                break;
            case "service":
                out.service.push(...vals);
                break;
            case "federated":
                out.federated.push(...vals);
                break;
            case "canonicaluser":
                out.canonicalUser.push(...vals);
                if (vals.includes("*")) {
                    out.wildcard = true;
                }
                break;
            default:
                out.unknown = true;
        }
    }
    return out;
}

function readConditions(c: unknown): ConditionEntry[] | Unknown {
    if (c === undefined || c === null) {
        return [];
    }
    if (!isRecord(c)) {
        return UNKNOWN;
    }
    const out: ConditionEntry[] = [];
    for (const [operator, block] of Object.entries(c)) {
        if (!isRecord(block)) {
            return UNKNOWN;
        }
        for (const [key, raw] of Object.entries(block)) {
            const list = isUnknown(raw) ? [UNKNOWN] : Array.isArray(raw) ? raw : [raw];
            out.push({
                operator,
                op: operator.toLowerCase(),
                key: key.toLowerCase(),
                values: list.map((x): CondVal => (isUnknown(x) ? UNKNOWN : typeof x === "string" || typeof x === "number" || typeof x === "boolean" ? x : UNKNOWN)),
            });
        }
    }
    return out;
}

function containsUnknown(v: unknown): boolean {
    if (isUnknown(v)) {
        return true;
    }
    if (Array.isArray(v)) {
        return v.some(containsUnknown);
    }
    if (isRecord(v)) {
        // Not Object.values: every document is walked, and the copies are garbage.
        for (const k in v) {
            if (Object.prototype.hasOwnProperty.call(v, k) && containsUnknown(v[k])) {
                return true;
            }
        }
    }
    return false;
}

function stripUnknowns(v: unknown): unknown {
    if (typeof v === "string") {
        return UNKNOWN_SENTINELS.has(v) ? "" : v.split(UNKNOWN_STRING_SENTINEL).join("");
    }
    if (Array.isArray(v)) {
        return v.map(stripUnknowns);
    }
    if (isRecord(v)) {
        const out: Record<string, unknown> = {};
        for (const [k, val] of Object.entries(v)) {
            out[k] = stripUnknowns(val);
        }
        return out;
    }
    return v;
}

// An unknown string in a policy is an ARN or an ID; ARNs are at most 2,048
// characters, so that bounds what one unknown value can add.
export const MAX_UNKNOWN_STRING = 2048;

// Unknown lists and objects (and assets) could hold anything.
const UNBOUNDED_SENTINELS = new Set([
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
]);

/**
 * Size of the document without insignificant whitespace, as AWS counts it: the
 * known part, and an upper bound when every unknown inside is a single string
 * (undefined when an unknown list or object could be of any size).
 */
export function documentSize(doc: DocumentState & { state: "known" }, unit: "bytes" | "chars"): { min: number; max: number | undefined } {
    const min = unit === "bytes" ? Buffer.byteLength(doc.minified, "utf8") : doc.minified.length;
    if (!doc.partial) {
        return { min, max: min };
    }
    let strings = 0;
    let unbounded = false;
    const walk = (v: unknown): void => {
        if (typeof v === "string") {
            if (UNBOUNDED_SENTINELS.has(v)) {
                unbounded = true;
            } else if (UNKNOWN_SENTINELS.has(v)) {
                strings += 1;
            } else if (v.includes(UNKNOWN_STRING_SENTINEL)) {
                strings += v.split(UNKNOWN_STRING_SENTINEL).length - 1;
            }
        } else if (Array.isArray(v)) {
            v.forEach(walk);
        } else if (isRecord(v)) {
            Object.values(v).forEach(walk);
        }
    };
    walk(doc.raw);
    // ARNs are ASCII, so one character is one byte.
    return { min, max: unbounded ? undefined : min + strings * MAX_UNKNOWN_STRING };
}

// ---------------------------------------------------------------------------
// Matching helpers

/** Value of a condition entry read as a boolean `false`. */
export function isFalseValue(v: CondVal): boolean | Unknown {
    if (v === UNKNOWN) {
        return UNKNOWN;
    }
    return v === false || (typeof v === "string" && v.trim().toLowerCase() === "false");
}

export { globMatch } from "./glob";
export { coversAllObjects, coversBucket } from "./arns";

/** `s3:*` or `*`, in any case. */
export function isFullS3Action(a: string): boolean {
    const l = a.toLowerCase();
    return l === "*" || l === "s3:*";
}

/** Applies to every caller: `*`, `{"AWS": "*"}`. */
export function isEveryone(p: Principals | undefined): boolean {
    return p !== undefined && p.wildcard;
}

/** Every condition entry of a statement uses only these keys (lower case). */
export function onlyKeys(conditions: ConditionEntry[], keys: string[]): boolean {
    return conditions.every((c) => keys.includes(c.key));
}
