/** The file-naming convention: every rejection reason by example, and the grammar's invariants by property. */
import * as assert from "assert";
import fc from "fast-check";
import {
    batchKeys,
    buildFileKey,
    defaultFileNamePrefix,
    FileKeyPartError,
    FileKeyParts,
    fileKeyPrefix,
    fileNamePrefixProblem,
    MAX_EPOCH,
    MAX_PART_COUNT,
    MIN_EPOCH,
    parseFileKey,
} from "../../../infra/naming/file-key";

const KEY = "acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_1of2.jsonl";
const PARTS: FileKeyParts = { root: "acme-bank", prefix: "CDLX", fileType: "transactions", date: "2026-11-23", epoch: 1795420800, part: 1, partCount: 2 };

function reasonOf(key: string, options?: { root?: string; prefix?: string }): string {
    const result = parseFileKey(key, options);
    assert.ok(!result.ok, `expected ${JSON.stringify(key)} to be rejected, parsed as ${JSON.stringify(result.ok && result.parts)}`);
    return result.reason;
}

/** How a reason quotes its key: whole, unless it is too long to read anyway. */
function quoted(key: string): string {
    return JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key);
}

/** The reason must say what is wrong and quote the key, so a log line stands on its own. */
function assertRejected(key: string, problem: RegExp, options?: { root?: string; prefix?: string }): void {
    const reason = reasonOf(key, options);
    assert.match(reason, problem);
    assert.ok(reason.endsWith(` in ${quoted(key)}`), reason);
}

/** The example key with one file-name field replaced. */
function withField(index: number, value: string): string {
    const fields = "CDLX_transactions_20261123_1795420800_1of2".split("_");
    fields[index] = value;
    return `acme-bank/2026-11-23/${fields.join("_")}.jsonl`;
}

function buildError(overrides: Partial<FileKeyParts>): FileKeyPartError {
    try {
        buildFileKey({ ...PARTS, ...overrides });
    } catch (err) {
        assert.ok(err instanceof FileKeyPartError, String(err));
        return err;
    }
    assert.fail(`expected ${JSON.stringify(overrides)} to be refused`);
}

