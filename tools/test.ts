/**
 * npm test [-- <mocha options>]
 *
 * Every check and test, in parts, each printed as one block when it ends (never interleaved)
 * with its own count and time, then one grand total:
 *
 *   type-check   `npm run typecheck`: tsc over the program, tools and tests, and over the pack
 *   lint         `npm run lint`: ESLint (eslint.config.mjs), cached in node_modules/.cache
 *   format       `npm run format:check`: Prettier, cached in node_modules/.cache
 *   imports      `npm run imports`: dependency-cruiser, no import cycle and imports one way
 *   fast suite   the mocha suite (`.mocharc.json`) without the engine tier, as two mocha
 *                processes: the command-line tests (tests/tools/, the README's) and the rest
 *   engine tier  tests/engine/: the real `pulumi` CLI on PATH against the stand-in aws
 *                provider, after the fast parts (it needs both cores). With no `pulumi` on PATH
 *                the summary says so and only this tier is skipped; with
 *                ENGINE_TIER=required (what .ci/run sets) that is a failure instead.
 *
 * The fast parts all start at once: none waits on another, and the system shares the cores
 * among them, so that the fast parts end when their CPU time shared over the cores has run,
 * with no core idle while a part waits its turn. A check that fails counts as one failure in
 * the total, so the closing line never says 0 failed on a failed run.
 *
 * With mocha options given, the suite (engine tier included, when a spec names it) runs as one
 * process with them, beside the type-check: the quick path while working on a test
 * (`npm test -- --grep plan`). Exit 0 only when all pass; otherwise 1.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import { availableParallelism } from "os";
import * as path from "path";
import { childrenCpuSeconds } from "./bench/children-cpu";
import { exitWith } from "./cli/runner";
import { PROJECT_ROOT } from "./root";
import { scripts, toolArgv } from "./scripts";

const MOCHA = path.join(path.dirname(require.resolve("mocha/package.json", { paths: [PROJECT_ROOT] })), "bin", "mocha.js");
/** The engine tier's tests; everything else under tests/ is the fast suite. */
const ENGINE_TIER = /^tests\/engine\//;

/** The `pulumi` executable on PATH, or undefined. */
export function pulumiOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
    for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        const candidate = path.join(dir, "pulumi");
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            if (fs.statSync(candidate).isFile()) return candidate;
        } catch {
            // not in this directory
        }
    }
    return undefined;
}

interface PartResult {
    name: string;
    status: number;
    seconds: number;
    /** CPU seconds of the part's processes (Linux); undefined where they cannot be read. */
    cpu?: number;
    output: string;
    /** Mocha's counts; undefined for a check (type-check, lint, format, imports), which runs no tests. */
    counts?: { passed: number; failed: number; skipped: number };
}

/** The checks, each an npm script, and what the summary says when one passes or fails. */
const CHECKS = [
    { name: "type-check", script: "typecheck", ok: "no type errors", failed: "type errors" },
    { name: "lint", script: "lint", ok: "no findings", failed: "findings (printed above)" },
    { name: "format", script: "format:check", ok: "every file formatted", failed: "files to format: npm run format" },
    { name: "imports", script: "imports", ok: "no cycle, every import one way", failed: "import cycles or layer violations" },
] as const;

