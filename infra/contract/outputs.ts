/**
 * The stack-output contract: what a stack of this program exports, and so what
 * the other side's stack and the tools read from it. One schema; the producer's
 * types (`SideExports`) and every reader's parsed types come from it, so a
 * renamed field fails to compile on both sides instead of breaking the other
 * stack at run time. The field names are the public interface between
 * deployed stacks: a rename is a breaking change to every deployed pair.
 *
 * Readers take only the fields they use (`StackOutputsSchema.pick`,
 * `LinkOutputsSchema.pick`), so outputs of an older or newer program still load
 * as far as the reader needs them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { accountIdProblem, bucketNameProblem, parseBucketArn, parseKmsKeyArn, parseRoleArn, partyNameProblem, regionProblem } from "../config/rules";
import { arnChecked, checked as checkedBy } from "../config/keys";
import { COUNTERPART_STATES } from "../config/schema";
import type { HandoverDocument } from "../handoff/format";
import { fileNamePrefixProblem, GUIDE_FILE_NAME_PREFIX } from "../naming/file-key";
import { handoverSchemaProblems } from "../handoff/schema";

/** The message of a value of the wrong type: an absent output is "missing", not "expected string, received undefined". */
const wrongType = (expected: string) => (issue: { input?: unknown }) => (issue.input === undefined ? "is missing" : `must be ${expected}, got ${JSON.stringify(issue.input)}`);
const string = () => z.string({ error: wrongType("a string") });

/** A string checked by one of the config rules, with the rule's own sentence as the message. */
const checked = (problemOf: (v: string) => string | undefined) => checkedBy(problemOf, string());
const arn = (parse: (v: string) => object | string) => arnChecked(parse, string());
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: wrongType(`one of ${values.join(", ")}`) });
const text = string().min(1, { error: "must not be empty" });
const flag = z.boolean({ error: wrongType("true or false") });
const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.object(shape, { error: wrongType("an object") });
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: wrongType("a list") });
/** Outputs keyed by a name (links by counterpart, log buckets by region...), with our message when not an object. */
export const outputsByName = <T extends z.ZodType>(value: T) => z.record(z.string(), value, { error: wrongType("an object") });

const accountId = checked(accountIdProblem);
const region = checked(regionProblem);
const bucketName = checked((v) => bucketNameProblem(v, { allowDots: true }));
const bucketArn = arn(parseBucketArn);
const roleArn = arn(parseRoleArn);
const kmsKeyArn = arn(parseKmsKeyArn);

/** What the other side reads from this side's stack, per counterpart. Flat, non-secret strings. */
export const LinkOutputsSchema = obj({
    /** Where the counterpart is in its life: active, offboarding (grants revoked, replication stopped) or retired. */
    state: oneOf(COUNTERPART_STATES),
    root: text,
    /** `<PREFIX>` of the link's file names (`{root}/{YYYY-MM-DD}/<PREFIX>_…`); absent from stacks of a program older than the field, whose files all start with `CDLX_`. */
    fileNamePrefix: checked(fileNamePrefixProblem).optional(),
    /** Region of both buckets. */
    region,
    egressBucketName: bucketName,
    egressBucketArn: bucketArn,
    ingressBucketName: bucketName,
    ingressBucketArn: bucketArn,
    replicationRoleArn: roleArn,
    /** The side's S3 Batch Replication role (one per side), for existing and failed objects; absent once the counterpart is offboarding or retired, which the role no longer covers. */
    batchReplicationRoleArn: roleArn.optional(),
    /** With SSE-KMS: the keys of the two buckets; the counterpart encrypts replicas with the ingress key. Absent with SSE-S3. */
    egressKmsKeyArn: kmsKeyArn.optional(),
    ingressKmsKeyArn: kmsKeyArn.optional(),
    deleteMarkerReplication: flag,
    /** "active" once the counterpart's ingress is known, else "pending". */
    replication: oneOf(["active", "pending"]),
    /** "active" once the counterpart's role is admitted to our ingress, else "pending". */
    ingressGrant: oneOf(["active", "pending"]),
});

/** A link's file-name prefix as its outputs say; outputs of a program older than the field mean the one every key then had. */
export function linkFileNamePrefix(link: { fileNamePrefix?: string }): string {
    return link.fileNamePrefix ?? GUIDE_FILE_NAME_PREFIX;
}

const directBucketFields = {
    bucketName,
    bucketArn,
    kmsKeyArn: kmsKeyArn.optional(),
};

/** `prefix` is the key prefix the vendor writes under; "" when the whole bucket is the vendor's. */
export const VendorDropOutputsSchema = obj({ ...directBucketFields, prefix: string() });
export const ServiceDestinationOutputsSchema = obj({ ...directBucketFields, roleArn });

