/**
 * Hostile input: every file a command reads from outside (a stack file, a
 * hand-over, stack outputs, the expected access matrix, standard input) is
 * refused with exit 2, a message naming the file, the place and the fix, and
 * nothing written, within seconds, whatever it holds. The readers are shared
 * (infra/input), so each hostile input is tried in process against its reader,
 * and each command once on its command line with a FIFO where a file is
 * expected (a reader that opened it would block forever) and with one input of
 * each kind that must get past the command's own parsing.
 */
import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isConfigError } from "../../infra/config/errors";
import { parseSideConfig } from "../../infra/config/schema";
import { loadStackFile } from "../../infra/config/stack-file";
import { HandoverDocument } from "../../infra/handoff/document";
import { canonicalForm, fingerprintOf } from "../../infra/handoff/fingerprint";
import { handoverSchemaProblems } from "../../infra/handoff/schema";
import { INPUT_LIMITS } from "../../infra/input/file";
import { MAX_PROBLEMS_SHOWN } from "../../infra/input/messages";
import { loadExpectedMatrix } from "../../tools/access/schema";
import { defaultOutputsDeps, loadStackOutputs, readOutputsJson } from "../../tools/canary/outputs";
import { acceptHandover, HandoverRefused } from "../../tools/handoff/accept";
import { PROJECT_ROOT } from "../../tools/root";
import { prodHandoverForCdlx } from "../helpers/handovers";
import { toolArgv } from "../../tools/scripts";

/** A hostile input refused in process takes well under a second; this bound is for a machine shared by many. */
const IN_PROCESS_MS = 15_000;
/** A command starts in one to three seconds (the SDKs load); this bound is for a loaded machine, and still catches a hang. */
const COMMAND_MS = 60_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-input-"));
const file = (name: string, content: string | Buffer) => {
    const at = path.join(dir, name);
    fs.writeFileSync(at, content);
    return at;
};
/** A FIFO that no one writes to: opening it for reading blocks until a writer comes, reading it never ends. */
const fifo = (name: string) => {
    const at = path.join(dir, name);
    if (!fs.existsSync(at)) execFileSync("mkfifo", [at]);
    return at;
};
/** A file that reports `bytes` without holding them (sparse): its size alone must refuse it. */
const sparse = (name: string, bytes: number) => {
    const at = path.join(dir, name);
    const fd = fs.openSync(at, "w");
    fs.ftruncateSync(fd, bytes);
    fs.closeSync(fd);
    return at;
};

function timed<T>(run: () => T): { value: T; ms: number } {
    const started = Date.now();
    const value = run();
    return { value, ms: Date.now() - started };
}

function thrown(run: () => unknown): unknown {
    try {
        run();
    } catch (err) {
        return err;
    }
    return assert.fail("was accepted");
}

interface Ran {
    status: number | null;
    stdout: string;
    stderr: string;
    ms: number;
}

/** Runs a tool as npm does; killed (and failed) past COMMAND_MS, so that a hang is a failure, not a stuck suite. */
function runTool(script: string, args: string[], input?: string): Promise<Ran> {
    return new Promise((resolve, reject) => {
        const started = Date.now();
        const child = spawn(process.execPath, [...toolArgv(script), ...args], { cwd: PROJECT_ROOT });
        let stdout = "";
        let stderr = "";
        const killer = setTimeout(() => child.kill("SIGKILL"), COMMAND_MS);
        child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
        child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
        child.on("error", reject);
        child.on("close", (status) => {
            clearTimeout(killer);
            resolve({ status, stdout, stderr, ms: Date.now() - started });
        });
        child.stdin.end(input ?? "");
    });
}

function assertRefusedQuickly(r: Ran, message: RegExp): void {
    assert.ok(r.ms < COMMAND_MS, `took ${r.ms} ms (killed)`);
    assert.strictEqual(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at .*\.[jt]s:\d+/, "no stack trace");
}

