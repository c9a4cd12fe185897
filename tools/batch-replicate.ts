/**
 * npm run batch-replicate -- (--stack <name> | --outputs <file> | --config <file>) --counterpart <name> [--status <s>]... [--start] [--json]
 *
 * Prints (or with --start creates) the S3 Batch Replication job of one link;
 * see tools/batch/index.ts for the usage and tools/batch/job.ts for the job.
 * Exit 0: printed or created; 1: AWS refused the job; 2: usage, outputs or config error.
 */
import { batchReplicateCommand, defaultBatchDeps } from "./batch/index";
import { Io, main } from "./cli/runner";

/** The command writing to `io`, with the real S3 Control client: for the entry point below and for tests that run it in process. */
export function command(io: Io) {
    return batchReplicateCommand({ ...defaultBatchDeps(), ...io });
}

if (require.main === module) {
    const deps = defaultBatchDeps();
    main(batchReplicateCommand(deps), deps);
}
