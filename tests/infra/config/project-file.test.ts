/**
 * Pulumi.yaml: the project's name is the config namespace, its `config:`
 * block declares the keys from the config model, and the offline plan applies
 * those declarations as the engine does before a program runs.
 *
 * Sources:
 * - A key without a namespace is the project's: https://www.pulumi.com/docs/iac/concepts/config/
 *   ("Pulumi automatically uses the current project name from Pulumi.yaml as the namespace").
 * - Project-level config declarations (type, description, default, secret; types
 *   string, integer, boolean, array with items):
 *   https://www.pulumi.com/docs/iac/concepts/projects/project-file/ and the schema
 *   https://github.com/pulumi/pulumi/blob/master/sdk/go/common/workspace/project.json
 *   (`simpleConfigType`: no object type; pulumi/pulumi#11321).
 * - The engine applies declared defaults, refuses a stack lacking a declared key
 *   with no default ("Stack '<s>' is missing configuration value '<k>'") and one
 *   whose value is not of the declared type ("... must be of type '<t>'"), strings
 *   parsing as integers and "true"/"false" as booleans:
 *   https://github.com/pulumi/pulumi/blob/master/sdk/go/common/workspace/config.go (mergeConfig,
 *   validateStackConfigValue) and project.go (ValidateConfigValue, Project.Validate).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { isConfigError } from "../../../infra/config/errors";
import { KeySpec, KNOWN_KEYS, LEGACY_NAMESPACE, NAMESPACE, projectConfigDeclarations, TOP_LEVEL_KEYS, undeclaredReason } from "../../../infra/config/keys";
import { applyProjectConfig, loadProjectFile, namespaceProblem, projectFileText } from "../../../infra/config/project-file";
import { parseSideConfig } from "../../../infra/config/schema";
import { loadStackFile } from "../../../infra/config/stack-file";

const ROOT = path.join(__dirname, "..", "..", "..");
const STACK_FILES = fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
const project = loadProjectFile(ROOT);

function problemsOf(run: () => unknown): { key: string; problem: string; fix: string }[] {
    try {
        run();
    } catch (err) {
        if (isConfigError(err)) return err.problems;
        throw err;
    }
    assert.fail("expected a ConfigError");
}

describe("Pulumi.yaml", () => {
    it("names the project after the config namespace, so that a key set without one is this program's", () => {
        assert.strictEqual(namespaceProblem(project), undefined);
        assert.strictEqual(project.name, NAMESPACE);
        assert.match(namespaceProblem({ ...project, name: "transfer" }) ?? "", /pulumi config set side publisher` would write transfer:side/);
    });

    it("declares the config model's keys, as npm run docs:config writes them", () => {
        const text = fs.readFileSync(project.file, "utf8");
        assert.strictEqual(projectFileText(text), text, "run npm run docs:config");
        assert.deepStrictEqual(project.config, projectConfigDeclarations());
    });

    it("declares only what Pulumi's project schema accepts, each default of its declared type", () => {
        for (const [key, declaration] of Object.entries(projectConfigDeclarations())) {
            assert.ok(!key.includes(":"), `${key}: a bare key is the project's`);
            assert.ok(["string", "integer", "boolean"].includes(declaration.type), `${key}: ${declaration.type}`);
            assert.deepStrictEqual(
                Object.keys(declaration).filter((k) => !["type", "description", "default"].includes(k)),
                [],
            );
            if (declaration.default !== undefined) {
                const ofType = { string: "string", integer: "number", boolean: "boolean" }[declaration.type];
                assert.strictEqual(typeof declaration.default, ofType, key);
                if (declaration.type === "integer") assert.ok(Number.isInteger(declaration.default), key);
            }
            assert.ok(declaration.description.length > 10 && !/\]\(|`|\*\*/.test(declaration.description), declaration.description);
        }
    });

    it("declares every key it can, and says why for each it cannot (a list of entries, or an optional key without a constant default)", () => {
        const declared = projectConfigDeclarations();
        for (const spec of TOP_LEVEL_KEYS as readonly KeySpec[]) {
            const reason = undeclaredReason(spec);
            if (spec.key.includes(":")) assert.match(reason ?? "", /provider/);
            else if (spec.type === "array") assert.match(reason ?? "", /list of entries/, spec.key);
            else if (spec.required || ("default" in spec && spec.default !== undefined && typeof spec.default !== "function"))
                assert.ok(declared[spec.key], `${spec.key} should be declared`);
            else assert.match(reason ?? "", /would make a declared key/, spec.key);
        }
        assert.deepStrictEqual(declared.encryption, { type: "string", description: declared.encryption.description, default: "SSE-S3" });
        assert.strictEqual(declared.noncurrentVersionExpirationDays.default, 30);
        assert.strictEqual(declared.side.default, undefined, "side is required: Pulumi refuses a stack without it");
        assert.strictEqual(declared.bucketPrefix, undefined, "a derived default is the program's, not Pulumi's");
    });

    it("quotes words a YAML 1.1 reader would take for booleans (auditTrail's default is the string off)", () => {
        const text = fs.readFileSync(project.file, "utf8");
        assert.match(text, /default: "off"/);
        assert.strictEqual(YAML.parse(text, { version: "1.1" }).config.auditTrail.default, "off");
    });

    it("gives pulumi new a template that asks for the keys every stack needs", () => {
        const template = (YAML.parse(fs.readFileSync(project.file, "utf8")) as { template: { config: Record<string, unknown> } }).template;
        assert.deepStrictEqual(Object.keys(template.config), ["aws:region", "side", "name", "accountId"]);
    });
});

