/** The README stays true: its set-up commands are the ones CI runs, and its access matrix is today's. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { generatedMatrix, README, readmeMatrix } from "../tools/readme-matrix";

const ROOT = path.join(__dirname, "..");

describe("README", () => {
    const text = fs.readFileSync(README, "utf8");

    it("shows the two set-up commands, and CI runs exactly the test one", () => {
        assert.ok(text.includes("npm ci && npm run plan -- --stack prod"));
        assert.ok(text.includes("npm ci && npm test"));
        const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /^npm ci --no-audit --no-fund\nnpm test$/m);
    });

    it("names every npm script it documents, and every script exists", () => {
        const scriptsOf = (dir: string) => Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, dir, "package.json"), "utf8")).scripts);
        for (const [, script, prefix] of text.matchAll(/npm run ([a-z:-]+)(?: --prefix ([\w-]+))?/g)) {
            assert.ok(scriptsOf(prefix ?? ".").includes(script), `README mentions npm run ${script}${prefix ? ` --prefix ${prefix}` : ""}, which does not exist`);
        }
    });

    it("shows the access matrix of prod as the simulator decides it now (npm run readme:matrix regenerates it)", async () => {
        assert.strictEqual(readmeMatrix(text), await generatedMatrix());
    });
});
