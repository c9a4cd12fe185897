/**
 * One link's check: write a canary object into the egress bucket, watch its
 * replication status, clean up. Never throws: every outcome is a LinkResult.
 */
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { linkFileNamePrefix } from "../../infra/contract/outputs";
import { buildFileKey } from "../../infra/naming/file-key";
import { LinkOutputs } from "./outputs";
import { classifyS3Error, S3Failure } from "./s3";

export const CANARY_FILE_TYPE = "canary";
/** The poll interval grows by this factor after each PENDING, so a slow link is not polled 180 times. */
export const POLL_BACKOFF = 1.25;
/** ...up to this, unless the operator asked for a longer interval. */
export const MAX_POLL_INTERVAL_MS = 30_000;
export const FAILED_REPLICATION_DOC = 'docs/operations.md, "A failed replication"';

export type LinkStatus = "completed" | "failed" | "timed-out" | "denied" | "error" | "interrupted" | "skipped";

export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    /** Resolves after `ms`, or at once when `signal` aborts. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface CleanupResult {
    /** deleted: our version is gone; kept: --keep; left: deliberately not deleted; failed: the delete failed; none: nothing was written. */
    action: "deleted" | "kept" | "left" | "failed" | "none";
    detail: string;
    /** For kept, left and failed: how to delete the version later. */
    command?: string;
}

export interface LinkResult {
    counterpart: string;
    status: LinkStatus;
    region: string;
    bucket: string;
    root: string;
    key?: string;
    versionId?: string;
    /** The last ReplicationStatus seen; null when S3 returned none. */
    replicationStatus?: string | null;
    /** PutObject response to the first COMPLETED observation. */
    latencyMs?: number;
    /** The last PENDING observation (or the PutObject response): replication finished after this. */
    notBeforeMs?: number;
    /** latencyMs - notBeforeMs: how precise the latency is. */
    pollGranularityMs?: number;
    /** PutObject response to the end of polling, whatever ended it. */
    elapsedMs?: number;
    polls: number;
    reason: string;
    hints: string[];
    /** The request that decided the outcome, when it was an error. */
    error?: S3Failure & { operation: "PutObject" | "HeadObject" };
    cleanup: CleanupResult;
    /** Where the counterpart's copy is (or may appear): theirs to delete. */
    replica?: { key: string; note: string };
    warnings: string[];
}

export interface LinkRun {
    /** Null when the outputs came from a file and no --stack named them. */
    stack: string | null;
    partyName: string;
    accountId: string;
    counterpart: string;
    link: LinkOutputs;
    client: S3Client;
    clock: Clock;
    timeoutMs: number;
    intervalMs: number;
    keep: boolean;
    signal?: AbortSignal;
    log: (line: string) => void;
}

export function skippedLink(counterpart: string, link: LinkOutputs): LinkResult {
    return {
        counterpart,
        status: "skipped",
        region: link.region,
        bucket: link.egressBucketName,
        root: link.root,
        polls: 0,
        reason: `replication is pending: ${counterpart}'s ingress bucket is not known yet, so the egress bucket has no replication rule to check`,
        hints: [`the link becomes active once ${counterpart}'s stack outputs or written hand-over name its ingress bucket, and \`pulumi up\` has run here`],
        cleanup: { action: "none", detail: "nothing was written" },
        warnings: [],
    };
}

export function canaryBody(run: LinkRun, writtenAt: number): string {
    return `${JSON.stringify({ canary: true, stack: run.stack, party: run.partyName, link: run.counterpart, writtenAt: new Date(writtenAt).toISOString() })}\n`;
}

export function canaryKey(root: string, prefix: string, at: number): string {
    return buildFileKey({
        root,
        prefix,
        fileType: CANARY_FILE_TYPE,
        date: new Date(at).toISOString().slice(0, 10),
        epoch: Math.floor(at / 1000),
        part: 1,
        partCount: 1,
    });
}

function permissionHint(run: LinkRun): string {
    const kms = run.link.egressKmsKeyArn ? `, and kms:GenerateDataKey on ${run.link.egressKmsKeyArn} (the bucket's default encryption key, for the upload)` : "";
    return (
        `the canary needs s3:PutObject, s3:GetObject, s3:GetObjectVersion and s3:DeleteObjectVersion on ${run.link.egressBucketArn}/${run.link.root}/*${kms}, ` +
        `with credentials of account ${run.accountId} (\`aws sts get-caller-identity\` shows whose they are); ` +
        `the requests carry ExpectedBucketOwner ${run.accountId}, so a bucket of that name owned by another account is refused with 403 too`
    );
}