export const AuditOutputsSchema = obj({
    /** Log bucket name per region. */
    logBuckets: outputsByName(bucketName),
    /** Every data bucket, with its access-log prefix in its region's log bucket. */
    accessLogs: outputsByName(obj({ region, logBucket: bucketName, prefix: text })),
    /** The CloudTrail trail recording object-level events, if any. */
    trail: obj({ mode: oneOf(["create", "extend"]), name: text, arn: text, logPrefix: text.optional() }).optional(),
    /** The advanced event selector to add to an existing trail (mode "extend"). */
    trailEventSelector: obj({
        name: text,
        fieldSelectors: list(obj({ field: text, equals: list(text).optional(), startsWiths: list(text).optional() })),
    }).optional(),
});

const handover = z.custom<HandoverDocument>().superRefine((value, ctx) => {
    for (const p of handoverSchemaProblems(value)) ctx.addIssue({ code: "custom", message: `${p.pointer || "/"} ${p.problem} (docs/handover.schema.json)` });
});

/** Every output of a side's stack. The counterpart's stack reads `side`, `partyName`, `accountId`, `region` and `links`. */
export const StackOutputsSchema = obj({
    side: oneOf(["publisher", "partner"]),
    partyName: checked(partyNameProblem),
    accountId,
    region,
    /** Per counterpart, by its party name. */
    links: outputsByName(LinkOutputsSchema),
    vendorDrops: outputsByName(VendorDropOutputsSchema),
    serviceDestinations: outputsByName(ServiceDestinationOutputsSchema),
    audit: AuditOutputsSchema,
    /** SNS topic per region that replication failures are reported to. */
    alertTopics: outputsByName(text),
    /** Per counterpart, by its party name, the hand-off sheet (Markdown) sent to that counterpart alone. */
    handoff: outputsByName(text),
    /** Per counterpart, the machine-readable hand-over (docs/handover.md) that `accept-handoff` reads on the other side. */
    handovers: outputsByName(handover),
});

export type LinkOutputs = z.infer<typeof LinkOutputsSchema>;
export type VendorDropOutputs = z.infer<typeof VendorDropOutputsSchema>;
export type ServiceDestinationOutputs = z.infer<typeof ServiceDestinationOutputsSchema>;
export type AuditOutputs = z.infer<typeof AuditOutputsSchema>;
export type StackOutputs = z.infer<typeof StackOutputsSchema>;

/** The output names a counterpart's stack reads through its StackReference. */
export const PEER_OUTPUTS = ["side", "partyName", "accountId", "region", "links"] as const satisfies readonly (keyof StackOutputs)[];

/*
 * What the producer exports: the same fields, with the values that are known
 * only after deployment (KMS key ARNs, topic ARNs, the hand-off documents) as
 * Pulumi outputs.
 */
type KmsKeyExported<T extends { kmsKeyArn?: string }> = Omit<T, "kmsKeyArn"> & { kmsKeyArn?: pulumi.Output<string> };
export type LinkExport = Omit<LinkOutputs, "egressKmsKeyArn" | "ingressKmsKeyArn"> & { egressKmsKeyArn?: pulumi.Output<string>; ingressKmsKeyArn?: pulumi.Output<string> };
export type VendorDropExport = KmsKeyExported<VendorDropOutputs>;
export type ServiceDestinationExport = KmsKeyExported<ServiceDestinationOutputs>;
export type SideExports = Omit<StackOutputs, "links" | "vendorDrops" | "serviceDestinations" | "alertTopics" | "handoff" | "handovers"> & {
    links: Record<string, LinkExport>;
    vendorDrops: Record<string, VendorDropExport>;
    serviceDestinations: Record<string, ServiceDestinationExport>;
    alertTopics: Record<string, pulumi.Output<string>>;
    handoff: pulumi.Output<Record<string, string>>;
    handovers: pulumi.Output<Record<string, HandoverDocument>>;
};

/** One output that does not fit the contract: its path (`links.cdlx.region`) and what is wrong. */
export interface OutputProblem {
    output: string;
    problem: string;
}

export type OutputsParse<T> = { outputs: T; problems?: undefined } | { outputs?: undefined; problems: OutputProblem[]; empty: boolean };

/**
 * Parses outputs (`pulumi stack output --json`, an offline plan's, or a stack
 * reference's) with the contract or a part of it. `empty` says the stack has
 * no outputs at all: created with `pulumi stack init` and never deployed.
 */
export function parseOutputs<T extends z.ZodType>(schema: T, json: unknown): OutputsParse<z.infer<T>> {
    if (json !== null && typeof json === "object" && !Array.isArray(json) && Object.keys(json).length === 0) {
        return { problems: [{ output: "(all)", problem: "none: the stack has not been deployed (`pulumi up`)" }], empty: true };
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return { outputs: parsed.data };
    return {
        problems: parsed.error.issues.map((i) => ({ output: i.path.length ? i.path.join(".") : "(top level)", problem: i.message })),
        empty: false,
    };
}

/** The problems as the tools print them, after a line naming where the outputs came from. */
export function describeOutputProblems(origin: string, parse: { problems: OutputProblem[]; empty: boolean }): string {
    if (parse.empty) return `${origin}: the stack has no outputs; has it been deployed (\`pulumi up\`)?`;
    return `${origin}: not the outputs of this program's stack (\`pulumi stack output --json\`):\n${parse.problems.map((p) => `  - ${p.output}: ${p.problem}`).join("\n")}`;
}
