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
import { applyProjectConfig, loadProjectFile, projectFileText } from "../../../infra/config/project-file";
import { assertProjectName, projectNameProblem } from "../../../infra/config/project-name";
import { parseSideConfig } from "../../../infra/config/schema";
import { loadStackFile } from "../../../infra/config/stack-file";
import { fixtureFile } from "../../helpers/plans";

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
        assert.strictEqual(project.name, NAMESPACE);
        assert.strictEqual(projectNameProblem(project.name), undefined);
    });

    it("a copy renamed by pulumi new is refused by the program and the plan, with the name to put back", () => {
        const renamed = projectNameProblem("my-transfer", "Pulumi.yaml");
        assert.match(renamed?.problem ?? "", /pulumi config set side publisher` would write my-transfer:side, which it ignores/);
        assert.match(renamed?.fix ?? "", /set name: s3-transfer in Pulumi.yaml/);
        assert.throws(
            () => assertProjectName("my-transfer"),
            (err: unknown) => isConfigError(err) && err.problems[0].key === "name",
        );
    });

    it("declares the config model's keys, as npm run docs:config writes them", () => {
        const text = fs.readFileSync(project.file, "utf8");
        assert.strictEqual(projectFileText(text), text, "run npm run docs:config");
        const own = Object.fromEntries(Object.entries(project.config).filter(([k]) => !k.includes(":") || k.startsWith(`${NAMESPACE}:`)));
        assert.deepStrictEqual(own, projectConfigDeclarations());
    });

    it("npm run docs:config keeps every entry of config: that is not this program's (pulumi new adds pulumi:tags)", () => {
        const text = fs.readFileSync(project.file, "utf8");
        const withOthers = text.replace(
            "config:\n",
            'config:\n  pulumi:tags:\n    value:\n      pulumi:template: ""\n  aws:defaultTags:\n    value:\n      tags:\n        team: data\n  retired-key:\n    type: string\n',
        );
        const written = YAML.parse(projectFileText(withOthers)) as { config: Record<string, unknown> };
        assert.deepStrictEqual(written.config["pulumi:tags"], { value: { "pulumi:template": "" } });
        assert.deepStrictEqual(written.config["aws:defaultTags"], { value: { tags: { team: "data" } } });
        assert.strictEqual(written.config["retired-key"], undefined, "a bare key no longer declared is this program's, and goes");
        // The kept entries (these two, and whatever other namespaces Pulumi.yaml itself sets) come first, then the declarations.
        const keys = Object.keys(written.config);
        const own = keys.findIndex((k) => !k.includes(":"));
        assert.deepStrictEqual(keys.slice(own), Object.keys(projectConfigDeclarations()));
        assert.ok(keys.slice(0, own).every((k) => k.includes(":")) && keys.includes("pulumi:tags") && keys.includes("aws:defaultTags"));
    });

    it("a missing, unreadable or nameless Pulumi.yaml is a config error naming the file, never a stack trace", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
        const [missing] = problemsOf(() => loadProjectFile(dir));
        assert.match(missing.problem, /does not exist/);
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "runtime: nodejs\n");
        const [nameless] = problemsOf(() => loadProjectFile(dir));
        assert.strictEqual(nameless.fix, `set name: s3-transfer in ${path.join(dir, "Pulumi.yaml")}`);
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
            else if (spec.key === "partners" || spec.key === "publishers") assert.match(reason ?? "", /not both/, spec.key);
            else if (spec.type === "array") assert.match(reason ?? "", /list of entries.*v3\.187/, spec.key);
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
        const loaded = loadStackFile(fixtureFile("prod"));
        const merged = applyProjectConfig(project, "prod", loaded.config, loaded.structured);
        assert.strictEqual(loaded.config[`${NAMESPACE}:encryption`], undefined);
        assert.strictEqual(merged[`${NAMESPACE}:encryption`], "SSE-S3");
        assert.strictEqual(merged[`${NAMESPACE}:protectBuckets`], "true");
        assert.strictEqual(merged[`${NAMESPACE}:noncurrentVersionExpirationDays`], loaded.config[`${NAMESPACE}:noncurrentVersionExpirationDays`], "a set value wins");
        assert.deepStrictEqual(parseSideConfig(merged, "prod"), parseSideConfig(loaded.config, "prod"), "the defaults are the model's");
    });

    it("refuses a stack lacking declared keys without a default, all in one problem in the engine's words, with our fixes", () => {
        const [one] = problemsOf(() =>
            applyProjectConfig(project, "new", { "aws:region": "us-east-1", [`${NAMESPACE}:name`]: "acme", [`${NAMESPACE}:accountId`]: "111122223333" }),
        );
        assert.strictEqual(one.key, `${NAMESPACE}:side`);
        assert.match(one.problem, /Stack 'new' is missing configuration value 'side'"/);
        assert.match(one.fix, /pulumi config set s3-transfer:side/);
        const all = problemsOf(() => applyProjectConfig(project, "new", { "aws:region": "us-east-1" }));
        assert.strictEqual(all.length, 1);
        assert.match(all[0].problem, /Stack 'new' is missing configuration values 'accountId', 'name' and 'side'/);
    });

    it("requires no declared key of another namespace (only the project's are required)", () => {
        const other = { ...project, config: { ...project.config, "aws:profile": { description: "x" } } };
        const loaded = loadStackFile(fixtureFile("prod"));
        assert.doesNotThrow(() => applyProjectConfig(other, "prod", loaded.config, loaded.structured));
    });

    it("refuses a value not of the declared type; numbers and booleans given as text are of their type", () => {
        const base = { [`${NAMESPACE}:side`]: "publisher", [`${NAMESPACE}:name`]: "acme", [`${NAMESPACE}:accountId`]: "111122223333" };
        assert.doesNotThrow(() => applyProjectConfig(project, "s", { ...base, [`${NAMESPACE}:logRetentionDays`]: "90", [`${NAMESPACE}:protectBuckets`]: "false" }));
        const wrong = problemsOf(() => applyProjectConfig(project, "s", { ...base, [`${NAMESPACE}:logRetentionDays`]: "90 days", [`${NAMESPACE}:protectBuckets`]: "yes" }));
        assert.deepStrictEqual(
            wrong.map((p) => p.key),
            [`${NAMESPACE}:logRetentionDays`],
            "Pulumi stops at the first key of the wrong type",
        );
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
    fs.writeFileSync(legacy, fs.readFileSync(fixtureFile("prod"), "utf8").replaceAll(`${NAMESPACE}:`, `${LEGACY_NAMESPACE}:`));

    it("are refused as one problem naming every key, its new name, the file and the rename", () => {
        const loaded = loadStackFile(legacy, "--config");
        const problems = problemsOf(() => parseSideConfig(loaded.config, "prod", legacy));
        assert.strictEqual(problems.length, 1, "not also every renamed key as missing");
        assert.strictEqual(problems[0].key, `${LEGACY_NAMESPACE}:side`);
        assert.match(problems[0].problem, /transfer:name.*no longer reads.*s3-transfer:side, s3-transfer:name/);
        assert.ok(problems[0].fix.includes(`sed -E -i.bak 's/^( *)transfer:/\\1s3-transfer:/' ${legacy}`), problems[0].fix);
        assert.ok(!KNOWN_KEYS.some((k) => k.startsWith(`${LEGACY_NAMESPACE}:`)));
    });

    it("the sed in the fix turns the old file into the current one", () => {
        const copy = path.join(tmp, "renamed.yaml");
        fs.copyFileSync(legacy, copy);
        const fix = problemsOf(() => parseSideConfig(loadStackFile(copy).config, "prod", copy))[0].fix;
        const sed = /sed -E -i\.bak '([^']+)'/.exec(fix)![1];
        const [, pattern, replacement] = /^s\/(.+)\/(.+)\/$/.exec(sed)!;
        const renamed = fs.readFileSync(copy, "utf8").replace(new RegExp(pattern, "gm"), replacement.replace("\\1", "$1"));
        assert.strictEqual(renamed, fs.readFileSync(fixtureFile("prod"), "utf8"));
    });
});

describe("stack files as Pulumi reads them", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bare-"));
    const write = (name: string, text: string) => {
        fs.writeFileSync(path.join(tmp, name), text);
        return path.join(tmp, name);
    };

    it("a key written without a namespace is the project's, and its line is found", () => {
        const file = write(
            "bare.yaml",
            'config:\n  aws:region: us-east-1\n  side: publisher\n  name: acme-bank\n  accountId: "111122223333"\n  partners:\n    - name: cdlx\n      accountId: "44445555666"\n',
        );
        const loaded = loadStackFile(file, "--config");
        assert.strictEqual(loaded.config[`${NAMESPACE}:side`], "publisher");
        assert.strictEqual(loaded.lineOf(`${NAMESPACE}:partners[0].accountId`), 8);
        assert.doesNotThrow(() => applyProjectConfig(project, "bare", loaded.config, loaded.structured, file));
    });

    it("a key set both bare and with the namespace is refused, naming both", () => {
        const file = write("both.yaml", "config:\n  side: publisher\n  s3-transfer:side: partner\n");
        const [p] = problemsOf(() => loadStackFile(file));
        assert.match(p.problem, /is set twice, as side and as s3-transfer:side/);
    });

    it("a key written without a value is the empty string, as Pulumi reads it", () => {
        const file = write("empty.yaml", "config:\n  s3-transfer:encryption:\n");
        assert.strictEqual(loadStackFile(file).config[`${NAMESPACE}:encryption`], "");
    });
});

describe("fix texts name the file the config was read from", () => {
    const file = "stacks/examples/broken.yaml";
    /** A publisher's flat config with these keys (without the namespace) changed. */
    const publisher = (changes: Record<string, string>) => ({
        "aws:region": "us-east-1",
        ...Object.fromEntries(Object.entries({ side: "publisher", name: "acme", accountId: "111122223333", partners: "[]", ...changes }).map(([k, v]) => [`${NAMESPACE}:${k}`, v])),
    });

    it("pulumi config commands get --config-file for a file that is not the stack's own", () => {
        const problems = problemsOf(() => parseSideConfig(publisher({ encryption: "sse-kms", partners: '[{"name":"cdlx","stack":"partner-prod"}]' }), "broken", file));
        const encryption = problems.find((p) => p.key === `${NAMESPACE}:encryption`);
        assert.strictEqual(encryption?.fix, `pulumi config set --config-file ${file} s3-transfer:encryption SSE-KMS   (or SSE-S3)`);
    });

    it("a --config file, never Pulumi.<stack>.yaml", () => {
        const problems = problemsOf(() => parseSideConfig(publisher({ accountId: "11112222333" }), "broken", file));
        assert.ok(problems.length >= 2, JSON.stringify(problems));
        for (const p of problems) assert.ok(!p.fix.includes("Pulumi.<stack>.yaml") && !p.fix.includes("Pulumi.broken.yaml"), p.fix);
        assert.ok(problems.some((p) => p.fix.includes(file)));
    });

    it("the stack's own Pulumi.<stack>.yaml by default", () => {
        const problems = problemsOf(() => parseSideConfig(publisher({}), "prod"));
        assert.ok(
            problems.some((p) => p.fix.includes("Pulumi.prod.yaml")),
            JSON.stringify(problems),
        );
    });
});
