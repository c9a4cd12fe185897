// What a bucket's settings amount to, whether they are declared on a split resource
// (v6 `…V2` or v7 names) or inline on the bucket (legacy `aws:s3/bucket:Bucket`
// singular blocks, `aws:s3/bucketV2:BucketV2` plural lists).
//
// Precedence: a split resource is applied after the bucket exists and overrides
// the inline setting, and in CrossGuard's stack view the bucket's inline values are
// its outputs, which still show what the bucket had before the split resource
// acted. So when split resources exist for a setting they decide; the inline value
// decides only when there is none. When the inline value is unknown and a split
// resource whose bucket is not known yet exists, nothing can be decided.

import { oncePer } from "./once";
import { readDocument, DocumentState } from "./policy-document";
import { BucketEntry, BucketSetting, Res, StackIndex } from "./stack-index";
import { pick, Read, readBool, readList, readObject, readString, required, UNKNOWN, Unknown } from "./values";

export type Form = "split" | "inline";

/** An object resource by its key (or logical name) and the bucket it is written into, for messages. */
export function objectLabel(o: Res, target: ReturnType<StackIndex["resolveBucket"]>): string {
    const key = readString(o.props.key);
    const bucket = target.kind === "bucket" ? target.entry.label : target.kind === "external" ? `bucket "${target.name}"` : "a bucket unknown until apply";
    return `object ${typeof key === "string" ? `"${key}"` : `"${o.name}"`} in ${bucket}`;
}

export function describe(source: Res, form: Form): string {
    const short = shortType(source.type);
    if (source.via) {
        return `${source.via} of ${short} "${source.name}"`;
    }
    return form === "inline" ? `inline on ${short} "${source.name}"` : `${short} "${source.name}"`;
}

// Messages name thousands of resources by a few dozen type tokens: split each once.
const shortTypes = new Map<string, string>();
function shortType(type: string): string {
    let short = shortTypes.get(type);
    if (short === undefined) {
        const last = type.split(":").pop() as string;
        short = type.startsWith("aws-native:") ? `aws-native ${last}` : last;
        shortTypes.set(type, short);
    }
    return short;
}

/** A setting resource may exist for this bucket without our knowing which bucket. */
function maybeElsewhere(index: StackIndex, setting: BucketSetting): Res | undefined {
    return index.unresolved[setting][0];
}

// ---------------------------------------------------------------------------
// Versioning

export type VersioningState =
    { state: "enabled"; source: Res; form: Form } | { state: "not-enabled"; detail: string; source?: Res; form?: Form } | { state: "unknown"; detail: string; source: Res };

