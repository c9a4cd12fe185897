/**
 * Stack config: its schema, and the validation that runs before any resource
 * is registered. Every problem names the config key and the fix.
 */
import { z } from "zod";
import { ConfigError, ConfigProblem } from "./errors";
import {
    alertSubscriptionSchema,
    configKey,
    COUNTERPARTS_KEY,
    counterpartSchema,
    CounterpartState,
    didYouMean,
    Encryption,
    ENTRY_FIELDS,
    fixFor,
    fixInFile,
    fullKey,
    HANDOVER_FIELDS,
    PASS_THROUGH_KEYS,
    PassThroughSettings,
    KNOWN_KEYS,
    LEGACY_NAMESPACE,
    NAMESPACE,
    projectVoice,
    quotedAccountIdFix,
    serviceDestinationSchema,
    Side,
    STACK_FILE,
    TOP_LEVEL_KEYS,
    TopLevelKey,
    vendorDropSchema,
} from "./keys";
import { ArrivingEndpoints, EndpointProblem, endpointProblems, HandedOverEndpoints } from "../contract/endpoints";
import { BUCKET_NAMING_RULES_URL, bucketNameBreaks, BucketNameRule, bucketNameSuggestion, parsePrincipalArn, partitionOf, regionProblem, roleNameProblem } from "./rules";
import { elide, quote } from "../input/messages";
import { defaultFileNamePrefix } from "../naming/file-key";

export { COUNTERPART_STATES, COUNTERPARTS_KEY } from "./keys";
export type { CounterpartState, Encryption, Side } from "./keys";

/** How the other side's identifiers reach us: from its stack, or in writing. */
export type CounterpartSource =
    | { kind: "stack"; stack: string }
    /** The handed-over endpoints; each absent until the counterpart hands it over. */
    | ({
          kind: "handover";
          /** The counterpart replicates delete markers, so our ingress admits `s3:ReplicateDelete` (the field's default, false, is applied here). */
          replicatesDeleteMarkers: boolean;
      } & HandedOverEndpoints);

export interface AcceptedHandover {
    fingerprint: string;
    destination: string;
    /** The destination as accepted (written since the check names the changed field; absent from older entries). */
    values?: Partial<HandedOverEndpoints> & { accountId: string };
    /** The sender's party (`from.party`) as accepted: the entry's name must stay it (absent from older entries). */
    party?: string;
}

export interface CounterpartConfig {
    /** The counterpart's party name, as it names itself in its `name` key. */
    name: string;
    /** Where the counterpart is in its life (its default and meaning: COUNTERPART_FIELDS.state in keys.ts). */
    state: CounterpartState;
    /** `{Root}` of the file-naming convention: what replicates, in both directions, lives under `{root}/`. */
    root: string;
    /** `<PREFIX>` of the link's file names: the entry's `fileNamePrefix`, or the partner's name in upper case. */
    fileNamePrefix: string;
    /** This link's encryption: the entry's `encryption`, or the stack's `s3-transfer:encryption`; both sides of a link use the same. */
    encryption: Encryption;
    egressBucketName: string;
    ingressBucketName: string;
    replicationRoleName: string;
    /** The link's S3 Batch Replication role (existing and failed objects), while it is active. */
    batchReplicationRoleName: string;
    /** Region of our two buckets for this counterpart (`aws:region` unless the entry names one). */
    bucketRegion: string;
    source: CounterpartSource;
    /** Set by `accept-handoff`; the program refuses to run while the destination no longer matches it. */
    acceptedHandover?: AcceptedHandover;
    /** The key this entry came from, e.g. `s3-transfer:partners[0]`, for messages. */
    configKey: string;
}

/** A bucket of ours into which a vendor's principal writes directly (no replication). */
export interface VendorDropConfig {
    name: string;
    bucketName: string;
    principalArn: string;
    /** Absent: the whole bucket is the vendor's (its default, dedicated layout). */
    prefix?: string;
    allowDelete: boolean;
    accessConfirmation: boolean;
    /** Where the vendor is in its life (the same states and meaning as a counterpart's: VENDOR_DROP_FIELDS.state in keys.ts). */
    state: CounterpartState;
    configKey: string;
}

/** A bucket of ours that an external data-sync service writes to by assuming a role of ours. */
export interface ServiceDestinationConfig {
    name: string;
    bucketName: string;
    roleName: string;
    servicePrincipalArn: string;
    externalId: string;
    prefix?: string;
    connectionTestPending: boolean;
    /** Where the service is in its life (SERVICE_DESTINATION_FIELDS.state in keys.ts). */
    state: CounterpartState;
    configKey: string;
}

/** Object-level CloudTrail data events: off (default), a trail of ours, or an existing trail to extend by hand. */
export type AuditTrailConfig = { mode: "off" } | { mode: "create"; trailName: string } | { mode: "extend"; trailName: string };