describe("file key: the file-name prefix is the link's", () => {
    it("builds and reads another link's prefix as CDLX's", () => {
        const key = buildFileKey({ ...PARTS, prefix: "NORTHWIND-LOYALTY" });
        assert.strictEqual(key, "acme-bank/2026-11-23/NORTHWIND-LOYALTY_transactions_20261123_1795420800_1of2.jsonl");
        assert.deepStrictEqual(parseFileKey(key), { ok: true, parts: { ...PARTS, prefix: "NORTHWIND-LOYALTY" } });
        assert.deepStrictEqual(parseFileKey(key, { prefix: "NORTHWIND-LOYALTY" }), { ok: true, parts: { ...PARTS, prefix: "NORTHWIND-LOYALTY" } });
        assertRejected(key, /^file name must start with the link's prefix "CDLX_", got "NORTHWIND-LOYALTY_transactions_/, { prefix: "CDLX" });
    });

    it("defaults to the partner's name in upper case, which is CDLX for cdlx", () => {
        assert.strictEqual(defaultFileNamePrefix("cdlx"), "CDLX");
        assert.strictEqual(defaultFileNamePrefix("northwind-loyalty"), "NORTHWIND-LOYALTY");
        // Every party name (lowercase, digits, single hyphens, 2-32) gives a valid prefix.
        fc.assert(
            fc.property(fc.stringMatching(/^[a-z][a-z0-9]{0,14}(-[a-z0-9]{1,7}){0,2}$/), (name) =>
                assert.strictEqual(fileNamePrefixProblem(defaultFileNamePrefix(name)), undefined),
            ),
            RUNS,
        );
    });

    it("refuses a prefix that is not upper case, has a separator or is too long, in build and as a parse option", () => {
        for (const [prefix, problem] of [
            ["cdlx", /^must be upper-case letters, digits and single hyphens/],
            ["CDLX_EU", /^must not contain "_" \(it separates the fields of the file name\)/],
            ["CDLX-", /^must be upper-case letters/],
            ["1CDLX", /^must be upper-case letters/],
            ["C".repeat(33), /^must be at most 32 characters \(has 33\)/],
        ] as const) {
            assert.match(fileNamePrefixProblem(prefix) ?? "", problem, prefix);
            assert.match(buildError({ prefix }).problem, problem, prefix);
            assert.strictEqual(buildError({ prefix }).field, "prefix");
            assert.throws(() => parseFileKey(KEY, { prefix }), FileKeyPartError);
        }
    });
});

describe("file key: examples", () => {
    it("builds and parses the guide's example", () => {
        assert.strictEqual(buildFileKey(PARTS), KEY);
        assert.deepStrictEqual(parseFileKey(KEY), { ok: true, parts: PARTS });
        assert.deepStrictEqual(parseFileKey(KEY, { root: "acme-bank" }), { ok: true, parts: PARTS });
        assert.strictEqual(fileKeyPrefix("acme-bank"), "acme-bank/");
    });

    it("takes every path segment before the date folder as the root, and matches --root exactly", () => {
        const key = "acme-bank/outbound/2026-11-23/CDLX_transactions_20261123_1795420800_1of2.jsonl";
        assert.deepStrictEqual(parseFileKey(key), { ok: true, parts: { ...PARTS, root: "acme-bank/outbound" } });
        assert.deepStrictEqual(parseFileKey(key, { root: "acme-bank/outbound" }), { ok: true, parts: { ...PARTS, root: "acme-bank/outbound" } });
        assertRejected(key, /expected "acme-bank\/" then \{YYYY-MM-DD\}\/<file name>, found 3 path segment\(s\) after the root/, { root: "acme-bank" });
        assertRejected(KEY, /key does not start with the root prefix "acme-ban\/"/, { root: "acme-ban" });
        assertRejected(KEY, /key does not start with the root prefix "Acme-Bank\/"/, { root: "Acme-Bank" });
    });

    it("accepts leap days and does not tie the epoch to the date", () => {
        assert.ok(parseFileKey("r/2024-02-29/CDLX_t_20240229_1709164800_1of1.jsonl").ok);
        assert.ok(parseFileKey("r/2000-02-29/CDLX_t_20000229_946684800_1of1.jsonl").ok);
        // Produced a year before its date, as in the brief's example: the guide sets no order (docs/file-naming.md).
        assert.ok(parseFileKey("acme-bank/2026-11-23/CDLX_transactions_20261123_1763856000_1of2.jsonl").ok);
    });

    it("accepts the bounds of every numeric field", () => {
        assert.ok(parseFileKey(`r/2000-01-01/CDLX_t_20000101_${MIN_EPOCH}_1of1.jsonl`).ok);
        assert.ok(parseFileKey(`r/2099-12-31/CDLX_t_20991231_${MAX_EPOCH}_${MAX_PART_COUNT}of${MAX_PART_COUNT}.jsonl`).ok);
        assert.ok(parseFileKey(`r/2026-11-23/CDLX_a-1-b_20261123_1795420800_1of1.jsonl`).ok);
        assert.ok(parseFileKey(`r/2026-11-23/CDLX_${"a".repeat(64)}_20261123_1795420800_1of1.jsonl`).ok);
    });

    it("rejects keys of the wrong shape", () => {
        assertRejected("x".repeat(1025), /key is 1025 bytes long; S3 keys are at most 1024/);
        assertRejected(`acme-bank/${"é".repeat(500)}/CDLX_transactions_20261123_1795420800_1of2.jsonl`, /key is 1\d{3} bytes long/);
        assertRejected("2026-11-23/CDLX_transactions_20261123_1795420800_1of2.jsonl", /found 2 path segment\(s\) \(the root is missing/);
        assertRejected("", /found 1 path segment\(s\)/);
        assertRejected("acme-bank/2026-11-23/", /key ends with "\/"/);
        assertRejected("acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_1of2.json", /file name must end with "\.jsonl", got "CDLX_/);
        assertRejected("acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_1of2.JSONL", /must end with "\.jsonl"/);
        assertRejected("acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_1of2.jsonl.gz", /must end with "\.jsonl"/);
        assertRejected("acme-bank/2026-11-23/cdlx_transactions_20261123_1795420800_1of2.jsonl", /file name must start with the link's prefix "CDLX_"/, { prefix: "CDLX" });
        assertRejected("acme-bank/2026-11-23/transactions_20261123_1795420800_1of2.jsonl", /file name must start with the link's prefix "CDLX_"/, { prefix: "CDLX" });
        assertRejected(
            "acme-bank/2026-11-23/cdlx_transactions_20261123_1795420800_1of2.jsonl",
            /^file name prefix must be upper-case letters, digits and single hyphens.*got "cdlx"/,
        );
        assertRejected("acme-bank/2026-11-23/transactions_20261123_1795420800_1of2.jsonl", /^file name prefix must be upper-case letters.*got "transactions"/);
        assertRejected("acme-bank/2026-11-23/CDLX_transactions_20261123_1of2.jsonl", /file name must have 5 "_"-separated fields .*, found 4/);
        assertRejected("acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_1of2_x.jsonl", /must have 5 "_"-separated fields .*, found 6/);
    });

    it("rejects a bad root", () => {
        assertRejected("acme bank/2026-11-23/CDLX_transactions_20261123_1795420800_1of2.jsonl", /^root must be one or more S3-safe path segments/);
        assertRejected("/acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_1of2.jsonl", /^root must be one or more S3-safe path segments .*got "\/acme-bank"/);
        assertRejected("acme-bank//2026-11-23/CDLX_transactions_20261123_1795420800_1of2.jsonl", /^root must be one or more S3-safe path segments/);
        assertRejected("acme-bank/../2026-11-23/CDLX_transactions_20261123_1795420800_1of2.jsonl", /^root must not contain "\." or "\.\." segments/);
        assert.throws(() => parseFileKey(KEY, { root: "acme-bank/" }), /invalid root: must be one or more S3-safe path segments/);
    });

    it("rejects a bad date folder", () => {
        assertRejected("acme-bank/20261123/CDLX_transactions_20261123_1795420800_1of2.jsonl", /^date folder must be YYYY-MM-DD, got "20261123"/);
        assertRejected("acme-bank/2026-02-30/CDLX_transactions_20260230_1795420800_1of2.jsonl", /^date folder "2026-02-30" is not a calendar date \(February 2026 has 28 days\)/);
        assertRejected("acme-bank/2100-02-29/CDLX_transactions_21000229_1795420800_1of2.jsonl", /February 2100 has 28 days/);
        assertRejected("acme-bank/2026-13-01/CDLX_transactions_20261301_1795420800_1of2.jsonl", /^date folder "2026-13-01" is not a calendar date \(month 13\)/);
        assertRejected("acme-bank/2026-04-00/CDLX_transactions_20260400_1795420800_1of2.jsonl", /April 2026 has 30 days/);
        assertRejected("acme-bank/1999-12-31/CDLX_transactions_19991231_1795420800_1of2.jsonl", /^date folder "1999-12-31" is outside 2000-01-01\.\.2099-12-31/);
    });

    it("rejects a bad file-type", () => {
        assertRejected("acme-bank/2026-11-23/CDLX_card_txn_20261123_1795420800_1of2.jsonl", /^file-type "card_txn" must not contain "_"/);
        for (const bad of ["Transactions", "1transactions", "-x", "x-", "a--b", "tx.v2", "tx n", ""]) {
            assertRejected(withField(1, bad), /^file-type must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen/);
        }
        assertRejected(withField(1, "a".repeat(65)), /^file-type must be at most 64 characters \(has 65\)/);
    });

    it("rejects a bad date in the file name", () => {
        assertRejected(withField(2, "2026-11-23"), /^date in the file name must be YYYYMMDD, got "2026-11-23"/);
        assertRejected(withField(2, "261123"), /must be YYYYMMDD/);
        assertRejected(
            "acme-bank/2026-11-23/CDLX_transactions_20261131_1795420800_1of2.jsonl",
            /^date in the file name "20261131" is not a calendar date \(November 2026 has 30 days\)/,
        );
        assertRejected(withField(2, "20261124"), /^date in the file name "20261124" differs from the date folder "2026-11-23"/);
    });

    it("rejects a bad epoch", () => {
        assertRejected(withField(3, "17954208O0"), /^epoch must be digits only, got "17954208O0"/);
        assertRejected(withField(3, "-1"), /^epoch must be digits only/);
        assertRejected(withField(3, "01795420800"), /^epoch must not have leading zeros, got "01795420800"/);
        assertRejected(withField(3, String(MIN_EPOCH - 1)), /^epoch 946684799 is before 2000-01-01T00:00:00Z/);
        assertRejected(withField(3, String(MAX_EPOCH + 1)), /^epoch 4102444800 is after 2099-12-31T23:59:59Z \(4102444799\) in/);
        assertRejected(withField(3, "1795420800000"), /^epoch 1795420800000 is after .* \(milliseconds\? <epoch> is in seconds\)/);
        assertRejected(withField(3, "9".repeat(400)), new RegExp(`^epoch ${"9".repeat(400)} is after`));
    });

    it("rejects a bad part", () => {
        assertRejected(withField(4, "1-2"), /^part must be <i>of<n> such as 1of2, got "1-2"/);
        assertRejected(withField(4, "1OF2"), /^part must be <i>of<n>/);
        assertRejected(withField(4, "of2"), /^part must be <i>of<n>/);
        assertRejected(withField(4, "01of2"), /^part index must not have leading zeros, got "01"/);
        assertRejected(withField(4, "1of02"), /^part count must not have leading zeros, got "02"/);
        assertRejected(withField(4, "0of2"), /^part index must be a whole number of at least 1, got 0/);
        assertRejected(withField(4, "1of0"), /^part count must be a whole number of at least 1, got 0/);
        assertRejected(withField(4, "3of2"), /^part index 3 exceeds part count 2 in "acme-bank\/2026-11-23\/CDLX_transactions_20261123_1795420800_3of2\.jsonl"$/);
        assertRejected(withField(4, "1of10001"), /^part count 10001 exceeds the maximum 10000/);
        assertRejected(withField(4, `1of${"9".repeat(30)}`), new RegExp(`^part count ${"9".repeat(30)} exceeds the maximum`));
    });

    it("quotes a key with control characters escaped, and a huge one cut short", () => {
        const reason = reasonOf("acme-bank/2026-11-23/\u001b[2J.jsonl");
        assert.ok(reason.includes("\\u001b[2J") && !reason.includes("\u001b"), reason);
        assert.strictEqual(reasonOf("x".repeat(5000)), `key is 5000 bytes long; S3 keys are at most 1024 in "${"x".repeat(200)}…"`);
    });

    it("refuses to build from a bad part, naming the field", () => {
        const cases: [Partial<FileKeyParts>, keyof FileKeyParts, RegExp][] = [
            [{ root: "acme-bank/" }, "root", /without leading or trailing "\/"/],
            [{ root: "a/./b" }, "root", /must not contain "\." or "\.\." segments/],
            [{ fileType: "card_txn" }, "fileType", /must not contain "_"/],
            [{ fileType: "Tx" }, "fileType", /lowercase/],
            [{ date: "2026-02-29" }, "date", /February 2026 has 28 days/],
            [{ date: "20261123" }, "date", /must be YYYY-MM-DD/],
            [{ epoch: 1795420800.5 }, "epoch", /whole number of Unix seconds/],
            [{ epoch: Number.NaN }, "epoch", /whole number of Unix seconds/],
            [{ epoch: 1795420800000 }, "epoch", /milliseconds\?/],
            [{ epoch: MIN_EPOCH - 1 }, "epoch", /before 2000-01-01/],
            [{ part: 0 }, "part", /at least 1, got 0/],
            [{ part: 3 }, "part", /part index 3 exceeds part count 2/],
            [{ part: 1.5 }, "part", /whole number/],
            [{ partCount: 0, part: 1 }, "partCount", /at least 1/],
            [{ partCount: MAX_PART_COUNT + 1 }, "partCount", /exceeds the maximum 10000/],
        ];
        for (const [overrides, field, problem] of cases) {
            const err = buildError(overrides);
            assert.strictEqual(err.field, field, `${JSON.stringify(overrides)}: ${err.message}`);
            assert.match(err.message, new RegExp(`^invalid ${field}: `));
            assert.match(err.problem, problem);
        }
        assert.throws(
            () => fileKeyPrefix(".."),
            (err: unknown) => err instanceof FileKeyPartError && err.field === "root",
        );
    });

    it("builds every key of a batch, in part order, with one epoch", () => {
        const { part: _part, ...batch } = PARTS;
        const keys = batchKeys({ ...batch, partCount: 3 });
        assert.deepStrictEqual(
            keys,
            [1, 2, 3].map((i) => `acme-bank/2026-11-23/CDLX_transactions_20261123_1795420800_${i}of3.jsonl`),
        );
        assert.throws(
            () => batchKeys({ ...batch, partCount: 0 }),
            (err: unknown) => err instanceof FileKeyPartError && err.field === "partCount",
        );
        assert.throws(() => batchKeys({ ...batch, partCount: MAX_PART_COUNT + 1 }), /exceeds the maximum/);
    });
});

// --- properties --------------------------------------------------------------

const ROOT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!_.*'()-".split("");
const segment = fc.string({ unit: fc.constantFrom(...ROOT_CHARS), minLength: 1, maxLength: 12 }).filter((s) => s !== "." && s !== "..");
const rootArb = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join("/"));
const fileTypeArb = fc.stringMatching(/^[a-z][a-z0-9]{0,12}(-[a-z0-9]{1,8}){0,3}$/);
const dateArb = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const epochArb = fc.oneof(fc.integer({ min: MIN_EPOCH, max: MAX_EPOCH }), fc.constantFrom(MIN_EPOCH, MAX_EPOCH));
const partsOfArb = fc
    .oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: MAX_PART_COUNT }))
    .chain((partCount) => fc.record({ part: fc.integer({ min: 1, max: partCount }), partCount: fc.constant(partCount) }));
const prefixArb = fc.oneof(fc.constant("CDLX"), fc.stringMatching(/^[A-Z][A-Z0-9]{0,8}(-[A-Z0-9]{1,6}){0,2}$/));
const partsArb: fc.Arbitrary<FileKeyParts> = fc
    .record({ root: rootArb, prefix: prefixArb, fileType: fileTypeArb, date: dateArb, epoch: epochArb, p: partsOfArb })
    .map(({ p, ...rest }) => ({ ...rest, ...p }));
/** Valid keys written out as text, independently of buildFileKey. */
const keyArb = partsArb.map((p) => `${p.root}/${p.date}/${p.prefix}_${p.fileType}_${p.date.split("-").join("")}_${p.epoch}_${p.part}of${p.partCount}.jsonl`);

/** Characters a producer's typo or a corrupted listing could plausibly introduce, plus arbitrary ones. */
const mutationChar = fc.oneof(
    fc.constantFrom(..."0123456789".split("")),
    fc.constantFrom(..."abcxyzABCXYZ0123456789_-./ ".split(""), "CDLX", "of", ".jsonl", "é", "\u0000"),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
);
/** `at` counts from the end half of the time: the file name, where most of the grammar is, is the key's tail. */
type Mutation = { at: number; fromEnd: boolean } & ({ kind: "replace" | "insert"; text: string } | { kind: "delete" | "truncate" });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constantFrom("replace" as const, "insert" as const), at: fc.nat(), fromEnd: fc.boolean(), text: mutationChar }),
    fc.record({ kind: fc.constantFrom("delete" as const, "truncate" as const), at: fc.nat(), fromEnd: fc.boolean() }),
);
function mutate(key: string, m: Mutation): string {
    const positions = key.length + (m.kind === "insert" ? 1 : 0);
    const offset = m.at % Math.min(positions, m.fromEnd ? 50 : positions);
    const at = m.fromEnd ? positions - 1 - offset : offset;
    switch (m.kind) {
        case "replace":
            return key.slice(0, at) + m.text + key.slice(at + 1);
        case "insert":
            return key.slice(0, at) + m.text + key.slice(at);
        case "delete":
            return key.slice(0, at) + key.slice(at + 1);
        case "truncate":
            return key.slice(0, at);
    }
}

