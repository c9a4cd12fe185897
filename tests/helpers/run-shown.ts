/**
 * Runs a command a page shows or a command prints, with its placeholders
 * filled in, and says whether it does what it says. How each kind is proved:
 * - `npm run <tool> -- ...` runs for real, offline, from the repository's root,
 *   with every file it writes redirected into a scratch folder and `--write`
 *   pointed at a copy of the stack file, so the repository is left alone;
 * - a tool that reads a deployed stack or calls AWS (canary, batch-replicate,
 *   handoff --deployed) runs up to where it would reach out: here, where no
 *   Pulumi CLI and no AWS credentials exist, it must stop there, saying so
 *   (not merely print a usage that mentions credentials); the `--stack` and
 *   `--counterpart` it names must be a stack of this project and one of that
 *   stack's entries, which the tool would only find out from the outputs;
 *   a placeholder stack is the team's first stack with a counterpart, and a
 *   placeholder counterpart that stack's first;
 * - a tool that rewrites the repository or runs the whole suite (test, bench,
 *   typecheck, format, build, docs:*) answers `--help` instead;
 * - `pulumi ...` and `aws ...` cannot run here: each is checked against the
 *   CLI's own commands and flags (pulumi-cli.ts), and a stack or config key it
 *   names must be one this project has.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { didYouMean, ENTRY_FIELDS, KNOWN_KEYS } from "../../infra/config/keys";
import { projectStacks } from "../../tools/cli/stacks";
import { loadInventory } from "../../tools/stacks/index";
import { PROJECT_ROOT } from "../../tools/root";
import { scripts, toolArgv } from "../../tools/scripts";
import { Run, runScriptAsync, runTool } from "./cli";
import { ShownCommand, words } from "./commands";
import { AWS_COMMANDS, PULUMI_COMMANDS, PULUMI_GLOBAL_FLAGS } from "./pulumi-cli";
import { counterpartList } from "./repository";

export type How = "ran" | "reached out" | "help" | "syntax" | "name";

export interface Verdict {
    command: ShownCommand;
    /** What was run (placeholders filled, files redirected), or checked. */
    ran: string;
    how: How;
    /** Undefined when the command does what it says; else why not. */
    problem?: string;
}

/** Values for a command's placeholders (`<s>`, `<counterpart>`, `<f>`...), by the option they follow. */
export interface Context {
    /** A scratch folder for every file a command writes. */
    dir: string;
    /** The stack config a placeholder stack stands for (`--stack <s>` becomes `--config <file>`). */
    stackConfig: (script: string) => string;
    counterpart: string;
    /** A hand-over file the placeholder stack accepts, and its fingerprint. */
    handoverFile: string;
    fingerprint: string;
    /** `pulumi stack output --json` of a deployed stack (for --outputs). */
    outputsFile: string;
    /** A file key of the naming convention (for --key). */
    fileKey: string;
}

/** Scripts checked by --help: they change the repository (docs:*, format, build) or run the whole suite. */
const HELP_ONLY = new Set(["test", "bench", "typecheck", "format", "build", "docs:matrix", "docs:config"]);
/** What a tool says when it stops where it would reach a Pulumi backend or AWS (read before its usage, which mentions credentials too). */
const REACHING_OUT = /the pulumi CLI is not installed or not on PATH|no usable AWS credentials|Could not load credentials|credentials/i;

/** What a tool said before the usage it prints after a usage error: the error itself. */
const beforeUsage = (said: string) => said.split(/^usage: /m)[0];

/** The scripts that work on a deployed stack (through the Pulumi CLI and AWS) and never on an offline plan. */
const DEPLOYED_ONLY = new Set(["canary", "batch-replicate", "converge", "drift"]);

const isPlaceholder = (word: string) => /^<[^>]+>$/.test(word) || /^"?<[^>]+>"?$/.test(word);

