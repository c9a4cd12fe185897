/**
 * `npm run batch-replicate`: the whole command as a function of its arguments
 * and its effects (pulumi, files, the offline planner, the S3 Control client,
 * output), so that tests run every path against a mocked client.
 */
import { randomUUID } from "crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { CreateJobCommand, ReplicationStatus, S3ControlClient, S3ControlServiceException } from "@aws-sdk/client-s3-control";
import { isConfigError } from "../../infra/config/errors";
import { Command, Io, oneOf, OptionSpecs, Parsed, ProjectRootDeps, resolveStackName, runCommand, StackTarget, stackTarget, UsageError } from "../cli/runner";
import { realClock } from "../canary/index";
import { defaultOutputsDeps, OUTPUTS_OPTIONS, PulumiRunner, readOutputsJson, runPulumi } from "../canary/outputs";
import { Clock } from "../canary/run-link";
import { createS3Client } from "../canary/s3";
import { CANARY_INTERVAL_SECONDS, CANARY_TIMEOUT_SECONDS, formatBatchCanary, runBatchCanary } from "./canary";
import { batchJobFor, cliCommand, DEFAULT_STATUSES, JobTarget, jobTarget, parseBatchOutputs, REPLICATION_STATUSES } from "./job";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;

export const USAGE = `usage: npm run batch-replicate -- (--stack <name> | --outputs <file> | --config <file>) --counterpart <name> [options]

Prints the S3 Batch Replication job of one link: the \`aws s3control create-job\`
command and its request, with a manifest S3 generates from the egress bucket's
replication rule (objects under the link's root whose replication status is
NONE or FAILED), run by the side's Batch Replication role, with the manifest
and the completion report under batch-replication/ of the region's log bucket.

  --stack <name>         a stack of this project (prod, or <organization>/<project>/prod):
                         read its outputs with \`pulumi stack output --json --stack <name>\`
  --outputs <file>       read the same JSON from a file instead
  --config <file>        plan a stack config offline (an example): print only, never start
  --counterpart <name>   the link to replicate (required)
  --status <status>      replication status to include: NONE, FAILED, COMPLETED or REPLICA;
                         repeat for several (default: NONE and FAILED)
  --start                create the job with the AWS SDK (credentials from the default
                         chain); it starts without confirmation
  --json                 print the request as JSON only
  --canary               instead, the pre-production batch canary of the link: write one
                         canary object under its root, wait for live replication, write a
                         one-line CSV manifest of it under batch-replication/<egress bucket>/canary/
                         of the log bucket, run a Batch Replication job over it with the
                         link's role, wait for the job, and delete the canary version;
                         without --start, print what it would do
  --timeout <seconds>    with --canary: give up after this long (default ${CANARY_TIMEOUT_SECONDS})
  --interval <seconds>   with --canary: poll this often (default ${CANARY_INTERVAL_SECONDS})
  --keep                 with --canary: leave the canary version in the egress bucket
  --help                 print this help

exit status: 0 printed, job created, or (--canary --start) the canary job replicated
the canary; 1 AWS refused or failed the job, or the canary failed or timed out;
2 usage, outputs or config error, before anything is created.`;

const OPTIONS = {
    ...OUTPUTS_OPTIONS,
    counterpart: { type: "string" },
    status: { type: "string", multiple: true },
    start: { type: "boolean" },
    json: { type: "boolean" },
    canary: { type: "boolean" },
    timeout: { type: "string" },
    interval: { type: "string" },
    keep: { type: "boolean" },
} as const satisfies OptionSpecs;

export interface BatchOptions {
    stack?: string;
    outputsFile?: string;
    /** The stack config to plan offline (`--config`, checked readable), instead of deployed outputs. */
    planned?: StackTarget;
    counterpart: string;
    statuses: ReplicationStatus[];
    start: boolean;
    json: boolean;
    /** The batch canary's limits, with --canary. */
    canary?: { timeoutMs: number; intervalMs: number; keep: boolean };
}

