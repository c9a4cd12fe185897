/**
 * npm run stacks -- [--json] [--dir <repository>]
 *
 * The stacks of this repository, their groups, deploy order and tier; see
 * tools/stacks/index.ts for the usage and tools/stacks/inventory.ts for the rules.
 * Exit 0: listed; 2: usage error or an inconsistent set of stacks.
 */
import { main } from "./cli/runner";
import { stacksCommand } from "./stacks/index";

/** The command, for the entry point below and for tests that run it in process. */
export const command = stacksCommand;

if (require.main === module) main(command);
