/**
 * The npm scripts that launch tools, read from package.json: what `npm run <name>`
 * hands to Node, so that tests and the bench run exactly what users run, only
 * without npm's own start-up.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./root";

/**
 * A tool's script is one line, `node [--v8-option=value ...] -r ./tools/build.js <entry>.js`:
 * tools/build.js brings the build up to date before Node runs the compiled entry; a
 * V8 option tunes one tool (the checker's young generation, sized for large exports).
 */
const TOOL_SCRIPT = /^node ((?:--[\w-]+=\w+ )*)-r \.\/tools\/build\.js ((?:bin|policy-pack\/bin)\/[\w/.-]+\.js)$/;

export function scripts(root = PROJECT_ROOT): Record<string, string> {
    return (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
}

/** Node's arguments for `npm run <name>` (to follow with the tool's own arguments); throws if the script is not a compiled tool's. */
export function toolArgv(name: string, root = PROJECT_ROOT): string[] {
    const script = scripts(root)[name];
    if (script === undefined) throw new Error(`package.json has no script "${name}"`);
    const m = TOOL_SCRIPT.exec(script);
    if (!m) throw new Error(`package.json script "${name}" is "${script}", not "node -r ./tools/build.js <compiled entry>.js"`);
    return [...m[1].split(" ").filter(Boolean), "-r", "./tools/build.js", m[2]];
}
