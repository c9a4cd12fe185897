/**
 * The Batch Replication role of a side: S3 Batch Operations assumes it to
 * replicate what live replication does not (objects written before the rule,
 * and failed ones). The live-replication role cannot: it is trusted by
 * s3.amazonaws.com only and has no s3:InitiateReplication.
 *
 * Source: S3 User Guide, "Configuring an IAM role for S3 Batch Replication",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-policies.html
 * (the policy for an S3-generated manifest), and "Granting permissions for
 * Batch Operations" (trust policy; the role needs the KMS keys of the objects
 * it operates on), https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html
 */
import { arns, PolicyDocument, policyDocument, PolicyStatement } from "./document";

/** Generated manifests and completion reports go under this prefix of the side's log bucket in the job's region. */
export const BATCH_REPLICATION_PREFIX = "batch-replication";

export const BATCH_OPERATIONS_SERVICE = "batchoperations.s3.amazonaws.com";

/** ARN pattern of every Batch Operations job of an account, in any region. */
export function batchJobArnPattern(partition: string, accountId: string): string {
    return arns.batchJob(partition, "*", accountId, "*");
}

/**
 * Only S3 Batch Operations may assume the role, and only for jobs of our own
 * account. AWS's guide shows the trust unconditioned; `aws:SourceAccount` and
 * `aws:SourceArn` are the global confused-deputy keys (IAM User Guide,
 * confused-deputy). That Batch Operations sends them when it assumes the role
 * is not stated on the Batch Operations pages: the first batch job of the
 * pre-production pair is the proof (docs/operations.md).
 */
export function batchReplicationTrustPolicy(args: { partition: string; accountId: string }): PolicyDocument {
    return policyDocument([
        {
            Sid: "S3BatchOperationsOfThisAccount",
            Effect: "Allow",
            Principal: { Service: BATCH_OPERATIONS_SERVICE },
            Action: "sts:AssumeRole",
            Condition: {
                StringEquals: { "aws:SourceAccount": args.accountId },
                ArnLike: { "aws:SourceArn": batchJobArnPattern(args.partition, args.accountId) },
            },
        },
    ]);
}

export interface BatchReplicationSource {
    /** An egress bucket whose replication rule the job re-runs. */
    bucketArn: string;
    /** Only `{root}/` replicates, so only objects there are initiated. */
    root: string;
    region: string;
    /** With SSE-KMS: the egress bucket's key. */
    kmsKeyArn?: string;
}

export interface BatchReplicationPermissionsArgs {
    sources: BatchReplicationSource[];
    /** The log buckets (one per region of the sources) that hold manifests and reports. */
    workBucketArns: string[];
}

/**
 * AWS's policy "if using and storing an Amazon S3 generated manifest", each
 * action on the narrowest resource: s3:InitiateReplication on the egress
 * buckets' `{root}/` objects; s3:GetReplicationConfiguration and
 * s3:PutInventoryConfiguration (S3 builds the manifest from an inventory) on
 * the egress buckets; manifest read and manifest/report write under
 * `batch-replication/` of the log buckets. With SSE-KMS, kms:Decrypt on the
 * egress keys through S3, for the egress objects only.
 */
export function batchReplicationPermissionsPolicy(args: BatchReplicationPermissionsArgs): PolicyDocument {
    const sources = [...args.sources].sort((a, b) => a.bucketArn.localeCompare(b.bucketArn));
    const work = [...new Set(args.workBucketArns)].sort().map((arn) => `${arn}/${BATCH_REPLICATION_PREFIX}/*`);
    const keyed = sources.filter((s): s is BatchReplicationSource & { kmsKeyArn: string } => s.kmsKeyArn !== undefined);
    const statements: PolicyStatement[] = [
        { Sid: "InitiateReplication", Effect: "Allow", Action: "s3:InitiateReplication", Resource: sources.map((s) => arns.objectsUnder(s.bucketArn, s.root)) },
        {
            Sid: "ReadReplicationAndInventory",
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration"],
            Resource: sources.map((s) => s.bucketArn),
        },
        { Sid: "ReadManifests", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: work },
        { Sid: "WriteManifestsAndReports", Effect: "Allow", Action: "s3:PutObject", Resource: work },
        ...keyed.map((s, i): PolicyStatement => ({
            Sid: `DecryptSourceObjects${i}`,
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: s.kmsKeyArn,
            Condition: {
                StringEquals: { "kms:ViaService": `s3.${s.region}.amazonaws.com` },
                StringLike: { "kms:EncryptionContext:aws:s3:arn": [s.bucketArn, `${s.bucketArn}/${s.root}/*`] },
            },
        })),
    ];
    return policyDocument(statements);
}
