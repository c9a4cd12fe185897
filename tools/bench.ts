/**
 * npm run bench [-- --skip-tests]
 *
 * Measures the speed and memory targets and prints each figure beside its
 * target and, for start-up figures, the floor measured in the same run (what
 * Node or the SDKs cost before any of our code runs). Figures, not assertions:
 * a busy machine makes timings noisy, so no test depends on them; the exit
 * status is 1 when a figure misses its target. A line per step, with the
 * elapsed time, says what is running.
 *
 * Start-up figures time the script's command, `node -r ./tools/build.js
 * <entry>.js` as package.json has it: npm's own start (`npm run` of an empty
 * script, about a quarter of a second on these machines) is printed on its
 * own line, as is each figure through npm. Each start-up figure is given in
 * wall time, which decides, and in the command's own CPU time: on a shared
 * machine the wall clock also counts the neighbours, and a figure met only in
 * CPU time is printed as such, with the load average.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { main } from "./cli/runner";
import { childrenCpuSeconds } from "./bench/children-cpu";
import { accountCounts, DocumentLimit, largestDocuments } from "./bench/quotas";
import { partnersConfig } from "./gen-partners";
import { PROJECT_ROOT as ROOT } from "./root";
import { toolArgv } from "./scripts";
import { stackFileNames, tierOf } from "./stacks/inventory";
import { pulumiOnPath } from "./test";

interface Figure {
    name: string;
    /** Wall clock. */
    value: number;
    /** The same figure in CPU time, for the start-up figures. */
    cpu?: number;
    unit: string;
    target: string;
    floor?: string;
    ok: boolean;
    okOnCpu?: boolean;
}

interface Timing {
    wall: number;
    /** CPU seconds of the process itself (Node commands only), from tools/bench/cpu-at-exit. */
    cpu: number;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

const env = () => ({ ...process.env, CI: "true" });

/** Wall seconds of one run; `ok` lists the exit statuses that count as an answer. */
function wallSeconds(command: string, args: string[], options: { cwd?: string; ok?: number[] } = {}): number {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: options.cwd ?? ROOT, encoding: "utf8", env: env(), maxBuffer: 256 * 1024 * 1024 });
    if (result.error) throw result.error;
    if (!(options.ok ?? [0]).includes(result.status ?? -1)) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Wall seconds of a long run, echoing the lines that say how far along it is, so that a minute of work is not a minute of silence. */
function wallSecondsShowingProgress(command: string, args: string[], shows: RegExp): Promise<{ seconds: number; tail: string }> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(command, args, { cwd: ROOT, env: env(), stdio: ["ignore", "pipe", "pipe"] });
        let partial = "";
        let seen = "";
        const onData = (chunk: Buffer) => {
            const lines = (partial + chunk.toString("utf8")).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) {
                seen = `${seen}${line}\n`.slice(-8000);
                if (shows.test(line)) console.log(`    ${line.trim()}`);
            }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.on("error", reject);
        child.on("close", (status) => {
            if (status === 0) resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, tail: `${seen}${partial}` });
            else reject(new Error(`${command} ${args.join(" ")} exited ${status}:\n${seen}${partial}`));
        });
    });
}

/** Median wall seconds of `runs` runs, after one run that warms the file and compile caches. */
function startup(command: string, args: string[], options: { cwd?: string; ok?: number[] } = {}, runs = 5): number {
    wallSeconds(command, args, options);
    return median(Array.from({ length: runs }, () => wallSeconds(command, args, options)));
}

const CPU_AT_EXIT = "./bin/tools/bench/cpu-at-exit.js";

/** A Node command's start-up: median wall and median CPU seconds of 5 runs after a warm-up. */
function node(args: string[], options: { ok?: number[] } = {}, runs = 5): Timing {
    const cpuFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-cpu-")), "cpu");
    process.env.BENCH_CPU_FILE = cpuFile;
    try {
        wallSeconds(process.execPath, ["-r", CPU_AT_EXIT, ...args], options);
        fs.rmSync(cpuFile, { force: true });
        const walls = Array.from({ length: runs }, () => wallSeconds(process.execPath, ["-r", CPU_AT_EXIT, ...args], options));
        const cpus = fs.readFileSync(cpuFile, "utf8").trim().split("\n").map(Number);
        if (cpus.length !== runs) throw new Error(`expected ${runs} CPU times from ${args.join(" ")}, read ${cpus.length}`);
        return { wall: median(walls), cpu: median(cpus) };
    } finally {
        delete process.env.BENCH_CPU_FILE;
        fs.rmSync(path.dirname(cpuFile), { recursive: true, force: true });
    }
}

const npm = (args: string[], options: { cwd?: string; ok?: number[] } = {}) => startup("npm", ["run", "--silent", ...args], options);

