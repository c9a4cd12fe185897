/**
 * The matrix file's schema: every selector of a template is parsed once, when
 * the file loads, into a typed value for its scope; a bad file is refused
 * with its file, line, key and fix, as a config error (exit 2, no stack trace).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isConfigError } from "../../infra/config/errors";
import { loadExpectedMatrix, MatrixFileError } from "../../tools/access/matrix";
import { GRAMMARS } from "../../tools/access/selectors";

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "access-schema-"));
function write(name: string, text: string): string {
    const file = path.join(TMP, name);
    fs.writeFileSync(file, text);
    return file;
}
function refusal(file: string): MatrixFileError {
    try {
        loadExpectedMatrix(file);
    } catch (err) {
        assert.ok(err instanceof MatrixFileError, `expected a MatrixFileError, got ${String(err)}`);
        assert.ok(isConfigError(err), "the CLI exits 2 on a config error");
        return err;
    }
    assert.fail(`${file} was accepted`);
}

describe("tools/access schema and selectors", () => {
    it("parses every selector of the project's matrix once, per side of a link template", () => {
        const matrix = loadExpectedMatrix();
        const t = matrix.templates.find((x) => x.id === "replicate-into-other-ingress")!;
        assert.deepStrictEqual(
            t.forms.map((f) => f.vars),
            [
                { side: "own", other: "counterpart" },
                { side: "counterpart", other: "own" },
            ],
        );
        assert.deepStrictEqual(t.forms[0].principals, [{ text: "replicationRole({side})", selector: { kind: "replicationRole", side: "own" } }]);
        // The key keeps its placeholders: the subject fills them in.
        assert.deepStrictEqual(t.forms[1].resources[0].selector, { kind: "bucket", bucket: "ingress", side: "own", key: "{root}/{file}" });
        for (const template of matrix.templates) {
            for (const form of template.forms) for (const s of [...form.principals, ...form.resources]) assert.ok(s.selector, `${template.id}: ${s.text}`);
        }
    });

    it("reads each scope's selectors into the same typed union", () => {
        assert.deepStrictEqual(GRAMMARS.link.principal("service(batchoperations.s3.amazonaws.com, own, job(counterpart))"), {
            kind: "service",
            service: "batchoperations.s3.amazonaws.com",
            account: "own",
            source: { kind: "job", side: "counterpart" },
        });
        assert.deepStrictEqual(GRAMMARS.link.resource("key(ingress(counterpart))"), { kind: "bucketKey", bucket: "ingress", side: "counterpart" });
        assert.deepStrictEqual(GRAMMARS.vendorDrop.principal("admin(vendor)"), { kind: "admin", of: "thirdParty" });
        assert.deepStrictEqual(GRAMMARS.vendorDrop.resource("otherBuckets(own)/a/b"), { kind: "otherBuckets", key: "a/b" });
        assert.deepStrictEqual(GRAMMARS.logBucket.principal("service(cloudtrail.amazonaws.com, unrelated, trail)"), {
            kind: "service",
            service: "cloudtrail.amazonaws.com",
            account: "unrelated",
            source: { kind: "named", name: "trail" },
        });
        // What one scope knows, another refuses.
        assert.strictEqual(GRAMMARS.accessLog.principal("service(cloudtrail.amazonaws.com, own, trail)"), undefined);
        assert.strictEqual(GRAMMARS.vendorDrop.principal("replicationRole(own)"), undefined);
        assert.strictEqual(GRAMMARS.link.resource("replicationRole(own)/key"), undefined);
        assert.strictEqual(GRAMMARS.link.resource("ingress(own)/"), undefined);
        assert.strictEqual(GRAMMARS.link.principal("service(s3.amazonaws.com, own, egress(own)"), undefined);
    });

    it("names the line, key and template of a selector its scope does not know, once for both sides", () => {
        const file = write(
            "selector.yaml",
            [
                "kinds: { trust: t }",
                "templates:",
                "  - id: typo",
                "    kind: trust",
                "    sides: [own, counterpart]",
                '    principals: ["replicationRol({side})"]',
                "    actions: [s3:GetObject]",
                '    resources: ["ingress({other})/{nope}"]',
                "    expected: Allowed",
                "",
            ].join("\n"),
        );
        const err = refusal(file);
        assert.deepStrictEqual(
            err.problems.map((p) => [p.line, p.key]),
            [
                [8, "templates[0].resources[0]"],
                [6, "templates[0].principals[0]"],
            ],
        );
        assert.match(err.problems[0].problem, /^typo: unknown placeholder \{nope\}/);
        assert.match(err.problems[1].problem, /^typo: principal "replicationRol\(\{side\}\)" is not one of replicationRole\(S\)/);
        assert.ok(err.message.startsWith(`Invalid expected matrix ${file} (2 problems):`), err.message);
        assert.ok(err.message.includes(`${file}:6: templates[0].principals[0]`), err.message);
    });

    it("says what a decision may be, on its line", () => {
        const file = write(
            "decision.yaml",
            'kinds: { a: b }\ntemplates:\n  - id: x\n    kind: a\n    principals: [anonymous]\n    actions: [s3:GetObject]\n    resources: ["ingress(own)"]\n    expected: Allowd\n',
        );
        const [problem] = refusal(file).problems;
        assert.strictEqual(problem.key, "templates[0].expected");
        assert.strictEqual(problem.line, 8);
        assert.match(problem.problem, /one of Allowed, ExplicitlyDenied, ImplicitlyDenied, or \{ if/);
    });

    it("refuses a duplicate id, a kind not listed, sides outside a link and via on other actions", () => {
        const file = write(
            "rules.yaml",
            [
                "kinds: { a: b }",
                "templates:",
                '  - { id: x, kind: a, principals: [anonymous], actions: [s3:GetObject], resources: ["ingress(own)"], expected: Allowed }',
                "  - { id: x, kind: c, scope: vendorDrop, sides: [own], principals: [vendor], actions: [s3:GetObject], resources: [drop], via: drop/k, expected: Allowed }",
                "",
            ].join("\n"),
        );
        const problems = refusal(file).problems.map((p) => `${p.line} ${p.key}: ${p.problem}`);
        assert.deepStrictEqual(problems, [
            "4 templates[1].id: x: id appears twice",
            '4 templates[1].kind: x: kind "c" is not listed under kinds',
            "4 templates[1].sides: x: sides applies to link templates only",
            "4 templates[1].via: x: via applies to kms: actions only",
        ]);
    });

    it("refuses an unreadable file and a file that is not YAML as config errors", () => {
        assert.match(refusal(path.join(TMP, "missing.yaml")).message, /missing\.yaml: \(file\): does not exist/);
        assert.match(refusal(write("syntax.yaml", "kinds: [\n")).message, /is not valid YAML/);
    });
});
