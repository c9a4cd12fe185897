/**
 * Pulumi.yaml: the project's name, which is this program's config namespace,
 * and the declarations of its keys (from the config model, written by
 * `npm run docs:config`). Also what the engine does with those declarations
 * before a program runs, so that an offline plan sees the config a
 * `pulumi up` program sees and fails where `pulumi up` fails:
 * - a declared key the stack lacks takes its declared default;
 * - a declared key with no default that the stack lacks refuses the stack;
 * - a value that is not of the declared type refuses the stack.
 * (pulumi/pulumi sdk/go/common/workspace/config.go, mergeConfig and
 * validateStackConfigValue; project.go, ValidateConfigValue.)
 */
import * as path from "path";
import { isMap, isScalar, parseDocument, Scalar, visit, YAMLMap } from "yaml";
import { isInputError, readInputFile } from "../input/file";
import { parseYamlInput } from "../input/yaml";
import { ConfigError } from "./errors";
import { fixFor, fixInFile, NAMESPACE, ProjectConfigDeclaration, projectConfigDeclarations, TOP_LEVEL_KEYS } from "./keys";

export interface ProjectFile {
    file: string;
    name: string;
    /** Pulumi.yaml's `config:` block, by key as written there. */
    config: Record<string, unknown>;
}

export function loadProjectFile(root: string): ProjectFile {
    const file = path.join(root, "Pulumi.yaml");
    const refuse = (problem: string, fix: string) => new ConfigError([{ key: "(file)", problem, fix, file }]);
    let project: { name?: unknown; config?: Record<string, unknown> | null };
    try {
        const text = readInputFile(file, "project file", "run the command from a checkout of this project, where Pulumi.yaml is");
        project = (parseYamlInput(text, { file, kind: "project file" }).value ?? {}) as typeof project;
    } catch (err) {
        if (!isInputError(err)) throw err;
        throw new ConfigError([{ key: err.at ?? "(file)", problem: err.problem, fix: err.fix, file, ...(err.line ? { line: err.line } : {}) }]);
    }
    if (typeof project.name !== "string" || !project.name) throw refuse("has no name:", `set name: ${NAMESPACE} in ${file}`);
    return { file, name: project.name, config: project.config ?? {} };
}

/** A config key of Pulumi.yaml as the engine files it: a bare key is the project's. */
function stackKey(project: ProjectFile, key: string): string {
    return key.includes(":") ? key : `${project.name}:${key}`;
}

/** Whether a stack value is of a declared type, as the engine decides it (strings parse as integers and booleans). */
function isOfType(type: string, value: string, structured: boolean): boolean {
    if (type === "array" || type === "object") {
        if (!structured) return false;
        const parsed: unknown = JSON.parse(value);
        return type === "array" ? Array.isArray(parsed) : parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
    }
    if (structured) return false;
    // strconv.Atoi: decimal digits with an optional sign, within Go's 64-bit int.
    if (type === "integer") return /^[+-]?\d+$/.test(value) && BigInt(value) >= -(2n ** 63n) && BigInt(value) < 2n ** 63n;
    if (type === "boolean") return value === "true" || value === "false";
    return type === "string";
}

/**
 * The stack's config as the engine hands it to the program, with Pulumi.yaml's
 * declarations applied; a ConfigError (in the engine's words, with our fix)
 * where the engine would refuse the stack: all the missing keys in one problem,
 * as Pulumi lists them, or else the first key (in key order) of the wrong type,
 * where Pulumi stops. `structured` lists the keys whose value is a list or
 * mapping in the stack file; `file` is where the config was read from, for the
 * fixes. Stack environments (Pulumi ESC `environment:`) are not modelled: no
 * stack of this project uses one.
 */
