/**
 * The engine tier's harness: the real `pulumi` CLI (the one on PATH, as a user has it) runs
 * this project against the stand-in aws provider (aws-provider/), each workspace with a fresh
 * local backend (`pulumi login file://<temp>`), the passphrase secrets provider, and a
 * stand-in cloud of its own. Nothing is written into the repository: the engine works on a
 * temporary copy of the project (`pulumi stack init` writes an encryption salt into the stack
 * file), with node_modules and the policy pack linked.
 *
 * General on purpose: any stack file of the project, any example config (stacks/examples/),
 * or any config a test writes, under any stack name.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { PROJECT_ROOT } from "../../tools/root";
import { pulumiOnPath } from "../../tools/test";
import { CLOUD_DIR_VARIABLE, StandInCloud } from "./aws-provider/cloud";

export const STAND_IN_PLUGIN_DIR = path.join(__dirname, "aws-provider", "plugin");
/** The launcher runs this compiled entry of the stand-in when it is set (else the TypeScript through ts-node). */
const COMPILED_PLUGIN_VARIABLE = "STANDIN_AWS_PLUGIN_JS";
let compiledPlugin: string | undefined;

/**
 * The stand-in plugin as JavaScript, transpiled once per test process: the engine starts one
 * plugin process per provider resource and operation, and ts-node loading TypeScript to
 * transpile the same files each time cost over a second a start. Each source reachable by
 * relative imports from aws-provider/main.ts is transpiled on its own (as tools/build.js builds
 * bin/), into a folder under node_modules/.cache so that packages resolve from the project's
 * node_modules; the folder goes when the process exits.
 */
function compiledStandIn(): string {
    if (compiledPlugin) return compiledPlugin;
    const ts = require("typescript") as typeof import("typescript");
    const { config } = ts.readConfigFile(path.join(PROJECT_ROOT, "tsconfig.json"), ts.sys.readFile);
    const { options } = ts.convertCompilerOptionsFromJson((config as { compilerOptions?: object }).compilerOptions ?? {}, PROJECT_ROOT);
    const cache = path.join(PROJECT_ROOT, "node_modules", ".cache");
    fs.mkdirSync(cache, { recursive: true });
    const outDir = fs.mkdtempSync(path.join(cache, "standin-aws-"));
    process.on("exit", () => fs.rmSync(outDir, { recursive: true, force: true }));
    const entry = path.join(__dirname, "aws-provider", "main.ts");
    const queue = [entry];
    for (const seen = new Set(queue); queue.length;) {
        const file = queue.shift()!;
        const text = fs.readFileSync(file, "utf8");
        const out = path.join(outDir, path.relative(PROJECT_ROOT, file)).replace(/\.ts$/, ".js");
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, ts.transpileModule(text, { compilerOptions: options, fileName: file }).outputText);
        for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
            if (!fileName.startsWith(".")) continue;
            const target = [".ts", "/index.ts"].map((suffix) => path.resolve(path.dirname(file), fileName) + suffix).find((f) => fs.existsSync(f));
            if (target && !seen.has(target)) {
                seen.add(target);
                queue.push(target);
            }
        }
    }
    compiledPlugin = path.join(outDir, path.relative(PROJECT_ROOT, entry)).replace(/\.ts$/, ".js");
    return compiledPlugin;
}
export const PASSPHRASE = "engine-tests-only";
/** What `pulumi.getOrganization()` is in a self-managed (file, S3) backend. */
export const DIY_ORGANIZATION = "organization";

/** Skips the calling suite when no CLI is on PATH (tools/test.ts says so in its summary). */
export function requireEngine(suite: Mocha.Context): void {
    if (!pulumiOnPath()) suite.skip();
}

export interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
    /** stdout and stderr, for messages that may come on either. */
    output: string;
}

/** What the project copy leaves out: dependencies and builds are linked or not needed, state is never copied. */
const NOT_COPIED = new Set(["node_modules", ".git", "bin", "plans", "scratch", "policy-pack", "engine"]);

