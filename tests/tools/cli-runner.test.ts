/** The command-line runner every tool starts through (tools/cli/runner.ts), on its own, without spawning. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../infra/config/errors";
import {
    Command,
    CommandGroup,
    Io,
    oneOf,
    OptionSpecs,
    runCommand,
    runCommandGroup,
    STACK_OPTIONS,
    stackArgs,
    stackNameOfFile,
    stackTarget,
    subcommand,
    UsageError,
    wholeNumber,
} from "../../tools/cli/runner";
import { npmSwallowedHint } from "../../tools/cli/npm-hint";
import { projectStacks } from "../../tools/cli/stacks";
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

/** Runs the demo command, which must not run: exit 2, the message, then the usage. */
async function refusedWithUsage(argv: string[], message: RegExp): Promise<ReturnType<typeof recorder>> {
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
    return io;
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
            const io = await refusedWithUsage(argv, message);
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
                    // A command whose promise rejects, with an Error or with what is not one.
                    demo(() => Promise.reject(thrown)),
                    [],
                    io,
                ),
                1,
            );
            assert.strictEqual(io.err, `error: ${thrown instanceof Error ? thrown.message : thrown}\n`);
        }
    });

    it("an empty value is refused as a missing one, in a single or a repeated option", async () => {
        const command = { name: "demo", usage: USAGE, options: { ...STACK_OPTIONS, tag: { type: "string", multiple: true } }, run: () => assert.fail("ran") } as const;
        for (const [argv, name] of [
            [["--stack", ""], "stack"],
            [["--config="], "config"],
            [["--tag", "a", "--tag", ""], "tag"],
        ] as [string[], string][]) {
            const io = recorder();
            assert.strictEqual(await runCommand(command, argv, io), 2, argv.join(" "));
            assert.strictEqual(io.err, `Option '--${name} <value>' is empty: give it a value\n${USAGE}\n`);
        }
    });

    it("a value that swallows the next option, or a single-valued option given twice, exits 2 rather than guessing", async () => {
        // Node's parseArgs refuses `--stack --flag` as ambiguous, and keeps the last value of a repeated option unless it is `multiple`
        // (https://nodejs.org/api/util.html#utilparseargsconfig): the runner refuses the repetition rather than drop a value.
        for (const [argv, message] of [
            [["--stack", "--flag"], /^Option '--stack' argument is ambiguous\./],
            [["--stack", "a", "--stack", "b"], /^Option '--stack' is given twice: it takes one value\n/],
            [["--config=x.yaml", "--config", "y.yaml"], /^Option '--config' is given twice/],
        ] as [string[], RegExp][]) {
            await refusedWithUsage(argv, message);
        }
        const help = recorder();
        assert.strictEqual(
            await runCommand(
                demo(() => assert.fail("ran")),
                ["--stack", "", "--stack", "b", "--help"],
                help,
            ),
            0,
            "--help wins over what it would refuse",
        );
    });

    it("a repeatable option collects its values in order; a boolean flag is true when given", async () => {
        let seen: unknown;
        const command = {
            name: "demo",
            usage: USAGE,
            options: { tag: { type: "string", multiple: true }, flag: { type: "boolean" } },
            run: ({ values }: { values: unknown }) => ((seen = values), 0),
        } as const;
        assert.strictEqual(await runCommand(command, ["--tag", "b", "--flag", "--tag", "a"], recorder()), 0);
        assert.deepStrictEqual(seen, { tag: ["b", "a"], flag: true });
    });

    it("oneOf and wholeNumber refuse a bad value naming the option, what it takes and what was given", () => {
        assert.strictEqual(oneOf("--format", "json", ["markdown", "json"] as const), "json");
        assert.throws(
            () => oneOf("--format", "yaml", ["markdown", "json"]),
            (e: unknown) => e instanceof UsageError && e.message === '--format must be one of markdown, json, got "yaml" (e.g. --format markdown)',
        );
        assert.strictEqual(wholeNumber("--parts", "12"), 12);
        for (const text of ["1e3", "0x10", " 7", "-1", "1.5"]) assert.throws(() => wholeNumber("--parts", text), new UsageError(`--parts must be a whole number, got "${text}"`));
    });

    describe("a command with subcommands", () => {
        const GROUP_USAGE = "usage: npm run tool -- <command> [options]";
        const calls: unknown[] = [];
        const group: CommandGroup = {
            name: "tool",
            usage: GROUP_USAGE,
            commands: {
                make: subcommand({ options: { size: { type: "string" } }, run: ({ values }) => (calls.push(["make", values]), 0) }),
                list: subcommand({ options: { json: { type: "boolean" } }, allowPositionals: true, run: ({ positionals }, io) => (io.stdout(positionals.join(",")), 3) }),
            },
        };
        beforeEach(() => (calls.length = 0));

        it("runs the subcommand the first word names on the rest, with its own options", async () => {
            assert.strictEqual(await runCommandGroup(group, ["make", "--size", "2"], recorder()), 0);
            assert.deepStrictEqual(calls, [["make", { size: "2" }]]);
            const io = recorder();
            assert.strictEqual(await runCommandGroup(group, ["list", "a", "b"], io), 3);
            assert.strictEqual(io.out, "a,b");
        });

        it("--help, -h or help, first or after the subcommand, prints the group's usage and exits 0", async () => {
            for (const argv of [["--help"], ["-h"], ["help"], ["make", "--help"], ["list", "-h", "x"]]) {
                const io = recorder();
                assert.strictEqual(await runCommandGroup(group, argv, io), 0, argv.join(" "));
                assert.deepStrictEqual([io.out, io.err], [`${GROUP_USAGE}\n`, ""]);
            }
            assert.deepStrictEqual(calls, []);
        });

        it("no command, an unknown one, an option first or another subcommand's option exits 2 with the usage", async () => {
            for (const [argv, message] of [
                [[], "no command given: give one of make, list"],
                [["frob"], 'unknown command "frob": give one of make, list'],
                [["constructor"], 'unknown command "constructor": give one of make, list'],
                [["--size", "2", "make"], "Unknown option '--size': give the command first (make, list)"],
            ] as [string[], string][]) {
                const io = recorder();
                assert.strictEqual(await runCommandGroup(group, argv, io), 2, argv.join(" "));
                assert.strictEqual(io.err, `${message}\n${GROUP_USAGE}\n`);
            }
            const io = recorder();
            assert.strictEqual(await runCommandGroup(group, ["list", "--size", "2"], io), 2);
            assert.match(io.err, /^Unknown option '--size'[^]*\nusage: npm run tool -- <command> \[options\]\n$/);
            assert.deepStrictEqual(calls, []);
        });
    });

    describe("the stack a command works on (tools/cli/stacks.ts, the one place every command resolves it)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-runner-"));
        /** A project of its own: Pulumi.yaml named s3-transfer and three stacks, so no test depends on a team's stacks. */
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "cli-project-"));
        fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: s3-transfer\nruntime: nodejs\n");
        for (const stack of ["prod", "preprod", "partner-prod"]) fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), "config: {}\n");
        after(() => {
            fs.rmSync(dir, { recursive: true, force: true });
            fs.rmSync(root, { recursive: true, force: true });
        });

        it("lists the stacks of the project from their Pulumi.<stack>.yaml files", () => {
            assert.deepStrictEqual(projectStacks(root), ["partner-prod", "preprod", "prod"]);
        });

        it("--stack names a stack of this project, bare or qualified as pulumi --stack and stack references take it", () => {
            const file = path.join(root, "Pulumi.prod.yaml");
            assert.deepStrictEqual(stackTarget({ stack: "prod" }, root), { stack: "prod", given: "prod", configFile: file, explicitConfig: false });
            assert.deepStrictEqual(stackTarget({ stack: "organization/s3-transfer/prod" }, root), {
                stack: "prod",
                organization: "organization",
                given: "organization/s3-transfer/prod",
                configFile: file,
                explicitConfig: false,
            });
            assert.deepStrictEqual(stackTarget({ stack: "acme/prod" }, root), { stack: "prod", organization: "acme", given: "acme/prod", configFile: file, explicitConfig: false });
        });

        it("an unknown stack lists the stacks that exist and suggests the nearest; another project's stack is refused with the fix", () => {
            assert.throws(
                () => stackTarget({ stack: "prd" }, root),
                (e: unknown) =>
                    e instanceof UsageError &&
                    e.message ===
                        '--stack prd: this project has no stack "prd" (no Pulumi.prd.yaml); did you mean prod?\nthe stacks of this project: partner-prod, preprod, prod; an example is planned with --config <file> (e.g. --config stacks/examples/sse-kms.yaml)',
            );
            assert.throws(
                () => stackTarget({ stack: "organization/s3-transfer/staging" }, root),
                /has no stack "staging"[^]*the stacks of this project: partner-prod, preprod, prod;/,
            );
            assert.throws(
                () => stackTarget({ stack: "organization/other-project/prod" }, root),
                /--stack organization\/other-project\/prod: names a stack of project "other-project", but this is project "s3-transfer" \(Pulumi\.yaml\); fix: --stack prod or --stack organization\/s3-transfer\/prod/,
            );
            assert.throws(() => stackTarget({ stack: "a/b/c/d" }, root), /not a stack name; give <stack>/);
        });

        it("--config alone names an example as a stack called after its file", () => {
            assert.deepStrictEqual(stackTarget({ config: "stacks/examples/sse-kms.yaml" }), { stack: "sse-kms", configFile: "stacks/examples/sse-kms.yaml", explicitConfig: true });
            assert.strictEqual(stackNameOfFile("/x/Pulumi.partner-prod.yaml"), "partner-prod");
            assert.strictEqual(stackNameOfFile("handover.yml"), "handover");
            assert.deepStrictEqual(stackTarget({ stack: "renamed", config: "stacks/examples/sse-kms.yaml" }).stack, "renamed");
        });

        it("refuses a missing config file, an empty value or neither option, naming the file and the fix", () => {
            assert.throws(
                () => stackTarget({}),
                (e: unknown) => e instanceof UsageError && /--stack <name> or --config <file> is required/.test(e.message),
            );
            assert.throws(() => stackTarget({ stack: "" }), /--stack needs a stack name/);
            assert.throws(() => stackTarget({ config: "" }), /--config needs a file/);
            assert.throws(() => stackTarget({ config: path.join(dir, "absent.yaml") }), /--config .*absent\.yaml: cannot read it \(ENOENT: no such file\); fix: /);
            assert.throws(() => stackTarget({ config: dir }), /cannot read it \(it is a directory, not a regular file\)/);
        });

        it("a next-step hint names the stack the way the user did, so that the command it prints works", () => {
            assert.strictEqual(stackArgs(stackTarget({ stack: "prod" }, root)), "--stack prod");
            assert.strictEqual(stackArgs(stackTarget({ stack: "organization/s3-transfer/prod" }, root)), "--stack organization/s3-transfer/prod");
            assert.strictEqual(stackArgs(stackTarget({ config: "stacks/examples/handover.yaml" })), "--config stacks/examples/handover.yaml");
            assert.strictEqual(stackArgs(stackTarget({ config: path.join(PROJECT_ROOT, "stacks/examples/handover.yaml") })), "--config stacks/examples/handover.yaml");
            assert.strictEqual(stackArgs(stackTarget({ stack: "other", config: "stacks/examples/handover.yaml" })), "--stack other --config stacks/examples/handover.yaml");
        });
    });

    describe("npm took an option for itself (npm run <script> --stack prod, without --)", () => {
        const options = { stack: { type: "string" }, counterpart: { type: "string" }, write: { type: "boolean" } } as const satisfies OptionSpecs;

        it("says so and prints the command with -- in place, from what npm left in the environment", () => {
            assert.strictEqual(
                npmSwallowedHint("plan", options, ["prod"], { npm_config_stack: "true" }),
                "npm took --stack for itself (npm_config_stack is set): put -- before the command's options, e.g. npm run plan -- --stack prod",
            );
            assert.strictEqual(
                npmSwallowedHint("accept-handoff", options, ["--counterpart", "x"], { npm_config_stack: "prod", npm_config_write: "true" }),
                "npm took --stack, --write for itself (npm_config_stack, npm_config_write is set): put -- before the command's options, e.g. npm run accept-handoff -- --stack prod --write --counterpart x",
            );
            assert.strictEqual(
                npmSwallowedHint("key build", { root: { type: "string" } }, ["acme"], { npm_config_root: "true" })?.endsWith("e.g. npm run key -- build --root acme"),
                true,
            );
        });

        it("says nothing when npm left none of the command's options", () => {
            assert.strictEqual(npmSwallowedHint("plan", options, ["prod"], { npm_config_cache: "/x", npm_config_yes: "true" }), undefined);
        });

        it("says nothing for an option that reached the command, nor for npm's own prefix, which npm sets for every script (https://docs.npmjs.com/cli/v11/using-npm/config#prefix)", () => {
            const key = { prefix: { type: "string" }, root: { type: "string" } } as const satisfies OptionSpecs;
            const everyScript = { npm_config_prefix: "/usr", npm_config_global_prefix: "/usr" };
            assert.strictEqual(npmSwallowedHint("key build", key, ["--root", "acme", "--prefix", "CDLX"], everyScript), undefined);
            assert.strictEqual(npmSwallowedHint("key build", key, ["--root", "acme"], everyScript), undefined);
            assert.strictEqual(npmSwallowedHint("key build", key, ["--root", "acme", "--prefix=CDLX"], { ...everyScript, npm_config_prefix: "/elsewhere" }), undefined);
            assert.match(npmSwallowedHint("key build", key, ["--root", "acme"], { ...everyScript, npm_config_prefix: "CDLX" }) ?? "", /npm took --prefix for itself/);
        });

        it("is added to the usage error the command reports", async () => {
            const saved = process.env.npm_config_stack;
            process.env.npm_config_stack = "true";
            try {
                const io = recorder();
                assert.strictEqual(await runCommand(demo(), ["prod"], io), 2);
                assert.match(
                    io.err,
                    /^Unexpected argument 'prod'[^]*\nnpm took --stack for itself \(npm_config_stack is set\): put -- before the command's options, e\.g\. npm run demo -- --stack prod\nusage: /,
                );
            } finally {
                if (saved === undefined) delete process.env.npm_config_stack;
                else process.env.npm_config_stack = saved;
            }
        });
    });
});
