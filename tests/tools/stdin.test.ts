/**
 * Tools that read stdin wait for a writer that is late, however late: `aws s3 ls
 * --recursive ... | npm run key -- check` starts the tool before `aws` has
 * printed anything. The reader is `node:stream/consumers` over process.stdin
 * (tools/stdin.ts), which resolves at end of input, not when a read finds
 * nothing yet. Every test here decides its timing itself: the writer writes
 * only after the reader has started, so no test depends on how fast a loaded
 * machine starts a process.
 */
import * as assert from "assert";
import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import { PassThrough } from "stream";
import { setTimeout as sleep } from "timers/promises";
import { isInputError } from "../../infra/input/file";
import { keyCommand } from "../../tools/key";
import { runCommandGroup } from "../../tools/cli/runner";
import { PROJECT_ROOT } from "../../tools/root";
import { toolArgv } from "../../tools/scripts";
import { readStdin } from "../../tools/stdin";

interface Ended {
    status: number | null;
    stdout: string;
    stderr: string;
}

function started(args: string[]): { child: ChildProcessWithoutNullStreams; ended: Promise<Ended>; stderrSoFar: () => string } {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const ended = new Promise<Ended>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
    return { child, ended, stderrSoFar: () => stderr };
}

/** Resolves once `seen()` is true, polling; fails after `ms` (a bound for a hung child, far above any real start). */
async function until(seen: () => boolean, ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!seen()) {
        if (Date.now() > deadline) assert.fail("the child never got there");
        await sleep(20);
    }
}

describe("reading stdin from a late writer", function () {
    this.timeout(90_000);

    it("fs.readFileSync(0) throws EAGAIN once process.stdin was touched and nothing is written yet (why tools/stdin.ts does not use it; https://github.com/nodejs/help/issues/2663)", async () => {
        // The writer writes nothing until the child has exited: the read always finds an empty non-blocking pipe.
        const { child, ended } = started(["-e", `process.stdin.isTTY; require("fs").readFileSync(0)`]);
        const r = await ended;
        child.stdin.destroy();
        assert.notStrictEqual(r.status, 0);
        assert.match(r.stderr, /EAGAIN/);
    });

    it("readStdin waits for end of input, in pieces written after it started reading", async () => {
        const input = new PassThrough();
        let settled = false;
        const reading = readStdin(input).finally(() => (settled = true));
        await sleep(200);
        assert.strictEqual(settled, false, "resolved before end of input");
        input.write("late\n");
        await sleep(200);
        assert.strictEqual(settled, false, "resolved before end of input");
        input.end("and more\n");
        assert.strictEqual(await reading, "late\nand more\n");
    });

    it("a process reading its stdin with readStdin gets every piece a writer sends after it has started reading", async () => {
        const script = `process.stderr.write("reading\\n"); require("./bin/tools/stdin").readStdin().then((t) => process.stdout.write(t))`;
        const { child, ended, stderrSoFar } = started(["-e", script]);
        await until(() => stderrSoFar().includes("reading"));
        child.stdin.write("late\n");
        await sleep(300);
        child.stdin.end("and more\n");
        const r = await ended;
        assert.deepStrictEqual([r.status, r.stdout, r.stderr], [0, "late\nand more\n", "reading\n"]);
    });

    it("refuses standard input past its limit with a message naming it and the limit, without holding the rest", async () => {
        const input = new PassThrough();
        const reading = readStdin(input, 1024);
        input.write(Buffer.alloc(1000, "a"));
        input.write(Buffer.alloc(1000, "a"));
        input.end();
        await assert.rejects(
            reading,
            (err: unknown) => isInputError(err) && err.file === "standard input" && /is more than the limit of 1 KiB for standard input/.test(err.problem),
        );
    });

    it("npm run key -- check, in process, waits for a listing that arrives late", async () => {
        const input = new PassThrough();
        const io = { out: "", err: "", stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
        const checking = runCommandGroup(
            keyCommand(() => readStdin(input)),
            ["check", "--root", "acme-bank"],
            io,
        );
        await sleep(200);
        input.write("2026-11-23 09:00:01      20480 acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_");
        await sleep(200);
        input.end("1of1.jsonl\n");
        assert.strictEqual(await checking, 0, io.err);
        assert.strictEqual(io.err, "1 key(s) checked, 0 invalid\n");
    });

    it("npm run key -- check reads a listing piped in late, in two pieces, the line split between them", async () => {
        const { child, ended } = started([...toolArgv("key"), "check", "--root", "acme-bank"]);
        // However fast or slow the tool starts, the line is whole only at end of input.
        await sleep(700);
        child.stdin.write("2026-11-23 09:00:01      20480 acme-bank/2026-11-23/CDLX_transactions_");
        await sleep(300);
        child.stdin.end("20261123_1795420800_1of1.jsonl\n");
        const r = await ended;
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(r.stderr, "1 key(s) checked, 0 invalid\n");
    });
});
