/**
 * Pure validators for the identifiers that stack config carries. Each returns
 * `undefined` when the value is fine, or a sentence saying what is wrong.
 */
import { partition as sdkPartition } from "@aws-sdk/core/client";
import { parse as parseArn, validate as isArn } from "@aws-sdk/util-arn-parser";
import { quote } from "../input/messages";

export const ACCOUNT_ID = /^\d{12}$/;

// Every partition's shape: `<geo>-<direction>-<n>`, GovCloud's `us-gov-`, the ISO partitions'
// `us-iso-`/`us-isob-`/`us-isof-`/`eu-isoe-`, and the European Sovereign Cloud's `eusc-de-`
// (the regionRegex of each partition in the AWS SDK's partitions.json).
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?|sc-[a-z]{2})?-[a-z]+-\d{1,2}$/;

export function accountIdProblem(value: string): string | undefined {
    return ACCOUNT_ID.test(value) ? undefined : `must be a 12-digit AWS account ID, got ${quote(value)}`;
}

export function regionProblem(value: string): string | undefined {
    return REGION.test(value) ? undefined : `must be an AWS region such as us-east-1, got ${quote(value)}`;
}

/** The partition whose ARNs a region uses, from the AWS SDK's own partition data (the regions and region patterns of every partition). */
export function partitionOf(region: string): string {
    return sdkPartition(region).name;
}

/** S3's general purpose bucket naming rules, as its User Guide lists them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export const BUCKET_NAMING_RULES_URL = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html";

/** Prefixes S3 refuses at the start of a bucket name, and why (`sthree-` covers `sthree-configurator`). */
const RESERVED_PREFIXES: readonly [string, string][] = [
    ["xn--", "the prefix of internationalized (punycode) domain names"],
    ["sthree-", "reserved by S3, as is sthree-configurator"],
    ["amzn-s3-demo-", "reserved for AWS's documentation examples"],
];

/** Suffixes S3 refuses at the end of a general purpose bucket's name, and what it keeps them for. */
const RESERVED_SUFFIXES: readonly [string, string][] = [
    ["-s3alias", "access point aliases"],
    ["--ol-s3", "Object Lambda Access Point aliases"],
    [".mrap", "Multi-Region Access Point names"],
    ["--x-s3", "directory buckets"],
    ["--table-s3", "S3 table buckets"],
];

/**
 * The suffix of a bucket in an account's regional namespace (`<prefix>-<account>-<region>-an`,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html): only such a
 * bucket's name ends with it, and this program creates its buckets in the global namespace.
 */
const ACCOUNT_REGIONAL_SUFFIX = "-an";

export type BucketNameRule =
    "length" | "uppercase" | "characters" | "start" | "end" | "adjacent-dots" | "ip-address" | "reserved-prefix" | "reserved-suffix" | "account-regional-suffix" | "dots";

/** One naming rule a bucket name breaks, in words that say what is wrong with this name. */
export interface BucketNameBreak {
    rule: BucketNameRule;
    problem: string;
}

/**
 * Every S3 naming rule a bucket name breaks, each with its own sentence.
 * `allowDots` is false for buckets this program creates: a dotted name breaks
 * the wildcard TLS certificate of virtual-hosted-style HTTPS, and every
 * request here must be HTTPS; they are created in the global namespace, so the
 * account-regional suffix is theirs to avoid too. A counterpart's bucket (in an
 * ARN) is checked with `allowDots` true: it may have dots, or live in its owner's
 * regional namespace.
 */
