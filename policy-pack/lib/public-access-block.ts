// Block Public Access as S3 applies it: the most restrictive combination of the
// settings of the bucket owner's account, the bucket and, for a request through an
// access point or Multi-Region Access Point, that access point and its owner's
// account. A flag holds when any level that applies sets it.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/multi-region-access-point-block-public-access.html
//
// Within one level, two resources that set the same block overwrite each other
// (two BucketPublicAccessBlocks on one bucket, two AccountPublicAccessBlocks for one
// account): the program ends with one of them, not the better, so a flag holds at
// that level only when every one of them sets it. An account-level block covers the
// resources of its own account only (lib/accounts.ts): one written through a
// provider for another account covers nothing here.

import { describe } from "./bucket-settings";
import { Account, relation } from "./accounts";
import type { Tri } from "./deny-coverage";
import { BucketEntry, Res, StackIndex } from "./stack-index";
import { readBool, readObject, UNKNOWN } from "./values";

export const PAB_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
export type Flag = (typeof PAB_FLAGS)[number];
export type Flags = Record<Flag, Tri>;

/** One level's settings: what its block resources leave each flag at, and which resources they are. */
export interface Level {
    flags: Flags;
    sources: Res[];
    /** Why a flag is unknown, when one is. */
    pending?: string;
}

const allFlags = (v: Tri): Flags => ({ blockPublicAcls: v, blockPublicPolicy: v, ignorePublicAcls: v, restrictPublicBuckets: v });

/**
 * The flags of one block: `defaultOn` for access points and Multi-Region Access
 * Points in the classic provider, whose omitted flags default to true; a bucket's
 * or account's omitted flag is false (the S3 API's default).
 */
function readFlags(get: (flag: Flag) => unknown, defaultOn: boolean): Flags {
    const out = allFlags(false);
    for (const flag of PAB_FLAGS) {
        const v = readBool(get(flag));
        out[flag] = v === undefined ? defaultOn : v;
    }
    return out;
}

/** Several blocks of one level, each of which may be the one that lands: a flag holds only if it holds in all. */
function overwriting(blocks: { flags: Flags; source: Res }[], pending?: string): Level | undefined {
    if (blocks.length === 0) {
        return undefined;
    }
    const flags = allFlags(true);
    for (const b of blocks) {
        for (const flag of PAB_FLAGS) {
            const v = b.flags[flag];
            if (v === false || flags[flag] === false) {
                flags[flag] = false;
            } else if (v === UNKNOWN) {
                flags[flag] = UNKNOWN;
            }
        }
    }
    const unknownAt = blocks.find((b) => PAB_FLAGS.some((f) => b.flags[f] === UNKNOWN));
    return { flags, sources: blocks.map((b) => b.source), pending: pending ?? (unknownAt ? `${describe(unknownAt.source, "split")} is unknown until apply` : undefined) };
}

/** The bucket's own level: its BucketPublicAccessBlock(s), or an aws-native bucket's publicAccessBlockConfiguration. */
export function bucketLevel(index: StackIndex, b: BucketEntry): Level | undefined {
    const own = overwriting(b.settings.publicAccessBlock.map((r) => ({ flags: readFlags((f) => r.props[f], false), source: r })));
    if (own) {
        return own;
    }
    const elsewhere = index.unresolved.publicAccessBlock[0];
    return elsewhere ? { flags: allFlags(UNKNOWN), sources: [], pending: `${describe(elsewhere, "split")} may configure it once its bucket is known` } : undefined;
}

export interface AccountLevel extends Level {
    account: Account;
}

/** Account-level blocks of the program for this account, and those that cover nothing here (with why). */
export function accountLevel(index: StackIndex, account: Account): { level?: AccountLevel; elsewhere: string[] } {
    if (index.accountPublicAccessBlocks.length === 0) {
        return { elsewhere: [] };
    }
    const same: { flags: Flags; source: Res }[] = [];
    const elsewhere: string[] = [];
    let pending: string | undefined;
    for (const a of index.accountPublicAccessBlocks) {
        const theirs = index.accountOf(a, "accountId");
        const rel = relation(theirs, account);
        if (rel === "same") {
            same.push({ flags: readFlags((f) => a.props[f], false), source: a });
        } else if (rel === "unknown") {
            pending = pending ?? `whether ${describe(a, "split")} is for ${account.label} is unknown until apply`;
        } else {
            elsewhere.push(
                `${describe(a, "split")} is for ${theirs.label}${rel === "unproven" ? `, which the program does not show to be ${account.label}` : ""}, so it covers nothing here`,
            );
        }
    }
    const level = overwriting(same);
    if (level === undefined && pending !== undefined) {
        return { level: { flags: allFlags(UNKNOWN), sources: [], pending, account }, elsewhere };
    }
    return { level: level ? { ...level, pending: level.pending ?? pending, account } : undefined, elsewhere };
}

/** Flags held by any of the levels. */
export function combine(...levels: (Level | undefined)[]): Flags {
    const out = allFlags(false);
    for (const flag of PAB_FLAGS) {
        let v: Tri = false;
        for (const l of levels) {
            const f = l?.flags[flag];
            if (f === true) {
                v = true;
                break;
            }
            if (f === UNKNOWN) {
                v = UNKNOWN;
            }
        }
        out[flag] = v;
    }
    return out;
}

export interface BucketBlock {
    bucket?: Level;
    account?: AccountLevel;
    /** Account-level blocks that do not apply to this bucket, for messages. */
    elsewhere: string[];
    effective: Flags;
}

/** The Block Public Access that applies to a bucket: its own, and its account's when accepted. */
export function bucketBlock(index: StackIndex, b: BucketEntry, acceptAccountLevel: boolean): BucketBlock {
    const bucket = bucketLevel(index, b);
    const { level: account, elsewhere } =
        acceptAccountLevel && index.accountPublicAccessBlocks.length > 0 ? accountLevel(index, index.accountOf(b.res)) : { level: undefined, elsewhere: [] };
    return { bucket, account, elsewhere, effective: combine(bucket, account) };
}

/**
 * An access point's or Multi-Region Access Point's own block. The classic provider
 * defaults each flag to true; an aws-native configuration that is given sends what
 * it says, and a block left out entirely is AWS's default (all four on).
 */
export function accessPointLevel(r: Res, config: unknown): Level {
    const cfg = readObject(config);
    if (cfg === UNKNOWN) {
        return { flags: allFlags(UNKNOWN), sources: [r], pending: `the Block Public Access settings of ${describe(r, "split")} are unknown until apply` };
    }
    if (cfg === undefined) {
        return { flags: allFlags(true), sources: [r] };
    }
    return overwriting([{ flags: readFlags((f) => cfg[f], !r.type.startsWith("aws-native:")), source: r }]) as Level;
}

/** Flags that are off (or, with `orUnknown`, not known to be on). */
export function missing(flags: Flags, orUnknown = false): Flag[] {
    return PAB_FLAGS.filter((f) => flags[f] === false || (orUnknown && flags[f] === UNKNOWN));
}