export interface AuditConfig {
    /** One log bucket per region that holds data buckets of this side: S3 logs only within a region. */
    logBucketNames: Record<string, string>;
    logRetentionDays: number;
    trail: AuditTrailConfig;
}

export interface AlertSubscription {
    protocol: "email" | "https";
    endpoint: string;
}

export interface MonitoringConfig {
    /** S3 Replication Time Control: a 15-minute replication target with its own metrics, at extra cost. */
    replicationTimeControl: boolean;
    subscriptions: AlertSubscription[];
    /** One alert topic per region that holds egress buckets (S3 notifies only within a region). */
    topicNames: Record<string, string>;
    /** Every replication alarm's name starts with this, so the topic can admit exactly ours. */
    alarmNamePrefix: string;
}

/** A side's config; the pass-through settings (encryption, expiry, protection, delete markers, trust) are documented in keys.ts. */
export interface SideConfig extends PassThroughSettings {
    side: Side;
    name: string;
    /** `s3-transfer:bucketPrefix`: every bucket name the side derives starts with `<bucketPrefix>-`. */
    bucketPrefix: string;
    /** What this stack's IAM role names start with (`s3-transfer:roleNamePrefix`, the party name by default): unique per account. */
    roleNamePrefix: string;
    accountId: string;
    region: string;
    partition: string;
    counterparts: CounterpartConfig[];
    vendorDrops: VendorDropConfig[];
    serviceDestinations: ServiceDestinationConfig[];
    audit: AuditConfig;
    monitoring: MonitoringConfig;
}

type RawCounterpart = z.infer<typeof counterpartSchema>;

function problem(key: string, message: string, fix = fixFor(key)): ConfigProblem {
    return { key, problem: message, fix };
}

/** Pulumi hands structured config over as JSON text; scalars as plain text. */
function parseStructured(key: string, text: string | undefined, problems: ConfigProblem[]): unknown {
    if (text === undefined) return undefined;
    try {
        return JSON.parse(text);
    } catch {
        problems.push(problem(key, "must be a YAML list of objects in the stack file", `edit ${STACK_FILE} so that ${key} is a list`));
        return undefined;
    }
}

/**
 * One top-level scalar key, read with its entry in the config model: absent,
 * its default (or "is required"); present, its schema's value or its problem.
 */
function readKey<K extends Exclude<TopLevelKey, "partners" | "publishers" | "vendorDrops" | "serviceDestinations" | "alertSubscriptions">>(
    raw: Record<string, string>,
    key: K,
    context: { name: string; stack: string },
    problems: ConfigProblem[],
): ValueOf<K> | undefined {
    const spec = TOP_LEVEL_KEYS.find((s) => s.key === key)!;
    const full = fullKey(key);
    const text = raw[full];
    const fallback = (): ValueOf<K> | undefined => {
        const value = "default" in spec ? spec.default : undefined;
        return (typeof value === "function" ? (value as (c: typeof context) => unknown)(context) : value) as ValueOf<K> | undefined;
    };
    if (text === undefined || (text === "" && "required" in spec)) {
        if ("required" in spec) problems.push(problem(full, "is required"));
        return fallback();
    }
    const parsed = (spec.schema as z.ZodType).safeParse(text, { error: projectVoice });
    if (parsed.success) return parsed.data as ValueOf<K>;
    for (const issue of parsed.error.issues) problems.push(problem(full, issue.message, issueFix(full, issue)));
    return "required" in spec ? (text as ValueOf<K>) : fallback();
}

/** The key's fix: for an account ID that lost a leading zero, the quoted value in the stack file; with a value the rule proposes (`hint`), that value. */
function issueFix(key: string, issue: z.core.$ZodIssue): string {
    const params = issue.code === "custom" ? (issue.params as { quoted?: string; hint?: string } | undefined) : undefined;
    if (params?.quoted) return quotedAccountIdFix(key, params.quoted);
    return fixFor(key, STACK_FILE, params?.hint);
}

type ValueOf<K extends TopLevelKey> = z.output<Extract<(typeof TOP_LEVEL_KEYS)[number], { key: K }>["schema"]>;

/**
 * The keys in the namespace this program used before, as one problem with the
 * rename (run before anything else reads the config: such a stack has none of
 * the keys it needs under their names now).
 */
function legacyKeyProblems(raw: Record<string, string>, file = STACK_FILE): ConfigProblem[] {
    const legacy = Object.keys(raw).filter((key) => key.startsWith(`${LEGACY_NAMESPACE}:`));
    if (!legacy.length) return [];
    const renamed = legacy.map((key) => `${NAMESPACE}:${key.slice(LEGACY_NAMESPACE.length + 1)}`);
    return [
        problem(
            legacy[0],
            `${legacy.length > 1 ? `and ${legacy.length - 1} more key(s) (${legacy.slice(1).join(", ")}) are` : "is"} in the namespace "${LEGACY_NAMESPACE}", which this program no longer reads: its keys now carry the project's name (${renamed.join(", ")}), so that \`pulumi config set side ...\` reaches them and Pulumi.yaml declares them`,
            `rename them in ${file}: sed -E -i.bak 's/^( *)${LEGACY_NAMESPACE}:/\\1${NAMESPACE}:/' ${file}   (GNU and BSD sed; review the diff, then delete ${file}.bak)`,
        ),
    ];
}

