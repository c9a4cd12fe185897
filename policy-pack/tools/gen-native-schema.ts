// `npm run gen:native-schema --prefix policy-pack [-- <version>]`
//
// Writes tests/policy-pack/aws-native-schema.json: for each @pulumi/aws-native
// resource type the pack reads, the tree of its input property names, taken from
// the real package's typings (`<module>/<resource>.d.ts` and `types/input.d.ts`).
// The pack does not depend on @pulumi/aws-native (about 90 MB of typings); its
// tests check every native fixture and every property the pack reads against this
// record, and this script brings the record up to date with a new version
// (`npm pack` fetches the package through the ordinary registry client).

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The resources the pack reads: token → the typings that declare its Args. */
export const NATIVE_RESOURCES: Readonly<Record<string, string>> = {
    "aws-native:s3:Bucket": "s3/bucket.d.ts",
    "aws-native:s3:BucketPolicy": "s3/bucketPolicy.d.ts",
    "aws-native:s3:AccessPoint": "s3/accessPoint.d.ts",
    "aws-native:s3:MultiRegionAccessPoint": "s3/multiRegionAccessPoint.d.ts",
    "aws-native:s3:MultiRegionAccessPointPolicy": "s3/multiRegionAccessPointPolicy.d.ts",
    "aws-native:iam:Role": "iam/role.d.ts",
    "aws-native:iam:RolePolicy": "iam/rolePolicy.d.ts",
    "aws-native:iam:ManagedPolicy": "iam/managedPolicy.d.ts",
    "pulumi:providers:aws-native": "provider.d.ts",
};

/** A property tree: nested names, or "*" where the typings say `any` (policy documents). */
export type Shape = { [name: string]: Shape } | "*";

const MEMBER = /^\s*(\w+)\??:\s*(.*)$/;

/** The members of `interface <name> {…}` in a typings text, with (the first line of) their type text. */
function members(text: string, name: string, from = 0): [string, string][] | undefined {
    const start = text.indexOf(`interface ${name} {`, from);
    if (start < 0) {
        return undefined;
    }
    const out: [string, string][] = [];
    let depth = 0;
    for (const line of text.slice(text.indexOf("\n", start) + 1).split("\n")) {
        const code = line.replace(/\/\*.*?\*\/|\/\/.*$/g, "");
        if (depth === 0 && !/^\s*(\*|\/\*)/.test(line)) {
            const m = MEMBER.exec(code);
            if (m) {
                out.push([m[1], m[2]]);
            }
        }
        for (const ch of code) {
            depth += ch === "{" ? 1 : ch === "}" ? -1 : 0;
        }
        if (depth < 0) {
            break;
        }
    }
    return out;
}

function shapeOf(typeText: string, inputs: string, seen: Set<string>): Shape {
    if (/(^|[^.\w])any\b/.test(typeText)) {
        return "*";
    }
    const ref = /inputs\.(\w+)\.(\w+Args)\b/.exec(typeText) ?? /inputs\.(\w+Args)\b/.exec(typeText);
    if (!ref) {
        return {};
    }
    const [ns, name] = ref.length === 3 ? [ref[1], ref[2]] : [undefined, ref[1]];
    const key = `${ns ?? ""}.${name}`;
    if (seen.has(key)) {
        return {};
    }
    const from = ns ? inputs.indexOf(`export declare namespace ${ns} {`) : 0;
    const list = members(inputs, name, from);
    if (!list) {
        throw new Error(`no interface ${key} in types/input.d.ts`);
    }
    const out: { [name: string]: Shape } = {};
    for (const [member, type] of list) {
        out[member] = shapeOf(type, inputs, new Set([...seen, key]));
    }
    return out;
}

/** The input property tree of every resource the pack reads, from an extracted package directory. */
export function nativeSchema(packageDir: string): { version: string; types: Record<string, Shape> } {
    const inputs = fs.readFileSync(path.join(packageDir, "types", "input.d.ts"), "utf8");
    const types: Record<string, Shape> = {};
    for (const [token, file] of Object.entries(NATIVE_RESOURCES)) {
        const text = fs.readFileSync(path.join(packageDir, file), "utf8");
        const argsName = /export interface (\w+Args) \{/.exec(text)?.[1];
        const list = argsName ? members(text, argsName) : undefined;
        if (!list) {
            throw new Error(`${file} declares no Args interface`);
        }
        const shape: { [name: string]: Shape } = {};
        for (const [member, type] of list) {
            shape[member] = shapeOf(type, inputs, new Set());
        }
        types[token] = shape;
    }
    const version = (JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string }).version;
    return { version, types };
}

if (require.main === module) {
    const version = process.argv[2] ?? "1.79.0";
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-native-"));
    try {
        const tarball = execFileSync("npm", ["pack", `@pulumi/aws-native@${version}`, "--silent"], { cwd: dir, encoding: "utf8" })
            .trim()
            .split("\n")
            .pop() as string;
        execFileSync("tar", ["xzf", tarball], { cwd: dir });
        // From policy-pack/tools, or from its build in policy-pack/bin/tools.
        const pack = path.basename(path.dirname(__dirname)) === "bin" ? path.resolve(__dirname, "..", "..") : path.resolve(__dirname, "..");
        const out = path.join(pack, "..", "tests", "policy-pack", "aws-native-schema.json");
        fs.writeFileSync(out, `${JSON.stringify(nativeSchema(path.join(dir, "package")), null, 2)}\n`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
