/**
 * `npm run key` as a producer runs it: printed keys, parse and check output,
 * stdin listings and exit codes; and its command line in-process, through the
 * shared runner (tools/cli/runner.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCommandGroup } from "../../tools/cli/runner";
import { keyCommand } from "../../tools/key";
import { Run, runScriptAsync } from "../helpers/cli";

/** `npm run key` without npm, asynchronous so that the runs overlap. */
function runKey(args: string[], input = ""): Promise<Run> {
    return runScriptAsync("key", args, input);
}

const BATCH = ["--root", "acme-bank", "--prefix", "CDLX", "--type", "transactions", "--date", "2026-11-23", "--epoch", "1795420800"];
const key = (i: number, n: number): string => `acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_${i}of${n}.jsonl`;

describe("npm run key", function () {
    this.timeout(60_000);
    let runs: Record<"single" | "batch" | "parse" | "listing" | "json" | "badType" | "unknownOption", Run>;

    before(async () => {
        const listing = [
            `2026-11-23 09:00:01      20480 ${key(1, 2)}`,
            `2026-11-23 09:00:02        512 ${key(2, 2)}\r`,
            "                           PRE acme-bank/",
            "",
            "acme-bank/2026-11-24/CDLX_offers_20261124_1795507200_1of1.jsonl",
        ].join("\n");
        const [single, batch, parse, listed, json, badType, unknownOption] = await Promise.all([
            runKey(["build", ...BATCH, "--part", "2", "--of", "3"]),
            runKey(["build", ...BATCH, "--parts", "3", "--json"]),
            runKey(["parse", key(1, 2), key(3, 2)]),
            runKey(["check", "--root", "acme-bank"], listing),
            runKey(["check", "--json", "--root", "acme-bank"], `${key(1, 1)}\nother-root/2026-11-23/CDLX_transactions_20261123_1795420800_1of1.jsonl\n`),
            runKey(["build", ...BATCH.slice(0, 4), "--type", "card_txn", "--date", "2026-11-23", "--parts", "2"]),
            runKey(["check", "--roots", "acme-bank", key(1, 1)]),
        ]);
        runs = { single, batch, parse, listing: listed, json, badType, unknownOption };
    });

    it("builds one key", () => {
        const { status, stdout, stderr } = runs.single;
        assert.strictEqual(status, 0, stderr);
        assert.strictEqual(stdout, `${key(2, 3)}\n`);
    });

    it("builds every key of a batch as JSON lines with their parts", () => {
        const { status, stdout, stderr } = runs.batch;
        assert.strictEqual(status, 0, stderr);
        const lines = stdout
            .trimEnd()
            .split("\n")
            .map((line) => JSON.parse(line));
        assert.deepStrictEqual(
            lines,
            [1, 2, 3].map((i) => ({
                key: key(i, 3),
                parts: { root: "acme-bank", prefix: "CDLX", fileType: "transactions", date: "2026-11-23", epoch: 1795420800, part: i, partCount: 3 },
            })),
        );
    });

    it("parses keys given as arguments: parts on stdout, the reason on stderr, exit 1", () => {
        const { status, stdout, stderr } = runs.parse;
        assert.strictEqual(status, 1, stderr);
        assert.deepStrictEqual(JSON.parse(stdout), {
            key: key(1, 2),
            root: "acme-bank",
            prefix: "CDLX",
            fileType: "transactions",
            date: "2026-11-23",
            epoch: 1795420800,
            part: 1,
            partCount: 2,
        });
        assert.strictEqual(stderr, `invalid: part index 3 exceeds part count 2 in "${key(3, 2)}"\n`);
    });

    it("checks an aws s3 ls --recursive listing piped in: silent on valid keys, exit 0", () => {
        const { status, stdout, stderr } = runs.listing;
        assert.strictEqual(status, 0, stdout + stderr);
        assert.strictEqual(stdout, "");
        assert.strictEqual(stderr, "3 key(s) checked, 0 invalid\n");
    });

    it("checks keys from stdin with --json: one record per key, exit 1 for a key outside the root", () => {
        const { status, stdout, stderr } = runs.json;
        assert.strictEqual(status, 1, stderr);
        const [good, bad, ...more] = stdout
            .trimEnd()
            .split("\n")
            .map((line) => JSON.parse(line));
        assert.deepStrictEqual(more, []);
        assert.deepStrictEqual(good, {
            key: key(1, 1),
            ok: true,
            parts: { root: "acme-bank", prefix: "CDLX", fileType: "transactions", date: "2026-11-23", epoch: 1795420800, part: 1, partCount: 1 },
        });
        assert.strictEqual(bad.ok, false);
        assert.match(bad.reason, /^key does not start with the root prefix "acme-bank\/" in "other-root\//);
    });

    it("exits 2 naming the option when a value breaks the convention, printing no key", () => {
        const { status, stdout, stderr } = runs.badType;
        assert.strictEqual(status, 2, stdout + stderr);
        assert.strictEqual(stdout, "");
        assert.match(stderr, /^--type: must not contain "_" \(it separates the fields of the file name\), got "card_txn"\n/);
    });

    it("exits 2 on an unknown option, checking nothing", () => {
        const { status, stdout, stderr } = runs.unknownOption;
        assert.strictEqual(status, 2, stdout + stderr);
        assert.strictEqual(stdout, "");
        assert.match(stderr, /Unknown option '--roots'/);
    });
});

/** `npm run key` in-process, through the runner, with what stdin holds injected (undefined: a terminal). */
async function keyInProcess(argv: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
    const io = { out: "", err: "", stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    const code = await runCommandGroup(
        keyCommand(() => Promise.resolve(stdin)),
        argv,
        io,
    );
    return { code, out: io.out, err: io.err };
}

describe("npm run key: its command line, through the shared runner", () => {
    it("--help, -h and help print the usage on stdout and exit 0, before or after the command", async () => {
        for (const argv of [["--help"], ["-h"], ["help"], ["build", "--help"], ["check", "-h", "not/a/key"]]) {
            const r = await keyInProcess(argv);
            assert.strictEqual(r.code, 0, argv.join(" "));
            assert.match(r.out, /^usage: npm run key -- <command> \[options\]\n\n {2}build <link> --type <file-type>/);
            assert.strictEqual(r.err, "", argv.join(" "));
        }
    });

    for (const [what, argv, message] of [
        ["no command", [], /^no command given: give one of build, parse, check\n/],
        ["an unknown command", ["frob"], /^unknown command "frob": give one of build, parse, check\n/],
        ["an option before the command", ["--root", "acme-bank", "check"], /^Unknown option '--root': give the command first \(build, parse, check\)\n/],
        [
            "--counterpart without its stack",
            ["check", "--counterpart", "cdlx", key(1, 1)],
            /^--counterpart <name> names a link of a stack: give --stack <name> or --config <file> too\n/,
        ],
        [
            "a stack without --counterpart",
            ["check", "--config", "stacks/examples/mixed-encryption.yaml", key(1, 1)],
            /^--counterpart <name> is required with a stack: one of cdlx, eurolink\n/,
        ],
        [
            "a counterpart the stack does not have",
            ["build", "--config", "stacks/examples/mixed-encryption.yaml", "--counterpart", "nobody", "--type", "t", "--date", "2026-11-23", "--parts", "1"],
            /^--counterpart nobody: stack mixed-encryption has no such counterpart; its counterparts are cdlx, eurolink\n/,
        ],
        [
            "a link given both ways",
            ["check", "--config", "stacks/examples/mixed-encryption.yaml", "--counterpart", "cdlx", "--prefix", "CDLX", key(1, 1)],
            /^give the link by --stack\/--config with --counterpart, or by --root and --prefix, not both\n/,
        ],
        [
            "build without a prefix",
            ["build", "--root", "acme-bank", "--type", "transactions", "--date", "2026-11-23", "--parts", "2"],
            /^--prefix is required: the link's file-name prefix, e.g. CDLX \(or name the link with --stack <name> --counterpart <name>\)\n/,
        ],
        ["a prefix that is not one", ["check", "--prefix", "cdlx", key(1, 1)], /^--prefix: must be upper-case letters, digits and single hyphens/],
        ["an option of another subcommand", ["parse", "--type", "transactions", key(1, 1)], /^Unknown option '--type'/],
        ["a missing value", ["build", ...BATCH, "--parts"], /^Option '--parts <value>' argument missing/],
        ["an empty value", ["check", "--root", "", key(1, 1)], /^Option '--root <value>' is empty: give it a value\n/],
        ["a stray argument to build", ["build", ...BATCH, "--parts", "2", "extra"], /^Unexpected argument 'extra'/],
        ["a missing required option", ["build", "--root", "acme-bank", "--prefix", "CDLX", "--date", "2026-11-23", "--parts", "2"], /^--type is required\n/],
        ["a bad number", ["build", ...BATCH, "--parts", "1e3"], /^--parts must be a whole number, got "1e3"\n/],
        ["nothing to check on a terminal", ["check", "--root", "acme-bank"], /^check: give keys as arguments or pipe them in, one per line\n/],
    ] as [string, string[], RegExp][]) {
        it(`exits 2 on ${what}, with the message and the usage on stderr`, async () => {
            const r = await keyInProcess(argv);
            assert.strictEqual(r.code, 2, r.err);
            assert.match(r.err, message);
            assert.match(r.err, /\nusage: npm run key -- <command> \[options\]\n/);
            assert.strictEqual(r.out, "");
        });
    }

    it("parse and check read the keys piped in when none are given", async () => {
        const r = await keyInProcess(["check", "--root", "acme-bank"], `${key(1, 2)}\nother/2026-11-23/CDLX_transactions_20261123_1795420800_1of1.jsonl\n`);
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /^invalid: key does not start with the root prefix "acme-bank\/"/);
        assert.strictEqual(r.err, "2 key(s) checked, 1 invalid\n");
    });
});

describe("npm run key: the link's root and file-name prefix, from the stack's config", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "key-prefix-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A publisher's stack file whose one partner entry ends with `extra` (YAML lines of the entry). */
    const stackWithPartner = (file: string, partner: string, extra: string) => {
        const at = path.join(dir, file);
        fs.writeFileSync(
            at,
            `config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:name: acme-bank\n  s3-transfer:accountId: "111122223333"\n  s3-transfer:partners:\n    - name: ${partner}\n      accountId: "999988887777"\n${extra}`,
        );
        return at;
    };
    /** `key build` of offers on 2026-11-23 for a link named by its stack file and counterpart. */
    const buildFor = (configFile: string, counterpart: string, parts: string[]) =>
        keyInProcess(["build", "--config", configFile, "--counterpart", counterpart, "--type", "offers", "--date", "2026-11-23", "--epoch", "1795420800", ...parts]);

    it("builds the keys of a link named by its stack and counterpart, with that link's root and prefix", async () => {
        const r = await buildFor("stacks/examples/handover.yaml", "loyaltyco", ["--parts", "2"]);
        assert.strictEqual(r.code, 0, r.err);
        // loyaltyco's root is acme-files; its prefix, unset, is its name in upper case.
        assert.strictEqual(r.out, "acme-files/2026-11-23/LOYALTYCO_offers_20261123_1795420800_1of2.jsonl\nacme-files/2026-11-23/LOYALTYCO_offers_20261123_1795420800_2of2.jsonl\n");
    });

    it("checks keys against the link: another link's prefix is invalid there", async () => {
        const keys = ["acme-bank/2026-11-23/CDLX_offers_20261123_1795420800_1of1.jsonl", "acme-bank/2026-11-23/EUROLINK_offers_20261123_1795420800_1of1.jsonl"];
        const cdlx = await keyInProcess(["check", "--config", "stacks/examples/mixed-encryption.yaml", "--counterpart", "cdlx", ...keys]);
        assert.strictEqual(cdlx.code, 1, cdlx.err);
        assert.strictEqual(cdlx.out, `invalid: file name must start with the link's prefix "CDLX_", got "EUROLINK_offers_20261123_1795420800_1of1.jsonl" in "${keys[1]}"\n`);
        const eurolink = await keyInProcess(["check", "--config", "stacks/examples/mixed-encryption.yaml", "--counterpart", "eurolink", keys[1]]);
        assert.strictEqual(eurolink.code, 0, eurolink.out + eurolink.err);
    });

    it("takes the entry's own fileNamePrefix over the default", async () => {
        const r = await buildFor(stackWithPartner("northwind.yaml", "northwind-loyalty", "      fileNamePrefix: NWL\n"), "northwind-loyalty", ["--part", "1", "--of", "1"]);
        assert.strictEqual(r.code, 0, r.err);
        assert.strictEqual(r.out, "acme-bank/2026-11-23/NWL_offers_20261123_1795420800_1of1.jsonl\n");
    });

    it("a stack file with a config error exits 2 naming the file, the key and the fix", async () => {
        const file = stackWithPartner("bad.yaml", "cdlx", "      fileNamePrefix: cdlx_\n");
        const r = await keyInProcess(["check", "--config", file, "--counterpart", "cdlx", key(1, 1)]);
        assert.strictEqual(r.code, 2, r.err);
        assert.match(r.err, /bad\.yaml:9: s3-transfer:partners\[0\]\.fileNamePrefix: must not contain "_"/);
        assert.match(
            r.err,
            /fix: pulumi config set --config-file \S+bad\.yaml --path 's3-transfer:partners\[0\]\.fileNamePrefix' <the prefix the partner's guide gives its files, e\.g\. CDLX>/,
        );
    });
});
