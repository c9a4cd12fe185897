/** The config model: messages in the project's voice, "did you mean", account IDs stored as numbers, and the pass-through settings. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../../infra/config/errors";
import { didYouMean, KNOWN_KEYS, PASS_THROUGH_KEYS, passThroughSettings, TOP_LEVEL_KEYS } from "../../../infra/config/keys";
import { parseSideConfig } from "../../../infra/config/schema";
import { loadStackFile } from "../../../infra/config/stack-file";

const base: Record<string, string> = {
    "aws:region": "us-east-1",
    "s3-transfer:side": "publisher",
    "s3-transfer:name": "acme-bank",
    "s3-transfer:accountId": "111122223333",
    "s3-transfer:partners": JSON.stringify([{ name: "cdlx", accountId: "444455556666" }]),
};

function problemsOf(raw: Record<string, string>): { key: string; problem: string; fix: string }[] {
    try {
        parseSideConfig(raw, "prod");
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.problems;
    }
    return assert.fail("expected the config to be rejected");
}

/** A stack file as a user writes it, read the way the offline tools and Pulumi hand it to the program. */
function fromYaml(yaml: string): Record<string, string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-keys-"));
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, yaml);
    return loadStackFile(file).config;
}

describe("config model", () => {
    it("answers a misspelt key with the one it meant", () => {
        const [found] = problemsOf({ ...base, "s3-transfer:acountId": "111122223333" });
        assert.strictEqual(found.key, "s3-transfer:acountId");
        assert.match(found.problem, /is not a setting of this program; did you mean s3-transfer:accountId\?/);
        assert.match(found.fix, /^pulumi config rm s3-transfer:acountId && pulumi config set s3-transfer:accountId/);
        assert.strictEqual(didYouMean("transfer:ENCRYPTION", KNOWN_KEYS), "s3-transfer:encryption");
        assert.strictEqual(didYouMean("s3-transfer:colour", KNOWN_KEYS), undefined);
    });

    it("answers a misspelt entry field at the field, with the field it meant and a fix that renames that field", () => {
        const [found, unknown] = problemsOf({ ...base, "s3-transfer:partners": JSON.stringify([{ name: "cdlx", acountId: "444455556666", colour: "blue" }]) });
        assert.deepStrictEqual(found, {
            key: "s3-transfer:partners[0].acountId",
            problem: "is not a field of a partner entry; did you mean accountId?",
            fix: "rename acountId to accountId in Pulumi.prod.yaml (or: pulumi config rm --path 's3-transfer:partners[0].acountId' && pulumi config set --path 's3-transfer:partners[0].accountId' <value>)",
        });
        assert.strictEqual(unknown.key, "s3-transfer:partners[0].colour");
        assert.match(unknown.problem, /^is not a field of a partner entry \(its fields: name, stack, /);
        assert.strictEqual(unknown.fix, "remove colour from s3-transfer:partners[0] in Pulumi.prod.yaml (or: pulumi config rm --path 's3-transfer:partners[0].colour')");
    });

    it("speaks in the project's voice, not the validator's", () => {
        const problems = problemsOf({ ...base, "s3-transfer:partners": JSON.stringify([{ name: 5, accountId: "444455556666", replicatesDeleteMarkers: "yes" }]) });
        assert.deepStrictEqual(
            problems.map((p) => [p.key, p.problem]),
            [
                ["s3-transfer:partners[0].name", "must be text, got the number 5"],
                ["s3-transfer:partners[0].replicatesDeleteMarkers", 'must be true or false, got "yes"'],
            ],
        );
        for (const p of problems) assert.doesNotMatch(p.problem, /Invalid input|expected .*, received/);
    });

    it("reads a 12-digit account ID stored as a YAML or --path number as text", () => {
        const raw = fromYaml(
            [
                "config:",
                "  aws:region: us-east-1",
                "  s3-transfer:side: publisher",
                "  s3-transfer:name: acme-bank",
                "  s3-transfer:accountId: 111122223333",
                "  s3-transfer:partners:",
                "    - name: cdlx",
                "      accountId: 444455556666",
            ].join("\n"),
        );
        const config = parseSideConfig(raw, "prod");
        assert.strictEqual(config.accountId, "111122223333");
        assert.deepStrictEqual(config.counterparts[0].source, {
            kind: "handover",
            accountId: "444455556666",
            region: undefined,
            ingressBucketArn: undefined,
            replicationRoleArn: undefined,
            ingressKmsKeyArn: undefined,
            replicatesDeleteMarkers: false,
        });
    });

    it("reads an unquoted account ID as Pulumi does, a YAML number that lost its zero, top-level and in a list entry", () => {
        // Pulumi decodes the stack file with go-yaml v3 into Go values and hands a top-level number over as its JSON text
        // (sdk/go/common/resource/config/object.go, MarshalString): the real CLI's `pulumi config get` shows
        // 12345678901 for an unquoted 012345678901 (tests/engine/config.test.ts checks it). Inside a list the value is JSON.
        const raw = fromYaml(
            [
                "config:",
                "  aws:region: us-east-1",
                "  s3-transfer:side: publisher",
                "  s3-transfer:name: acme-bank",
                "  s3-transfer:accountId: 012345678901",
                "  s3-transfer:partners:",
                "    - name: cdlx",
                // Digits 8 or 9 keep it from being read as octal, as 044455556666 would be (4910931382).
                "      accountId: 044455556688",
            ].join("\n"),
        );
        assert.strictEqual(raw["s3-transfer:accountId"], "12345678901");
        const problems = problemsOf(raw);
        assert.deepStrictEqual(
            problems.map((p) => p.key),
            ["s3-transfer:accountId", "s3-transfer:partners[0].accountId"],
        );
        assert.match(
            problems[0].problem,
            /got "12345678901" \(11 digits\): digits are missing; if the stack file has it without quotes, YAML read it as a number \(dropping leading zeros, and reading 0 followed by digits 0-7 as octal\): write the ID in quotes as the account shows it$/,
        );
        assert.match(problems[1].problem, /got 44455556688 \(11 digits, written without quotes\).*probably 044455556688; write it in quotes/);
        // pulumi config set --path keeps digits with a leading zero as text (sdk/go/common/resource/config/object.go).
        assert.strictEqual(
            problems[1].fix,
            `write it quoted in Pulumi.prod.yaml: accountId: "044455556688"   (or: pulumi config set --path 's3-transfer:partners[0].accountId' 044455556688, which stores text)`,
        );
    });

    it("says an 11-digit account ID in text has 11 digits, hints at the quotes, and offers no other number", () => {
        const problems = problemsOf({
            ...base,
            "s3-transfer:accountId": "11112222333",
            "s3-transfer:partners": JSON.stringify([{ name: "cdlx", accountId: "44445555666" }]),
        });
        assert.deepStrictEqual(
            problems.map((p) => [p.key, p.problem, p.fix]),
            [
                [
                    "s3-transfer:accountId",
                    'must be a 12-digit AWS account ID, got "11112222333" (11 digits): digits are missing; if the stack file has it without quotes, YAML read it as a number (dropping leading zeros, and reading 0 followed by digits 0-7 as octal): write the ID in quotes as the account shows it',
                    "pulumi config set s3-transfer:accountId <12-digit ID of the account this stack deploys to>",
                ],
                [
                    "s3-transfer:partners[0].accountId",
                    'must be a 12-digit AWS account ID, got "44445555666" (11 digits): digits are missing; if the stack file has it without quotes, YAML read it as a number (dropping leading zeros, and reading 0 followed by digits 0-7 as octal): write the ID in quotes as the account shows it',
                    "pulumi config set --path 's3-transfer:partners[0].accountId' <the counterpart's 12-digit AWS account ID>",
                ],
            ],
        );
    });

    it("hints at the quotes for a top-level ID that YAML read as octal (it reaches the program as text of 10 digits)", () => {
        // An unquoted top-level 012345670123 reaches the program as the text "1402433619" (infra/config/stack-file.ts).
        const problems = problemsOf({ ...base, "s3-transfer:accountId": "1402433619" });
        assert.strictEqual(problems[0].key, "s3-transfer:accountId");
        assert.match(
            problems[0].problem,
            /got "1402433619" \(10 digits\): digits are missing; if the stack file has it without quotes, .*reading 0 followed by digits 0-7 as octal\): write the ID in quotes/,
        );
        assert.doesNotMatch(problems[0].problem + problems[0].fix, /001402433619/);
    });

    it("offers no ID when fewer digits survive: go-yaml takes an unquoted 0 and octal digits for an octal number", () => {
        // An unquoted 012345670123 in a list entry reaches the program as 1402433619 (octal), not as 12345670123.
        const problems = problemsOf({ ...base, "s3-transfer:partners": JSON.stringify([{ name: "cdlx", accountId: 1402433619 }]) });
        assert.strictEqual(problems[0].key, "s3-transfer:partners[0].accountId");
        assert.match(problems[0].problem, /got 1402433619 \(10 digits, written without quotes\).*octal.*write the ID in quotes as the account shows it/);
        assert.doesNotMatch(problems[0].fix, /001402433619/);
    });

    it("passes every pass-through setting to the components as config decided it", () => {
        const config = parseSideConfig({ ...base, "s3-transfer:encryption": "SSE-KMS", "s3-transfer:expirationDays": "90" }, "prod");
        assert.deepStrictEqual(passThroughSettings(config), {
            noncurrentVersionExpirationDays: 30,
            deleteMarkerReplication: false,
            protectBuckets: true,
            replicationTrustConditions: false,
            batchTrustConditions: false,
            encryption: "SSE-KMS",
            expirationDays: 90,
        });
        assert.deepStrictEqual(Object.keys(passThroughSettings(config)).sort(), [...PASS_THROUGH_KEYS].sort());
    });

    it("gives every key a fix and a documentation line", () => {
        for (const spec of TOP_LEVEL_KEYS) {
            assert.ok(spec.fix.length > 2 && spec.doc.length > 10, spec.key);
        }
    });
});
