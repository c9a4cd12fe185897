/**
 * npm run typecheck
 *
 * Type-checks every TypeScript project of the repository with its own compiler:
 * the program (tsconfig.json: with the tests, and the launcher tools/build.js as
 * checked JavaScript) and the policy pack (policy-pack/tsconfig.json, with the
 * TypeScript the pack itself depends on). The checks run side by side; a line
 * when they start and one as each ends, with its time, say how far along it is.
 * Exit 0 when all pass, 1 when one reports errors (they are printed).
 */
import { spawn } from "child_process";
import * as path from "path";
import { main } from "./cli/runner";
import { PROJECT_ROOT } from "./root";

export interface Check {
    name: string;
    /** The tsconfig to check, relative to the root. */
    project: string;
    /** Where `typescript` is resolved from: the project's own dependency. */
    compilerFrom: string;
}

export const CHECKS: Check[] = [
    { name: "program, tools and tests", project: "tsconfig.json", compilerFrom: "." },
    { name: "policy pack", project: "policy-pack/tsconfig.json", compilerFrom: "policy-pack" },
];

const seconds = (since: bigint) => `${(Number(process.hrtime.bigint() - since) / 1e9).toFixed(1)} s`;

function compiler(check: Check): { tsc: string; version: string } {
    const pkg = require.resolve("typescript/package.json", { paths: [path.join(PROJECT_ROOT, check.compilerFrom)] });
    return { tsc: path.join(path.dirname(pkg), "bin", "tsc"), version: (require(pkg) as { version: string }).version };
}

function run(check: Check, started: bigint, done: () => number): Promise<boolean> {
    const { tsc, version } = compiler(check);
    return new Promise((resolve) => {
        // Incremental: a second run re-checks only what changed since (node_modules/.cache, so npm ci starts afresh).
        const buildInfo = path.join("node_modules", ".cache", "typecheck", `${check.project.replace(/[\\/]/g, "_")}.tsbuildinfo`);
        const child = spawn(process.execPath, [tsc, "--noEmit", "-p", check.project, "--incremental", "--tsBuildInfoFile", buildInfo, "--pretty", "false"], { cwd: PROJECT_ROOT });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        let reported = false;
        const finish = (ok: boolean) => {
            if (reported) return;
            reported = true;
            console.log(`typecheck [${done()}/${CHECKS.length}] ${ok ? "ok    " : "FAILED"} ${check.name} (${check.project}, TypeScript ${version}) after ${seconds(started)}`);
            if (!ok) process.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
            resolve(ok);
        };
        child.on("error", (err) => {
            output += String(err);
            finish(false);
        });
        child.on("close", (status) => finish(status === 0));
    });
}

export async function typecheck(): Promise<number> {
    const started = process.hrtime.bigint();
    console.log(`typecheck: ${CHECKS.length} projects side by side: ${CHECKS.map((c) => c.project).join(", ")}`);
    let finished = 0;
    const results = await Promise.all(CHECKS.map((c) => run(c, started, () => ++finished)));
    return results.every(Boolean) ? 0 : 1;
}

if (require.main === module) {
    main({
        name: "typecheck",
        usage: "usage: npm run typecheck\n\nType-checks the program, tools and tests, and the policy pack, each with its own TypeScript.\n\n  --help  print this help\n\nexit status: 0 all pass; 1 a project has type errors (printed); 2 a usage error.",
        options: {},
        run: typecheck,
    });
}
