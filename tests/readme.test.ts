/** The README and docs/ stay true: the set-up commands are the ones CI runs, links resolve, and the access matrix is today's. */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as semver from "semver";
import { generatedMatrix, MATRIX_PAGE, pageMatrix } from "../tools/docs-matrix";

const ROOT = path.join(__dirname, "..");

const README = path.join(ROOT, "README.md");
const DOCS = path.join(ROOT, "docs");
/** The landing page and every page it links in docs/. */
const PAGES = [
    README,
    ...fs
        .readdirSync(DOCS)
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.join(DOCS, f)),
];

describe("README and docs/", () => {
    const text = fs.readFileSync(README, "utf8");

    it("shows one install and the two set-up commands after it, and CI runs exactly the install and the test one under each supported Node line", () => {
        const setup = /## Set up\n[^]*?```sh\n([^]*?)```/.exec(text)?.[1] ?? "";
        const commands = setup
            .split("\n")
            .map((l) => l.replace(/#.*/, "").trim())
            .filter(Boolean);
        // Followed top to bottom, the README installs once; each command after it runs on its own.
        assert.deepStrictEqual(commands, ["npm ci", "npm run plan -- --stack prod", "npm test"]);
        // Run .ci/run with an npx on PATH that only records what it is asked to run.
        const fake = fs.mkdtempSync(path.join(os.tmpdir(), "ci-run-"));
        try {
            const log = path.join(fake, "calls");
            fs.writeFileSync(path.join(fake, "npx"), `#!/usr/bin/env bash\n{ printf '%s\\0' "$@"; printf 'CI=%s\\n' "$CI"; } >> ${JSON.stringify(log)}\n`, { mode: 0o755 });
            // npm run outside npx would run on the runner's own Node: refuse it.
            fs.writeFileSync(path.join(fake, "npm"), '#!/usr/bin/env bash\necho "npm $* ran on the runner\'s own Node, not under npx -p node@<line>" >&2\nexit 1\n', {
                mode: 0o755,
            });
            const run = spawnSync(path.join(ROOT, ".ci", "run"), [], {
                cwd: os.tmpdir(),
                encoding: "utf8",
                env: { ...process.env, CI: "", PATH: `${fake}${path.delimiter}${process.env.PATH}` },
            });
            assert.strictEqual(run.status, 0, run.stderr);
            const calls = fs
                .readFileSync(log, "utf8")
                .split("\n")
                .filter(Boolean)
                .map((c) => c.split("\0"));
            const nvmrc = fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim();
            const engines = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
            assert.strictEqual(semver.minVersion(engines)?.major, Number(nvmrc), `engines.node (${engines}) starts at .nvmrc's line`);
            // The lowest supported line (.nvmrc) and the newest LTS line.
            assert.deepStrictEqual(
                calls.map((c) => c.slice(0, 4)),
                [
                    ["--yes", "--package", `node@${nvmrc}`, "--call"],
                    ["--yes", "--package", "node@24", "--call"],
                ],
            );
            for (const c of calls) {
                assert.strictEqual(c[5], "CI=true");
                // Says which Node runs, then the README's command (with npm ci's two quiet flags) and nothing else.
                const [announce, ...rest] = c[4].split(" && ");
                assert.match(announce, /^echo "== Node \$\(node --version\)/);
                assert.strictEqual(rest.join(" && ").replace(/ --no-audit --no-fund/, ""), "npm ci && npm test");
            }
        } finally {
            fs.rmSync(fake, { recursive: true, force: true });
        }
    });

    it("is a landing page of at most 250 lines, linking every page of docs/", () => {
        assert.ok(text.split("\n").length <= 250, `README.md has ${text.split("\n").length} lines`);
        for (const page of PAGES.slice(1)) assert.ok(text.includes(`](docs/${path.basename(page)})`), `README.md does not link docs/${path.basename(page)}`);
    });

    it("names only npm scripts that exist, on every page", () => {
        const scriptsOf = (dir: string) => Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, dir, "package.json"), "utf8")).scripts);
        for (const page of PAGES) {
            for (const [, script, prefix] of fs.readFileSync(page, "utf8").matchAll(/npm run (?:-s )?([a-z:-]+)(?: --prefix ([\w-]+))?/g)) {
                assert.ok(
                    scriptsOf(prefix ?? ".").includes(script),
                    `${path.relative(ROOT, page)} mentions npm run ${script}${prefix ? ` --prefix ${prefix}` : ""}, which does not exist`,
                );
            }
        }
    });

    it("links only files and anchors that exist, on every page", () => {
        const anchorsOf = (file: string) =>
            new Set(
                [...fs.readFileSync(file, "utf8").matchAll(/^#+ (.+)$/gm)].map(([, title]) =>
                    title
                        .toLowerCase()
                        .replace(/[^a-z0-9 _-]/g, "")
                        .replace(/ /g, "-"),
                ),
            );
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

    it("shows the access matrix of the example canary-pair-publisher as the simulator decides it now (npm run docs:matrix regenerates it)", async () => {
        assert.strictEqual(pageMatrix(fs.readFileSync(MATRIX_PAGE, "utf8")), await generatedMatrix());
    });
});
