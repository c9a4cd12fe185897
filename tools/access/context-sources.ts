/**
 * Where each request context key of the access matrix comes from: AWS's
 * documentation of the key (and, for the source keys of a service principal,
 * of that service sending them for that request), or our assumption. A row
 * whose decision rests on an assumed key is only as good as the assumption:
 * the pre-production canary is what confirms it (docs/access-matrix.md).
 */

export type KeySource = { key: string; documented: true; source: string } | { key: string; documented: false; why: string };

const GLOBAL_KEYS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html";
const S3_KEYS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html";
const KMS_KEYS = "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html";

/** Keys whose presence on the request AWS documents, whoever the caller is. */
const DOCUMENTED: Record<string, string> = {
    "aws:SecureTransport": GLOBAL_KEYS,
    "aws:PrincipalArn": GLOBAL_KEYS,
    "aws:PrincipalAccount": GLOBAL_KEYS,
    "aws:PrincipalIsAWSService": GLOBAL_KEYS,
    "aws:PrincipalServiceName": GLOBAL_KEYS,
    "s3:TlsVersion": S3_KEYS,
    "s3:prefix": S3_KEYS,
    "s3:x-amz-server-side-encryption": S3_KEYS,
    "s3:x-amz-server-side-encryption-aws-kms-key-id": S3_KEYS,
    "s3:x-amz-server-side-encryption-customer-algorithm": S3_KEYS,
    "kms:ViaService": KMS_KEYS,
    "kms:CallerAccount": KMS_KEYS,
    "kms:EncryptionContext:aws:s3:arn": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context",
    "sts:ExternalId": "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html",
};

/** aws:SourceAccount / aws:SourceArn: documented per service principal and action, or not at all. */
const SOURCE_KEYS: Record<string, { documented: true; source: string } | { documented: false; why: string }> = {
    "logging.s3.amazonaws.com s3:PutObject": {
        documented: true,
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general",
    },
    "cloudtrail.amazonaws.com s3:PutObject": { documented: true, source: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html" },
    "cloudtrail.amazonaws.com s3:GetBucketAcl": {
        documented: true,
        source: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
    },
    "s3.amazonaws.com sts:AssumeRole": {
        documented: false,
        why: "AWS's replication guide (setting-repl-config-perm-overview) shows the replication role's trust without conditions; no AWS source says S3 sends aws:SourceAccount/aws:SourceArn when it assumes a replication role",
    },
    "batchoperations.s3.amazonaws.com sts:AssumeRole": {
        documented: false,
        why: "AWS's Batch Operations guide (batch-ops-iam-role-policies) shows the trust without conditions; that Batch Operations sends aws:SourceAccount/aws:SourceArn (the job's ARN) is the general confused-deputy guidance, not stated for this service",
    },
};

const SOURCE_KEY_NAMES = new Set(["aws:SourceAccount", "aws:SourceArn"]);

/** The source of one context key of a request with this context and action. */
export function keySource(key: string, context: Record<string, string>, action: string): KeySource {
    if (SOURCE_KEY_NAMES.has(key)) {
        const service = context["aws:PrincipalServiceName"];
        const known = service ? SOURCE_KEYS[`${service} ${action}`] : undefined;
        if (known) return { key, ...known };
        return { key, documented: false, why: `no AWS source says ${service ?? "the caller"} sends ${key} on ${action}, a request the matrix makes up to test a denial` };
    }
    const source = DOCUMENTED[key];
    return source ? { key, documented: true, source } : { key, documented: false, why: `no AWS source recorded for ${key}` };
}

/** The context keys of a request that AWS is only assumed to send. */
export function assumedKeys(context: Record<string, string>, action: string): string[] {
    return Object.keys(context)
        .filter((key) => !keySource(key, context, action).documented)
        .sort();
}
