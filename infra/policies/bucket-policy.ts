/**
 * Bucket policy statements. A bucket has exactly one policy, so every side's
 * grants are composed with the transport denies into a single document.
 */
import { arns, partitionOfArn, PolicyStatement } from "./document";

/** Deny every request over plain HTTP, and over TLS older than 1.2, on the bucket and its objects. */
export function secureTransportStatements(bucketArn: string): PolicyStatement[] {
    const resources = [bucketArn, `${bucketArn}/*`];
    return [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: resources,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyOutdatedTls",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: resources,
            Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        },
    ];
}

export interface ReplicationDestinationGrant {
    /** The bucket receiving replicas (our ingress bucket). */
    bucketArn: string;
    /** Replicas may land only under `{root}/`. */
    root: string;
    /** The account whose replication role writes here. */
    sourceAccountId: string;
    /** The exact role; matched by `aws:PrincipalArn` so the policy is valid before the role exists. */
    sourceRoleArn: string;
    /** Also admit `s3:ReplicateDelete` (delete-marker replication on the sending side). */
    replicateDeletes: boolean;
}

/**
 * What a cross-account replication role needs on the destination bucket, and
 * nothing more. The principal is the source account's root narrowed by
 * `aws:PrincipalArn`: AWS rejects a bucket policy naming a role that does not
 * exist yet, and the two sides deploy in either order. `s3:PutBucketVersioning`,
 * which some guides grant, is left out: it would let the sender suspend our versioning.
 *
 * One exception to the narrowing: `s3:GetBucketVersioning` is granted to the
 * sender's whole account (read-only, as partner guide 003 grants it), because
 * `PutBucketReplication` may check the destination's versioning with the
 * credentials of whoever deploys the sender's replication rule, not with the
 * replication role's. It discloses one bit: whether versioning is on.
 */
export function replicationDestinationStatements(grant: ReplicationDestinationGrant): PolicyStatement[] {
    const partition = partitionOfArn(grant.bucketArn);
    const principal = { AWS: arns.accountRoot(partition, grant.sourceAccountId) };
    const onlyThatRole = { StringEquals: { "aws:PrincipalArn": grant.sourceRoleArn } };
    const sidSuffix = grant.sourceAccountId;
    return [
        {
            Sid: `CounterpartReadsVersioning${sidSuffix}`,
            Effect: "Allow",
            Principal: principal,
            Action: "s3:GetBucketVersioning",
            Resource: grant.bucketArn,
        },
        {
            Sid: `ReplicationWriteReplicas${sidSuffix}`,
            Effect: "Allow",
            Principal: principal,
            Action: ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner", ...(grant.replicateDeletes ? ["s3:ReplicateDelete"] : [])],
            Resource: arns.objectsUnder(grant.bucketArn, grant.root),
            Condition: onlyThatRole,
        },
    ];
}