/** Unknown keys of our namespace, each with the known key it most likely meant. */
function unknownKeyProblems(raw: Record<string, string>): ConfigProblem[] {
    return Object.keys(raw)
        .filter((key) => key.startsWith(`${NAMESPACE}:`) && !KNOWN_KEYS.includes(key))
        .map((key) => {
            const meant = didYouMean(key, KNOWN_KEYS);
            return meant
                ? problem(
                      key,
                      `is not a setting of this program; did you mean ${meant}?`,
                      `pulumi config rm ${key} && pulumi config set ${meant} <value>   (its value moves to ${meant})`,
                  )
                : problem(key, "is not a setting of this program", `pulumi config rm ${elide(key)}   (known keys: ${KNOWN_KEYS.join(", ")})`);
        });
}

/** A field an entry does not have: the field it most likely meant (its value moves there), or the fields it has. */
function unknownFieldProblem(key: string, field: string, known: string[], noun: string): ConfigProblem {
    const meant = didYouMean(field, known);
    const entry = key.slice(0, key.length - field.length - 1);
    const [shown, at] = [elide(field), elide(key)];
    return meant
        ? problem(
              key,
              `is not a field of a ${noun} entry; did you mean ${meant}?`,
              `rename ${shown} to ${meant} in ${STACK_FILE} (or: pulumi config rm --path '${at}' && pulumi config set --path '${entry}.${meant}' <value>)`,
          )
        : problem(
              key,
              `is not a field of a ${noun} entry (its fields: ${known.join(", ")})`,
              `remove ${shown} from ${entry} in ${STACK_FILE} (or: pulumi config rm --path '${at}')`,
          );
}

function zodPath(base: string, path: PropertyKey[]): string {
    return path.reduce<string>((key, part) => (typeof part === "number" ? `${key}[${part}]` : `${key}.${String(part)}`), base);
}

/** What a tool needs of this side before its counterparts are complete (accept-handoff): its own keys, by the same rules. */
export interface OwnSideConfig {
    side: Side;
    name: string;
    accountId: string;
    region: string;
    encryption: SideConfig["encryption"];
}

/**
 * This side's own keys (side, name, account, region, encryption), checked as
 * parseSideConfig checks them, without its counterparts, which may still wait
 * for the hand-over being accepted.
 */
export function parseOwnSide(raw: Record<string, string>, stack: string, file = `Pulumi.${stack}.yaml`): OwnSideConfig {
    refuseLegacyKeys(raw, file);
    const problems: ConfigProblem[] = [];
    const { side, name, context, accountId, region } = readOwnKeys(raw, stack, problems);
    const encryption = readKey(raw, "encryption", context, problems)!;
    if (problems.length) throw inFile(problems, file, stack);
    return { side: side!, name, accountId, region, encryption };
}

/** Old-namespace keys stop everything else: such a stack has none of its keys under their names now. */
export function refuseLegacyKeys(raw: Record<string, string>, file: string): void {
    const legacy = legacyKeyProblems(raw, file);
    if (legacy.length) throw new ConfigError(legacy);
}

/** This side's identity keys, read the same way by parseSideConfig and parseOwnSide. */
function readOwnKeys(raw: Record<string, string>, stack: string, problems: ConfigProblem[]) {
    const sideText = readKey(raw, "side", { name: "", stack }, problems);
    const side: Side | undefined = sideText === "publisher" || sideText === "partner" ? sideText : undefined;
    const name = readKey(raw, "name", { name: "", stack }, problems) ?? "";
    const context = { name, stack };
    const accountId = readKey(raw, "accountId", context, problems) ?? "";
    const region = readKey(raw, "aws:region", context, problems) ?? "";
    return { side, name, context, accountId, region };
}

/** The problems as one ConfigError, each fix pointed at the file the config was read from. */
function inFile(problems: ConfigProblem[], file: string, stack: string): ConfigError {
    return new ConfigError(problems.map((p) => ({ ...p, fix: fixInFile(p.fix, file, stack) })));
}

/**
 * Validates the whole stack config (as `pulumi.runtime.allConfig()` returns it)
 * and returns the typed config, or throws one ConfigError listing every problem.
 * `file` is where the config was read from, for the fixes: the stack's own
 * Pulumi.<stack>.yaml unless a tool read another (--config).
 */
