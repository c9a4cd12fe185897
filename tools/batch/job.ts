/**
 * The S3 Batch Replication job of one link, as the S3 Control CreateJob
 * request: a manifest S3 generates from the egress bucket's replication
 * configuration, filtered to objects under the link's root whose replication
 * status is NONE (written before the rule) or FAILED, run by the side's Batch
 * Replication role, with the generated manifest and the completion report
 * kept under batch-replication/ of the side's log bucket in the bucket's region.
 *
 * Sources: S3 User Guide, "Replicating existing objects with Batch Replication"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html),
 * and S3 Control API, CreateJob / JobManifestGeneratorFilter
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html).
 */
import type { CreateJobCommandInput, ReplicationStatus } from "@aws-sdk/client-s3-control";
import { z } from "zod";
import { AuditOutputsSchema, describeOutputProblems, linkFileNamePrefix, LinkOutputsSchema, outputsByName, parseOutputs, StackOutputsSchema } from "../../infra/contract/outputs";
import { batchWorkPrefix } from "../../infra/policies/batch-replication";
import { arns, bucketNameOfArn, partitionOfArn } from "../../infra/policies/document";
// A problem the operator fixes on the command line or in its inputs: exit 2 with the usage.
import { UsageError } from "../cli/runner";

export const REPLICATION_STATUSES = ["NONE", "FAILED", "COMPLETED", "REPLICA"] as const;
export const DEFAULT_STATUSES: ReplicationStatus[] = ["NONE", "FAILED"];

/** What the job reads of the contract (infra/contract/outputs.ts). */
const linkSchema = LinkOutputsSchema.pick({ state: true, root: true, fileNamePrefix: true, region: true, egressBucketArn: true, replication: true, batchReplicationRoleArn: true })
    // Outputs of a program older than the Batch Replication role (or than counterpart states) still load; the job then says what to deploy first.
    .partial({ state: true, fileNamePrefix: true, batchReplicationRoleArn: true });

const outputsSchema = StackOutputsSchema.pick({ partyName: true, accountId: true }).extend({
    links: outputsByName(linkSchema),
    audit: AuditOutputsSchema.pick({ logBuckets: true }),
});

export type BatchOutputs = z.infer<typeof outputsSchema>;

/** Validates stack outputs (`pulumi stack output --json`, or an offline plan's) for what the job needs. */
export function parseBatchOutputs(json: unknown, origin: string): BatchOutputs {
    const parsed = parseOutputs(outputsSchema, json);
    if (parsed.problems) throw new UsageError(describeOutputProblems(origin, parsed));
    return parsed.outputs;
}

export interface BatchJob {
    counterpart: string;
    region: string;
    request: CreateJobCommandInput;
}

/** What every job of a link runs with: its egress bucket, its role, and its work prefix in the region's log bucket. */
export interface JobTarget {
    counterpart: string;
    accountId: string;
    region: string;
    root: string;
    /** `<PREFIX>` of the link's file names (the canary's key follows the link's naming convention). */
    fileNamePrefix: string;
    egressBucketArn: string;
    egressBucketName: string;
    roleArn: string;
    logBucketArn: string;
    /** `batch-replication/<egress bucket>` of the log bucket: the role may read and write there only. */
    workPrefix: string;
}

