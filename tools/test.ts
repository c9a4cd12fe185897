/**
 * npm test [-- <mocha options>]
 *
 * Every test: the type-check of each project (`npm run typecheck`) and the
 * mocha suite (`.mocharc.json`), side by side, since on a 2-core machine the
 * compilers and the suite each keep a core busy. The suite runs as two mocha
 * processes: the command-line tests under tests/tools/ (which mostly wait on the
 * processes they spawn) and the format check take the core the type-check
 * leaves once it is done, everything else runs at once on the other. The first
 * reports as it goes, the second when it ends; the type-check prints a line as
 * each project starts and ends. With mocha options given, the suite runs as one
 * process with them. Exit 0 only when all pass; otherwise the first failing
 * status (type errors are printed).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { exitWith } from "./cli/runner";
import { PROJECT_ROOT } from "./root";
import { typecheck } from "./typecheck";

const MOCHA = path.join(path.dirname(require.resolve("mocha/package.json", { paths: [PROJECT_ROOT] })), "bin", "mocha.js");

function mocha(args: string[], output: "inherit" | "buffered" = "inherit"): Promise<number> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [MOCHA, ...args], { cwd: PROJECT_ROOT, stdio: output === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"] });
        const chunks: Buffer[] = [];
        child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
        child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk));
        child.on("error", (err) => {
            console.error(`mocha did not start: ${err.message}`);
            resolve(1);
        });
        child.on("close", (status, signal) => {
            if (chunks.length) process.stdout.write(Buffer.concat(chunks));
            resolve(status ?? (signal ? 1 : 0));
        });
    });
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

async function test(mochaArgs: string[]): Promise<number> {
    const started = process.hrtime.bigint();
    let types: number;
    let suite: number;
    if (mochaArgs.length) {
        [types, suite] = await Promise.all([typecheck(), mocha(mochaArgs)]);
    } else {
        const { options, specs } = configuredMochaArgs();
        const files = specs.flatMap(testFiles);
        const later = files.filter((file) => AFTER_TYPECHECK.test(file));
        const now = files.filter((file) => !AFTER_TYPECHECK.test(file));
        const [[typeStatus, laterStatus], nowStatus] = await Promise.all([
            typecheck().then(async (status) => [status, await mocha([...options, ...later], "buffered")] as const),
            mocha([...options, ...now]),
        ]);
        types = typeStatus;
        suite = nowStatus !== 0 ? nowStatus : laterStatus;
    }
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
