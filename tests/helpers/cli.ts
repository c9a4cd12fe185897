/**
 * Runs a tool two ways:
 * - `runTool`: in this process, through the same runner its entry point starts (the
 *   command its entry module exports, `runTool` of tools/cli/runner.ts), with its
 *   output captured: the same parsing, exit status, stdout and stderr, without a
 *   Node process and the SDKs' load per run. What most command-line tests use.
 * - `runScript` / `runScriptAsync`: as `npm run <script>` does: Node with the script's
 *   own arguments from package.json (the launcher, then the compiled entry), from the
 *   repository's root, without npm's start-up. For what only a process shows: the
 *   script line and the build preload, exit codes through process.exit, stdout and
 *   stderr drained to a pipe, standard input, the environment.
 */
import { spawn, spawnSync, SpawnSyncOptions } from "child_process";
import * as path from "path";
import { Command, CommandGroup, Io, OptionSpecs, runTool as runCommandLine } from "../../tools/cli/runner";
import { PROJECT_ROOT } from "../../tools/root";
import { toolArgv } from "../../tools/scripts";
import { serially } from "./plans";

export interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
}

export function runScript(script: string, args: string[], options: Omit<SpawnSyncOptions, "cwd" | "encoding"> = {}): Run {
    const r = spawnSync(process.execPath, [...toolArgv(script), ...args], { ...options, cwd: PROJECT_ROOT, encoding: "utf8" });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What a tool's entry module exports: its command, or a function building it to write to `io` (and read `stdinText`). */
type ExportedCommand = Command<OptionSpecs> | CommandGroup | ((io: Io, stdinText: () => Promise<string | undefined>) => Command<OptionSpecs> | CommandGroup);

/** The source of a script's compiled entry (bin/tools/plan.js is built from tools/plan.ts). */
function entrySource(script: string): string {
    const entry = toolArgv(script).at(-1)!;
    const built = /^bin\/(.+)\.js$/.exec(entry);
    if (!built) throw new Error(`npm run ${script} runs ${entry}, which is not built from the program's tools: run it with runScript`);
    return path.join(PROJECT_ROOT, `${built[1]}.ts`);
}

/**
 * Runs `npm run <script> -- <args>` in this process: the command the entry exports, on these
 * arguments, through the runner its entry point uses, with `input` as its standard input (as
 * runScriptAsync pipes it). One run at a time, after any plan a test has queued: a tool that
 * plans installs Pulumi's mocks, which are process-global.
 */
export async function runTool(script: string, args: string[], input = ""): Promise<Run> {
    const source = entrySource(script);
    const exported = (require(source) as { command?: ExportedCommand }).command;
    if (!exported) throw new Error(`${path.relative(PROJECT_ROOT, source)} exports no command to run in process`);
    let stdout = "";
    let stderr = "";
    const io: Io = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) };
    const command = typeof exported === "function" ? exported(io, () => Promise.resolve(input)) : exported;
    const status = await serially(() => runCommandLine(command, args, io));
    return { status, stdout, stderr };
}

/** Asynchronous, so that several runs overlap; `input` is piped to stdin; `env` replaces the environment. */
export function runScriptAsync(script: string, args: string[], input = "", env?: NodeJS.ProcessEnv): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...toolArgv(script), ...args], { cwd: PROJECT_ROOT, ...(env ? { env } : {}) });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
        child.stdin.end(input);
    });
}

/** Runs `jobs` at most `width` at a time: each is a Node process, and the machine may have two cores. */
export async function pooled<T>(jobs: (() => Promise<T>)[], width = 2): Promise<T[]> {
    const results: T[] = new Array(jobs.length);
    let next = 0;
    await Promise.all(
        Array.from({ length: width }, async () => {
            while (next < jobs.length) {
                const i = next++;
                results[i] = await jobs[i]();
            }
        }),
    );
    return results;
}
