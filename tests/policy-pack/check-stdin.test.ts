/**
 * `npm run check -- -` reads the export from a pipe whose writer is slow: a
 * `pulumi stack export | npm run check -- -` hands over the JSON in pieces, and the
 * checker may start before the first one. Once anything in the process touches
 * `process.stdin`, the pipe is non-blocking and read(2) answers EAGAIN while the
 * writer is between pieces (https://github.com/nodejs/help/issues/2663), which made
 * `fs.readFileSync(0)` throw. The pack reads stdin as a stream, through
 * node:stream/consumers (lib/stdin.ts), which waits for every piece however the
 * pipe is set up, without importing the program.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../../tools/root";
import { toolArgv } from "../../tools/scripts";
import { compliantStack, urn, T, without } from "./fixtures";

/** Runs node with `args`, writing `input` to its stdin in `pieces` pieces, `gapMs` apart, the first after `gapMs`. */
function slowWriter(args: string[], input: string, pieces = 4, gapMs = 300): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
        child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
        const size = Math.ceil(input.length / pieces);
        let i = 0;
        const next = () => {
            const piece = input.slice(i * size, (i + 1) * size);
            i++;
            if (i >= pieces) {
                child.stdin.end(piece);
            } else {
                child.stdin.write(piece);
                setTimeout(next, gapMs);
            }
        };
        setTimeout(next, gapMs);
    });
}

const exportOf = (resources: unknown[]) => JSON.stringify({ version: 3, deployment: { resources } }, null, 2);

describe("npm run check -- - (an export piped in by a slow writer)", function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-stdin-"));
        // What a wrapper or a launcher may do before the checker reads: touching process.stdin makes the pipe non-blocking.
        fs.writeFileSync(path.join(dir, "touch-stdin.js"), "process.stdin.isTTY;\n");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("waits for every piece and judges the whole export, with process.stdin touched first", async () => {
        const stack = compliantStack();
        const r = await slowWriter(["-r", path.join(dir, "touch-stdin.js"), ...toolArgv("check"), "-"], exportOf(stack));
        assert.deepStrictEqual([r.status, r.stderr], [0, ""]);
        assert.match(r.stdout, new RegExp(`^Judged \\d+ resources of standard input: no violations\\.\\n$`));
    });

    it("reports a violation in a slowly piped export like one read from a file", async () => {
        const r = await slowWriter([...toolArgv("check"), "-", "--json"], exportOf(without(compliantStack(), "egress-public-access-block")), 3, 200);
        assert.strictEqual(r.status, 1, r.stderr);
        const out = JSON.parse(r.stdout) as { violations: { policy: string; urn: string }[] };
        assert.deepStrictEqual(
            out.violations.map((v) => [v.policy, v.urn]),
            [["s3-transfer-no-public-access", urn(T.bucket, "egress")]],
        );
    });
});
