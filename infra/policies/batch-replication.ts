/**
 * The Batch Replication role of a link: S3 Batch Operations assumes it to
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
 * Only S3 Batch Operations may assume the role. AWS documents this trust
 * without conditions (S3 User Guide, batch-ops-iam-role-policies, "Trust
 * policy"), and no AWS page says Batch Operations sends `aws:SourceAccount`
 * and `aws:SourceArn` when it assumes the role: if it does not, no job can
 * run. So the conditions that would close the confused-deputy hole (IAM User
 * Guide, confused-deputy: this account's jobs only) come only with
 * `sourceConditions` (`s3-transfer:batchTrustConditions`), after the
 * pre-production batch canary has passed with them. The risk left without
 * them is small: only principals with iam:PassRole and s3:CreateJob in our
 * account can give a job the role, and roles are never passed across accounts.
 */
export function batchReplicationTrustPolicy(args: { partition: string; accountId: string; sourceConditions: boolean }): PolicyDocument {
    return policyDocument([
        {
            Sid: "S3BatchOperationsOnly",
            Effect: "Allow",
            Principal: { Service: BATCH_OPERATIONS_SERVICE },
            Action: "sts:AssumeRole",
            ...(args.sourceConditions
                ? {
                      Condition: {
                          StringEquals: { "aws:SourceAccount": args.accountId },
                          ArnLike: { "aws:SourceArn": batchJobArnPattern(args.partition, args.accountId) },
                      },
                  }
                : {}),
        },
    ]);
}

export interface BatchReplicationSource {
    /** The link's egress bucket, whose replication rule the job re-runs. */
    bucketArn: string;
    /** Only `{root}/` replicates, so only objects there are initiated. */
    root: string;
    region: string;
    /** With SSE-KMS: the egress bucket's key. */
    kmsKeyArn?: string;
}

export interface BatchReplicationPermissionsArgs {
    source: BatchReplicationSource;
    /** Where this link's manifests and reports go: `<log bucket ARN>/batch-replication/<egress bucket>` of the source's region. */
    workPrefixArn: string;
}

/** The link's work area in the log bucket of its region: manifests (generated or the canary's) and completion reports. */
export function batchWorkPrefix(egressBucketName: string): string {
    return `${BATCH_REPLICATION_PREFIX}/${egressBucketName}`;
}

/**
 * AWS's policy "if using and storing an Amazon S3 generated manifest", for one
 * link, each action on the narrowest resource: s3:InitiateReplication on the
 * egress bucket's `{root}/` objects; s3:GetReplicationConfiguration and
 * s3:PutInventoryConfiguration (S3 builds the manifest from an inventory) on
 * the egress bucket; manifest read (a generated one, or a CSV the operator
 * wrote, which the user-provided-manifest policy reads the same way) and
 * manifest/report write under the link's own prefix of the log bucket. With
 * SSE-KMS, kms:Decrypt on the egress key through S3, for the egress objects
 * only. One link per role keeps the document the same size however many
 * counterparts the side has (IAM allows 10,240 characters of inline policy
 * per role) and a job to the link it was started for.
 */
export function batchReplicationPermissionsPolicy(args: BatchReplicationPermissionsArgs): PolicyDocument {
    const { source } = args;
    const work = `${args.workPrefixArn}/*`;
    const statements: PolicyStatement[] = [
        { Sid: "InitiateReplication", Effect: "Allow", Action: "s3:InitiateReplication", Resource: arns.objectsUnder(source.bucketArn, source.root) },
        { Sid: "ReadReplicationAndInventory", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration"], Resource: source.bucketArn },
        { Sid: "ReadManifests", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: work },
        { Sid: "WriteManifestsAndReports", Effect: "Allow", Action: "s3:PutObject", Resource: work },
        ...(source.kmsKeyArn
            ? [
                  {
                      Sid: "DecryptSourceObjects",
                      Effect: "Allow" as const,
                      Action: "kms:Decrypt",
                      Resource: source.kmsKeyArn,
                      Condition: {
                          StringEquals: { "kms:ViaService": `s3.${source.region}.amazonaws.com` },
                          StringLike: { "kms:EncryptionContext:aws:s3:arn": [source.bucketArn, `${source.bucketArn}/${source.root}/*`] },
                      },
                  },
              ]
            : []),
    ];
    return policyDocument(statements);
}
