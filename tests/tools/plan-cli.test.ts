/** `npm run plan` as a user runs it: exit codes, printed tree and outputs, and the export file. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runScript } from "../helpers/cli";
import { fixtureFile } from "../helpers/plans";

function runPlan(args: string[]): { status: number | null; stdout: string; stderr: string } {
    return runScript("plan", args);
}

describe("npm run plan", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("plans prod with its reference resolved, passes the policy pack and writes a stack export", () => {
        const exportFile = path.join(dir, "prod.json");
        const { status, stdout, stderr } = runPlan(["--config", fixtureFile("prod"), "--json", exportFile]);
        assert.strictEqual(status, 0, stderr + stdout);
        assert.match(stdout, /planned referenced stack partner-prod/);
        assert.match(stdout, /aws:s3\/bucketReplicationConfig:BucketReplicationConfig {2}acme-bank-cdlx-egress/);
        assert.match(stdout, /"replicationRoleArn": "arn:aws:iam::111122223333:role\/acme-bank-to-cdlx-replication"/);
        assert.match(stdout, /policy pack: \d+ violation\(s\), 0 mandatory/);
        const exported = JSON.parse(fs.readFileSync(exportFile, "utf8"));
        assert.strictEqual(exported.version, 3);
        const resources = exported.deployment.resources as Record<string, unknown>[];
        assert.ok(resources.length > 20);
        for (const r of resources) {
            for (const field of ["urn", "type", "custom", "inputs", "outputs", "dependencies", "propertyDependencies"]) assert.ok(field in r, `${String(r.urn)} lacks ${field}`);
        }
        const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack") as { outputs: Record<string, unknown> };
        assert.strictEqual(stack.outputs.accountId, "111122223333");
    });

    it("exits 2 with the key and the fix on a config error, before planning anything", () => {
        const bad = path.join(dir, "bad.yaml");
        fs.writeFileSync(
            bad,
            'config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:name: acme-bank\n  s3-transfer:accountId: "12345"\n  s3-transfer:partners:\n    - name: cdlx\n      accountId: "444455556666"\n',
        );
        const { status, stdout, stderr } = runPlan(["--stack", "bad", "--config", bad]);
        assert.strictEqual(status, 2, stderr + stdout);
        assert.match(
            stderr,
            /s3-transfer:accountId: must be a 12-digit AWS account ID, got "12345" \(5 digits\): digits are missing\n\s+fix: pulumi config set --config-file \S+bad\.yaml s3-transfer:accountId/,
        );
        assert.doesNotMatch(stdout, /Plan of stack/);
    });

    describe("bad stack files exit 2 naming the file, the line, the key and the fix, in every command that reads config", () => {
        const bad: Record<string, [string, RegExp]> = {
            "duplicate.yaml": [
                "config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:side: partner\n",
                /duplicate\.yaml:4: s3-transfer:side: is set twice[\s\S]*fix: keep one of the two "s3-transfer:side" entries/,
            ],
            "syntax.yaml": [
                "config:\n  aws:region: us-east-1\n  s3-transfer:partners: [ {name: cdlx\n",
                /syntax\.yaml:\d+: s3-transfer:partners: is not valid YAML[\s\S]*fix: fix the YAML syntax/,
            ],
            "secret.yaml": [
                "config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:accountId:\n    secure: v1:AAAABBBB\n",
                /secret\.yaml:4: s3-transfer:accountId: is an encrypted secret[\s\S]*fix: store it in plain text/,
            ],
        };
        const commands: [string, string[]][] = [
            ["plan", []],
            ["handoff", []],
            ["access", ["--stack", "bad"]],
            ["audit-query", []],
        ];
        const run = (script: string, args: string[]) => {
            const r = runScript(script, args);
            return { status: r.status, out: r.stdout + r.stderr };
        };
        for (const [name, [text, message]] of Object.entries(bad)) {
            it(`npm run plan: ${name}`, () => {
                const file = path.join(dir, name);
                fs.writeFileSync(file, text);
                const { status, out } = run("plan", ["--config", file]);
                assert.strictEqual(status, 2, out);
                assert.match(out, message);
                assert.doesNotMatch(out, /\n\s+at .*\.[jt]s:\d+/, "no stack trace");
            });
        }
        for (const [name, extra] of commands) {
            it(`npm run ${name}: a missing --config file and a duplicate key`, () => {
                const missing = run(name, [...extra, "--config", path.join(dir, "absent.yaml")]);
                assert.strictEqual(missing.status, 2, missing.out);
                assert.match(missing.out, /absent\.yaml/);
                assert.doesNotMatch(missing.out, /\n\s+at .*\.[jt]s:\d+/, "no stack trace");
                const file = path.join(dir, "duplicate.yaml");
                fs.writeFileSync(file, bad["duplicate.yaml"][0]);
                const duplicate = run(name, [...extra, "--config", file]);
                assert.strictEqual(duplicate.status, 2, duplicate.out);
                assert.match(duplicate.out, bad["duplicate.yaml"][1]);
            });
        }
        it("npm run plan: a stack that is not a stack of this project", () => {
            const { status, out } = run("plan", ["--stack", "no-such-stack"]);
            assert.strictEqual(status, 2, out);
            assert.match(out, /--stack: the stack file .*Pulumi\.no-such-stack\.yaml does not exist/);
        });
    });

    it("warns, without refusing, about two counterparts in one account: one company may run two parties", () => {
        const config = path.join(dir, "same-account.yaml");
        fs.writeFileSync(
            config,
            'config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:name: acme-bank\n  s3-transfer:accountId: "111122223333"\n  s3-transfer:partners:\n    - name: cdlx\n      accountId: "444455556666"\n    - name: cdlx-test\n      accountId: "444455556666"\n',
        );
        const { status, stdout, stderr } = runPlan(["--config", config]);
        assert.strictEqual(status, 0, stderr + stdout);
        const warnings = stdout.split("\n").filter((line) => /accountId: .* is in account 444455556666/.test(line));
        assert.deepStrictEqual(warnings, [
            "  - s3-transfer:partners[1].accountId: cdlx-test (s3-transfer:partners[1]) is in account 444455556666, as cdlx (s3-transfer:partners[0]) is: fine when one company runs these parties; otherwise correct the entry that names the wrong account",
        ]);
    });

    it("exits 2 on an unknown option", () => {
        assert.strictEqual(runPlan(["--stak", "prod"]).status, 2);
    });

    it("every command writing a file refuses one it cannot write with exit 2, before any work and without a trace", () => {
        const target = path.join(os.tmpdir(), "no-such-folder-for-s3-transfer", "out.json");
        for (const [script, args] of [
            ["plan", ["--config", fixtureFile("prod"), "--json", target]],
            ["handoff", ["--config", fixtureFile("prod"), "--counterpart", "cdlx", "--format", "json", "--out", target]],
            ["gen-partners", ["--count", "2", "--out", target]],
        ] as const) {
            const r = runScript(script, [...args]);
            assert.strictEqual(r.status, 2, `${script}: ${r.stderr}`);
            assert.match(r.stderr, /no-such-folder-for-s3-transfer\/out\.json: cannot write it \(ENOENT\); fix: name a file in a folder that exists/);
            assert.doesNotMatch(r.stderr, /fingerprint|\n\s+at /, script);
        }
    });
});
