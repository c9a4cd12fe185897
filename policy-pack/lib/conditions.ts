// Condition blocks as AWS evaluates them. A condition narrows an Allow only if AWS
// would refuse a request that lacks the right value:
//
// - operator and key names are case-insensitive (values are not, except for
//   `…IgnoreCase`): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
// - `…IfExists` is true when the key is absent from the request:
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
// - `ForAllValues:` is true when the key is absent (or its value an empty set),
//   `ForAnyValue:` is false then:
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// - negated operators match every value but the listed ones, and a key that is
//   absent too; `Null` only tests presence:
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// - `StringEquals` takes `*` literally; `StringLike`, `ArnLike` and `ArnEquals`
//   treat `*` and `?` as wildcards, per ARN component for the Arn operators.
// - S3 calls a policy non-public only when it grants to fixed values (no wildcard,
//   no policy variable) of a principal or of these keys: aws:SourceIp (a CIDR no
//   wider than /8 for IPv4 and /32 for IPv6), aws:SourceArn, aws:SourceVpc,
//   aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:userid outside the
//   pattern "AROLEID:*", s3:DataAccessPointArn (in a bucket policy, any access
//   point name of a fixed account) and s3:DataAccessPointAccount. In an access
//   point's own policy, s3:DataAccessPointArn grants to a set of access points
//   is public: "The meaning of public", S3 User Guide:
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
//   A bucket delegates its access control to access points with those two keys:
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html#access-points-delegating-control

import type { ConditionEntry } from "./document-model";
import { UNKNOWN, Unknown } from "./values";

export interface Operator {
    /** The base operator, lower case, without set prefix or IfExists: `stringequals`. */
    base: string;
    set: "forallvalues" | "foranyvalue" | undefined;
    ifExists: boolean;
    negated: boolean;
    /** Whether `*`/`?` in a value are wildcards. */
    wildcards: boolean;
}

/** An operator name as written (`ForAnyValue:StringLikeIfExists`), read the way IAM reads it. */
export function parseOperator(name: string): Operator {
    // Policies ask about the same few operator names for every statement of every
    // bucket: read each once (bounded, as names come from the documents).
    let parsed = operators.get(name);
    if (parsed === undefined) {
        if (operators.size >= 1000) {
            operators.clear();
        }
        parsed = Object.freeze(readOperator(name));
        operators.set(name, parsed);
    }
    return parsed;
}

const operators = new Map<string, Operator>();

function readOperator(name: string): Operator {
    let op = name.trim().toLowerCase();
    let set: Operator["set"];
    const m = /^(forallvalues|foranyvalue):(.*)$/.exec(op);
    if (m) {
        set = m[1] as Operator["set"];
        op = m[2];
    }
    const ifExists = op.endsWith("ifexists");
    if (ifExists) {
        op = op.slice(0, -"ifexists".length);
    }
    return {
        base: op,
        set,
        ifExists,
        negated: op.includes("not"),
        wildcards: op === "stringlike" || op === "arnlike" || op === "arnequals" || op === "stringnotlike" || op === "arnnotlike" || op === "arnnotequals",
    };
}

/**
 * True when AWS refuses a request that lacks the key: not IfExists, not
 * ForAllValues, not negated, not Null.
 */
export function requiresKey(op: Operator): boolean {
    return !op.ifExists && op.set !== "forallvalues" && !op.negated && op.base !== "null";
}

const POSITIVE_MATCH = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

type KeyKind = "account" | "arn" | "accesspoint-arn" | "org" | "orgpath" | "network" | "userid" | "service" | "ip" | "kms-key";

// The keys S3's definition of "public" accepts as fixing the caller, and what a
// value of each names. The principal's own keys (aws:PrincipalAccount,
// aws:PrincipalArn, aws:PrincipalOrgID and its paths, aws:PrincipalServiceName)
// stand for the "AWS principal, user, role, or service principal (e.g.
// aws:PrincipalOrgID)" of that definition. Keys it does not list pin nothing:
// those that describe the resource rather than the caller (aws:ResourceOrgID,
// aws:ResourceAccount), which every request to the bucket carries; request
// parameters the caller chooses (s3:x-amz-server-side-encryption-aws-kms-key-id);
// and aws:SourceOrgID/aws:SourceOrgPaths, which the definition does not name.
// s3:x-amz-server-side-encryption-aws-kms-key-id is the one key AWS's sources
// disagree on (KMS_KEY_ID below): left out here, as the safer reading.
const PINNING_KEYS: ReadonlyMap<string, KeyKind> = new Map<string, KeyKind>([
    ["aws:principalaccount", "account"],
    ["aws:sourceaccount", "account"],
    ["aws:sourceowner", "account"],
    ["s3:dataaccesspointaccount", "account"],
    ["aws:principalarn", "arn"],
    ["aws:sourcearn", "arn"],
    ["s3:dataaccesspointarn", "accesspoint-arn"],
    ["aws:principalorgid", "org"],
    ["aws:principalorgpaths", "orgpath"],
    ["aws:sourcevpce", "network"],
    ["aws:sourcevpc", "network"],
    ["aws:userid", "userid"],
    ["aws:principalservicename", "service"],
    ["aws:sourceip", "ip"],
]);

