/**
 * The stack outputs the canary needs, from `pulumi stack output --json` or a
 * file holding the same JSON. Only the fields the canary uses are required,
 * so outputs of an older or newer program still load.
 */
import { spawnSync } from "child_process";
import { z } from "zod";
import { describeOutputProblems, LinkOutputsSchema, outputsByName, parseOutputs, StackOutputsSchema } from "../../infra/contract/outputs";
import { isInputError, readInputFile } from "../../infra/input/file";
import { parseJsonInput } from "../../infra/input/json";
import { OptionSpecs, STACK_OPTIONS, UsageError } from "../cli/runner";

/** What the canary reads of the contract (infra/contract/outputs.ts). */
const linkSchema = LinkOutputsSchema.pick({
    root: true,
    fileNamePrefix: true,
    region: true,
    egressBucketName: true,
    egressBucketArn: true,
    replicationRoleArn: true,
    egressKmsKeyArn: true,
    replication: true,
})
    // Outputs of a program older than the replication role's export still load; the canary then skips the role's checks.
    .partial({ replicationRoleArn: true });

const outputsSchema = StackOutputsSchema.pick({ side: true, partyName: true, accountId: true }).extend({ links: outputsByName(linkSchema) });

export type LinkOutputs = z.infer<typeof linkSchema>;
export type StackOutputs = z.infer<typeof outputsSchema>;

export interface PulumiResult {
    status: number | null;
    stdout: string;
    stderr: string;
    /** Set when the CLI could not be started at all (ENOENT when it is not installed). */
    error?: Error;
}

export type PulumiRunner = (args: string[]) => PulumiResult;

export const runPulumi: PulumiRunner = (args) => {
    // Outputs of a stack with a hundred partners run to a few hundred kB; the default 1 MB cap is too close.
    const r = spawnSync("pulumi", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
};

/** `--stack <name>` (its outputs read with pulumi) or `--outputs <file>` (the same JSON), with `--config` as every command has it; read by readOutputsJson. */
export const OUTPUTS_OPTIONS = { ...STACK_OPTIONS, outputs: { type: "string" } } as const satisfies OptionSpecs;

export interface OutputsSource {
    stack?: string;
    outputsFile?: string;
}

export interface OutputsDeps {
    runPulumi: PulumiRunner;
    readFile: (file: string) => string;
}

/** The file read as outside input: a regular file, at most the size stack outputs may have, UTF-8 (infra/input/file.ts). */
export const defaultOutputsDeps: OutputsDeps = { runPulumi, readFile: (file) => readInputFile(file, "stack outputs", "give the file `pulumi stack output --json` wrote") };

/**
 * The JSON of `pulumi stack output --json`, from a file or the CLI. A file wins
 * over the stack: `--stack` then only names the stack in the report. Every
 * problem is thrown as `fail(message)`, the calling tool's exit-2 error.
 */
export function readOutputsJson(source: OutputsSource, deps: OutputsDeps, fail: (message: string) => Error): { json: unknown; origin: string } {
    if (source.outputsFile !== undefined) {
        const origin = `--outputs ${source.outputsFile}`;
        let text: string;
        try {
            text = deps.readFile(source.outputsFile);
        } catch (err) {
            if (isInputError(err)) throw fail(`${origin}: ${err.problem}; fix: ${err.fix}`);
            throw fail(`${origin}: cannot read it (${(err as Error).message})`);
        }
        return { json: parseJson(text, origin, fail), origin };
    }
    if (source.stack === undefined) throw fail("give --stack <name> or --outputs <file>");
    const origin = `--stack ${source.stack}`;
    const args = ["stack", "output", "--json", "--stack", source.stack];
    const r = deps.runPulumi(args);
    if (r.error) {
        const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
        throw fail(
            missing
                ? `${origin}: the pulumi CLI is not installed or not on PATH; install it, or run \`pulumi ${args.join(" ")} > outputs.json\` where it is and pass --outputs outputs.json`
                : `${origin}: could not run pulumi (${r.error.message})`,
        );
    }
    if (r.status !== 0) {
        throw fail(
            `${origin}: \`pulumi ${args.join(" ")}\` exited ${r.status}: ${r.stderr.trim() || "(no message)"}\n(is the stack name right, and are you logged in to its backend? \`pulumi stack ls\` lists them)`,
        );
    }
    return { json: parseJson(r.stdout, origin, fail), origin };
}

/** The outputs' JSON, read as outside input (infra/input/json.ts: no duplicate names, no number beyond double precision, no deep nesting). */
function parseJson(text: string, origin: string, fail: (message: string) => Error): unknown {
    try {
        return parseJsonInput(text, { file: origin, kind: "stack outputs", fix: "give the output of `pulumi stack output --json`, unchanged" });
    } catch (err) {
        if (!isInputError(err)) throw err;
        if (err.problem.startsWith("is not JSON"))
            throw fail(`${origin}: not JSON (${err.problem.replace(/^is not JSON: /, "")}); expected the output of \`pulumi stack output --json\``);
        throw fail(`${err.message.split("\n")[0]}; fix: ${err.fix}`);
    }
}

// A problem the operator fixes by changing the command line or its inputs: exit 2 with the usage.
const canaryError = (message: string) => new UsageError(message);

export function loadStackOutputs(source: OutputsSource, deps: OutputsDeps): StackOutputs {
    const { json, origin } = readOutputsJson(source, deps, canaryError);
    return checkStackOutputs(json, origin);
}

export function parseStackOutputs(text: string, origin: string): StackOutputs {
    return checkStackOutputs(parseJson(text, origin, canaryError), origin);
}

function checkStackOutputs(json: unknown, origin: string): StackOutputs {
    const parsed = parseOutputs(outputsSchema, json);
    if (parsed.problems) throw canaryError(describeOutputProblems(origin, parsed));
    return parsed.outputs;
}
