// @ts-check
/**
 * The compiled tools: every npm script runs JavaScript from bin/ (and the
 * policy pack's from policy-pack/bin/), not TypeScript through ts-node.
 *
 *   node tools/build.js                       a clean build of both (npm's postinstall)
 *   node -r ./tools/build.js bin/tools/x.js   what each npm script runs: first brings
 *                                             the build up to date, then Node runs x.js
 *
 * Building is transforming each source on its own with esbuild (`transformSync`:
 * types stripped, ES modules to CommonJS, as `ts.transpileModule` did, at a
 * fraction of its cost): no type-checking at run time (`npm run typecheck` and
 * `npm test` do that). A build records the modification time of every source it
 * compiled; when a source, the set of sources or a tsconfig changed since, the
 * preload re-transforms what changed before the tool starts, so a command never
 * runs stale code. When that is impossible (esbuild is not installed, a source
 * does not parse) it exits 2 and says what to run. Checking costs a few
 * milliseconds of stat calls and loads nothing; esbuild is loaded only to
 * rebuild.
 *
 * Plain JavaScript, because it must run before anything is built.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const PACK = path.join(ROOT, "policy-pack");
const MANIFEST = ".build.json";

/**
 * @typedef {object} Unit
 * @property {string} name    what the messages call it
 * @property {string} dir     where its tsconfig.json is, and the root of its outputs' layout
 * @property {string[]} roots files and directories (relative to dir) whose .ts files ship
 * @property {string} outDir  where the JavaScript goes
 * @property {string} [toolsFrom] where esbuild (and the tsconfig reader) are resolved from (default: dir)
 */

/** @type {Unit} The program's tools, and what they import from infra/ and stacks/. */
const PROGRAM = { name: "bin/", dir: ROOT, roots: ["index.ts", "infra", "stacks", "tools"], outDir: path.join(ROOT, "bin") };
/** @type {Unit} The policy pack, as its own `prepare` (tsc -p .) lays it out. */
const POLICY_PACK = { name: "policy-pack/bin/", dir: PACK, roots: ["."], outDir: path.join(PACK, "bin") };
const UNITS = [PROGRAM, POLICY_PACK];

class BuildError extends Error {}

/** @param {Unit} unit @returns {string[]} the unit's sources, relative to unit.dir, sorted */
function sourcesOf(unit) {
    /** @type {string[]} */
    const found = [];
    /** @param {string} rel */
    const walk = (rel) => {
        const abs = path.join(unit.dir, rel);
        let entries;
        try {
            entries = fs.readdirSync(abs, { withFileTypes: true });
        } catch (err) {
            if (/** @type {NodeJS.ErrnoException} */ (err).code === "ENOTDIR") {
                if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) found.push(rel);
                return;
            }
            throw err;
        }
        for (const e of entries) {
            const child = rel === "." ? e.name : path.join(rel, e.name);
            if (e.isDirectory()) {
                if (e.name !== "node_modules" && e.name !== "bin" && !e.name.startsWith(".")) walk(child);
            } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) {
                found.push(child);
            }
        }
    };
    for (const root of unit.roots) walk(root);
    return found.sort();
}

/** @param {Unit} unit */
const tsconfigOf = (unit) => path.join(unit.dir, "tsconfig.json");

/**
 * @typedef {object} Stamp what a build depends on, by modification time
 * @property {number} tsconfig
 * @property {Record<string, number>} files   each source
 * @property {Record<string, string[]>} [imports] the JSON files each source imports (resolveJsonModule)
 * @property {Record<string, number>} [assets]  each of those JSON files, copied beside the output
 */

/** @param {Unit} unit @param {string} rel @returns {number | undefined} */
const mtimeOf = (unit, rel) => {
    try {
        return fs.statSync(path.join(unit.dir, rel)).mtimeMs;
    } catch {
        return undefined;
    }
};

/**
 * @param {Unit} unit @param {string[]} sources
 * @returns {Stamp}
 */