export function parseSideConfig(raw: Record<string, string>, stack: string, file = `Pulumi.${stack}.yaml`): SideConfig {
    const problems: ConfigProblem[] = [];

    refuseLegacyKeys(raw, file);
    problems.push(...unknownKeyProblems(raw));

    const { side, name, context, accountId, region } = readOwnKeys(raw, stack, problems);
    const bucketPrefix = readKey(raw, "bucketPrefix", context, problems)!;
    const roleNamePrefix = readKey(raw, "roleNamePrefix", context, problems)!;
    const settings = Object.fromEntries(
        PASS_THROUGH_KEYS.map((key) => [key, readKey(raw, key, context, problems)]).filter(([, value]) => value !== undefined),
    ) as PassThroughSettings;

    const replicationTimeControl = readKey(raw, "replicationTimeControl", context, problems)!;
    const subscriptions = parseList(raw, configKey("alertSubscriptions"), alertSubscriptionSchema, { min: 0, noun: "subscription", stack }, problems) ?? [];
    const logRetentionDays = readKey(raw, "logRetentionDays", context, problems)!;
    const trail = parseAuditTrail(raw, context, problems);

    const counterparts: CounterpartConfig[] = [];
    const vendorDrops: VendorDropConfig[] = [];
    const serviceDestinations: ServiceDestinationConfig[] = [];
    /** The bucket names derived from bucketPrefix rather than written, checked once their prefix is (checkDerivedBuckets). */
    const derived: DerivedBucket[] = [];
    const refused: ReadonlySet<string> = new Set(problems.map((p) => p.key));
    if (side) {
        const own: OwnSide = { side, name, accountId, region, bucketPrefix, roleNamePrefix, encryption: settings.encryption, refused };
        const listKey = COUNTERPARTS_KEY[side];
        const otherKey = COUNTERPARTS_KEY[side === "publisher" ? "partner" : "publisher"];
        if (raw[otherKey] !== undefined) {
            problems.push(problem(otherKey, `is for the other side; a ${side} lists its counterparts in ${listKey}`, `move the entries to ${listKey}`));
        }
        // A side may exist only for vendors or services, but it must exchange with someone.
        const hasDirectAccess = raw[configKey("vendorDrops")] !== undefined || raw[configKey("serviceDestinations")] !== undefined;
        const noun = `${side === "publisher" ? "partner" : "publisher"} (or a ${configKey("vendorDrops")} / ${configKey("serviceDestinations")} entry)`;
        parseList(raw, listKey, counterpartSchema, { min: hasDirectAccess ? 0 : 1, noun, entry: side === "publisher" ? "partner" : "publisher", stack }, problems)?.forEach(
            (entry, index) => {
                const counterpart = resolveCounterpart(entry, `${listKey}[${index}]`, own, problems);
                if (!counterpart) return;
                counterparts.push(counterpart);
                if (entry.egressBucketName === undefined) derived.push({ bucket: counterpart.egressBucketName, key: counterpart.configKey, field: "egressBucketName" });
                if (entry.ingressBucketName === undefined) derived.push({ bucket: counterpart.ingressBucketName, key: counterpart.configKey, field: "ingressBucketName" });
            },
        );
        parseList(raw, configKey("vendorDrops"), vendorDropSchema, { min: 0, noun: "vendor drop", stack }, problems)?.forEach((entry, index) => {
            vendorDrops.push({
                name: entry.name,
                bucketName: entry.bucketName ?? `${bucketPrefix}-${entry.name}-drop`,
                principalArn: entry.principalArn,
                // A dedicated bucket unless the vendor lets the customer choose a path.
                ...(entry.prefix !== undefined ? { prefix: entry.prefix } : {}),
                allowDelete: entry.allowDelete,
                accessConfirmation: entry.accessConfirmation,
                state: entry.state,
                configKey: `${configKey("vendorDrops")}[${index}]`,
            });
            if (entry.bucketName === undefined)
                derived.push({ bucket: vendorDrops[vendorDrops.length - 1].bucketName, key: `${configKey("vendorDrops")}[${index}]`, field: "bucketName" });
        });
        parseList(raw, configKey("serviceDestinations"), serviceDestinationSchema, { min: 0, noun: "service destination", stack }, problems)?.forEach((entry, index) => {
            serviceDestinations.push({
                name: entry.name,
                bucketName: entry.bucketName ?? `${bucketPrefix}-${entry.name}-sync`,
                roleName: `${roleNamePrefix}-${entry.name}-sync-writer`,
                servicePrincipalArn: entry.servicePrincipalArn,
                externalId: entry.externalId,
                prefix: entry.prefix,
                connectionTestPending: entry.connectionTestPending,
                state: entry.state,
                configKey: `${configKey("serviceDestinations")}[${index}]`,
            });
            if (entry.bucketName === undefined) {
                derived.push({ bucket: serviceDestinations[serviceDestinations.length - 1].bucketName, key: `${configKey("serviceDestinations")}[${index}]`, field: "bucketName" });
            }
        });
    }
    const regions = [...new Set([region, ...counterparts.map((c) => c.bucketRegion)])];
    const logBucketNames = Object.fromEntries(regions.map((r) => [r, `${bucketPrefix}-logs-${r}`]));
    if (side) {
        const prefix: PrefixSource = { value: bucketPrefix, given: raw[configKey("bucketPrefix")] !== undefined, refused };
        const logBuckets = Object.values(logBucketNames).map((bucket) => ({ bucket, key: configKey("bucketPrefix") }));
        checkDerivedBuckets(prefix, [...logBuckets, ...derived], problems);
        checkUnique(counterparts, vendorDrops, serviceDestinations, Object.values(logBucketNames), refused, problems);
    }
    if (side && region && !regionProblem(region)) checkDirectPartitions(vendorDrops, serviceDestinations, region, problems);

    if (problems.length) throw inFile(problems, file, stack);
    return {
        side: side!,
        name,
        bucketPrefix,
        roleNamePrefix,
        accountId,
        region,
        partition: partitionOf(region),
        ...settings,
        counterparts,
        vendorDrops,
        serviceDestinations,
        audit: { logBucketNames, logRetentionDays, trail },
        monitoring: {
            replicationTimeControl,
            subscriptions,
            topicNames: Object.fromEntries(regions.map((r) => [r, `${bucketPrefix}-replication-alerts-${r}`])),
            alarmNamePrefix: `${bucketPrefix}-replication-`,
        },
    };
}

