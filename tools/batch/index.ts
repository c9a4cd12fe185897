/**
 * `npm run batch-replicate`: the whole command as a function of its arguments
 * and its effects (pulumi, files, the offline planner, the S3 Control client,
 * output), so that tests run every path against a mocked client.
 */
import { randomUUID } from "crypto";
import { CreateJobCommand, ReplicationStatus, S3ControlClient, S3ControlServiceException } from "@aws-sdk/client-s3-control";
import { isConfigError } from "../../infra/config/errors";
import { Command, Io, oneOf, OptionSpecs, Parsed, resolveStackName, runCommand, StackTarget, stackTarget, UsageError } from "../cli/runner";
import { OUTPUTS_OPTIONS, PulumiRunner, readOutputsJson, runPulumi } from "../canary/outputs";
import { batchJobFor, cliCommand, DEFAULT_STATUSES, parseBatchOutputs, REPLICATION_STATUSES } from "./job";

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
  --help                 print this help

exit status: 0 printed (or job created); 1 AWS refused or failed to create the job;
2 usage, outputs or config error, before anything is created.`;

const OPTIONS = {
    ...OUTPUTS_OPTIONS,
    counterpart: { type: "string" },
    status: { type: "string", multiple: true },
    start: { type: "boolean" },
    json: { type: "boolean" },
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
}

/** The job's options from the command line, or a `UsageError` saying what to give instead. */
export function batchOptions(values: Parsed<typeof OPTIONS>["values"]): BatchOptions {
    if (values.stack === undefined && values.outputs === undefined && values.config === undefined) {
        throw new UsageError("--stack <name>, --outputs <file> or --config <file> is required (e.g. --stack prod)");
    }
    if (values.outputs !== undefined && values.config !== undefined) throw new UsageError("give --outputs <file> or --config <file>, not both");
    if (values.counterpart === undefined)
        throw new UsageError("--counterpart <name> is required: the link whose existing or failed objects to replicate (e.g. --counterpart cdlx)");
    if (values.config !== undefined && values.start)
        throw new UsageError("--config plans offline and knows no deployed stack; --start needs the deployed stack's outputs (--stack <name> or --outputs <file>)");
    const statuses = [...new Set(values.status ?? DEFAULT_STATUSES)].map((status) => oneOf("--status", status, REPLICATION_STATUSES));
    // The stack's outputs are read with pulumi: the name must be one of this project's, as every command takes it.
    if (values.stack !== undefined && values.outputs === undefined && values.config === undefined) resolveStackName(values.stack);
    return {
        ...(values.config !== undefined ? { planned: stackTarget(values) } : values.stack !== undefined ? { stack: values.stack } : {}),
        ...(values.outputs !== undefined ? { outputsFile: values.outputs } : {}),
        counterpart: values.counterpart,
        statuses,
        start: values.start ?? false,
        json: values.json ?? false,
    };
}

export interface BatchDeps extends Io {
    runPulumi: PulumiRunner;
    readFile: (file: string) => string;
    /** The outputs of a stack config planned offline. */
    planConfig: (stack: string, configFile: string) => Promise<Record<string, unknown>>;
    clientFor: (region: string) => S3ControlClient;
    newToken: () => string;
}

export function defaultBatchDeps(): BatchDeps {
    return {
        runPulumi,
        readFile: (file) => require("fs").readFileSync(file, "utf8"),
        planConfig: async (stack, configFile) => {
            const { planProjectStack } = await import("../plan/project");
            return (await planProjectStack({ stack, configFile })).plan.outputs;
        },
        clientFor: (region) => new S3ControlClient({ region }),
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
    return { name: "batch-replicate", usage: USAGE, options: OPTIONS, run: async ({ values }) => replicate(batchOptions(values), deps) };
}

/** Returns the exit code; every failure is reported on deps.stderr. */
export function runBatchReplicate(argv: string[], deps: BatchDeps): Promise<number> {
    return runCommand(batchReplicateCommand(deps), argv, deps);
}

async function replicate(options: BatchOptions, deps: BatchDeps): Promise<number> {
    const { json, origin } = await loadOutputs(options, deps);
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
