/**
 * The config model: one entry per config key, and one per field of a list
 * entry (counterpart, vendor drop, service destination, alert subscription).
 * Each entry carries its schema, its default, the value hint of its fix and
 * its documentation line. Validation (schema.ts), the known-key list, the fix
 * hints, `did you mean` and docs/configuration.md (`npm run docs:config`) all
 * come from here, so a key is described once.
 *
 * Adding a pass-through key: one entry in TOP_LEVEL_KEYS (or in an entry's
 * field table), then read it where the component that uses it is given its
 * arguments. docs/configuration.md, "Adding a setting", shows the two steps.
 */
import { z } from "zod";
import { fingerprintProblem } from "../handoff/fingerprint";
import { elide, quote } from "../input/messages";
import { fileNamePrefixProblem } from "../naming/file-key";
import {
    accountIdProblem,
    BUCKET_NAMING_RULES_URL,
    bucketNameProblem,
    bucketNameSuggestion,
    externalIdProblem,
    parseBucketArn,
    parseKmsKeyArn,
    parsePrincipalArn,
    parseRoleArn,
    partyNameProblem,
    regionProblem,
    rootPrefixProblem,
    stackNameProblem,
} from "./rules";

/** The config namespace of every key of this program (the part before the colon). */
export const NAMESPACE = "s3-transfer";

/**
 * The namespace this program read before its keys took the project's name
 * (0.x stacks): a key in it is refused with the rename, never read, so that a
 * stack cannot run half on old keys and half on defaults.
 */
export const LEGACY_NAMESPACE = "transfer";

/** `side` -> `s3-transfer:side`. */
export function configKey(name: string): string {
    return `${NAMESPACE}:${name}`;
}

export const SIDES = ["publisher", "partner"] as const;
export type Side = (typeof SIDES)[number];

/**
 * The one representation of a side's default encryption, decided here and
 * passed as it is to every component. SSE-KMS: a rotating customer managed key
 * per bucket, S3 Bucket Keys on (AWS-managed keys cannot be used across accounts).
 */
export const ENCRYPTIONS = ["SSE-S3", "SSE-KMS"] as const;
export type Encryption = (typeof ENCRYPTIONS)[number];

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

export const AUDIT_TRAIL_MODES = ["off", "create", "extend"] as const;
export const ALERT_PROTOCOLS = ["email", "https"] as const;

// ---- schemas of single values, in the project's voice ----

/**
 * A string checked by one of the rules in rules.ts (which return the problem,
 * or undefined), with the rule's own sentence as the message. `base` is the
 * string schema to refine (the stack-output contract's says "is missing").
 */
