/**
 * npm run drift -- --stack <name> [--github]
 *
 * Drift of a deployed stack's own resources, told apart from a counterpart's
 * deploy read through a stack reference; see tools/drift/index.ts.
 * Exit 0: no drift (maybe out of date); 1: drift; 2: usage error or no such stack.
 */
import { Io, main } from "./cli/runner";
import { driftCommand } from "./drift/index";

/** The command writing to `io`: for the entry point below and for tests that run it in process. */
export function command(io: Io) {
    return driftCommand(io);
}

if (require.main === module) {
    const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
    main(command(io), io);
}
