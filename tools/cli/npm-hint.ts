/**
 * `npm run plan --stack prod`, without `--`, hands `--stack` to npm, not to the
 * command: npm (10 and 11) takes an option it does not know as a boolean config,
 * sets `npm_config_stack=true` in the script's environment, and passes `prod`
 * on as a plain word (`--stack=prod` sets `npm_config_stack=prod` and passes
 * nothing). See https://docs.npmjs.com/cli/v10/commands/npm-run-script: "Any
 * args after the `--` are passed directly to the script". The command then sees
 * a stray word or a missing option; this says why, and what to type instead.
 */
import type { OptionSpecs } from "./option-specs";

export type Environment = Record<string, string | undefined>;

/** npm's environment name for a config: `confirm-change` is `npm_config_confirm_change`. */
const envName = (option: string) => `npm_config_${option.replace(/-/g, "_")}`;

/** The option reached the command (after `--`), so npm did not take it, whatever its environment holds. */
function reachedCommand(option: string, argv: string[]): boolean {
    return argv.some((a) => a === `--${option}` || a.startsWith(`--${option}=`));
}

/**
 * npm sets some of its own configs for every script, whether given or not: `npm_config_prefix` is the
 * global prefix (`npm_config_global_prefix`) unless `--prefix` was given to npm
 * (https://docs.npmjs.com/cli/v11/using-npm/config#prefix). Such a value says nothing was swallowed.
 */
function npmsOwnSetting(option: string, env: Environment): boolean {
    return option === "prefix" && env.npm_config_prefix === env.npm_config_global_prefix;
}

/**
 * The hint for a usage error when npm took some of the command's options for its
 * own, or undefined when it did not. `name` is the command as the runner names
 * it (`plan`, or `key build` for a subcommand); `argv` what reached the command.
 */
export function npmSwallowedHint(name: string, options: OptionSpecs, argv: string[], env: Environment): string | undefined {
    const swallowed = Object.keys(options).filter((option) => env[envName(option)] !== undefined && !reachedCommand(option, argv) && !npmsOwnSetting(option, env));
    if (!swallowed.length) return undefined;
    const words = argv.filter((a) => !a.startsWith("-"));
    const given: string[] = [];
    for (const option of swallowed) {
        const value = env[envName(option)]!;
        if (options[option].type === "boolean") given.push(`--${option}`);
        // `--stack prod`: npm kept `true` and passed `prod` on as a word; `--stack=prod` kept the value.
        else if (value === "true" && words.length) given.push(`--${option} ${words.shift()}`);
        else if (value !== "true") given.push(`--${option} ${value}`);
        else given.push(`--${option} <value>`);
    }
    const [script, ...sub] = name.split(" ");
    // What did reach the command stays; the words npm passed on become the swallowed options' values.
    const reached = argv.filter((a) => a.startsWith("-"));
    const command = ["npm run", script, "--", ...sub, ...given, ...reached, ...words].join(" ");
    return `npm took ${swallowed.map((o) => `--${o}`).join(", ")} for itself (${swallowed.map(envName).join(", ")} is set): put -- before the command's options, e.g. ${command}`;
}
