/**
 * A stack's config as the engine hands it to the program (Pulumi.yaml's
 * declarations applied) and as the program validates it, each problem located
 * at its file and line. Without Pulumi's SDK, so that quick commands
 * (`npm run key`) read a stack's links as the plan does.
 */
import { applyProjectConfig, ProjectFile } from "../../infra/config/project-file";
import { parseSideConfig, refuseLegacyKeys, SideConfig } from "../../infra/config/schema";
import { loadStackFile, locateProblems, StackFile } from "../../infra/config/stack-file";

export interface LoadedSideConfig {
    stackFile: StackFile;
    /** Flat config as the engine hands it to the program. */
    engineConfig: Record<string, string>;
    config: SideConfig;
}

/**
 * Reads and validates a stack's file; throws the ConfigError (exit 2) naming
 * file, line, key and fix. `option` is the command-line option the file came
 * from (`--config`), undefined for the stack's own `Pulumi.<stack>.yaml`.
 */
export function loadSideConfig(projectFile: ProjectFile, stack: string, file: string, option?: string): LoadedSideConfig {
    const stackFile = loadStackFile(file, option);
    try {
        // Said first: Pulumi would only say that the renamed keys are missing.
        refuseLegacyKeys(stackFile.config, stackFile.file);
        // The engine applies Pulumi.yaml's declarations (defaults, required keys, types) before the program sees the config.
        const engineConfig = applyProjectConfig(projectFile, stack, stackFile.config, stackFile.structured, stackFile.file);
        return { stackFile, engineConfig, config: parseSideConfig(engineConfig, stack, stackFile.file) };
    } catch (err) {
        throw locateProblems(err, stackFile);
    }
}
