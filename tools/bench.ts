/**
 * npm run bench [-- --skip-tests]
 *
 * Measures the speed and memory targets and prints each figure beside its
 * target. Figures, not assertions: a busy machine makes timings noisy, so no
 * test depends on them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import YAML from "yaml";
import { partnersConfig } from "./gen-partners";

const ROOT = path.resolve(__dirname, "..");
const TS_NODE = require.resolve("ts-node/dist/bin");

interface Figure {
    name: string;
    value: number;
    unit: string;
    target: string;
    ok: boolean;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function wallSeconds(command: string, args: string[]): number {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true" } });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
}

function planInFreshProcess(stack: string, configFile = ""): { ms: number; maxRssMiB: number; resources: number } {
    const result = spawnSync(process.execPath, [TS_NODE, "--transpile-only", "tools/bench/plan-once.ts", stack, configFile], { cwd: ROOT, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`planning ${stack} failed:\n${result.stderr}`);
    return JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}");
}

async function bench(): Promise<void> {
    const { values } = parseArgs({ options: { "skip-tests": { type: "boolean" } } });
    const figures: Figure[] = [];
    const add = (name: string, value: number, unit: string, target: number, targetText = `< ${target} ${unit}`) =>
        figures.push({ name, value, unit, target: targetText, ok: value < target });

    const planRuns = [0, 1, 2].map(() => wallSeconds("npm", ["run", "--silent", "plan", "--", "--stack", "prod"]));
    add("npm run plan -- --stack prod (wall, median of 3)", median(planRuns), "s", 5);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    const perPartner: number[] = [];
    for (const count of [25, 50, 100]) {
        const file = path.join(dir, `partners-${count}.yaml`);
        fs.writeFileSync(file, YAML.stringify(partnersConfig(count)));
        const measured = planInFreshProcess(`scale-${count}`, file);
        perPartner.push(measured.ms / count);
        if (count === 100) {
            add(`plan of ${count} partners (${measured.resources} resources)`, measured.ms / 1000, "s", 15);
            add(`peak memory planning ${count} partners`, measured.maxRssMiB, "MiB", 1024);
        } else {
            figures.push({ name: `plan of ${count} partners (${measured.resources} resources)`, value: measured.ms / 1000, unit: "s", target: "(for linearity)", ok: true });
        }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    // Linear growth: the cost per partner at 100 stays within 1.5x of the cost at 25.
    add("per-partner plan time, 100 vs 25 partners", perPartner[2] / perPartner[0], "x", 1.5, "< 1.5 x (linear)");

    const { runPolicyBench } = await import("../policy-pack/bench");
    for (const f of await runPolicyBench()) {
        figures.push({ name: `policy pack: ${f.name}`, value: f.value, unit: f.unit, target: `< ${f.target} ${f.unit}`, ok: f.value < f.target });
    }

    if (!values["skip-tests"]) add("npm test (wall)", wallSeconds("npm", ["test"]), "s", 60);

    const width = Math.max(...figures.map((f) => f.name.length));
    for (const f of figures) {
        console.log(`${f.name.padEnd(width)}  ${f.value.toFixed(f.value < 10 ? 2 : 1).padStart(8)} ${f.unit.padEnd(4)} target ${f.target.padEnd(18)} ${f.ok ? "ok" : "MISSED"}`);
    }
    if (figures.some((f) => !f.ok)) process.exitCode = 1;
}

bench().catch((err) => {
    console.error(err);
    process.exit(1);
});
