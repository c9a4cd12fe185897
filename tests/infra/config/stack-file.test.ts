/**
 * Bad stack files end in a ConfigError naming the file, the line, the key and
 * the fix (exit 2 in every command), never in a stack trace.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isConfigError } from "../../../infra/config/errors";
import { keyPath, loadStackFile, locateProblems } from "../../../infra/config/stack-file";
import { parseSideConfig } from "../../../infra/config/schema";

describe("stack files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };
    const problemOf = (load: () => unknown) => {
        try {
            load();
        } catch (err) {
            assert.ok(isConfigError(err), `expected a ConfigError, got ${String(err)}`);
            assert.strictEqual(err.problems.length, 1, err.message);
            return err.problems[0];
        }
        return assert.fail("expected the file to be rejected");
    };

    it("reads config into the flat map Pulumi hands a program, objects as JSON with sorted keys (Go's encoding/json)", () => {
        const file = write("ok.yaml", 'config:\n  aws:region: us-east-1\n  s3-transfer:partners:\n    - name: cdlx\n      accountId: "444455556666"\n');
        const loaded = loadStackFile(file);
        assert.deepStrictEqual(loaded.config, { "aws:region": "us-east-1", "s3-transfer:partners": JSON.stringify([{ accountId: "444455556666", name: "cdlx" }]) });
        assert.strictEqual(loaded.lineOf("s3-transfer:partners[0].accountId"), 5);
        assert.strictEqual(loaded.lineOf("s3-transfer:partners[0].missing"), 4, "a key that is not written falls back to its entry");
    });

    it("names a duplicate key with its line (YAML forbids it; Pulumi refuses the file)", () => {
        const p = problemOf(() => loadStackFile(write("dup.yaml", "config:\n  aws:region: us-east-1\n  s3-transfer:name: acme-bank\n  s3-transfer:name: other\n")));
        assert.deepStrictEqual([p.key, p.line, p.file], ["s3-transfer:name", 4, path.join(dir, "dup.yaml")]);
        assert.match(p.problem, /set twice/);
        assert.match(p.fix, /keep one of the two "s3-transfer:name" entries/);
    });

    it("names a YAML syntax error with its line and the nearest key", () => {
        const p = problemOf(() => loadStackFile(write("syntax.yaml", 'config:\n  aws:region: us-east-1\n  s3-transfer:side: "publisher\n')));
        assert.strictEqual(p.key, "s3-transfer:side");
        assert.ok(p.line && p.line >= 3, `line ${p.line}`);
        assert.match(p.problem, /is not valid YAML/);
    });

    it("names every secure: value, also inside a list, with its line", () => {
        const file = write(
            "secret.yaml",
            "config:\n  s3-transfer:accountId:\n    secure: AAABAHx\n  s3-transfer:alertSubscriptions:\n    - protocol: email\n      endpoint:\n        secure: AAABAHy\n",
        );
        try {
            loadStackFile(file);
            assert.fail("expected a ConfigError");
        } catch (err) {
            assert.ok(isConfigError(err));
            assert.deepStrictEqual(
                err.problems.map((p) => [p.key, p.line]),
                [
                    ["s3-transfer:accountId", 2],
                    ["s3-transfer:alertSubscriptions[0].endpoint", 6],
                ],
            );
            assert.match(err.problems[0].fix, /pulumi config set --path 's3-transfer:accountId' <value> {3}\(without --secret\)/);
        }
    });

    it("names a missing --config file and says what to give instead", () => {
        const p = problemOf(() => loadStackFile(path.join(dir, "nope.yaml"), "--config"));
        assert.strictEqual(p.key, "--config");
        assert.match(p.problem, /nope\.yaml does not exist/);
        assert.match(p.fix, /give --config the path of an existing stack file/);
    });

    it("rejects a file whose config is not a mapping", () => {
        const p = problemOf(() => loadStackFile(write("list.yaml", "config:\n  - aws:region\n")));
        assert.deepStrictEqual([p.key, p.line], ["config", 2]);
    });

    it("locates the problems of config validation at their keys in the file", () => {
        const file = write(
            "bad.yaml",
            'config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:name: acme-bank\n  s3-transfer:accountId: "12345"\n  s3-transfer:partners:\n    - name: cdlx\n      accountId: "444455556666"\n      replicationRoleArn: arn:aws-cn:iam::444455556666:role/r\n',
        );
        const loaded = loadStackFile(file);
        let located: unknown;
        try {
            parseSideConfig(loaded.config, "bad");
        } catch (err) {
            located = locateProblems(err, loaded);
        }
        assert.ok(isConfigError(located));
        assert.deepStrictEqual(
            located.problems.map((p) => [p.key, p.line]),
            [
                ["s3-transfer:accountId", 5],
                ["s3-transfer:partners[0].replicationRoleArn", 9],
            ],
        );
        assert.match(located.message, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:5: s3-transfer:accountId: must be a 12-digit`));
    });

    it("splits config key paths", () => assert.deepStrictEqual(keyPath("s3-transfer:partners[12].accountId"), ["s3-transfer:partners", 12, "accountId"]));
});
