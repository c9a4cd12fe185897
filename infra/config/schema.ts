/**
 * Stack config: its schema, and the validation that runs before any resource
 * is registered. Every problem names the config key and the fix.
 */
import { z } from "zod";
import { ConfigError, ConfigProblem } from "./errors";
import {
    accountIdProblem,
    bucketNameProblem,
    externalIdProblem,
    parseBucketArn,
    parseKmsKeyArn,
    parsePrincipalArn,
    parseRoleArn,
    partitionOf,
    partyNameProblem,
    regionProblem,
    roleNameProblem,
    rootPrefixProblem,
    stackNameProblem,
} from "./rules";
import { fingerprintProblem } from "../handoff/fingerprint";

export type Side = "publisher" | "partner";
export type Encryption = "SSE-S3" | "SSE-KMS";

/** How the other side's identifiers reach us: from its stack, or in writing. */
export type CounterpartSource =
    | { kind: "stack"; stack: string }
    | {
          kind: "handover";
          accountId: string;
          region?: string;
          /** Where our egress replicates to; absent until the counterpart hands it over. */
          ingressBucketArn?: string;
          /** The role the counterpart replicates into our ingress with; absent until handed over. */
          replicationRoleArn?: string;
          /** The KMS key of the counterpart's ingress bucket, which our SSE-KMS replicas are encrypted with. */
          ingressKmsKeyArn?: string;
          /** The counterpart replicates delete markers, so our ingress admits `s3:ReplicateDelete`. Default: false. */
          replicatesDeleteMarkers?: boolean;
      };

/**
 * Where a counterpart is in its life. `active`: files flow both ways.
 * `offboarding`: every grant to the counterpart is revoked and replication to
 * it stops at the next `pulumi up`, while both buckets keep every protection
 * and stay protected. `retired`: as offboarding, and `protect` is lifted from
 * the link's resources (retainOnDelete stays), so that the entry can then be
 * removed from config: the buckets, their settings and the key stay in AWS.
 */
export const COUNTERPART_STATES = ["active", "offboarding", "retired"] as const;
export type CounterpartState = (typeof COUNTERPART_STATES)[number];

/** The last hand-over accepted with `accept-handoff`: its fingerprint, and that of the destination it set. */
export interface AcceptedHandover {
    fingerprint: string;
    destination: string;
}

