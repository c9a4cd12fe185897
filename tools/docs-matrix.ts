/**
 * npm run docs:matrix
 *
 * Regenerates the access matrix of the example `canary-pair-publisher` (with
 * its partner half planned, so both sides' policies are known) in
 * docs/access-matrix.md, between its markers, so the page shows what the
 * simulator decides today. The page shows an example of the program, never a
 * team's own stacks: adding a counterpart to Pulumi.<stack>.yaml leaves it current.
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "./cli/runner";
import { PROJECT_ROOT } from "./root";

export const MATRIX_PAGE = path.join(PROJECT_ROOT, "docs", "access-matrix.md");
/** The example the page shows. */
export const MATRIX_EXAMPLE = "canary-pair-publisher";
const MATRIX_EXAMPLE_FILE = path.join(PROJECT_ROOT, "stacks", "examples", `${MATRIX_EXAMPLE}.yaml`);
const START = new RegExp(`<!-- access-matrix:${MATRIX_EXAMPLE}:start[^>]*-->\\n`);
const END = `<!-- access-matrix:${MATRIX_EXAMPLE}:end -->`;

export async function generatedMatrix(): Promise<string> {
    // Loaded only now, so that --help answers without planning anything.
    const [{ accessMatrix, loadExpectedMatrix }, { formatMarkdown }] = await Promise.all([import("./access/index"), import("./access/format")]);
    return formatMarkdown(await accessMatrix(MATRIX_EXAMPLE, { configFile: MATRIX_EXAMPLE_FILE }), loadExpectedMatrix()).trim();
}

/** The matrix as it stands in docs/access-matrix.md now. */
export function pageMatrix(text = fs.readFileSync(MATRIX_PAGE, "utf8")): string {
    const start = START.exec(text);
    const end = text.indexOf(END);
    if (!start || end < 0) throw new Error("docs/access-matrix.md lacks the access-matrix markers");
    return text.slice(start.index + start[0].length, end).trim();
}

if (require.main === module) {
    main({
        name: "docs:matrix",
        usage: `usage: npm run docs:matrix\n\nRegenerates the access matrix of the example ${MATRIX_EXAMPLE} (stacks/examples/) in docs/access-matrix.md, between its markers.\n\n  --help  print this help, and change nothing\n\nexit status: 0 regenerated; 1 a failure; 2 a usage or config error.`,
        options: {},
        async run() {
            const matrix = await generatedMatrix();
            const text = fs.readFileSync(MATRIX_PAGE, "utf8");
            const current = pageMatrix(text);
            const start = START.exec(text)!;
            const body = text.slice(start.index + start[0].length);
            const replaced = text.slice(0, start.index + start[0].length) + (current ? body.replace(current, () => matrix) : `${matrix}\n${body}`);
            fs.writeFileSync(MATRIX_PAGE, replaced);
            console.log(`docs/access-matrix.md: access matrix of the example ${MATRIX_EXAMPLE} regenerated`);
            return 0;
        },
    });
}
