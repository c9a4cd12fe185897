/**
 * The import check (npm test's "imports" part, `npm run imports`): no import cycles, and imports run
 * one way: infra/ imports neither stacks/ nor tools/, stacks/ does not import tools/, and the policy
 * pack imports nothing outside policy-pack/. Type-only imports count: a layer that names a higher
 * layer's types depends on it as much as one that calls it.
 * https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md
 */
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
    forbidden: [
        { name: "no-cycle", severity: "error", comment: "modules import each other in a circle: move what both need to the lower one", from: {}, to: { circular: true } },
        {
            name: "infra-imports-higher-layer",
            severity: "error",
            comment: "infra/ is the lowest layer: it never imports stacks/ or tools/",
            from: { path: "^infra/" },
            to: { path: "^(stacks|tools)/" },
        },
        {
            name: "stacks-import-tools",
            severity: "error",
            comment: "stacks/ compose sides from infra/: they never import tools/",
            from: { path: "^(stacks/|index\\.ts$)" },
            to: { path: "^tools/" },
        },
        { name: "program-imports-tests", severity: "error", comment: "nothing but tests imports tests/", from: { pathNot: "^tests/" }, to: { path: "^tests/" } },
        {
            name: "pack-is-self-contained",
            severity: "error",
            comment: "the policy pack is a product of its own: it imports only its own files and its own dependencies",
            from: { path: "^policy-pack/" },
            to: { pathNot: ["^policy-pack/", "^node_modules/", "^policy-pack/node_modules/"], dependencyTypesNot: ["core"] },
        },
        { name: "not-resolvable", severity: "error", comment: "an import that resolves to no file", from: {}, to: { couldNotResolve: true } },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "(^|/)(node_modules|bin)/" },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        enhancedResolveOptions: { exportsFields: ["exports"], extensions: [".ts", ".js", ".json", ".d.ts"], conditionNames: ["require", "node", "default", "types"] },
    },
};
