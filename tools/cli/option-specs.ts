import type { ParseArgsConfig } from "util";

/** A command's options, as `util.parseArgs` takes them: below the runner and the helpers it uses, which all name them. */
export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;
