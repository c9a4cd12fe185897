import * as pulumi from "@pulumi/pulumi";
import { CounterpartState } from "../config/keys";
import { arns } from "../policies/document";
import { vendorWriteStatements } from "../policies/direct-access";
import { vendorKeyGrantStatements } from "../policies/kms";
import { dataBucketArgs, DataBucketSettings, SecureBucket } from "./secure-bucket";

export interface VendorDropArgs extends DataBucketSettings {
    /** The vendor's name in config; Sids are derived from it. */
    vendorName: string;
    bucketName: string;
    region: string;
    /** The vendor's principal exactly as its guide names it (role, user or account root). */
    principalArn: string;
    /**
     * The vendor writes only under `{prefix}/`. Default: none, the whole bucket
     * is the vendor's (a dedicated bucket, as Sailthru's guide asks). Set it
     * only where the vendor lets you choose the path it writes to.
     */
    prefix?: string;
    /** Grant `s3:DeleteObject` (under the prefix, if any) as well (the vendor's guide asks for it; versioning keeps deleted files recoverable). */
    allowDelete: boolean;
    /** Let the vendor write and delete its top-level `_ACCESS_CONFIRMATION` check object. */
    accessConfirmation: boolean;
    /**
     * Where the vendor is in its life, as a counterpart: `offboarding` revokes
     * its grants (bucket and key policy) at once while the bucket keeps every
     * protection; `retired` also lifts `protect` (everything stays retained on
     * delete), so that the entry can then leave config. Default: `active`.
     */
    state?: CounterpartState;
}

/**
 * A bucket of ours into which a vendor's principal writes directly, the way
 * vendors such as Sailthru Connect document it: a bucket dedicated to the
 * vendor, or the vendor's prefix where it lets us choose one. Ownership of
 * what it writes is ours (ACLs disabled).
 */
export class VendorDrop extends pulumi.ComponentResource {
    readonly bucket: SecureBucket;

    constructor(name: string, args: VendorDropArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:vendor:VendorDrop", name, {}, opts);
        const sidName = args.vendorName.replace(/[^A-Za-z0-9]/g, "");
        const bucketArn = arns.bucket(args.partition, args.bucketName);
        const state = args.state ?? "active";
        const granted = state === "active";
        this.bucket = new SecureBucket(
            name,
            {
                bucketName: args.bucketName,
                ...dataBucketArgs(args, state),
                // With SSE-KMS the vendor needs these key grants for a multipart upload.
                keyGrants: granted ? vendorKeyGrantStatements({ sid: `${sidName}MultipartUpload`, principalArn: args.principalArn, region: args.region, bucketArn }) : [],
                grantStatements: granted
                    ? vendorWriteStatements({
                          sidName,
                          bucketArn,
                          principalArn: args.principalArn,
                          prefix: args.prefix,
                          allowDelete: args.allowDelete,
                          accessConfirmation: args.accessConfirmation,
                      })
                    : [],
            },
            { parent: this },
        );
        this.registerOutputs({ bucketName: this.bucket.bucketName, kmsKeyArn: this.bucket.kmsKeyArn });
    }
}