function failedHints(run: LinkRun): string[] {
    const role = run.link.replicationRoleArn ?? "the link's replication role";
    return [
        `S3 could not replicate to ${run.counterpart}'s ingress bucket; the failure reason is in the s3:Replication:OperationFailedReplication event on the alert topic (stack output alertTopics)`,
        `check, in order: ${run.counterpart}'s ingress bucket policy admits ${role} (s3:ReplicateObject on ${run.link.root}/*); their ingress bucket still has versioning enabled; ` +
            `with SSE-KMS, their key policy admits ${role} and the ingressKmsKeyArn we were given is their current key; then our role's policy (\`pulumi preview\` shows drift)`,
        `see ${FAILED_REPLICATION_DOC}; S3 does not retry failed objects: replicate them again with S3 Batch Replication once fixed`,
    ];
}

const deleteCommand = (run: LinkRun, key: string, versionId: string): string =>
    `aws s3api delete-object --region ${run.link.region} --bucket ${run.link.egressBucketName} --key '${key}' --version-id '${versionId}'`;

export async function runLink(run: LinkRun): Promise<LinkResult> {
    const { link, clock } = run;
    const bucket = link.egressBucketName;
    const base = { counterpart: run.counterpart, region: link.region, bucket, root: link.root, warnings: [] as string[] };
    const nothingWritten: CleanupResult = { action: "none", detail: "nothing was written" };

    if (run.signal?.aborted) {
        return { ...base, status: "interrupted", polls: 0, reason: "interrupted before writing", hints: [], cleanup: nothingWritten };
    }

    const writtenAt = clock.now();
    let key: string;
    try {
        key = canaryKey(link.root, linkFileNamePrefix(link), writtenAt);
    } catch (err) {
        // The program validates roots, so this means outputs edited by hand or from another program.
        return {
            ...base,
            status: "error",
            polls: 0,
            reason: `cannot name the canary object under root "${link.root}": ${(err as Error).message}`,
            hints: ["check the link's root in the stack outputs"],
            cleanup: nothingWritten,
        };
    }
    const where = `s3://${bucket}/${key}`;

    let versionId: string | undefined;
    try {
        // No SSE or KMS header: the buckets deny uploads naming another key, and default encryption applies.
        const put = await run.client.send(
            new PutObjectCommand({
                Bucket: bucket,
                Key: key,
                Body: canaryBody(run, writtenAt),
                ContentType: "application/x-ndjson",
                ExpectedBucketOwner: run.accountId,
            }),
        );
        versionId = put.VersionId;
    } catch (err) {
        return { ...base, key, polls: 0, ...putOrHeadError(run, "PutObject", where, classifyS3Error(err)), cleanup: nothingWritten };
    }
    const acknowledgedAt = clock.now();
    run.log(`${run.counterpart}: wrote ${where} (version ${versionId ?? "none"}); polling its replication status`);

    if (versionId === undefined || versionId === "null") {
        const cleanup = await cleanUp(run, key, "null", true);
        return {
            ...base,
            key,
            status: "failed",
            polls: 0,
            reason: `PutObject returned no version ID: versioning is not enabled on ${bucket}, and replication requires it`,
            hints: [`\`aws s3api get-bucket-versioning --bucket ${bucket}\` should say Enabled; \`pulumi up\` restores it`],
            cleanup,
        };
    }

    const poll = await pollReplication(run, key, versionId, acknowledgedAt);
    // Deleting a version S3 has not replicated yet makes its replication fail
    // (SrcObjectNotFound): a false failed-replication alarm, and the evidence gone.
    const settled = poll.status === "completed" || poll.status === "failed";
    const cleanup = run.keep
        ? { action: "kept" as const, detail: `--keep: version ${versionId} stays in ${bucket}`, command: deleteCommand(run, key, versionId) }
        : settled
          ? await cleanUp(run, key, versionId, false)
          : {
                action: "left" as const,
                detail: `version ${versionId} is left in ${bucket}: its replication had not settled, and deleting it now would make it fail and raise the failed-replication alarm; delete it once \`aws s3api head-object\` shows COMPLETED or FAILED`,
                command: deleteCommand(run, key, versionId),
            };
    const replica =
        poll.status === "completed"
            ? {
                  key,
                  note: `the replica in ${run.counterpart}'s ingress bucket stays: it is theirs, and a delete naming a version is never replicated; ${run.counterpart} may delete or expire it (file type "${CANARY_FILE_TYPE}": keys match ${link.root}/*/${linkFileNamePrefix(link)}_${CANARY_FILE_TYPE}_*)`,
              }
            : poll.status === "failed"
              ? undefined
              : { key, note: `a replica may still appear in ${run.counterpart}'s ingress bucket under this key; it is theirs to delete` };
    // The check's verdict stands: a canary object left behind is untidy, not a broken link.
    if (cleanup.action === "failed") base.warnings.push(`cleanup failed: ${cleanup.detail}`);
    return { ...base, key, versionId, ...poll, cleanup, ...(replica ? { replica } : {}) };
}

