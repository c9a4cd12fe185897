// @ts-check
/**
 * How the tests load TypeScript (.mocharc.json's `require`): each .ts file through the build's
 * own transform (tools/build.js: esbuild, CommonJS, import() as require(), with the tsconfig of
 * the program or of the pack, whichever holds the file), so the code a test loads is compiled as
 * the code the tools run; with its source map, so a failure points at the source line.
 * ts-node's transpile-only register did the same with ts.transpileModule, at several times the cost.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { buildTools, POLICY_PACK, PROGRAM, transformOptions } = require("./build");

/** @typedef {import("esbuild").TransformOptions} TransformOptions */
/** @type {Map<string, TransformOptions>} */
const optionsByUnit = new Map();
const { esbuild, jsonc } = buildTools(PROGRAM);

/** @param {string} file @returns {TransformOptions} */
function optionsFor(file) {
    const unit = path.relative(POLICY_PACK.dir, file).startsWith("..") ? PROGRAM : POLICY_PACK;
    let options = optionsByUnit.get(unit.dir);
    if (!options) optionsByUnit.set(unit.dir, (options = transformOptions(unit, jsonc).transform));
    return options;
}

/** The source map of each file loaded, for stack traces. */
/** @type {Map<string, string>} */
const maps = new Map();
// Stack traces through source-map-support (as ts-node's register gave them), not Node's own source maps: it
// formats through Error.prepareStackTrace, which the planner turns off while a program runs under mocks (the
// Pulumi SDK captures a stack for every promise; tools/plan/engine.ts), where Node's would cost a third of a run.
require("source-map-support").install({
    environment: "node",
    handleUncaughtExceptions: false,
    retrieveSourceMap: (/** @type {string} */ file) => {
        const map = maps.get(file);
        return map === undefined ? null : { url: file, map };
    },
});

// What ts-node, tsx and esbuild-register hook too: Node's loader of a file by its extension.
require.extensions[".ts"] = (/** @type {NodeJS.Module} */ module, /** @type {string} */ filename) => {
    const { code, map } = esbuild.transformSync(fs.readFileSync(filename, "utf8"), { ...optionsFor(filename), sourcefile: filename, sourcemap: "external" });
    maps.set(filename, map);
    /** @type {NodeJS.Module & { _compile(code: string, filename: string): void }} */ (module)._compile(code, filename);
};