describe("the engine's handling of Pulumi.yaml's declarations, in the offline plan", () => {
    it("every committed stack has every declared key without a default, so Pulumi accepts it", () => {
        for (const file of STACK_FILES) {
            const stack = file.slice("Pulumi.".length, -".yaml".length);
            const loaded = loadStackFile(path.join(ROOT, file));
            assert.doesNotThrow(() => applyProjectConfig(project, stack, loaded.config, loaded.structured), file);
        }
    });

    it("applies a declared default the stack does not set, as text, as the engine hands config to a program", () => {
        const loaded = loadStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
        const merged = applyProjectConfig(project, "prod", loaded.config, loaded.structured);
        assert.strictEqual(loaded.config[`${NAMESPACE}:encryption`], undefined);
        assert.strictEqual(merged[`${NAMESPACE}:encryption`], "SSE-S3");
        assert.strictEqual(merged[`${NAMESPACE}:protectBuckets`], "true");
        assert.strictEqual(merged[`${NAMESPACE}:noncurrentVersionExpirationDays`], loaded.config[`${NAMESPACE}:noncurrentVersionExpirationDays`], "a set value wins");
        assert.deepStrictEqual(parseSideConfig(merged, "prod"), parseSideConfig(loaded.config, "prod"), "the defaults are the model's");
    });

    it("refuses a stack lacking a declared key without a default, in the engine's words and with our fix", () => {
        const [missing] = problemsOf(() =>
            applyProjectConfig(project, "new", { "aws:region": "us-east-1", [`${NAMESPACE}:name`]: "acme", [`${NAMESPACE}:accountId`]: "111122223333" }),
        );
        assert.strictEqual(missing.key, `${NAMESPACE}:side`);
        assert.match(missing.problem, /Stack 'new' is missing configuration value 'side'/);
        assert.match(missing.fix, /pulumi config set s3-transfer:side/);
    });

    it("refuses a value not of the declared type; numbers and booleans given as text are of their type", () => {
        const base = { [`${NAMESPACE}:side`]: "publisher", [`${NAMESPACE}:name`]: "acme", [`${NAMESPACE}:accountId`]: "111122223333" };
        assert.doesNotThrow(() => applyProjectConfig(project, "s", { ...base, [`${NAMESPACE}:logRetentionDays`]: "90", [`${NAMESPACE}:protectBuckets`]: "false" }));
        const [notInteger] = problemsOf(() => applyProjectConfig(project, "s", { ...base, [`${NAMESPACE}:logRetentionDays`]: "90 days" }));
        assert.match(notInteger.problem, /must be of type 'integer'/);
        const [notBoolean] = problemsOf(() => applyProjectConfig(project, "s", { ...base, [`${NAMESPACE}:protectBuckets`]: "yes" }));
        assert.match(notBoolean.problem, /must be of type 'boolean'/);
        const [notString] = problemsOf(() => applyProjectConfig(project, "s", { ...base, [`${NAMESPACE}:encryption`]: '["SSE-KMS"]' }, [`${NAMESPACE}:encryption`]));
        assert.match(notString.problem, /must be of type 'string'/);
    });
});

