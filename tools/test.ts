/**
 * npm test [-- <mocha options>]
 *
 * Every test: the type-check of each project (`npm run typecheck`) and the
 * mocha suite (`.mocharc.json`), side by side, since on a 2-core machine the
 * compilers and the suite each keep a core busy. Mocha reports as it goes; the
 * type-check prints a line as each project starts and ends. Exit 0 only when
 * both pass; otherwise the first failing status (type errors are printed).
 */
import { spawn } from "child_process";
import * as path from "path";
import { exitWith } from "./cli/runner";
import { PROJECT_ROOT } from "./root";
import { typecheck } from "./typecheck";

const MOCHA = path.join(path.dirname(require.resolve("mocha/package.json", { paths: [PROJECT_ROOT] })), "bin", "mocha.js");

function mocha(args: string[]): Promise<number> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [MOCHA, ...args], { cwd: PROJECT_ROOT, stdio: "inherit" });
        child.on("error", (err) => {
            console.error(`mocha did not start: ${err.message}`);
            resolve(1);
        });
        child.on("close", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
    });
}

async function test(mochaArgs: string[]): Promise<number> {
    const started = process.hrtime.bigint();
    const [types, suite] = await Promise.all([typecheck(), mocha(mochaArgs)]);
    const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
    console.log(`npm test: type-check ${types === 0 ? "ok" : "FAILED"}, mocha ${suite === 0 ? "ok" : "FAILED"}, in ${seconds} s`);
    return types !== 0 ? types : suite;
}

const USAGE =
    "usage: npm test [-- <mocha options>]\n\nRuns the type-check and the mocha suite side by side; options after -- go to mocha\n(e.g. npm test -- --grep plan). exit status: 0 both pass; otherwise the first failing status.";

if (require.main === module) {
    // Not the runner's parser: every other argument belongs to mocha, which checks its own.
    const argv = process.argv.slice(2);
    if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) console.log(USAGE);
    else void exitWith(test(argv), { usage: USAGE });
}