/**
 * Object Lock, set when the bucket is created: `objectLockEnabled` (v7 Bucket,
 * BucketV2) or `objectLockConfiguration.objectLockEnabled: "Enabled"` (legacy
 * Bucket, `objectLockConfigurations` on BucketV2). A bucket created with Object
 * Lock has versioning enabled for good: S3 refuses to suspend it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export function objectLockOf(b: BucketEntry): Read<boolean> {
    const flag = readBool(b.res.props.objectLockEnabled);
    if (flag === true) {
        return true;
    }
    const cfg = readObject(pick(b.res.props, "objectLockConfiguration", "objectLockConfigurations"));
    if (cfg === UNKNOWN) {
        return flag === false ? false : UNKNOWN;
    }
    const status = cfg ? readString(cfg.objectLockEnabled) : undefined;
    if (status === UNKNOWN) {
        return UNKNOWN;
    }
    if (status === "Enabled") {
        return true;
    }
    return flag;
}

export function versioningOf(index: StackIndex, b: BucketEntry): VersioningState {
    const lock = objectLockOf(b);
    if (lock === true) {
        return { state: "enabled", source: b.res, form: "inline" };
    }
    const v = splitOrInlineVersioning(index, b);
    if (v.state === "not-enabled" && lock === UNKNOWN) {
        return { state: "unknown", detail: `${v.detail}, and whether it was created with Object Lock (which keeps versioning on) is unknown until apply`, source: b.res };
    }
    return v;
}

function splitOrInlineVersioning(index: StackIndex, b: BucketEntry): VersioningState {
    const splits = b.settings.versioning;
    if (splits.length > 0) {
        let unknownAt: Res | undefined;
        for (const s of splits) {
            const cfg = readObject(s.props.versioningConfiguration);
            const status = cfg === UNKNOWN ? UNKNOWN : required(readString(cfg?.status));
            if (status === UNKNOWN) {
                unknownAt = unknownAt ?? s;
            } else if (status !== "Enabled") {
                return { state: "not-enabled", detail: `status "${status}" on ${describe(s, "split")}`, source: s, form: "split" };
            }
        }
        if (unknownAt) {
            return { state: "unknown", detail: `the versioning status on ${describe(unknownAt, "split")} is unknown until apply`, source: unknownAt };
        }
        return { state: "enabled", source: splits[0], form: "split" };
    }
    const inline = readObject(pick(b.res.props, "versioning", "versionings"));
    const elsewhere = maybeElsewhere(index, "versioning");
    if (inline === UNKNOWN) {
        return elsewhere
            ? { state: "unknown", detail: `${describe(elsewhere, "split")} may configure it once its bucket is known`, source: elsewhere }
            : { state: "unknown", detail: `its inline versioning is unknown until apply`, source: b.res };
    }
    const enabled = inline ? readBool(inline.enabled) : undefined;
    if (enabled === true) {
        return { state: "enabled", source: b.res, form: "inline" };
    }
    if (elsewhere) {
        return { state: "unknown", detail: `${describe(elsewhere, "split")} may configure it once its bucket is known`, source: elsewhere };
    }
    if (enabled === UNKNOWN) {
        return { state: "unknown", detail: `its inline versioning.enabled is unknown until apply`, source: b.res };
    }
    return enabled === false
        ? { state: "not-enabled", detail: `versioning.enabled is false ${describe(b.res, "inline")}`, source: b.res, form: "inline" }
        : { state: "not-enabled", detail: "no versioning is configured" };
}

// ---------------------------------------------------------------------------
// Default encryption

export type EncryptionState =
    | {
          state: "set";
          algorithms: string[];
          kmsKeyIds: Read<string>[];
          bucketKeys: Read<boolean>;
          /** Whether a rule blocks SSE-C uploads (`blockedEncryptionTypes` holds "SSE-C"). */
          blocksSseC: Read<boolean>;
          source: Res;
          form: Form;
      }
    | { state: "absent"; detail: string; source?: Res }
    | { state: "unknown"; detail: string; source: Res };

interface RuleRead {
    algorithms: string[];
    kmsKeyIds: Read<string>[];
    /** S3 Bucket Keys on some rule (true), unknown on one (UNKNOWN), or off. */
    bucketKeys: Read<boolean>;
    blocksSseC: Read<boolean>;
    unknown: boolean;
}

function orBool(a: Read<boolean>, b: Read<boolean>): Read<boolean> {
    if (a === true || b === true) {
        return true;
    }
    if (a === UNKNOWN || b === UNKNOWN) {
        return UNKNOWN;
    }
    return a === false || b === false ? false : undefined;
}

