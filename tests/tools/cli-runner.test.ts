/** The command-line runner every tool starts through (tools/cli/runner.ts), on its own, without spawning. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../infra/config/errors";
import { Command, Io, OptionSpecs, runCommand, stackArgs, stackNameOfFile, stackTarget, UsageError } from "../../tools/cli/runner";
import { PROJECT_ROOT } from "../../tools/root";

const USAGE = "usage: npm run demo -- (--stack <name> | --config <file>) [--flag]";

function recorder(): Io & { out: string; err: string } {
    const io = { out: "", err: "", stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    return io;
}

function demo(run: Command<OptionSpecs>["run"] = () => 0) {
    return {
        name: "demo",
        usage: USAGE,
        options: { stack: { type: "string" }, config: { type: "string" }, flag: { type: "boolean" } },
        run,
    } as const satisfies Command<OptionSpecs>;
}

describe("the command-line runner", () => {
    it("--help and -h print the usage on stdout and exit 0 without running the command", async () => {
        for (const flag of ["--help", "-h"]) {
            const io = recorder();
            const code = await runCommand(
                demo(() => assert.fail("ran")),
                [flag],
                io,
            );
            assert.strictEqual(code, 0);
            assert.strictEqual(io.out, `${USAGE}\n`);
            assert.strictEqual(io.err, "");
        }
    });

    it("an unknown option, a stray argument or a missing value exits 2 with the message and the usage", async () => {
        for (const [argv, message] of [
            [["--stak", "prod"], /Unknown option '--stak'/],
            [["prod"], /Unexpected argument 'prod'/],
            [["--stack"], /--stack <value>. argument missing/],
        ] as [string[], RegExp][]) {
            const io = recorder();
            assert.strictEqual(
                await runCommand(
                    demo(() => assert.fail("ran")),
                    argv,
                    io,
                ),
                2,
                argv.join(" "),
            );
            assert.match(io.err, message);
            assert.ok(io.err.endsWith(`\n${USAGE}\n`), io.err);
            assert.strictEqual(io.out, "");
        }
    });

    it("passes the parsed options to the command and returns its status", async () => {
        let seen: unknown;
        const code = await runCommand(
            demo(({ values }) => ((seen = values), 1)),
            ["--stack", "prod", "--flag"],
            recorder(),
        );
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(seen, { stack: "prod", flag: true });
    });

    it("a UsageError the command throws exits 2 with the usage; a config error exits 2 with its own message", async () => {
        const usage = recorder();
        assert.strictEqual(
            await runCommand(
                demo(() => {
                    throw new UsageError("--count must be a whole number");
                }),
                [],
                usage,
            ),
            2,
        );
        assert.strictEqual(usage.err, `--count must be a whole number\n${USAGE}\n`);

        const config = recorder();
        const problem = { key: "s3-transfer:side", problem: "must be publisher or partner", fix: "pulumi config set s3-transfer:side publisher", file: "Pulumi.x.yaml", line: 3 };
        assert.strictEqual(
            await runCommand(
                demo(() => {
                    throw new ConfigError([problem]);
                }),
                [],
                config,
            ),
            2,
        );
        assert.match(config.err, /Pulumi\.x\.yaml:3: s3-transfer:side: must be publisher or partner\n\s+fix: pulumi config set s3-transfer:side publisher/);
        assert.doesNotMatch(config.err, /\n\s+at /, "no stack trace");
    });

    it("any other failure exits 1 with one line, never a stack trace", async () => {
        for (const thrown of [new Error("the bucket is gone"), "a string"]) {
            const io = recorder();
            assert.strictEqual(
                await runCommand(
                    demo(async () => {
                        throw thrown;
                    }),
                    [],
                    io,
                ),
                1,
            );
            assert.strictEqual(io.err, `error: ${thrown instanceof Error ? thrown.message : thrown}\n`);
        }
    });

    describe("the stack a command works on", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-runner-"));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("--stack names a stack of this project, by its Pulumi.<name>.yaml", () => {
            assert.deepStrictEqual(stackTarget({ stack: "prod" }), { stack: "prod", configFile: path.join(PROJECT_ROOT, "Pulumi.prod.yaml"), explicitConfig: false });
        });

        it("--config alone names an example as a stack called after its file", () => {
            assert.deepStrictEqual(stackTarget({ config: "stacks/examples/sse-kms.yaml" }), { stack: "sse-kms", configFile: "stacks/examples/sse-kms.yaml", explicitConfig: true });
            assert.strictEqual(stackNameOfFile("/x/Pulumi.partner-prod.yaml"), "partner-prod");
            assert.strictEqual(stackNameOfFile("handover.yml"), "handover");
            assert.deepStrictEqual(stackTarget({ stack: "renamed", config: "stacks/examples/sse-kms.yaml" }).stack, "renamed");
        });

        it("refuses a missing stack or config file, an empty value or neither option, naming the file and the fix", () => {
            assert.throws(
                () => stackTarget({}),
                (e: unknown) => e instanceof UsageError && /--stack <name> or --config <file> is required/.test(e.message),
            );
            assert.throws(() => stackTarget({ stack: "" }), /--stack needs a stack name/);
            assert.throws(() => stackTarget({ config: "" }), /--config needs a file/);
            assert.throws(() => stackTarget({ stack: "no-such-stack" }), /--stack: the stack file .*Pulumi\.no-such-stack\.yaml does not exist; fix: name a stack of this project/);
            assert.throws(() => stackTarget({ config: path.join(dir, "absent.yaml") }), /--config .*absent\.yaml: cannot read it \(ENOENT: no such file\); fix: /);
            assert.throws(() => stackTarget({ config: dir }), /cannot read it \(it is a directory\)/);
        });

        it("a next-step hint names the stack the way the user did, so that the command it prints works", () => {
            assert.strictEqual(stackArgs(stackTarget({ stack: "prod" })), "--stack prod");
            assert.strictEqual(stackArgs(stackTarget({ config: "stacks/examples/handover.yaml" })), "--config stacks/examples/handover.yaml");
            assert.strictEqual(stackArgs(stackTarget({ config: path.join(PROJECT_ROOT, "stacks/examples/handover.yaml") })), "--config stacks/examples/handover.yaml");
            assert.strictEqual(stackArgs(stackTarget({ stack: "other", config: "stacks/examples/handover.yaml" })), "--stack other --config stacks/examples/handover.yaml");
        });
    });
});
