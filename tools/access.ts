/**
 * npm run access -- --stack <name> [--config <file>] [--matrix <file>] [--json]
 *
 * Plans the stack and the stacks it references, collects every identity,
 * trust, bucket and key policy the plans make, and has
 * @cloud-copilot/iam-simulate decide each request of the expected matrix
 * (tools/access/expected-matrix.yaml). Prints the matrix as Markdown, or with
 * --json as data.
 * Exit 0: every evaluated decision is the expected one; 1: a decision differs
 * or could not be made; 2: usage or config error.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { isConfigError } from "../infra/config/errors";
import { accessMatrix, loadExpectedMatrix } from "./access/index";
import { formatJson, formatMarkdown } from "./access/format";
import { stackConfigFile } from "./plan/project";

const USAGE = "usage: npm run access -- --stack <name> [--config <file>] [--matrix <file>] [--json]";

export async function cli(argv: string[], print: (text: string) => void = console.log): Promise<number> {
    const { values } = parseArgs({
        args: argv,
        options: {
            stack: { type: "string" },
            config: { type: "string" },
            matrix: { type: "string" },
            json: { type: "boolean" },
            help: { type: "boolean" },
        },
        strict: true,
    });
    if (values.help) {
        print(USAGE);
        return 0;
    }
    if (!values.stack) {
        console.error(`--stack is required\n${USAGE}`);
        return 2;
    }
    const configFile = values.config ?? stackConfigFile(values.stack);
    if (!fs.existsSync(configFile)) {
        console.error(`${configFile} does not exist: name a stack of this project, or give its config with --config <file>\n${USAGE}`);
        return 2;
    }
    const matrix = loadExpectedMatrix(values.matrix);
    const result = await accessMatrix(values.stack, { configFile: values.config, matrixFile: values.matrix });
    print(values.json ? formatJson(result) : formatMarkdown(result, matrix));
    return result.mismatches.length ? 1 : 0;
}

if (require.main === module) {
    cli(process.argv.slice(2)).then(
        // Exit once stdout has drained: a pipe takes the matrix in 64 KiB chunks, and process.exit would cut it.
        (code) => process.stdout.write("", () => process.exit(code)),
        (err: unknown) => {
            if (isConfigError(err) || (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))) {
                console.error(err instanceof Error ? err.message : err);
                process.exit(2);
            }
            console.error(err instanceof Error ? err.stack ?? err.message : err);
            process.exit(1);
        },
    );
}