function readEncryptionRules(rules: Read<unknown[]>, defaultKeys: string[]): RuleRead | Unknown {
    if (rules === UNKNOWN) {
        return UNKNOWN;
    }
    const out: RuleRead = { algorithms: [], kmsKeyIds: [], bucketKeys: undefined, blocksSseC: undefined, unknown: false };
    for (const rule of rules ?? []) {
        const r = readObject(rule);
        if (r === UNKNOWN) {
            out.unknown = true;
            continue;
        }
        if (!r) {
            continue;
        }
        const blocked = readList(r.blockedEncryptionTypes);
        out.blocksSseC = orBool(out.blocksSseC, blocked === UNKNOWN ? UNKNOWN : Array.isArray(blocked) ? blocked.some((t) => readString(t) === "SSE-C") : undefined);
        const def = readObject(pick(r, ...defaultKeys));
        if (def === UNKNOWN) {
            out.unknown = true;
            continue;
        }
        if (!def) {
            continue;
        }
        const alg = required(readString(def.sseAlgorithm));
        if (alg === UNKNOWN) {
            out.unknown = true;
            continue;
        }
        out.algorithms.push(alg);
        out.kmsKeyIds.push(readString(def.kmsMasterKeyId));
        out.bucketKeys = orBool(out.bucketKeys, readBool(r.bucketKeyEnabled));
    }
    return out;
}

const DEFAULT_KEYS = ["applyServerSideEncryptionByDefault", "applyServerSideEncryptionByDefaults"];

export function encryptionOf(index: StackIndex, b: BucketEntry): EncryptionState {
    const splits = b.settings.encryption;
    if (splits.length > 0) {
        const algorithms: string[] = [];
        const kmsKeyIds: Read<string>[] = [];
        let bucketKeys: Read<boolean>;
        let blocksSseC: Read<boolean>;
        for (const s of splits) {
            const read = readEncryptionRules(required(readList(s.props.rules)), DEFAULT_KEYS);
            if (read === UNKNOWN || read.unknown) {
                return { state: "unknown", detail: `the rules of ${describe(s, "split")} are unknown until apply`, source: s };
            }
            if (read.algorithms.length === 0) {
                return { state: "absent", detail: `${describe(s, "split")} has no applyServerSideEncryptionByDefault rule`, source: s };
            }
            algorithms.push(...read.algorithms);
            kmsKeyIds.push(...read.kmsKeyIds);
            bucketKeys = orBool(bucketKeys, read.bucketKeys);
            blocksSseC = orBool(blocksSseC, read.blocksSseC);
        }
        return { state: "set", algorithms, kmsKeyIds, bucketKeys, blocksSseC, source: splits[0], form: "split" };
    }
    const elsewhere = maybeElsewhere(index, "encryption");
    const cfg = readObject(pick(b.res.props, "serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations"));
    if (cfg === UNKNOWN) {
        return elsewhere
            ? { state: "unknown", detail: `${describe(elsewhere, "split")} may configure it once its bucket is known`, source: elsewhere }
            : { state: "unknown", detail: "its inline serverSideEncryptionConfiguration is unknown until apply", source: b.res };
    }
    if (cfg) {
        const read = readEncryptionRules(readList(pick(cfg, "rule", "rules")), DEFAULT_KEYS);
        if (read === UNKNOWN || read.unknown) {
            return { state: "unknown", detail: "its inline encryption rule is unknown until apply", source: b.res };
        }
        if (read.algorithms.length > 0) {
            return {
                state: "set",
                algorithms: read.algorithms,
                kmsKeyIds: read.kmsKeyIds,
                bucketKeys: read.bucketKeys,
                blocksSseC: read.blocksSseC,
                source: b.res,
                form: "inline",
            };
        }
    }
    if (elsewhere) {
        return { state: "unknown", detail: `${describe(elsewhere, "split")} may configure it once its bucket is known`, source: elsewhere };
    }
    return { state: "absent", detail: "no default encryption is configured" };
}

export const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/**
 * What a bucket whose state is "absent" (no default algorithm declared) encrypts
 * new objects with: S3 applies SSE-S3 "as the base level of encryption for every
 * bucket" since 5 January 2023, and it cannot be turned off (DeleteBucketEncryption
 * resets a bucket to it). The policies that ask whether a bucket uses SSE-KMS read
 * "absent" as this.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html
 */
export const S3_BASE_ENCRYPTION = "AES256";

// ---------------------------------------------------------------------------
// Object ownership

export type OwnershipState = { state: "set"; value: string; source: Res } | { state: "absent" } | { state: "unknown"; detail: string; source: Res };

