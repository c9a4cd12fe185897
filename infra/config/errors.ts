// The SDK's errors module alone (the class the SDK's index re-exports), not the whole SDK: a command that
// only refuses its config, or prints --help, starts without loading the runtime.
import { RunError } from "@pulumi/pulumi/errors";
import { capList, elide } from "../input/messages";

/** One problem with one config key, with the fix an operator can apply. */
export interface ConfigProblem {
    /** The full config key path, e.g. `s3-transfer:partners[0].accountId`. */
    key: string;
    /** What is wrong, including the offending value where it is safe to show. */
    problem: string;
    /** What to do about it, usually a `pulumi config set` command. */
    fix: string;
    /** The stack file the key was read from, when a tool read it (the Pulumi CLI does not say). */
    file?: string;
    /** The 1-based line of the key (or of its nearest enclosing key) in `file`. */
    line?: number;
}

/**
 * Raised before any resource is registered when stack config is invalid.
 * It extends RunError so that `pulumi up` prints the message without a stack trace.
 */
export class ConfigError extends RunError {
    readonly problems: ConfigProblem[];

    constructor(problems: ConfigProblem[]) {
        super(formatProblems(problems));
        this.name = "ConfigError";
        this.problems = problems;
    }
}

function where(p: ConfigProblem): string {
    if (!p.file) return "";
    return p.line ? `${p.file}:${p.line}: ` : `${p.file}: `;
}

/** The problems as one message: the first MAX_PROBLEMS_SHOWN of them, and how many more there are. */
export function formatProblems(problems: ConfigProblem[]): string {
    const lines = capList(problems, (p) => `  - ${where(p)}${elide(p.key)}: ${p.problem}\n    fix: ${p.fix}`);
    return `Invalid stack configuration (${problems.length.toLocaleString("en-US")} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

/** True for a ConfigError from this program (also across duplicated module instances). */
export function isConfigError(err: unknown): err is ConfigError {
    return err instanceof ConfigError || (err instanceof Error && err.name === "ConfigError" && "problems" in err);
}
