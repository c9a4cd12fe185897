/**
 * A stack file's values as Pulumi reads them (infra/config/yaml-values.ts): go-yaml v3's resolution
 * of plain scalars (https://github.com/go-yaml/yaml/blob/v3.0.1/resolve.go) and the text Pulumi hands
 * the program (pulumi/pulumi sdk/go/common/resource/config/object.go, MarshalString). Each expected
 * value is what the real CLI printed for the same line (tests/helpers/yaml-scalars.ts); the engine
 * tier holds the table to the CLI again wherever one is present (tests/engine/config.test.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isConfigError } from "../../../infra/config/errors";
import { loadStackFile } from "../../../infra/config/stack-file";
import { goYamlPlainScalar, pulumiConfigText } from "../../../infra/config/yaml-values";
import { SEEN_FROM_THE_CLI } from "../../helpers/yaml-scalars";

function stackFileWith(lines: string[]): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "yaml-values-")), "Pulumi.dev.yaml");
    fs.writeFileSync(file, ["config:", ...lines].join("\n"));
    return file;
}

describe("stack file values as Pulumi reads them (go-yaml v3)", () => {
    for (const [written, shown] of SEEN_FROM_THE_CLI) {
        it(`an unquoted ${written} reaches the program as ${JSON.stringify(shown)}`, () => {
            assert.strictEqual(pulumiConfigText(goYamlPlainScalar(written)), shown);
            assert.strictEqual(loadStackFile(stackFileWith([`  s3-transfer:key: ${written}`])).config["s3-transfer:key"], shown);
        });
    }

    it("quoted and block scalars are text as written; inside a list the same resolution applies, as JSON with sorted keys", () => {
        const { config, structured } = loadStackFile(
            stackFileWith(['  s3-transfer:quoted: "012345678901"', "  s3-transfer:list:", "    - zeta: 0123", "      alpha: '0123'", "      flag: True", "      none:"]),
        );
        assert.strictEqual(config["s3-transfer:quoted"], "012345678901");
        assert.strictEqual(config["s3-transfer:list"], '[{"alpha":"0123","flag":true,"none":null,"zeta":83}]');
        assert.deepStrictEqual(structured, ["s3-transfer:list"]);
    });

    it("refuses .inf and .nan, which Pulumi's reader cannot turn into JSON (it fails the whole file), naming the key", () => {
        for (const value of [".inf", "-.Inf", ".nan"]) {
            assert.throws(
                () => loadStackFile(stackFileWith(["  s3-transfer:name: x", `  s3-transfer:logRetentionDays: ${value}`])),
                (err: unknown) =>
                    isConfigError(err) && err.problems[0].key === "s3-transfer:logRetentionDays" && /json: unsupported value: [+-]?(Inf|NaN)/.test(err.problems[0].problem),
            );
        }
    });
});