export function ownershipOf(index: StackIndex, b: BucketEntry): OwnershipState {
    for (const s of b.settings.ownership) {
        const rule = readObject(s.props.rule);
        const value = rule === UNKNOWN ? UNKNOWN : required(readString(rule?.objectOwnership));
        if (value === UNKNOWN) {
            return { state: "unknown", detail: `the object ownership on ${describe(s, "split")} is unknown until apply`, source: s };
        }
        if (value !== "BucketOwnerEnforced") {
            return { state: "set", value, source: s };
        }
    }
    if (b.settings.ownership.length > 0) {
        return { state: "set", value: "BucketOwnerEnforced", source: b.settings.ownership[0] };
    }
    const elsewhere = maybeElsewhere(index, "ownership");
    if (elsewhere) {
        return { state: "unknown", detail: `${describe(elsewhere, "split")} may configure it once its bucket is known`, source: elsewhere };
    }
    return { state: "absent" };
}

// ---------------------------------------------------------------------------
// Bucket policies

export interface PolicyDoc {
    doc: DocumentState;
    source: Res;
    form: Form;
}

/**
 * Every document that may end up as the bucket's policy. Two BucketPolicy
 * resources on one bucket overwrite each other (whichever applies last wins), so a
 * policy must hold for each of them.
 */
export function bucketPolicyDocs(b: BucketEntry): PolicyDoc[] {
    // Seven policies ask for every bucket's documents: gathered once per bucket entry (one per index), read-only.
    return docsOnce(b);
}

const docsOnce = oncePer(gatherPolicyDocs);

function gatherPolicyDocs(b: BucketEntry): PolicyDoc[] {
    const docs: PolicyDoc[] = b.settings.policy.map((s) => {
        const doc = readDocument(s.props.policy);
        return { doc: doc.state === "absent" ? { state: "unknown" } : doc, source: s, form: "split" as const };
    });
    // Beside a BucketPolicy, the bucket's own `policy` is at best a copy read back
    // from AWS (stack outputs after a refresh) and loses to it on apply.
    if (docs.length === 0) {
        const inline = readDocument(b.res.props.policy);
        if (inline.state !== "absent") {
            docs.push({ doc: inline, source: b.res, form: "inline" });
        }
    }
    return docs;
}

/** Bucket policy documents whose bucket is outside the stack or not known yet. */
export function strayPolicyDocs(index: StackIndex): PolicyDoc[] {
    return [...index.external.policy, ...index.unresolved.policy].map((s) => {
        const doc = readDocument(s.props.policy);
        return { doc: doc.state === "absent" ? { state: "unknown" } : doc, source: s, form: "split" as const };
    });
}

/** Why a bucket without a policy document may still get one: a BucketPolicy whose bucket is not known yet. */
export function policyUnknownDetail(index: StackIndex): string | undefined {
    const elsewhere = maybeElsewhere(index, "policy");
    if (elsewhere) {
        return `${describe(elsewhere, "split")} may be its policy once its bucket is known`;
    }
    return undefined;
}

// ---------------------------------------------------------------------------
// Requester Pays

/**
 * Whether the bucket is a Requester Pays bucket: a BucketRequestPaymentConfiguration
 * with payer "Requester", or the legacy inline `requestPayer` (whose unknown value
 * during preview is the bucket's computed output, not a choice).
 */
export function requesterPaysOf(index: StackIndex, b: BucketEntry): Read<boolean> {
    let result: Read<boolean> = false;
    for (const s of b.settings.requestPayment) {
        const payer = required(readString(s.props.payer));
        if (payer === "Requester") {
            return true;
        }
        if (payer === UNKNOWN) {
            result = UNKNOWN;
        }
    }
    if (b.settings.requestPayment.length > 0) {
        return result;
    }
    if (readString(b.res.props.requestPayer) === "Requester") {
        return true;
    }
    return maybeElsewhere(index, "requestPayment") ? UNKNOWN : false;
}
