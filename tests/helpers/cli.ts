/**
 * Runs a tool as `npm run <script>` does: Node with the script's own arguments from
 * package.json (the launcher, then the compiled entry), from the repository's root,
 * without npm's start-up. So a CLI test exercises the shipped JavaScript, and the
 * launcher first rebuilds whatever a source edit made stale.
 */
import { spawn, spawnSync, SpawnSyncOptions } from "child_process";
import { PROJECT_ROOT } from "../../tools/root";
import { toolArgv } from "../../tools/scripts";

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
