/**
 * Preloaded by `npm run bench` into each process it times (`node -r
 * ./bin/tools/bench/cpu-at-exit.js ...`): at exit, appends the CPU seconds the
 * process used, from its start, to the file named by BENCH_CPU_FILE. On a busy
 * machine wall time mostly measures the neighbours; CPU time is what the
 * command itself costs, close to what an idle machine's wall clock shows.
 */
import * as fs from "fs";

const file = process.env.BENCH_CPU_FILE;
if (file) {
    process.on("exit", () => {
        const { userCPUTime, systemCPUTime } = process.resourceUsage();
        fs.appendFileSync(file, `${(userCPUTime + systemCPUTime) / 1e6}\n`);
    });
}
