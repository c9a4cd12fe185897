/**
 * A stack file's values as Pulumi reads them (infra/config/yaml-values.ts): go-yaml v3's resolution
 * of plain scalars (https://github.com/go-yaml/yaml/blob/v3.0.1/resolve.go) and the text Pulumi hands
 * the program (pulumi/pulumi sdk/go/common/resource/config/object.go, MarshalString). Each expected
 * value is what `pulumi config --json` of the real CLI v3.276.0 printed for the same line; the engine
 * tier compares the two again wherever a CLI is present (tests/engine/config.test.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isConfigError } from "../../../infra/config/errors";
import { loadStackFile } from "../../../infra/config/stack-file";
import { goYamlPlainScalar, pulumiConfigText } from "../../../infra/config/yaml-values";

/** Plain scalar -> the text `pulumi config get` printed for it at the top level. */
const SEEN_FROM_THE_CLI: [string, string][] = [
    ["012345678901", "12345678901"],
    ["0123", "83"],
    ["0o17", "15"],
    ["0x1F", "31"],
    ["-0x1F", "-31"],
    ["0b101", "5"],
    ["1e3", "1000"],
    ["1e+3", "1000"],
    ["1.50", "1.5"],
    ["1.0", "1"],
    ["-0", "0"],
    ["+7", "7"],
    ["007", "7"],
    ["08", "8"],
    ["-012", "-10"],
    ["1_000", "1000"],
    ["0_1", "1"],
    ["0777777777777", "68719476735"],
    ["99999999999999999999", "100000000000000000000"],
    ["100000000000000000000000", "1e+23"],
    ["0.0000001", "1e-7"],
    [".5", "0.5"],
    ["True", "true"],
    ["TRUE", "true"],
    ["yes", "yes"],
    ["on", "on"],
    ["NaN", "NaN"],
    ["12:30", "12:30"],
    ["null", ""],
    ["~", ""],
    ["2001-12-14", "2001-12-14 00:00:00 +0000 UTC"],
    ["2001-12-14T21:59:43.10-05:00", "2001-12-14 21:59:43.1 -0500 -0500"],
];

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