/** Runs or checks one shown command; `printed` for a command a tool printed for a given stack file, whose entry indices are that file's. */
export async function check(command: ShownCommand, ctx: Context, printed = false): Promise<Verdict> {
    const argv = words(command.text);
    const verdict = (how: How, ran: string, problem?: string): Verdict => ({ command, ran, how, ...(problem ? { problem } : {}) });
    if (argv[0] === "node") return verdict("name", command.text);
    if (argv.some((w) => /…|\.\.\./.test(w)))
        return verdict("name", command.text, "elides part of the command (… or ...): show it whole, with <placeholders> for what the reader fills in");
    if (argv[0] === "pulumi") return verdict("syntax", command.text, pulumiProblem(argv.slice(1), printed));
    if (argv[0] === "aws") return verdict("syntax", command.text, awsProblem(argv.slice(1)));
    if (argv[0] === "npx") {
        const inner = argv.indexOf("-c");
        return inner > 0 && argv[inner + 1] ? check({ ...command, text: argv[inner + 1] }, ctx, printed) : verdict("name", command.text);
    }
    if (argv[0] !== "npm") return verdict("name", command.text);
    if (argv[1] === "ci" || argv[1] === "install") return verdict("name", command.text);
    if (argv[1] === "test") return verdict("name", command.text);
    if (argv[1] !== "run") return verdict("name", command.text, `npm ${argv[1]} is not a command this project documents`);
    if (argv.length === 2) return verdict("name", command.text);
    const args = argv.slice(2).filter((w) => w !== "-s");
    const script = args[0];
    if (!Object.hasOwn(scripts(), script)) return verdict("name", command.text, `package.json has no script "${script}"`);
    const dash = args.indexOf("--");
    const given = dash < 0 ? [] : args.slice(dash + 1);
    if (HELP_ONLY.has(script) || given.length === 0) {
        // A script that is not one of the tools (prettier's format; build, the launcher itself) is its own command line.
        let isTool = true;
        try {
            toolArgv(script);
        } catch {
            isTool = false;
        }
        if (!isTool && script !== "build") return verdict("name", `npm run ${script}`);
        const r = isTool ? await runScriptAsync(script, ["--help"]) : spawnSync(process.execPath, ["tools/build.js", "--help"], { cwd: PROJECT_ROOT, encoding: "utf8" });
        return verdict("help", `npm run ${script} -- --help`, r.status === 0 ? undefined : `--help exited ${r.status}: ${r.stderr}`);
    }
    const filled = fill(script, given, ctx);
    if (typeof filled === "string") return verdict("ran", command.text, filled);
    const ran = `npm run ${script} -- ${filled.join(" ")}`;
    const reachesOut = (DEPLOYED_ONLY.has(script) && !filled.includes("--config")) || filled.includes("--deployed");
    if (reachesOut) {
        // It stops before it reads the stack's outputs: a counterpart the stack does not have would pass unseen.
        const problem = counterpartProblem(filled, given);
        if (problem) return verdict("reached out", ran, problem);
    }
    // A command that works offline runs in this process; one that reaches out runs as the user runs it, in a
    // process of its own where no Pulumi CLI and no AWS credentials can be found, so that it stops there.
    const r = reachesOut ? await runOffline(script, filled, ctx) : await runTool(script, filled);
    if (reachesOut) {
        const said = `${r.stderr}\n${r.stdout}`;
        return REACHING_OUT.test(beforeUsage(said)) && r.status !== 0
            ? verdict("reached out", ran)
            : verdict("reached out", ran, `did not stop where it reaches out (exit ${r.status}): ${said.slice(0, 600)}`);
    }
    return verdict("ran", ran, r.status === 0 ? undefined : `exited ${r.status}: ${(r.stderr || r.stdout).slice(0, 1200)}`);
}

/** Runs a tool where no Pulumi CLI and no AWS credentials can be found, so that it stops where it would reach out. */
function runOffline(script: string, args: string[], ctx: Context): Promise<Run> {
    const bin = path.join(ctx.dir, "empty-bin");
    fs.mkdirSync(bin, { recursive: true });
    const env: NodeJS.ProcessEnv = {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("npm_config_"))),
        PATH: [path.dirname(process.execPath), bin].join(path.delimiter),
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONFIG_FILE: path.join(bin, "none"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(bin, "none"),
    };
    return runScriptAsync(script, args, "", env);
}

