/**
 * Pure validators for the identifiers that stack config carries. Each returns
 * `undefined` when the value is fine, or a sentence saying what is wrong.
 */
import { partition as sdkPartition } from "@aws-sdk/core/client";
import { parse as parseArn, validate as isArn } from "@aws-sdk/util-arn-parser";

export const ACCOUNT_ID = /^\d{12}$/;

// Every partition's shape: `<geo>-<direction>-<n>`, GovCloud's `us-gov-`, the ISO partitions'
// `us-iso-`/`us-isob-`/`us-isof-`/`eu-isoe-`, and the European Sovereign Cloud's `eusc-de-`
// (the regionRegex of each partition in the AWS SDK's partitions.json).
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?|sc-[a-z]{2})?-[a-z]+-\d{1,2}$/;

export function accountIdProblem(value: string): string | undefined {
    return ACCOUNT_ID.test(value) ? undefined : `must be a 12-digit AWS account ID, got "${value}"`;
}

export function regionProblem(value: string): string | undefined {
    return REGION.test(value) ? undefined : `must be an AWS region such as us-east-1, got "${value}"`;
}

/** The partition whose ARNs a region uses, from the AWS SDK's own partition data (the regions and region patterns of every partition). */
export function partitionOf(region: string): string {
    return sdkPartition(region).name;
}

const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/**
 * S3 general purpose bucket naming rules. `allowDots` is false for buckets this
 * program creates: a dotted name breaks the wildcard TLS certificate of
 * virtual-hosted-style HTTPS, and every request here must be HTTPS.
 */
export function bucketNameProblem(name: string, opts: { allowDots: boolean }): string | undefined {
    const rules: [boolean, string][] = [
        [name.length >= 3 && name.length <= 63, `must be 3 to 63 characters long (has ${name.length})`],
        [/^[a-z0-9.-]+$/.test(name), "may contain only lowercase letters, digits, dots and hyphens"],
        [/^[a-z0-9].*[a-z0-9]$/.test(name), "must begin and end with a lowercase letter or digit"],
        [!name.includes(".."), "must not contain two adjacent dots"],
        [!/^\d{1,3}(\.\d{1,3}){3}$/.test(name), "must not be formatted as an IP address"],
        [!RESERVED_PREFIXES.some((p) => name.startsWith(p)), `must not start with ${RESERVED_PREFIXES.join(", ")}`],
        [!RESERVED_SUFFIXES.some((s) => name.endsWith(s)), `must not end with ${RESERVED_SUFFIXES.join(", ")}`],
        [opts.allowDots || !name.includes("."), "must not contain dots: they break HTTPS certificate matching for virtual-hosted-style requests"],
    ];
    const broken = rules.filter(([ok]) => !ok).map(([, why]) => why);
    return broken.length ? `bucket name "${name}" ${broken.join("; ")}` : undefined;
}

/** A party or counterpart name: it becomes part of bucket, role and resource names. */
export function partyNameProblem(value: string): string | undefined {
    return /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(value) && !value.includes("--")
        ? undefined
        : `must be 2 to 32 lowercase letters, digits or single hyphens, starting with a letter, got "${value}"`;
}

/** The `{Root}` of the file-naming convention: the replication filter prefix without its trailing slash. */
export function rootPrefixProblem(value: string): string | undefined {
    if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(value)) {
        return `must be one or more S3-safe path segments without leading or trailing "/", got "${value}"`;
    }
    if (value.split("/").some((segment) => segment === "." || segment === "..")) {
        return `must not contain "." or ".." segments, got "${value}"`;
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
        : `must be a stack of this project (<stack>, e.g. partner-prod) or a fully qualified <organization>/<project>/<stack> in the same backend, got "${value}"`;
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
    return /^[\w+=,.@-]{1,64}$/.test(value) ? undefined : `IAM role name "${value}" must be 1 to 64 characters of letters, digits and +=,.@_-`;
}

export interface BucketArn {
    partition: string;
    bucketName: string;
}

export function parseBucketArn(value: string): BucketArn | string {
    if (!isArn(value)) return `must be an S3 bucket ARN arn:<partition>:s3:::<bucket>, got "${value}"`;
    const arn = parseArn(value);
    if (arn.service !== "s3" || arn.region !== "" || arn.accountId !== "" || arn.resource.includes("/")) {
        return `must be an S3 bucket ARN arn:<partition>:s3:::<bucket> (no region, account or key), got "${value}"`;
    }
    const nameProblem = bucketNameProblem(arn.resource, { allowDots: true });
    return nameProblem ? `${nameProblem} (in ARN "${value}")` : { partition: arn.partition, bucketName: arn.resource };
}

export interface RoleArn {
    partition: string;
    accountId: string;
    roleName: string;
}

export function parseRoleArn(value: string): RoleArn | string {
    const shape = `must be an IAM role ARN arn:<partition>:iam::<12-digit account>:role/<path/><name>, got "${value}"`;
    if (!isArn(value)) return shape;
    const arn = parseArn(value);
    if (arn.service !== "iam" || arn.region !== "" || !ACCOUNT_ID.test(arn.accountId) || !arn.resource.startsWith("role/")) {
        return shape;
    }
    const roleName = arn.resource.split("/").pop() ?? "";
    const nameProblem = roleNameProblem(roleName);
    return nameProblem ? `${nameProblem} (in ARN "${value}")` : { partition: arn.partition, accountId: arn.accountId, roleName };
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
    const shape = `must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key-id>, got "${value}"`;
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
    const shape = `must be an IAM principal ARN arn:<partition>:iam::<12-digit account>:(root|role/<name>|user/<name>), got "${value}"`;
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
