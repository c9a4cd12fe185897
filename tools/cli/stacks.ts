/**
 * The one place a command turns `--stack` and `--config` into the stack it
 * works on, so that every command accepts the same names:
 * - `prod`, the stack's own name, as `pulumi stack select prod` takes it;
 * - `<organization>/prod` and `<organization>/<project>/prod`, the forms
 *   `pulumi --stack` and a stack reference take (Pulumi docs, "Stack
 *   references": https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences),
 *   where the project must be this one and the organization is the backend's
 *   (the self-managed backend's is always `organization`).
 * A stack of this project is one with its `Pulumi.<stack>.yaml` at the root,
 * the file `pulumi config set` writes; an unknown name is refused with the
 * stacks that exist and the nearest of them.
 *
 * Light on purpose: the runner imports it, and `key` starts without the SDKs;
 * Pulumi.yaml's reader and the did-you-mean helper load only when a stack is named.
 */
import * as fs from "fs";
import * as path from "path";
import { unreadableInput } from "../../infra/input/file";
import { PROJECT_ROOT, stackConfigFile } from "../root";
import { UsageError } from "./errors";

export interface StackTarget {
    /** The stack's own name (the last part of a qualified one): `--stack`, or else the `--config` file's name. */
    stack: string;
    /** The backend organization a qualified `--stack` named; undefined for a bare name (the plan then uses the self-managed backend's). */
    organization?: string;
    /** `--stack` as given, for commands that hand it on to the Pulumi CLI (`pulumi stack output --stack <name>`). */
    given?: string;
    /** The config file the stack is read from. */
    configFile: string;
    /** True when `--config` named the file (an example, or a stack's file given explicitly). */
    explicitConfig: boolean;
}

const PART = /^[A-Za-z0-9_.-]+$/;

/** The deps of a command that checks `--stack` against the project's stacks. */
export interface ProjectRootDeps {
    /** The folder whose `Pulumi.yaml` and `Pulumi.<stack>.yaml` files are the project and the stacks `--stack` may name (default: this repository's root). */
    root?: string;
}

/** The stacks of this project: every `Pulumi.<stack>.yaml` at the root but Pulumi.yaml itself, sorted. */
export function projectStacks(root = PROJECT_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined && PART.test(name))
        .sort();
}

/** This project's name, from Pulumi.yaml (a ConfigError naming the file when it is unreadable). */
function projectName(root: string): string {
    const { loadProjectFile } = require("../../infra/config/project-file") as typeof import("../../infra/config/project-file");
    return loadProjectFile(root).name;
}

/** `--stack` as a stack of this project: its own name and, when qualified, the organization. A `UsageError` naming the fix otherwise. */
export function resolveStackName(given: string, root = PROJECT_ROOT): { stack: string; organization?: string } {
    const parts = given.split("/");
    if (parts.length > 3 || !parts.every((p) => PART.test(p))) {
        throw new UsageError(`--stack ${given}: not a stack name; give <stack> (e.g. prod) or <organization>/<project>/<stack> (e.g. organization/${projectName(root)}/prod)`);
    }
    const stack = parts[parts.length - 1];
    const organization = parts.length > 1 ? parts[0] : undefined;
    if (parts.length === 3) {
        const project = projectName(root);
        if (parts[1] !== project) {
            throw new UsageError(
                `--stack ${given}: names a stack of project "${parts[1]}", but this is project "${project}" (Pulumi.yaml); fix: --stack ${stack} or --stack ${parts[0]}/${project}/${stack}`,
            );
        }
    }
    const known = projectStacks(root);
    if (!known.includes(stack)) {
        const { didYouMean } = require("../../infra/config/keys") as typeof import("../../infra/config/keys");
        const nearest = didYouMean(stack, known);
        throw new UsageError(
            `--stack ${given}: this project has no stack "${stack}" (no ${path.basename(stackConfigFile(stack, root))})${nearest ? `; did you mean ${nearest}?` : ""}\n` +
                `the stacks of this project: ${known.join(", ") || "(none: create one with pulumi stack init <name>)"}; an example is planned with --config <file> (e.g. --config stacks/examples/sse-kms.yaml)`,
        );
    }
    return { stack, ...(organization !== undefined ? { organization } : {}) };
}

