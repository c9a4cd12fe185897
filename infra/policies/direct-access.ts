/**
 * Grants for third parties that write into our buckets directly rather than
 * by replication: a vendor's principal in our bucket policy, and a data-sync
 * service that assumes a role of ours.
 */
import { fileKeyPrefix } from "../naming/file-key";
import { PolicyDocument, policyDocument, PolicyStatement } from "./document";

/** The vendor's connection check uploads then deletes this top-level object. */
export const ACCESS_CONFIRMATION_KEY = "_ACCESS_CONFIRMATION";

export interface VendorWriteGrant {
    /** Used in Sids: letters and digits only. */
    sidName: string;
    bucketArn: string;
    /** The vendor's role, user or account root, exactly as its guide names it. */
    principalArn: string;
    /**
     * The vendor writes only under `{prefix}/`. Absent: the whole bucket, which
     * is then dedicated to the vendor. Set it only where the vendor lets the
     * customer choose the path (Sailthru Data Exporter does; Event Stream writes
     * `<table>/dt=<yyyymmdd>/client_id=<id>/...` at the top of the bucket and
     * lists it with S3 sync, so a prefix would leave it no place to write).
     */
    prefix?: string;
    /** Also `s3:DeleteObject` (the vendor's guide asks for it). */
    allowDelete: boolean;
    /** The vendor validates access with a top-level `_ACCESS_CONFIRMATION` it writes and deletes. */
    accessConfirmation: boolean;
}

/**
 * The bucket-level and object-level grants a vendor documents: on the whole
 * dedicated bucket, as Sailthru's guide writes them, or narrowed to a prefix
 * the customer chose, with a listing conditioned on `s3:prefix`.
 */
export function vendorWriteStatements(grant: VendorWriteGrant): PolicyStatement[] {
    const principal = { AWS: grant.principalArn };
    const objectActions = ["s3:PutObject", ...(grant.allowDelete ? ["s3:DeleteObject"] : [])];
    // The whole bucket's objects already include the top-level check object, unless deletes are off.
    const confirmation =
        grant.accessConfirmation && (grant.prefix !== undefined || !grant.allowDelete)
            ? [
                  {
                      Sid: `${grant.sidName}AccessConfirmation`,
                      Effect: "Allow" as const,
                      Principal: principal,
                      Action: ["s3:PutObject", "s3:DeleteObject"],
                      Resource: `${grant.bucketArn}/${ACCESS_CONFIRMATION_KEY}`,
                  },
              ]
            : [];
    if (grant.prefix === undefined) {
        return [
            { Sid: `${grant.sidName}ListBucket`, Effect: "Allow", Principal: principal, Action: "s3:ListBucket", Resource: grant.bucketArn },
            { Sid: `${grant.sidName}WriteObjects`, Effect: "Allow", Principal: principal, Action: objectActions, Resource: `${grant.bucketArn}/*` },
            ...confirmation,
        ];
    }
    // The vendor's prefix is a `{Root}` like a link's: the same rule and the same "root/" form.
    const under = fileKeyPrefix(grant.prefix);
    return [
        {
            Sid: `${grant.sidName}ListOwnPrefix`,
            Effect: "Allow",
            Principal: principal,
            Action: "s3:ListBucket",
            Resource: grant.bucketArn,
            Condition: { StringLike: { "s3:prefix": [under, `${under}*`] } },
        },
        {
            Sid: `${grant.sidName}WriteOwnPrefix`,
            Effect: "Allow",
            Principal: principal,
            Action: objectActions,
            Resource: `${grant.bucketArn}/${under}*`,
        },
        ...confirmation,
    ];
}

/**
 * Only the data-sync service's principal may assume the role, and only with the
 * external ID it showed us: the ID keeps another customer of the same service
 * from pointing the service at our role (confused deputy).
 */
export function serviceTrustPolicy(args: { servicePrincipalArn: string; externalId: string }): PolicyDocument {
    return policyDocument([
        {
            Sid: "DataSyncServiceWithExternalId",
            Effect: "Allow",
            Principal: { AWS: args.servicePrincipalArn },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": args.externalId } },
        },
    ]);
}

export interface ServiceWriteArgs {
    bucketArn: string;
    /** Objects the service may write: `{prefix}/*`, or the whole bucket when absent. */
    prefix?: string;
    /** `s3:DeleteObject` only while the service's connection test is pending. */
    connectionTestPending: boolean;
    /** With SSE-KMS: the bucket's key, which the service needs to write. */
    kmsKeyArn?: string;
    region: string;
}

/**
 * The service writes files. While its connection test is pending it may also
 * delete (the test removes its own artifact; IAM cannot tell that file from
 * others under the prefix, so versioning is what keeps any other deleted file
 * recoverable); once the flag is off the destination is append-only.
 */
export function serviceWritePolicy(args: ServiceWriteArgs): PolicyDocument {
    const objects = args.prefix ? `${args.bucketArn}/${args.prefix}/*` : `${args.bucketArn}/*`;
    return policyDocument([
        {
            Sid: "WriteFiles",
            Effect: "Allow",
            Action: ["s3:PutObject", ...(args.connectionTestPending ? ["s3:DeleteObject"] : [])],
            Resource: objects,
        },
        // Decrypt too: completing a multipart upload decrypts the data keys of its parts.
        ...(args.kmsKeyArn
            ? [
                  {
                      Sid: "EncryptWithBucketKey",
                      Effect: "Allow" as const,
                      Action: ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"],
                      Resource: args.kmsKeyArn,
                      Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
                  },
              ]
            : []),
    ]);
}
