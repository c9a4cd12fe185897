/**
 * npm run access -- (--stack <name> | --config <file>) [--matrix <file>] [--compact | --full | --json] [--strict]
 *
 * Plans the stack and the stacks it references, collects every identity,
 * trust, bucket and key policy the plans make, and has
 * @cloud-copilot/iam-simulate decide each request of the expected matrix
 * (tools/access/expected-matrix.yaml). Prints a summary with every request
 * that is not as expected; with --compact a principal-by-bucket grid, with
 * --full the whole matrix as Markdown, with --json as data.
 * Exit 0: every evaluated decision is the expected one; 1: a decision differs
 * or the simulator could not decide one (with --strict, or one was not
 * evaluated); 2: usage or config error.
 */
import { Command, main, runCommand, STACK_OPTIONS, stackTarget, UsageError } from "./cli/runner";

const options = {
    ...STACK_OPTIONS,
    matrix: { type: "string" },
    full: { type: "boolean" },
    compact: { type: "boolean" },
    json: { type: "boolean" },
    strict: { type: "boolean" },
} as const;

/** `npm run access`; `print` takes each block of output (default: a line on the runner's stdout). */
export function accessCommand(print?: (text: string) => void): Command<typeof options> {
    return {
        name: "access",
        usage: `usage: npm run access -- (--stack <name> | --config <file>) [--matrix <file>] [--compact | --full | --json] [--strict]

Plans the stack and the stacks it references, and has an IAM simulator decide
every request of the expected matrix against the policies the plans make.
Prints the counts, each request not as expected, and why requests were not
evaluated; --compact adds a principal-by-bucket grid of who may do what.

  --stack <name>   a stack of this project: prod, or <organization>/<project>/prod
  --config <file>  a stack config file; alone, an example named after its file
  --matrix <file>  the expected matrix (default tools/access/expected-matrix.yaml)
  --compact        one principal-by-bucket grid per link: the letters of what each
                   principal may do on each bucket (read, write, delete...)
  --full           print every table of the matrix, not only the summary
  --json           print the matrix as data
  --strict         fail (exit 1) when a request could not be evaluated, too
  --help           print this help

A request is not evaluated when its decision rests on what no plan here holds
(the other company's policies, for a counterpart that comes by hand-over) or
on a condition the simulator cannot evaluate. A CI gate that failed on those
would fail for every such stack whatever its policies, and teach people to
ignore it: they are counted and listed by reason instead, for the
pre-production canary to prove; --strict makes them fail the run.

exit status: 0 every evaluated decision is the expected one (requests not
evaluated are listed, not failed); 1 a decision differs, or, with --strict, a
request was not evaluated; 2 usage or config error.`,
        options,
        async run({ values }, io) {
            const out = print ?? ((text: string) => io.stdout(`${text}\n`));
            if ([values.full, values.json, values.compact].filter(Boolean).length > 1) throw new UsageError("give one of --compact, --full and --json");
            const target = stackTarget(values);
            // Loaded only now, so that --help and a usage error answer without loading the SDKs and the simulator.
            const [{ accessMatrix, loadExpectedMatrix }, { formatCompact, formatJson, formatMarkdown, formatSummary }] = await Promise.all([
                import("./access/index"),
                import("./access/format"),
            ]);
            const matrix = loadExpectedMatrix(values.matrix);
            const result = await accessMatrix(target.stack, { configFile: values.config, matrixFile: values.matrix, organization: target.organization });
            if (values.json) out(formatJson(result));
            else if (values.full) out(formatMarkdown(result, matrix));
            else if (values.compact) out(formatCompact(result));
            else out(`${formatSummary(result)}\n\n(--compact adds a principal-by-bucket grid, --full prints every table, --json the data)`);
            return result.mismatches.length || (values.strict && result.notEvaluated.length) ? 1 : 0;
        },
    };
}

/** The command, for the entry point below and for tests that run it in process. */
export const command = accessCommand();

if (require.main === module) main(command);

/** The command on these arguments, printing through `print`: what the tests call. */
export function cli(argv: string[], print: (text: string) => void = console.log): Promise<number> {
    return runCommand(accessCommand(print), argv);
}
