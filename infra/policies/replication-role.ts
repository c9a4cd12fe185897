/** The trust and permission documents of a replication role. */
import { PolicyDocument, policyDocument } from "./document";

/**
 * Only S3 may assume the role. AWS documents this trust without conditions for
 * live replication
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html),
 * and no source says S3 sends aws:SourceAccount/aws:SourceArn when it assumes
 * the role: if it does not, nothing replicates. So the conditions that would
 * close the confused-deputy hole come only with `sourceConditions`
 * (`s3-transfer:replicationTrustConditions`), after the pre-production canary has
 * passed with them. The risk left without them is small: only principals with
 * iam:PassRole in our account can attach the role, and roles are never passed
 * across accounts.
 */
export function replicationTrustPolicy(args: { accountId: string; sourceBucketArn: string; sourceConditions: boolean }): PolicyDocument {
    return policyDocument([
        {
            Sid: "S3ReplicationOnly",
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sts:AssumeRole",
            ...(args.sourceConditions
                ? {
                      Condition: {
                          StringEquals: { "aws:SourceAccount": args.accountId },
                          ArnLike: { "aws:SourceArn": args.sourceBucketArn },
                      },
                  }
                : {}),
        },
    ]);
}

export interface ReplicationPermissionsArgs {
    sourceBucketArn: string;
    destinationBucketArn: string;
    /** Only objects under `{root}/` replicate, so the role reads and writes nothing else. */
    root: string;
    /** Grant `s3:ReplicateDelete` only when delete markers replicate. */
    replicateDeletes: boolean;
}

/**
 * The actions the partner guide lists, each on the narrowest resource it applies
 * to: bucket-level reads on the source bucket, object reads under the source's
 * `{root}/`, replica writes under the destination's `{root}/`. Two departures
 * from the guide: its Replicate* actions on the source bucket are left out
 * (replication never writes to its source), and so is its
 * s3:GetObjectVersionTagging on the destination (the destination never grants
 * it, so it could only be denied, and it would read the counterpart's data).
 * The destination's s3:GetBucketVersioning is the bucket-level read AWS
 * documents for cross-account replication: the destination grants it, so the
 * role asks for it too, or the grant would be dead.
 */
export function replicationPermissionsPolicy(args: ReplicationPermissionsArgs): PolicyDocument {
    return policyDocument([
        {
            Sid: "ReadSourceBucketConfiguration",
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resource: args.sourceBucketArn,
        },
        {
            Sid: "ReadSourceObjectVersions",
            Effect: "Allow",
            Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"],
            Resource: `${args.sourceBucketArn}/${args.root}/*`,
        },
        {
            Sid: "WriteReplicasToDestination",
            Effect: "Allow",
            Action: ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner", ...(args.replicateDeletes ? ["s3:ReplicateDelete"] : [])],
            Resource: `${args.destinationBucketArn}/${args.root}/*`,
        },
        {
            Sid: "ReadDestinationVersioning",
            Effect: "Allow",
            Action: "s3:GetBucketVersioning",
            Resource: args.destinationBucketArn,
        },
    ]);
}
