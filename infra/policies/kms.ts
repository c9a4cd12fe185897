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

/**
 * What the replicating principal does with the key that encrypts replicas:
 * encrypt them, and, because every SSE-KMS bucket here has S3 Bucket Keys on
 * and replicas keep the source's Bucket Key setting, decrypt: "To use
 * replication with an S3 Bucket Key, the AWS KMS key policy for the KMS key
 * that's used to encrypt the object replica must include the kms:Decrypt
 * permission for the calling principal" (S3 User Guide,
 * replication-config-for-kms-objects, "Amazon S3 Bucket Keys and replication").
 */
export const REPLICA_KEY_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"];

/** Lets the sending side's replication role encrypt replicas with our ingress key, through S3 only. */
export function replicaKeyGrantStatement(grant: ReplicaKeyGrant): PolicyStatement {
    return {
        Sid: `ReplicationEncryptsReplicas${grant.sourceAccountId}`,
        Effect: "Allow",
        Principal: { AWS: arns.accountRoot(grant.partition, grant.sourceAccountId) },
        Action: REPLICA_KEY_ACTIONS,
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
 * Through S3 only, and only for objects of the drop bucket: S3 always passes
 * `aws:s3:arn` as the encryption context, the bucket's ARN with S3 Bucket Keys
 * and the object's without (S3 User Guide, UsingKMSEncryption, "Encryption
 * context"), so the condition costs the vendor nothing it does in the drop.
 * Without it the vendor could have S3 use our key for objects in any bucket
 * (its own included), leaving our key's audit trail and its cost open to it.
 * `kms:DescribeKey` takes no encryption context
 * (https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html:
 * only cryptographic operations carry one), so under that condition it would
 * never match: it gets a statement of its own, through S3 only.
 * The access matrix cannot evaluate encryption-context conditions (the
 * simulator drops the key): those rows say "not evaluated", and the
 * pre-production canary is the proof, not a weaker policy.
 */
export function vendorKeyGrantStatements(args: { sid: string; principalArn: string; region: string; bucketArn: string }): PolicyStatement[] {
    const viaS3Only = { StringEquals: { "kms:ViaService": viaS3(args.region) } };
    return [
        {
            Sid: args.sid,
            Effect: "Allow",
            Principal: { AWS: args.principalArn },
            Action: VENDOR_MULTIPART_KMS_ACTIONS.filter((action) => action !== "kms:DescribeKey"),
            Resource: "*",
            Condition: { ...viaS3Only, StringLike: { "kms:EncryptionContext:aws:s3:arn": [args.bucketArn, `${args.bucketArn}/*`] } },
        },
        { Sid: `${args.sid}DescribeKey`, Effect: "Allow", Principal: { AWS: args.principalArn }, Action: "kms:DescribeKey", Resource: "*", Condition: viaS3Only },
    ];
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

/**
 * What a replication role needs for SSE-KMS objects: decrypt at the source;
 * encrypt at the destination, and decrypt there too, which S3 Bucket Keys on
 * the replicas require (see REPLICA_KEY_ACTIONS).
 */
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
            Action: REPLICA_KEY_ACTIONS,
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
 * An upload that asks for `aws:kms` (or `aws:kms:dsse`) without naming a key
 * is encrypted with the AWS managed `aws/s3` key of the bucket owner's account
 * (S3 API, PutObject, `x-amz-server-side-encryption-aws-kms-key-id`: "If you
 * specify x-amz-server-side-encryption:aws:kms ... but do not provide
 * x-amz-server-side-encryption-aws-kms-key-id, Amazon S3 uses the AWS managed
 * key (aws/s3)"). No other account can use an AWS managed key, so the object
 * could not replicate and the counterpart could not read it: refused on every
 * SSE-KMS bucket. An upload without any encryption header still gets the
 * bucket's default key.
 */
export function denyKmsWithoutKeyIdStatement(bucketArn: string): PolicyStatement {
    return {
        Sid: "DenyKmsWithoutKeyId",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        Condition: {
            StringEquals: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] },
            Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
        },
    };
}

/**
 * Uploads with a customer-provided key (SSE-C) are refused on every data
 * bucket: nobody but the uploader holds the key, so neither we nor the
 * counterpart could read the file, and SSE-C objects now replicate (S3 User
 * Guide, replication-config-for-kms-objects) into replicas as unreadable. The
 * request carries `x-amz-server-side-encryption-customer-algorithm`, which S3
 * exposes as a condition key of s3:PutObject (Service Authorization Reference,
 * list_amazons3).
 */
export function denySseCStatement(bucketArn: string): PolicyStatement {
    return {
        Sid: "DenySseCUploads",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
    };
}

/**
 * The upload-encryption denies of a data bucket's policy: with its own key,
 * no other key and no `aws:kms` without a key id; without one, no KMS at all;
 * and never SSE-C.
 */
export function uploadEncryptionStatements(bucketArn: string, keyArn?: string): PolicyStatement[] {
    return [
        ...(keyArn ? [denyOtherKmsKeysStatement(bucketArn, keyArn), denyKmsWithoutKeyIdStatement(bucketArn)] : [denyKmsOnSseS3Statement(bucketArn)]),
        denySseCStatement(bucketArn),
    ];
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