const RUNS = { numRuns: 300 };

describe("file key: properties", () => {
    it("build → parse gives back the parts, and the key starts with the replication prefix", () => {
        fc.assert(
            fc.property(partsArb, (parts) => {
                const key = buildFileKey(parts);
                assert.ok(key.startsWith(fileKeyPrefix(parts.root)) && fileKeyPrefix(parts.root) === `${parts.root}/`);
                assert.deepStrictEqual(parseFileKey(key), { ok: true, parts });
                assert.deepStrictEqual(parseFileKey(key, { root: parts.root }), { ok: true, parts });
                assert.deepStrictEqual(parseFileKey(key, { root: parts.root, prefix: parts.prefix }), { ok: true, parts });
            }),
            RUNS,
        );
    });

    it("parse → build gives back the key: every valid key has one spelling", () => {
        fc.assert(
            fc.property(keyArb, (key) => {
                const result = parseFileKey(key);
                assert.ok(result.ok, result.ok ? undefined : result.reason);
                assert.strictEqual(buildFileKey(result.parts), key);
            }),
            RUNS,
        );
    });

    it("a batch has n distinct keys under the root, each parsing to its own part", () => {
        fc.assert(
            fc.property(partsArb, fc.integer({ min: 1, max: 40 }), (parts, partCount) => {
                const keys = batchKeys({ ...parts, partCount });
                assert.strictEqual(new Set(keys).size, partCount);
                keys.forEach((key, i) => {
                    assert.ok(key.startsWith(`${parts.root}/`));
                    assert.deepStrictEqual(parseFileKey(key), { ok: true, parts: { ...parts, part: i + 1, partCount } });
                });
            }),
            { numRuns: 100 },
        );
    });

    it("a one-character mutation or a truncation of a valid key is rejected or parses to other parts", () => {
        fc.assert(
            fc.property(partsArb, mutationArb, (parts, mutation) => {
                const key = buildFileKey(parts);
                const mutated = mutate(key, mutation);
                fc.pre(mutated !== key);
                const result = parseFileKey(mutated);
                if (result.ok) {
                    assert.notDeepStrictEqual(result.parts, parts);
                    assert.strictEqual(buildFileKey(result.parts), mutated);
                } else {
                    assert.ok(result.reason.length > 0 && result.reason.endsWith(` in ${quoted(mutated)}`), result.reason);
                }
            }),
            { numRuns: 1000 },
        );
    });

    it("with a prefix, a key parses only if it parses without one and has exactly that prefix", () => {
        fc.assert(
            fc.property(fc.oneof(prefixArb, fc.constantFrom("CDLX", "CDL", "CDLX-EU")), keyArb, (prefix, key) => {
                const scoped = parseFileKey(key, { prefix });
                const free = parseFileKey(key);
                assert.strictEqual(scoped.ok, free.ok && free.parts.prefix === prefix, `${key} with prefix ${prefix}`);
            }),
            RUNS,
        );
    });

    it("with a root, a key parses only if it parses without one and has exactly that root", () => {
        const rootChoice = fc.oneof(rootArb, fc.constantFrom("acme-bank", "acme-bank/outbound", "acme"));
        const keyChoice = fc.oneof(
            keyArb,
            fc.constantFrom(KEY, "acme-bank/outbound/2026-11-23/CDLX_t_20261123_1795420800_1of1.jsonl", "acme/2026-11-23/CDLX_t_20261123_1795420800_1of1.jsonl"),
        );
        fc.assert(
            fc.property(rootChoice, keyChoice, (root, key) => {
                const scoped = parseFileKey(key, { root });
                const free = parseFileKey(key);
                assert.strictEqual(scoped.ok, free.ok && free.parts.root === root, `${key} with root ${root}`);
                if (scoped.ok) assert.ok(key.startsWith(`${root}/`));
            }),
            RUNS,
        );
    });

    it("never throws on arbitrary strings, and anything accepted is canonical and within S3's limit", () => {
        const keyish = fc.string({ unit: fc.constantFrom(...ROOT_CHARS, "/", "CDLX_", "of", ".jsonl", "2026-11-23", "20261123", "1795420800"), maxLength: 80 });
        // Any code point, lone surrogates included; fast-check's own "binary" unit takes most of a second to set up.
        const codePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
        const anything = fc.oneof(
            fc.string({ unit: codePoint, maxLength: 200 }),
            fc.string({ unit: "grapheme", maxLength: 200 }),
            keyish,
            fc.string({ minLength: 1000, maxLength: 1100 }),
        );
        fc.assert(
            fc.property(anything, fc.option(rootArb, { nil: undefined }), (text, root) => {
                const result = parseFileKey(text, { root });
                if (result.ok) {
                    assert.strictEqual(buildFileKey(result.parts), text);
                    assert.ok(Buffer.byteLength(text, "utf8") <= 1024);
                } else {
                    assert.strictEqual(typeof result.reason, "string");
                }
            }),
            { numRuns: 1000 },
        );
    });
});