describe(`keys in the old namespace (${LEGACY_NAMESPACE}:)`, () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "legacy-"));
    const legacy = path.join(tmp, "legacy.yaml");
    fs.writeFileSync(legacy, fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8").replaceAll(`${NAMESPACE}:`, `${LEGACY_NAMESPACE}:`));

    it("are refused as one problem naming every key, its new name, the file and the rename", () => {
        const loaded = loadStackFile(legacy, "--config");
        const problems = problemsOf(() => parseSideConfig(loaded.config, "prod", legacy));
        assert.strictEqual(problems.length, 1, "not also every renamed key as missing");
        assert.strictEqual(problems[0].key, `${LEGACY_NAMESPACE}:side`);
        assert.match(problems[0].problem, /transfer:name.*no longer reads.*s3-transfer:side, s3-transfer:name/);
        assert.ok(problems[0].fix.includes(`sed -i -E 's/^( *)transfer:/\\1s3-transfer:/' ${legacy}`), problems[0].fix);
        assert.ok(!KNOWN_KEYS.some((k) => k.startsWith(`${LEGACY_NAMESPACE}:`)));
    });

    it("the sed in the fix turns the old file into the committed one", () => {
        const copy = path.join(tmp, "renamed.yaml");
        fs.copyFileSync(legacy, copy);
        const fix = problemsOf(() => parseSideConfig(loadStackFile(copy).config, "prod", copy))[0].fix;
        const sed = /sed -i -E '([^']+)'/.exec(fix)![1];
        const [, pattern, replacement] = /^s\/(.+)\/(.+)\/$/.exec(sed)!;
        const renamed = fs.readFileSync(copy, "utf8").replace(new RegExp(pattern, "gm"), replacement.replace("\\1", "$1"));
        assert.strictEqual(renamed, fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
    });
});

describe("fix texts name the file the config was read from", () => {
    it("a --config file, never Pulumi.<stack>.yaml", () => {
        const file = "stacks/examples/broken.yaml";
        const problems = problemsOf(() =>
            parseSideConfig(
                {
                    "aws:region": "us-east-1",
                    [`${NAMESPACE}:side`]: "publisher",
                    [`${NAMESPACE}:name`]: "acme",
                    [`${NAMESPACE}:accountId`]: "11112222333",
                    [`${NAMESPACE}:partners`]: "[]",
                },
                "broken",
                file,
            ),
        );
        assert.ok(problems.length >= 2, JSON.stringify(problems));
        for (const p of problems) assert.ok(!p.fix.includes("Pulumi.<stack>.yaml") && !p.fix.includes("Pulumi.broken.yaml"), p.fix);
        assert.ok(problems.some((p) => p.fix.includes(file)));
    });

    it("the stack's own Pulumi.<stack>.yaml by default", () => {
        const problems = problemsOf(() =>
            parseSideConfig(
                {
                    "aws:region": "us-east-1",
                    [`${NAMESPACE}:side`]: "publisher",
                    [`${NAMESPACE}:name`]: "acme",
                    [`${NAMESPACE}:accountId`]: "111122223333",
                    [`${NAMESPACE}:partners`]: "[]",
                },
                "prod",
            ),
        );
        assert.ok(
            problems.some((p) => p.fix.includes("Pulumi.prod.yaml")),
            JSON.stringify(problems),
        );
    });
});
