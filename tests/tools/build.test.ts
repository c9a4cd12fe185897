/** The compiled tools: every npm script runs the build, which is rebuilt from any source that changed since, or refuses with exit 2 saying what to run. */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BuildError, ensureBuilt, POLICY_PACK, PROGRAM, sourcesOf, staleness, unitsFor } from "../../tools/build.js";
import { PROJECT_ROOT } from "../../tools/root";
import { scripts, toolArgv } from "../../tools/scripts";

const ROOT = PROJECT_ROOT;

describe("compiled tools (tools/build.js)", () => {
    describe("package.json", () => {
        const all = scripts();
        const tools = Object.entries(all).filter(([, command]) => /^node (?:--[\w-]+=\w+ )*-r \.\/tools\/build\.js /.test(command));

        it("runs every tool as compiled JavaScript through the launcher: no script calls ts-node", () => {
            for (const [name, command] of Object.entries(all)) assert.doesNotMatch(command, /ts-node/, `npm run ${name}`);
            for (const name of [
                "plan",
                "check",
                "typecheck",
                "test",
                "bench",
                "access",
                "gen-partners",
                "key",
                "handoff",
                "canary",
                "audit-query",
                "docs:matrix",
                "docs:config",
                "accept-handoff",
                "batch-replicate",
            ]) {
                assert.ok(
                    tools.some(([n]) => n === name),
                    `npm run ${name} is not a compiled tool: ${all[name]}`,
                );
            }
        });

        it("each tool's compiled entry comes from a source that exists, and the build has it", () => {
            for (const [name] of tools) {
                const entry = toolArgv(name).at(-1)!;
                const source = entry.startsWith("policy-pack/bin/") ? entry.replace(/^policy-pack\/bin\//, "policy-pack/") : entry.replace(/^bin\//, "");
                assert.ok(fs.existsSync(path.join(ROOT, source.replace(/\.js$/, ".ts"))), `npm run ${name}: ${entry} has no source ${source.replace(/\.js$/, ".ts")}`);
                assert.ok(fs.existsSync(path.join(ROOT, entry)), `npm run ${name}: ${entry} is not built`);
            }
        });

        it("npm run check runs the pack's own build of its checker, policy-pack/bin/check.js", () => {
            // With a larger young generation: a 10,000-resource export otherwise spends a quarter of its time collecting.
            assert.deepStrictEqual(toolArgv("check"), ["--max-semi-space-size=32", "-r", "./tools/build.js", "policy-pack/bin/check.js"]);
            assert.deepStrictEqual(unitsFor(path.join(ROOT, "policy-pack/bin/check.js")), [POLICY_PACK]);
            assert.deepStrictEqual(unitsFor(path.join(ROOT, "bin/tools/plan.js")), [PROGRAM, POLICY_PACK]);
        });

        it("builds on install, after the pack's own install, and the build is ignored by git", () => {
            assert.strictEqual(all.postinstall, "npm ci --prefix policy-pack --no-audit --no-fund && node tools/build.js");
            assert.match(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8"), /^bin\/$/m);
        });
    });

    describe("the repository's build", () => {
        it("once a command has brought it up to date, nothing is stale in bin/ or policy-pack/bin/", () => {
            // Any CLI test run before this one has already brought it up to date, as a user's command would.
            ensureBuilt([PROGRAM, POLICY_PACK]);
            assert.strictEqual(staleness(PROGRAM), undefined);
            assert.strictEqual(staleness(POLICY_PACK), undefined);
        });

        it("ships every source of the program but no test, and the compiled tools load the pack's own build", () => {
            const sources = sourcesOf(PROGRAM);
            assert.ok(sources.includes("index.ts") && sources.includes(path.join("tools", "plan.ts")) && sources.includes(path.join("infra", "policies", "document.ts")));
            assert.ok(!sources.some((s) => s.startsWith("tests")));
            for (const s of sources) assert.ok(fs.existsSync(path.join(ROOT, "bin", s.replace(/\.ts$/, ".js"))), `${s} is not built`);
            assert.strictEqual(fs.realpathSync(path.join(ROOT, "bin", "policy-pack", "offline.js")), fs.realpathSync(path.join(ROOT, "policy-pack", "bin", "offline.js")));
        });

        it("npm run build -- --help prints its usage and exit codes and builds nothing; an unknown option exits 2, before building", () => {
            const manifest = path.join(ROOT, "bin", ".build.json");
            const before = fs.statSync(manifest).mtimeMs;
            const help = spawnSync(process.execPath, ["tools/build.js", "--help"], { cwd: ROOT, encoding: "utf8" });
            assert.strictEqual(help.status, 0, help.stderr);
            assert.match(help.stdout, /^usage: npm run build /);
            assert.match(help.stdout, /\nexit status: 0 built; 2 /);
            const unknown = spawnSync(process.execPath, ["tools/build.js", "--bogus"], { cwd: ROOT, encoding: "utf8" });
            assert.strictEqual(unknown.status, 2);
            assert.match(unknown.stderr, /^Unknown option '--bogus'\nusage: npm run build /);
            assert.strictEqual(fs.statSync(manifest).mtimeMs, before, "the build was left alone");
        });

        it("a compiled tool finds the repository's files, not bin/'s", () => {
            const r = spawnSync(process.execPath, [...toolArgv("gen-partners"), "--count", "2"], { cwd: ROOT, encoding: "utf8" });
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /^# Generated by npm run gen-partners -- --count 2/);
            const docs = spawnSync(process.execPath, ["-e", `process.stdout.write(require("./bin/tools/docs-matrix").MATRIX_PAGE)`], { cwd: ROOT, encoding: "utf8" });
            assert.strictEqual(docs.stdout, path.join(ROOT, "docs", "access-matrix.md"), docs.stderr);
        });
    });

    describe("rebuilding a scratch project", () => {
        let dir: string;
        let unit: { name: string; dir: string; roots: string[]; outDir: string; toolsFrom: string };
        const write = (rel: string, text: string) => {
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            fs.writeFileSync(path.join(dir, rel), text);
        };
        /** A later modification time than the build's, as an editor's save gives. */
        const touch = (rel: string) => {
            const later = new Date(fs.statSync(path.join(dir, rel)).mtimeMs + 5_000);
            fs.utimesSync(path.join(dir, rel), later, later);
        };
        const run = (rel: string) => spawnSync(process.execPath, [path.join(unit.outDir, rel)], { encoding: "utf8" }).stdout;

        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "build-"));
            unit = { name: "scratch/bin/", dir, roots: ["src"], outDir: path.join(dir, "bin"), toolsFrom: ROOT };
            write("tsconfig.json", JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true } }));
            write("src/main.ts", `import { word } from "./word";\nconsole.log(word as string);\n`);
            write("src/word.ts", `export const word: string = "one";\n`);
            write("src/types.d.ts", `declare const ignored: number;\n`);
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("builds every source (not declarations), then finds nothing stale", () => {
            assert.deepStrictEqual(ensureBuilt([unit]), ["scratch/bin/ (all of 2 sources)"]);
            assert.strictEqual(run("src/main.js"), "one\n");
            assert.ok(!fs.existsSync(path.join(unit.outDir, "src", "types.js")));
            assert.strictEqual(staleness(unit), undefined);
            assert.deepStrictEqual(ensureBuilt([unit]), []);
        });

        it("emits CommonJS as tsc did for these sources: export =, import = require, import() of a folder, strict mode", () => {
            write("src/lib/index.ts", `export const fromFolder: string = "folder";\n`);
            write("src/legacy.ts", `const value = { legacy: true };\nexport = value;\n`);
            write(
                "src/main.ts",
                [
                    `import legacy = require("./legacy");`,
                    `async function main(): Promise<void> {`,
                    // A native import() of a folder fails: it must become require(), as tsc emits it for CommonJS.
                    `    const { fromFolder } = await import("./lib");`,
                    `    const strict = (function (this: unknown) { return this === undefined; })();`,
                    `    console.log(JSON.stringify({ legacy: legacy.legacy, fromFolder, strict }));`,
                    `}`,
                    `void main();`,
                    ``,
                ].join("\n"),
            );
            ensureBuilt([unit]);
            assert.deepStrictEqual(JSON.parse(run("src/main.js")), { legacy: true, fromFolder: "folder", strict: true });
        });

        it("re-transpiles only the source that changed", () => {
            ensureBuilt([unit]);
            const mainBuilt = fs.statSync(path.join(unit.outDir, "src", "main.js")).mtimeMs;
            write("src/word.ts", `export const word: string = "two";\n`);
            touch("src/word.ts");
            assert.deepStrictEqual(staleness(unit)?.changed, [path.join("src", "word.ts")]);
            assert.deepStrictEqual(ensureBuilt([unit]), ["scratch/bin/ (1 of 2 sources)"]);
            assert.strictEqual(run("src/main.js"), "two\n");
            assert.strictEqual(fs.statSync(path.join(unit.outDir, "src", "main.js")).mtimeMs, mainBuilt);
        });

        it("builds a new source and deletes the output of a removed one", () => {
            ensureBuilt([unit]);
            write("src/extra.ts", `export const extra = 1;\n`);
            fs.rmSync(path.join(dir, "src", "word.ts"));
            const stale = staleness(unit);
            assert.deepStrictEqual([stale?.changed, stale?.removed], [[path.join("src", "extra.ts")], [path.join("src", "word.ts")]]);
            ensureBuilt([unit]);
            assert.ok(fs.existsSync(path.join(unit.outDir, "src", "extra.js")));
            assert.ok(!fs.existsSync(path.join(unit.outDir, "src", "word.js")));
        });

        it("copies a JSON file a source imports beside the output, and again when it changes", () => {
            write("tsconfig.json", JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true, resolveJsonModule: true } }));
            write("data/settings.json", `{"word": "from json"}\n`);
            write("src/word.ts", `import settings from "../data/settings.json";\nexport const word: string = settings.word;\n`);
            ensureBuilt([unit]);
            assert.strictEqual(run("src/main.js"), "from json\n");
            write("data/settings.json", `{"word": "edited"}\n`);
            touch("data/settings.json");
            assert.deepStrictEqual(ensureBuilt([unit]), ["scratch/bin/ (0 of 2 sources and 1 imported JSON file)"]);
            assert.strictEqual(run("src/main.js"), "edited\n");
            fs.rmSync(path.join(dir, "data", "settings.json"));
            touch("src/word.ts");
            assert.throws(
                () => ensureBuilt([unit]),
                (err: Error) =>
                    err instanceof BuildError &&
                    err.message === `${path.join("src", "word.ts")} imports ${path.join("data", "settings.json")}, which does not exist. Restore it or remove the import.`,
            );
        });

        it("rebuilds everything when the tsconfig changes", () => {
            ensureBuilt([unit]);
            write("tsconfig.json", JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, sourceMap: true } }));
            touch("tsconfig.json");
            assert.deepStrictEqual(ensureBuilt([unit]), ["scratch/bin/ (all of 2 sources)"]);
            assert.ok(fs.existsSync(path.join(unit.outDir, "src", "main.js.map")));
        });

        it("refuses a source that does not parse, naming the file and line, and keeps the old output", () => {
            ensureBuilt([unit]);
            write("src/word.ts", `export const word: string = ;\n`);
            touch("src/word.ts");
            assert.throws(
                () => ensureBuilt([unit]),
                (err: Error) => err instanceof BuildError && /scratch\/bin\/ cannot be rebuilt/.test(err.message) && err.message.includes(`src/word.ts:1:`),
            );
            assert.ok(staleness(unit), "a failed rebuild must not record the build as current");
        });

        it("says to run npm ci when the build is stale and esbuild is not installed", () => {
            const withoutEsbuild = { ...unit, toolsFrom: dir };
            assert.throws(
                () => ensureBuilt([withoutEsbuild]),
                (err: Error) => err instanceof BuildError && /out of date with its sources, and esbuild .* is not installed to rebuild it\. Run: npm ci/.test(err.message),
            );
        });
    });

    it("the launcher exits 2 with the message, no stack trace, when it cannot bring the build up to date", () => {
        // The repository's own build, with esbuild hidden from the launcher's resolution: a
        // stale manifest makes it try. Run in a copy of tools/build.js pointed at a scratch root.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "launch-"));
        try {
            fs.mkdirSync(path.join(dir, "tools"));
            fs.mkdirSync(path.join(dir, "policy-pack"));
            fs.copyFileSync(path.join(ROOT, "tools", "build.js"), path.join(dir, "tools", "build.js"));
            fs.writeFileSync(path.join(dir, "tsconfig.json"), "{}");
            fs.writeFileSync(path.join(dir, "policy-pack", "tsconfig.json"), "{}");
            fs.writeFileSync(path.join(dir, "policy-pack", "check.ts"), "console.log('checked');\n");
            fs.mkdirSync(path.join(dir, "policy-pack", "bin"));
            fs.writeFileSync(path.join(dir, "policy-pack", "bin", "check.js"), "console.log('stale');\n");
            const r = spawnSync(process.execPath, ["-r", "./tools/build.js", "policy-pack/bin/check.js"], { cwd: dir, encoding: "utf8" });
            assert.strictEqual(r.status, 2, r.stderr);
            assert.strictEqual(r.stdout, "");
            assert.strictEqual(r.stderr, "error: policy-pack/bin/ is out of date with its sources, and esbuild (a devDependency) is not installed to rebuild it. Run: npm ci\n");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
