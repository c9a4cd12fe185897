// Type tokens, by concern. Policies match on these strings rather than on
// provider SDK classes so that the pack needs no provider SDK, judges programs of
// either AWS provider alike, and reads `pulumi stack export` files of any program.
//
// @pulumi/aws (the classic provider): v7 names the split S3 resources without a
// suffix; v6 programs used the `…V2` tokens (which v7 keeps as deprecated aliases)
// for the settings that had a legacy inline twin. Policy, public access block,
// ownership controls and replication configuration never had a V2 token.
//
// @pulumi/aws-native (CloudFormation-shaped, through the Cloud Control API): an
// `aws-native:s3:Bucket` carries its versioning, encryption, public access block,
// ownership, replication and logging as properties of its own (lib/native.ts
// reads them as the settings they are); policies, access points and IAM are
// resources of their own, as in the classic provider. Names of the properties
// read: @pulumi/aws-native's typings (s3/*.d.ts, iam/*.d.ts, types/input.d.ts).

export const TYPES = {
    bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws-native:s3:Bucket"],
    versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    encryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    accountPublicAccessBlock: ["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
    ownership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    policy: ["aws:s3/bucketPolicy:BucketPolicy", "aws-native:s3:BucketPolicy"],
    acl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
    replication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
    requestPayment: [
        "aws:s3/bucketRequestPaymentConfiguration:BucketRequestPaymentConfiguration",
        "aws:s3/bucketRequestPaymentConfigurationV2:BucketRequestPaymentConfigurationV2",
    ],
    object: ["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/objectCopy:ObjectCopy"],
    accessPoint: ["aws:s3/accessPoint:AccessPoint", "aws-native:s3:AccessPoint"],
    accessPointPolicy: ["aws:s3control/accessPointPolicy:AccessPointPolicy"],
    multiRegionAccessPoint: ["aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint", "aws-native:s3:MultiRegionAccessPoint"],
    multiRegionAccessPointPolicy: ["aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy", "aws-native:s3:MultiRegionAccessPointPolicy"],
    logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
    role: ["aws:iam/role:Role", "aws-native:iam:Role"],
    rolePolicy: ["aws:iam/rolePolicy:RolePolicy", "aws-native:iam:RolePolicy"],
    managedPolicy: ["aws:iam/policy:Policy", "aws-native:iam:ManagedPolicy"],
    rolePolicyAttachment: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
    policyAttachment: ["aws:iam/policyAttachment:PolicyAttachment"],
    provider: ["pulumi:providers:aws", "pulumi:providers:aws-native"],
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

/** A resource of @pulumi/aws-native (CloudFormation-shaped properties). */
export function isNative(type: string): boolean {
    return type.startsWith("aws-native:");
}

/** The package whose default provider serves a resource of this type: `aws` or `aws-native`. */
export function packageOf(type: string): string {
    const i = type.indexOf(":");
    return i > 0 ? type.slice(0, i) : type;
}