type PollOutcome = Pick<LinkResult, "status" | "replicationStatus" | "latencyMs" | "notBeforeMs" | "pollGranularityMs" | "elapsedMs" | "polls" | "reason" | "hints" | "error">;

async function pollReplication(run: LinkRun, key: string, versionId: string, acknowledgedAt: number): Promise<PollOutcome> {
    const { clock } = run;
    const deadline = acknowledgedAt + run.timeoutMs;
    const maxDelay = Math.max(run.intervalMs, MAX_POLL_INTERVAL_MS);
    const where = `s3://${run.link.egressBucketName}/${key}?versionId=${versionId}`;
    let delay = run.intervalMs;
    let polls = 0;
    let notBefore = acknowledgedAt;
    let lastStatus: string | null | undefined;
    let lastTransient: S3Failure | undefined;

    for (;;) {
        let status: string | null | undefined;
        let headError: S3Failure | undefined;
        try {
            const head = await run.client.send(new HeadObjectCommand({ Bucket: run.link.egressBucketName, Key: key, VersionId: versionId, ExpectedBucketOwner: run.accountId }));
            status = head.ReplicationStatus ?? null;
        } catch (err) {
            headError = classifyS3Error(err);
        }
        polls += 1;
        const at = clock.now();
        const elapsedMs = at - acknowledgedAt;

        if (headError && headError.kind !== "transient") {
            const decided = putOrHeadError(run, "HeadObject", where, headError);
            return { ...decided, polls, elapsedMs, ...(lastStatus !== undefined ? { replicationStatus: lastStatus } : {}) };
        }
        if (headError) {
            lastTransient = headError;
            run.log(`${run.counterpart}: HeadObject failed (${headError.code}: ${headError.message}); polling on`);
        } else {
            if (status !== lastStatus) run.log(`${run.counterpart}: ${status ?? "no replication status"} after ${seconds(elapsedMs)}`);
            lastStatus = status;
            if (status === "COMPLETED" || status === "COMPLETE") {
                return {
                    status: "completed",
                    replicationStatus: status,
                    polls,
                    elapsedMs,
                    latencyMs: elapsedMs,
                    notBeforeMs: notBefore - acknowledgedAt,
                    pollGranularityMs: at - notBefore,
                    reason: `replicated to ${run.counterpart} within ${seconds(elapsedMs)} of the upload (after ${seconds(notBefore - acknowledgedAt)}, when it was last seen PENDING)`,
                    hints: [],
                };
            }
            if (status === "FAILED") {
                return {
                    status: "failed",
                    replicationStatus: status,
                    polls,
                    elapsedMs,
                    reason: `replication to ${run.counterpart} FAILED after ${seconds(elapsedMs)}`,
                    hints: failedHints(run),
                };
            }
            if (status === null) {
                return {
                    status: "failed",
                    replicationStatus: null,
                    polls,
                    elapsedMs,
                    reason: `the canary object has no replication status: no enabled replication rule of ${run.link.egressBucketName} matches ${key}`,
                    hints: [
                        `the link's rule should filter on the prefix "${run.link.root}/" (the link's root); compare with \`aws s3api get-bucket-replication --bucket ${run.link.egressBucketName}\`, and run \`pulumi up\` if they differ`,
                        "a replication configuration changed in the last few minutes may not apply yet: run the canary again",
                    ],
                };
            }
            if (status === "REPLICA") {
                return {
                    status: "failed",
                    replicationStatus: status,
                    polls,
                    elapsedMs,
                    reason: `S3 reports the canary object as a REPLICA: ${run.link.egressBucketName} is not the source bucket of this link`,
                    hints: ["check egressBucketName in the stack outputs"],
                };
            }
            // PENDING, or a status newer than this code: neither is a verdict.
            if (status === "PENDING") notBefore = at;
        }

        if (at >= deadline) {
            const detail = lastTransient ? `; the last HeadObject error was ${lastTransient.code}: ${lastTransient.message}` : "";
            return {
                status: "timed-out",
                polls,
                elapsedMs,
                ...(lastStatus !== undefined ? { replicationStatus: lastStatus } : {}),
                reason: `still ${lastStatus ?? "unknown"} after ${seconds(elapsedMs)} (--timeout ${run.timeoutMs / 1000})${detail}`,
                hints: [
                    "replication is late, not (yet) failed: S3 keeps trying; with Replication Time Control, 99.99% of objects replicate within 15 minutes",
                    `check the ReplicationLatency and OperationsPendingReplication metrics of the rule, the latency alarm, and AWS Health for S3 in ${run.link.region}`,
                ],
            };
        }
        if (!run.signal?.aborted) {
            await clock.sleep(Math.min(delay, deadline - at), run.signal);
            delay = Math.min(Math.round(delay * POLL_BACKOFF), maxDelay);
        }
        if (run.signal?.aborted) {
            const elapsed = clock.now() - acknowledgedAt;
            return {
                status: "interrupted",
                polls,
                elapsedMs: elapsed,
                ...(lastStatus !== undefined ? { replicationStatus: lastStatus } : {}),
                reason: `interrupted after ${seconds(elapsed)}, still ${lastStatus ?? "unknown"}`,
                hints: [],
            };
        }
    }
}

