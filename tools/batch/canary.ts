/**
 * The pre-production batch canary of one link (`npm run batch-replicate --
 * --canary --start`): the smallest real Batch Replication job, run end to end,
 * so that the link's Batch Replication role is proven assumable by S3 Batch
 * Operations (with `s3-transfer:batchTrustConditions` on, this is the proof
 * that Batch Operations sends aws:SourceAccount/aws:SourceArn) before the day
 * a real job is needed.
 *
 * 1. Write one canary object under the link's `{root}/` (the live canary's key
 *    and body) and wait until live replication has settled on it.
 * 2. Write a one-line CSV manifest (Bucket,Key,VersionId) of that version under
 *    the link's work prefix of the log bucket: Batch Replication takes a
 *    user-supplied CSV manifest as well as an S3-generated one, with version IDs
 *    for a versioned bucket (S3 User Guide, s3-batch-replication-existing-config,
 *    "If you have a manifest prepared, choose S3 inventory report (manifest.json)
 *    or CSV. If the objects in your manifest are in a versioned bucket, you should
 *    specify the version IDs"; API JobManifestSpec, S3BatchOperations_CSV_20180820,
 *    fields Bucket, Key, VersionId; keys URL-encoded, batch-ops-create-job).
 * 3. Create the job (S3ReplicateObject, the link's role, report under the same
 *    prefix) and poll DescribeJob until Complete, Failed or Cancelled. Batch
 *    Replication replicates objects already replicated too (S3 User Guide,
 *    s3-batch-replication-batch), so the canary's COMPLETED version is a valid task.
 * 4. Delete the canary version once settled (unless --keep); the manifest and
 *    the completion report stay in the log bucket, for the audit record.
 */
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateJobCommand, CreateJobCommandInput, DescribeJobCommand, JobDescriptor, S3ControlClient } from "@aws-sdk/client-s3-control";
import { canaryKey, Clock } from "../canary/run-link";
import { classifyS3Error } from "../canary/s3";
import { completionReport, JobTarget } from "./job";

export const CANARY_TIMEOUT_SECONDS = 1800;
export const CANARY_INTERVAL_SECONDS = 15;
/** A job that never reaches one of these is still running when the canary gives up. */
const TERMINAL = new Set(["Complete", "Failed", "Cancelled"]);

export interface BatchCanaryRun {
    target: JobTarget;
    s3: S3Client;
    control: S3ControlClient;
    clock: Clock;
    timeoutMs: number;
    intervalMs: number;
    keep: boolean;
    clientRequestToken: string;
    log: (line: string) => void;
}

export interface BatchCanaryReport {
    counterpart: string;
    region: string;
    /** "passed": the job completed and replicated the canary version; "failed": anything else (see reason). */
    verdict: "passed" | "failed";
    reason: string;
    hints: string[];
    canary?: { bucket: string; key: string; versionId: string; liveReplication: string };
    manifest?: { objectArn: string; etag: string };
    job?: { id: string; status: string; tasksSucceeded: number; tasksFailed: number; failureReasons: string[]; describe: string };
    cleanup: string;
    elapsedSeconds: number;
}

/** A key as S3 Batch Operations reads a CSV manifest: URL-encoded, each `/` kept. */
export function manifestKey(key: string): string {
    return key.split("/").map(encodeURIComponent).join("/");
}

/** The one-line CSV manifest of the canary version. */
export function canaryManifest(bucket: string, key: string, versionId: string): string {
    return `${bucket},${manifestKey(key)},${versionId}\n`;
}