function parseAuditTrail(raw: Record<string, string>, context: { name: string; stack: string }, problems: ConfigProblem[]): AuditTrailConfig {
    const mode = readKey(raw, "auditTrail", context, problems) ?? "off";
    const given = raw[configKey("auditTrailName")] !== undefined;
    const trailName = readKey(raw, "auditTrailName", context, problems)!;
    if (mode === "off") return { mode };
    if (mode === "create") return { mode, trailName };
    if (!given) problems.push(problem(configKey("auditTrailName"), `is required when ${configKey("auditTrail")} is extend: name the existing trail`));
    return { mode, trailName: given ? trailName : "" };
}

/** Parses one list-valued key with its schema; reports every issue under its full path. */
function parseList<S extends z.ZodObject>(
    raw: Record<string, string>,
    listKey: string,
    schema: S,
    /** `noun`: what the list holds, for "must list at least one"; `entry`: what one entry is, when it says it shorter. */
    opts: { min: number; noun: string; entry?: string; stack: string },
    problems: ConfigProblem[],
): z.infer<S>[] | undefined {
    const before = problems.length;
    const list = parseStructured(listKey, raw[listKey], problems);
    // A value that is not a list at all is one problem, not also "must list at least one".
    if (problems.length > before) return undefined;
    const parsed = z
        .array(schema)
        .min(opts.min)
        .safeParse(list ?? [], { error: projectVoice });
    if (parsed.success) return parsed.data;
    const known = Object.keys(ENTRY_FIELDS[listKey] ?? schema.shape);
    for (const issue of parsed.error.issues) {
        const key = zodPath(listKey, issue.path);
        if (issue.code === "unrecognized_keys") {
            // Each unknown field is its own problem, at the field: the fix renames or removes that field, not the entry.
            for (const field of issue.keys) problems.push(unknownFieldProblem(`${key}.${field}`, field, known, opts.entry ?? opts.noun));
        } else if (issue.code === "too_small" && issue.path.length === 0) {
            problems.push(problem(key, `must list at least one ${opts.noun}`, `add an entry to ${listKey} in ${STACK_FILE}`));
        } else {
            problems.push(problem(key, issue.message, issueFix(key, issue)));
        }
    }
    return undefined;
}

interface OwnSide {
    side: Side;
    name: string;
    accountId: string;
    region: string;
    bucketPrefix: string;
    roleNamePrefix: string;
    /** The stack's encryption: the default of each link's. */
    encryption: Encryption;
    /** This side's keys whose value was refused: the rules that compare a counterpart with them are not run, so one bad value is one problem. */
    refused: ReadonlySet<string>;
}

/** The own-side key each endpoint rule compares the counterpart's value with (the link's encryption: the stack's, unless the entry sets one). */
const RULE_DEPENDS_ON: Partial<Record<EndpointProblem["rule"], string>> = {
    "own-account": configKey("accountId"),
    partition: "aws:region",
    "key-region": "aws:region",
    encryption: configKey("encryption"),
    "missing-key": configKey("encryption"),
};

