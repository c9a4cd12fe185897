/**
 * `npm run batch-replicate`: the whole command as a function of its arguments
 * and its effects (pulumi, files, the offline planner, the S3 Control client,
 * output), so that tests run every path against a mocked client.
 */
import { randomUUID } from "crypto";
import { parseArgs } from "util";
import { CreateJobCommand, ReplicationStatus, S3ControlClient, S3ControlServiceException } from "@aws-sdk/client-s3-control";
import { isConfigError } from "../../infra/config/errors";
import { stackNameOfFile } from "../cli/runner";
import { PulumiRunner, readOutputsJson, runPulumi } from "../canary/outputs";
import { BatchUsageError, batchJobFor, cliCommand, DEFAULT_STATUSES, parseBatchOutputs, REPLICATION_STATUSES } from "./job";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export const USAGE = `usage: npm run batch-replicate -- (--stack <name> | --outputs <file> | --config <file>) --counterpart <name> [options]

Prints the S3 Batch Replication job of one link: the \`aws s3control create-job\`
command and its request, with a manifest S3 generates from the egress bucket's
replication rule (objects under the link's root whose replication status is
NONE or FAILED), run by the side's Batch Replication role, with the manifest
and the completion report under batch-replication/ of the region's log bucket.

  --stack <name>         read the outputs with \`pulumi stack output --json --stack <name>\`
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

export interface BatchOptions {
    stack?: string;
    outputsFile?: string;
    configFile?: string;
    counterpart: string;
    statuses: ReplicationStatus[];
    start: boolean;
    json: boolean;
    help: boolean;
}

export function parseBatchOptions(argv: string[]): BatchOptions {
    let values: { stack?: string; outputs?: string; config?: string; counterpart?: string; status?: string[]; start?: boolean; json?: boolean; help?: boolean };
    let positionals: string[];
    try {
        ({ values, positionals } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                outputs: { type: "string" },
                config: { type: "string" },
                counterpart: { type: "string" },
                status: { type: "string", multiple: true },
                start: { type: "boolean" },
                json: { type: "boolean" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
            allowPositionals: true,
        }));
    } catch (err) {
        throw new BatchUsageError(`${(err as Error).message}; see --help`);
    }
    const base = { counterpart: values.counterpart ?? "", statuses: DEFAULT_STATUSES, start: values.start ?? false, json: values.json ?? false };
    if (values.help) return { ...base, help: true };
    if (positionals.length) throw new BatchUsageError(`unexpected argument "${positionals[0]}"; options take the form --counterpart <name>`);
    const sources = (["stack", "outputs", "config"] as const).filter((k) => values[k] !== undefined);
    if (!sources.length) throw new BatchUsageError("--stack <name>, --outputs <file> or --config <file> is required (e.g. --stack prod)");
    if (values.outputs !== undefined && values.config !== undefined) throw new BatchUsageError("give --outputs <file> or --config <file>, not both");
    for (const key of sources)
        if (values[key] === "")
            throw new BatchUsageError(`--${key} needs a value, e.g. --${key} ${key === "stack" ? "prod" : key === "outputs" ? "outputs.json" : "stacks/examples/sse-kms.yaml"}`);
    if (!values.counterpart) throw new BatchUsageError("--counterpart <name> is required: the link whose existing or failed objects to replicate (e.g. --counterpart cdlx)");
    if (values.config !== undefined && values.start)
        throw new BatchUsageError("--config plans offline and knows no deployed stack; --start needs the deployed stack's outputs (--stack <name> or --outputs <file>)");
    const statuses = [...new Set(values.status ?? DEFAULT_STATUSES)];
    for (const status of statuses) {
        if (!(REPLICATION_STATUSES as readonly string[]).includes(status))
            throw new BatchUsageError(`--status ${status}: must be one of ${REPLICATION_STATUSES.join(", ")} (e.g. --status FAILED)`);
    }
    return {
        ...base,
        ...(values.stack !== undefined ? { stack: values.stack } : {}),
        ...(values.outputs !== undefined ? { outputsFile: values.outputs } : {}),
        ...(values.config !== undefined ? { configFile: values.config } : {}),
        statuses: statuses as ReplicationStatus[],
        help: false,
    };
}

export interface BatchDeps {
    runPulumi: PulumiRunner;
    readFile: (file: string) => string;
    /** The outputs of a stack config planned offline. */
    planConfig: (stack: string, configFile: string) => Promise<Record<string, unknown>>;
    clientFor: (region: string) => S3ControlClient;
    newToken: () => string;
    stdout: (text: string) => void;
    stderr: (text: string) => void;
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
    if (options.configFile !== undefined) {
        const origin = `--config ${options.configFile}`;
        try {
            deps.readFile(options.configFile);
        } catch (err) {
            throw new BatchUsageError(`${origin}: cannot read it (${(err as Error).message})`);
        }
        const stack = options.stack ?? stackNameOfFile(options.configFile);
        try {
            return { json: await deps.planConfig(stack, options.configFile), origin };
        } catch (err) {
            if (isConfigError(err)) throw new BatchUsageError(`${origin}: ${err.message}`);
            throw new BatchUsageError(`${origin}: the config does not plan (${(err as Error).message})`);
        }
    }
    return readOutputsJson(options, deps, (message) => new BatchUsageError(message));
}

/** Returns the exit code. */
export async function runBatchReplicate(argv: string[], deps: BatchDeps): Promise<number> {
    let job;
    let options: BatchOptions;
    try {
        options = parseBatchOptions(argv);
        if (options.help) {
            deps.stdout(`${USAGE}\n`);
            return EXIT_OK;
        }
        const { json, origin } = await loadOutputs(options, deps);
        job = batchJobFor(parseBatchOutputs(json, origin), options.counterpart, options.statuses, origin);
    } catch (err) {
        if (err instanceof BatchUsageError) {
            deps.stderr(`batch-replicate: ${err.message}\n${USAGE}\n`);
            return EXIT_USAGE;
        }
        throw err;
    }
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
