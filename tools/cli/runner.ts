/**
 * The one command-line runner every tool in tools/ starts through, so that
 * they all read their command line and end the same way:
 * - `--help` (or `-h`) prints the usage on stdout and exits 0, before anything runs;
 * - an unknown option, a missing or empty value, a single-valued option given
 *   twice, a bad value, a missing required option, or a file that cannot be
 *   read or written (a `UsageError`) exits 2 with the message and the usage on stderr;
 * - a config error (the program's `ConfigError`, naming the file, key and fix)
 *   and a refused input file (`InputError`: not a regular file, too large, not
 *   UTF-8, JSON or YAML that is not what it claims) exit 2;
 * - any other failure exits 1 with its one-line message, never a stack trace;
 * - the process exits only once stdout and stderr have drained, so a pipe gets all of both.
 * `--stack <name>` names a stack of this project (its `Pulumi.<name>.yaml`),
 * bare or qualified, and `--config <file>` alone names an example: a stack
 * called after its file (tools/cli/stacks.ts, used by every command).
 * A command with subcommands (`key build|parse|check`) is a `CommandGroup`:
 * each subcommand has its own options, and all share the group's usage.
 *
 * Nothing heavy is imported here: `key` and `gen-partners` start without the
 * Pulumi SDK, and the config-error check loads its module only when something
 * failed (infra/input/file.ts imports only `fs` and the message helpers).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { isInputError } from "../../infra/input/file";
import { UsageError } from "./errors";
import type { OptionSpecs } from "./option-specs";
import { npmSwallowedHint } from "./npm-hint";

export { UsageError };
export type { OptionSpecs };
export { projectStacks, resolveStackName, stackArgs, stackNameOfFile, stackTarget, unreadable } from "./stacks";
export type { ProjectRootDeps, StackTarget } from "./stacks";

export interface Command<O extends OptionSpecs> {
    /** The npm script, as in `npm run <name>`. */
    name: string;
    /** The whole usage, starting `usage: npm run <name> -- ...`. */
    usage: string;
    /** The options besides `--help`, which every command has. */
    options: O;
    /** Default false: a stray word is an error, not silently ignored. */
    allowPositionals?: boolean;
    run: (args: Parsed<O>, io: Io) => Promise<number> | number;
}

export interface Io {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

export type Parsed<O extends OptionSpecs> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

const HELP = { help: { type: "boolean", short: "h" } } as const satisfies OptionSpecs;

/** `--stack <name>` and `--config <file>`, the same two options in every command that works on a stack (read them with `stackTarget`). */
export const STACK_OPTIONS = { stack: { type: "string" }, config: { type: "string" } } as const satisfies OptionSpecs;

/** The command line as the command's options read it; a `UsageError` when it does not parse. */
export function parseCommandLine<O extends OptionSpecs>(command: Command<O>, argv: string[]): Parsed<O> & { help: boolean } {
    const options = { ...command.options, ...HELP };
    let parsed;
    try {
        parsed = parseArgs({ args: argv, options, allowPositionals: command.allowPositionals ?? false, strict: true, tokens: true });
    } catch (err) {
        // parseArgs says what was wrong ("Unknown option '--stak'"); the usage then says what is right.
        throw new UsageError((err as Error).message);
    }
    const { help, ...values } = parsed.values as Record<string, unknown>;
    if (help === true) return { values, positionals: parsed.positionals, help: true } as unknown as Parsed<O> & { help: boolean };
    // parseArgs keeps the last of a repeated option that is not `multiple`: `--counterpart a --counterpart b` would quietly drop a.
    const seen = new Set<string>();
    for (const token of parsed.tokens) {
        if (token.kind !== "option" || (options as OptionSpecs)[token.name]?.multiple) continue;
        if (seen.has(token.name)) throw new UsageError(`Option '--${token.name}' is given twice: it takes one value`);
        seen.add(token.name);
    }
    // `--stack ""` (an unset shell variable) names nothing, as a missing value does: no option of ours takes an empty one.
    for (const [name, value] of Object.entries(values)) {
        if (value === "" || (Array.isArray(value) && value.includes(""))) throw new UsageError(`Option '--${name} <value>' is empty: give it a value`);
    }
    return { values, positionals: parsed.positionals, help: false } as unknown as Parsed<O> & { help: boolean };
}

/** A value that must be one of a few words (`--format markdown|json`); a `UsageError` naming them otherwise. */
export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new UsageError(`${option} must be one of ${allowed.join(", ")}, got "${value}" (e.g. ${option} ${allowed[0]})`);
}