/** The counterparts of a stack of this project, by its `Pulumi.<stack>.yaml` at the root; undefined when it has no such file. */
function stackCounterparts(stack: string): string[] | undefined {
    const file = path.join(PROJECT_ROOT, `Pulumi.${stack.split("/").pop()}.yaml`);
    if (!fs.existsSync(file)) return undefined;
    const config = ((YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
    return counterpartList(config).map((entry) => String(entry.name));
}

/** Why `--stack <s> --counterpart <c>` names a pair this project does not have, or undefined; `given` as shown, before placeholders were filled. */
function counterpartProblem(args: string[], given: string[]): string | undefined {
    const stack = args.includes("--stack") ? args[args.indexOf("--stack") + 1] : undefined;
    const counterpart = args.includes("--counterpart") ? args[args.indexOf("--counterpart") + 1] : undefined;
    if (stack === undefined || counterpart === undefined || args.includes("--config") || args.includes("--outputs")) return undefined;
    const known = stackCounterparts(stack);
    if (known === undefined) return `names stack ${stack}, which is not a stack of this project (${projectStacks().join(", ")})`;
    // A placeholder counterpart where no stack of the team has one yet: nothing the page shows can be wrong.
    if (!known.length && isPlaceholder(given[given.indexOf("--counterpart") + 1] ?? "")) return undefined;
    return known.includes(counterpart) ? undefined : `stack ${stack} has no counterpart ${counterpart} (its counterparts: ${known.join(", ") || "none"})`;
}

/**
 * A stack of this project for a placeholder `--stack` of a command that reads a deployed stack, with a counterpart
 * of its own for a placeholder `--counterpart`: whichever stacks the team has, the first with a counterpart.
 */
function deployedStack(): { stack: string; counterpart?: string } | undefined {
    const stacks = projectStacks().map((stack) => ({ stack, counterpart: stackCounterparts(stack)?.[0] }));
    return stacks.find((s) => s.counterpart !== undefined) ?? stacks[0];
}

/** The deploy group of this project with the most stacks (a pair before a stack alone), or undefined when it has none. */
function largestGroup(): { name: string; stacks: string[] } | undefined {
    return [...loadInventory().groups].sort((a, b) => b.stacks.length - a.stacks.length)[0];
}

/** The arguments with placeholders filled and written files redirected into the scratch folder, or why it cannot be run. */
function fill(script: string, shown: string[], ctx: Context): string[] | string {
    // `> file` is the shell's, not the command's: what the command prints is all this test reads.
    const given = shown.filter((w, i) => !/^\d?>>?/.test(w) && !/^\d?>>?$/.test(shown[i - 1] ?? ""));
    const out: string[] = [];
    // A placeholder stack of a command that reads a deployed stack is one of this project's; its counterpart is that stack's.
    const placeholderStack = given.some((w, i) => w === "--stack" && isPlaceholder(given[i + 1] ?? ""));
    const deployed = DEPLOYED_ONLY.has(script) && placeholderStack ? deployedStack() : undefined;
    // The group a placeholder --pair names, whose stacks fill the placeholders of its --aws-profile <stack>=<profile>.
    const group = given.some((w, i) => w === "--pair" && isPlaceholder(given[i + 1] ?? "")) ? largestGroup() : undefined;
    const groupStacks = new Map<string, string>();
    const scratch = (name: string) => path.join(ctx.dir, path.basename(name.replace(/[<>"]/g, "")) || "out");
    for (let i = 0; i < given.length; i++) {
        const option = given[i];
        const value = given[i + 1];
        const takesValue = value !== undefined && !value.startsWith("--") && option.startsWith("--");
        if (!takesValue) {
            // A key given as a word (npm run key -- check <key>) is the one placeholder that stands alone.
            if (isPlaceholder(option)) {
                if (!/key/.test(option)) return `has a placeholder ${option} that is no option's value`;
                out.push(ctx.fileKey);
            } else out.push(option);
            continue;
        }
        i++;
        const placeholder = isPlaceholder(value);
        switch (option) {
            case "--stack":
                if (!placeholder) out.push(option, value);
                else if (DEPLOYED_ONLY.has(script)) {
                    if (!deployed) return `has a placeholder ${value} for ${option}, but this project has no stack to fill it with`;
                    out.push(option, deployed.stack);
                } else out.push("--config", ctx.stackConfig(script));
                break;
            case "--counterpart":
                out.push(option, !placeholder ? value : deployed ? (deployed.counterpart ?? ctx.counterpart) : ctx.counterpart);
                break;
            // A group of stacks converge deploys: named by any stack of this project's.
            case "--pair":
                if (placeholder && !group) return `has a placeholder ${value} for ${option}, but this project has no stack to fill it with`;
                out.push(option, placeholder ? group!.name : value);
                break;
            // <stack>=<profile>: each placeholder stack is the next stack of the group --pair names.
            case "--aws-profile": {
                const [stack, ...profile] = value.split("=");
                if (!isPlaceholder(stack) || !group) {
                    out.push(option, value);
                    break;
                }
                if (!groupStacks.has(stack)) groupStacks.set(stack, group.stacks[groupStacks.size] ?? group.stacks[0]);
                out.push(option, `${groupStacks.get(stack)}=${profile.join("=")}`);
                break;
            }
            // A hand-over the page's previous step wrote, or the reader received: the context's.
            case "--file":
                out.push(option, placeholder || !fs.existsSync(path.join(PROJECT_ROOT, value)) ? ctx.handoverFile : value);
                break;
            case "--fingerprint":
                out.push(option, placeholder ? ctx.fingerprint : value);
                break;
            case "--outputs":
                out.push(option, placeholder || !fs.existsSync(path.join(PROJECT_ROOT, value)) ? ctx.outputsFile : value);
                break;
            case "--key":
                out.push(option, placeholder ? ctx.fileKey : value);
                break;
            // The parts of a file key, for npm run key -- build: those of the context's key.
            case "--root":
            case "--type":
            case "--date":
            case "--parts":
            case "--of":
            case "--part": {
                const parts: Record<string, string> = { "--root": "acme-northwind", "--type": "transactions", "--date": "2025-03-14", "--parts": "2", "--of": "2", "--part": "1" };
                out.push(option, placeholder ? parts[option] : value);
                break;
            }
            case "--config":
                out.push(option, placeholder ? ctx.stackConfig(script) : value);
                break;
            // What a command writes goes to the scratch folder, never into the repository.
            case "--out":
            case "--json":
            case "--diff":
                out.push(option, scratch(value));
                break;
            case "--out-dir":
                fs.mkdirSync(scratch(value), { recursive: true });
                out.push(option, scratch(value));
                break;
            default:
                if (placeholder) return `has a placeholder ${value} for ${option}, which this test does not know how to fill`;
                out.push(option, value);
        }
    }
    // --deployed reads a stack by name: a placeholder stack is the fixture's, by the name its file gives it.
    if (out.includes("--deployed") && !out.includes("--stack") && out.includes("--config")) {
        out.unshift("--stack", path.basename(out[out.indexOf("--config") + 1], ".yaml"));
    }
    // A written stack file is a copy: --write must not change the repository's Pulumi.<stack>.yaml.
    if (out.includes("--write") && !out.includes("--config")) {
        const stack = out[out.indexOf("--stack") + 1];
        const copy = path.join(ctx.dir, `Pulumi.${stack.split("/").pop()}.yaml`);
        fs.copyFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack.split("/").pop()}.yaml`), copy);
        out.push("--config", copy);
    }
    return out;
}

/** Why a `pulumi` command is not one the CLI takes as written, or undefined. */
export function pulumiProblem(argv: string[], printed = false): string | undefined {
    const [first, second] = argv;
    const name = PULUMI_COMMANDS[`${first} ${second}`] ? `${first} ${second}` : first;
    const spec = PULUMI_COMMANDS[name];
    if (!spec) return `pulumi ${first} is not a Pulumi CLI command`;
    const rest = argv.slice(name.split(" ").length);
    for (let i = 0; i < rest.length; i++) {
        const word = rest[i];
        if (!word.startsWith("-")) continue;
        const flag = word.split("=")[0].replace(/^-+/, "");
        if (!spec.flags.includes(flag) && !PULUMI_GLOBAL_FLAGS.includes(flag)) return `pulumi ${name} has no flag --${flag} (${spec.source})`;
        // With --config-file the stack's config comes from that file: any stack of the backend may be named.
        // A printed hint names the stack its user named, a test's fixture included: only a page's must be the project's.
        if ((flag === "stack" || flag === "s") && !rest.includes("--config-file") && !printed) {
            const stack = rest[i + 1];
            if (stack && !isPlaceholder(stack) && !/\$\{|<|>/.test(stack) && !projectStacks().includes(stack.split("/").pop()!)) {
                return `names stack ${stack}, which is not a stack of this project (${projectStacks().join(", ")})`;
            }
        }
    }
    if (name === "config set" || name === "config rm" || name === "config get") {
        // The first word that is neither a flag nor a flag's value (--path and --secret take none).
        const key = rest.find((w, i) => !w.startsWith("-") && !["--config-file", "--stack", "-s", "--type"].includes(rest[i - 1] ?? ""));
        if (key && !isPlaceholder(key)) return configKeyProblem(key, printed);
    }
    return undefined;
}

/** Why a key set with `pulumi config` is not one of the program's, or names an entry by a literal index, or undefined. */
function configKeyProblem(key: string, printed: boolean): string | undefined {
    // `<entry>.state`: an entry named as npm run plan's table shows it; the field must be one an entry has.
    const entryField = /^<[^>]+>(?:\.(\w+))?$/.exec(key);
    if (entryField) {
        const field = entryField[1];
        return field === undefined || Object.values(ENTRY_FIELDS).some((table) => Object.hasOwn(table, field)) ? undefined : `${field} is not a field of any entry`;
    }
    const qualified = key.includes(":") ? key : `s3-transfer:${key}`;
    const path = /^([^.[]+)(?:\[(\d+|<[^>]+>)\])?(?:\.(\w+))?$/.exec(qualified);
    if (!path) return `${key} is not a config key path`;
    const [, top, index, field] = path;
    if (top.startsWith("aws:")) return undefined;
    if (!KNOWN_KEYS.includes(top)) return `${top} is not a config key of this program${didYouMean(top, KNOWN_KEYS) ? ` (did you mean ${didYouMean(top, KNOWN_KEYS)}?)` : ""}`;
    // A literal index names whichever entry happens to be there: the wrong counterpart in another stack.
    if (index !== undefined && /^\d+$/.test(index) && !printed)
        return `names the entry ${top}[${index}] by its position, which is another counterpart in another stack: name it as npm run plan's table shows it (<entry>)`;
    if (field !== undefined && !Object.hasOwn(ENTRY_FIELDS[top] ?? {}, field)) return `${field} is not a field of ${top}'s entries`;
    return undefined;
}

/** Why an `aws` command is not one the AWS CLI has, or undefined. */
function awsProblem(argv: string[]): string | undefined {
    const [service, operation] = argv;
    return AWS_COMMANDS[service]?.includes(operation) ? undefined : `aws ${service} ${operation} is not an AWS CLI command this project documents (see pulumi-cli.ts)`;
}

/** A scratch folder for one test run. */
export function scratchDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "shown-commands-"));
}

/**
 * The context the tests fill placeholders from: the tests' own fixtures, never
 * a team's stacks. A placeholder stack is handoff-several (a publisher with
 * three partners), its counterpart northwind-loyalty; a hand-over to accept is
 * acme-bank's for northwind-loyalty, into a copy of northwind's own side
 * (handoff-partner); deployed outputs are the plan's, as if deployed.
 */
export async function fixtureContext(plan: (stack: string, file: string) => Promise<{ outputs: Record<string, unknown> }>): Promise<Context> {
    const dir = scratchDir();
    const fixture = (name: string) => path.join("tests", "fixtures", "handoff", `${name}.yaml`);
    const several = await plan("handoff-several", path.join(PROJECT_ROOT, fixture("handoff-several")));
    const handover = (several.outputs.handovers as Record<string, unknown>)["northwind-loyalty"];
    const handoverFile = path.join(dir, "acme-bank-northwind-loyalty.json");
    fs.writeFileSync(handoverFile, `${JSON.stringify(handover, null, 2)}\n`);
    const { fingerprintOf } = await import("../../infra/handoff/fingerprint");
    const outputsFile = path.join(dir, "outputs.json");
    fs.writeFileSync(outputsFile, JSON.stringify(several.outputs));
    return {
        dir,
        stackConfig: (script) => {
            if (script !== "accept-handoff") return fixture("handoff-several");
            // A fresh copy each time: accepting writes into it.
            const copy = path.join(fs.mkdtempSync(path.join(dir, "receiver-")), "handoff-partner.yaml");
            fs.copyFileSync(path.join(PROJECT_ROOT, fixture("handoff-partner")), copy);
            return copy;
        },
        counterpart: "northwind-loyalty",
        handoverFile,
        fingerprint: fingerprintOf(handover),
        outputsFile,
        // A key of the counterpart's own link: its root and file-name prefix as the stack sets them.
        fileKey: (() => {
            const link = (several.outputs.links as Record<string, { root: string; fileNamePrefix: string }>)["northwind-loyalty"];
            return `${link.root}/2025-03-14/${link.fileNamePrefix}_transactions_20250314_1741910400_1of2.jsonl`;
        })(),
    };
}