export const checked = (problemOf: (v: string) => string | undefined, base: z.ZodString = z.string()) =>
    base.superRefine((value, ctx) => {
        const problem = problemOf(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

/** An ARN checked by one of the parsers in rules.ts (which return the parts, or the problem). */
export const arnChecked = (parse: (v: string) => object | string, base?: z.ZodString) =>
    checked((v) => {
        const parsed = parse(v);
        return typeof parsed === "string" ? parsed : undefined;
    }, base);

/**
 * A bucket this program creates, named in config: each S3 naming rule it breaks
 * in its own words, and a fix with a name S3 accepts when one is close
 * (`hint`, which the fix of the key uses instead of the field's generic value).
 */
const ownBucketName = z.string().superRefine((value, ctx) => {
    const problem = bucketNameProblem(value, { allowDots: false });
    if (!problem) return;
    const suggestion = bucketNameSuggestion(value, { allowDots: false });
    ctx.addIssue({
        code: "custom",
        message: `${problem} (${BUCKET_NAMING_RULES_URL})`,
        params: { hint: suggestion ?? "<a bucket name of 3 to 63 lower-case letters, digits and hyphens>" },
    });
});

/** One of a few words; the message lists them and quotes what was given. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T, wording = `one of ${values.join(", ")}`) {
    return z.enum(values, { error: (issue) => `must be ${wording}, got ${quote(String(issue.input))}` });
}

/**
 * A 12-digit account ID. Pulumi reads a stack file's values as go-yaml v3
 * resolves them and hands a top-level key over as text: an unquoted ID is a
 * YAML number, whose text has lost any leading zero (012345678901 arrives as
 * "12345678901"; infra/config/yaml-values.ts, checked against the real CLI by
 * the engine tier). A text ID cannot tell how it was written, so 11 digits are
 * refused as 11 digits, with the hint to quote and no other number offered.
 * Inside a list entry, and with `pulumi config set --path`, an unquoted ID is
 * a JSON number: read it as text when its 12 digits survive; refuse it with
 * "quote it" when a leading zero was lost. One lost zero (11 digits) is the
 * likely case: 012345678901 becomes 12345678901. Fewer digits are not: go-yaml
 * takes 0 followed by octal digits for an octal number (012345670123 becomes
 * 1402433619), so no ID is offered then.
 */
/** Why a top-level ID may have 11 digits in the stack file's text: Pulumi reads an unquoted one as a number. */
// Pulumi's YAML reader (go-yaml v3) takes an unquoted 0123 as octal and drops the leading zeros of any other number.
const UNQUOTED_ID_HINT =
    "; if the stack file has it without quotes, YAML read it as a number (dropping leading zeros, and reading 0 followed by digits 0-7 as octal): write the ID in quotes as the account shows it";

export function accountIdValue(text: unknown): { value: string } | { problem: string; quoted?: string } {
    if (typeof text === "number" && Number.isInteger(text) && text >= 0) {
        const digits = String(text);
        if (/^\d{11}$/.test(digits)) {
            const padded = digits.padStart(12, "0");
            return {
                problem: `must be a 12-digit AWS account ID, got ${digits} (11 digits, written without quotes): a YAML number drops a leading zero, so the ID was probably ${padded}; write it in quotes`,
                quoted: padded,
            };
        }
        if (/^\d{10}$/.test(digits)) {
            return {
                problem: `must be a 12-digit AWS account ID, got ${digits} (10 digits, written without quotes): a YAML number drops leading zeros (and Pulumi's reader takes 0 and digits 0-7 for an octal number), so the ID cannot be told from this value; write the ID in quotes as the account shows it`,
            };
        }
        if (!/^\d{12}$/.test(digits)) return { problem: `must be a 12-digit AWS account ID, got ${digits} (${digits.length} digits)` };
        return { value: digits };
    }
    if (typeof text !== "string") return { problem: `must be a 12-digit AWS account ID in quotes, got ${describe(text)}` };
    // Text lost nothing: say what it has, never offer another number.
    if (/^\d+$/.test(text) && text.length !== 12) {
        return {
            problem: `must be a 12-digit AWS account ID, got ${quote(text)} (${text.length.toLocaleString("en-US")} digits): ${text.length < 12 ? "digits are missing" : "it has too many digits"}${text.length < 12 ? UNQUOTED_ID_HINT : ""}`,
        };
    }
    const problem = accountIdProblem(text);
    return problem ? { problem } : { value: text };
}

const accountId = z.unknown().transform((input, ctx) => {
    const read = accountIdValue(input);
    if ("problem" in read) {
        ctx.addIssue({ code: "custom", message: read.problem, ...("quoted" in read ? { params: { quoted: read.quoted } } : {}) });
        return z.NEVER;
    }
    return read.value;
});

/** How a value that is not what a key needs is named in a message. */
export function describe(value: unknown): string {
    if (value === null || value === undefined) return "nothing";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "a mapping";
    if (typeof value === "string") return quote(value);
    return `the ${typeof value} ${elide(String(value))}`;
}

const WHAT_IS_EXPECTED: Record<string, string> = {
    string: "text",
    boolean: "true or false",
    number: "a number",
    object: "a mapping of fields",
    array: "a list",
};

/**
 * Zod's own messages ("Invalid input: expected string, received number") in
 * the project's voice; a schema's own message (the rules above) wins over this.
 */
export const projectVoice: z.core.$ZodErrorMap = (issue) => {
    if (issue.code === "invalid_type") return `must be ${WHAT_IS_EXPECTED[issue.expected] ?? issue.expected}, got ${describe(issue.input)}`;
    if (issue.code === "invalid_value") return `must be one of ${issue.values.map(String).join(", ")}, got ${describe(issue.input)}`;
    return undefined;
};

// ---- top-level keys ----

/** What a top-level key's default is derived from, when it is not a constant. */
export interface DefaultContext {
    name: string;
    stack: string;
}

export interface KeySpec<T = unknown> {
    /** The key without its namespace, e.g. `accountId` (or the full `aws:region` for a provider's key). */
    key: string;
    /** Pulumi.yaml's declared type of the key. */
    type: "string" | "integer" | "boolean" | "array";
    /** Parses the value as Pulumi hands it to the program (text; lists as JSON text, parsed first). */
    schema: z.ZodType<T>;
    /** Required: `true`; or the default, a constant or derived from the party's name and stack. */
    required?: true;
    default?: T | ((context: DefaultContext) => T);
    /** How the docs state the default (when it is not the constant itself). */
    defaultDoc?: string;
    /** The value to set in the fix, e.g. `<whole days from 1 to 3650>`; a list key's fix edits the stack file. */
    fix: string;
    /** One line of documentation: what the key means and why its default is safe. */
    doc: string;
    /**
     * Passed as it is to every component of the side (`passThroughSettings`):
     * a component that needs it declares it in its Args and reads it there.
     */
    passThrough?: true;
}

const wholeDays = z.string().transform((text, ctx) => {
    const days = Number(text);
    if (Number.isInteger(days) && days >= 1 && days <= 3650 && text.trim() !== "") return days;
    ctx.addIssue({ code: "custom", message: `must be a whole number of days from 1 to 3650, got ${quote(text)}` });
    return z.NEVER;
});

const flag = oneOf(["true", "false"], "true or false").transform((text) => text === "true");

const trailName = checked((v) =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(v) ? undefined : `must be 3 to 128 letters, digits, dots, underscores or hyphens, starting with a letter or digit, got ${quote(v)}`,
);

/** A list key: its entries' schema comes from their field table below. */
const LIST = z.unknown();

/** Every key of this program's config (and `aws:region`, which it requires), in the order the docs list them. */
export const TOP_LEVEL_KEYS = [
    { key: "aws:region", type: "string", schema: checked(regionProblem), required: true, fix: "<region, e.g. us-east-1>", doc: "region of this side's buckets" },
    { key: "side", type: "string", schema: oneOf(SIDES, "publisher or partner"), required: true, fix: "publisher   (or partner)", doc: "`publisher` or `partner`" },
    {
        key: "name",
        type: "string",
        schema: checked(partyNameProblem),
        required: true,
        fix: "<your-party-name>   (lowercase, e.g. acme-bank)",
        doc: "this party's name (lowercase, 2–32 chars); prefixes bucket, role and resource names; the counterpart lists us under it. Changing it later replaces protected buckets and the `up` fails (see [Renames and moves](deploy.md#renames-and-moves-replace-what-holds-data))",
    },
    {
        key: "accountId",
        type: "string",
        schema: accountId,
        required: true,
        fix: "<12-digit ID of the account this stack deploys to>",
        doc: "12-digit ID of the account this stack deploys to (the provider refuses any other); quote it in YAML, as `pulumi config set` does",
    },
    {
        key: "partners",
        type: "array",
        schema: LIST,
        defaultDoc: "none (then a vendor drop or service destination is required)",
        fix: "a list of counterparts",
        doc: "publisher only: the partners, at least one unless there are vendor drops or service destinations ([counterpart fields](#counterpart-fields))",
    },
    {
        key: "publishers",
        type: "array",
        schema: LIST,
        defaultDoc: "none (then a vendor drop or service destination is required)",
        fix: "a list of counterparts",
        doc: "partner only: the publishers, at least one unless there are vendor drops or service destinations ([counterpart fields](#counterpart-fields))",
    },
    {
        key: "bucketPrefix",
        type: "string",
        schema: z.string(),
        default: ({ name, stack }: DefaultContext) => `${name}-${stack}`,
        defaultDoc: "`<name>-<stack>`",
        fix: "<lowercase prefix without dots>",
        doc: "prefix of derived bucket names `<prefix>-<counterpart>-egress` / `-ingress`",
    },
    {
        key: "roleNamePrefix",
        type: "string",
        schema: checked(partyNameProblem),
        default: ({ name }: DefaultContext) => name,
        defaultDoc: "`<name>`",
        fix: "<name>-<stack>   (e.g. acme-bank-eu; lowercase, 2–32 chars)",
        doc: "prefix of this stack's IAM role names (`<prefix>-to-<counterpart>-replication`, `<prefix>-to-<counterpart>-batch`, `<prefix>-<service>-sync-writer`), which are unique per account: set it on a second stack of this program in the same account, which the plan otherwise refuses (see [Two stacks in one account](#two-stacks-in-one-account)). Changing it on a deployed stack replaces its roles, whose ARNs counterparts have granted",
    },
    {
        key: "noncurrentVersionExpirationDays",
        passThrough: true,
        type: "integer",
        schema: wholeDays,
        default: 30,
        fix: "<whole days from 1 to 3650>",
        doc: "days before overwritten or deleted versions expire (1–3650)",
    },
    {
        key: "deleteMarkerReplication",
        passThrough: true,
        type: "boolean",
        schema: flag,
        default: false,
        fix: "false   (or true)",
        doc: "replicate delete markers to counterparts (grants `s3:ReplicateDelete`); off so that a delete here never hides the counterpart's copy",
    },
    {
        key: "protectBuckets",
        passThrough: true,
        type: "boolean",
        schema: flag,
        default: true,
        fix: "true   (or false for a disposable test stack)",
        doc: "`protect` data buckets, their KMS keys and every protective setting (Block Public Access, ownership controls, versioning, encryption, lifecycle, logging, bucket policy); all of them are retained on delete regardless",
    },
    {
        key: "replicationTrustConditions",
        passThrough: true,
        type: "boolean",
        schema: flag,
        default: false,
        fix: "false   (true only once the pre-production canary has passed with it)",
        doc: "add `aws:SourceAccount`/`aws:SourceArn` to the replication role's trust of `s3.amazonaws.com`. **Not confirmed by AWS** for live replication (AWS documents the unconditioned trust); if S3 does not send those keys, nothing replicates. Turn on only after the pre-production canary has passed with it (see [the replication role's trust](deploy.md#the-replication-roles-trust))",
    },
    {
        key: "batchTrustConditions",
        passThrough: true,
        type: "boolean",
        schema: flag,
        default: false,
        fix: "false   (true only once the pre-production batch canary has passed with it)",
        doc: "add `aws:SourceAccount`/`aws:SourceArn` (this account's Batch Operations jobs) to each Batch Replication role's trust of `batchoperations.s3.amazonaws.com`. **Not confirmed by AWS** (AWS documents the unconditioned trust); if Batch Operations does not send those keys, no batch job can assume the role. Turn on only after the pre-production batch canary (`npm run batch-replicate -- --stack <stack> --counterpart <counterpart> --canary --start`) has passed with it (see [the Batch Replication role's trust](operations.md#the-batch-replication-roles-trust))",
    },
    {
        key: "encryption",
        passThrough: true,
        type: "string",
        schema: oneOf(ENCRYPTIONS, "SSE-S3 or SSE-KMS"),
        default: "SSE-S3",
        fix: "SSE-KMS   (or SSE-S3)",
        doc: "`SSE-S3`, or `SSE-KMS`: a rotating customer managed key per bucket, S3 Bucket Keys on (see [SSE-KMS](setups.md#sse-kms)); the default of every counterpart's `encryption`, and the encryption of vendor drops and service destinations",
    },
    {
        key: "expirationDays",
        passThrough: true,
        type: "integer",
        schema: wholeDays,
        defaultDoc: "never",
        fix: "<whole days from 1 to 3650>",
        doc: "current objects expire after this many days (1–3650)",
    },
    {
        key: "vendorDrops",
        type: "array",
        schema: LIST,
        default: [],
        defaultDoc: "none",
        fix: "a list of vendor drops",
        doc: "buckets a vendor writes into directly ([fields](#vendor-drop-fields); see [Vendor write access](setups.md#vendor-write-access))",
    },
    {
        key: "serviceDestinations",
        type: "array",
        schema: LIST,
        default: [],
        defaultDoc: "none",
        fix: "a list of service destinations",
        doc: "buckets a data-sync service writes into through a role of ours ([fields](#service-destination-fields); see [Service role destination](setups.md#service-role-destination))",
    },
    {
        key: "logRetentionDays",
        type: "integer",
        schema: wholeDays,
        default: 365,
        fix: "<whole days from 1 to 3650, e.g. 365>",
        doc: "days server access logs (and trail logs) are kept (1–3650)",
    },
    {
        key: "auditTrail",
        type: "string",
        schema: oneOf(AUDIT_TRAIL_MODES, "off, create or extend"),
        default: "off",
        fix: `off   (or create, or extend with ${configKey("auditTrailName")})`,
        doc: "`create` a CloudTrail trail of object-level events on the data buckets, or `extend` an existing one (see [Audit trail](audit.md))",
    },
    {
        key: "auditTrailName",
        type: "string",
        schema: trailName,
        default: ({ name }: DefaultContext) => `${name}-transfer-data-events`,
        defaultDoc: "`<name>-transfer-data-events`; required with `extend`",
        fix: "<trail name: 3-128 letters, digits, ._->",
        doc: "the trail to create or extend",
    },
    {
        key: "replicationTimeControl",
        type: "boolean",
        schema: flag,
        default: false,
        fix: "false   (or true)",
        doc: "S3 Replication Time Control: 15-minute replication target and latency alarm; billed per GB replicated, so off by default",
    },
    {
        key: "alertSubscriptions",
        type: "array",
        schema: LIST,
        default: [],
        defaultDoc: "none",
        fix: "a list of subscriptions",
        doc: "who is notified of replication failures ([fields](#alert-subscription-fields))",
    },
] as const satisfies readonly KeySpec[];

export type TopLevelKey = (typeof TOP_LEVEL_KEYS)[number]["key"];

type PassThroughSpec = Extract<(typeof TOP_LEVEL_KEYS)[number], { passThrough: true }>;
/** The pass-through settings as config decided them: a defaulted key always has a value, the others may be absent. */
export type PassThroughSettings = { [S in Extract<PassThroughSpec, { default: unknown }> as S["key"]]: z.output<S["schema"]> } & {
    [S in Exclude<PassThroughSpec, { default: unknown }> as S["key"]]?: z.output<S["schema"]>;
};
export const PASS_THROUGH_KEYS = TOP_LEVEL_KEYS.filter((spec) => "passThrough" in spec).map((spec) => spec.key) as PassThroughSpec["key"][];

/** The pass-through settings of a side's config (or of any args that carry them), absent ones left out. */
export function passThroughSettings(from: PassThroughSettings): PassThroughSettings {
    return Object.fromEntries(PASS_THROUGH_KEYS.filter((key) => from[key] !== undefined).map((key) => [key, from[key]])) as PassThroughSettings;
}

/** The full config key (`s3-transfer:side`, or `aws:region` as it is). */
export function fullKey(key: string): string {
    return key.includes(":") ? key : configKey(key);
}

export const KNOWN_KEYS: string[] = TOP_LEVEL_KEYS.map((spec) => fullKey(spec.key));

/** The value of a key that has a constant default, as its schema reads it (e.g. `encryption` -> "SSE-S3"). */
export function constantDefault<K extends Extract<(typeof TOP_LEVEL_KEYS)[number], { default: unknown }>["key"]>(
    key: K,
): Extract<(typeof TOP_LEVEL_KEYS)[number], { key: K }>["default"] {
    return (TOP_LEVEL_KEYS.find((spec) => spec.key === key) as unknown as { default: never }).default;
}

/** The config key that lists a side's counterparts. */
export const COUNTERPARTS_KEY: Record<Side, string> = {
    publisher: configKey("partners"),
    partner: configKey("publishers"),
};

// ---- fields of list entries ----

export interface FieldSpec<S extends z.ZodType = z.ZodType> {
    schema: S;
    /** Required: `true`. Otherwise optional; `default` fills an absent field, `defaultDoc` states a derived one. */
    required?: true;
    default?: z.output<S>;
    defaultDoc?: string;
    /** The value to set in the fix, e.g. `arn:aws:s3:::<their-ingress-bucket>`. */
    fix: string;
    doc: string;
}

type FieldTable = Record<string, FieldSpec>;
/** A field table's zod shape: required fields as they are, defaulted fields with their default, the rest optional. */
type ShapeOf<T extends FieldTable> = {
    [K in keyof T]: T[K] extends { required: true } ? T[K]["schema"] : T[K] extends { default: unknown } ? z.ZodDefault<T[K]["schema"]> : z.ZodOptional<T[K]["schema"]>;
};

function entrySchemaOf<T extends FieldTable>(fields: T): z.ZodObject<ShapeOf<T>, z.core.$strict> {
    const shape = Object.fromEntries(
        Object.entries(fields).map(([name, field]) => [
            name,
            field.required ? field.schema : field.default !== undefined ? field.schema.default(field.default as never) : field.schema.optional(),
        ]),
    );
    return z.strictObject(shape) as unknown as z.ZodObject<ShapeOf<T>, z.core.$strict>;
}

const field = <S extends z.ZodType, const F extends Omit<FieldSpec<S>, "schema">>(schema: S, spec: F) => ({ schema, ...spec });

const handedOver = "hand-over:";

export const COUNTERPART_FIELDS = {
    name: field(checked(partyNameProblem), {
        required: true,
        fix: `<the counterpart's party name, as in its ${configKey("name")}>`,
        doc: `the counterpart's \`${configKey("name")}\``,
    }),
    stack: field(checked(stackNameProblem), {
        fix: "<the counterpart's stack of this project, e.g. partner-preprod>",
        doc: "the counterpart's stack of this program in the same backend, run by the same team: `<stack>` (e.g. `partner-preprod`, qualified with the backend's organization and this project) or `<organization>/<project>/<stack>`; exclusive with the hand-over fields. Both stacks must exist (`pulumi stack init`) before either `up` (see [Deploying a pair](deploy.md)); a counterpart run by another company comes by hand-over instead",
    }),
    state: field(oneOf(COUNTERPART_STATES), {
        default: "active",
        fix: "offboarding   (then retired, then remove the entry; see docs/deploy.md)",
        doc: "`active`, `offboarding` (every grant to the counterpart revoked and replication to it stopped; buckets keep every protection) or `retired` (as offboarding, `protect` lifted so the entry can then be removed; everything retained). See [Offboarding a counterpart](deploy.md#offboarding-a-counterpart)",
    }),
    accountId: field(accountId, {
        fix: "<the counterpart's 12-digit AWS account ID>",
        doc: `${handedOver} the counterpart's 12-digit account ID (required without \`stack\`; quote it in YAML)`,
    }),
    region: field(checked(regionProblem), { fix: "the counterpart's AWS region", doc: `${handedOver} the counterpart's region (informational)` }),
    ingressBucketArn: field(arnChecked(parseBucketArn), {
        fix: "arn:aws:s3:::<their-ingress-bucket>",
        doc: `${handedOver} where our egress replicates to; absent = replication pending`,
    }),
    replicationRoleArn: field(arnChecked(parseRoleArn), {
        fix: "arn:aws:iam::<their-account>:role/<their-replication-role>",
        doc: `${handedOver} the role that replicates into our ingress; absent = grant pending; must be in \`accountId\` and in this stack's partition`,
    }),
    root: field(checked(rootPrefixProblem), {
        defaultDoc: "the publisher's name",
        fix: "<root prefix agreed with the counterpart, e.g. acme-bank>",
        doc: "`{Root}` of the file-naming convention; only `{root}/…` replicates, in both directions. Both sides must agree (checked through the stack reference)",
    }),
    fileNamePrefix: field(checked(fileNamePrefixProblem), {
        defaultDoc: "the partner's `name` in upper case (`CDLX` for `cdlx`)",
        fix: "<the prefix the partner's guide gives its files, e.g. CDLX>",
        doc: "`<PREFIX>` of the link's file names, `{root}/{YYYY-MM-DD}/<PREFIX>_<file-type>_…` ([file naming](file-naming.md)): upper-case letters, digits and hyphens; both sides of a link use the same, which the partner's guide gives (CDLX's: `CDLX`). `npm run key` and the canary take it from here",
    }),
    encryption: field(oneOf(ENCRYPTIONS, "SSE-S3 or SSE-KMS"), {
        defaultDoc: "`s3-transfer:encryption`",
        fix: "SSE-KMS   (or SSE-S3; the counterpart's ingress uses the same)",
        doc: "this link's encryption: `SSE-S3`, or `SSE-KMS` (a rotating customer managed key for each of the link's two buckets, S3 Bucket Keys on); both sides of a link use the same, so set it to what the counterpart's hand-over says (`accept-handoff` writes it for a new entry). Links of one stack may differ (see [SSE-KMS](setups.md#sse-kms))",
    }),
    ingressKmsKeyArn: field(arnChecked(parseKmsKeyArn), {
        fix: "arn:aws:kms:<region>:<their-account>:key/<key-id>",
        doc: `${handedOver} with SSE-KMS, the KMS key of the counterpart's ingress bucket, required with \`ingressBucketArn\`; our replicas are encrypted with it (its ARN also gives the counterpart's region)`,
    }),
    replicatesDeleteMarkers: field(z.boolean(), {
        defaultDoc: "`false`",
        fix: "true   (or false)",
        doc: `${handedOver} the counterpart replicates delete markers to us, so our ingress admits \`s3:ReplicateDelete\`; written by \`accept-handoff\` from the hand-over's \`link.deleteMarkerReplication\``,
    }),
    acceptedHandover: field(
        z.strictObject({
            fingerprint: checked(fingerprintProblem),
            destination: checked(fingerprintProblem),
            // What was accepted, so that a refusal can name the field that changed; `destination` vouches for it.
            values: z
                .strictObject({
                    accountId,
                    region: checked(regionProblem).optional(),
                    ingressBucketArn: arnChecked(parseBucketArn).optional(),
                    replicationRoleArn: arnChecked(parseRoleArn).optional(),
                    ingressKmsKeyArn: arnChecked(parseKmsKeyArn).optional(),
                })
                .optional(),
            // The sender as it names itself: its accept-handoff refuses our hand-over to any other name.
            party: checked(partyNameProblem).optional(),
        }),
        {
            fix: "<run npm run accept-handoff again>",
            doc: "written by `accept-handoff` ([hand-overs](handover.md)): `fingerprint` of the accepted hand-over, `destination`, the fingerprint of its account, region, ingress bucket, role and key, `values`, those five as accepted, and `party`, the sender's name, which the entry's `name` must stay; `pulumi preview`, `pulumi up` and `npm run plan` fail while the entry no longer matches them, naming each changed field",
        },
    ),
    bucketRegion: field(checked(regionProblem), {
        defaultDoc: "`aws:region`",
        fix: "<region of our two buckets for this counterpart>",
        doc: "region of our two buckets for this counterpart; the stack gets one AWS provider per region. Moving it later replaces protected buckets and the `up` fails (see [Renames and moves](deploy.md#renames-and-moves-replace-what-holds-data))",
    }),
    egressBucketName: field(ownBucketName, {
        defaultDoc: "`<bucketPrefix>-<name>-egress`",
        fix: "<bucket name without dots>",
        doc: "overrides the derived egress bucket name (S3 naming rules; no dots, which break HTTPS certificate matching)",
    }),
    ingressBucketName: field(ownBucketName, {
        defaultDoc: "`<bucketPrefix>-<name>-ingress`",
        fix: "<bucket name without dots>",
        doc: "overrides the derived ingress bucket name (as `egressBucketName`)",
    }),
};

/** The counterpart fields that come by hand-over, exclusive with `stack`. */
export const HANDOVER_FIELDS = (Object.keys(COUNTERPART_FIELDS) as (keyof typeof COUNTERPART_FIELDS)[]).filter((name) => COUNTERPART_FIELDS[name].doc.startsWith(handedOver));

export const VENDOR_DROP_FIELDS = {
    name: field(checked(partyNameProblem), { required: true, fix: "<the vendor's name, lowercase>", doc: "the vendor's name here; names its bucket and Sids" }),
    principalArn: field(arnChecked(parsePrincipalArn), {
        required: true,
        fix: "arn:aws:iam::<vendor-account>:role/<vendor-role>",
        doc: "the vendor's principal exactly as its guide names it (role, user or account root), in this stack's partition",
    }),
    prefix: field(checked(rootPrefixProblem), {
        defaultDoc: "none: the whole bucket is the vendor's",
        fix: "<the path the vendor writes under>",
        doc: "the vendor writes only under `{prefix}/`; set it only where the vendor lets you choose its path (a dedicated bucket otherwise, as Sailthru's guide asks)",
    }),
    bucketName: field(ownBucketName, { defaultDoc: "`<bucketPrefix>-<name>-drop`", fix: "<bucket name without dots>", doc: "overrides the derived bucket name" }),
    state: field(oneOf(COUNTERPART_STATES), {
        default: "active",
        fix: "offboarding   (then retired, then remove the entry; see docs/operations.md)",
        doc: "`active`, `offboarding` (the vendor's grants in the bucket and key policies revoked; the bucket keeps every protection) or `retired` (as offboarding, `protect` lifted so the entry can then be removed; everything retained). See [Offboarding a vendor or service](operations.md#offboarding-a-vendor-drop-or-service-destination)",
    }),
    allowDelete: field(z.boolean(), {
        default: true,
        fix: "false   (or true)",
        doc: "grant `s3:DeleteObject` (under the prefix, if any) too: the vendor's guide asks for it, and versioning keeps deleted files recoverable",
    }),
    accessConfirmation: field(z.boolean(), { default: true, fix: "false   (or true)", doc: "let the vendor write and delete its top-level `_ACCESS_CONFIRMATION` check object" }),
};

export const SERVICE_DESTINATION_FIELDS = {
    name: field(checked(partyNameProblem), {
        required: true,
        fix: "<the service's name, lowercase>",
        doc: `the service's name here; names its bucket and role (\`<${configKey("name")}>-<name>-sync-writer\`)`,
    }),
    servicePrincipalArn: field(arnChecked(parsePrincipalArn), {
        required: true,
        fix: "arn:aws:iam::<service-account>:role/<service-role>",
        doc: "the data-sync service's AWS principal, from its trust-policy template, in this stack's partition",
    }),
    externalId: field(checked(externalIdProblem), { required: true, fix: "<the external ID the service shows you>", doc: "the external ID the service shows for our connection" }),
    prefix: field(checked(rootPrefixProblem), {
        defaultDoc: "anywhere in the bucket",
        fix: "<the path the service writes under>",
        doc: "the service writes only under `{prefix}/`",
    }),
    bucketName: field(ownBucketName, { defaultDoc: "`<bucketPrefix>-<name>-sync`", fix: "<bucket name without dots>", doc: "overrides the derived bucket name" }),
    state: field(oneOf(COUNTERPART_STATES), {
        default: "active",
        fix: "offboarding   (then retired, then remove the entry; see docs/operations.md)",
        doc: "`active`, `offboarding` (the writer role's permissions revoked; the bucket keeps every protection) or `retired` (as offboarding, `protect` lifted so the entry can then be removed; everything retained). See [Offboarding a vendor or service](operations.md#offboarding-a-vendor-drop-or-service-destination)",
    }),
    connectionTestPending: field(z.boolean(), {
        default: true,
        fix: "false   (once the service's connection test has passed)",
        doc: "grant `s3:DeleteObject` while the service's connection test (which deletes its artifact) is pending, so the first connection succeeds; set it to false once the test has passed: the destination is append-only afterwards, and the plan warns while it stays on",
    }),
};

export const ALERT_SUBSCRIPTION_FIELDS = {
    protocol: field(oneOf(ALERT_PROTOCOLS, "email or https"), {
        required: true,
        fix: "email   (or https)",
        doc: "`email` or `https` (SMS and plain HTTP are refused: alerts name buckets)",
    }),
    endpoint: field(z.string(), { required: true, fix: "<e-mail address or https:// URL>", doc: "the e-mail address or `https://` URL to notify" }),
};

export const counterpartSchema = entrySchemaOf(COUNTERPART_FIELDS);
export const vendorDropSchema = entrySchemaOf(VENDOR_DROP_FIELDS);
export const serviceDestinationSchema = entrySchemaOf(SERVICE_DESTINATION_FIELDS);
export const alertSubscriptionSchema = entrySchemaOf(ALERT_SUBSCRIPTION_FIELDS).superRefine((value, ctx) => {
    const ok = value.protocol === "email" ? /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value.endpoint) : /^https:\/\/[^\s/]+/.test(value.endpoint);
    if (!ok)
        ctx.addIssue({
            code: "custom",
            path: ["endpoint"],
            message: `must be ${value.protocol === "email" ? "an e-mail address" : "an https:// URL (plain http would carry alerts unencrypted)"}, got ${quote(value.endpoint)}`,
        });
});

/** The field tables of the list keys, by the key that lists them. */
export const ENTRY_FIELDS: Record<string, FieldTable> = {
    [configKey("partners")]: COUNTERPART_FIELDS,
    [configKey("publishers")]: COUNTERPART_FIELDS,
    [configKey("vendorDrops")]: VENDOR_DROP_FIELDS,
    [configKey("serviceDestinations")]: SERVICE_DESTINATION_FIELDS,
    [configKey("alertSubscriptions")]: ALERT_SUBSCRIPTION_FIELDS,
};

// ---- fixes and "did you mean" ----

/** `s3-transfer:partners[0].accountId` -> its field table's entry; a top-level key -> its entry. */
function specOf(key: string): { fix: string; list: boolean } | undefined {
    const entryField = /^([^[.]+)\[\d+\]\.([A-Za-z0-9_]+)/.exec(key);
    if (entryField) {
        const spec = ENTRY_FIELDS[entryField[1]]?.[entryField[2]];
        return spec ? { fix: spec.fix, list: false } : undefined;
    }
    const spec = TOP_LEVEL_KEYS.find((s) => fullKey(s.key) === key);
    return spec ? { fix: spec.fix, list: spec.type === "array" } : undefined;
}

/**
 * How a fix names the stack file until the config's own file is known:
 * parseSideConfig puts the file the config was read from (Pulumi.<stack>.yaml,
 * or the --config file) in its place.
 */
export const STACK_FILE = "Pulumi.<stack>.yaml";

/**
 * The fix for an account ID whose leading zero was lost: quoted in the stack
 * file, or set again by `pulumi config set`, which keeps digits with a leading
 * zero as text (with --path too: sdk/go/common/resource/config/object.go).
 */
export function quotedAccountIdFix(key: string, quoted: string, file = STACK_FILE): string {
    const leaf = key.split(/[.:]/).pop();
    const command = key.includes(".") || key.includes("[") ? `pulumi config set --path '${key}' ${quoted}` : `pulumi config set ${key} ${quoted}`;
    return `write it quoted in ${file}: ${leaf}: "${quoted}"   (or: ${command}, which stores text)`;
}

/**
 * A fix as it applies to the file the config was read from: the file named
 * where the fix says STACK_FILE, and `pulumi config` pointed at the file with
 * --config-file when it is not the stack's own Pulumi.<stack>.yaml (without it,
 * the command would change the selected stack instead).
 */
export function fixInFile(fix: string, file: string, stack: string): string {
    const named = fix.replaceAll(STACK_FILE, file);
    const own = file.split(/[\\/]/).pop() === `Pulumi.${stack}.yaml`;
    return own ? named : named.replace(/pulumi config (set|rm) /g, (_, verb: string) => `pulumi config ${verb} --config-file ${file} `);
}

/** The command (or edit) that fixes a key, from its entry's value hint, or with `value` when the problem knows a better one. */
export function fixFor(key: string, file = STACK_FILE, value?: string): string {
    const spec = specOf(key);
    if (spec?.list && value === undefined) return `edit ${file} so that ${key} is ${spec.fix}`;
    const set = value ?? spec?.fix ?? "<value>";
    if (key.includes("[") || key.includes(".")) return `pulumi config set --path '${key}' ${set}`;
    return `pulumi config set ${key} ${set}`;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

const meantBefore = new WeakMap<readonly string[], Map<string, string | undefined>>();

/** The known name closest to a misspelt one, if it is close enough to be a slip (case, a letter or two). Remembered: one slip repeated in every entry is compared once. */
export function didYouMean(given: string, known: readonly string[]): string | undefined {
    let answers = meantBefore.get(known);
    if (!answers) meantBefore.set(known, (answers = new Map()));
    if (answers.has(given)) return answers.get(given);
    const meant = closestName(given, known);
    answers.set(given, meant);
    return meant;
}

function closestName(given: string, known: readonly string[]): string | undefined {
    // A name far longer than every known one is no slip: the distance need not be computed (a 5 MB key would take seconds).
    if (known.every((name) => given.length > name.length + 3)) return undefined;
    const lower = given.toLowerCase();
    let best: { name: string; distance: number } | undefined;
    for (const name of known) {
        const distance = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase());
        if (!best || distance < best.distance) best = { name, distance };
    }
    return best && best.distance <= Math.max(1, Math.min(3, Math.floor(given.length / 4))) ? best.name : undefined;
}

// ---- what Pulumi.yaml declares ----

/**
 * A key's declaration in Pulumi.yaml's `config:` block, in the shape Pulumi's
 * project schema accepts (`configTypeDeclaration`: a `type`, a description, a
 * default); this program declares only scalar types.
 */
export interface ProjectConfigDeclaration {
    type: "string" | "integer" | "boolean";
    description: string;
    default?: string | number | boolean;
}

/**
 * Why a key of this program cannot be declared in Pulumi.yaml, or undefined
 * when it is. Pulumi refuses a stack that lacks a declared key with no default
 * (`Stack 'x' is missing configuration value 'k'`), so an optional key is
 * declared only with a constant default; and a list of entries (objects)
 * could be typed only by a CLI new enough for `object` items, or, for the
 * counterpart lists, not at all without a default injected on the wrong side.
 */
export function undeclaredReason(spec: KeySpec): string | undefined {
    if (spec.key.includes(":")) return "the provider's key, declared by the provider";
    if (spec.key === "partners" || spec.key === "publishers")
        return "a side lists its counterparts under partners or publishers, not both: a declared default ([]) would be injected under the other one too, which the program refuses";
    if (spec.type === "array")
        return "a list of entries: Pulumi.yaml types a list of objects only from Pulumi CLI v3.187 (object items, pulumi/pulumi#20132), and an older CLI would refuse the whole Pulumi.yaml";
    if (spec.required) return undefined;
    if (!("default" in spec) || spec.default === undefined) return "optional without a default, and Pulumi would make a declared key required";
    if (typeof spec.default === "function") return "its default is derived from other settings, and Pulumi would make a declared key without a default required";
    return undefined;
}

/** A declaration's description: the doc line without its links and code marks. */
function declarationDescription(spec: KeySpec): string {
    return spec.doc
        .replace(/\s*\(\[?see .*$/i, "")
        .replace(/\[([^\]]+)\]\([^)]+\)/g, "$1")
        .replace(/`|\*\*/g, "");
}

/**
 * The declarations of this program's keys for Pulumi.yaml's `config:` block
 * (type, description, and the default where it is a constant), so that
 * `pulumi config` and `pulumi new` know them; `npm run docs:config` writes them
 * there. Keys are written without the namespace: Pulumi reads a bare key in
 * Pulumi.yaml as the project's, which is why NAMESPACE is the project's name.
 */
export function projectConfigDeclarations(): Record<string, ProjectConfigDeclaration> {
    return Object.fromEntries(
        (TOP_LEVEL_KEYS as readonly KeySpec[])
            .filter((spec) => undeclaredReason(spec) === undefined)
            .map((spec) => {
                const constant = "default" in spec && typeof spec.default !== "function" ? spec.default : undefined;
                const declaration: ProjectConfigDeclaration = {
                    type: spec.type as ProjectConfigDeclaration["type"],
                    description: declarationDescription(spec),
                    ...(constant !== undefined ? { default: constant as string | number | boolean } : {}),
                };
                return [spec.key, declaration];
            }),
    );
}