/** A whole number given as digits only: Number() would also take "1e3", "0x10" and " 7 ". */
export function wholeNumber(option: string, text: string): number {
    if (!/^\d+$/.test(text)) throw new UsageError(`${option} must be a whole number, got "${text}"`);
    return Number(text);
}

/** Runs a command on its arguments and returns its exit status; every failure is reported on `io.stderr`. */
export async function runCommand<O extends OptionSpecs>(command: Command<O>, argv: string[], io: Io = processIo): Promise<number> {
    try {
        const { help, ...args } = parseCommandLine(command, argv);
        if (help) {
            io.stdout(`${command.usage}\n`);
            return 0;
        }
        return await command.run(args as unknown as Parsed<O>, io);
    } catch (err) {
        if (err instanceof UsageError) {
            const hint = npmSwallowedHint(command.name, command.options, argv, process.env);
            if (hint) err.message += `\n${hint}`;
        }
        return reportFailure(err, command, io);
    }
}

/** Reports a failure the command did not handle, and returns its exit status. */
export function reportFailure(err: unknown, command: { usage: string }, io: Io): number {
    if (err instanceof UsageError) {
        io.stderr(`${err.message}\n${command.usage}\n`);
        return 2;
    }
    if (isConfigError(err) || isInputError(err)) {
        io.stderr(`${err.message}\n`);
        return 2;
    }
    // One line: the message says what failed; a stack trace points into bin/ and helps no operator.
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
}

/** The program's ConfigError, loaded only now: infra/config/errors imports the Pulumi SDK, which a cheap tool must not load to start. */
function isConfigError(err: unknown): err is Error {
    if (!(err instanceof Error && err.name === "ConfigError")) return false;
    const errors = require("../../infra/config/errors") as typeof import("../../infra/config/errors");
    return errors.isConfigError(err);
}

const processIo: Io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

/** One subcommand of a `CommandGroup`: its options and what it runs; the group's name and usage are its own. */
export type Subcommand<O extends OptionSpecs> = Omit<Command<O>, "name" | "usage">;

/** A subcommand with its options' types checked against its `run`, for a group's `commands`. */
export function subcommand<O extends OptionSpecs>(spec: Subcommand<O>): Subcommand<OptionSpecs> {
    return spec as unknown as Subcommand<OptionSpecs>;
}

export interface CommandGroup {
    /** The npm script, as in `npm run <name>`. */
    name: string;
    /** The whole usage of every subcommand, starting `usage: npm run <name> -- <command> ...`. */
    usage: string;
    /** The subcommands by name: `npm run <name> -- <command> [options]`. */
    commands: Record<string, Subcommand<OptionSpecs>>;
}

/**
 * Runs the subcommand the first argument names on the rest, as runCommand does;
 * `--help`, `-h` or `help` in its place prints the usage. An option before the
 * command, a missing or unknown command, exits 2 with the usage.
 */
export async function runCommandGroup(group: CommandGroup, argv: string[], io: Io = processIo): Promise<number> {
    const [first, ...rest] = argv;
    const names = Object.keys(group.commands).join(", ");
    if (first === "--help" || first === "-h" || first === "help") {
        io.stdout(`${group.usage}\n`);
        return 0;
    }
    let problem: string | undefined;
    if (first === undefined) problem = `no command given: give one of ${names}`;
    else if (first.startsWith("-")) problem = `Unknown option '${first}': give the command first (${names})`;
    else if (!Object.hasOwn(group.commands, first)) problem = `unknown command "${first}": give one of ${names}`;
    if (problem !== undefined) return reportFailure(new UsageError(problem), group, io);
    return runCommand({ ...group.commands[first!], name: `${group.name} ${first}`, usage: group.usage }, rest, io);
}