export function applyProjectConfig(
    project: ProjectFile,
    stack: string,
    config: Record<string, string>,
    structured: readonly string[] = [],
    file = `Pulumi.${stack}.yaml`,
): Record<string, string> {
    const merged = { ...config };
    const missing: string[] = [];
    const declarations = Object.entries(project.config)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([declared, raw]) => ({
            declared,
            key: stackKey(project, declared),
            declaration: (raw !== null && typeof raw === "object" && !Array.isArray(raw) ? raw : { default: raw }) as Partial<ProjectConfigDeclaration> & { value?: unknown },
        }));
    for (const { declared, key, declaration } of declarations) {
        if (merged[key] !== undefined) continue;
        const fallback = declaration.default ?? declaration.value;
        if (fallback !== undefined && fallback !== null) merged[key] = typeof fallback === "object" ? JSON.stringify(fallback) : String(fallback);
        // Only the project's own keys are required; another namespace's declaration without a value is not.
        else if (key.startsWith(`${project.name}:`)) missing.push(declared);
    }
    if (missing.length) {
        const quoted = missing.map((k) => `'${k}'`);
        const listed = quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}` : quoted[0];
        const keys = missing.map((k) => stackKey(project, k));
        throw new ConfigError([
            {
                key: keys[0],
                problem: `${keys.length > 1 ? `and ${keys.slice(1).join(", ")} are` : "is"} declared in Pulumi.yaml without a default, so Pulumi refuses the stack without ${keys.length > 1 ? "them" : "it"} ("Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${listed}")`,
                fix: keys.map((k) => fixInFile(fixFor(k, file), file, stack)).join("; "),
            },
        ]);
    }
    for (const { declared, key, declaration } of declarations) {
        if (declaration.type && key.startsWith(`${project.name}:`) && !isOfType(declaration.type, merged[key], structured.includes(key))) {
            throw new ConfigError([
                {
                    key,
                    problem: `is declared in Pulumi.yaml as ${declaration.type}, so Pulumi refuses the stack ("Stack '${stack}' with configuration key '${declared}' must be of type '${declaration.type}'")`,
                    fix: fixInFile(fixFor(key, file), file, stack),
                },
            ]);
        }
    }
    return merged;
}

/** Whether a key of Pulumi.yaml's `config:` block is one of this program's (bare, or in its namespace). */
function isOwnKey(key: string): boolean {
    return !key.includes(":") || key.startsWith(`${NAMESPACE}:`);
}

/**
 * Pulumi.yaml's text with this program's declarations in its `config:` block
 * and its `template:` block written from the config model. Every other entry
 * of `config:` (another namespace's value, such as the `pulumi:tags` that
 * `pulumi new` adds, or `aws:defaultTags`), the comments and the other keys are kept.
 */
export function projectFileText(current: string): string {
    const doc = parseDocument(current);
    const kept = doc.get("config", true);
    const others = isMap(kept) ? kept.items.filter((pair) => !(isScalar(pair.key) && isOwnKey(String(pair.key.value)))) : [];
    const declarations = projectConfigDeclarations();
    const config = doc.createNode(declarations) as YAMLMap;
    config.items.unshift(...others);
    doc.set("config", config);
    const required = (TOP_LEVEL_KEYS as readonly { key: string; required?: true; doc: string }[]).filter((spec) => spec.required);
    // `pulumi new` prompts for a template's config; the required keys are what a new stack needs first.
    doc.set(
        "template",
        doc.createNode({
            description: "A side (publisher or partner) of a secure file exchange over cross-account S3 Replication",
            config: Object.fromEntries(
                required.map((spec) => [
                    spec.key,
                    {
                        description: spec.key.includes(":") ? spec.doc : declarations[spec.key].description,
                        ...(spec.key === "aws:region" ? { default: "us-east-1" } : {}),
                    },
                ]),
            ),
        }),
    );
    // A YAML 1.1 reader (Go's, for one) takes a bare off/on/yes/no for a boolean: quote such words.
    visit(doc, {
        Scalar(_, node) {
            if (isScalar(node) && typeof node.value === "string" && /^(y|yes|n|no|on|off|true|false|null|~)$/i.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
        },
    });
    return doc.toString({ lineWidth: 0 });
}
