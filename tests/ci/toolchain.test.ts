/**
 * What makes a run reproducible: the Pulumi CLI pinned for CI and required by
 * the program, an unsupported Node refused at install, default providers
 * disabled for every stack, and a dependency bot that keeps the pins current.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as semver from "semver";
import { parse } from "yaml";
import { SUPPORTED_PULUMI_CLI } from "../../stacks/index";
import { loadProjectFile } from "../../infra/config/project-file";
import { PlannedResource } from "../../tools/plan/engine";
import { stackFileNames } from "../../tools/stacks/inventory";
import { plan } from "../helpers/plans";

const ROOT = path.join(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const lockedVersion = (pkg: string, lock = "package-lock.json") =>
    (JSON.parse(read(lock)) as { packages: Record<string, { version: string }> }).packages[`node_modules/${pkg}`].version;

describe("reproducible runs", () => {
    describe("the Pulumi CLI", () => {
        const pinned = read(".pulumi-version").trim();

        it("CI installs the version of the SDK the lockfile holds (.pulumi-version, read by pulumi/actions' pulumi-version-file)", () => {
            assert.match(pinned, /^\d+\.\d+\.\d+$/);
            assert.strictEqual(pinned, lockedVersion("@pulumi/pulumi"));
            assert.strictEqual(lockedVersion("@pulumi/pulumi", "policy-pack/package-lock.json"), pinned, "the policy pack's SDK is the program's");
        });

        // https://www.pulumi.com/docs/reference/pkg/nodejs/pulumi/pulumi/runtime/#requirePulumiVersion: blang/semver range syntax,
        // whose AND-ed comparators node-semver reads the same way.
        it("the program requires a CLI range that accepts the pinned CLI and refuses one older than the SDK", () => {
            assert.ok(semver.satisfies(pinned, SUPPORTED_PULUMI_CLI), `${pinned} is outside ${SUPPORTED_PULUMI_CLI}`);
            assert.strictEqual(semver.minVersion(SUPPORTED_PULUMI_CLI)!.version, lockedVersion("@pulumi/pulumi"));
            assert.ok(!semver.satisfies("3.275.0", SUPPORTED_PULUMI_CLI));
            assert.ok(!semver.satisfies("4.0.0", SUPPORTED_PULUMI_CLI));
            assert.match(
                read("stacks/index.ts"),
                /await pulumi\.runtime\.requirePulumiVersion\(SUPPORTED_PULUMI_CLI\);\n\s+assertProjectName/,
                "checked first, before config is read",
            );
        });
    });

    describe("Node.js", () => {
        it(".npmrc turns on engine-strict, and the engines start at .nvmrc's line", () => {
            assert.match(read(".npmrc"), /^engine-strict=true$/m);
            const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
            assert.strictEqual(semver.minVersion(engines)?.major, Number(read(".nvmrc").trim()), engines);
        });

        // https://docs.npmjs.com/cli/v11/using-npm/config#engine-strict: with it, npm refuses to install a package
        // whose engines exclude the running Node. Shown on a project whose engines exclude the Node running this test
        // (an older Node cannot be started here): refused with the repository's .npmrc, installed without it.
        it("with the repository's .npmrc, npm refuses to install when the running Node is outside engines (EBADENGINE)", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-strict-"));
            try {
                const major = semver.major(process.version);
                fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "probe", version: "1.0.0", engines: { node: `>=${major + 1}` } }));
                // Without the npm_config_* variables an npm script hands its children (under `npm test`, this repository's engine-strict among them).
                const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));
                const install = () => spawnSync("npm", ["install", "--dry-run", "--no-audit", "--no-fund"], { cwd: dir, encoding: "utf8", env });
                const lenient = install();
                assert.strictEqual(lenient.status, 0, lenient.stderr);
                fs.copyFileSync(path.join(ROOT, ".npmrc"), path.join(dir, ".npmrc"));
                const strict = install();
                assert.notStrictEqual(strict.status, 0);
                assert.match(strict.stderr, /EBADENGINE/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("default providers", () => {
        it("Pulumi.yaml disables every default provider for all stacks, and no stack file turns them back on", () => {
            // Project-level config applies to every stack unless the stack sets the key itself
            // (https://www.pulumi.com/docs/iac/concepts/config/#project-level-configuration; pulumi/pulumi
            // pkg/workspace/config_project_test.go, TestNamespacedConfigValuesAreInheritedCorrectly).
            assert.deepStrictEqual(loadProjectFile(ROOT).config["pulumi:disable-default-providers"], ["*"]);
            for (const stack of stackFileNames(ROOT)) {
                const config = (parse(read(`Pulumi.${stack}.yaml`)) as { config?: Record<string, unknown> }).config ?? {};
                assert.ok(!("pulumi:disable-default-providers" in config), `Pulumi.${stack}.yaml overrides pulumi:disable-default-providers`);
            }
        });

        // With the default providers disabled, the engine refuses any resource registered without an explicit provider
        // (pulumi/pulumi pkg/resource/deploy/default_providers.go, shouldDenyRequest). The program never invokes a
        // function (the offline plan's mocks refuse any call), so resources are what to check.
        const aws = (p: { resources: PlannedResource[] }) => p.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
        const examples = fs.readdirSync(path.join(ROOT, "stacks", "examples")).filter((f) => f.endsWith(".yaml"));
        for (const file of examples) {
            it(`every AWS resource of example ${file} has an explicit provider`, async () => {
                const planned = await plan({ stack: file.replace(/\.yaml$/, ""), configFile: path.join(ROOT, "stacks", "examples", file) });
                assert.ok(aws(planned).length > 0);
                // A provider reference is `<provider URN>::<id>`; the engine names its default providers `default` or `default_<version>`.
                const explicit = /[:$]pulumi:providers:aws::(?!default(_[\d_]+)?::)[^:]+::/;
                assert.deepStrictEqual(
                    aws(planned)
                        .filter((r) => !explicit.test(r.provider ?? ""))
                        .map((r) => `${r.urn} (provider: ${r.provider ?? "none"})`),
                    [],
                );
            });
        }
    });
});
