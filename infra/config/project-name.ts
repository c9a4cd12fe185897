/**
 * The project's name, checked by the program at every run and by the plan:
 * apart from Pulumi.yaml's reader, so that the program loads no YAML parser.
 */
import { ConfigError, ConfigProblem } from "./errors";
import { NAMESPACE } from "./keys";

/**
 * The project's name must be this program's config namespace: Pulumi files a
 * key set without one (`pulumi config set side publisher`), and every bare
 * declaration of Pulumi.yaml, under the project's name. `pulumi new` writes the
 * name it asks for over `name:`, so a copy may carry another.
 */
export function projectNameProblem(name: string, file = "Pulumi.yaml"): ConfigProblem | undefined {
    if (name === NAMESPACE) return undefined;
    return {
        key: "name",
        problem: `names the project "${name}", but this program reads its keys as ${NAMESPACE}:<key>: \`pulumi config set side publisher\` would write ${name}:side, which it ignores`,
        fix: `set name: ${NAMESPACE} in ${file} (the stacks keep their own names; organizations and stacks tell copies apart)`,
        file,
    };
}

/** The project's name as a ConfigError, for the program and the plan. */
export function assertProjectName(name: string, file?: string): void {
    const problem = projectNameProblem(name, file);
    if (problem) throw new ConfigError([problem]);
}