function stampOf(unit, sources) {
    /** @type {Record<string, number>} */
    const files = {};
    for (const s of sources) files[s] = fs.statSync(path.join(unit.dir, s)).mtimeMs;
    return { tsconfig: fs.statSync(tsconfigOf(unit)).mtimeMs, files };
}

/** @param {Unit} unit @returns {Stamp | undefined} */
function readManifest(unit) {
    try {
        return JSON.parse(fs.readFileSync(path.join(unit.outDir, MANIFEST), "utf8"));
    } catch {
        return undefined;
    }
}

/**
 * The sources to re-transpile and the outputs to delete, or undefined when the build is current.
 * @param {Unit} unit
 */
function staleness(unit) {
    const sources = sourcesOf(unit);
    const now = stampOf(unit, sources);
    const built = readManifest(unit);
    const everything = !built || built.tsconfig !== now.tsconfig;
    const changed = sources.filter((s) => everything || built.files[s] !== now.files[s]);
    const removed = built ? Object.keys(built.files).filter((s) => !(s in now.files)) : [];
    // A JSON file a source imports is copied beside the output (as tsc does): an edit re-copies it.
    const assets = everything
        ? []
        : Object.entries(built.assets ?? {})
              .filter(([rel, mtime]) => mtimeOf(unit, rel) !== mtime)
              .map(([rel]) => rel);
    return changed.length || removed.length || assets.length ? { changed, removed, assets, now, built: everything ? undefined : built, everything } : undefined;
}

/** @param {string} file @param {string} text written whole or not at all: concurrent rebuilds (tests spawn tools in parallel) never see half a file */
function writeAtomically(file, text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
}

/**
 * esbuild and jsonc-parser (to read a tsconfig.json, which may hold comments), as the unit resolves them.
 * @param {Unit} unit @returns {{ esbuild: typeof import("esbuild"), jsonc: typeof import("jsonc-parser") }}
 */
function buildTools(unit) {
    const from = { paths: [unit.toolsFrom ?? unit.dir] };
    try {
        return { esbuild: require(require.resolve("esbuild", from)), jsonc: require(require.resolve("jsonc-parser", from)) };
    } catch {
        throw new BuildError(`${unit.name} is out of date with its sources, and esbuild (a devDependency) is not installed to rebuild it. Run: npm ci`);
    }
}

/**
 * esbuild's options for a unit, from its tsconfig.json: CommonJS with the tsconfig's target, strict mode
 * ("use strict", as tsc emits under `strict`), and dynamic import() turned into require() as tsc does for
 * CommonJS (a native import() could not load the planner's lazy import of a directory, "../../stacks").
 * @param {Unit} unit @param {typeof import("jsonc-parser")} jsonc
 * @returns {{ transform: import("esbuild").TransformOptions, sourceMap: boolean }}
 */
function transformOptions(unit, jsonc) {
    const text = fs.readFileSync(tsconfigOf(unit), "utf8");
    /** @type {import("jsonc-parser").ParseError[]} */
    const errors = [];
    const config = jsonc.parse(text, errors, { allowTrailingComma: true });
    if (errors.length || typeof config !== "object" || config === null) {
        throw new BuildError(`${path.relative(ROOT, tsconfigOf(unit))}: not a JSON object (${errors.map((e) => jsonc.printParseErrorCode(e.error)).join(", ") || "empty"})`);
    }
    /** @type {Record<string, unknown>} */
    const options = config.compilerOptions ?? {};
    const target = String(options.target ?? "ES2022").toLowerCase();
    return {
        transform: {
            loader: "ts",
            format: "cjs",
            target: target === "esnext" ? "esnext" : target,
            supported: { "dynamic-import": false },
            // esbuild reads what changes the emitted code from it: strict / alwaysStrict, useDefineForClassFields (from target), verbatimModuleSyntax.
            tsconfigRaw: text,
        },
        sourceMap: options.sourceMap === true,
    };
}

/**
 * Transpiles the changed sources of a unit and deletes the outputs of removed ones.
 * @param {Unit} unit @param {NonNullable<ReturnType<typeof staleness>>} stale
 */
