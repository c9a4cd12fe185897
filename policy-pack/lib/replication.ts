// Replication configurations in one shape, from the split BucketReplicationConfig
// and from the legacy inline blocks (`replicationConfiguration` on
// aws:s3/bucket:Bucket, `replicationConfigurations` lists on aws:s3/bucketV2:BucketV2).

import { describe, Form } from "./bucket-settings";
import { Decision, undecided } from "./policy-kit";
import { oncePer } from "./once";
import { BucketEntry, Res, StackIndex } from "./stack-index";
import { accountOfArn, isUnknown, pick, Read, readBool, readList, readObject, readString, required, UNKNOWN, Unknown } from "./values";

export interface ReplicationRule {
    index: number;
    label: string;
    status: Read<string>;
    destinationBucket: Read<string>;
    destinationAccount: Read<string>;
    owner: Read<string>;
    replicaKmsKeyId: Read<string>;
    /** Whether the rule selects SSE-KMS encrypted objects. */
    sseKmsObjects: Read<boolean>;
    /** Whether the rule replicates delete markers (V2 `deleteMarkerReplication.status`, legacy `deleteMarkerReplicationStatus`). */
    deleteMarkers: Read<boolean>;
    /**
     * The key prefix the rule replicates ("" for every object): V2 `filter.prefix`
     * or `filter.and.prefix`, legacy `prefix`.
     */
    prefix: Read<string>;
    /** Whether the rule has a `filter` (the V2 schema), and whether it selects by tag (`filter.tag`, `filter.and.tags`). */
    filter: "none" | "prefix" | "tag" | Unknown;
    /** Whether the rule carries a `deleteMarkerReplication` element (V2) at all. */
    deleteMarkerElement: boolean;
    /** S3 Replication Time Control (`destination.replicationTime.status` Enabled). */
    replicationTime: Read<boolean>;
    /** Whether `destination.metrics` is given. */
    metrics: Read<boolean>;
}

export interface ReplicationConfig {
    /** The resource that declares it: the BucketReplicationConfig or the bucket itself. */
    declaredOn: Res;
    form: Form;
    /** The source bucket, when it is in this stack. */
    bucket?: BucketEntry;
    /** Where the source bucket is: in this stack, named but elsewhere, or not known yet. */
    source: "in-stack" | "external" | "unresolved";
    /** How messages name the source bucket. */
    bucketLabel: string;
    role: Read<string>;
    rules: ReplicationRule[] | Unknown;
    /** URNs the `rules` input was computed from (to find a destination whose name is unknown). */
    ruleDependencies: string[];
    /** The account the replication role lives in, read from the role ARN. */
    sourceAccount?: string;
}