export interface CounterpartConfig {
    /** The counterpart's party name, as it names itself in `transfer:name`. */
    name: string;
    /** Default: active. */
    state: CounterpartState;
    /** `{Root}` of the file-naming convention: what replicates, in both directions, lives under `{root}/`. */
    root: string;
    egressBucketName: string;
    ingressBucketName: string;
    replicationRoleName: string;
    /** Region of our two buckets for this counterpart. Default: `aws:region`. */
    bucketRegion: string;
    source: CounterpartSource;
    /** Set by `accept-handoff`; `pulumi preview` warns when the destination no longer matches it. */
    acceptedHandover?: AcceptedHandover;
    /** The key this entry came from, e.g. `transfer:partners[0]`, for messages. */
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

export interface SideConfig {
    side: Side;
    name: string;
    accountId: string;
    region: string;
    partition: string;
    encryption: Encryption;
    noncurrentVersionExpirationDays: number;
    /** Current objects expire after this many days; absent: never. */
    expirationDays?: number;
    deleteMarkerReplication: boolean;
    protectBuckets: boolean;
    /**
     * Pin the replication role's trust to `aws:SourceAccount`/`aws:SourceArn`.
     * Default false: AWS documents an unconditioned trust of s3.amazonaws.com
     * for live replication and does not say S3 sends those keys when it assumes
     * the role; if it does not, nothing replicates. Opt in only after the
     * pre-production canary has passed with it.
     */
    replicationTrustConditions: boolean;
    counterparts: CounterpartConfig[];
    vendorDrops: VendorDropConfig[];
    serviceDestinations: ServiceDestinationConfig[];
    audit: AuditConfig;
    monitoring: MonitoringConfig;
}

/** The config key that lists a side's counterparts. */
export const COUNTERPARTS_KEY: Record<Side, string> = {
    publisher: "transfer:partners",
    partner: "transfer:publishers",
};

const KNOWN_KEYS = [
    "transfer:side",
    "transfer:name",
    "transfer:accountId",
    "transfer:bucketPrefix",
    "transfer:noncurrentVersionExpirationDays",
    "transfer:deleteMarkerReplication",
    "transfer:protectBuckets",
    "transfer:replicationTrustConditions",
    "transfer:encryption",
    "transfer:expirationDays",
    "transfer:partners",
    "transfer:publishers",
    "transfer:vendorDrops",
    "transfer:serviceDestinations",
    "transfer:logRetentionDays",
    "transfer:auditTrail",
    "transfer:auditTrailName",
    "transfer:replicationTimeControl",
    "transfer:alertSubscriptions",
];

const checked = (problemOf: (v: string) => string | undefined) =>
    z.string().superRefine((value, ctx) => {
        const problem = problemOf(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

const arnChecked = (parse: (v: string) => object | string) => checked((v) => {
    const parsed = parse(v);
    return typeof parsed === "string" ? parsed : undefined;
});

const ownBucketName = checked((v) => bucketNameProblem(v, { allowDots: false }));

const alertSubscriptionSchema = z.strictObject({
    protocol: z.enum(["email", "https"]),
    endpoint: z.string(),
}).superRefine((value, ctx) => {
    const ok = value.protocol === "email" ? /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value.endpoint) : /^https:\/\/[^\s/]+/.test(value.endpoint);
    if (!ok) ctx.addIssue({ code: "custom", path: ["endpoint"], message: `must be ${value.protocol === "email" ? "an e-mail address" : "an https:// URL (plain http would carry alerts unencrypted)"}, got "${value.endpoint}"` });
});

const counterpartSchema = z.strictObject({
    name: checked(partyNameProblem),
    stack: checked(stackNameProblem).optional(),
    accountId: checked(accountIdProblem).optional(),
    region: checked(regionProblem).optional(),
    ingressBucketArn: arnChecked(parseBucketArn).optional(),
    replicationRoleArn: arnChecked(parseRoleArn).optional(),
    ingressKmsKeyArn: arnChecked(parseKmsKeyArn).optional(),
    replicatesDeleteMarkers: z.boolean().optional(),
    acceptedHandover: z.strictObject({ fingerprint: checked(fingerprintProblem), destination: checked(fingerprintProblem) }).optional(),
    root: checked(rootPrefixProblem).optional(),
    bucketRegion: checked(regionProblem).optional(),
    egressBucketName: ownBucketName.optional(),
    ingressBucketName: ownBucketName.optional(),
    state: z.enum(COUNTERPART_STATES, { message: `must be one of ${COUNTERPART_STATES.join(", ")}` }).optional(),
});

type RawCounterpart = z.infer<typeof counterpartSchema>;

const vendorDropSchema = z.strictObject({
    name: checked(partyNameProblem),
    principalArn: arnChecked(parsePrincipalArn),
    prefix: checked(rootPrefixProblem).optional(),
    bucketName: ownBucketName.optional(),
    allowDelete: z.boolean().optional(),
    accessConfirmation: z.boolean().optional(),
});

const serviceDestinationSchema = z.strictObject({
    name: checked(partyNameProblem),
    servicePrincipalArn: arnChecked(parsePrincipalArn),
    externalId: checked(externalIdProblem),
    prefix: checked(rootPrefixProblem).optional(),
    bucketName: ownBucketName.optional(),
    connectionTestPending: z.boolean().optional(),
});

const FIXES: Record<string, string> = {
    "transfer:side": "pulumi config set transfer:side publisher   (or partner)",
    "transfer:name": "pulumi config set transfer:name <your-party-name>   (lowercase, e.g. acme-bank)",
    "transfer:accountId": "pulumi config set transfer:accountId <12-digit ID of the account this stack deploys to>",
    "aws:region": "pulumi config set aws:region <region, e.g. us-east-1>",
    "transfer:bucketPrefix": "pulumi config set transfer:bucketPrefix <lowercase prefix without dots>",
    "transfer:noncurrentVersionExpirationDays": "pulumi config set transfer:noncurrentVersionExpirationDays <whole days from 1 to 3650>",
    "transfer:deleteMarkerReplication": "pulumi config set transfer:deleteMarkerReplication false   (or true)",
    "transfer:protectBuckets": "pulumi config set transfer:protectBuckets true   (or false for a disposable test stack)",
    "transfer:replicationTrustConditions": "pulumi config set transfer:replicationTrustConditions false   (true only once the pre-production canary has passed with it)",
    "transfer:logRetentionDays": "pulumi config set transfer:logRetentionDays <whole days from 1 to 3650, e.g. 365>",
    "transfer:auditTrail": "pulumi config set transfer:auditTrail off   (or create, or extend with transfer:auditTrailName)",
    "transfer:auditTrailName": "pulumi config set transfer:auditTrailName <trail name: 3-128 letters, digits, ._->",
};

function fixFor(key: string): string {
    if (FIXES[key]) return FIXES[key];
    const leaf = key.split(".").pop() ?? key;
    const hints: Record<string, string> = {
        accountId: "the counterpart's 12-digit AWS account ID",
        region: "the counterpart's AWS region",
        ingressBucketArn: "arn:aws:s3:::<their-ingress-bucket>",
        replicationRoleArn: "arn:aws:iam::<their-account>:role/<their-replication-role>",
        stack: "<the counterpart's stack of this project, e.g. partner-prod>",
        state: "offboarding   (then retired, then remove the entry; see docs/deploy.md)",
        ingressKmsKeyArn: "arn:aws:kms:<region>:<their-account>:key/<key-id>",
        principalArn: "arn:aws:iam::<vendor-account>:role/<vendor-role>",
        servicePrincipalArn: "arn:aws:iam::<service-account>:role/<service-role>",
        externalId: "<the external ID the service shows you>",
        endpoint: "<e-mail address or https:// URL>",
        root: "<root prefix agreed with the counterpart, e.g. acme-bank>",
        name: "<the counterpart's party name, as in its transfer:name>",
    };
    return `pulumi config set --path '${key}' ${hints[leaf] ?? "<value>"}`;
}

function problem(key: string, message: string, fix = fixFor(key)): ConfigProblem {
    return { key, problem: message, fix };
}

/** Pulumi hands structured config over as JSON text; scalars as plain text. */
function parseStructured(key: string, text: string | undefined, problems: ConfigProblem[]): unknown {
    if (text === undefined) return undefined;
    try {
        return JSON.parse(text);
    } catch {
        problems.push(problem(key, "must be a YAML list of objects in the stack file", `edit Pulumi.<stack>.yaml so that ${key} is a list`));
        return undefined;
    }
}

function parseBoolean(key: string, text: string | undefined, fallback: boolean, problems: ConfigProblem[]): boolean {
    if (text === undefined) return fallback;
    if (text === "true" || text === "false") return text === "true";
    problems.push(problem(key, `must be true or false, got "${text}"`));
    return fallback;
}

function parseDays(key: string, text: string | undefined, fallback: number, problems: ConfigProblem[]): number {
    if (text === undefined) return fallback;
    const days = Number(text);
    if (Number.isInteger(days) && days >= 1 && days <= 3650) return days;
    problems.push(problem(key, `must be a whole number of days from 1 to 3650, got "${text}"`));
    return fallback;
}

function requireScalar(raw: Record<string, string>, key: string, problemOf: (v: string) => string | undefined, problems: ConfigProblem[]): string {
    const value = raw[key];
    if (value === undefined || value === "") {
        problems.push(problem(key, "is required"));
        return "";
    }
    const found = problemOf(value);
    if (found) problems.push(problem(key, found));
    return value;
}

function zodPath(base: string, path: PropertyKey[]): string {
    return path.reduce<string>((key, part) => (typeof part === "number" ? `${key}[${part}]` : `${key}.${String(part)}`), base);
}

/**
 * Validates the whole stack config (as `pulumi.runtime.allConfig()` returns it)
 * and returns the typed config, or throws one ConfigError listing every problem.
 */
export function parseSideConfig(raw: Record<string, string>, stack: string): SideConfig {
    const problems: ConfigProblem[] = [];

    for (const key of Object.keys(raw)) {
        if (key.startsWith("transfer:") && !KNOWN_KEYS.includes(key)) {
            problems.push(problem(key, "is not a setting of this program", `pulumi config rm ${key}   (known keys: ${KNOWN_KEYS.join(", ")})`));
        }
    }

    const sideText = raw["transfer:side"];
    const side: Side | undefined = sideText === "publisher" || sideText === "partner" ? sideText : undefined;
    if (!side) problems.push(problem("transfer:side", sideText === undefined ? "is required" : `must be publisher or partner, got "${sideText}"`));

    const name = requireScalar(raw, "transfer:name", partyNameProblem, problems);
    const accountId = requireScalar(raw, "transfer:accountId", accountIdProblem, problems);
    const region = requireScalar(raw, "aws:region", regionProblem, problems);
    const bucketPrefix = raw["transfer:bucketPrefix"] ?? `${name}-${stack}`;
    const noncurrentVersionExpirationDays = parseDays("transfer:noncurrentVersionExpirationDays", raw["transfer:noncurrentVersionExpirationDays"], 30, problems);
    const deleteMarkerReplication = parseBoolean("transfer:deleteMarkerReplication", raw["transfer:deleteMarkerReplication"], false, problems);
    const protectBuckets = parseBoolean("transfer:protectBuckets", raw["transfer:protectBuckets"], true, problems);
    const replicationTrustConditions = parseBoolean("transfer:replicationTrustConditions", raw["transfer:replicationTrustConditions"], false, problems);

    const encryptionText = raw["transfer:encryption"] ?? "SSE-S3";
    const encryption: Encryption = encryptionText === "SSE-KMS" ? "SSE-KMS" : "SSE-S3";
    if (encryptionText !== "SSE-S3" && encryptionText !== "SSE-KMS") {
        problems.push(problem("transfer:encryption", `must be SSE-S3 or SSE-KMS, got "${encryptionText}"`, "pulumi config set transfer:encryption SSE-KMS   (or SSE-S3)"));
    }
    const expirationDays = raw["transfer:expirationDays"] === undefined ? undefined : parseDays("transfer:expirationDays", raw["transfer:expirationDays"], 0, problems);

    const replicationTimeControl = parseBoolean("transfer:replicationTimeControl", raw["transfer:replicationTimeControl"], false, problems);
    const subscriptions = parseList(raw, "transfer:alertSubscriptions", alertSubscriptionSchema, { min: 0, noun: "subscription", stack }, problems) ?? [];
    const logRetentionDays = parseDays("transfer:logRetentionDays", raw["transfer:logRetentionDays"], 365, problems);
    const trail = parseAuditTrail(raw, name, problems);

    const counterparts: CounterpartConfig[] = [];
    const vendorDrops: VendorDropConfig[] = [];
    const serviceDestinations: ServiceDestinationConfig[] = [];
    if (side) {
        const own: OwnSide = { side, name, accountId, region, bucketPrefix };
        const listKey = COUNTERPARTS_KEY[side];
        const otherKey = COUNTERPARTS_KEY[side === "publisher" ? "partner" : "publisher"];
        if (raw[otherKey] !== undefined) {
            problems.push(problem(otherKey, `is for the other side; a ${side} lists its counterparts in ${listKey}`, `move the entries to ${listKey}`));
        }
        // A side may exist only for vendors or services, but it must exchange with someone.
        const hasDirectAccess = raw["transfer:vendorDrops"] !== undefined || raw["transfer:serviceDestinations"] !== undefined;
        const noun = `${side === "publisher" ? "partner" : "publisher"} (or a transfer:vendorDrops / transfer:serviceDestinations entry)`;
        parseList(raw, listKey, counterpartSchema, { min: hasDirectAccess ? 0 : 1, noun, stack }, problems)?.forEach((entry, index) => {
            const counterpart = resolveCounterpart(entry, `${listKey}[${index}]`, own, problems);
            if (counterpart) counterparts.push(counterpart);
        });
        parseList(raw, "transfer:vendorDrops", vendorDropSchema, { min: 0, noun: "vendor drop", stack }, problems)?.forEach((entry, index) => {
            vendorDrops.push({
                name: entry.name,
                bucketName: entry.bucketName ?? `${bucketPrefix}-${entry.name}-drop`,
                principalArn: entry.principalArn,
                // A dedicated bucket unless the vendor lets the customer choose a path.
                ...(entry.prefix !== undefined ? { prefix: entry.prefix } : {}),
                allowDelete: entry.allowDelete ?? true,
                accessConfirmation: entry.accessConfirmation ?? true,
                configKey: `transfer:vendorDrops[${index}]`,
            });
        });
        parseList(raw, "transfer:serviceDestinations", serviceDestinationSchema, { min: 0, noun: "service destination", stack }, problems)?.forEach((entry, index) => {
            serviceDestinations.push({
                name: entry.name,
                bucketName: entry.bucketName ?? `${bucketPrefix}-${entry.name}-sync`,
                roleName: `${name}-${entry.name}-sync-writer`,
                servicePrincipalArn: entry.servicePrincipalArn,
                externalId: entry.externalId,
                prefix: entry.prefix,
                // The service's first connection test deletes its artifact: pending until it has passed.
                connectionTestPending: entry.connectionTestPending ?? true,
                configKey: `transfer:serviceDestinations[${index}]`,
            });
        });
    }
    const regions = [...new Set([region, ...counterparts.map((c) => c.bucketRegion)])];
    const logBucketNames = Object.fromEntries(regions.map((r) => [r, `${bucketPrefix}-logs-${r}`]));
    if (side) checkUnique(counterparts, vendorDrops, serviceDestinations, Object.values(logBucketNames), problems);
    if (side && region && !regionProblem(region)) checkDirectPartitions(vendorDrops, serviceDestinations, region, problems);

    if (problems.length) throw new ConfigError(problems);
    return {
        side: side!,
        name,
        accountId,
        region,
        partition: partitionOf(region),
        encryption,
        noncurrentVersionExpirationDays,
        ...(expirationDays ? { expirationDays } : {}),
        deleteMarkerReplication,
        protectBuckets,
        replicationTrustConditions,
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

function parseAuditTrail(raw: Record<string, string>, name: string, problems: ConfigProblem[]): AuditTrailConfig {
    const mode = raw["transfer:auditTrail"] ?? "off";
    const trailName = raw["transfer:auditTrailName"];
    if (trailName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(trailName)) {
        problems.push(problem("transfer:auditTrailName", `must be 3 to 128 letters, digits, dots, underscores or hyphens, starting with a letter or digit, got "${trailName}"`));
    }
    if (mode === "off") return { mode };
    if (mode === "create") return { mode, trailName: trailName ?? `${name}-transfer-data-events` };
    if (mode === "extend") {
        if (trailName === undefined) problems.push(problem("transfer:auditTrailName", "is required when transfer:auditTrail is extend: name the existing trail"));
        return { mode, trailName: trailName ?? "" };
    }
    problems.push(problem("transfer:auditTrail", `must be off, create or extend, got "${mode}"`));
    return { mode: "off" };
}

/** Parses one list-valued key with its schema; reports every issue under its full path. */
function parseList<S extends z.ZodObject>(
    raw: Record<string, string>,
    listKey: string,
    schema: S,
    opts: { min: number; noun: string; stack: string },
    problems: ConfigProblem[],
): z.infer<S>[] | undefined {
    const list = parseStructured(listKey, raw[listKey], problems);
    const parsed = z.array(schema).min(opts.min).safeParse(list ?? []);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
        const key = zodPath(listKey, issue.path);
        const message = issue.code === "too_small"
            ? `must list at least one ${opts.noun}`
            : issue.code === "unrecognized_keys"
              ? `has unknown field(s) ${issue.keys.join(", ")}; known fields: ${Object.keys(schema.shape).join(", ")}`
              : issue.message;
        problems.push(problem(key, message, issue.code === "too_small" ? `add an entry to ${listKey} in Pulumi.${opts.stack}.yaml` : fixFor(key)));
    }
    return undefined;
}

interface OwnSide {
    side: Side;
    name: string;
    accountId: string;
    region: string;
    bucketPrefix: string;
}

function resolveCounterpart(entry: RawCounterpart, key: string, own: OwnSide, problems: ConfigProblem[]): CounterpartConfig | undefined {
    const before = problems.length;
    if (entry.name === own.name) {
        problems.push(problem(`${key}.name`, `names this side itself ("${own.name}"); a side cannot be its own counterpart`, `set ${key}.name to the other party's transfer:name`));
    }
    const handoverFields = (["accountId", "region", "ingressBucketArn", "replicationRoleArn", "ingressKmsKeyArn", "replicatesDeleteMarkers"] as const).filter((f) => entry[f] !== undefined);
    let source: CounterpartSource | undefined;
    if (entry.stack !== undefined) {
        if (handoverFields.length) {
            problems.push(problem(`${key}.stack`, `is set together with ${handoverFields.join(", ")}; the stack reference supplies those`, `remove either ${key}.stack or the handed-over fields`));
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
            ...(entry.replicatesDeleteMarkers !== undefined ? { replicatesDeleteMarkers: entry.replicatesDeleteMarkers } : {}),
        };
        checkHandover(source, key, own, problems);
    }

    const bucketPrefix = `${own.bucketPrefix}-${entry.name}`;
    const egressBucketName = entry.egressBucketName ?? `${bucketPrefix}-egress`;
    const ingressBucketName = entry.ingressBucketName ?? `${bucketPrefix}-ingress`;
    const replicationRoleName = `${own.name}-to-${entry.name}-replication`;
    const roleProblem = roleNameProblem(replicationRoleName);
    if (roleProblem) problems.push(problem(`${key}.name`, roleProblem, "use shorter party names"));

    if (problems.length > before || !source) return undefined;
    const publisherName = own.side === "publisher" ? own.name : entry.name;
    return {
        name: entry.name,
        state: entry.state ?? "active",
        root: entry.root ?? publisherName,
        egressBucketName,
        ingressBucketName,
        replicationRoleName,
        bucketRegion: entry.bucketRegion ?? own.region,
        source,
        ...(entry.acceptedHandover ? { acceptedHandover: entry.acceptedHandover } : {}),
        configKey: key,
    };
}

function checkHandover(source: Extract<CounterpartSource, { kind: "handover" }>, key: string, own: OwnSide, problems: ConfigProblem[]): void {
    if (source.accountId === own.accountId) {
        problems.push(problem(`${key}.accountId`, `is this side's own account (${own.accountId}); replication here is cross-account`, fixFor(`${key}.accountId`)));
    }
    const partition = partitionOf(own.region);
    if (source.ingressBucketArn) {
        const arn = parseBucketArn(source.ingressBucketArn);
        if (typeof arn !== "string" && arn.partition !== partition) {
            problems.push(problem(`${key}.ingressBucketArn`, `is in partition ${arn.partition}, but this stack's region ${own.region} is in ${partition}; replication cannot cross partitions`, fixFor(`${key}.ingressBucketArn`)));
        }
    }
    const owners: [string, { accountId: string; partition: string } | string | undefined][] = [
        ["replicationRoleArn", source.replicationRoleArn ? parseRoleArn(source.replicationRoleArn) : undefined],
        ["ingressKmsKeyArn", source.ingressKmsKeyArn ? parseKmsKeyArn(source.ingressKmsKeyArn) : undefined],
    ];
    for (const [field, arn] of owners) {
        if (!arn || typeof arn === "string") continue;
        // An ARN of another partition names a principal or key this stack's partition cannot reach.
        if (arn.partition !== partition) {
            problems.push(problem(`${key}.${field}`, `is in partition ${arn.partition}, but this stack's region ${own.region} is in ${partition}; IAM and KMS cannot cross partitions`, `ask the counterpart for the ${field} of its account in ${partition} (arn:${partition}:...), then: pulumi config set --path '${key}.${field}' <arn>`));
        }
        if (arn.accountId !== source.accountId) {
            problems.push(problem(`${key}.${field}`, `belongs to account ${arn.accountId}, not to the counterpart's account ${source.accountId}`, `check ${key}.accountId and ${key}.${field} against what the counterpart handed over`));
        }
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
            problems.push(problem(key, `is in partition ${parsed.partition}, but this stack's region ${region} is in ${partition}; IAM cannot cross partitions`, `ask the vendor for its principal in ${partition} (arn:${partition}:iam::...), then: pulumi config set --path '${key}' <arn>`));
        }
    }
}

/** Names and bucket names must be unique across counterparts, vendor drops and service destinations. */
function checkUnique(counterparts: CounterpartConfig[], vendors: VendorDropConfig[], services: ServiceDestinationConfig[], logBuckets: string[], problems: ConfigProblem[]): void {
    const seenNames = new Map<string, string>();
    const seenBuckets = new Map<string, string>();
    const entries = [
        ...counterparts.map((c) => ({ name: c.name, configKey: c.configKey, buckets: [c.egressBucketName, c.ingressBucketName] })),
        ...vendors.map((v) => ({ name: v.name, configKey: v.configKey, buckets: [v.bucketName] })),
        ...services.map((s) => ({ name: s.name, configKey: s.configKey, buckets: [s.bucketName] })),
    ];
    const logEntries = logBuckets.map((bucket) => ({ configKey: "transfer:bucketPrefix (log bucket)", buckets: [bucket] }));
    for (const entry of entries) {
        const earlier = seenNames.get(entry.name);
        if (earlier) problems.push(problem(`${entry.configKey}.name`, `"${entry.name}" is listed twice (also at ${earlier})`, `remove one of the two entries or rename one`));
        else seenNames.set(entry.name, entry.configKey);
    }
    for (const entry of [...entries, ...logEntries]) {
        for (const bucket of entry.buckets) {
            const found = bucketNameProblem(bucket, { allowDots: false });
            if (found) problems.push(problem("transfer:bucketPrefix", found, `shorten transfer:bucketPrefix (pulumi config set transfer:bucketPrefix <shorter>) or set ${entry.configKey}'s bucket name`));
            const other = seenBuckets.get(bucket);
            if (other) problems.push(problem(`${entry.configKey}`, `bucket name "${bucket}" is also used by ${other}`, "give each entry its own bucket names"));
            else seenBuckets.set(bucket, entry.configKey);
        }
    }
    for (const service of services) {
        const roleProblem = roleNameProblem(service.roleName);
        if (roleProblem) problems.push(problem(`${service.configKey}.name`, roleProblem, "use shorter names"));
    }
}

/** The stack references a config names, as written (a bare `<stack>` or `<organization>/<project>/<stack>`). */
export function referencedStacks(config: SideConfig): string[] {
    return config.counterparts.flatMap((c) => (c.source.kind === "stack" ? [c.source.stack] : []));
}