function rebuild(unit, stale) {
    const { esbuild, jsonc } = buildTools(unit);
    const { transform, sourceMap } = transformOptions(unit, jsonc);
    const outOf = (/** @type {string} */ source) => path.join(unit.outDir, source.replace(/\.ts$/, ".js"));
    /** @type {string[]} */
    const problems = [];
    /** @type {Record<string, string[]>} */
    const imports = { ...stale.built?.imports };
    for (const source of stale.changed) {
        const file = path.join(unit.dir, source);
        const out = outOf(source);
        let result;
        try {
            // The map names the source relative to the output, as tsc's does.
            result = esbuild.transformSync(fs.readFileSync(file, "utf8"), {
                ...transform,
                sourcefile: path.relative(path.dirname(out), file),
                sourcemap: sourceMap ? "external" : false,
                sourcesContent: false,
            });
        } catch (err) {
            const failure = /** @type {import("esbuild").TransformFailure} */ (err);
            if (!Array.isArray(failure.errors)) throw err;
            for (const e of failure.errors) problems.push(`${path.relative(ROOT, file)}${e.location ? `:${e.location.line}:${e.location.column + 1}` : ""}: ${e.text}`);
            continue;
        }
        // Relative imports of JSON (resolveJsonModule) inside the unit: the output requires them from its own place.
        const json = [...result.code.matchAll(/require\("(\.\.?\/[^"]+\.json)"\)/g)].map((m) => path.relative(unit.dir, path.resolve(path.dirname(file), m[1])));
        if (json.length) imports[source] = [...new Set(json.filter((rel) => !rel.startsWith("..")))].sort();
        else delete imports[source];
        if (sourceMap) {
            writeAtomically(`${out}.map`, result.map);
            writeAtomically(out, `${result.code}//# sourceMappingURL=${path.basename(out)}.map\n`);
        } else {
            writeAtomically(out, result.code);
            fs.rmSync(`${out}.map`, { force: true });
        }
    }
    if (problems.length) throw new BuildError(`${unit.name} cannot be rebuilt: a source does not parse. Fix it, then run the command again.\n${problems.join("\n")}`);
    for (const source of stale.removed) {
        fs.rmSync(outOf(source), { force: true });
        fs.rmSync(`${outOf(source)}.map`, { force: true });
        delete imports[source];
    }
    /** @type {Record<string, number>} */
    const assets = {};
    for (const rel of new Set(Object.values(imports).flat())) {
        const mtime = mtimeOf(unit, rel);
        if (mtime === undefined) {
            const importers = Object.keys(imports).filter((s) => imports[s].includes(rel));
            throw new BuildError(`${importers.join(", ")} import${importers.length === 1 ? "s" : ""} ${rel}, which does not exist. Restore it or remove the import.`);
        }
        if (stale.built?.assets?.[rel] !== mtime) writeAtomically(path.join(unit.outDir, rel), fs.readFileSync(path.join(unit.dir, rel), "utf8"));
        assets[rel] = mtime;
    }
    writeAtomically(path.join(unit.outDir, MANIFEST), JSON.stringify({ ...stale.now, imports, assets }));
}

/**
 * Compiled tools import the pack as `../policy-pack/...`, as the sources do. bin/policy-pack
 * links to the pack's own build, so that the pack is built once and its code keeps resolving
 * its own dependencies (policy-pack/node_modules): Node follows the link to the real path.
 */
function linkPack() {
    const link = path.join(PROGRAM.outDir, "policy-pack");
    const target = path.relative(PROGRAM.outDir, POLICY_PACK.outDir);
    try {
        if (fs.readlinkSync(link) === target) return;
    } catch {
        // absent or not a link: (re)made below
    }
    fs.rmSync(link, { recursive: true, force: true });
    fs.mkdirSync(PROGRAM.outDir, { recursive: true });
    try {
        fs.symlinkSync(target, link, "junction");
    } catch (err) {
        // Another command, started at the same moment, made it first.
        if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EEXIST" || fs.readlinkSync(link) !== target) throw err;
    }
}

/**
 * Brings the given units up to date; returns what was rebuilt (empty when all was current).
 * @param {Unit[]} units @param {{ clean?: boolean }} [how] clean: rebuild everything from scratch
 */
function ensureBuilt(units, how = {}) {
    /** @type {string[]} */
    const rebuilt = [];
    for (const unit of units) {
        if (how.clean && unit === PROGRAM) fs.rmSync(unit.outDir, { recursive: true, force: true });
        if (how.clean) fs.rmSync(path.join(unit.outDir, MANIFEST), { force: true });
        const stale = staleness(unit);
        if (stale) {
            rebuild(unit, stale);
            const assets = stale.assets.length ? ` and ${stale.assets.length} imported JSON file${stale.assets.length === 1 ? "" : "s"}` : "";
            rebuilt.push(`${unit.name} (${stale.everything ? "all" : stale.changed.length + stale.removed.length} of ${Object.keys(stale.now.files).length} sources${assets})`);
        }
    }
    if (units.includes(PROGRAM)) linkPack();
    return rebuilt;
}

/** The units a compiled entry point needs: the pack's entries need the pack; the program's need both. @param {string} main */
function unitsFor(main) {
    const inPack = !path.relative(POLICY_PACK.outDir, main).startsWith("..");
    return inPack ? [POLICY_PACK] : UNITS;
}

/** @param {unknown} err */
function fail(err) {
    process.stderr.write(`error: ${err instanceof BuildError ? err.message : err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
}

module.exports = { ROOT, PROGRAM, POLICY_PACK, UNITS, BuildError, sourcesOf, staleness, ensureBuilt, unitsFor, buildTools, transformOptions };

const USAGE = `usage: npm run build [-- --help]

Builds the compiled tools from scratch: the program's into bin/ and the policy
pack's into policy-pack/bin/. npm ci runs it (postinstall), and every npm run
command already rebuilds what a source edit made stale before it starts, so it
is needed only when a build folder was deleted or damaged.

  --help  print this help, and build nothing

exit status: 0 built; 2 esbuild is not installed or a source does not parse
(the message says what to run), or an unknown option.`;

if (require.main === module) {
    // The build takes no options: --help answers without building, anything else is refused before building.
    const args = process.argv.slice(2);
    if (args.some((a) => a === "--help" || a === "-h")) {
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
    }
    if (args.length) {
        process.stderr.write(`Unknown option '${args[0]}'\n${USAGE}\n`);
        process.exit(2);
    }
    // npm's postinstall: a clean build, whatever an earlier install (another Node, another checkout) left.
    const started = process.hrtime.bigint();
    try {
        const rebuilt = ensureBuilt(UNITS, { clean: true });
        process.stdout.write(`built ${rebuilt.join(" and ")} in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s\n`);
    } catch (err) {
        fail(err);
    }
} else if (!require.main && process.argv[1]) {
    // Preloaded with `node -r ./tools/build.js <entry>`: Node runs the entry after this returns.
    const started = process.hrtime.bigint();
    // V8's code cache on disk (Node 22.1+, in os.tmpdir()/node-compile-cache unless
    // NODE_COMPILE_CACHE says where): the SDKs' thousands of modules are compiled once, not on
    // every command. Keyed on each file's content and the Node version, so never stale; it never
    // throws, and NODE_DISABLE_COMPILE_CACHE=1 turns it off.
    // https://nodejs.org/api/module.html#moduleenablecompilecacheoptions
    require("module").enableCompileCache?.();
    try {
        const rebuilt = ensureBuilt(unitsFor(path.resolve(process.argv[1])));
        // Said only to a person at a terminal: a piped or CI run stays byte-for-byte the tool's own output.
        if (rebuilt.length && process.stderr.isTTY) {
            process.stderr.write(`rebuilt ${rebuilt.join(" and ")} in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s\n`);
        }
    } catch (err) {
        fail(err);
    }
}