function readRules(rawRules: Read<unknown[]>, legacy: boolean): ReplicationRule[] | Unknown {
    if (rawRules === UNKNOWN) {
        return UNKNOWN;
    }
    return (rawRules ?? []).map((raw, index): ReplicationRule => {
        const r = readObject(raw);
        if (r === UNKNOWN || r === undefined) {
            return {
                index,
                label: `rule #${index + 1}`,
                status: UNKNOWN,
                destinationBucket: UNKNOWN,
                destinationAccount: UNKNOWN,
                owner: UNKNOWN,
                replicaKmsKeyId: UNKNOWN,
                sseKmsObjects: UNKNOWN,
                deleteMarkers: UNKNOWN,
                prefix: UNKNOWN,
                filter: UNKNOWN,
                deleteMarkerElement: true,
                replicationTime: UNKNOWN,
                metrics: UNKNOWN,
            };
        }
        const id = readString(r.id);
        const dest = readObject(pick(r, "destination", "destinations"));
        const d = dest === UNKNOWN || dest === undefined ? undefined : dest;
        const unknownDest = dest === UNKNOWN ? UNKNOWN : undefined;
        const act = d ? readObject(pick(d, "accessControlTranslation", "accessControlTranslations")) : unknownDest;
        const enc = d ? readObject(d.encryptionConfiguration) : unknownDest;
        const ssc = readObject(pick(r, "sourceSelectionCriteria", "sourceSelectionCriterias"));
        const sse = ssc === UNKNOWN ? UNKNOWN : ssc ? readObject(ssc.sseKmsEncryptedObjects) : undefined;
        let sseKmsObjects: Read<boolean>;
        if (sse === UNKNOWN) {
            sseKmsObjects = UNKNOWN;
        } else if (sse === undefined) {
            sseKmsObjects = undefined;
        } else if (sse.status !== undefined) {
            const st = readString(sse.status);
            sseKmsObjects = st === UNKNOWN ? UNKNOWN : st === "Enabled";
        } else {
            sseKmsObjects = readBool(sse.enabled);
        }
        const dmr = readObject(pick(r, "deleteMarkerReplication", "deleteMarkerReplications"));
        const dmStatus = dmr === UNKNOWN ? UNKNOWN : dmr ? readString(dmr.status) : readString(r.deleteMarkerReplicationStatus);
        const deleteMarkers: Read<boolean> = dmStatus === UNKNOWN ? UNKNOWN : dmStatus === undefined ? undefined : dmStatus === "Enabled";
        const fromEnc = enc === UNKNOWN ? UNKNOWN : enc ? readString(enc.replicaKmsKeyId) : undefined;
        const fromDest = d ? readString(d.replicaKmsKeyId) : unknownDest;
        const filter = readObject(pick(r, "filter", "filters"));
        const and = filter && filter !== UNKNOWN ? readObject(pick(filter, "and", "ands")) : undefined;
        const prefix: Read<string> =
            filter === UNKNOWN || and === UNKNOWN
                ? UNKNOWN
                : filter
                  ? (readString(filter.prefix) ?? (and ? readString(and.prefix) : undefined) ?? "")
                  : (readString(r.prefix) ?? "");
        const rtc = d ? readObject(d.replicationTime) : unknownDest;
        const rtcStatus = rtc === UNKNOWN ? UNKNOWN : rtc ? readString(rtc.status) : undefined;
        const metrics = d ? d.metrics : unknownDest;
        return {
            index,
            label: typeof id === "string" ? `rule "${id}"` : `rule #${index + 1}`,
            filter: filterKind(filter, and),
            deleteMarkerElement: dmr !== undefined || r.deleteMarkerReplicationStatus !== undefined,
            replicationTime: rtcStatus === UNKNOWN ? UNKNOWN : rtcStatus === undefined ? undefined : rtcStatus === "Enabled",
            metrics: isUnknown(metrics) ? UNKNOWN : metrics !== undefined && metrics !== null,
            status: readString(r.status),
            destinationBucket: d ? required(readString(d.bucket)) : UNKNOWN,
            destinationAccount: d ? readString(pick(d, legacy ? "accountId" : "account", legacy ? "account" : "accountId")) : unknownDest,
            owner: act === UNKNOWN ? UNKNOWN : act ? required(readString(act.owner)) : undefined,
            replicaKmsKeyId: fromEnc !== undefined ? fromEnc : fromDest,
            sseKmsObjects,
            deleteMarkers,
            prefix,
        };
    });
}

/** What a rule's filter selects by: nothing (V1 schema), a prefix only, or tags (`tag`, `and.tags`). */
function filterKind(filter: Read<Record<string, unknown>>, and: Read<Record<string, unknown>>): ReplicationRule["filter"] {
    if (filter === UNKNOWN) {
        return UNKNOWN;
    }
    if (filter === undefined) {
        return "none";
    }
    const tags = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
    if (isUnknown(filter.tag) || (and !== undefined && (and === UNKNOWN || isUnknown(and.tags)))) {
        return UNKNOWN;
    }
    return tags(filter.tag) || tags(pick(filter, "tags")) || (and !== undefined && tags(and.tags)) ? "tag" : "prefix";
}

function withAccount(cfg: Omit<ReplicationConfig, "sourceAccount">): ReplicationConfig {
    const role = cfg.role;
    return { ...cfg, sourceAccount: typeof role === "string" ? accountOfArn(role) : undefined };
}

/**
 * Every replication configuration in the stack: split resources (with or without a
 * known bucket) and inline blocks. `inlineUnknown` lists buckets whose inline
 * replication is unknown (typically a computed output during preview).
 */
export function replicationConfigs(index: StackIndex): { configs: ReplicationConfig[]; inlineUnknown: BucketEntry[] } {
    // Six policies read them: computed once per index, read-only from then on.
    return configsOnce(index);
}