/**
 * The entry point of a tool: runs it on the process's arguments and exits with
 * its status once stdout has drained. A command that writes through injected
 * effects (canary, batch-replicate) passes the same `io` its run writes to.
 */
export function main<O extends OptionSpecs>(command: Command<O> | CommandGroup, io: Io = processIo): void {
    void exitWith(runTool(command, process.argv.slice(2), io), command);
}

/** A command, its options' types inferred for its `run` (what `main` infers), to export for tests that run it in process. */
export function defineCommand<O extends OptionSpecs>(command: Command<O>): Command<O> {
    return command;
}

/** Runs a command or a group on its arguments, as its entry point does, and returns its exit status (tests run tools in process with it). */
export function runTool<O extends OptionSpecs>(command: Command<O> | CommandGroup, argv: string[], io: Io = processIo): Promise<number> {
    return "commands" in command ? runCommandGroup(command, argv, io) : runCommand(command, argv, io);
}

/**
 * Exits with the status a running command resolves to, once stdout and stderr
 * have drained: a pipe takes output in 64 KiB chunks, and `process.exit` would
 * cut what is still queued (https://nodejs.org/api/process.html#processexitcode:
 * "pending writes to process.stdout ... may be lost"); a refusal of 128 KiB on
 * stderr is as much output as a plan on stdout. A rejection is reported as
 * `reportFailure` does. For `npm test`, which hands its command line to mocha
 * rather than parsing it.
 */
export async function exitWith(status: Promise<number>, command: { usage: string }): Promise<void> {
    for (const stream of [process.stdout, process.stderr]) stream.on("error", ignoreClosedPipe);
    let code: number;
    try {
        code = await status;
    } catch (err) {
        code = reportFailure(err, command, processIo);
    }
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
    process.exit(code);
}

/**
 * A reader that stops reading (`npm run plan -- --stack prod | head -1`) closes the pipe: the rest of
 * the output has nowhere to go, which is no failure of the command, so it ends with its own status and
 * no trace, as Unix tools do. Any other error of the stream is thrown as before.
 */
function ignoreClosedPipe(err: NodeJS.ErrnoException): void {
    if (err.code !== "EPIPE" && err.code !== "ERR_STREAM_DESTROYED") throw err;
}

/** Resolves once everything written to the stream before has been handed to the system (or the stream failed: a reader that went away). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
    return new Promise((resolve) => {
        if (stream.destroyed || !stream.writable) return resolve();
        stream.write("", () => resolve());
    });
}

/**
 * Refuses an output file that cannot be written (its folder missing or read-only) with exit 2,
 * before the command does any work, so that nothing is printed for a file that was never written.
 */
export function assertWritable(option: string, file: string): void {
    const dir = path.dirname(path.resolve(file));
    try {
        if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: "ENOTDIR" });
        fs.accessSync(dir, fs.constants.W_OK);
        if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw Object.assign(new Error("it is a folder"), { code: "EISDIR" });
    } catch (err) {
        const { code } = err as NodeJS.ErrnoException;
        throw new UsageError(`${option} ${file}: cannot write it (${code ?? (err as Error).message}); fix: name a file in a folder that exists and that you may write`);
    }
}

/** Writes an output file, refusing (exit 2) as assertWritable does when the write fails. */
export function writeOutputFile(option: string, file: string, text: string): void {
    assertWritable(option, file);
    try {
        fs.writeFileSync(file, text);
    } catch (err) {
        throw new UsageError(
            `${option} ${file}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); fix: name a file in a folder that exists and that you may write`,
        );
    }
}