/**
 * Where a policy is attached. An access point's (or Multi-Region Access Point's)
 * own policy is only ever evaluated for requests through that access point, whose
 * account and ARN every such request carries: there the access point keys restrict
 * no caller.
 */
export type PolicyContext = "bucket" | "access-point";

export const DELEGATION_KEYS = ["s3:dataaccesspointaccount", "s3:dataaccesspointarn"];

const WILD = /[*?]/;

/** Does one value fix the caller, read with this operator? */
function valuePins(kind: KeyKind, value: string, op: Operator): boolean {
    // A policy variable (`${aws:username}`) is filled in per request: not a fixed value.
    if (value === "" || value.includes("${")) {
        return false;
    }
    // StringEquals takes `*` literally: no caller has that value, so nothing is open.
    const wild = (s: string) => op.wildcards && WILD.test(s);
    switch (kind) {
        case "arn":
        case "accesspoint-arn": {
            const parts = value.split(":");
            if (parts.length < 6 || parts[0] !== "arn") {
                return !wild(value);
            }
            const account = parts[4];
            const resource = parts.slice(5).join(":");
            if (account !== "") {
                return !wild(account);
            }
            // An ARN without an account (an S3 bucket): its name must be fixed.
            const name = resource.split("/")[0];
            return name.length > 0 && !wild(name);
        }
        case "orgpath":
            return !wild(value.split("/")[0]);
        case "userid": {
            // "aws:userid, outside the pattern AROLEID:*": a role's ID with any session is no fixed caller.
            const [id, session] = value.split(":");
            return !wild(id) && !(session !== undefined && wild(session));
        }
        case "ip": {
            const range = addressRange(value);
            return range !== undefined && range.prefix >= NARROWEST_PUBLIC_PREFIX[range.family];
        }
        default:
            return !wild(value);
    }
}

// "Bucket policies that grant access conditioned on the aws:SourceIp condition key
// with very broad IP ranges (for example, 0.0.0.0/1) are evaluated as public. This
// includes values broader than /8 for IPv4 and /32 for IPv6."
const NARROWEST_PUBLIC_PREFIX = { 4: 8, 6: 32 } as const;

/** An IPv4 or IPv6 CIDR (or address) as the range of addresses it covers, or undefined when it is not one. */
function addressRange(text: string): { family: 4 | 6; prefix: number; first: bigint; last: bigint } | undefined {
    const [address, prefixText] = text.trim().split("/");
    const family = address.includes(":") ? 6 : 4;
    const bits = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? bits : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
        return undefined;
    }
    let value: bigint | undefined;
    if (family === 4) {
        const parts = address.split(".");
        if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
            return undefined;
        }
        value = parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
    } else {
        const halves = address.split("::");
        if (halves.length > 2) {
            return undefined;
        }
        const groups = halves.map((h) => (h === "" ? [] : h.split(":")));
        const missing = 8 - groups.reduce((n, g) => n + g.length, 0);
        const all = halves.length === 2 ? [...groups[0], ...Array<string>(Math.max(missing, 0)).fill("0"), ...groups[1]] : groups[0];
        if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) {
            return undefined;
        }
        value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
    }
    const size = 1n << BigInt(bits - prefix);
    const first = (value / size) * size;
    return { family, prefix, first, last: first + size - 1n };
}

/**
 * Whether the CIDRs together cover every IPv4 or every IPv6 address (two /1
 * ranges, say): each range alone looks fixed, but together they pin no caller,
 * so the pack counts them as open. AWS does not document how S3 judges such a
 * set; counting it as open never weakens the check.
 */
export function coversEveryAddress(values: readonly string[]): boolean {
    for (const family of [4, 6] as const) {
        const ranges = values
            .map(addressRange)
            .filter((r): r is NonNullable<ReturnType<typeof addressRange>> => r !== undefined && r.family === family)
            .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
        const end = (1n << BigInt(family === 4 ? 32 : 128)) - 1n;
        let next = 0n;
        for (const r of ranges) {
            if (r.first > next) {
                break;
            }
            if (r.last + 1n > next) {
                next = r.last + 1n;
            }
        }
        if (ranges.length > 0 && next > end) {
            return true;
        }
    }
    return false;
}