function resolveCounterpart(entry: RawCounterpart, key: string, own: OwnSide, problems: ConfigProblem[]): CounterpartConfig | undefined {
    const before = problems.length;
    if (entry.name === own.name) {
        problems.push(
            problem(`${key}.name`, `names this side itself ("${own.name}"); a side cannot be its own counterpart`, `set ${key}.name to the other party's ${configKey("name")}`),
        );
    }
    const encryption = entry.encryption ?? own.encryption;
    const handoverFields = HANDOVER_FIELDS.filter((f) => entry[f] !== undefined);
    let source: CounterpartSource | undefined;
    if (entry.stack !== undefined) {
        if (handoverFields.length) {
            problems.push(
                problem(
                    `${key}.stack`,
                    `is set together with ${handoverFields.join(", ")}; the stack reference supplies those`,
                    `remove either ${key}.stack or the handed-over fields`,
                ),
            );
        }
        source = { kind: "stack", stack: entry.stack };
    } else if (entry.accountId === undefined) {
        problems.push(problem(`${key}.accountId`, "is required when no stack reference is given (the counterpart hands it over in writing)", fixFor(`${key}.accountId`)));
    } else {
        source = {
            kind: "handover",
            accountId: entry.accountId,
            region: entry.region,
            ingressBucketArn: entry.ingressBucketArn,
            replicationRoleArn: entry.replicationRoleArn,
            ingressKmsKeyArn: entry.ingressKmsKeyArn,
            // The one place the field's default applies (a stack entry must not carry the field, so zod leaves it absent).
            replicatesDeleteMarkers: entry.replicatesDeleteMarkers ?? false,
        };
        checkHandover(source, key, entry.name, { ...own, encryption, encryptionSet: entry.encryption !== undefined }, problems);
    }

    const bucketPrefix = `${own.bucketPrefix}-${entry.name}`;
    const egressBucketName = entry.egressBucketName ?? `${bucketPrefix}-egress`;
    const ingressBucketName = entry.ingressBucketName ?? `${bucketPrefix}-ingress`;
    const replicationRoleName = `${own.roleNamePrefix}-to-${entry.name}-replication`;
    // Shorter than the replication role's name, so it fits wherever that one does.
    const batchReplicationRoleName = `${own.roleNamePrefix}-to-${entry.name}-batch`;
    // Derived from our role-name prefix (our name by default): a refused prefix is said once, at its own key.
    const roleProblem = own.refused.has(configKey("name")) || own.refused.has(configKey("roleNamePrefix")) ? undefined : roleNameProblem(replicationRoleName);
    if (roleProblem) problems.push(problem(`${key}.name`, roleProblem, `use shorter party names, or a shorter ${configKey("roleNamePrefix")}`));

    if (problems.length > before || !source) return undefined;
    const publisherName = own.side === "publisher" ? own.name : entry.name;
    return {
        name: entry.name,
        state: entry.state,
        root: entry.root ?? publisherName,
        fileNamePrefix: entry.fileNamePrefix ?? defaultFileNamePrefix(own.side === "publisher" ? entry.name : own.name),
        encryption,
        egressBucketName,
        ingressBucketName,
        replicationRoleName,
        batchReplicationRoleName,
        bucketRegion: entry.bucketRegion ?? own.region,
        source,
        ...(entry.acceptedHandover ? { acceptedHandover: entry.acceptedHandover } : {}),
        configKey: key,
    };
}

/**
 * A counterpart's endpoints written in config meet the one rule set of
 * `endpointProblems`, as a stack output or a hand-over file does; here each
 * problem is named by its config key, with the `pulumi config` that fixes it.
 */
function checkHandover(
    source: Extract<CounterpartSource, { kind: "handover" }>,
    key: string,
    counterpart: string,
    /** This side, with the link's encryption, and whether the entry set it (else it is the stack's). */
    own: OwnSide & { encryptionSet: boolean },
    problems: ConfigProblem[],
): void {
    const { kind: _kind, replicatesDeleteMarkers: _markers, ...endpoints } = source;
    // A handed-over key says their ingress is SSE-KMS; no key yet says nothing (config fills in as values arrive).
    const arriving: ArrivingEndpoints = { ...endpoints, ...(endpoints.ingressKmsKeyArn ? { encryption: "SSE-KMS" as const } : {}) };
    const partition = partitionOf(own.region);
    for (const found of endpointProblems(arriving, { accountId: own.accountId, partition, encryption: own.encryption })) {
        const dependsOn = RULE_DEPENDS_ON[found.rule];
        if (dependsOn && !(dependsOn === configKey("encryption") && own.encryptionSet) && own.refused.has(dependsOn)) continue;
        problems.push(handoverProblem(found, key, counterpart, partition));
    }
}

