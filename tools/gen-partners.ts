/**
 * npm run gen-partners -- [--count <n>] [--side publisher|partner] [--sse-kms] [--bucket-name-length <n>] [--audit-trail] [--out <file>]
 *
 * Writes a stack config of one side with n counterparts handed over in writing, for
 * measuring how planning and the documents AWS caps scale with the number of
 * counterparts.
 */
import YAML from "yaml";
import { arns } from "../infra/policies/document";
import { assertWritable, defineCommand, main, UsageError, wholeNumber, writeOutputFile } from "./cli/runner";

export interface PartnersOptions {
    /** The side generated: a publisher with n partners (default), or a partner with n publishers. */
    side?: "publisher" | "partner";
    /** Every bucket SSE-KMS, each counterpart's ingress key handed over. Default: SSE-S3. */
    sseKms?: boolean;
    /**
     * The longest derived bucket name (`<bucketPrefix>-<counterpart>-ingress`) has this many characters, up
     * to S3's 63; the counterparts' own bucket names are as long, and their role names IAM's full 64.
     * Default: the short `acme-scale` prefix and short counterpart names.
     */
    bucketNameLength?: number;
    /** A CloudTrail trail of the data buckets' object events. Default: none. */
    auditTrail?: boolean;
}

const SIDES = {
    publisher: { party: "acme-bank", counterparts: "partner", key: "s3-transfer:partners" },
    partner: { party: "loyalty-net", counterparts: "publisher", key: "s3-transfer:publishers" },
} as const;
/** `-publisher-000-ingress`: what follows the bucket prefix in the longest derived name of either side. */
const LONGEST_SUFFIX = "-publisher-000-ingress".length;
const MAX_ROLE_NAME = 64;

function bucketPrefix(length: number | undefined, counterparts: string): string {
    if (length === undefined) return "acme-scale";
    const prefix = length - `-${counterparts}-000-ingress`.length;
    if (length < LONGEST_SUFFIX + 3 || length > 63) throw new UsageError(`--bucket-name-length must be from ${LONGEST_SUFFIX + 3} to 63 (S3's limit), got ${length}`);
    return `acmescale${"x".repeat(prefix)}`.slice(0, prefix);
}

/** `name` padded with `-xxx…` to `length` characters (unchanged without a length). */
const padded = (name: string, length: number | undefined) => (length === undefined ? name : `${name}-`.padEnd(length, "x"));

export function partnersConfig(count: number, options: PartnersOptions = {}): { config: Record<string, unknown> } {
    const side = SIDES[options.side ?? "publisher"];
    const counterparts = Array.from({ length: count }, (_, i) => {
        const name = `${side.counterparts}-${String(i + 1).padStart(3, "0")}`;
        const accountId = String(200000000000 + i + 1);
        return {
            name,
            accountId,
            region: "us-east-1",
            ingressBucketArn: arns.bucket("aws", padded(`${name}-inbound`, options.bucketNameLength)),
            replicationRoleArn: arns.role("aws", accountId, padded(`${name}-replication`, options.bucketNameLength === undefined ? undefined : MAX_ROLE_NAME)),
            ...(options.sseKms ? { ingressKmsKeyArn: arns.kmsKey("aws", "us-east-1", accountId, `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`) } : {}),
        };
    });
    return {
        config: {
            "aws:region": "us-east-1",
            "s3-transfer:side": options.side ?? "publisher",
            "s3-transfer:name": side.party,
            "s3-transfer:accountId": "111122223333",
            "s3-transfer:bucketPrefix": bucketPrefix(options.bucketNameLength, side.counterparts),
            ...(options.sseKms ? { "s3-transfer:encryption": "SSE-KMS" } : {}),
            ...(options.auditTrail ? { "s3-transfer:auditTrail": "create" } : {}),
            [side.key]: counterparts,
        },
    };
}

/** The command, for the entry point below and for tests that run it in process. */
export const command = defineCommand({
    name: "gen-partners",
    usage: [
        "usage: npm run gen-partners -- [--count <n>] [--side publisher|partner] [--sse-kms] [--bucket-name-length <n>] [--audit-trail] [--out <file>]",
        "",
        "  --count <n>                counterparts to generate, 1 to 1000 (default 100)",
        "  --side <side>              publisher (default: a publisher with n partners) or partner (a partner with n publishers)",
        "  --sse-kms                  SSE-KMS buckets, each counterpart's ingress key handed over",
        `  --bucket-name-length <n>   the longest bucket name has n characters, ${LONGEST_SUFFIX + 3} to 63`,
        "  --audit-trail              a CloudTrail trail of the data buckets' object events",
        "  --out <file>               write the config here instead of stdout",
        "  --help                     print this help",
        "",
        "exit status: 0 written; 1 a failure; 2 a usage error (a count or length out of range, a file that cannot be written).",
    ].join("\n"),
    options: {
        count: { type: "string" },
        side: { type: "string" },
        "sse-kms": { type: "boolean" },
        "bucket-name-length": { type: "string" },
        "audit-trail": { type: "boolean" },
        out: { type: "string" },
    },
    run({ values }, io) {
        if (values.out) assertWritable("--out", values.out);
        const count = wholeNumber("--count", values.count ?? "100");
        if (count < 1 || count > 1000) throw new UsageError(`--count must be from 1 to 1000, got ${count}`);
        const generatedSide = values.side ?? "publisher";
        if (generatedSide !== "publisher" && generatedSide !== "partner") throw new UsageError(`--side must be publisher or partner, got ${generatedSide}`);
        const options: PartnersOptions = {
            side: generatedSide,
            sseKms: values["sse-kms"] === true,
            auditTrail: values["audit-trail"] === true,
            ...(values["bucket-name-length"] !== undefined ? { bucketNameLength: wholeNumber("--bucket-name-length", values["bucket-name-length"]) } : {}),
        };
        const config = partnersConfig(count, options);
        const described = generatedSide === "publisher" ? `a publisher with ${count} partners` : `a partner with ${count} publishers`;
        const text = `# Generated by npm run gen-partners -- --count ${count}${generatedSide === "partner" ? " --side partner" : ""}: ${described}, for scale measurements.\n${YAML.stringify(config)}`;
        if (values.out) writeOutputFile("--out", values.out, text);
        else io.stdout(text);
        return 0;
    },
});

if (require.main === module) main(command);
