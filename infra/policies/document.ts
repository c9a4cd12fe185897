/** Plain IAM policy document types: what builders return and what tests assert. */

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | { AWS?: string | string[]; Service?: string | string[] };
    Action: string | string[];
    Resource?: string | string[];
    Condition?: ConditionBlock;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/**
 * The statements of a policy read back (a planned resource's input, a simulator's document): given as
 * JSON text or as the object, `Statement` as a list or a single statement (IAM takes both), none when absent.
 */
export function statementsOf(policy: unknown): Record<string, unknown>[] {
    const parsed = typeof policy === "string" ? (JSON.parse(policy) as unknown) : policy;
    const statement = (parsed as { Statement?: unknown } | null | undefined)?.Statement;
    return (Array.isArray(statement) ? statement : statement ? [statement] : []) as Record<string, unknown>[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
    const sids = statements.map((s) => s.Sid).filter((sid): sid is string => sid !== undefined);
    const duplicate = sids.find((sid, i) => sids.indexOf(sid) !== i);
    if (duplicate) throw new Error(`policy statement Sid "${duplicate}" appears twice; a composed policy needs unique Sids`);
    return { Version: "2012-10-17", Statement: statements };
}

export const arns = {
    bucket: (partition: string, bucketName: string) => `arn:${partition}:s3:::${bucketName}`,
    objectsUnder: (bucketArn: string, root: string) => `${bucketArn}/${root}/*`,
    accountRoot: (partition: string, accountId: string) => `arn:${partition}:iam::${accountId}:root`,
    /** `path` begins and ends with "/" (IAM's default is "/"). */
    role: (partition: string, accountId: string, roleName: string, path = "/") => `arn:${partition}:iam::${accountId}:role${path}${roleName}`,
    /** A role's session as STS names the caller (`aws:PrincipalArn` stays the role's ARN). */
    assumedRole: (partition: string, accountId: string, roleName: string, sessionName: string) => `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    /** A customer managed policy; `path` begins and ends with "/". */
    managedPolicy: (partition: string, accountId: string, path: string, name: string) => `arn:${partition}:iam::${accountId}:policy${path}${name}`,
    kmsKey: (partition: string, region: string, accountId: string, keyId: string) => `arn:${partition}:kms:${region}:${accountId}:key/${keyId}`,
    /** `aliasName` as KMS spells it, `alias/<name>`. */
    kmsAlias: (partition: string, region: string, accountId: string, aliasName: string) => `arn:${partition}:kms:${region}:${accountId}:${aliasName}`,
    snsTopic: (partition: string, region: string, accountId: string, name: string) => `arn:${partition}:sns:${region}:${accountId}:${name}`,
    /** `name` may end in `*` for a pattern of alarms. */
    alarm: (partition: string, region: string, accountId: string, name: string) => `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${name}`,
    trail: (partition: string, region: string, accountId: string, name: string) => `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${name}`,
    /** `region` and `jobId` may be `*` for a pattern. */
    batchJob: (partition: string, region: string, accountId: string, jobId: string) => `arn:${partition}:s3:${region}:${accountId}:job/${jobId}`,
};

/** The account an ARN belongs to (empty for an S3 bucket's). */
export function accountOfArn(arn: string): string {
    return arn.split(":")[4];
}

/** The region of an ARN (empty for a global service's). */
export function regionOfArn(arn: string): string {
    return arn.split(":")[3];
}

/** The same resource name in another account: what a look-alike in an account of no party here would be. */
export function inAccount(arn: string, accountId: string): string {
    return arn
        .split(":")
        .map((part, i) => (i === 4 ? accountId : part))
        .join(":");
}

/** The last segment of a resource ARN's path: a role's name, a key's ID. */
export function lastPathSegmentOfArn(arn: string): string {
    return arn.split("/").pop() ?? arn;
}

/** The partition an ARN lives in (`arn:<partition>:...`). */
export function partitionOfArn(arn: string): string {
    return arn.split(":")[1];
}

/** The bucket an S3 bucket ARN names (`arn:<p>:s3:::<bucket>`). */
export function bucketNameOfArn(arn: string): string {
    return arn.split(":::")[1] ?? arn;
}