/** One endpoint problem as a config problem: the key it is about, and the fix for the rule it breaks. */
function handoverProblem({ field, rule, problem: message }: EndpointProblem, key: string, counterpart: string, partition: string): ConfigProblem {
    const fieldKey = `${key}.${field === "encryption" ? "ingressKmsKeyArn" : field}`;
    const set = `pulumi config set --path '${fieldKey}' <${field === "region" ? "region" : field === "accountId" ? "account-id" : "arn"}>`;
    switch (rule) {
        case "shape":
        case "own-account":
            return problem(fieldKey, message);
        case "partition":
            return problem(fieldKey, message, `ask ${counterpart} for the ${field} of its account in ${partition}, then: ${set}`);
        case "encryption":
            return problem(
                fieldKey,
                `says ${counterpart}'s ingress bucket ${message}`,
                `make this link SSE-KMS as theirs is: pulumi config set --path '${key}.encryption' SSE-KMS   (only this link changes; or, if they use SSE-S3, remove the key: pulumi config rm --path '${fieldKey}')`,
            );
        case "missing-key":
            return problem(
                fieldKey,
                message,
                `ask ${counterpart} for the KMS key of their ingress bucket, then: ${set}   (or leave ${key}.ingressBucketArn out until the key comes, and replication waits)`,
            );
        case "owner":
        case "key-region":
            return problem(fieldKey, message, `check ${key}.accountId, ${key}.region and ${fieldKey} against what ${counterpart} handed over, then: ${set}`);
        case "stand-in":
            return problem(fieldKey, message, `ask ${counterpart} for the hand-over of their deployed stack (after their pulumi up), and accept it with npm run accept-handoff`);
    }
}

/** A vendor's or service's principal must be in the stack's partition: a policy cannot name a principal of another. */
function checkDirectPartitions(vendors: VendorDropConfig[], services: ServiceDestinationConfig[], region: string, problems: ConfigProblem[]): void {
    const partition = partitionOf(region);
    const principals = [
        ...vendors.map((v) => [`${v.configKey}.principalArn`, v.principalArn] as const),
        ...services.map((s) => [`${s.configKey}.servicePrincipalArn`, s.servicePrincipalArn] as const),
    ];
    for (const [key, arn] of principals) {
        const parsed = parsePrincipalArn(arn);
        if (typeof parsed !== "string" && parsed.partition !== partition) {
            problems.push(
                problem(
                    key,
                    `is in partition ${parsed.partition}, but this stack's region ${region} is in ${partition}; IAM cannot cross partitions`,
                    `ask the vendor for its principal in ${partition} (arn:${partition}:iam::...), then: pulumi config set --path '${key}' <arn>`,
                ),
            );
        }
    }
}

/** A bucket name derived from bucketPrefix, and where it would be written instead (`field` of the entry at `key`; none for a log bucket). */
interface DerivedBucket {
    bucket: string;
    key: string;
    field?: string;
}

/** bucketPrefix as config decided it: written (`given`), or its default from the name and stack; `refused` are the keys already refused. */
interface PrefixSource {
    value: string;
    given: boolean;
    refused: ReadonlySet<string>;
}

/** The naming rules a prefix decides for every name derived from it. */
const PREFIX_RULES: ReadonlySet<BucketNameRule> = new Set<BucketNameRule>(["uppercase", "characters", "start", "dots", "adjacent-dots", "reserved-prefix"]);

/** The shortest name a derived bucket could have, for checking what the prefix alone decides. */
const asDerived = (prefix: string) => `${prefix}-x`;

/**
 * The bucket names derived from bucketPrefix, each problem once, at its cause:
 * a prefix that breaks a naming rule is one problem at bucketPrefix (none when
 * it is the default and s3-transfer:name was refused already); a prefix so long
 * that a log bucket's name is too long is one problem at bucketPrefix; an entry
 * whose derived names are too long is one problem at the entry.
 */
function checkDerivedBuckets(prefix: PrefixSource, derived: DerivedBucket[], problems: ConfigProblem[]): void {
    const key = configKey("bucketPrefix");
    if (!prefix.given && prefix.refused.has(configKey("name"))) return;
    const subject = prefix.given ? quote(prefix.value) : `is not set, so it is <name>-<stack>, ${quote(prefix.value)}, which`;
    const breaks = bucketNameBreaks(asDerived(prefix.value), { allowDots: false }).filter((b) => PREFIX_RULES.has(b.rule));
    if (breaks.length) {
        const suggestion = bucketNameSuggestion(prefix.value, { allowDots: false });
        const fits = suggestion !== undefined && !bucketNameBreaks(asDerived(suggestion), { allowDots: false }).some((b) => PREFIX_RULES.has(b.rule));
        problems.push(
            problem(
                key,
                `${subject} ${breaks.map((b) => b.problem).join("; ")}; it starts every bucket name this stack derives (${BUCKET_NAMING_RULES_URL})`,
                `pulumi config set ${key} ${fits ? suggestion : "<lower-case letters, digits and hyphens, starting with a letter or digit>"}`,
            ),
        );
        return;
    }
    const tooLong = derived.filter((d) => d.bucket.length > 63);
    if (!tooLong.length) return;
    const longestTail = derived.reduce((longest, d) => Math.max(longest, d.bucket.length - prefix.value.length), 0);
    const shorten = 63 - longestTail >= 1 ? `shorten ${key} to at most ${63 - longestTail} characters (pulumi config set ${key} <shorter prefix>)` : `shorten ${key}`;
    const lengths = (names: DerivedBucket[]) =>
        names
            .slice(0, 3)
            .map((d) => `${quote(d.bucket)} (${d.bucket.length.toLocaleString("en-US")})`)
            .join(", ");
    const logs = tooLong.filter((d) => d.field === undefined);
    if (logs.length) {
        // Only the prefix shortens a log bucket's name; shortening it shortens every derived name.
        problems.push(problem(key, `${subject} makes bucket names longer than S3's 63 characters: ${lengths(logs)}`, shorten));
        return;
    }
    const byEntry = new Map<string, DerivedBucket[]>();
    for (const d of tooLong) byEntry.set(d.key, (byEntry.get(d.key) ?? []).concat(d));
    for (const [entryKey, names] of byEntry) {
        const fields = names.map((d) => `${entryKey}.${d.field}`).join(" and ");
        problems.push(
            problem(
                entryKey,
                `derives bucket names longer than S3's 63 characters from ${key} and its name: ${lengths(names)}`,
                `set ${fields} to names of at most 63 characters, or ${shorten}`,
            ),
        );
    }
}