/**
 * The stack a command works on, from `--stack <name>` and `--config <file>`,
 * with its config file checked to be readable (a `UsageError` naming the file
 * and the fix otherwise). `--config` alone names an example as a stack called
 * after its file (`stacks/examples/sse-kms.yaml` is `sse-kms`,
 * `Pulumi.prod.yaml` is `prod`); with both, `--stack` names the stack and need
 * not have a file of its own.
 */
export function stackTarget(values: { stack?: string; config?: string }, root = PROJECT_ROOT): StackTarget {
    if (values.stack === "") throw new UsageError("--stack needs a stack name, e.g. --stack prod");
    if (values.config === "") throw new UsageError("--config needs a file, e.g. --config stacks/examples/sse-kms.yaml");
    if (values.stack === undefined && values.config === undefined) {
        throw new UsageError("--stack <name> or --config <file> is required (e.g. --stack prod, or --config stacks/examples/sse-kms.yaml)");
    }
    if (values.config !== undefined) {
        const problem = unreadable(values.config);
        if (problem) {
            throw new UsageError(`--config ${values.config}: cannot read it (${problem}); fix: give the path of a stack config, e.g. stacks/examples/sse-kms.yaml`);
        }
        const named = values.stack !== undefined ? qualifiedParts(values.stack) : { stack: stackNameOfFile(values.config) };
        return { ...named, ...(values.stack !== undefined ? { given: values.stack } : {}), configFile: values.config, explicitConfig: true };
    }
    const resolved = resolveStackName(values.stack!, root);
    const configFile = stackConfigFile(resolved.stack, root);
    const problem = unreadable(configFile);
    if (problem) throw new UsageError(`--stack ${values.stack}: cannot read ${configFile} (${problem}); fix: make it readable, or give the config with --config <file>`);
    return { ...resolved, given: values.stack!, configFile, explicitConfig: false };
}

/** A stack name with `--config`: the stack need not exist here, so only its shape is checked. */
function qualifiedParts(given: string): { stack: string; organization?: string } {
    const parts = given.split("/");
    if (parts.length > 3 || !parts.every((p) => PART.test(p)))
        throw new UsageError(`--stack ${given}: not a stack name; give <stack> (e.g. prod) or <organization>/<project>/<stack>`);
    return { stack: parts[parts.length - 1], ...(parts.length > 1 ? { organization: parts[0] } : {}) };
}

/** The stack a config file stands for: its name without `Pulumi.` and `.yaml`. */
export function stackNameOfFile(file: string): string {
    return path
        .basename(file)
        .replace(/^Pulumi\./, "")
        .replace(/\.ya?ml$/, "");
}

/** The reason a file cannot be read as input (`ENOENT: no such file`, `it is a named pipe (FIFO), not a regular file`), or undefined when it can. */
export const unreadable = unreadableInput;

/** The command line that names the same stack again, for a next-step hint: `--config <file>` for an example, `--stack <name>` for a stack of this project. */
export function stackArgs(target: Pick<StackTarget, "stack" | "configFile" | "explicitConfig"> & { given?: string }): string {
    const stack = target.given ?? target.stack;
    if (!target.explicitConfig) return `--stack ${stack}`;
    const file = configPath(target.configFile);
    return stackNameOfFile(file) === stack ? `--config ${file}` : `--stack ${stack} --config ${file}`;
}

/** The stack named for a command that reads its deployment (`pulumi stack output --stack <name>`): always `--stack`, with the config file the user gave. */
export function deployedStackArgs(target: Pick<StackTarget, "stack" | "configFile" | "explicitConfig"> & { given?: string }): string {
    const named = `--stack ${target.given ?? target.stack}`;
    return target.explicitConfig ? `${named} --config ${configPath(target.configFile)}` : named;
}

/** A config file as a hint shows it: relative to the root when it is inside it. */
function configPath(file: string): string {
    const relative = path.relative(PROJECT_ROOT, path.resolve(file));
    return relative.startsWith("..") ? file : relative;
}
