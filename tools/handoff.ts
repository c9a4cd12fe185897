/**
 * npm run handoff -- (--stack <name> | --config <file>) [--counterpart <name>] [--format markdown|json] [--out <file> | --out-dir <dir>] [--deployed | --outputs <file>]
 *
 * Writes what one counterpart needs from a stack, and nothing of any other:
 * its hand-off sheet (the stack output `handoff.<name>`), or with --format json
 * its machine-readable hand-over (`handovers.<name>`, docs/handover.md), with
 * the fingerprint on stderr. Offline from the stack's plan (references resolved
 * as `npm run plan` does), or from the deployed stack's outputs.
 */
import { defineCommand, main, oneOf, STACK_OPTIONS, UsageError } from "./cli/runner";
import { handoffUsage, writeHandoff } from "./handoff/write";

/** The command, for the entry point below and for tests that run it in process. */
export const command = defineCommand({
    name: "handoff",
    usage: handoffUsage,
    options: {
        ...STACK_OPTIONS,
        counterpart: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        "out-dir": { type: "string" },
        deployed: { type: "boolean" },
        outputs: { type: "string" },
    },
    run({ values }, io) {
        if (values.out !== undefined && values["out-dir"] !== undefined) throw new UsageError("give --out <file> or --out-dir <dir>, not both");
        if (values.deployed && values.outputs !== undefined) throw new UsageError("give --deployed or --outputs <file>, not both");
        if (values.deployed && values.stack === undefined)
            throw new UsageError("--deployed reads a deployed stack, which --config alone does not name: give --stack <name> (the stack deployed from that config)");
        return writeHandoff(
            {
                stack: values.stack,
                config: values.config,
                counterpart: values.counterpart,
                format: oneOf("--format", values.format ?? "markdown", ["markdown", "json"] as const),
                out: values.out,
                outDir: values["out-dir"],
                source: values.deployed ? "deployed" : values.outputs !== undefined ? { outputsFile: values.outputs } : "plan",
            },
            io,
        );
    },
});

if (require.main === module) main(command);
