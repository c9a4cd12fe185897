/** The canary's command line. Every error names the option and how to fix it. */
import { OptionSpecs, Parsed, resolveStackName, stackTarget, UsageError } from "../cli/runner";
import { OUTPUTS_OPTIONS } from "./outputs";

export const DEFAULT_TIMEOUT_SECONDS = 900;
export const DEFAULT_INTERVAL_SECONDS = 5;
/** Polling faster buys no precision worth the HEAD requests. */
export const MIN_INTERVAL_SECONDS = 1;
export const MAX_TIMEOUT_SECONDS = 24 * 3600;

export const USAGE = `usage: npm run canary -- (--stack <name> | --outputs <file>) [options]

Writes a small canary object into the egress bucket of each active link of the
stack, polls its replication status until COMPLETED, FAILED or the timeout,
reports the measured latency, and deletes the canary version it wrote.

  --stack <name>         a stack of this project (prod, or <organization>/<project>/prod):
                         read its outputs with \`pulumi stack output --json --stack <name>\`
  --outputs <file>       read the same JSON from a file instead (with --stack, the
                         stack name is only used to label the report)
  --config <file>        refused: an offline plan is not a deployment; name the stack
                         deployed from the file with --stack
  --counterpart <name>   check this link only; repeat for several (default: every
                         link whose replication is active; pending links are skipped)
  --timeout <seconds>    give up on a link after this long (default ${DEFAULT_TIMEOUT_SECONDS}, the 15-minute
                         Replication Time Control target)
  --interval <seconds>   first poll interval (default ${DEFAULT_INTERVAL_SECONDS}, at least ${MIN_INTERVAL_SECONDS}); it grows by
                         a quarter after each PENDING, up to 30 s or the interval given
  --keep                 leave the canary version in the egress bucket
  --json                 print the report as JSON (progress still goes to stderr)
  --help                 print this help

AWS credentials come from the SDK's default chain (AWS_PROFILE, SSO, environment,
instance or container role); requests go over HTTPS only.

exit status: 0 every checked link COMPLETED; 1 a link FAILED, timed out, was
denied or errored; 2 usage or outputs error, or no active link to check;
130 interrupted.`;

export const OPTIONS = {
    ...OUTPUTS_OPTIONS,
    counterpart: { type: "string", multiple: true },
    timeout: { type: "string" },
    interval: { type: "string" },
    keep: { type: "boolean" },
    json: { type: "boolean" },
} as const satisfies OptionSpecs;

export interface CanaryOptions {
    stack?: string;
    outputsFile?: string;
    counterparts: string[];
    timeoutMs: number;
    intervalMs: number;
    keep: boolean;
    json: boolean;
}

/** The canary's options from the command line, or a `UsageError` saying what to give instead; `--stack` names a stack of the project at `root`. */
export function canaryOptions(values: Parsed<typeof OPTIONS>["values"], root?: string): CanaryOptions {
    // Every other command takes --config; the canary writes to deployed buckets, which a config alone does not prove exist.
    if (values.config !== undefined) {
        const { stack } = stackTarget(values, root);
        throw new UsageError(
            `--config plans offline and knows no deployed stack; the canary writes to the deployed buckets: give --stack <name> (or --outputs <file>) of the stack deployed from that config (e.g. --stack ${stack})`,
        );
    }
    if (values.stack === undefined && values.outputs === undefined) {
        throw new UsageError("--stack <name> or --outputs <file> is required (e.g. --stack prod)");
    }
    // The stack's outputs are read with pulumi: the name must be one of this project's, as every command takes it.
    if (values.stack !== undefined && values.outputs === undefined) resolveStackName(values.stack, root);
    const timeout = seconds("--timeout", values.timeout, DEFAULT_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS);
    const interval = seconds("--interval", values.interval, DEFAULT_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS, MAX_TIMEOUT_SECONDS);
    if (interval > timeout)
        throw new UsageError(`--interval ${interval} is longer than --timeout ${timeout}: the canary would poll at most once; lower --interval or raise --timeout`);
    return {
        ...(values.stack !== undefined ? { stack: values.stack } : {}),
        ...(values.outputs !== undefined ? { outputsFile: values.outputs } : {}),
        counterparts: [...new Set(values.counterpart ?? [])],
        timeoutMs: timeout * 1000,
        intervalMs: interval * 1000,
        keep: values.keep ?? false,
        json: values.json ?? false,
    };
}

function seconds(option: string, text: string | undefined, fallback: number, min: number, max: number): number {
    if (text === undefined) return fallback;
    const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isFinite(value) || value < min || value > max) {
        throw new UsageError(`${option} must be a number of seconds from ${min} to ${max}, got "${text}" (e.g. ${option} ${fallback})`);
    }
    return value;
}
