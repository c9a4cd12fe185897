/**
 * Plans a stack of this project from its `Pulumi.<stack>.yaml`, resolving its
 * stack references by planning the referenced stacks of this project first.
 *
 * References behave as in the engine: a reference to a stack that does not
 * exist fails the update (`unknown stack`), and a stack created with
 * `pulumi stack init` but never deployed reads as empty outputs. The plan
 * knows a stack exists only when it is a stack of this project, in the plan's
 * organization, with its `Pulumi.<stack>.yaml` here (the runbook creates both
 * stacks of a pair before the first `up`); any other reference is reported as
 * the config error it would become at `pulumi up`.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, ConfigProblem, isConfigError } from "../../infra/config/errors";
import { fixInFile } from "../../infra/config/keys";
import { qualifiedStackName } from "../../infra/config/rules";
import { applyProjectConfig, loadProjectFile } from "../../infra/config/project-file";
import { assertProjectName } from "../../infra/config/project-name";
import { parseSideConfig, refuseLegacyKeys, SideConfig } from "../../infra/config/schema";
import { loadStackFile, locateProblems, StackFile } from "../../infra/config/stack-file";
import { DIY_ORGANIZATION, Plan, runPlan } from "./engine";
import { StackOutputsByName } from "./mocks";
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

function parseLocated(config: Record<string, string>, stackFile: StackFile, stack: string): SideConfig {
    try {
        return parseSideConfig(config, stack, stackFile.file);
    } catch (err) {
        throw locateProblems(err, stackFile);
    }
}

/** Why the plan cannot know a referenced stack to exist, or undefined when it can. */
function unknownReference(qualified: string, own: { organization: string; project: string; stack: string }): string | undefined {
    const [organization, project, stack] = qualified.split("/");
    if (organization !== own.organization) return `is in organization "${organization}", but this stack's backend organization is "${own.organization}"`;
    if (project !== own.project) return `is a stack of project "${project}", not of this project "${own.project}"`;
    if (stack === own.stack) return "is this stack itself";
    if (!fs.existsSync(stackConfigFile(stack))) return `names stack "${stack}", which has no Pulumi.${stack}.yaml in this project`;
    return undefined;
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
    const stackFile = loadStackFile(options.configFile ?? stackConfigFile(options.stack), options.configFile ? "--config" : undefined);
    // The engine applies Pulumi.yaml's declarations (defaults, required keys, types) before the program sees the config.
    let engineConfig: Record<string, string>;
    try {
        // Said first: Pulumi would only say that the renamed keys are missing.
        refuseLegacyKeys(stackFile.config, stackFile.file);
        engineConfig = applyProjectConfig(projectFile, options.stack, stackFile.config, stackFile.structured, stackFile.file);
    } catch (err) {
        throw locateProblems(err, stackFile);
    }
    // Validates before planning anything, so a config error names this stack's keys first.
    const config = parseLocated(engineConfig, stackFile, options.stack);
    const configFile = options.configFile ?? stackConfigFile(options.stack);
    const depth = options.referenceDepth ?? 1;
    const stackOutputs: StackOutputsByName = { ...options.stackOutputs };
    const referenced: Plan[] = [];
    if (!options.stackOutputs) {
        const problems: ConfigProblem[] = [];
        const known: string[] = [];
        for (const counterpart of config.counterparts) {
            if (counterpart.source.kind !== "stack") continue;
            const qualified = qualifiedStackName(counterpart.source.stack, organization, project);
            const why = unknownReference(qualified, { organization, project, stack: options.stack });
            if (why) {
                problems.push({
                    key: `${counterpart.configKey}.stack`,
                    problem: `${why}, so this plan cannot know that ${qualified} exists; \`pulumi up\` fails with \`unknown stack "${qualified}"\` until it is created in this backend`,
                    fix:
                        why === "is this stack itself"
                            ? `point ${counterpart.configKey}.stack at ${counterpart.name}'s stack`
                            : `if ${counterpart.name} runs this program in this backend: pulumi stack init ${qualified} --secrets-provider <provider> (docs/deploy.md) and add its Pulumi.<stack>.yaml here; if another company runs it, replace stack with the hand-over fields (accountId, ingressBucketArn, replicationRoleArn)`,
                });
            } else if (!known.includes(qualified)) {
                known.push(qualified);
            }
        }
        if (problems.length) throw locateProblems(new ConfigError(problems), stackFile);
        for (const qualified of known) {
            if (depth > 0) {
                const { plan } = await planProjectStack({ stack: qualified.split("/")[2], organization, referenceDepth: depth - 1 });
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
