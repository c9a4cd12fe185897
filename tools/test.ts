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

async function test(): Promise<number> {
    const started = process.hrtime.bigint();
    const [types, suite] = await Promise.all([typecheck(), mocha(process.argv.slice(2))]);
    const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
    console.log(`npm test: type-check ${types === 0 ? "ok" : "FAILED"}, mocha ${suite === 0 ? "ok" : "FAILED"}, in ${seconds} s`);
    return types !== 0 ? types : suite;
}

if (require.main === module) {
    test().then((code) => (process.exitCode = code));
}
