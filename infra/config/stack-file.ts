/**
 * Reads a `Pulumi.<stack>.yaml` the way the offline tools need it: into the
 * flat `ns:key` -> text map that Pulumi hands a program, with the line of every
 * key, so that each problem names the file, the line, the key and the fix.
 * Bad files (missing, not a regular file, larger than a stack file can be,
 * not UTF-8, YAML syntax errors, duplicate keys, alias bombs, deep nesting:
 * infra/input; secrets the tools cannot decrypt) are ConfigErrors, which every
 * command prints without a stack trace and exits 2 on.
 */
import { Document, isMap, isScalar, isSeq, Node } from "yaml";
import { isInputError, readInputFile } from "../input/file";
import { parseYamlInput, YamlInput } from "../input/yaml";
import { ConfigError, ConfigProblem, isConfigError } from "./errors";
import { NAMESPACE } from "./keys";
import { goYamlValue, pulumiConfigText, UnrepresentableValue } from "./yaml-values";

export interface StackFile {
    /** The file as given. */
    file: string;
    /** Flat config: `ns:key` -> text, objects and lists as JSON (as `pulumi.runtime.allConfig()` has it). */
    config: Record<string, string>;
    /** The keys whose value is a list or a mapping (Pulumi's object values). */
    structured: string[];
    /** The 1-based line of a config key path such as `s3-transfer:partners[0].accountId`, or of its nearest enclosing key. */
    lineOf(key: string): number | undefined;
    /** The file's YAML document as read (comments and order kept), for a tool that rewrites it. */
    doc: Document.Parsed;
}

/** `s3-transfer:partners[0].accountId` -> ["s3-transfer:partners", 0, "accountId"]. */
export function keyPath(key: string): (string | number)[] {
    const match = /^([^.[\s]+)((?:\[\d+\]|\.[A-Za-z0-9_-]+)*)/.exec(key);
    if (!match) return [];
    const rest = [...match[2].matchAll(/\[(\d+)\]|\.([A-Za-z0-9_-]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]));
    return [match[1], ...rest];
}

function fileProblem(file: string, key: string, problem: string, fix: string, line?: number): ConfigError {
    return new ConfigError([{ key, problem, fix, file, ...(line ? { line } : {}) }]);
}

/** Secure values (`{secure: <ciphertext>}`) anywhere in a config value, by their key path. */
function secretPaths(value: unknown, path: string): string[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, `${path}[${i}]`));
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure") return [path];
        return entries.flatMap(([k, v]) => secretPaths(v, `${path}.${k}`));
    }
    return [];
}

/**
 * Loads a stack file. `option` names the command-line option the file came
 * from (`--config`), or is undefined for the stack's own `Pulumi.<stack>.yaml`.
 */