/** The link a job may run for, or a `UsageError` saying why not (offboarding, pending, a stack from before the role). */
export function jobTarget(outputs: BatchOutputs, counterpart: string, origin: string): JobTarget {
    const link = outputs.links[counterpart];
    if (!link) {
        const known = Object.keys(outputs.links);
        throw new UsageError(`--counterpart ${counterpart}: ${origin} has no such link; its links are ${known.length ? known.join(", ") : "(none)"}`);
    }
    if (link.state !== undefined && link.state !== "active") {
        throw new UsageError(
            `--counterpart ${counterpart}: ${counterpart} is ${link.state}: replication to it has stopped and the Batch Replication role no longer covers its egress, so no job may copy to it`,
        );
    }
    if (link.replication !== "active") {
        throw new UsageError(
            `--counterpart ${counterpart}: replication to ${counterpart} is pending (no replication rule yet), so there is nothing for Batch Replication to run; finish the hand-over and \`pulumi up\` first`,
        );
    }
    if (!link.batchReplicationRoleArn) {
        throw new UsageError(`--counterpart ${counterpart}: ${origin} exports no batchReplicationRoleArn; the stack predates the Batch Replication role: run \`pulumi up\` first`);
    }
    const logBucket = outputs.audit.logBuckets[link.region];
    if (!logBucket) throw new UsageError(`${origin}: audit.logBuckets has no log bucket in ${link.region}, where the job must keep its manifest and report`);
    const egressBucketName = bucketNameOfArn(link.egressBucketArn);
    return {
        counterpart,
        accountId: outputs.accountId,
        region: link.region,
        root: link.root,
        fileNamePrefix: linkFileNamePrefix(link),
        egressBucketArn: link.egressBucketArn,
        egressBucketName,
        roleArn: link.batchReplicationRoleArn,
        logBucketArn: arns.bucket(partitionOfArn(link.egressBucketArn), logBucket),
        workPrefix: batchWorkPrefix(egressBucketName),
    };
}

/** Every job's completion report: every task, as CSV, under `prefix` of the link's work area in the log bucket. */
export function completionReport(target: JobTarget, prefix: string): NonNullable<CreateJobCommandInput["Report"]> {
    return {
        Bucket: target.logBucketArn,
        Prefix: prefix,
        Format: "Report_CSV_20180820",
        Enabled: true,
        ReportScope: "AllTasks",
        ExpectedBucketOwner: target.accountId,
    };
}

export function batchJobFor(outputs: BatchOutputs, counterpart: string, statuses: ReplicationStatus[], origin: string): BatchJob {
    const target = jobTarget(outputs, counterpart, origin);
    const { logBucketArn, workPrefix: prefix } = target;
    return {
        counterpart,
        region: target.region,
        request: {
            AccountId: target.accountId,
            ConfirmationRequired: false,
            Operation: { S3ReplicateObject: {} },
            ManifestGenerator: {
                S3JobManifestGenerator: {
                    ExpectedBucketOwner: target.accountId,
                    SourceBucket: target.egressBucketArn,
                    EnableManifestOutput: true,
                    ManifestOutputLocation: {
                        ExpectedManifestBucketOwner: target.accountId,
                        Bucket: logBucketArn,
                        ManifestPrefix: `${prefix}/manifests`,
                        ManifestEncryption: { SSES3: {} },
                        ManifestFormat: "S3InventoryReport_CSV_20211130",
                    },
                    Filter: {
                        EligibleForReplication: true,
                        ObjectReplicationStatuses: statuses,
                        // Only {root}/ replicates; the prefix keeps the manifest to it.
                        KeyNameConstraint: { MatchAnyPrefix: [`${target.root}/`] },
                    },
                },
            },
            Report: completionReport(target, `${prefix}/reports`),
            Priority: 10,
            RoleArn: target.roleArn,
            Description: `Batch Replication of ${statuses.join("/")} objects under ${target.root}/ from ${target.egressBucketName} to ${counterpart}`,
        },
    };
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The same request as an `aws s3control create-job` command. */
export function cliCommand(job: BatchJob, clientRequestToken: string): string {
    const r = job.request;
    return [
        "aws s3control create-job",
        `--region ${job.region}`,
        `--account-id ${r.AccountId}`,
        `--operation ${shellQuote(JSON.stringify(r.Operation))}`,
        `--manifest-generator ${shellQuote(JSON.stringify(r.ManifestGenerator))}`,
        `--report ${shellQuote(JSON.stringify(r.Report))}`,
        `--priority ${r.Priority}`,
        `--role-arn ${r.RoleArn}`,
        "--no-confirmation-required",
        `--description ${shellQuote(r.Description ?? "")}`,
        `--client-request-token ${clientRequestToken}`,
    ].join(" \\\n  ");
}
