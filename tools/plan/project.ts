/**
 * Plans a stack of this project from its `Pulumi.<stack>.yaml`, resolving its
 * stack references by planning the referenced stacks of this project first.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { parseSideConfig, referencedStacks } from "../../infra/config/schema";
import { Plan, runPlan } from "./engine";
import { StackOutputsByName } from "./mocks";
import { PROJECT_ROOT } from "../root";

export { PROJECT_ROOT };

export function projectName(root = PROJECT_ROOT): string {
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name?: string };
    if (!project?.name) throw new Error(`${path.join(root, "Pulumi.yaml")} has no name`);
    return project.name;
}

/** Reads a stack config file into the flat `ns:key` -> text map that Pulumi hands a program. */
export function readStackConfig(file: string): Record<string, string> {
    const parsed = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed?.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            throw new Error(`${file}: ${key} is a secret; the offline plan cannot decrypt it`);
        }
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}

export function stackConfigFile(stack: string, root = PROJECT_ROOT): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

export interface ProjectPlanOptions {
    stack: string;
    /** A config file to use instead of `Pulumi.<stack>.yaml`. */
    configFile?: string;
    /**
     * How many levels of references to resolve. The referenced stack's own
     * references are planned as not yet deployed, which is what either side
     * sees when it goes first; names and ARNs do not depend on them.
     */
    referenceDepth?: number;
    /** Outputs to feed to stack references instead of planning the referenced stacks. */
    stackOutputs?: StackOutputsByName;
}

/** The program's entry, loaded lazily: loading @pulumi/aws takes a second. */
async function program(): Promise<object> {
    const { main } = await import("../../stacks");
    return main();
}

export async function planProjectStack(options: ProjectPlanOptions): Promise<{ plan: Plan; referenced: Plan[] }> {
    const project = projectName();
    const config = readStackConfig(options.configFile ?? stackConfigFile(options.stack));
    const depth = options.referenceDepth ?? 1;
    const stackOutputs: StackOutputsByName = { ...options.stackOutputs };
    const referenced: Plan[] = [];
    if (depth > 0 && !options.stackOutputs) {
        // Validates before planning anything, so a config error names this stack's keys first.
        for (const reference of referencedStacks(parseSideConfig(config, options.stack))) {
            const [, refProject, refStack] = reference.split("/");
            if (refProject !== project || !fs.existsSync(stackConfigFile(refStack))) continue;
            const { plan } = await planProjectStack({ stack: refStack, referenceDepth: depth - 1 });
            stackOutputs[reference] = plan.outputs;
            referenced.push(plan);
        }
    }
    const plan = await runPlan({ project, stack: options.stack, config, stackOutputs, program });
    return { plan, referenced };
}
