// Type tokens, by concern. Policies match on these strings rather than on
// @pulumi/aws classes so that the pack needs no provider SDK, judges v5, v6 and v7
// programs alike, and reads `pulumi stack export` files of any program.
//
// @pulumi/aws v7 names the split S3 resources without a suffix; v6 programs used
// the `…V2` tokens (which v7 keeps as deprecated aliases) for the settings that had
// a legacy inline twin. Policy, public access block, ownership controls and
// replication configuration never had a V2 token.

export const TYPES = {
    bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    encryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    accountPublicAccessBlock: ["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
    ownership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    policy: ["aws:s3/bucketPolicy:BucketPolicy"],
    acl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
    replication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
    object: ["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/objectCopy:ObjectCopy"],
    accessPoint: ["aws:s3/accessPoint:AccessPoint"],
    accessPointPolicy: ["aws:s3control/accessPointPolicy:AccessPointPolicy"],
    logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
    role: ["aws:iam/role:Role"],
    rolePolicy: ["aws:iam/rolePolicy:RolePolicy"],
    managedPolicy: ["aws:iam/policy:Policy"],
    rolePolicyAttachment: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
    policyAttachment: ["aws:iam/policyAttachment:PolicyAttachment"],
} as const;

export type Concern = keyof typeof TYPES;

const byToken = new Map<string, Concern>();
for (const [concern, tokens] of Object.entries(TYPES) as [Concern, readonly string[]][]) {
    for (const t of tokens) {
        byToken.set(t, concern);
    }
}

/** Which concern a type token belongs to, if any. */
export function concernOf(type: string): Concern | undefined {
    return byToken.get(type);
}

export function isType(type: string, concern: Concern): boolean {
    return byToken.get(type) === concern;
}

/** The legacy BucketV2 resource spells its inline blocks as lists with plural names. */
export function isLegacyV2Bucket(type: string): boolean {
    return type === "aws:s3/bucketV2:BucketV2";
}
