import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CLOUDTRAIL_PREFIX, dataEventSelector } from "../policies/audit";
import { BucketCover, objectArnPrefixes } from "../naming/bucket-patterns";
import { LogBucket } from "./log-bucket";

export interface AuditTrailArgs {
    trailName: string;
    partition: string;
    /** The data buckets whose object-level events are recorded, as names and name prefixes no log bucket has (infra/naming/bucket-patterns.ts). */
    dataBuckets: BucketCover;
    /** Where the trail delivers: the side's log bucket in the stack's region. */
    logBucket: LogBucket;
    /** Record events in every region (needed when the data buckets span regions). */
    multiRegion: boolean;
}

/**
 * Object-level CloudTrail data events (who read, wrote or deleted which file,
 * with the principal) for the data buckets only. Data events are billed per
 * event, which is why this is off unless `s3-transfer:auditTrail` asks for it.
 */
export class AuditTrail extends pulumi.ComponentResource {
    readonly trail: aws.cloudtrail.Trail;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:audit:AuditTrail", name, {}, opts);
        this.trail = new aws.cloudtrail.Trail(
            name,
            {
                name: args.trailName,
                s3BucketName: args.logBucket.bucket.bucketName,
                s3KeyPrefix: CLOUDTRAIL_PREFIX,
                enableLogFileValidation: true,
                // CreateTrail rejects a multi-Region trail without global service events
                // (InvalidParameterCombinationException); a single-Region trail accepts them too.
                // The selectors record data events only, so global (management) events add nothing billed.
                includeGlobalServiceEvents: true,
                isMultiRegionTrail: args.multiRegion,
                advancedEventSelectors: [dataEventSelector(objectArnPrefixes(args.partition, args.dataBuckets))],
            },
            { parent: this, dependsOn: [args.logBucket] },
        );
        this.registerOutputs({ trailArn: this.trail.arn });
    }
}