function planInFreshProcess(stack: string, configFile = ""): { ms: number; maxRssMiB: number; resources: number } {
    const result = spawnSync(process.execPath, ["-r", "./tools/build.js", "bin/tools/bench/plan-once.js", stack, configFile], { cwd: ROOT, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`planning ${stack} failed:\n${result.stderr}`);
    return JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}");
}

/** The pack's own figures, from its sources as it measures them (its cold start transpiles them afresh). */
function policyPackFigures(): { name: string; value: number; unit: string; target: number }[] {
    const script = `process.stdout.write(JSON.stringify(require("./policy-pack/bench").runPolicyBench()))`;
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: ROOT, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`the policy pack's bench failed:\n${result.stderr}`);
    return JSON.parse(result.stdout);
}

/**
 * The engine's preview and up of one stack against the stand-in aws provider (tests/engine/bench-run.ts,
 * in its own process); undefined without a `pulumi` CLI on PATH.
 */
/**
 * The stack the start-up and engine figures plan: `prod`, the README's main job, when the team
 * keeps it; otherwise its first production stack, or its first stack (a team names its own).
 */
function benchStack(): string {
    const stacks = stackFileNames(ROOT);
    if (!stacks.length) throw new Error("no Pulumi.<stack>.yaml at the repository's root to plan");
    return stacks.includes("prod") ? "prod" : (stacks.find((name) => tierOf(name) === "production") ?? stacks[0]);
}

function engineFigures(stack: string): { preview: number; up: number } | undefined {
    if (!pulumiOnPath()) return undefined;
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tests/engine/bench-run.ts", stack], { cwd: ROOT, encoding: "utf8", env: env() });
    if (result.status !== 0) throw new Error(`the engine bench failed:\n${result.stderr}`);
    return JSON.parse(result.stdout);
}

/** A `pulumi stack export` of `count` resources shaped like real transfer programs (the pack's own synthetic stack). */
async function writeExport(file: string, count: number): Promise<void> {
    const { synthesizeStack } = await import("../policy-pack/bench");
    fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { resources: synthesizeStack(count) } }));
}

/** The side the quota target names (issue 21): 300 SSE-KMS counterparts, bucket names of S3's full 63 characters. */
const QUOTA_SIDE = 300;

/**
 * Each document AWS caps, its largest instance against the limit (a fixed
 * limit: over it, AWS refuses the update), and what the stack takes of the
 * account's adjustable quotas, for reference.
 */
async function quotaFigures(dir: string, side: "publisher" | "partner"): Promise<Figure[]> {
    const file = path.join(dir, `quotas-${side}-${QUOTA_SIDE}.yaml`);
    fs.writeFileSync(file, YAML.stringify(partnersConfig(QUOTA_SIDE, { side, sseKms: true, bucketNameLength: 63, auditTrail: true })));
    const { planProjectStack } = await import("./plan/project");
    const { plan } = await planProjectStack({ stack: `quotas-${side}-${QUOTA_SIDE}`, configFile: file });
    const units: Record<DocumentLimit["unit"], string> = { characters: "chr", policies: "pol", values: "val", statements: "stm", principals: "prn", bytes: "B" };
    const documents = largestDocuments(plan).map((d): Figure => ({
        name: `${side}: ${d.kind}${d.count ? ` (largest of ${d.count}: ${d.of})` : " (none)"}`,
        value: d.size,
        unit: units[d.unit],
        target: `<= ${d.limit} ${d.unit}`,
        floor: d.source,
        ok: d.size <= d.limit,
    }));
    const accounts = accountCounts(plan).map((a): Figure => ({
        name: `${side}: ${a.kind} taken by this stack`,
        value: a.count,
        unit: "",
        target: `(default quota ${a.quota}, adjustable)`,
        floor: a.source,
        ok: true,
    }));
    return [...documents, ...accounts];
}

/**
 * `npm test` as a user runs it: its wall time and its CPU seconds (all its processes'), each
 * without the engine tier's (its summary line: "engine tier ... in <s> s, <s> s CPU").
 */
async function npmTest(): Promise<{ wall: number; cpu?: number; engineWall: number; engineCpu: number }> {
    const before = childrenCpuSeconds();
    // npm test's part lines and its closing summary, as they come.
    const run = await wallSecondsShowingProgress("npm", ["test"], /^(=====|npm test summary:|total:|\s{2}\S.* in [\d.]+ s(, [\d.]+ s CPU.*)?$)/);
    const after = childrenCpuSeconds();
    const engine = /^\s*engine tier\s.* in ([\d.]+) s(?:, ([\d.]+) s CPU)?$/m.exec(run.tail);
    const engineWall = Number(engine?.[1] ?? 0);
    const engineCpu = Number(engine?.[2] ?? 0);
    return { wall: run.seconds - engineWall, ...(before !== undefined && after !== undefined ? { cpu: after - before - engineCpu } : {}), engineWall, engineCpu };
}