/** Names and bucket names must be unique across counterparts, vendor drops and service destinations. */
function checkUnique(
    counterparts: CounterpartConfig[],
    vendors: VendorDropConfig[],
    services: ServiceDestinationConfig[],
    logBuckets: string[],
    refused: ReadonlySet<string>,
    problems: ConfigProblem[],
): void {
    const seenNames = new Map<string, string>();
    const seenBuckets = new Map<string, string>();
    const entries = [
        ...counterparts.map((c) => ({ name: c.name, configKey: c.configKey, buckets: [c.egressBucketName, c.ingressBucketName] })),
        ...vendors.map((v) => ({ name: v.name, configKey: v.configKey, buckets: [v.bucketName] })),
        ...services.map((s) => ({ name: s.name, configKey: s.configKey, buckets: [s.bucketName] })),
    ];
    const logEntries = logBuckets.map((bucket) => ({ configKey: `${configKey("bucketPrefix")} (log bucket)`, buckets: [bucket] }));
    for (const entry of entries) {
        const earlier = seenNames.get(entry.name);
        if (earlier) problems.push(problem(`${entry.configKey}.name`, `${quote(entry.name)} is listed twice (also at ${earlier})`, `remove one of the two entries or rename one`));
        else seenNames.set(entry.name, entry.configKey);
    }
    for (const entry of [...entries, ...logEntries]) {
        for (const bucket of entry.buckets) {
            const other = seenBuckets.get(bucket);
            if (other) problems.push(problem(`${entry.configKey}`, `bucket name ${quote(bucket)} is also used by ${other}`, "give each entry its own bucket names"));
            else seenBuckets.set(bucket, entry.configKey);
        }
    }
    // The service roles are named after us too: a refused name is said once, at s3-transfer:name.
    if (refused.has(configKey("name"))) return;
    for (const service of services) {
        const roleProblem = roleNameProblem(service.roleName);
        if (roleProblem) problems.push(problem(`${service.configKey}.name`, roleProblem, "use shorter names"));
    }
}

/**
 * A warning for each account that more than one counterpart names: not an
 * error, since one company may run two parties (two business units, a
 * pre-production and a production party), but worth a look, since an entry
 * copied from another keeps the wrong account. By counterpart config key.
 */
export function sameAccountWarnings(counterparts: readonly { name: string; configKey: string; accountId: string }[]): Map<string, string> {
    const byAccount = new Map<string, { name: string; configKey: string }[]>();
    for (const c of counterparts) {
        if (!c.accountId) continue;
        const sharing = byAccount.get(c.accountId);
        if (sharing) sharing.push(c);
        else byAccount.set(c.accountId, [c]);
    }
    const warnings = new Map<string, string>();
    for (const [accountId, [first, ...later]] of byAccount) {
        if (!later.length) continue;
        // Said once per account, at the second entry that names it; a long list of the others is counted, not printed.
        const named = later.slice(0, 5).map((c) => `${c.name} (${c.configKey})`);
        const others =
            later.length > named.length
                ? `${named.join(", ")} and ${(later.length - named.length).toLocaleString("en-US")} more are`
                : `${named.join(", ")} ${later.length === 1 ? "is" : "are"}`;
        warnings.set(
            later[0].configKey,
            `${later[0].configKey}.accountId: ${others} in account ${accountId}, as ${first.name} (${first.configKey}) is: fine when one company runs these parties; otherwise correct the entry that names the wrong account`,
        );
    }
    return warnings;
}

/** The stack references a config names, as written (a bare `<stack>` or `<organization>/<project>/<stack>`). */
export function referencedStacks(config: SideConfig): string[] {
    return config.counterparts.flatMap((c) => (c.source.kind === "stack" ? [c.source.stack] : []));
}