export function loadStackFile(file: string, option?: string): StackFile {
    const origin = option ?? "--stack";
    const missingFix = option
        ? `give ${option} the path of an existing stack file, e.g. ${option} stacks/examples/handover.yaml`
        : "name a stack of this project (a Pulumi.<stack>.yaml next to Pulumi.yaml), or give its file with --config <file>";
    let text: string;
    try {
        text = readInputFile(file, "stack file", missingFix);
    } catch (err) {
        if (!isInputError(err)) throw err;
        throw fileProblem(file, origin, `the stack file ${file} ${err.problem}`, err.fix);
    }
    let parsed: YamlInput;
    try {
        parsed = parseYamlInput(text, { file, kind: "stack file" });
    } catch (err) {
        if (!isInputError(err)) throw err;
        throw fileProblem(file, err.at ?? "(file)", err.problem, err.fix, err.line);
    }
    const { doc, lines } = parsed;
    const lineOfNode = (node: unknown): number | undefined => {
        const range = (node as Node | undefined)?.range;
        return range ? lines.linePos(range[0]).line : undefined;
    };
    const root = doc.contents;
    const configNode = isMap(root) ? root.get("config", true) : undefined;
    if (root !== null && !isMap(root)) {
        throw fileProblem(file, "(file)", "must be a YAML mapping with a `config:` section", `start ${file} with "config:" and list the keys under it`, lineOfNode(root));
    }
    if (configNode !== undefined && configNode !== null && !(isScalar(configNode) && configNode.value === null) && !isMap(configNode)) {
        throw fileProblem(
            file,
            "config",
            "must be a mapping of keys to values",
            `write each setting as "  ${NAMESPACE}:<key>: <value>" under config: in ${file}`,
            lineOfNode(configNode),
        );
    }

    // Pulumi files a key written without a namespace under the project's, which is ours (pulumi/pulumi
    // sdk/go/common/workspace/loaders.go, stackConfigNamespacedWithProject): `side:` is `s3-transfer:side`.
    const asWritten = new Map<string, string>();
    const lineOf = (key: string): number | undefined => {
        const path = keyPath(key);
        if (typeof path[0] === "string") path[0] = asWritten.get(path[0]) ?? path[0];
        for (let n = path.length; n > 0; n--) {
            // The pair's key node carries the line where the key is written.
            const parent = n === 1 ? configNode : doc.getIn(["config", ...path.slice(0, n - 1)], true);
            const last = path[n - 1];
            if (isMap(parent)) {
                const pair = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === last);
                const line = lineOfNode(pair?.key);
                if (line) return line;
            } else if (isSeq(parent) && typeof last === "number") {
                const line = lineOfNode(parent.items[last]);
                if (line) return line;
            }
        }
        return undefined;
    };

    const config: Record<string, string> = {};
    const structured: string[] = [];
    const secrets: ConfigProblem[] = [];
    const pairs = isMap(configNode) ? configNode.items : [];
    const keyText = (pair: (typeof pairs)[number]) => String(isScalar(pair.key) ? pair.key.value : pair.key);
    const written = new Set(pairs.map(keyText));
    for (const pair of pairs) {
        const writtenKey = keyText(pair);
        const key = writtenKey.includes(":") ? writtenKey : `${NAMESPACE}:${writtenKey}`;
        if (key !== writtenKey) {
            if (written.has(key)) {
                throw fileProblem(
                    file,
                    key,
                    `is set twice, as ${writtenKey} and as ${key} (Pulumi reads a key without a namespace as the project's)`,
                    `keep one of the two in ${file}`,
                    lineOf(key),
                );
            }
            asWritten.set(key, writtenKey);
        }
        // The value as Pulumi reads it (go-yaml v3's resolution, infra/config/yaml-values.ts), not as a YAML 1.2 reader would.
        let value: unknown;
        try {
            value = goYamlValue(pair.value, doc);
        } catch (err) {
            if (!(err instanceof UnrepresentableValue)) throw err;
            throw fileProblem(
                file,
                key,
                `holds ${err.source}, a YAML float that Pulumi cannot read (its reader fails the whole stack file: "${err.message}")`,
                `write the value in quotes in ${file} if it is text`,
                lineOf(key),
            );
        }
        for (const secret of secretPaths(value, key)) {
            secrets.push({
                key: secret,
                problem: "is an encrypted secret (secure:), which the offline tools cannot decrypt; no setting of this program is secret (account IDs, ARNs and names are not)",
                fix: `store it in plain text: pulumi config set --path '${secret}' <value>   (without --secret); or plan with --config <a copy of ${file} without it>`,
                file,
                ...(lineOf(secret) ? { line: lineOf(secret) } : {}),
            });
        }
        // What Pulumi hands the program (object.go, MarshalString): a string as written, nothing as "" (loaders.go),
        // a number or boolean as its JSON (so an unquoted 012345678901 arrives as 12345678901), a list or mapping as JSON.
        config[key] = pulumiConfigText(value);
        if (value !== null && typeof value === "object") structured.push(key);
    }
    if (secrets.length) throw new ConfigError(secrets);
    return { file, config, structured, lineOf, doc };
}

/** The same ConfigError with each problem located in the stack file (problems already located are kept). */
export function locateProblems(err: unknown, stackFile: StackFile): unknown {
    if (!isConfigError(err)) return err;
    return new ConfigError(
        err.problems.map((p) => {
            if (p.file) return p;
            const line = stackFile.lineOf(p.key);
            return { ...p, file: stackFile.file, ...(line ? { line } : {}) };
        }),
    );
}