export function bucketNameBreaks(name: string, opts: { allowDots: boolean }): BucketNameBreak[] {
    const breaks: BucketNameBreak[] = [];
    const add = (rule: BucketNameRule, problem: string) => breaks.push({ rule, problem });
    if (name.length < 3 || name.length > 63) add("length", `is ${name.length.toLocaleString("en-US")} characters long; S3 allows 3 to 63`);
    if (/[A-Z]/.test(name)) add("uppercase", "has upper-case letters; S3 bucket names are lower case");
    const others = [...new Set(name.replace(/[a-zA-Z0-9.-]/g, ""))];
    if (others.length) {
        const shown = others
            .slice(0, 5)
            .map((c) => JSON.stringify(c))
            .join(", ");
        add("characters", `has ${shown}${others.length > 5 ? " and more" : ""}, which S3 does not allow (only lower-case letters, digits, dots and hyphens)`);
    }
    const first = name.charAt(0);
    const last = name.charAt(name.length - 1);
    if (name && /[.-]/.test(first)) add("start", `begins with ${JSON.stringify(first)}; S3 bucket names begin with a letter or digit`);
    if (last === ".") add("end", "ends with a dot; S3 bucket names end with a letter or digit (a trailing dot is how DNS writes a full name, not part of a bucket name)");
    else if (last === "-") add("end", `ends with "-"; S3 bucket names end with a letter or digit`);
    if (name.includes("..")) add("adjacent-dots", "has two adjacent dots, which S3 does not allow");
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) add("ip-address", "is formatted as an IP address, which S3 does not allow");
    for (const [prefix, why] of RESERVED_PREFIXES) {
        if (name.startsWith(prefix)) add("reserved-prefix", `starts with "${prefix}", which S3 reserves (${why})`);
    }
    for (const [suffix, what] of RESERVED_SUFFIXES) {
        if (name.endsWith(suffix)) add("reserved-suffix", `ends with "${suffix}", which S3 reserves for ${what}`);
    }
    if (!opts.allowDots && name.endsWith(ACCOUNT_REGIONAL_SUFFIX)) {
        add(
            "account-regional-suffix",
            `ends with "${ACCOUNT_REGIONAL_SUFFIX}", which S3 reserves for buckets in an account's regional namespace (<prefix>-<account>-<region>-an); this program creates its buckets in the global namespace`,
        );
    }
    // A trailing dot is said above; the dots rule is about the others.
    if (!opts.allowDots && name.slice(0, -1).includes("."))
        add("dots", "has dots, which break the wildcard TLS certificate of virtual-hosted-style HTTPS requests (every request here is HTTPS)");
    return breaks;
}

/** The rules a name breaks as one sentence (`bucket name "x" is 1 characters long; ...`), or undefined when S3 accepts it. */
export function bucketNameProblem(name: string, opts: { allowDots: boolean }): string | undefined {
    const broken = bucketNameBreaks(name, opts);
    return broken.length ? `bucket name ${quote(name)} ${broken.map((b) => b.problem).join("; ")}` : undefined;
}

/**
 * A name close to a refused one that S3 accepts, for a fix: lower case, other
 * characters (and, for our buckets, dots) made hyphens, reserved affixes and
 * edge punctuation dropped, cut to 63. Undefined when no such name comes out.
 */
export function bucketNameSuggestion(name: string, opts: { allowDots: boolean }): string | undefined {
    let s = name
        .slice(0, 256)
        .toLowerCase()
        .replace(/[^a-z0-9.-]+/g, "-");
    if (!opts.allowDots) s = s.replace(/\.+/g, "-");
    s = s.replace(/\.{2,}/g, ".");
    for (const [prefix] of RESERVED_PREFIXES) if (s.startsWith(prefix)) s = s.slice(prefix.length);
    for (const [suffix] of [...RESERVED_SUFFIXES, ...(opts.allowDots ? [] : [[ACCOUNT_REGIONAL_SUFFIX]])]) if (s.endsWith(suffix)) s = s.slice(0, -suffix.length);
    s = s
        .replace(/^[^a-z0-9]+/, "")
        .slice(0, 63)
        .replace(/[^a-z0-9]+$/, "");
    return s !== name && bucketNameBreaks(s, opts).length === 0 ? s : undefined;
}

/** A party or counterpart name: it becomes part of bucket, role and resource names. */
export function partyNameProblem(value: string): string | undefined {
    return /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(value) && !value.includes("--")
        ? undefined
        : `must be 2 to 32 lowercase letters, digits or single hyphens, starting with a letter, got ${quote(value)}`;
}

/** The `{Root}` of the file-naming convention: the replication filter prefix without its trailing slash. */
export function rootPrefixProblem(value: string): string | undefined {
    if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(value)) {
        return `must be one or more S3-safe path segments without leading or trailing "/", got ${quote(value)}`;
    }
    if (value.split("/").some((segment) => segment === "." || segment === "..")) {
        return `must not contain "." or ".." segments, got ${quote(value)}`;
    }
    return value.length <= 512 ? undefined : "must be at most 512 characters";
}

const STACK_PART = "[A-Za-z0-9_.-]+";
const STACK_REFERENCE = new RegExp(`^(?:(${STACK_PART})/(${STACK_PART})/)?(${STACK_PART})$`);

/**
 * A stack reference: a stack of this project in the deploying backend's own
 * organization (`<stack>`, the usual form), or a fully qualified
 * `<organization>/<project>/<stack>` in the same backend. A reference never
 * reaches another backend, so it never joins two companies.
 */
export function stackNameProblem(value: string): string | undefined {
    return STACK_REFERENCE.test(value)
        ? undefined
        : `must be a stack of this project (<stack>, e.g. partner-prod) or a fully qualified <organization>/<project>/<stack> in the same backend, got ${quote(value)}`;
}

