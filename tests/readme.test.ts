/** The README and docs/ stay true: the set-up commands are the ones CI runs, links resolve, and the access matrix is today's. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { generatedMatrix, MATRIX_PAGE, pageMatrix } from "../tools/docs-matrix";

const ROOT = path.join(__dirname, "..");

const README = path.join(ROOT, "README.md");
const DOCS = path.join(ROOT, "docs");
/** The landing page and every page it links in docs/. */
const PAGES = [README, ...fs.readdirSync(DOCS).filter((f) => f.endsWith(".md")).map((f) => path.join(DOCS, f))];

describe("README and docs/", () => {
    const text = fs.readFileSync(README, "utf8");

    it("shows the two set-up commands, and CI runs exactly the test one", () => {
        assert.ok(text.includes("npm ci && npm run plan -- --stack prod"));
        assert.ok(text.includes("npm ci && npm test"));
        const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /^npm ci --no-audit --no-fund\nnpm test$/m);
    });

    it("is a landing page of at most 250 lines, linking every page of docs/", () => {
        assert.ok(text.split("\n").length <= 250, `README.md has ${text.split("\n").length} lines`);
        for (const page of PAGES.slice(1)) assert.ok(text.includes(`](docs/${path.basename(page)})`), `README.md does not link docs/${path.basename(page)}`);
    });

    it("names only npm scripts that exist, on every page", () => {
        const scriptsOf = (dir: string) => Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, dir, "package.json"), "utf8")).scripts);
        for (const page of PAGES) {
            for (const [, script, prefix] of fs.readFileSync(page, "utf8").matchAll(/npm run (?:-s )?([a-z:-]+)(?: --prefix ([\w-]+))?/g)) {
                assert.ok(scriptsOf(prefix ?? ".").includes(script), `${path.relative(ROOT, page)} mentions npm run ${script}${prefix ? ` --prefix ${prefix}` : ""}, which does not exist`);
            }
        }
    });

    it("links only files and anchors that exist, on every page", () => {
        const anchorsOf = (file: string) => new Set([...fs.readFileSync(file, "utf8").matchAll(/^#+ (.+)$/gm)].map(([, title]) => title.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-")));
        for (const page of PAGES) {
            for (const [, target] of fs.readFileSync(page, "utf8").matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/.test(target)) continue;
                const [file, anchor] = target.split("#");
                const resolved = file ? path.resolve(path.dirname(page), file) : page;
                assert.ok(fs.existsSync(resolved), `${path.relative(ROOT, page)} links ${target}, which does not exist`);
                if (anchor && resolved.endsWith(".md")) assert.ok(anchorsOf(resolved).has(anchor), `${path.relative(ROOT, page)} links ${target}: no such heading`);
            }
        }
    });

    it("shows the access matrix of prod as the simulator decides it now (npm run docs:matrix regenerates it)", async () => {
        assert.strictEqual(pageMatrix(fs.readFileSync(MATRIX_PAGE, "utf8")), await generatedMatrix());
    });
});