/**
 * Whether the conditions pin a wildcard principal to fixed callers, as S3 judges a
 * policy public (in a bucket's policy, or an access point's). UNKNOWN when only a
 * value unknown until apply could pin it.
 */
export function pinsCaller(conditions: ConditionEntry[] | Unknown, context: PolicyContext = "bucket"): boolean | Unknown {
    if (conditions === UNKNOWN) {
        return UNKNOWN;
    }
    let sawUnknown = false;
    for (const c of conditions) {
        const kind = PINNING_KEYS.get(c.key);
        if (kind === undefined || (context === "access-point" && DELEGATION_KEYS.includes(c.key))) {
            continue;
        }
        const pins = entryPins(c, kind);
        if (pins === true) {
            return true;
        }
        sawUnknown ||= pins === UNKNOWN;
    }
    return sawUnknown ? UNKNOWN : false;
}

/** Whether one condition entry, on a key of this kind, requires fixed values AWS would check; UNKNOWN when a value is unknown until apply. */
function entryPins(c: ConditionEntry, kind: KeyKind): boolean | Unknown {
    const op = parseOperator(c.operator);
    if (!requiresKey(op) || !(kind === "ip" ? op.base === "ipaddress" : POSITIVE_MATCH.has(op.base)) || c.values.length === 0) {
        return false;
    }
    if (c.values.some((v) => v === UNKNOWN)) {
        return UNKNOWN;
    }
    return c.values.every((v) => typeof v === "string" && valuePins(kind, v, op)) && !(kind === "ip" && coversEveryAddress(c.values as string[]));
}

/**
 * The key AWS's sources disagree on. The S3 User Guide's list of keys whose fixed
 * values make a policy non-public named it up to its last public source snapshot
 * (awsdocs/amazon-s3-userguide, 2023-04-28), and the S3 API model's
 * PublicAccessBlockConfiguration still does as the AWS SDK for .NET documents it
 * ("A fixed value of s3:x-amz-server-side-encryption-aws-kms-key-id"); the current
 * User Guide's list does not (as read for 0.4.0), nor does the model the AWS SDK
 * for JavaScript ships (@aws-sdk/client-s3 3.1169). The key fixes which KMS key an
 * upload asks for (only uploads asking for SSE-KMS carry it), not who uploads:
 * anyone the key's own policy lets encrypt with it may write. So it pins no caller
 * here and a grant narrowed by it alone is public, the safer verdict; since S3
 * itself may judge that grant non-public, Block Public Access may neither refuse
 * nor restrict it, and the no-public-access message says so rather than promise a
 * refusal.
 * https://docs.aws.amazon.com/sdkfornet/v3/apidocs/items/S3/TPublicAccessBlockConfiguration.html
 * https://github.com/awsdocs/amazon-s3-userguide/blob/0009290dee01ae2dd84aa996c8b6756e96a21457/doc_source/access-control-block-public-access.md
 */
const KMS_KEY_ID = "s3:x-amz-server-side-encryption-aws-kms-key-id";

/** Whether a fixed KMS key ID narrows the statement: a pin only by the reading of S3's documentation this pack does not follow (KMS_KEY_ID). */
export function narrowedByKmsKeyId(conditions: ConditionEntry[] | Unknown): boolean {
    return conditions !== UNKNOWN && conditions.some((c) => c.key === KMS_KEY_ID && entryPins(c, "kms-key") === true);
}

/** Whether one condition entry requires this key to equal fixed values (for the trust and grant checks). */
export function requiresFixedValue(c: ConditionEntry, key: string): boolean {
    if (c.key !== key || c.values.length === 0) {
        return false;
    }
    const op = parseOperator(c.operator);
    if (!requiresKey(op) || !POSITIVE_MATCH.has(op.base)) {
        return false;
    }
    const kind = PINNING_KEYS.get(key);
    return c.values.every((v) => typeof v === "string" && (kind === undefined ? v !== "" && !(op.wildcards && /^[*?]*$/.test(v)) : valuePins(kind, v, op)));
}

/** The statement delegates to access points: an Allow pinned by s3:DataAccessPointAccount/Arn. */
export function delegatesToAccessPoints(conditions: ConditionEntry[] | Unknown): boolean {
    return conditions !== UNKNOWN && DELEGATION_KEYS.some((k) => conditions.some((c) => requiresFixedValue(c, k)));
}