const PUBLISHER = 'config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:name: acme-bank\n  s3-transfer:accountId: "111122223333"\n';
const PARTNER = 'config:\n  aws:region: us-east-1\n  s3-transfer:side: partner\n  s3-transfer:name: cdlx\n  s3-transfer:accountId: "444455556666"\n';
const WITH_PARTNER = `${PUBLISHER}  s3-transfer:partners:\n    - name: cdlx\n      accountId: "444455556666"\n`;

/** A billion-laughs document: nine aliases of nine aliases, five levels deep (https://en.wikipedia.org/wiki/Billion_laughs_attack). */
const ALIAS_BOMB = `${PUBLISHER}  s3-transfer:vendorDrops: &a ["x","x","x","x","x","x","x","x","x"]
  s3-transfer:x1: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  s3-transfer:x2: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  s3-transfer:x3: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  s3-transfer:x4: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
`;

const handover = (): HandoverDocument => prodHandoverForCdlx();

/** accept-handoff in process, with the fingerprint of the file's own value (a sender who vouched for a hostile file). */
function acceptText(name: string, text: string, configFile = file("partner.yaml", PARTNER)) {
    const handoverFile = file(name, text);
    let fingerprint = "0".repeat(64);
    try {
        fingerprint = fingerprintOf(JSON.parse(text.replace(/^\uFEFF/, "")));
    } catch {
        // not JSON: any fingerprint will do, the reader refuses it first
    }
    const before = fs.readFileSync(configFile, "utf8");
    const result = timed(() => thrown(() => acceptHandover({ configFile, stack: "partner-prod", handoverFile, fingerprint, write: true, confirmChange: false })));
    assert.strictEqual(fs.readFileSync(configFile, "utf8"), before, "nothing written");
    assert.ok(result.ms < IN_PROCESS_MS, `took ${result.ms} ms`);
    assert.ok(result.value instanceof HandoverRefused, String(result.value));
    return result.value;
}

