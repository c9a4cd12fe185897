// `npm run check` reads files from outside, often in a CI gate: whatever it is
// given, it answers within seconds, with exit 2 and a message naming the file and
// the fix when the input is not what it claims, and never turns green by a typo.
import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { main, MAX_JSON_DEPTH, readRegularFile } from "../../policy-pack/check";
import { readStdin } from "../../policy-pack/lib/stdin";
import { PROJECT_ROOT } from "../../tools/root";
import { toolArgv } from "../../tools/scripts";
import { compliantStack, without } from "./fixtures";

const exportOf = (resources: unknown[]) => ({ version: 3, deployment: { resources } });

describe("npm run check: hostile and mistaken input", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-hostile-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const write = (name: string, value: unknown) => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
        return p;
    };
    async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), readFile: readRegularFile, readStdin: () => Promise.reject(new Error("no stdin")) });
        return { code, out: out.join("\n"), err: err.join("\n") };
    }
    /** Exit 2, nothing judged, a message naming the file and matching `what`, no stack trace. */
    async function refused(args: string[], file: string, what: RegExp): Promise<string> {
        const r = await run(args);
        assert.strictEqual(r.code, 2, r.err || r.out);
        assert.strictEqual(r.out, "");
        assert.ok(r.err.includes(file), r.err);
        assert.match(r.err, what);
        assert.doesNotMatch(r.err, /\n\s+at |Maximum call stack/);
        return r.err;
    }
    const failing = () => write("failing.json", exportOf(without(compliantStack(), "egress-public-access-block")));

    describe("the policy configuration (Pulumi documents four levels: advisory, mandatory, remediate, disabled; https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/)", () => {
        for (const level of ["mandtory", "Mandatory", "", "block"]) {
            it(`refuses the level ${JSON.stringify(level)}, naming it, instead of reporting under it and passing`, async () => {
                const cfg = write(`level-${level}.json`, { "s3-transfer-no-public-access": level });
                const err = await refused(
                    [failing(), "--config", cfg],
                    cfg,
                    new RegExp(`${JSON.stringify(level).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, which is not an enforcement level`),
                );
                if (level === "Mandatory") assert.match(err, /levels are lower case: "mandatory"/);
            });
        }
        it("refuses a level inside an object entry, and a level of the wrong type", async () => {
            const cfg = write("object-level.json", { "s3-transfer-acls-disabled": { enforcementLevel: "Advisory" } });
            await refused([failing(), "--config", cfg], cfg, /enforcementLevel of "s3-transfer-acls-disabled" is "Advisory"/);
            const typed = write("typed-level.json", { "s3-transfer-acls-disabled": true });
            await refused([failing(), "--config", typed], typed, /the entry of "s3-transfer-acls-disabled" is true/);
        });
        it("refuses a name that is no policy of the pack, and a property a policy does not take", async () => {
            const name = write("unknown-policy.json", { "s3-transfer-no-public-acess": "advisory" });
            await refused([failing(), "--config", name], name, /"s3-transfer-no-public-acess" is not a policy of this pack/);
            const prop = write("unknown-property.json", { "s3-transfer-acls-disabled": { requireExplicitOwnershipControl: false } });
            await refused(
                [failing(), "--config", prop],
                prop,
                /"s3-transfer-acls-disabled" has no property "requireExplicitOwnershipControl" \(it takes "requireExplicitOwnershipControls"/,
            );
        });
        it("refuses a property of the wrong type or value (the policy's configSchema, as Pulumi validates it)", async () => {
            const cfg = write("bad-property.json", { "s3-transfer-minimum-tls": { minimumTlsVersion: 1.1 }, "s3-transfer-default-encryption": { allowedAlgorithms: "AES256" } });
            const err = await refused([failing(), "--config", cfg], cfg, /"s3-transfer-minimum-tls".minimumTlsVersion must be equal to one of the allowed values/);
            assert.match(err, /"s3-transfer-default-encryption".allowedAlgorithms must be array/);
        });
        it("accepts \"all\" (every policy's level, as Pulumi applies it) and a policy's own level over it", async () => {
            const all = write("all.json", { all: "advisory" });
            assert.deepStrictEqual((await run([failing(), "--config", all])).code, 0);
            const own = write("all-and-own.json", { all: "advisory", "s3-transfer-no-public-access": "mandatory" });
            assert.deepStrictEqual((await run([failing(), "--config", own])).code, 1);
        });
        it("accepts an empty configuration file, as Pulumi does", async () => {
            assert.strictEqual((await run([failing(), "--config", write("empty.json", "  \n")])).code, 1);
        });
    });

    describe("files that are not an export (the README promises exit 2)", () => {
        for (const [name, value, what] of [
            ["array.json", [], /it is a JSON array/],
            ["resources-array.json", compliantStack(), /it is a JSON array/],
            ["no-deployment.json", { version: 3, resources: [] }, /an object without a "deployment" \(its keys: version, resources\)/],
            ["number.json", 42, /it is a JSON number/],
            ["deployment-string.json", { version: 3, deployment: "x" }, /"deployment" is "x", not an object/],
            ["bad-entry.json", { version: 3, deployment: { resources: [{ urn: "u" }] } }, /deployment.resources\[0\] is not a resource with a "urn" and a "type"/],
        ] as const) {
            it(`refuses ${name}`, () => refused([write(name, value)], path.join(dir, name), what));
        }
    });

    describe("JSON that reads differently to different readers (I-JSON, RFC 7493)", () => {
        it("refuses a duplicate name, saying where", async () => {
            const text = `{"version":3,"deployment":{"resources":[{"urn":"u","type":"aws:s3/bucket:Bucket","inputs":{"bucket":"a","bucket":"b"}}]}}`;
            await refused(
                [write("duplicate.json", text)],
                path.join(dir, "duplicate.json"),
                /the name "bucket" appears twice in one object.*JSON Pointer \/deployment\/resources\/0\/inputs\/bucket/,
            );
        });
        it("refuses a duplicate name spelt with an escape", async () => {
            const text = `{"version":3,"deployment":{"resources":[],"res\\u006furces":[]}}`;
            await refused([write("escaped.json", text)], path.join(dir, "escaped.json"), /"resources" appears twice/);
        });
        it("refuses duplicate names in the policy configuration too", async () => {
            const cfg = write("dup-config.json", `{"s3-transfer-no-public-access":"disabled","s3-transfer-no-public-access":"mandatory"}`);
            await refused([failing(), "--config", cfg], cfg, /appears twice/);
        });
        it("refuses a number beyond a double (1e400)", () =>
            refused(
                [write("huge-number.json", `{"version":3,"deployment":{"resources":[{"urn":"u","type":"t","inputs":{"n":1e400}}]}}`)],
                path.join(dir, "huge-number.json"),
                /1e400 is beyond what a double holds/,
            ));
        it("accepts a UTF-8 byte order mark before the JSON (RFC 8259 lets a parser ignore it)", async () => {
            assert.strictEqual((await run([write("bom.json", `\ufeff${JSON.stringify(exportOf(compliantStack()))}`)])).code, 0);
        });
    });

    describe("input that could crash or hang the checker", () => {
        it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels with exit 2, not a stack overflow`, async () => {
            const deep = `{"version":3,"deployment":{"resources":[{"urn":"u","type":"aws:s3/bucket:Bucket","inputs":{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}}]}}`;
            await refused([write("deep.json", deep)], path.join(dir, "deep.json"), /nests arrays and objects deeper than 256 levels/);
        });
        it("judges a bucket policy string nested thousands of levels deep as an invalid document, without crashing", async () => {
            const stack = compliantStack();
            stack.find((r) => r.urn.endsWith("::egress-policy"))!.inputs!.policy = `{"Statement":${"[".repeat(50_000)}${"]".repeat(50_000)}}`;
            const r = await run([write("deep-policy.json", exportOf(stack))]);
            assert.strictEqual(r.code, 1, r.err);
            assert.match(r.out, /nests deeper than/);
        });

        it("refuses a FIFO given as the export path at once instead of waiting for a writer", async function () {
            if (process.platform === "win32") this.skip();
            const fifo = path.join(dir, "export.fifo");
            execFileSync("mkfifo", [fifo]);
            const started = Date.now();
            await refused([fifo], fifo, /is not a regular file \(a FIFO\)/);
            assert.ok(Date.now() - started < 5000);
        });
        it("refuses a directory", () => refused([dir], dir, /is not a regular file \(a directory\)/));

        it("bounds what it reads: a regular file over the limit, and standard input past it", async () => {
            const big = write("big.json", "x".repeat(2048));
            assert.throws(() => readRegularFile(big, 1024), /is 2048 bytes, more than the 1024 the checker reads/);
            function* endless() {
                for (;;) yield Buffer.alloc(64 * 1024, 0x20);
            }
            await assert.rejects(readStdin(1024 * 1024, Readable.from(endless())), /more than 1048576 bytes/);
        });

        it("reads standard input through node:stream/consumers, whole", async () => {
            function* pieces() {
                yield Buffer.from('{"a":');
                yield "1}";
            }
            assert.strictEqual(await readStdin(1024, Readable.from(pieces())), '{"a":1}');
        });

        it("the command itself (compiled, as npm run check starts it) refuses a FIFO within seconds", async function () {
            if (process.platform === "win32") this.skip();
            const fifo = path.join(dir, "cli.fifo");
            execFileSync("mkfifo", [fifo]);
            const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
                const child = spawn(process.execPath, [...toolArgv("check"), fifo], { cwd: PROJECT_ROOT });
                let stderr = "";
                child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
                const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
                child.on("close", (status) => {
                    clearTimeout(timer);
                    resolve({ status, stderr });
                });
            });
            assert.strictEqual(r.status, 2, r.stderr);
            assert.match(r.stderr, /is not a regular file \(a FIFO\)/);
        });
    });
});
