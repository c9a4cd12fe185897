/**
 * The supported Node.js lines are one fact: `engines.node`, from which .nvmrc and
 * @types/node follow, and which every installed dependency accepts. npm reads
 * `engines` as a semver range over the Node version
 * (https://docs.npmjs.com/cli/v11/configuring-npm/package-json#engines); the
 * Pulumi SDK declares the TypeScript and ts-node it runs the program with as peer
 * ranges (https://github.com/pulumi/pulumi/blob/master/sdk/nodejs/package.json).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";

const ROOT = path.join(__dirname, "..");

interface Manifest {
    name: string;
    version: string;
    engines?: { node?: string };
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
}

const read = (file: string): Manifest => JSON.parse(fs.readFileSync(file, "utf8"));
/** The installed package's manifest, found as Node looks for packages (some do not export their package.json). */
function installed(name: string, from: string): Manifest {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "node_modules", name, "package.json");
        if (fs.existsSync(file)) return read(file);
        if (path.dirname(dir) === dir) throw new Error(`${name} is not installed for ${from}: run npm ci`);
    }
}
const ours = read(path.join(ROOT, "package.json"));
const range = ours.engines?.node ?? "";

describe("supported Node.js lines", () => {
    it("engines.node is a lower bound, and .nvmrc names its line", () => {
        const lowest = semver.minVersion(range);
        assert.ok(lowest && semver.validRange(range) && !semver.satisfies("20.19.0", range), `engines.node is ${range}`);
        assert.strictEqual(fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim(), String(lowest.major));
    });

    it("@types/node describes the lowest supported line, not a newer one", () => {
        assert.strictEqual(semver.major(installed("@types/node", ROOT).version), semver.minVersion(range)?.major);
    });

    it("every direct dependency, of the program and of the pack, runs on every Node the range admits", () => {
        const pack = read(path.join(ROOT, "policy-pack", "package.json"));
        for (const [manifest, dir] of [
            [ours, ROOT],
            [pack, path.join(ROOT, "policy-pack")],
        ] as const) {
            for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
                const theirs = installed(name, dir).engines?.node;
                if (theirs === undefined) continue;
                assert.ok(semver.subset(range, theirs), `${manifest.name}: ${name} requires Node ${theirs}, narrower than our ${range}`);
            }
        }
    });

    it("TypeScript and ts-node are within the Pulumi SDK's peer ranges (TypeScript below 7)", () => {
        const pulumi = installed("@pulumi/pulumi", ROOT);
        for (const name of ["typescript", "ts-node"]) {
            const peer = pulumi.peerDependencies?.[name];
            assert.ok(peer, `@pulumi/pulumi declares no peer range for ${name}`);
            assert.ok(semver.satisfies(installed(name, ROOT).version, peer), `${name} ${installed(name, ROOT).version} is outside @pulumi/pulumi's ${peer}`);
        }
    });
});

describe("one TypeScript", () => {
    const PACK = path.join(ROOT, "policy-pack");
    const tsconfig = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> }).compilerOptions;

    it("the program and the pack declare the same TypeScript and @pulumi/pulumi, and compile with the same module and resolution", () => {
        const [ours, pack] = [read(path.join(ROOT, "package.json")), read(path.join(PACK, "package.json"))];
        assert.strictEqual(pack.devDependencies?.typescript, ours.devDependencies?.typescript);
        assert.strictEqual(pack.dependencies?.["@pulumi/pulumi"], ours.dependencies?.["@pulumi/pulumi"]);
        for (const option of ["module", "moduleResolution", "target"]) assert.strictEqual(tsconfig(PACK)[option], tsconfig(ROOT)[option], option);
    });

    it("every lockfile installs that one version, and no other TypeScript anywhere in either tree", () => {
        const versions = new Set<string>();
        for (const dir of [ROOT, PACK]) {
            const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
            for (const [where, entry] of Object.entries(lock.packages)) if (/(^|\/)node_modules\/typescript$/.test(where)) versions.add(`${entry.version}`);
        }
        assert.deepStrictEqual([...versions], [installed("typescript", ROOT).version]);
        assert.strictEqual(installed("typescript", PACK).version, installed("typescript", ROOT).version);
    });
});
