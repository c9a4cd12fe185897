/**
 * Tools that read stdin wait for a writer that is late. Once a Node process has
 * touched `process.stdin` on a pipe, the pipe is non-blocking, and read(2) answers
 * EAGAIN until data arrives (https://github.com/nodejs/help/issues/2663):
 * `fs.readFileSync(0)` throws then. `aws s3 ls --recursive ... | npm run key -- check`
 * is such a case, `aws` being slower to print than a compiled tool is to start.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import { PROJECT_ROOT } from "../../tools/root";
import { toolArgv } from "../../tools/scripts";

/** Runs node with `args`, writing `input` to its stdin only after `delayMs`. */
function lateWriter(args: string[], input: string, delayMs = 700): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
        child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
        setTimeout(() => child.stdin.end(input), delayMs);
    });
}

describe("reading stdin from a late writer", function () {
    this.timeout(30_000);

    it("fs.readFileSync(0) fails with EAGAIN once process.stdin was touched (the behaviour worked around)", async () => {
        const r = await lateWriter(["-e", `process.stdin.isTTY; process.stdout.write(require("fs").readFileSync(0, "utf8"))`], "late\n");
        assert.notStrictEqual(r.status, 0);
        assert.match(r.stderr, /EAGAIN/);
    });

    it("readStdinSync waits for the data and reads to end of file", async () => {
        const r = await lateWriter(["-e", `process.stdin.isTTY; process.stdout.write(require("./bin/tools/stdin").readStdinSync())`], "late\nand more\n");
        assert.deepStrictEqual([r.status, r.stdout, r.stderr], [0, "late\nand more\n", ""]);
    });

    it("npm run key -- check reads a listing piped in late", async () => {
        const key = "acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_1of1.jsonl";
        const r = await lateWriter([...toolArgv("key"), "check", "--root", "acme-bank"], `2026-11-23 09:00:01      20480 ${key}\n`);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(r.stderr, "1 key(s) checked, 0 invalid\n");
    });
});
