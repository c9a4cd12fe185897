// Reading resource properties that may be absent, unknown (during preview) or given
// in one of several spellings. Every policy goes through these helpers, so that a
// value nobody can know yet never turns into a violation and never throws.

/**
 * The engine sends values that are not known until apply as these sentinel strings
 * (one per type); `@pulumi/policy` and `pulumi stack export`/preview JSON keep them
 * verbatim. Copied from @pulumi/policy/proxy.js so the offline checker need not load
 * @pulumi/policy at all.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The sentinel for an unknown string: the one interpolated strings and ARNs carry. */
export const UNKNOWN_STRING_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Our own marker for "cannot be known yet" once a raw value has been read. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

/** A value read from props: the value, UNKNOWN, or undefined when absent. */
export type Read<T> = T | Unknown | undefined;

/**
 * True for a sentinel, and for a string that embeds one: a program that renders an
 * unknown ARN into a larger string (or a mock-based plan that does the same) yields
 * `arn:aws:s3:::04da6b54-…/*`, which is just as unknown.
 */
export function isUnknown(v: unknown): boolean {
    return typeof v === "string" && (UNKNOWN_SENTINELS.has(v) || v.includes(UNKNOWN_STRING_SENTINEL));
}

// @pulumi/policy wraps props in a proxy that throws on the first unknown it meets,
// which would abort a whole stack policy because of one unknown ARN. The proxy
// exposes its target under this key; reading the raw object lets us report what is
// known. Plain objects (offline checker, tests) simply lack the key.
const PROXY_TARGET_KEY = "__getSpecialProxyTarget";
const PROXY_FLAG_KEY = "__isSpecialProxy";

/** The raw property bag behind @pulumi/policy's unknown-checking proxy. */
export function rawProps(props: unknown): Record<string, unknown> {
    if (props === null || typeof props !== "object") {
        return {};
    }
    const p = props as Record<string, unknown>;
    if (p[PROXY_FLAG_KEY] === true) {
        const target = p[PROXY_TARGET_KEY];
        if (target !== null && typeof target === "object") {
            return target as Record<string, unknown>;
        }
    }
    return p;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A string property: absent for undefined/null/"", UNKNOWN for sentinels. */
export function readString(v: unknown): Read<string> {
    if (v === undefined || v === null || v === "") {
        return undefined;
    }
    if (isUnknown(v)) {
        return UNKNOWN;
    }
    if (typeof v === "string") {
        return v;
    }
    if (typeof v === "number" || typeof v === "boolean") {
        return String(v);
    }
    // An object where a string belongs cannot be judged; treat it as unknown
    // rather than guess.
    return UNKNOWN;
}

/** A boolean property; accepts "true"/"false" strings as the API does. */
export function readBool(v: unknown): Read<boolean> {
    if (v === undefined || v === null || v === "") {
        return undefined;
    }
    if (isUnknown(v)) {
        return UNKNOWN;
    }
    if (typeof v === "boolean") {
        return v;
    }
    if (typeof v === "string") {
        const s = v.trim().toLowerCase();
        if (s === "true") {
            return true;
        }
        if (s === "false") {
            return false;
        }
    }
    return UNKNOWN;
}

/** A list property; a scalar is a one-element list (IAM's string-or-list). */
export function readList(v: unknown): Read<unknown[]> {
    if (v === undefined || v === null) {
        return undefined;
    }
    if (isUnknown(v)) {
        return UNKNOWN;
    }
    return Array.isArray(v) ? v : [v];
}

/** An object property; the legacy BucketV2 shapes wrap single blocks in lists. */
export function readObject(v: unknown): Read<Record<string, unknown>> {
    if (v === undefined || v === null) {
        return undefined;
    }
    if (isUnknown(v)) {
        return UNKNOWN;
    }
    if (Array.isArray(v)) {
        if (v.length === 0) {
            return undefined;
        }
        return readObject(v[0]);
    }
    return isRecord(v) ? v : UNKNOWN;
}

/** The first of several alternative property names that is present. */
export function pick(o: Record<string, unknown>, ...keys: string[]): unknown {
    for (const k of keys) {
        if (o[k] !== undefined && o[k] !== null) {
            return o[k];
        }
    }
    return undefined;
}

/**
 * For inputs the resource schema marks as required: if one is missing, the program
 * could not have been valid, so the only honest reading is that the value was not
 * known (mocks and some serialisers drop unknowns instead of sending a sentinel).
 */
export function required<T>(v: Read<T>): T | Unknown {
    return v === undefined ? UNKNOWN : v;
}

export { bucketNameFromRef } from "./arns";
import { parseStrictJson } from "./strict-json";

/** The account of an ARN (`arn:aws:iam::123456789012:role/x`), if it names one. */
export function accountOfArn(arn: string): string | undefined {
    const m = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn);
    return m ? m[1] : undefined;
}

