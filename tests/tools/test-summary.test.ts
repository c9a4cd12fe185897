/** npm test's own bookkeeping (tools/test.ts): mocha's counts, the closing total CI reads, and finding `pulumi`. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mochaCounts, pulumiOnPath, summary } from "../../tools/test";

describe("npm test's summary", () => {
    it("reads mocha's closing counts, zero for a kind it does not print", () => {
        assert.deepStrictEqual(mochaCounts("\n  12 passing (3s)\n  2 failing\n"), { passed: 12, failed: 2, skipped: 0 });
        assert.deepStrictEqual(mochaCounts("  0 passing (1ms)\n  5 pending\n"), { passed: 0, failed: 0, skipped: 5 });
    });

    it("ends with one grand total over every part, the line CI reads (`total: N passed, N failed, N skipped`)", () => {
        const lines = summary(
            [
                { name: "type-check", status: 0, seconds: 1, output: "" },
                { name: "fast suite", status: 0, seconds: 2, output: "", counts: { passed: 10, failed: 0, skipped: 1 } },
                { name: "engine tier", status: 1, seconds: 3, output: "", counts: { passed: 4, failed: 1, skipped: 0 } },
            ],
            ["engine tier ran /usr/bin/pulumi"],
            6,
        );
        assert.strictEqual(lines[lines.length - 1], "total: 14 passed, 1 failed, 1 skipped");
        assert.ok(lines.some((l) => /engine tier\s+FAILED\s+4 passed, 1 failed, 0 skipped in 3\.0 s/.test(l)));
    });

    it("counts a failed check (type-check, lint, format, imports) as one failure, so a failed run never closes on 0 failed", () => {
        const lines = summary(
            [
                { name: "lint", status: 1, seconds: 1, output: "" },
                { name: "format", status: 0, seconds: 1, output: "" },
                { name: "fast suite", status: 0, seconds: 2, output: "", counts: { passed: 3, failed: 0, skipped: 0 } },
            ],
            [],
            3,
        );
        assert.strictEqual(lines[lines.length - 1], "total: 3 passed, 1 failed, 0 skipped");
        assert.ok(lines.some((l) => /lint\s+FAILED\s+findings/.test(l)));
        assert.ok(lines.some((l) => /format\s+ok\s+every file formatted/.test(l)));
    });

    it("finds an executable `pulumi` on PATH, and nothing on a PATH without one", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-path-"));
        const notExecutable = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-path-"));
        fs.writeFileSync(path.join(dir, "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
        fs.writeFileSync(path.join(notExecutable, "pulumi"), "", { mode: 0o644 });
        assert.strictEqual(pulumiOnPath({ PATH: [notExecutable, dir].join(path.delimiter) }), path.join(dir, "pulumi"));
        assert.strictEqual(pulumiOnPath({ PATH: notExecutable }), undefined);
        assert.strictEqual(pulumiOnPath({}), undefined);
    });
});