describe("hostile input is refused with exit 2, a clear message and nothing written, within seconds", function () {
    this.timeout(4 * COMMAND_MS);
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("stack files (infra/config/stack-file.ts, which every command reads them with)", () => {
        const refusalOf = (at: string) => {
            const { value: err, ms } = timed(() => thrown(() => loadStackFile(at, "--config")));
            assert.ok(ms < IN_PROCESS_MS, `took ${ms} ms`);
            assert.ok(isConfigError(err), String(err));
            return err;
        };
        const refusal = (name: string, content: string | Buffer) => refusalOf(file(name, content));

        it("an alias bomb is refused by the yaml library's maxAliasCount, caught and named (https://eemeli.org/yaml/#tojs-options)", () => {
            const err = refusal("bomb.yaml", ALIAS_BOMB);
            assert.match(err.message, /bomb\.yaml: \(file\): uses YAML aliases \(\*name\) that expand past the yaml library's limit of 100/);
            assert.match(err.problems[0].fix, /write the values out/);
        });

        it("nesting a few thousand levels deep is refused at its line, never a stack overflow", () => {
            const err = refusal("deep.yaml", `${PUBLISHER}  s3-transfer:partners: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
            assert.match(err.message, /deep\.yaml:6: s3-transfer:partners: nests lists and mappings deeper than a stack file can/);
        });

        it("nesting deeper than 256 levels that the yaml library reads is refused too", () => {
            const err = refusal("deep300.yaml", `${PUBLISHER}  s3-transfer:partners: ${"[".repeat(300)}${"]".repeat(300)}\n`);
            assert.match(err.message, /nests lists and mappings more than 256 levels deep/);
        });

        it("a key given twice in one mapping names the key and its line (https://yaml.org/spec/1.2.2/#3211-nodes)", () => {
            const err = refusal("dup.yaml", `${WITH_PARTNER}      accountId: "999988887777"\n`);
            assert.match(err.message, /dup\.yaml:9: accountId: is set twice in the same mapping/);
        });

        it("a file larger than a stack file may be is refused by its size, unread", () => {
            const err = refusalOf(sparse("huge.yaml", INPUT_LIMITS["stack file"].bytes + 1));
            assert.match(err.message, /the stack file \S+huge\.yaml is 2,097,153 bytes, more than the limit of 2 MiB for the stack file/);
        });

        it("a FIFO is refused at once as not a regular file, never waited on", () => {
            const err = refusalOf(fifo("fifo.yaml"));
            assert.match(err.message, /fifo\.yaml is a named pipe \(FIFO\), not a regular file/);
        });

        it("UTF-16 is refused by name; a UTF-8 byte-order mark is read past, as YAML 1.2 allows (https://yaml.org/spec/1.2.2/#52-character-encodings)", () => {
            const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(WITH_PARTNER, "utf16le")]);
            assert.match(refusal("utf16.yaml", utf16).message, /utf16\.yaml is UTF-16 .*; input must be UTF-8/);
            assert.strictEqual(loadStackFile(file("bom.yaml", `\uFEFF${WITH_PARTNER}`)).config["s3-transfer:name"], "acme-bank");
        });

        it("one wrong entry repeated 100,000 times is refused by its size; 60,000 times, in seconds, showing the first problems and counting the rest", async () => {
            const entries = (n: number) => `${PUBLISHER}  s3-transfer:partners:\n${"    - {name: cdlx, acount: 1}\n".repeat(n)}`;
            assert.match(refusal("many.yaml", entries(100_000)).message, /is 3,\d{3},\d{3} bytes, more than the limit of 2 MiB for the stack file/);
            const r = await runTool("plan", ["--config", file("many.yaml", entries(60_000))]);
            assertRefusedQuickly(r, /^Invalid stack configuration \(60,000 problems\):/);
            assert.match(r.stderr, /many\.yaml:7: s3-transfer:partners\[0\]\.acount: is not a field of a partner entry \(its fields: /);
            assert.match(r.stderr, new RegExp(`… and ${(60_000 - MAX_PROBLEMS_SHOWN).toLocaleString("en-US")} more problems not shown`));
            assert.ok(r.stderr.length < 64 * 1024, `${r.stderr.length} characters`);
        });

        it("a name of 1.5 MB is refused once, at the name, echoed cut to its start and end with its length", () => {
            const { config } = loadStackFile(file("long.yaml", WITH_PARTNER.replace("name: acme-bank", `name: ${"a".repeat(1_500_000)}`)));
            const { value: err, ms } = timed(() => thrown(() => parseSideConfig(config, "long")));
            assert.ok(ms < IN_PROCESS_MS, `took ${ms} ms`);
            assert.ok(isConfigError(err), String(err));
            assert.strictEqual(err.problems.length, 1, err.message);
            assert.match(err.message, /s3-transfer:name: must be 2 to 32 lowercase letters.*, got "a+…a+" \(1,500,000 characters\)/);
            assert.ok(err.message.length < 2_000, `${err.message.length} characters`);
        });
    });

    describe("hand-overs (accept-handoff), read as I-JSON before the fingerprint (https://www.rfc-editor.org/rfc/rfc8785#section-3)", () => {
        const text = () => `${JSON.stringify(handover(), null, 2)}\n`;

        it("a duplicate name is refused with its pointer: RFC 7493 forbids it and a reader keeping the first value sees another account (https://www.rfc-editor.org/rfc/rfc7493#section-2.3)", () => {
            const twice = text().replace('"accountId": "111122223333"', '"accountId": "999988887777",\n    "accountId": "111122223333"');
            const err = acceptText("dup.json", twice);
            assert.deepStrictEqual(
                err.problems.map((p) => p.key),
                [`${path.join(dir, "dup.json")}#/from/accountId`],
            );
            assert.match(err.problems[0].problem, /has the name "accountId" twice in one object/);
            assert.match(err.problems[0].fix, /do not use it; ask the sender/);
        });

        it("a number beyond double precision (1e400) is refused, not thrown by the canonicalizer (https://www.rfc-editor.org/rfc/rfc7493#section-2.2)", () => {
            const err = acceptText("big.json", text().replace('"version": 1', '"version": 1e400'));
            assert.match(err.message, /big\.json#\/version: is a number beyond the range of IEEE 754 double precision/);
            assert.throws(() => canonicalForm({ version: Infinity }), /has no canonical form \(RFC 8785\): \/version is a number beyond/);
        });

        it("nesting a few thousand levels deep is refused, not a stack overflow", () => {
            const err = acceptText("deep.json", text().replace('"needsBack": []', `"needsBack": ${"[".repeat(5000)}${"]".repeat(5000)}`));
            assert.match(err.message, /deep\.json#\/needsBack\/0\/0\/.*: nests lists and objects more than 256 levels deep/);
        });

        it("a lone surrogate is refused: it is not Unicode text (https://www.rfc-editor.org/rfc/rfc7493#section-2.1)", () => {
            const err = acceptText("surrogate.json", text().replace('"party": "cdlx"', '"party": "cd\\ud800lx"'));
            assert.match(err.message, /surrogate\.json#\/to\/party: holds a lone UTF-16 surrogate/);
        });

        it("needsBack with 100,000 distinct strings and its own valid fingerprint is refused in seconds, as one problem", () => {
            const err = acceptText("many.json", JSON.stringify({ ...handover(), needsBack: Array.from({ length: 100_000 }, (_, i) => `x${i}`) }));
            assert.deepStrictEqual(
                err.problems.map((p) => [p.key.replace(/^.*#/, "#"), p.problem]),
                [["#/needsBack", "must NOT have more than 5 items"]],
            );
            // The schema check alone, on a list a file could not carry: linear (uniqueItems by hash, problems de-duplicated by a set).
            const { ms } = timed(() => handoverSchemaProblems({ ...handover(), needsBack: Array.from({ length: 300_000 }, () => "region") }));
            assert.ok(ms < IN_PROCESS_MS, `took ${ms} ms`);
        });

        it("a file larger than a hand-over may be, and a FIFO, are refused unread", () => {
            const configFile = file("partner.yaml", PARTNER);
            for (const [handoverFile, message] of [
                [sparse("huge.json", INPUT_LIMITS["hand-over"].bytes + 1), /huge\.json: is 1,048,577 bytes, more than the limit of 1 MiB for the hand-over/],
                [fifo("fifo.json"), /fifo\.json: is a named pipe \(FIFO\), not a regular file/],
            ] as const) {
                const { value: err, ms } = timed(() =>
                    thrown(() => acceptHandover({ configFile, stack: "partner-prod", handoverFile, fingerprint: "0".repeat(64), write: true, confirmChange: false })),
                );
                assert.ok(ms < IN_PROCESS_MS, `took ${ms} ms`);
                assert.ok(err instanceof HandoverRefused, String(err));
                assert.match(err.message, message);
            }
        });

        it("a UTF-8 byte-order mark is read past: RFC 8259 lets a parser ignore it, and the fingerprint covers the value (https://www.rfc-editor.org/rfc/rfc8259#section-8.1)", () => {
            const configFile = file("partner-bom.yaml", PARTNER);
            const result = acceptHandover({
                configFile,
                stack: "partner-prod",
                handoverFile: file("bom.json", `\uFEFF${text()}`),
                fingerprint: fingerprintOf(handover()),
                write: false,
                confirmChange: false,
            });
            assert.strictEqual(result.fingerprint, fingerprintOf(handover()));
        });

        it("a '..' in the sender's root is blamed on the hand-over's /link/root, with a fix for the sender", () => {
            const err = acceptText("dotdot.json", JSON.stringify({ ...handover(), link: { ...handover().link, root: "acme-bank/../other" } }));
            assert.deepStrictEqual(
                err.problems.map((p) => [p.key.replace(/^.*#/, "#"), p.problem, p.fix]),
                [
                    [
                        "#/link/root",
                        'must not contain "." or ".." segments, got "acme-bank/../other"',
                        "ask the sender to check it and send a new hand-over (and read its new fingerprint)",
                    ],
                ],
            );
        });

        it("on the command line: a duplicate name exits 2 with --write and writes nothing", async () => {
            const configFile = file("partner-cli.yaml", PARTNER);
            const twice = file("dup-cli.json", text().replace('"accountId": "111122223333"', '"accountId": "999988887777",\n    "accountId": "111122223333"'));
            const r = await runTool("accept-handoff", ["--config", configFile, "--file", twice, "--fingerprint", fingerprintOf(handover()), "--write"]);
            assertRefusedQuickly(r, /dup-cli\.json#\/from\/accountId: has the name "accountId" twice in one object/);
            assert.strictEqual(fs.readFileSync(configFile, "utf8"), PARTNER);
        });
    });

    describe("stack outputs (--outputs of canary and batch-replicate)", () => {
        const read = (name: string, content: string) => {
            const outputsFile = content === "" ? name : file(name, content);
            return thrown(() => readOutputsJson({ outputsFile }, defaultOutputsDeps, (message) => new Error(message))) as Error;
        };

        it("a duplicate name, a number beyond double precision and deep nesting are refused with their pointer (https://www.rfc-editor.org/rfc/rfc7493)", () => {
            assert.match(read("dup.json", '{"accountId": "1", "accountId": "2"}').message, /dup\.json: \/accountId: has the name "accountId" twice/);
            assert.match(read("big.json", '{"links": 1e400}').message, /big\.json: \/links: is a number beyond the range/);
            assert.match(read("deep.json", `{"links": ${"[".repeat(5000)}${"]".repeat(5000)}}`).message, /deep\.json: \/links\/0\/.*nests lists and objects more than 256 levels/);
        });

        it("a name of 5 MB is echoed once, cut to its start and end with its length", () => {
            const outputsFile = file(
                "long-outputs.json",
                JSON.stringify({ side: "publisher", partyName: "a".repeat(5 * 1024 * 1024), accountId: "111122223333", region: "us-east-1", links: {} }),
            );
            const err = thrown(() => loadStackOutputs({ outputsFile }, defaultOutputsDeps)) as Error;
            assert.match(err.message, /partyName: must be 2 to 32 lowercase letters.*, got "a+…a+" \(5,242,880 characters\)/);
            assert.ok(err.message.length < 2_000, `${err.message.length} characters`);
        });

        it("a FIFO and a file larger than stack outputs may be are refused unread", () => {
            assert.match(read(fifo("outputs.fifo"), "").message, /outputs\.fifo: is a named pipe \(FIFO\), not a regular file/);
            assert.match(
                read(sparse("huge-outputs.json", INPUT_LIMITS["stack outputs"].bytes + 1), "").message,
                /huge-outputs\.json: is 67,108,865 bytes, more than the limit of 64 MiB for the stack outputs/,
            );
        });
    });

    describe("the expected access matrix (access --matrix)", () => {
        it("an alias bomb and a FIFO are refused as matrix errors, naming the file", () => {
            const bomb = file("matrix-bomb.yaml", ALIAS_BOMB.replace(/^config:\n/, "").replace(/^ {2}/gm, ""));
            assert.match(String(thrown(() => loadExpectedMatrix(bomb))), /matrix-bomb\.yaml: \(file\): uses YAML aliases/);
            assert.match(String(thrown(() => loadExpectedMatrix(fifo("matrix.fifo")))), /matrix\.fifo: \(file\): .*is a named pipe \(FIFO\)/);
        });
    });

    describe("a FIFO where a file is expected, on every command's command line", () => {
        const example = "stacks/examples/sse-kms.yaml";
        const cases: [string, string[], RegExp][] = [
            ["plan", ["--config", fifo("config.fifo")], /--config \S+config\.fifo: cannot read it \(it is a named pipe \(FIFO\), not a regular file\)/],
            ["handoff", ["--config", fifo("config.fifo")], /it is a named pipe \(FIFO\)/],
            ["access", ["--config", fifo("config.fifo")], /it is a named pipe \(FIFO\)/],
            ["audit-query", ["--config", fifo("config.fifo")], /it is a named pipe \(FIFO\)/],
            ["batch-replicate", ["--config", fifo("config.fifo"), "--counterpart", "cdlx"], /it is a named pipe \(FIFO\)/],
            ["accept-handoff", ["--config", fifo("config.fifo"), "--file", "x.json", "--fingerprint", "0".repeat(64)], /it is a named pipe \(FIFO\)/],
            [
                "accept-handoff",
                ["--config", example, "--file", fifo("handover.fifo"), "--fingerprint", "0".repeat(64)],
                /handover\.fifo: is a named pipe \(FIFO\), not a regular file/,
            ],
            ["access", ["--config", example, "--matrix", fifo("matrix.fifo")], /matrix\.fifo: \(file\): .*is a named pipe \(FIFO\)/],
            ["plan", ["--config", example, "--diff", fifo("earlier.fifo")], /earlier\.fifo: is a named pipe \(FIFO\), not a regular file/],
            ["canary", ["--outputs", fifo("outputs.fifo")], /--outputs \S+outputs\.fifo: is a named pipe \(FIFO\)/],
            ["batch-replicate", ["--outputs", fifo("outputs.fifo"), "--counterpart", "cdlx"], /--outputs \S+outputs\.fifo: is a named pipe \(FIFO\)/],
        ];
        for (const [script, args, message] of cases) {
            it(`npm run ${script} -- ${args.map((a) => (a.startsWith(dir) ? path.basename(a) : a)).join(" ")}`, async () =>
                assertRefusedQuickly(await runTool(script, args), message));
        }
        it("npm run plan -- --diff <an export with a name given twice> is refused: I-JSON forbids duplicate names (https://www.rfc-editor.org/rfc/rfc7493#section-2.3)", async () => {
            const twice = file("twice.json", '{"deployment": {"resources": [{"urn": "urn:pulumi:a::p::t::x", "type": "t", "urn": "urn:pulumi:a::p::t::y"}]}}');
            assertRefusedQuickly(
                await runTool("plan", ["--config", example, "--diff", twice]),
                /twice\.json: \/deployment\/resources\/0\/urn: has the name "urn" twice in one object/,
            );
        });
        it("npm run plan -- --config <alias bomb> and npm run canary -- --outputs <1e400> get past the command line to the reader's refusal", async () => {
            const [plan, canary] = await Promise.all([
                runTool("plan", ["--config", file("bomb-cli.yaml", ALIAS_BOMB)]),
                runTool("canary", ["--outputs", file("big-cli.json", '{"accountId": 1e400}')]),
            ]);
            assertRefusedQuickly(plan, /bomb-cli\.yaml: \(file\): uses YAML aliases/);
            assertRefusedQuickly(canary, /big-cli\.json: \/accountId: is a number beyond the range/);
        });
    });

    describe("the runner's exit", () => {
        it("ends with the command's own status and no trace when the reader closes the pipe early (`| head -1`): EPIPE is a reader gone, not a failure", async () => {
            const child = spawn(process.execPath, [...toolArgv("plan"), "--config", "stacks/examples/sse-kms.yaml"], { cwd: PROJECT_ROOT });
            let stderr = "";
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            // Read one chunk, then close our end, as head does after its line.
            await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
            child.stdout.destroy();
            const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
            assert.strictEqual(status, 0, stderr);
            assert.doesNotMatch(stderr, /EPIPE|Unhandled 'error' event|\n\s+at /);
        });

        it("waits until stdout and stderr have drained into pipes that are read slowly: a 300 KiB refusal arrives whole", async () => {
            const size = 300 * 1024;
            const script = `require("./bin/tools/cli/runner").exitWith((async () => { process.stdout.write("o".repeat(${size})); process.stderr.write("e".repeat(${size})); return 2; })(), { usage: "" })`;
            const child = spawn(process.execPath, ["-e", script], { cwd: PROJECT_ROOT });
            // Nobody reads for a while: the 64 KiB of each pipe fill, and the rest waits in the process.
            child.stdout.pause();
            child.stderr.pause();
            await new Promise((resolve) => setTimeout(resolve, 500));
            let out = 0;
            let err = 0;
            child.stdout.on("data", (c: Buffer) => (out += c.length));
            child.stderr.on("data", (c: Buffer) => (err += c.length));
            child.stdout.resume();
            child.stderr.resume();
            const status = await new Promise((resolve) => child.on("close", resolve));
            assert.deepStrictEqual([status, out, err], [2, size, size]);
        });
    });
});
