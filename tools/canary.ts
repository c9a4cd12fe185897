/**
 * npm run canary -- (--stack <name> | --outputs <file>) [--counterpart <name>]... [--timeout <s>] [--interval <s>] [--keep] [--json]
 *
 * Live replication check with the operator's AWS credentials; see
 * tools/canary/options.ts for the usage and tools/canary/index.ts for the logic.
 * Exit 0: every checked link COMPLETED; 1: failed, timed out, denied or errored;
 * 2: usage or outputs error, or nothing to check; 130: interrupted.
 */
import { Io, main } from "./cli/runner";
import { canaryCommand, defaultCanaryDeps } from "./canary/index";
import { EXIT_INTERRUPTED } from "./canary/report";

/** The command writing to `io`, with the real S3 clients and no interruption: for tests that run it in process. */
export function command(io: Io) {
    return canaryCommand({ ...defaultCanaryDeps(new AbortController().signal), ...io });
}

if (require.main === module) {
    const controller = new AbortController();
    // The first Ctrl-C stops polling and still reports, so the operator learns
    // which canary versions were left behind; a second one quits at once.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.on(signal, () => {
            if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
            process.stderr.write(`\n${signal}: stopping after the current request (again to quit at once)\n`);
            controller.abort();
        });
    }
    const deps = defaultCanaryDeps(controller.signal);
    main(canaryCommand(deps), deps);
}
