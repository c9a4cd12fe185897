/**
 * The stack outputs the canary needs, from `pulumi stack output --json` or a
 * file holding the same JSON. Only the fields the canary uses are required,
 * so outputs of an older or newer program still load.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { z } from "zod";

/** A problem the operator fixes by changing the command line or its inputs: exit 2. */
export class CanaryConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CanaryConfigError";
    }
}

const linkSchema = z.object({
    root: z.string().min(1),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region such as us-east-1"),
    egressBucketName: z.string().min(3),
    egressBucketArn: z.string().regex(/^arn:aws[a-z-]*:s3:::[^/]+$/, "must be an S3 bucket ARN"),
    replicationRoleArn: z.string().optional(),
    egressKmsKeyArn: z.string().optional(),
    replication: z.enum(["active", "pending"]),
});

const outputsSchema = z.object({
    side: z.string(),
    partyName: z.string(),
    accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account ID"),
    links: z.record(z.string(), linkSchema),
});

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

export interface OutputsSource {
    stack?: string;
    outputsFile?: string;
}

export interface OutputsDeps {
    runPulumi: PulumiRunner;
    readFile: (file: string) => string;
}

export const defaultOutputsDeps: OutputsDeps = { runPulumi, readFile: (file) => fs.readFileSync(file, "utf8") };

/** A file wins over the stack: `--stack` then only names the stack in the report. */
export function loadStackOutputs(source: OutputsSource, deps: OutputsDeps): StackOutputs {
    if (source.outputsFile !== undefined) {
        let text: string;
        try {
            text = deps.readFile(source.outputsFile);
        } catch (err) {
            throw new CanaryConfigError(`--outputs ${source.outputsFile}: cannot read it (${(err as Error).message})`);
        }
        return parseStackOutputs(text, `--outputs ${source.outputsFile}`);
    }
    if (source.stack === undefined) throw new CanaryConfigError("give --stack <name> or --outputs <file>");
    const args = ["stack", "output", "--json", "--stack", source.stack];
    const r = deps.runPulumi(args);
    if (r.error) {
        const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
        throw new CanaryConfigError(missing
            ? `--stack ${source.stack}: the pulumi CLI is not installed or not on PATH; install it, or run \`pulumi ${args.join(" ")} > outputs.json\` where it is and pass --outputs outputs.json`
            : `--stack ${source.stack}: could not run pulumi (${r.error.message})`);
    }
    if (r.status !== 0) {
        throw new CanaryConfigError(`--stack ${source.stack}: \`pulumi ${args.join(" ")}\` exited ${r.status}: ${r.stderr.trim() || "(no message)"}\n(is the stack name right, and are you logged in to its backend? \`pulumi stack ls\` lists them)`);
    }
    return parseStackOutputs(r.stdout, `--stack ${source.stack}`);
}

export function parseStackOutputs(text: string, origin: string): StackOutputs {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        throw new CanaryConfigError(`${origin}: not JSON (${(err as Error).message}); expected the output of \`pulumi stack output --json\``);
    }
    if (json !== null && typeof json === "object" && !Array.isArray(json) && Object.keys(json).length === 0) {
        throw new CanaryConfigError(`${origin}: the stack has no outputs; has it been deployed (\`pulumi up\`)?`);
    }
    const parsed = outputsSchema.safeParse(json);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `  - ${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`);
        throw new CanaryConfigError(`${origin}: not the outputs of this program's stack (\`pulumi stack output --json\`):\n${problems.join("\n")}`);
    }
    return parsed.data;
}
