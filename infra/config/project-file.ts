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
import * as fs from "fs";
import * as path from "path";
import { isScalar, parseDocument, Scalar, visit } from "yaml";
import { ConfigError, ConfigProblem } from "./errors";
import { fixFor, NAMESPACE, ProjectConfigDeclaration, projectConfigDeclarations, TOP_LEVEL_KEYS } from "./keys";

export interface ProjectFile {
    file: string;
    name: string;
    /** Pulumi.yaml's `config:` block, by key as written there. */
    config: Record<string, unknown>;
}

export function loadProjectFile(root: string): ProjectFile {
    const file = path.join(root, "Pulumi.yaml");
    const project = (parseDocument(fs.readFileSync(file, "utf8")).toJS() ?? {}) as { name?: unknown; config?: Record<string, unknown> | null };
    if (typeof project.name !== "string" || !project.name) throw new Error(`${file} has no name`);
    return { file, name: project.name, config: project.config ?? {} };
}

/**
 * The project's name must be this program's config namespace: Pulumi files a
 * key set without one (`pulumi config set side publisher`) under the
 * project's name, and types only the project's keys.
 */
export function namespaceProblem(project: ProjectFile): string | undefined {
    return project.name === NAMESPACE
        ? undefined
        : `${project.file} names the project "${project.name}", but this program reads its keys as ${NAMESPACE}:<key>; \`pulumi config set side publisher\` would write ${project.name}:side, which it ignores`;
}

/** A config key of Pulumi.yaml as the engine files it: a bare key is the project's. */
function stackKey(project: ProjectFile, key: string): string {
    return key.includes(":") ? key : `${project.name}:${key}`;
}

/** Whether a stack value is of a declared type, as the engine decides it (strings parse as integers and booleans). */
function isOfType(type: string, value: string, structured: boolean): boolean {
    if (structured) return false;
    if (type === "integer") return /^[+-]?\d+$/.test(value);
    if (type === "boolean") return value === "true" || value === "false";
    return type === "string";
}

/**
 * The stack's config as the engine hands it to the program, with Pulumi.yaml's
 * declarations applied; a ConfigError (in the engine's words, with our fix)
 * where the engine would refuse the stack. `structured` lists the keys whose
 * value is a list or mapping in the stack file.
 */
export function applyProjectConfig(project: ProjectFile, stack: string, config: Record<string, string>, structured: readonly string[] = []): Record<string, string> {
    const merged = { ...config };
    const problems: ConfigProblem[] = [];
    for (const [declared, raw] of Object.entries(project.config).sort(([a], [b]) => a.localeCompare(b))) {
        const key = stackKey(project, declared);
        const declaration = (raw !== null && typeof raw === "object" && !Array.isArray(raw) ? raw : { default: raw }) as Partial<ProjectConfigDeclaration> & { value?: unknown };
        const fallback = declaration.default ?? declaration.value;
        if (merged[key] === undefined) {
            if (fallback === undefined || fallback === null) {
                problems.push({
                    key,
                    problem: `is declared in Pulumi.yaml without a default, so Pulumi refuses the stack without it ("Stack '${stack}' is missing configuration value '${declared}'")`,
                    fix: fixFor(key, stack),
                });
                continue;
            }
            merged[key] = typeof fallback === "object" ? JSON.stringify(fallback) : String(fallback);
            continue;
        }
        if (declaration.type && !isOfType(declaration.type, merged[key], structured.includes(key))) {
            problems.push({
                key,
                problem: `is declared in Pulumi.yaml as ${declaration.type}, so Pulumi refuses the stack ("Stack '${stack}' with configuration key '${declared}' must be of type '${declaration.type}'")`,
                fix: fixFor(key, stack),
            });
        }
    }
    if (problems.length) throw new ConfigError(problems);
    return merged;
}

/** Pulumi.yaml's text with its `config:` and `template:` blocks written from the config model (comments and other keys kept). */
export function projectFileText(current: string): string {
    const doc = parseDocument(current);
    doc.set("config", doc.createNode(projectConfigDeclarations()));
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
                        description: spec.key.includes(":") ? spec.doc : projectConfigDeclarations()[spec.key].description,
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