function putOrHeadError(run: LinkRun, operation: "PutObject" | "HeadObject", where: string, failure: S3Failure): Pick<LinkResult, "status" | "reason" | "hints" | "error"> {
    const error = { ...failure, operation };
    const said = `${failure.code}${failure.httpStatus ? ` (HTTP ${failure.httpStatus})` : ""}: ${failure.message}`;
    switch (failure.kind) {
        case "denied": {
            const action = operation === "PutObject" ? "s3:PutObject" : "s3:GetObjectVersion";
            const hints = [permissionHint(run)];
            // A HEAD response has no body, so S3 cannot say why it refused.
            if (operation === "HeadObject") hints.push("a 403 on HEAD has no error body: expired or invalid credentials look the same");
            return { status: "denied", reason: `access denied: ${operation} on ${where} needs ${action}, which these credentials lack (${said})`, hints, error };
        }
        case "credentials":
            return {
                status: "error",
                reason: `${operation} on ${where}: no usable AWS credentials (${said})`,
                hints: [
                    "the SDK's default chain is used: AWS_PROFILE, `aws sso login`, environment variables, or an instance or container role; `aws sts get-caller-identity` tests them",
                ],
                error,
            };
        case "no-such-bucket":
            return {
                status: "error",
                reason: `${operation} on ${where}: the egress bucket does not exist (${said})`,
                hints: ["are the outputs those of the deployed stack? `pulumi stack output` shows the current ones"],
                error,
            };
        case "wrong-region":
            return {
                status: "error",
                reason: `${operation} on ${where}: the bucket is not in ${run.link.region}, the region the outputs give (${said})`,
                hints: ["are the outputs those of the deployed stack?"],
                error,
            };
        case "not-found":
            return {
                status: "failed",
                reason: `${operation} on ${where}: the canary version is gone (${said}); something deleted it while the canary was polling`,
                hints: ["a lifecycle rule or another process deleting under the root?"],
                error,
            };
        case "insecure":
            return { status: "error", reason: failure.message, hints: ["unset AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 or endpoint_url in the profile"], error };
        default:
            return { status: "error", reason: `${operation} on ${where} failed: ${said}`, hints: [], error };
    }
}

async function cleanUp(run: LinkRun, key: string, versionId: string, unversioned: boolean): Promise<CleanupResult> {
    const bucket = run.link.egressBucketName;
    try {
        // Naming the version deletes it for good, and S3 never replicates a delete that names a version.
        await run.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, ExpectedBucketOwner: run.accountId }));
        return { action: "deleted", detail: unversioned ? `deleted the unversioned object from ${bucket}` : `deleted version ${versionId} from ${bucket}` };
    } catch (err) {
        const failure = classifyS3Error(err);
        const why = failure.kind === "denied" ? `s3:DeleteObjectVersion on ${run.link.egressBucketArn}/${run.link.root}/* is missing` : `${failure.code}: ${failure.message}`;
        return { action: "failed", detail: `could not delete version ${versionId} from ${bucket} (${why})`, command: deleteCommand(run, key, versionId) };
    }
}

export function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)} s`;
}