/** Runs a command to its end, its output collected. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: options.cwd, env: options.env });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr, output: `${stdout}\n${stderr}` }));
        child.stdin.end(options.input ?? "");
    });
}

export class EngineWorkspace {
    readonly projectDir: string;
    readonly backendDir: string;
    readonly cloud: StandInCloud;
    readonly project: string;
    private readonly home: string;

    private constructor(
        readonly root: string,
        projectSource: string,
    ) {
        this.projectDir = path.join(root, "project");
        this.backendDir = path.join(root, "backend");
        this.home = path.join(root, "pulumi-home");
        this.cloud = new StandInCloud(path.join(root, "cloud"));
        for (const dir of [this.backendDir, this.home, this.cloud.dir]) fs.mkdirSync(dir, { recursive: true });
        fs.cpSync(projectSource, this.projectDir, {
            recursive: true,
            filter: (source) => !(path.dirname(source) === projectSource && NOT_COPIED.has(path.basename(source))),
        });
        for (const linked of ["node_modules", "policy-pack"]) fs.symlinkSync(path.join(PROJECT_ROOT, linked), path.join(this.projectDir, linked));
        this.project = (YAML.parse(fs.readFileSync(path.join(this.projectDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    }

    /** A new workspace, logged in to its own empty file backend; the project is this repository's unless another directory is given. */
    static async create(projectSource = PROJECT_ROOT): Promise<EngineWorkspace> {
        const workspace = new EngineWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), "engine-")), projectSource);
        await workspace.pulumiOk(["login", `file://${workspace.backendDir}`]);
        return workspace;
    }

    /** The environment every command runs with: the stand-in first on PATH, nothing of the user's Pulumi state. */
    get env(): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PATH: [STAND_IN_PLUGIN_DIR, process.env.PATH].join(path.delimiter),
            PULUMI_HOME: this.home,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            // Types are checked by `npm run typecheck`; the language host only transpiles
            // (https://www.pulumi.com/docs/iac/languages-sdks/javascript/#typescript).
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            [CLOUD_DIR_VARIABLE]: this.cloud.dir,
            [COMPILED_PLUGIN_VARIABLE]: compiledStandIn(),
        };
        for (const inherited of ["PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE", "STANDIN_AWS_ACCOUNT_ID"]) delete env[inherited];
        return env;
    }

    /** Runs the CLI in the project copy. */
    pulumi(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
        return run("pulumi", [...args, "--non-interactive"], { cwd: this.projectDir, env: { ...this.env, ...options.env }, input: options.input });
    }

    /** Runs the CLI and fails with its output unless it exits 0. */
    async pulumiOk(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
        const run = await this.pulumi(args, options);
        if (run.status !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${run.status}:\n${run.output}`);
        return run;
    }

    /**
     * `npm run <script> -- <args>` in the project copy, as a person runs it there: the copy's own
     * build of the tools (bin/, built by tools/build.js on first use), the CLI on PATH, this
     * workspace's backend and stand-in cloud, npm on the Node running the tests. With
     * `recordPulumi`, every `pulumi` command run meanwhile (by the tool or the Automation API
     * under it) is appended to that file, one line of arguments each, before it runs.
     */
    npmRun(script: string, args: string[], options: { recordPulumi?: string } = {}): Promise<Run> {
        const dirs = [path.dirname(process.execPath)];
        if (options.recordPulumi) dirs.push(this.pulumiRecorder(options.recordPulumi));
        const env: NodeJS.ProcessEnv = { ...this.env, PATH: [...dirs, this.env.PATH].join(path.delimiter) };
        for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
        return run("npm", ["run", script, "--", ...args], { cwd: this.projectDir, env });
    }

    /** A directory holding a `pulumi` that logs its arguments to `log`, then runs the real CLI. */
    private pulumiRecorder(log: string): string {
        const real = pulumiOnPath();
        if (!real) throw new Error("no pulumi on PATH to record");
        const dir = path.join(this.root, "recorder");
        fs.mkdirSync(dir, { recursive: true });
        const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
        fs.writeFileSync(path.join(dir, "pulumi"), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${quote(log)}\nexec ${quote(real)} "$@"\n`, { mode: 0o755 });
        return dir;
    }

    /** The stack's full name in this backend: `organization/<project>/<stack>`. */
    qualified(stack: string): string {
        return `${DIY_ORGANIZATION}/${this.project}/${stack}`;
    }

    stackFile(stack: string): string {
        return path.join(this.projectDir, `Pulumi.${stack}.yaml`);
    }

    /** Gives the stack a config: a file of the repository (a root stack file, an example) or a config object (keeping its encryption salt). */
    useConfig(stack: string, config: string | Record<string, unknown>): void {
        this.writeStackFile(stack, typeof config === "string" ? fs.readFileSync(path.resolve(PROJECT_ROOT, config), "utf8") : YAML.stringify({ config }));
    }

    /**
     * Writes the stack's file as given, keeping the `encryptionsalt` that `pulumi stack init` wrote
     * into it. For a file to reach the engine exactly as written, init the stack first: `stack init`
     * re-serializes a stack file it finds (its YAML writer turns an unquoted 0123 into 83).
     */
    writeStackFile(stack: string, text: string): void {
        const salt = fs.existsSync(this.stackFile(stack)) ? /^encryptionsalt: .*$/m.exec(fs.readFileSync(this.stackFile(stack), "utf8"))?.[0] : undefined;
        fs.writeFileSync(this.stackFile(stack), salt ? `${salt}\n${text}` : text);
    }

    /** The stack file as the engine left it (`stack init` adds encryptionsalt, `config set` its keys). */
    readStackFile(stack: string): { config?: Record<string, unknown>; encryptionsalt?: string } {
        return YAML.parse(fs.readFileSync(this.stackFile(stack), "utf8"));
    }

    /** `pulumi stack init` with the passphrase secrets provider, keeping the stack's config file. */
    async initStack(stack: string): Promise<void> {
        await this.pulumiOk(["stack", "init", this.qualified(stack), "--secrets-provider", "passphrase", "--no-select"]);
    }

    async up(stack: string, extra: string[] = []): Promise<Run> {
        return this.pulumi(["up", "--yes", "--skip-preview", "--stack", this.qualified(stack), ...extra]);
    }

    async preview(stack: string, extra: string[] = []): Promise<Run> {
        return this.pulumi(["preview", "--stack", this.qualified(stack), ...extra]);
    }

    async config(stack: string, args: string[]): Promise<Run> {
        return this.pulumiOk(["config", ...args, "--stack", this.qualified(stack)]);
    }

    /** The stack's outputs, secrets in plain text. */
    async outputs(stack: string): Promise<Record<string, unknown>> {
        return JSON.parse((await this.pulumiOk(["stack", "output", "--json", "--show-secrets", "--stack", this.qualified(stack)])).stdout);
    }

    /** `pulumi stack export --show-secrets`: the engine's record of every resource. */
    async exportStack(stack: string): Promise<StackExport> {
        return JSON.parse((await this.pulumiOk(["stack", "export", "--show-secrets", "--stack", this.qualified(stack)])).stdout);
    }

    dispose(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

export interface ExportedResource {
    urn: string;
    type: string;
    custom: boolean;
    id?: string;
    protect?: boolean;
    retainOnDelete?: boolean;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

export interface StackExport {
    deployment: { resources?: ExportedResource[] };
}

/** The resources of an export, by URN. */
export function resourcesByUrn(exported: StackExport): Map<string, ExportedResource> {
    return new Map((exported.deployment.resources ?? []).map((r) => [r.urn, r]));
}

/** A link's status outputs (`links.<counterpart>.replication` / `.ingressGrant` / `.state`). */
export function linkStatus(outputs: Record<string, unknown>, counterpart: string): { replication?: string; ingressGrant?: string; state?: string } {
    return ((outputs.links as Record<string, Record<string, string>> | undefined) ?? {})[counterpart] ?? {};
}
