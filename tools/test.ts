/**
 * npm test [-- <mocha options>]
 *
 * Every test, in parts, each printed as one block when it ends (never interleaved) with its own
 * count and time, then one grand total:
 *
 *   type-check   `npm run typecheck`, every project
 *   fast suite   the mocha suite (`.mocharc.json`) without the engine tier, as two mocha
 *                processes side by side with the type-check, since on a 2-core machine the
 *                compilers and the suite each keep a core busy: the command-line tests under
 *                tests/tools/ (which mostly wait on the processes they spawn) and the format
 *                check take the core the type-check leaves once it is done, everything else
 *                runs at once on the other
 *   engine tier  tests/engine/: the real `pulumi` CLI on PATH against the stand-in aws
 *                provider, after the fast parts (it needs both cores). With no `pulumi` on PATH
 *                the summary says so and only this tier is skipped; with
 *                ENGINE_TIER=required (what .ci/run sets) that is a failure instead.
 *
 * With mocha options given, the suite (engine tier included, when a spec names it) runs as one
 * process with them, beside the type-check. Exit 0 only when all pass; otherwise 1.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { exitWith } from "./cli/runner";
import { PROJECT_ROOT } from "./root";
import { toolArgv } from "./scripts";

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
    output: string;
    /** Mocha's counts; undefined for the type-check, which runs no tests. */
    counts?: { passed: number; failed: number; skipped: number };
}

function seconds(started: bigint): number {
    return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Runs a Node process with its output held, so that parts never interleave. */
function runNode(name: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<PartResult> {
    const started = process.hrtime.bigint();
    return new Promise((resolve) => {
        const child = spawn(process.execPath, argv, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        const chunks: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
        child.on("error", (err) => chunks.push(Buffer.from(`${name} did not start: ${err.message}\n`)));
        child.on("close", (status, signal) => resolve({ name, status: status ?? (signal ? 1 : 0), seconds: seconds(started), output: Buffer.concat(chunks).toString("utf8") }));
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
 * What runs on the core the type-check leaves: the tests that mostly wait on the processes they
 * spawn (the command-line tests, the README's run of .ci/run, the checker reading a slow pipe) and
 * the format check; the access and hand-over acceptance tests, which simulate and plan in process,
 * stay with the rest, so that the two halves end together.
 */
const AFTER_TYPECHECK = /^tests\/(tools\/(?!access|handoff-accept)|format\.test\.ts$|readme\.test\.ts$|policy-pack\/check-stdin\.test\.ts$)/;

function printPart(part: PartResult): void {
    const counted = part.counts ? `: ${part.counts.passed} passed, ${part.counts.failed} failed, ${part.counts.skipped} skipped` : "";
    console.log(`\n===== ${part.name} =====`);
    process.stdout.write(part.output.endsWith("\n") || part.output === "" ? part.output : `${part.output}\n`);
    console.log(`===== ${part.name} ${part.status === 0 ? "ok" : "FAILED"}${counted}, in ${part.seconds.toFixed(1)} s`);
}

/** The closing summary: one line per part, then the grand total as the last line. */
export function summary(parts: PartResult[], notes: string[], totalSeconds: number): string[] {
    const lines = ["", "npm test summary:"];
    const width = Math.max(...parts.map((p) => p.name.length));
    for (const part of parts) {
        const counted = part.counts
            ? `${part.counts.passed} passed, ${part.counts.failed} failed, ${part.counts.skipped} skipped`
            : part.status === 0
              ? "no type errors"
              : "type errors";
        lines.push(`  ${part.name.padEnd(width)} ${(part.status === 0 ? "ok" : "FAILED").padEnd(6)} ${counted} in ${part.seconds.toFixed(1)} s`);
    }
    for (const note of notes) lines.push(`  ${note}`);
    const total = parts.reduce(
        (sum, p) => ({ passed: sum.passed + (p.counts?.passed ?? 0), failed: sum.failed + (p.counts?.failed ?? 0), skipped: sum.skipped + (p.counts?.skipped ?? 0) }),
        { passed: 0, failed: 0, skipped: 0 },
    );
    lines.push(`  in ${totalSeconds.toFixed(1)} s`);
    lines.push(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
    return lines;
}

async function test(mochaArgs: string[]): Promise<number> {
    const started = process.hrtime.bigint();
    const parts: PartResult[] = [];
    const notes: string[] = [];
    const typecheckPart = () => runNode("type-check", toolArgv("typecheck"));
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
        const later = fast.filter((file) => AFTER_TYPECHECK.test(file));
        const now = fast.filter((file) => !AFTER_TYPECHECK.test(file));
        await Promise.all([
            typecheckPart()
                .then(done)
                .then(() => mocha("fast suite (command-line tests)", [...options, ...later]).then(done)),
            mocha("fast suite", [...options, ...now]).then(done),
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
    "usage: npm test [-- <mocha options>]\n\nRuns the type-check, the fast mocha suite and the engine tier (tests/engine/, needs `pulumi` on PATH),\nthen prints one total; options after -- go to mocha (e.g. npm test -- --grep plan).\nENGINE_TIER=required makes a missing `pulumi` a failure.\nexit status: 0 all pass; 1 otherwise.";

if (require.main === module) {
    // Not the runner's parser: every other argument belongs to mocha, which checks its own.
    const argv = process.argv.slice(2);
    if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) console.log(USAGE);
    else void exitWith(test(argv), { usage: USAGE });
}