/**
 * The fully qualified name a stack reference resolves to: a bare `<stack>` is
 * qualified with the backend's organization (\`pulumi.getOrganization()\`; the
 * self-managed backend's is always \`organization\`) and this project.
 */
export function qualifiedStackName(reference: string, organization: string, project: string): string {
    const match = STACK_REFERENCE.exec(reference);
    if (!match) throw new Error(`not a stack reference: ${reference}`);
    return match[1] ? reference : `${organization}/${project}/${match[3]}`;
}

export function roleNameProblem(value: string): string | undefined {
    return /^[\w+=,.@-]{1,64}$/.test(value) ? undefined : `IAM role name ${quote(value)} must be 1 to 64 characters of letters, digits and +=,.@_-`;
}

export interface BucketArn {
    partition: string;
    bucketName: string;
}

export function parseBucketArn(value: string): BucketArn | string {
    if (!isArn(value)) return `must be an S3 bucket ARN arn:<partition>:s3:::<bucket>, got ${quote(value)}`;
    const arn = parseArn(value);
    if (arn.service !== "s3" || arn.region !== "" || arn.accountId !== "" || arn.resource.includes("/")) {
        return `must be an S3 bucket ARN arn:<partition>:s3:::<bucket> (no region, account or key), got ${quote(value)}`;
    }
    const nameProblem = bucketNameProblem(arn.resource, { allowDots: true });
    return nameProblem ? `${nameProblem} (in ARN ${quote(value)})` : { partition: arn.partition, bucketName: arn.resource };
}

export interface RoleArn {
    partition: string;
    accountId: string;
    roleName: string;
}

export function parseRoleArn(value: string): RoleArn | string {
    const shape = `must be an IAM role ARN arn:<partition>:iam::<12-digit account>:role/<path/><name>, got ${quote(value)}`;
    if (!isArn(value)) return shape;
    const arn = parseArn(value);
    if (arn.service !== "iam" || arn.region !== "" || !ACCOUNT_ID.test(arn.accountId) || !arn.resource.startsWith("role/")) {
        return shape;
    }
    const roleName = arn.resource.split("/").pop() ?? "";
    const nameProblem = roleNameProblem(roleName);
    return nameProblem ? `${nameProblem} (in ARN ${quote(value)})` : { partition: arn.partition, accountId: arn.accountId, roleName };
}

export interface KmsKeyArn {
    partition: string;
    region: string;
    accountId: string;
}

/**
 * A key ID as KMS assigns it: 32 hex digits as a UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`), or a
 * multi-Region key's `mrk-` and 32 hex digits (AWS KMS Developer Guide, "Key identifiers (KeyId)":
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id).
 */
const KMS_KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** A KMS key ARN (not an alias: cross-account use needs the key's full ARN), with a key ID of the shape KMS assigns. */
export function parseKmsKeyArn(value: string): KmsKeyArn | string {
    const shape = `must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key-id>, got ${quote(value)}`;
    if (!isArn(value)) return shape;
    const arn = parseArn(value);
    if (arn.service !== "kms" || !ACCOUNT_ID.test(arn.accountId) || regionProblem(arn.region) || !arn.resource.startsWith("key/")) {
        return shape;
    }
    if (!KMS_KEY_ID.test(arn.resource.slice("key/".length))) {
        return `must name a key ID as KMS assigns it (a UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab, or mrk- and 32 hex digits), got "${arn.resource.slice("key/".length)}" in "${value}"`;
    }
    return { partition: arn.partition, region: arn.region, accountId: arn.accountId };
}

export interface PrincipalArn {
    partition: string;
    accountId: string;
}

/** An IAM principal a bucket or trust policy can name: an account root, a role or a user. */
export function parsePrincipalArn(value: string): PrincipalArn | string {
    const shape = `must be an IAM principal ARN arn:<partition>:iam::<12-digit account>:(root|role/<name>|user/<name>), got ${quote(value)}`;
    if (!isArn(value)) return shape;
    const arn = parseArn(value);
    if (arn.service !== "iam" || arn.region !== "" || !ACCOUNT_ID.test(arn.accountId) || !/^(root|(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/.test(arn.resource)) {
        return shape;
    }
    return { partition: arn.partition, accountId: arn.accountId };
}

/** An `sts:ExternalId` as AWS accepts it. */
export function externalIdProblem(value: string): string | undefined {
    return /^[\w+=,.@:\/-]{2,1224}$/.test(value) ? undefined : "must be 2 to 1224 characters of letters, digits and +=,.@:/_-";
}