/** The job's options from the command line, or a `UsageError` saying what to give instead; `--stack` names a stack of the project at `root`. */
export function batchOptions(values: Parsed<typeof OPTIONS>["values"], root?: string): BatchOptions {
    if (values.stack === undefined && values.outputs === undefined && values.config === undefined) {
        throw new UsageError("--stack <name>, --outputs <file> or --config <file> is required (e.g. --stack prod)");
    }
    if (values.outputs !== undefined && values.config !== undefined) throw new UsageError("give --outputs <file> or --config <file>, not both");
    if (values.counterpart === undefined)
        throw new UsageError("--counterpart <name> is required: the link whose existing or failed objects to replicate (e.g. --counterpart cdlx)");
    if (values.config !== undefined && values.start)
        throw new UsageError("--config plans offline and knows no deployed stack; --start needs the deployed stack's outputs (--stack <name> or --outputs <file>)");
    const statuses = [...new Set(values.status ?? DEFAULT_STATUSES)].map((status) => oneOf("--status", status, REPLICATION_STATUSES));
    if (!values.canary) {
        for (const option of ["timeout", "interval", "keep"] as const)
            if (values[option] !== undefined)
                throw new UsageError(`--${option} is for --canary only: a recovery job runs until AWS ends it (follow it with aws s3control describe-job)`);
    } else if (values.status !== undefined) {
        throw new UsageError("--status is for the S3-generated manifest of a recovery job; --canary runs over the one canary object it writes");
    }
    // The stack's outputs are read with pulumi: the name must be one of this project's, as every command takes it.
    if (values.stack !== undefined && values.outputs === undefined && values.config === undefined) resolveStackName(values.stack, root);
    return {
        ...(values.config !== undefined ? { planned: stackTarget(values, root) } : values.stack !== undefined ? { stack: values.stack } : {}),
        ...(values.outputs !== undefined ? { outputsFile: values.outputs } : {}),
        counterpart: values.counterpart,
        statuses,
        start: values.start ?? false,
        json: values.json ?? false,
        ...(values.canary ? { canary: canaryLimits(values) } : {}),
    };
}

function canaryLimits(values: Parsed<typeof OPTIONS>["values"]): NonNullable<BatchOptions["canary"]> {
    const timeout = seconds("--timeout", values.timeout, CANARY_TIMEOUT_SECONDS, 60, 24 * 3600);
    const interval = seconds("--interval", values.interval, CANARY_INTERVAL_SECONDS, 1, 3600);
    if (interval > timeout) throw new UsageError(`--interval ${interval} is longer than --timeout ${timeout}: lower --interval or raise --timeout`);
    return { timeoutMs: timeout * 1000, intervalMs: interval * 1000, keep: values.keep ?? false };
}

function seconds(option: string, text: string | undefined, fallback: number, min: number, max: number): number {
    if (text === undefined) return fallback;
    const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) throw new UsageError(`${option} must be whole seconds from ${min} to ${max}, got "${text}" (e.g. ${option} ${fallback})`);
    return value;
}

export interface BatchDeps extends Io, ProjectRootDeps {
    runPulumi: PulumiRunner;
    readFile: (file: string) => string;
    /** The outputs of a stack config planned offline. */
    planConfig: (stack: string, configFile: string) => Promise<Record<string, unknown>>;
    clientFor: (region: string) => S3ControlClient;
    /** The S3 client of a region, for the batch canary's objects. */
    s3For: (region: string) => S3Client;
    clock: Clock;
    newToken: () => string;
}

export function defaultBatchDeps(): BatchDeps {
    return {
        runPulumi,
        readFile: defaultOutputsDeps.readFile,
        planConfig: async (stack, configFile) => {
            const { planProjectStack } = await import("../plan/project");
            return (await planProjectStack({ stack, configFile })).plan.outputs;
        },
        clientFor: (region) => new S3ControlClient({ region }),
        s3For: (region) => createS3Client(region),
        clock: realClock,
        newToken: randomUUID,
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
    };
}

async function loadOutputs(options: BatchOptions, deps: BatchDeps): Promise<{ json: unknown; origin: string }> {
    if (options.planned === undefined) return readOutputsJson(options, deps, (message) => new UsageError(message));
    const { stack, configFile } = options.planned;
    const origin = `--config ${configFile}`;
    try {
        return { json: await deps.planConfig(stack, configFile), origin };
    } catch (err) {
        // A config error names its file, key and fix, and the runner reports it so; anything else is why the file does not plan.
        if (isConfigError(err)) throw err;
        throw new UsageError(`${origin}: the config does not plan (${(err as Error).message})`);
    }
}