const configsOnce = oncePer(readReplicationConfigs);

function readReplicationConfigs(index: StackIndex): { configs: ReplicationConfig[]; inlineUnknown: BucketEntry[] } {
    const configs: ReplicationConfig[] = [];
    const inlineUnknown: BucketEntry[] = [];
    const split = (r: Res, bucket: BucketEntry | undefined, source: ReplicationConfig["source"]) => {
        const ref = readString(r.props.bucket);
        configs.push(
            withAccount({
                declaredOn: r,
                form: "split",
                bucket,
                source,
                bucketLabel: bucket ? bucket.label : typeof ref === "string" ? `bucket "${ref}"` : `the bucket of ${describe(r, "split")} (unknown until apply)`,
                role: required(readString(r.props.role)),
                rules: readRules(required(readList(r.props.rules)), false),
                ruleDependencies: r.propertyDependencies.rules ?? [],
            }),
        );
    };
    for (const b of index.buckets) {
        for (const r of b.settings.replication) {
            split(r, b, "in-stack");
        }
        // A BucketReplicationConfig replaces whatever the bucket's inline block says
        // (which, in stack outputs after a refresh, is a copy of it).
        if (b.settings.replication.length > 0) {
            continue;
        }
        const raw = pick(b.res.props, "replicationConfiguration", "replicationConfigurations");
        const inline = readObject(raw);
        if (inline === UNKNOWN) {
            inlineUnknown.push(b);
        } else if (inline) {
            configs.push(
                withAccount({
                    declaredOn: b.res,
                    form: "inline",
                    bucket: b,
                    source: "in-stack",
                    bucketLabel: b.label,
                    role: required(readString(inline.role)),
                    rules: readRules(required(readList(inline.rules)), true),
                    ruleDependencies: b.res.propertyDependencies.replicationConfiguration ?? b.res.propertyDependencies.replicationConfigurations ?? [],
                }),
            );
        }
    }
    for (const r of index.external.replication) {
        split(r, undefined, "external");
    }
    for (const r of index.unresolved.replication) {
        split(r, undefined, "unresolved");
    }
    return { configs, inlineUnknown };
}

/**
 * The destination bucket of a rule when it is in this stack: by name/ARN, or, when
 * the ARN is unknown, by the one bucket (other than the source) the rules were
 * computed from.
 */
export function destinationInStack(index: StackIndex, cfg: ReplicationConfig, rule: ReplicationRule): BucketEntry | undefined {
    const c = destinationCandidates(index, cfg, rule);
    return c.length === 1 ? c[0] : undefined;
}

/**
 * The buckets of this stack a rule's destination may be: the one it names, or,
 * while its ARN is unknown, every bucket other than the source that the rules
 * were computed from (their property dependencies). Several rules whose
 * destinations are all unknown share those candidates; a verdict that holds for
 * every candidate holds for the rule.
 */
export function destinationCandidates(index: StackIndex, cfg: ReplicationConfig, rule: ReplicationRule): BucketEntry[] {
    if (typeof rule.destinationBucket === "string") {
        const b = index.bucketByRef(rule.destinationBucket);
        return b ? [b] : [];
    }
    return index.bucketsAmong(cfg.ruleDependencies).filter((b) => b !== cfg.bucket);
}

/**
 * A decision per rule of every replication configuration, from `judge`; a
 * configuration whose rules are unknown until apply is undecided as a whole, and
 * with `enabledOnly`, a Disabled rule (which replicates nothing) is skipped.
 */
export function judgeEachRule(index: StackIndex, judge: (cfg: ReplicationConfig, rule: ReplicationRule) => Decision[], options: { enabledOnly: boolean }): Decision[] {
    const out: Decision[] = [];
    for (const cfg of replicationConfigs(index).configs) {
        if (cfg.rules === UNKNOWN) {
            out.push(undecided(cfg.declaredOn.urn, `The rules of the replication of ${cfg.bucketLabel} (${describe(cfg.declaredOn, cfg.form)}) are unknown until apply.`));
            continue;
        }
        for (const rule of cfg.rules) {
            if (!options.enabledOnly || rule.status !== "Disabled") {
                out.push(...judge(cfg, rule));
            }
        }
    }
    return out;
}
