/**
 * npm run converge -- --pair <stack> [options]
 *
 * Creates the stacks of a group, deploys them until they converge (each up held
 * to the plan its preview saved, a reviewed plan where given), then runs the
 * canary; see tools/converge/index.ts for the usage and tools/converge/sequence.ts
 * for the order and the stopping rules.
 * Exit 0: converged; 1: a step failed or the group did not converge; 2: usage,
 * config or inventory error, before anything is done.
 */
import { Io, main } from "./cli/runner";
import { convergeCommand } from "./converge/index";

/** The command writing to `io`: for the entry point below and for tests that run it in process. */
export function command(io: Io) {
    return convergeCommand(io);
}

if (require.main === module) {
    const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
    main(command(io), io);
}