async function bench(skipTests: boolean): Promise<number> {
    const started = process.hrtime.bigint();
    const steps = skipTests ? 9 : 11;
    let step = 0;
    const progress = (what: string) => console.log(`bench [${++step}/${steps}] ${what} (at ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)`);
    const figures: Figure[] = [];
    const s = (x: number) => `${x.toFixed(2)} s`;
    const add = (f: Omit<Figure, "ok" | "okOnCpu"> & { limit: number }) =>
        figures.push({ ...f, ok: f.value < f.limit, okOnCpu: f.cpu === undefined ? undefined : f.cpu < f.limit });
    const info = (f: Omit<Figure, "ok" | "target">) => figures.push({ ...f, target: "(for reference)", ok: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    try {
        progress(`floors: node -e '', loading @pulumi/pulumi and @pulumi/aws, npm run of an empty script (${process.version})`);
        const nodeFloor = node(["-e", ""]);
        // With V8's compile cache on where Node has it (22.1+), as every command runs (tools/build.js): a fair floor.
        const sdkFloor = node(["-e", "require('module').enableCompileCache?.(); require('@pulumi/pulumi'); require('@pulumi/aws')"]);
        const floor = (t: Timing) => `${s(t.wall)} (cpu ${s(t.cpu)})`;
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "npm-floor", private: true, scripts: { empty: "node -e ''" } }));
        const npmFloor = npm(["empty"], { cwd: dir });
        info({ name: "npm's own start: npm run of an empty script", value: npmFloor, unit: "s", floor: `node -e '' ${floor(nodeFloor)}` });

        progress("npm run check of 9 and of 10,000 resources");
        const small = path.join(dir, "export-9.json");
        const large = path.join(dir, "export-10000.json");
        await writeExport(small, 9);
        await writeExport(large, 10_000);
        const check = toolArgv("check");
        const checkSmall = node([...check, small], { ok: [0, 1] });
        const checkLarge = node([...check, large], { ok: [0, 1] });
        add({ name: "npm run check, 9 resources", value: checkSmall.wall, cpu: checkSmall.cpu, unit: "s", limit: 0.3, target: "< 0.3 s", floor: `node -e '' ${floor(nodeFloor)}` });
        add({
            name: "npm run check, 10,000 resources: cost over 9",
            value: checkLarge.wall - checkSmall.wall,
            cpu: checkLarge.cpu - checkSmall.cpu,
            unit: "s",
            limit: 0.5,
            target: "< 0.5 s",
            floor: `(10,000 resources: ${floor(checkLarge)})`,
        });
        info({ name: "npm run check, 9 resources, through npm", value: npm(["check", "--", small], { ok: [0, 1] }), unit: "s", floor: `npm ${s(npmFloor)}` });

        const stack = benchStack();
        progress(`npm run plan -- --stack ${stack}`);
        const planOfStack = node([...toolArgv("plan"), "--stack", stack]);
        add({
            name: `npm run plan -- --stack ${stack}`,
            value: planOfStack.wall / sdkFloor.wall,
            cpu: planOfStack.cpu / sdkFloor.cpu,
            unit: "x",
            limit: 2,
            target: "< 2 x the SDKs' load",
            floor: `${floor(planOfStack)} against the SDKs' ${floor(sdkFloor)}`,
        });
        info({
            name: `npm run plan -- --stack ${stack}, through npm`,
            value: npm(["plan", "--", "--stack", stack]),
            unit: "s",
            floor: `npm ${s(npmFloor)} + SDKs ${s(sdkFloor.wall)}`,
        });

        progress(`the engine: pulumi preview and up of ${stack} against the stand-in aws provider (tests/engine)`);
        const engine = engineFigures(stack);
        if (engine) {
            info({ name: `pulumi preview --stack ${stack} (engine, stand-in provider)`, value: engine.preview, unit: "s", floor: `the offline plan ${s(planOfStack.wall)}` });
            info({ name: `pulumi up --stack ${stack} (engine, stand-in provider)`, value: engine.up, unit: "s", floor: `the offline plan ${s(planOfStack.wall)}` });
        } else {
            console.log("    no `pulumi` CLI on PATH: the engine figures are left out (engine/README.md builds one)");
        }

        const perPartner: number[] = [];
        for (const count of [25, 50, 100]) {
            progress(`plan of ${count} partners, in a fresh process`);
            const file = path.join(dir, `partners-${count}.yaml`);
            fs.writeFileSync(file, YAML.stringify(partnersConfig(count)));
            const measured = planInFreshProcess(`scale-${count}`, file);
            perPartner.push(measured.ms / count);
            const name = `plan of ${count} partners (${measured.resources} resources)`;
            if (count === 100) {
                add({ name, value: measured.ms / 1000, unit: "s", limit: 15, target: "< 15 s" });
                add({ name: `peak memory planning ${count} partners`, value: measured.maxRssMiB, unit: "MiB", limit: 1024, target: "< 1024 MiB" });
            } else {
                figures.push({ name, value: measured.ms / 1000, unit: "s", target: "(for linearity)", ok: true });
            }
        }
        // Linear growth: the cost per partner at 100 stays within 1.5x of the cost at 25.
        add({ name: "per-partner plan time, 100 vs 25 partners", value: perPartner[2] / perPartner[0], unit: "x", limit: 1.5, target: "< 1.5 x (linear)" });

        progress(`AWS limits: the largest document of each kind for each side with ${QUOTA_SIDE} SSE-KMS counterparts, 63-character bucket names (theirs too) and a trail`);
        for (const side of ["publisher", "partner"] as const) figures.push(...(await quotaFigures(dir, side)));

        progress("policy pack: cold start and evaluation of 10,000 resources");
        for (const f of policyPackFigures()) add({ name: `policy pack: ${f.name}`, value: f.value, unit: f.unit, limit: f.target, target: `< ${f.target} ${f.unit}` });

        if (!skipTests) {
            // Twice: with the checks' caches emptied, as a fresh clone after npm ci (CI) runs it, then again, as a
            // developer's next run finds them (tsc's build info, ESLint's and Prettier's caches).
            for (const run of ["cold caches, as after npm ci", "warm caches, the run after"] as const) {
                progress(`npm test, ${run}`);
                if (run.startsWith("cold"))
                    for (const cache of ["typecheck", "eslint", "prettier"]) fs.rmSync(path.join(ROOT, "node_modules", ".cache", cache), { recursive: true, force: true });
                const t = await npmTest();
                const cores = os.availableParallelism();
                add({
                    name: `npm test without the engine tier, ${run}`,
                    value: t.wall,
                    // Compared with the target as the wall time of the same CPU work shared perfectly over the cores.
                    ...(t.cpu !== undefined ? { cpu: t.cpu / cores } : {}),
                    unit: "s",
                    limit: 60,
                    target: "< 60 s",
                    floor: t.cpu !== undefined ? `${t.cpu.toFixed(1)} s of CPU over ${cores} cores: ${(t.cpu / cores).toFixed(1)} s` : "(no CPU time on this system)",
                });
                info({
                    name: `npm test: the engine tier (${run})`,
                    value: t.engineWall,
                    unit: "s",
                    floor: t.engineWall ? `${t.engineCpu.toFixed(1)} s of CPU` : "not run: no pulumi on PATH",
                });
            }
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }

    const load = os.loadavg()[0].toFixed(1);
    console.log(
        `\n${process.version} on ${os.cpus().length} cores, load average ${load} (start-up figures: median of 5 runs after a warm-up; "cpu" is the command's own CPU time)`,
    );
    const width = Math.max(...figures.map((f) => f.name.length));
    const targetWidth = Math.max(...figures.map((f) => f.target.length));
    for (const f of figures) {
        const value = `${f.value.toFixed(f.value < 10 ? 2 : 1).padStart(8)} ${f.unit.padEnd(4)}`;
        const cpu = f.cpu === undefined ? "".padEnd(12) : `cpu ${f.cpu.toFixed(2).padStart(5)} ${f.unit.padEnd(2)}`;
        // Wall time decides; where only the CPU time meets the target, the machine was busy, and the line says so.
        const verdict = f.ok ? "ok" : f.okOnCpu ? `ok on CPU (wall missed, load ${load})` : "MISSED";
        console.log(`${f.name.padEnd(width)}  ${value} ${cpu} target ${f.target.padEnd(targetWidth)}  ${verdict}${f.floor ? `  floor ${f.floor}` : ""}`);
    }
    return figures.some((f) => !f.ok && !f.okOnCpu) ? 1 : 0;
}

if (require.main === module) {
    main({
        name: "bench",
        usage: "usage: npm run bench [-- --skip-tests]\n\n  --skip-tests  leave out npm test (timed twice: with the checks' caches emptied, then warm)\n  --help        print this help\n\nexit status: 0 every figure met its target; 1 one missed it or a step failed; 2 a usage error.",
        options: { "skip-tests": { type: "boolean" } },
        run: ({ values }) => bench(values["skip-tests"] === true),
    });
}