/** The role name in a role ARN (`arn:aws:iam::1:role/path/name`), or the input itself. */
export function roleNameFromRef(ref: string): string {
    const m = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(ref);
    return m ? m[1] : ref;
}

/**
 * Secrets in `pulumi stack export` appear as a signature object; with
 * `--show-secrets` they carry their JSON-encoded plaintext. Decode those, and treat
 * encrypted ones as unknown (the value exists but we cannot read it).
 */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

// `pulumi preview --json` and the CLI's displays print a secret as this string
// unless --show-secrets is given: the value exists but cannot be read.
const SECRET_PLACEHOLDER = "[secret]";

export function decodeExportValue(v: unknown): unknown {
    // Most inputs hold no secret: one walk that allocates nothing tells, and they are
    // returned as they are (10,000 resources' inputs are otherwise copied key by key).
    return holdsSecret(v) ? decodeSecrets(v) : v;
}

function holdsSecret(v: unknown): boolean {
    if (v === SECRET_PLACEHOLDER) {
        return true;
    }
    if (v === null || typeof v !== "object") {
        return false;
    }
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
            if (holdsSecret(v[i])) {
                return true;
            }
        }
        return false;
    }
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) {
        return true;
    }
    for (const k in o) {
        if (Object.prototype.hasOwnProperty.call(o, k) && holdsSecret(o[k])) {
            return true;
        }
    }
    return false;
}

function decodeSecrets(v: unknown): unknown {
    if (v === SECRET_PLACEHOLDER) {
        return UNKNOWN_STRING_SENTINEL;
    }
    // Most inputs hold no secret: return them as they are instead of copying.
    if (Array.isArray(v)) {
        let out: unknown[] | undefined;
        v.forEach((x, i) => {
            const d = decodeExportValue(x);
            if (d !== x) {
                out = out ?? [...v];
                out[i] = d;
            }
        });
        return out ?? v;
    }
    if (!isRecord(v)) {
        return v;
    }
    if (v[SECRET_SIG_KEY] === SECRET_SIG) {
        if (typeof v.plaintext === "string") {
            try {
                // The plaintext is JSON inside the export, read with the export's own bounds.
                return decodeExportValue(parseStrictJson(v.plaintext, { maxDepth: 256 }));
            } catch {
                return UNKNOWN_STRING_SENTINEL;
            }
        }
        if ("value" in v) {
            return decodeExportValue(v.value);
        }
        return UNKNOWN_STRING_SENTINEL;
    }
    let out: Record<string, unknown> | undefined;
    for (const [k, val] of Object.entries(v)) {
        const d = decodeExportValue(val);
        if (d !== val) {
            out = out ?? { ...v };
            out[k] = d;
        }
    }
    return out ?? v;
}

/**
 * Whether an exported value holds a secret this export does not show: an
 * encrypted secret (`pulumi stack export` without --show-secrets) or the
 * `[secret]` placeholder. decodeExportValue reads those as unknown.
 */
export function hasUnreadableSecret(v: unknown): boolean {
    if (v === SECRET_PLACEHOLDER) {
        return true;
    }
    if (Array.isArray(v)) {
        return v.some(hasUnreadableSecret);
    }
    if (!isRecord(v)) {
        return false;
    }
    if (v[SECRET_SIG_KEY] === SECRET_SIG) {
        return typeof v.plaintext !== "string" && !("value" in v);
    }
    return Object.values(v).some(hasUnreadableSecret);
}