function seconds(started: bigint): number {
    return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Runs a Node process with its output held, so that parts never interleave. */
function runNode(name: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<PartResult> {
    return runHeld(name, process.execPath, argv, env);
}

/**
 * Runs an npm script's command as npm would (a shell, with node_modules/.bin first on PATH) but
 * without npm's own start-up; a tool's script starts its compiled entry directly.
 */
function runScript(name: string, script: string): Promise<PartResult> {
    let argv: string[] | undefined;
    try {
        argv = toolArgv(script);
    } catch {
        // not a tool: a command of a dev dependency (eslint, prettier, depcruise)
    }
    if (argv) return runNode(name, argv);
    const bin = path.join(PROJECT_ROOT, "node_modules", ".bin");
    return runHeld(name, "sh", ["-c", scripts()[script]], { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` });
}

let cpuSoFar = childrenCpuSeconds();

/**
 * The CPU seconds of the part that has just ended: what the children waited for since the last
 * part ended. Node waits for each child as it exits, before its streams close, so the part's
 * own time is in, and no other part's that is still running.
 */
function partCpu(): number | undefined {
    const now = childrenCpuSeconds();
    const delta = now !== undefined && cpuSoFar !== undefined ? now - cpuSoFar : undefined;
    cpuSoFar = now;
    return delta;
}

const cpuText = (cpu: number | undefined) => (cpu === undefined ? "" : `, ${cpu.toFixed(1)} s CPU`);

function runHeld(name: string, command: string, argv: string[], env: NodeJS.ProcessEnv): Promise<PartResult> {
    const started = process.hrtime.bigint();
    return new Promise((resolve) => {
        const child = spawn(command, argv, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        const chunks: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
        child.on("error", (err) => chunks.push(Buffer.from(`${name} did not start: ${err.message}\n`)));
        child.on("close", (status, signal) =>
            resolve({ name, status: status ?? (signal ? 1 : 0), seconds: seconds(started), cpu: partCpu(), output: Buffer.concat(chunks).toString("utf8") }),
        );
    });
}

/** Mocha's closing counts (spec reporter: "N passing", "N failing", "N pending"). */
export function mochaCounts(output: string): { passed: number; failed: number; skipped: number } {
    const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}\\b`, "m").exec(output)?.[1] ?? 0);
    return { passed: count("passing"), failed: count("failing"), skipped: count("pending") };
}

async function mocha(name: string, args: string[], env?: NodeJS.ProcessEnv): Promise<PartResult> {
    const result = await runNode(name, [MOCHA, ...args], env);
    const counts = mochaCounts(result.output);
    // A mocha that fails without counting a failure (it crashed, or a hook failed before any test) still fails.
    if (result.status !== 0 && counts.failed === 0) counts.failed = 1;
    return { ...result, counts };
}

/** Mocha's options from .mocharc.json, as arguments: the file stays the one place they are set. */
function configuredMochaArgs(): { options: string[]; specs: string[] } {
    const config = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, ".mocharc.json"), "utf8")) as {
        require?: string[];
        extension?: string[];
        spec: string[];
        timeout?: number;
        reporter?: string;
    };
    const options = [
        "--no-config",
        ...(config.require ?? []).flatMap((module) => ["--require", module]),
        ...(config.extension ?? []).flatMap((extension) => ["--extension", extension]),
        ...(config.timeout !== undefined ? ["--timeout", String(config.timeout)] : []),
        ...(config.reporter ? ["--reporter", config.reporter] : []),
    ];
    return { options, specs: config.spec };
}

/** The test files a spec glob of the form `<dir>/**\/*<suffix>` names, relative to the root. */
function testFiles(spec: string): string[] {
    const match = /^(.*?)\/\*\*\/\*(\.[\w.]+)$/.exec(spec);
    if (!match) throw new Error(`.mocharc.json spec ${spec} is not of the form <dir>/**/*<suffix>`);
    const [, dir, suffix] = match;
    const walk = (at: string): string[] =>
        fs
            .readdirSync(path.join(PROJECT_ROOT, at), { withFileTypes: true })
            .flatMap((entry) => (entry.isDirectory() ? walk(`${at}/${entry.name}`) : entry.name.endsWith(suffix) ? [`${at}/${entry.name}`] : []));
    return walk(dir).sort();
}

/**
 * The fast suite's second process: the command-line tests (tests/tools/, the README's commands,
 * the checker reading a slow pipe); the first has the rest. Two halves of about the same CPU time,
 * each planning what its own tests share (plans are cached per process).
 */
const COMMAND_LINE_TESTS = /^tests\/(tools\/|readme\.test\.ts$|policy-pack\/check-stdin\.test\.ts$)/;

function printPart(part: PartResult): void {
    const counted = part.counts ? `: ${part.counts.passed} passed, ${part.counts.failed} failed, ${part.counts.skipped} skipped` : "";
    console.log(`\n===== ${part.name} =====`);
    process.stdout.write(part.output.endsWith("\n") || part.output === "" ? part.output : `${part.output}\n`);
    console.log(`===== ${part.name} ${part.status === 0 ? "ok" : "FAILED"}${counted}, in ${part.seconds.toFixed(1)} s${cpuText(part.cpu)}`);
}

