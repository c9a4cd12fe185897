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
    role: (partition: string, accountId: string, roleName: string) => `arn:${partition}:iam::${accountId}:role/${roleName}`,
};

/** The partition an ARN lives in (`arn:<partition>:...`). */
export function partitionOfArn(arn: string): string {
    return arn.split(":")[1];
}

/** The bucket an S3 bucket ARN names (`arn:<p>:s3:::<bucket>`). */
export function bucketNameOfArn(arn: string): string {
    return arn.split(":::")[1] ?? arn;
}
