/**
 * The repository's root, the same from a source (tools/x.ts, run by ts-node in
 * tests) and from its build (bin/tools/x.js, what npm scripts run): the nearest
 * directory above this file that holds package.json. Data files beside the
 * sources (stack configs, docs, tools/access/expected-matrix.yaml) are found
 * from here, never from __dirname, which differs between the two.
 */
import * as fs from "fs";
import * as path from "path";

export function projectRootFrom(dir: string): string {
    for (let at = dir; ; at = path.dirname(at)) {
        if (fs.existsSync(path.join(at, "package.json"))) return at;
        if (path.dirname(at) === at) throw new Error(`no package.json above ${dir}`);
    }
}

export const PROJECT_ROOT = projectRootFrom(__dirname);

/** A stack's own config file, `Pulumi.<stack>.yaml` at the root: here, so that the command-line runner finds it without loading the planner. */
export function stackConfigFile(stack: string, root = PROJECT_ROOT): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}