/** The closing summary: one line per part, then the grand total as the last line. */
export function summary(parts: PartResult[], notes: string[], totalSeconds: number): string[] {
    const lines = ["", "npm test summary:"];
    const width = Math.max(...parts.map((p) => p.name.length));
    for (const part of parts) {
        const check = CHECKS.find((c) => c.name === part.name);
        const counted = part.counts
            ? `${part.counts.passed} passed, ${part.counts.failed} failed, ${part.counts.skipped} skipped`
            : part.status === 0
              ? (check?.ok ?? "ok")
              : (check?.failed ?? "failed");
        lines.push(`  ${part.name.padEnd(width)} ${(part.status === 0 ? "ok" : "FAILED").padEnd(6)} ${counted} in ${part.seconds.toFixed(1)} s${cpuText(part.cpu)}`);
    }
    for (const note of notes) lines.push(`  ${note}`);
    const total = parts.reduce(
        (sum, p) => ({
            passed: sum.passed + (p.counts?.passed ?? 0),
            // A failed check is one failure: the closing line of a failed run never says 0 failed.
            failed: sum.failed + (p.counts?.failed ?? (p.status === 0 ? 0 : 1)),
            skipped: sum.skipped + (p.counts?.skipped ?? 0),
        }),
        { passed: 0, failed: 0, skipped: 0 },
    );
    const cpu = parts.every((p) => p.cpu !== undefined) ? parts.reduce((sum, p) => sum + p.cpu!, 0) : undefined;
    lines.push(`  in ${totalSeconds.toFixed(1)} s${cpu === undefined ? "" : `, ${cpu.toFixed(1)} s CPU over ${availableParallelism()} cores`}`);
    lines.push(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
    return lines;
}

async function test(mochaArgs: string[]): Promise<number> {
    const started = process.hrtime.bigint();
    const parts: PartResult[] = [];
    const notes: string[] = [];
    const typecheckPart = () => runScript("type-check", "typecheck");
    const done = (part: PartResult) => {
        printPart(part);
        parts.push(part);
        return part;
    };
    if (mochaArgs.length) {
        await Promise.all([typecheckPart().then(done), mocha("mocha", mochaArgs).then(done)]);
    } else {
        const { options, specs } = configuredMochaArgs();
        const files = specs.flatMap(testFiles);
        const engine = files.filter((file) => ENGINE_TIER.test(file));
        const fast = files.filter((file) => !ENGINE_TIER.test(file));
        const commandLine = fast.filter((file) => COMMAND_LINE_TESTS.test(file));
        const rest = fast.filter((file) => !COMMAND_LINE_TESTS.test(file));
        await Promise.all([
            mocha("fast suite", [...options, ...rest]).then(done),
            mocha("fast suite (command-line tests)", [...options, ...commandLine]).then(done),
            ...CHECKS.map((check) => runScript(check.name, check.script).then(done)),
        ]);
        const cli = pulumiOnPath();
        if (cli) {
            notes.push(`engine tier ran ${cli}`);
            done(await mocha("engine tier", [...options, ...engine]));
        } else if (process.env.ENGINE_TIER === "required") {
            notes.push("engine tier FAILED: no `pulumi` CLI on PATH, and ENGINE_TIER=required (build one: engine/README.md)");
            parts.push({ name: "engine tier", status: 1, seconds: 0, output: "", counts: { passed: 0, failed: 1, skipped: 0 } });
        } else {
            notes.push(`engine tier SKIPPED: no \`pulumi\` CLI on PATH, so its ${engine.length} test files did not run (build one: engine/README.md)`);
        }
    }
    for (const line of summary(parts, notes, seconds(started))) console.log(line);
    return parts.every((p) => p.status === 0) ? 0 : 1;
}

const USAGE =
    "usage: npm test [-- <mocha options>]\n\nRuns the type-check, the linter, the format and import checks, the fast mocha suite and the engine tier\n(tests/engine/, needs `pulumi` on PATH), then prints one total; options after -- go to mocha, which then\nruns beside the type-check alone (e.g. npm test -- --grep plan).\nENGINE_TIER=required makes a missing `pulumi` a failure.\nexit status: 0 all pass; 1 otherwise.";

if (require.main === module) {
    // Not the runner's parser: every other argument belongs to mocha, which checks its own.
    const argv = process.argv.slice(2);
    if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) console.log(USAGE);
    else void exitWith(test(argv), { usage: USAGE });
}
