/**
 * Plans a stack of this project from its `Pulumi.<stack>.yaml`, resolving its
 * stack references by planning the referenced stacks of this project first.
 *
 * References behave as in the engine: a reference to a stack that does not
 * exist fails the update (`unknown stack`), and a stack created with
 * `pulumi stack init` but never deployed reads as empty outputs. The plan
 * knows a stack exists only when it is a stack of this project, in the plan's
 * organization, with its stack file beside the planned one (the runbook
 * creates both stacks of a pair before the first `up`); any other reference is
 * reported as the config error it would become at `pulumi up`.
 *
 * The stacks a plan can see are the stack files of one folder: the
 * repository's root for its own `Pulumi.<stack>.yaml`, or the folder of a
 * `--config` file, where `Pulumi.<stack>.yaml` or `<stack>.yaml` is stack
 * `<stack>`. So a pair of test fixtures (tests/fixtures/stacks/) or examples
 * reference each other as two stacks of one backend do, and never a team's own
 * stacks at the root.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, ConfigProblem, isConfigError } from "../../infra/config/errors";
import { qualifiedStackName } from "../../infra/config/rules";
import { fixInFile } from "../../infra/config/keys";
import { loadProjectFile, ProjectFile } from "../../infra/config/project-file";
import { collisionProblems, nameCollisions, StackNames } from "../../infra/naming/account-names";
import { assertProjectName } from "../../infra/config/project-name";
import type { SideConfig } from "../../infra/config/schema";
import { loadStackFile, locateProblems } from "../../infra/config/stack-file";
import { DIY_ORGANIZATION, Plan, runPlan } from "./engine";
import { StackOutputsByName } from "./mocks";
import { loadSideConfig } from "./side-config";
import { PROJECT_ROOT, stackConfigFile } from "../root";

export { PROJECT_ROOT };

export function projectName(root = PROJECT_ROOT): string {
    return loadProjectFile(root).name;
}

/** Reads a stack config file into the flat `ns:key` -> text map that Pulumi hands a program (ConfigError when the file is bad). */
export function readStackConfig(file: string, option?: string): Record<string, string> {
    return loadStackFile(file, option).config;
}

export { stackConfigFile };

export interface ProjectPlanOptions {
    stack: string;
    /** A config file to use instead of `Pulumi.<stack>.yaml`. */
    configFile?: string;
    /** The backend's organization (`pulumi.getOrganization()`). Default: `organization`, the self-managed backend's. */
    organization?: string;
    /**
     * How many levels of references to resolve. The referenced stack's own
     * references are planned as created but not yet deployed (empty outputs),
     * which is what either side sees when it goes first; names and ARNs do not
     * depend on them.
     */
    referenceDepth?: number;
    /**
     * The stacks that exist and their outputs, instead of planning the
     * referenced stacks: a reference to a name not listed fails as the engine
     * fails it (`unknown stack`); `{}` is a stack created but never deployed.
     */
    stackOutputs?: StackOutputsByName;
}

/** The program's entry, loaded lazily: loading @pulumi/aws takes a second. */
async function program(): Promise<object> {
    const { main } = await import("../../stacks");
    return main();
}

/**
 * The stack file of `stack` among the stacks of `folder`: `Pulumi.<stack>.yaml`,
 * or, outside the repository's root (fixtures, examples), `<stack>.yaml`.
 * Undefined when the folder holds no such stack.
 */
function siblingStackFile(folder: string, stack: string): string | undefined {
    const candidates = [path.join(folder, `Pulumi.${stack}.yaml`)];
    if (path.resolve(folder) !== path.resolve(PROJECT_ROOT)) candidates.push(path.join(folder, `${stack}.yaml`));
    return candidates.find((file) => fs.existsSync(file));
}

/** Where a plan's stacks are: the folder of its stack file. */
function stacksFolderOf(stackFile: string): string {
    return path.dirname(path.resolve(stackFile));
}

/** How a message names a folder of stacks: the project's root, or the folder as a relative path. */
function describeFolder(folder: string): string {
    const relative = path.relative(PROJECT_ROOT, folder);
    return relative === "" ? "this project" : `${relative.startsWith("..") ? folder : relative}/`;
}

/** Why the plan cannot know a referenced stack to exist, or the stack file that stands for it. */
function resolveReference(qualified: string, own: { organization: string; project: string; stack: string; folder: string }): { file: string } | { why: string } {
    const [organization, project, stack] = qualified.split("/");
    if (organization !== own.organization) return { why: `is in organization "${organization}", but this stack's backend organization is "${own.organization}"` };
    if (project !== own.project) return { why: `is a stack of project "${project}", not of this project "${own.project}"` };
    if (stack === own.stack) return { why: "is this stack itself" };
    const file = siblingStackFile(own.folder, stack);
    if (!file) return { why: `names stack "${stack}", which has no Pulumi.${stack}.yaml in ${describeFolder(own.folder)}` };
    return { file };
}