/** The CreateJob request of the canary job: the user-supplied manifest instead of an S3-generated one. */
export function canaryJobRequest(target: JobTarget, manifest: { objectArn: string; etag: string }, key: string, clientRequestToken: string): CreateJobCommandInput {
    return {
        AccountId: target.accountId,
        ConfirmationRequired: false,
        Operation: { S3ReplicateObject: {} },
        Manifest: {
            Spec: { Format: "S3BatchOperations_CSV_20180820", Fields: ["Bucket", "Key", "VersionId"] },
            Location: { ObjectArn: manifest.objectArn, ETag: manifest.etag },
        },
        Report: completionReport(target, `${target.workPrefix}/canary/reports`),
        Priority: 10,
        RoleArn: target.roleArn,
        Description: `Batch Replication canary: ${key} from ${target.egressBucketName} to ${target.counterpart}`,
        ClientRequestToken: clientRequestToken,
    };
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** The operator's permissions the canary needs, for any message about a refusal. */
function operatorHint(t: JobTarget): string {
    const log = t.logBucketArn;
    return `the canary's credentials (account ${t.accountId}) need s3:PutObject, s3:GetObjectVersion and s3:DeleteObjectVersion on ${t.egressBucketArn}/${t.root}/*, s3:PutObject on ${log}/${t.workPrefix}/canary/*, s3:CreateJob and s3:DescribeJob, and iam:PassRole on ${t.roleArn}`;
}

/** Runs the canary; never throws: every outcome is a report. */
export async function runBatchCanary(run: BatchCanaryRun): Promise<BatchCanaryReport> {
    const { target: t, clock } = run;
    const started = clock.now();
    const base = { counterpart: t.counterpart, region: t.region };
    const done = (report: Omit<BatchCanaryReport, "counterpart" | "region" | "elapsedSeconds">): BatchCanaryReport => ({
        ...base,
        ...report,
        elapsedSeconds: seconds(clock.now() - started),
    });
    const refused = (what: string, err: unknown) => {
        const f = classifyS3Error(err);
        return { reason: `${what} failed: ${f.code}${f.httpStatus ? ` (HTTP ${f.httpStatus})` : ""}: ${f.message}`, hints: f.kind === "denied" ? [operatorHint(t)] : [] };
    };

    const key = canaryKey(t.root, t.fileNamePrefix, started);
    let versionId: string | undefined;
    try {
        const body = `${JSON.stringify({ canary: true, batch: true, link: t.counterpart, writtenAt: new Date(started).toISOString() })}\n`;
        const put = await run.s3.send(
            new PutObjectCommand({ Bucket: t.egressBucketName, Key: key, Body: body, ContentType: "application/x-ndjson", ExpectedBucketOwner: t.accountId }),
        );
        versionId = put.VersionId;
    } catch (err) {
        return done({ verdict: "failed", ...refused(`PutObject of the canary s3://${t.egressBucketName}/${key}`, err), cleanup: "nothing was written" });
    }
    if (!versionId || versionId === "null") {
        return done({
            verdict: "failed",
            reason: `PutObject returned no version ID: versioning is not enabled on ${t.egressBucketName}, and replication requires it`,
            hints: ["`pulumi up` restores versioning"],
            cleanup: `left s3://${t.egressBucketName}/${key} (unversioned); delete it`,
        });
    }
    run.log(`${t.counterpart}: wrote s3://${t.egressBucketName}/${key} (version ${versionId}); waiting for live replication to settle`);
    const canary = { bucket: t.egressBucketName, key, versionId, liveReplication: "unknown" };
    const deadline = started + run.timeoutMs;
    const cleanUp = async (settled: boolean): Promise<string> => {
        const where = `aws s3api delete-object --region ${t.region} --bucket ${t.egressBucketName} --key '${key}' --version-id '${versionId}'`;
        if (run.keep) return `--keep: version ${versionId} stays; delete it later with ${where}`;
        // Deleting a version S3 has not replicated yet would make its replication fail, and raise the alarm.
        if (!settled) return `version ${versionId} is left while its replication has not settled; delete it later with ${where}`;
        try {
            await run.s3.send(new DeleteObjectCommand({ Bucket: t.egressBucketName, Key: key, VersionId: versionId, ExpectedBucketOwner: t.accountId }));
            return `deleted version ${versionId} of the canary`;
        } catch (err) {
            return `could not delete version ${versionId} (${classifyS3Error(err).code}); delete it with ${where}`;
        }
    };

    // 1. Live replication first: a version still PENDING is not a fair task for a job.
    for (;;) {
        let status: string | undefined;
        try {
            const head = await run.s3.send(new HeadObjectCommand({ Bucket: t.egressBucketName, Key: key, VersionId: versionId, ExpectedBucketOwner: t.accountId }));
            status = head.ReplicationStatus ?? "NONE";
        } catch (err) {
            const f = classifyS3Error(err);
            if (f.kind !== "transient") return done({ verdict: "failed", ...refused("HeadObject of the canary", err), canary, cleanup: await cleanUp(false) });
        }
        if (status) canary.liveReplication = status;
        if (status === "NONE") {
            return done({
                verdict: "failed",
                reason: `the canary has no replication status: no replication rule of ${t.egressBucketName} covers ${t.root}/, so Batch Replication has nothing to replicate it with`,
                hints: ["run `npm run canary` for the live link, and `pulumi up`"],
                canary,
                cleanup: await cleanUp(true),
            });
        }
        if (status === "COMPLETED" || status === "COMPLETE" || status === "FAILED") break;
        if (clock.now() >= deadline) {
            return done({
                verdict: "failed",
                reason: `live replication of the canary is still ${canary.liveReplication} after ${seconds(clock.now() - started)} s (--timeout ${run.timeoutMs / 1000}); no job was created`,
                hints: ["run `npm run canary` to judge the live link first"],
                canary,
                cleanup: await cleanUp(false),
            });
        }
        await clock.sleep(Math.min(run.intervalMs, deadline - clock.now()));
    }
    run.log(`${t.counterpart}: live replication ${canary.liveReplication}; writing the manifest and creating the job`);

    // 2. The manifest, under the link's own prefix of the log bucket: the only place its role may read one.
    const manifestKeyName = `${t.workPrefix}/canary/${new Date(started).toISOString().replace(/[:.]/g, "-")}.csv`;
    const logBucket = t.logBucketArn.split(":::")[1];
    let manifest: { objectArn: string; etag: string };
    try {
        const put = await run.s3.send(
            new PutObjectCommand({
                Bucket: logBucket,
                Key: manifestKeyName,
                Body: canaryManifest(t.egressBucketName, key, versionId),
                ContentType: "text/csv",
                ExpectedBucketOwner: t.accountId,
            }),
        );
        if (!put.ETag) throw Object.assign(new Error("PutObject returned no ETag"), { name: "NoETag" });
        manifest = { objectArn: `${t.logBucketArn}/${manifestKeyName}`, etag: put.ETag.replace(/^"|"$/g, "") };
    } catch (err) {
        return done({ verdict: "failed", ...refused(`PutObject of the manifest s3://${logBucket}/${manifestKeyName}`, err), canary, cleanup: await cleanUp(true) });
    }

    // 3. The job, and its outcome.
    let jobId: string;
    try {
        const created = await run.control.send(new CreateJobCommand(canaryJobRequest(t, manifest, key, run.clientRequestToken)));
        if (!created.JobId) throw Object.assign(new Error("CreateJob returned no job ID"), { name: "NoJobId" });
        jobId = created.JobId;
    } catch (err) {
        const reason = `AWS refused the job: ${(err as { name?: string }).name ?? "Error"}: ${(err as Error).message}`;
        return done({ verdict: "failed", reason, hints: [operatorHint(t)], canary, manifest, cleanup: await cleanUp(true) });
    }
    const describe = `aws s3control describe-job --region ${t.region} --account-id ${t.accountId} --job-id ${jobId}`;
    run.log(`${t.counterpart}: created job ${jobId}; polling (${describe})`);
    let job: JobDescriptor | undefined;
    for (;;) {
        try {
            job = (await run.control.send(new DescribeJobCommand({ AccountId: t.accountId, JobId: jobId }))).Job ?? job;
        } catch (err) {
            if (classifyS3Error(err).kind !== "transient") {
                const reason = `DescribeJob failed: ${(err as { name?: string }).name ?? "Error"}: ${(err as Error).message}`;
                return done({ verdict: "failed", reason, hints: [operatorHint(t)], canary, manifest, cleanup: await cleanUp(true) });
            }
        }
        if (job?.Status && TERMINAL.has(job.Status)) break;
        if (clock.now() >= deadline) break;
        await clock.sleep(Math.min(run.intervalMs, Math.max(0, deadline - clock.now())));
    }
    const summary = job?.ProgressSummary ?? {};
    const jobReport = {
        id: jobId,
        status: job?.Status ?? "unknown",
        tasksSucceeded: summary.NumberOfTasksSucceeded ?? 0,
        tasksFailed: summary.NumberOfTasksFailed ?? 0,
        failureReasons: (job?.FailureReasons ?? []).map((f) => `${f.FailureCode ?? "?"}: ${f.FailureReason ?? ""}`),
        describe,
    };
    const cleanup = await cleanUp(true);
    if (jobReport.status === "Complete" && jobReport.tasksFailed === 0 && jobReport.tasksSucceeded > 0) {
        return done({
            verdict: "passed",
            reason: `job ${jobId} replicated the canary version with ${t.roleArn}: S3 Batch Operations assumed the role and Batch Replication ran`,
            hints: [],
            canary,
            manifest,
            job: jobReport,
            cleanup,
        });
    }
    const report = `the completion report is under s3://${logBucket}/${t.workPrefix}/canary/reports/`;
    const reason = !TERMINAL.has(jobReport.status)
        ? `job ${jobId} is still ${jobReport.status} after ${seconds(clock.now() - started)} s (--timeout ${run.timeoutMs / 1000})`
        : `job ${jobId} ended ${jobReport.status} with ${jobReport.tasksSucceeded} task(s) succeeded and ${jobReport.tasksFailed} failed${jobReport.failureReasons.length ? `: ${jobReport.failureReasons.join("; ")}` : ""}`;
    return done({
        verdict: "failed",
        reason,
        hints: [
            `a job that fails at once cannot assume ${t.roleArn}: with s3-transfer:batchTrustConditions on, Batch Operations did not send aws:SourceAccount/aws:SourceArn; turn it off (pulumi config set s3-transfer:batchTrustConditions false), pulumi up, and run the canary again`,
            `failed tasks: ${report}; see docs/operations.md, "Replicating existing or failed objects"`,
            ...(!TERMINAL.has(jobReport.status) ? [`follow it with ${describe}`] : []),
        ],
        canary,
        manifest,
        job: jobReport,
        cleanup,
    });
}

/** The report as the operator reads it. */
export function formatBatchCanary(r: BatchCanaryReport): string {
    const lines = [
        `Batch Replication canary of ${r.counterpart} (${r.region}): ${r.verdict.toUpperCase()} after ${r.elapsedSeconds} s`,
        `  ${r.reason}`,
        ...(r.canary ? [`  canary: s3://${r.canary.bucket}/${r.canary.key} version ${r.canary.versionId} (live replication ${r.canary.liveReplication})`] : []),
        ...(r.manifest ? [`  manifest: ${r.manifest.objectArn}`] : []),
        ...(r.job ? [`  job: ${r.job.id} ${r.job.status}, ${r.job.tasksSucceeded} succeeded, ${r.job.tasksFailed} failed (${r.job.describe})`] : []),
        `  cleanup: ${r.cleanup}`,
        ...r.hints.map((h) => `  hint: ${h}`),
    ];
    return `${lines.join("\n")}\n`;
}
