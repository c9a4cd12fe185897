/** npm run handoff -- --format json: the machine-readable hand-over on stdout (or --out), its fingerprint on stderr. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HandoverDocument } from "../../infra/handoff/document";
import { fingerprintOf } from "../../infra/handoff/fingerprint";
import { fixtureFile, plan } from "../helpers/plans";
import { runScript } from "../helpers/cli";

const ROOT = path.join(__dirname, "..", "..");
const run = (args: string[]) => runScript("handoff", args);

describe("npm run handoff -- --format json", () => {
    it("prints prod's hand-over for cdlx on stdout and its fingerprint on stderr", async () => {
        const expected = ((await plan("prod")).outputs.handovers as Record<string, HandoverDocument>).cdlx;
        const result = run(["--config", fixtureFile("prod"), "--counterpart", "cdlx", "--format", "json"]);
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(JSON.parse(result.stdout), expected);
        assert.ok(result.stderr.includes(`hand-over fingerprint for cdlx: ${fingerprintOf(expected)}\n`), result.stderr);
        assert.strictEqual(fingerprintOf(JSON.parse(result.stdout)), fingerprintOf(expected));
    });

    it("writes the file with --out, and the sheet's fingerprint is the file's", async () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "handoff-")), "loyaltyco.json");
        const result = run(["--config", "stacks/examples/handover.yaml", "--counterpart", "loyaltyco", "--format", "json", "--out", out]);
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout, "");
        const written = JSON.parse(fs.readFileSync(out, "utf8")) as HandoverDocument;
        const sheet = String((await plan({ stack: "handover", configFile: path.join(ROOT, "stacks", "examples", "handover.yaml") })).outputs.handoff);
        assert.ok(sheet.includes(`**Hand-over fingerprint: \`${fingerprintOf(written)}\`**`));
        assert.match(result.stderr, new RegExp(`fingerprint for loyaltyco: ${fingerprintOf(written)}`));
    });

    it("exits 2 naming the counterparts when --counterpart is missing or unknown", () => {
        const unknown = run(["--config", "stacks/examples/handover.yaml", "--counterpart", "nobody", "--format", "json"]);
        assert.strictEqual(unknown.status, 2);
        assert.match(unknown.stderr, /has no counterpart "nobody"\nfix: use one of loyaltyco, marketco/);
        assert.strictEqual(unknown.stdout, "");
    });
});
