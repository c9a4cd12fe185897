/**
 * npm run access -- (--stack <name> | --config <file>) [--matrix <file>] [--full | --json]
 *
 * Plans the stack and the stacks it references, collects every identity,
 * trust, bucket and key policy the plans make, and has
 * @cloud-copilot/iam-simulate decide each request of the expected matrix
 * (tools/access/expected-matrix.yaml). Prints a summary with every request
 * that is not as expected; with --full the whole matrix as Markdown, with
 * --json as data.
 * Exit 0: every evaluated decision is the expected one; 1: a decision differs
 * or could not be made; 2: usage or config error.
 */
import { Command, main, runCommand, STACK_OPTIONS, stackTarget, UsageError } from "./cli/runner";

const options = {
    ...STACK_OPTIONS,
    matrix: { type: "string" },
    full: { type: "boolean" },
    json: { type: "boolean" },
} as const;

export function accessCommand(print: (text: string) => void = console.log): Command<typeof options> {
    return {
        name: "access",
        usage: `usage: npm run access -- (--stack <name> | --config <file>) [--matrix <file>] [--full | --json]

  --stack <name>   a stack of this project (Pulumi.<name>.yaml)
  --config <file>  a stack config file; alone, an example named after its file
  --matrix <file>  the expected matrix (default tools/access/expected-matrix.yaml)
  --full           print every table of the matrix, not only the summary and the requests not as expected
  --json           print the matrix as data

exit status: 0 every evaluated decision is the expected one; 1 a decision differs
or could not be made; 2 usage or config error.`,
        options,
        async run({ values }) {
            if (values.full && values.json) throw new UsageError("give --full or --json, not both");
            const target = stackTarget(values);
            // Loaded only now, so that --help and a usage error answer without loading the SDKs and the simulator.
            const [{ accessMatrix, loadExpectedMatrix }, { formatJson, formatMarkdown, formatSummary }] = await Promise.all([import("./access/index"), import("./access/format")]);
            const matrix = loadExpectedMatrix(values.matrix);
            const result = await accessMatrix(target.stack, { configFile: values.config, matrixFile: values.matrix });
            if (values.json) print(formatJson(result));
            else if (values.full) print(formatMarkdown(result, matrix));
            else print(`${formatSummary(result)}\n\n(--full prints every table, --json the data)`);
            return result.mismatches.length ? 1 : 0;
        },
    };
}

if (require.main === module) main(accessCommand());

/** The command on these arguments, printing through `print`: what the tests call. */
export function cli(argv: string[], print: (text: string) => void = console.log): Promise<number> {
    return runCommand(accessCommand(print), argv);
}