/** The command, its effects injected: `main` runs it on the process, tests on mocks. */
export function batchReplicateCommand(deps: BatchDeps): Command<typeof OPTIONS> {
    return { name: "batch-replicate", usage: USAGE, options: OPTIONS, run: async ({ values }) => replicate(batchOptions(values, deps.root), deps) };
}

/** Returns the exit code; every failure is reported on deps.stderr. */
export function runBatchReplicate(argv: string[], deps: BatchDeps): Promise<number> {
    return runCommand(batchReplicateCommand(deps), argv, deps);
}

async function replicate(options: BatchOptions, deps: BatchDeps): Promise<number> {
    const { json, origin } = await loadOutputs(options, deps);
    if (options.canary) return canary(jobTarget(parseBatchOutputs(json, origin), options.counterpart, origin), { ...options, canary: options.canary }, deps);
    const job = batchJobFor(parseBatchOutputs(json, origin), options.counterpart, options.statuses, origin);
    const token = deps.newToken();
    const request = { ...job.request, ClientRequestToken: token };
    if (options.json) deps.stdout(`${JSON.stringify({ region: job.region, request }, null, 2)}\n`);
    else {
        deps.stdout(
            [
                `# S3 Batch Replication job for ${job.counterpart} (region ${job.region})`,
                "",
                cliCommand(job, token),
                "",
                "# The request (S3 Control CreateJob):",
                JSON.stringify(request, null, 2),
                "",
            ].join("\n"),
        );
    }
    if (!options.start) return EXIT_OK;
    try {
        const created = await deps.clientFor(job.region).send(new CreateJobCommand(request));
        deps.stderr(
            `batch-replicate: created job ${created.JobId} in ${job.region}; follow it with \`aws s3control describe-job --region ${job.region} --account-id ${request.AccountId} --job-id ${created.JobId}\`\n`,
        );
        return EXIT_OK;
    } catch (err) {
        const reason = err instanceof S3ControlServiceException ? `${err.name}: ${err.message}` : (err as Error).message;
        deps.stderr(`batch-replicate: AWS refused the job: ${reason}\n(check that your credentials may s3:CreateJob and iam:PassRole ${request.RoleArn})\n`);
        return EXIT_FAILED;
    }
}

/** --canary: what it would do, or (--start) the canary job run to its end. */
async function canary(target: JobTarget, options: BatchOptions & { canary: NonNullable<BatchOptions["canary"]> }, deps: BatchDeps): Promise<number> {
    if (!options.start) {
        const log = target.logBucketArn.split(":::")[1];
        deps.stdout(
            [
                `# The Batch Replication canary of ${target.counterpart} (region ${target.region}); nothing is written without --start`,
                `1. write one canary object under s3://${target.egressBucketName}/${target.root}/ and wait until live replication settles`,
                `2. write a one-line CSV manifest (Bucket,Key,VersionId) of it to s3://${log}/${target.workPrefix}/canary/`,
                `3. create a Batch Replication job over it run by ${target.roleArn}, report under s3://${log}/${target.workPrefix}/canary/reports/, and wait up to ${options.canary.timeoutMs / 1000} s`,
                `4. ${options.canary.keep ? "keep" : "delete"} the canary version; the manifest and report stay`,
                "",
            ].join("\n"),
        );
        return EXIT_OK;
    }
    const s3 = deps.s3For(target.region);
    const control = deps.clientFor(target.region);
    try {
        const report = await runBatchCanary({
            target,
            s3,
            control,
            clock: deps.clock,
            timeoutMs: options.canary.timeoutMs,
            intervalMs: options.canary.intervalMs,
            keep: options.canary.keep,
            clientRequestToken: deps.newToken(),
            log: (line) => deps.stderr(`batch-replicate: ${line}\n`),
        });
        deps.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatBatchCanary(report));
        return report.verdict === "passed" ? EXIT_OK : EXIT_FAILED;
    } finally {
        s3.destroy();
        control.destroy();
    }
}
