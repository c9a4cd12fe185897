/**
 * Every command's command line, as users run it (the npm script's own Node
 * arguments): `--help` exits 0 with the usage, an unknown option exits 2 with
 * the usage, and `--config` alone names an example wherever a command takes a
 * stack. The runs overlap, a few at a time, since most load the SDKs.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pooled, Run, runScriptAsync, runTool } from "../helpers/cli";
import { PROJECT_ROOT } from "../../tools/root";
import { scripts, toolArgv } from "../../tools/scripts";

const EXAMPLE = "stacks/examples/sse-kms.yaml";
const NO_TRACE = /\n\s+at .*\.[jt]s:\d+/;

/** Every npm script that launches a tool, named as its usage names it. */
const COMMANDS = Object.keys(scripts()).filter((name) => {
    try {
        return toolArgv(name).length > 0;
    } catch {
        return false; // postinstall and build run the launcher itself, not a tool
    }
});
/** The usage's first line names the command: `usage: npm run <name>` (the pack's check says `Usage:`; npm test has no `run`). */
const usageOf = (name: string) => new RegExp(`^usage: npm ${name === "test" ? "test" : `run ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`}( |$)`, "im");

describe("every command's command line", function () {
    this.timeout(240_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "commands-cli-"));
    const runs = new Map<string, Run>();
    // --help and an unknown option: as users run them, a process per npm script, so that each script's
    // line, the launcher and the exit status through the process are what is tested.
    const processes: [string, string, string[]][] = [
        ...COMMANDS.map((name): [string, string, string[]] => [`${name} --help`, name, ["--help"]]),
        // npm test hands every other option to mocha, which checks its own (and would run the suite).
        ...COMMANDS.filter((name) => name !== "test").map((name): [string, string, string[]] => [`${name} --no-such-option`, name, ["--no-such-option"]]),
    ];
    // --config: what the command does with it, in this process through the same runner.
    const inProcess: [string, string, string[]][] = [
        ["plan --config", "plan", ["--config", EXAMPLE]],
        ["handoff --config", "handoff", ["--config", EXAMPLE]],
        ["access --config", "access", ["--config", EXAMPLE]],
        ["audit-query --config", "audit-query", ["--config", EXAMPLE]],
        ["batch-replicate --config", "batch-replicate", ["--config", EXAMPLE, "--counterpart", "cdlx"]],
        ["canary --config", "canary", ["--config", EXAMPLE]],
        ["accept-handoff --config", "accept-handoff", ["--config", EXAMPLE, "--file", path.join(dir, "absent.json"), "--fingerprint", "0".repeat(64)]],
    ];
    let matrixPage: string;

    before(async () => {
        matrixPage = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "access-matrix.md"), "utf8");
        const results = await pooled(
            processes.map(
                ([, script, args]) =>
                    () =>
                        runScriptAsync(script, args),
            ),
        );
        processes.forEach(([label], i) => runs.set(label, results[i]));
        for (const [label, script, args] of inProcess) runs.set(label, await runTool(script, args));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("covers every tool's npm script, and the pack's check", () => {
        for (const name of [
            "plan",
            "check",
            "access",
            "handoff",
            "accept-handoff",
            "batch-replicate",
            "canary",
            "key",
            "audit-query",
            "gen-partners",
            "bench",
            "docs:matrix",
            "typecheck",
            "test",
        ]) {
            assert.ok(COMMANDS.includes(name), name);
        }
    });

    for (const name of COMMANDS) {
        it(`npm run ${name} -- --help prints the usage, its options and its exit codes, and exits 0`, () => {
            const r = runs.get(`${name} --help`)!;
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, usageOf(name));
            // The program's tools list --help among their options; the pack's checker (a product of its own) its options.
            assert.match(r.stdout, name === "check" ? /\n\s+--json\b/ : /\n\s*--help\b|\(or help, or -h\)|mocha/, "lists its options");
            assert.match(r.stdout, /exit status: 0 /i, "says what each exit status means");
        });
        if (name === "test") continue;
        it(`npm run ${name} -- --no-such-option exits 2 with the usage, without a stack trace`, () => {
            const r = runs.get(`${name} --no-such-option`)!;
            assert.strictEqual(r.status, 2, r.stdout + r.stderr);
            assert.match(r.stderr, /Unknown option '?--no-such-option/);
            assert.match(r.stderr, usageOf(name));
            assert.doesNotMatch(r.stderr, NO_TRACE);
        });
    }

    it("npm run docs:matrix -- --help leaves docs/access-matrix.md as it was", () => {
        assert.strictEqual(fs.readFileSync(path.join(PROJECT_ROOT, "docs", "access-matrix.md"), "utf8"), matrixPage);
    });

    describe("--config alone names an example, as a stack called after its file", () => {
        it("plan plans it, and its hand-off hint names the example the same way", () => {
            const r = runs.get("plan --config")!;
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /^Stack [\w-]+\/sse-kms: 1 counterpart, \d+ resources$/m);
            assert.ok(r.stdout.includes(`write one with npm run handoff -- --config ${EXAMPLE} --counterpart cdlx)`), r.stdout);
        });

        it("handoff prints the example's only sheet, and, SSE-KMS before the first up, no fingerprint", () => {
            const r = runs.get("handoff --config")!;
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /^# S3 file exchange hand-off: acme-bank \(publisher, stack sse-kms\) for cdlx\n/);
            assert.match(r.stderr, /^no hand-over for cdlx yet: it carries a KMS key ARN that AWS assigns at the first pulumi up/);
        });

        it("access prints the summary: its counts, and no tables unless --full", () => {
            const r = runs.get("access --config")!;
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /^Access matrix of stack `sse-kms`.*: \d+ requests: \d+ as expected.*, 0 not as expected, \d+ not evaluated\.$/m);
            assert.doesNotMatch(r.stdout, /\| principal \| action \|/);
            assert.match(r.stdout, /--full prints every table/);
        });

        it("audit-query prints the example's queries", () => {
            const r = runs.get("audit-query --config")!;
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /^# Who wrote, read or deleted a file: acme-bank, stack sse-kms\n/);
        });

        it("batch-replicate prints the job of the example's link", () => {
            const r = runs.get("batch-replicate --config")!;
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /^# S3 Batch Replication job for cdlx/);
        });

        it("canary refuses it, saying why: it writes to deployed buckets, which an offline plan does not prove exist", () => {
            const r = runs.get("canary --config")!;
            assert.strictEqual(r.status, 2, r.stderr);
            assert.match(r.stderr, /--config plans offline and knows no deployed stack; .*give --stack <name>/);
            assert.match(r.stderr, usageOf("canary"));
        });

        it("accept-handoff reads the example's config and goes on to the hand-over file", () => {
            const r = runs.get("accept-handoff --config")!;
            assert.strictEqual(r.status, 2, r.stderr);
            assert.match(r.stderr, /absent\.json: does not exist\n\s+fix: check the path given to --file/);
            assert.doesNotMatch(r.stderr, /--stack|usage:/);
        });
    });
});
