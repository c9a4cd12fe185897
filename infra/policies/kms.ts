/**
 * KMS key policy statements and the KMS parts of identity and bucket policies.
 * Every cross-account grant names the account root narrowed by
 * `aws:PrincipalArn` (KMS, like S3, rejects a policy naming a principal that
 * does not exist yet) and `kms:ViaService`, so the key is usable only through S3.
 */
import { arns, PolicyStatement } from "./document";

const viaS3 = (region: string) => `s3.${region}.amazonaws.com`;

/**
 * The key's own account administers it and may delegate use through IAM.
 * Without this statement a key policy can lock the account out of its own key.
 */
export function keyAdministrationStatement(partition: string, accountId: string): PolicyStatement {
    return {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: arns.accountRoot(partition, accountId) },
        Action: "kms:*",
        Resource: "*",
    };
}

export interface ReplicaKeyGrant {
    partition: string;
    /** The destination bucket's region: S3 calls KMS from there. */
    region: string;
    sourceAccountId: string;
    sourceRoleArn: string;
}

/** Lets the sending side's replication role encrypt replicas with our ingress key, through S3 only. */
export function replicaKeyGrantStatement(grant: ReplicaKeyGrant): PolicyStatement {
    return {
        Sid: `ReplicationEncryptsReplicas${grant.sourceAccountId}`,
        Effect: "Allow",
        Principal: { AWS: arns.accountRoot(grant.partition, grant.sourceAccountId) },
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
            StringEquals: {
                "aws:PrincipalArn": grant.sourceRoleArn,
                "kms:ViaService": viaS3(grant.region),
                "kms:CallerAccount": grant.sourceAccountId,
            },
        },
    };
}

/**
 * The actions a vendor writing directly into our bucket needs on its key: a
 * multipart upload generates data keys and decrypts them to complete the upload
 * (the vendor's guide lists exactly these).
 */
export const VENDOR_MULTIPART_KMS_ACTIONS = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
];

/**
 * Through S3 only. Not narrowed by encryption context to the drop bucket: the
 * IAM simulator cannot evaluate kms:EncryptionContext keys, so that condition
 * would turn the vendor's proven access into an unproven one, and what it
 * would prevent (the vendor encrypting its own objects elsewhere with this
 * key) exposes none of our files.
 */
export function vendorKeyGrantStatement(args: { sid: string; principalArn: string; region: string }): PolicyStatement {
    return {
        Sid: args.sid,
        Effect: "Allow",
        Principal: { AWS: args.principalArn },
        Action: VENDOR_MULTIPART_KMS_ACTIONS,
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": viaS3(args.region) } },
    };
}

/**
 * With S3 Bucket Keys the encryption context is the bucket ARN; without them,
 * the object ARN. Both are admitted so that an object uploaded with bucket keys
 * turned off still replicates.
 */
function encryptionContext(bucketArn: string, root: string): Record<string, string[]> {
    return { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/${root}/*`] };
}

export interface ReplicationKmsArgs {
    sourceKeyArn: string;
    sourceBucketArn: string;
    sourceRegion: string;
    /** The counterpart's ingress key that replicas are encrypted with. */
    replicaKeyArn: string;
    destinationBucketArn: string;
    destinationRegion: string;
    root: string;
}

/** What a replication role needs for SSE-KMS objects: decrypt at the source, encrypt at the destination. */
export function replicationKmsStatements(args: ReplicationKmsArgs): PolicyStatement[] {
    return [
        {
            Sid: "DecryptSourceObjects",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: args.sourceKeyArn,
            Condition: { StringEquals: { "kms:ViaService": viaS3(args.sourceRegion) }, StringLike: encryptionContext(args.sourceBucketArn, args.root) },
        },
        {
            Sid: "EncryptReplicas",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
            Resource: args.replicaKeyArn,
            Condition: { StringEquals: { "kms:ViaService": viaS3(args.destinationRegion) }, StringLike: encryptionContext(args.destinationBucketArn, args.root) },
        },
    ];
}

/**
 * On an SSE-S3 bucket, uploads that ask for KMS encryption are refused: the
 * key would be the uploader's (a vendor has full rights on its own keys), and
 * we could not read the file.
 */
export function denyKmsOnSseS3Statement(bucketArn: string): PolicyStatement {
    return {
        Sid: "DenyKmsUploads",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        Condition: { StringEquals: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] } },
    };
}

/**
 * Uploads that name another KMS key than the bucket's are refused, so no file
 * lands under a key the counterpart cannot use or we cannot audit. The Null
 * test keeps uploads that name no key (default encryption applies) allowed.
 */
export function denyOtherKmsKeysStatement(bucketArn: string, keyArn: string): PolicyStatement {
    return {
        Sid: "DenyOtherKmsKeys",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        Condition: {
            StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn },
            Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        },
    };
}