/**
 * The other stacks of the folder (its `Pulumi.<stack>.yaml` files), each with
 * its config as the engine would hand it over; a stack whose config is
 * invalid is left out, since its own plan reports it.
 */
function otherStacksOf(folder: string, own: { stack: string; file: string }, projectFile: ProjectFile): StackNames[] {
    const others: StackNames[] = [];
    for (const entry of fs.readdirSync(folder)) {
        const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(entry)?.[1];
        const file = path.join(folder, entry);
        if (stack === undefined || stack === own.stack || path.resolve(file) === path.resolve(own.file)) continue;
        try {
            others.push({ stack, file, config: loadSideConfig(projectFile, stack, file).config });
        } catch {
            // Its own plan names its problems.
        }
    }
    return others;
}

/**
 * A program's fix names the stack (`pulumi config set ...`, `npm run accept-handoff -- --stack <stack> ...`);
 * planned from a config file that is not the stack's own, the fix must name that file instead, or it
 * would change the selected stack (pulumi config set without --config-file) or fail (no such stack).
 */
function fixesFor(err: unknown, file: string, stack: string): unknown {
    if (!isConfigError(err) || path.basename(file) === `Pulumi.${stack}.yaml`) return err;
    const named = (fix: string) => fixInFile(fix, file, stack).replace(/(npm run [\w:-]+ -- )--stack \S+/g, `$1--config ${file}`);
    return new ConfigError(err.problems.map((p) => ({ ...p, fix: named(p.fix) })));
}

export async function planProjectStack(options: ProjectPlanOptions): Promise<{ plan: Plan; referenced: Plan[]; config: SideConfig }> {
    const projectFile = loadProjectFile(PROJECT_ROOT);
    assertProjectName(projectFile.name, projectFile.file);
    const project = projectFile.name;
    const organization = options.organization ?? DIY_ORGANIZATION;
    const stackFileName = options.configFile ?? stackConfigFile(options.stack);
    const folder = stacksFolderOf(stackFileName);
    // Validates before planning anything, so a config error names this stack's keys first.
    const { stackFile, engineConfig, config } = loadSideConfig(projectFile, options.stack, stackFileName, options.configFile ? "--config" : undefined);
    // Names unique per account (or everywhere) that another stack of this repository creates too: the second `up` would fail.
    const own: StackNames = { stack: options.stack, file: stackFile.file, config };
    const collisions = otherStacksOf(folder, own, projectFile).flatMap((other) => nameCollisions(own, other));
    if (collisions.length) {
        const problems = collisionProblems(own, collisions).map((p) => ({ ...p, fix: fixInFile(p.fix, stackFile.file, options.stack) }));
        throw locateProblems(new ConfigError(problems), stackFile);
    }
    const configFile = stackFileName;
    const depth = options.referenceDepth ?? 1;
    const stackOutputs: StackOutputsByName = { ...options.stackOutputs };
    const referenced: Plan[] = [];
    if (!options.stackOutputs) {
        const problems: ConfigProblem[] = [];
        const known = new Map<string, string>();
        for (const counterpart of config.counterparts) {
            if (counterpart.source.kind !== "stack") continue;
            const qualified = qualifiedStackName(counterpart.source.stack, organization, project);
            const resolved = resolveReference(qualified, { organization, project, stack: options.stack, folder });
            if ("why" in resolved) {
                const why = resolved.why;
                problems.push({
                    key: `${counterpart.configKey}.stack`,
                    problem: `${why}, so this plan cannot know that ${qualified} exists; \`pulumi up\` fails with \`unknown stack "${qualified}"\` until it is created in this backend`,
                    fix:
                        why === "is this stack itself"
                            ? `point ${counterpart.configKey}.stack at ${counterpart.name}'s stack`
                            : `if ${counterpart.name} runs this program in this backend: pulumi stack init ${qualified} --secrets-provider <provider> (docs/deploy.md) and add its Pulumi.<stack>.yaml here; if another company runs it, replace stack with the hand-over fields (accountId, ingressBucketArn, replicationRoleArn)`,
                });
            } else {
                known.set(qualified, resolved.file);
            }
        }
        if (problems.length) throw locateProblems(new ConfigError(problems), stackFile);
        for (const [qualified, file] of known) {
            if (depth > 0) {
                const { plan } = await planProjectStack({ stack: qualified.split("/")[2], configFile: file, organization, referenceDepth: depth - 1 });
                stackOutputs[qualified] = plan.outputs;
                referenced.push(plan);
            } else {
                stackOutputs[qualified] = {};
            }
        }
    }
    try {
        const plan = await runPlan({ project, stack: options.stack, organization, config: engineConfig, stackOutputs, program });
        return { plan, referenced, config };
    } catch (err) {
        throw fixesFor(locateProblems(err, stackFile), configFile, options.stack);
    }
}
