/**
 * npm run readme:matrix
 *
 * Regenerates the access matrix of `prod` in README.md, between its markers,
 * so the README shows what the simulator decides today.
 */
import * as fs from "fs";
import * as path from "path";
import { accessMatrix, loadExpectedMatrix } from "./access/index";
import { formatMarkdown } from "./access/format";

export const README = path.join(__dirname, "..", "README.md");
const START = /<!-- access-matrix:prod:start[^>]*-->\n/;
const END = "<!-- access-matrix:prod:end -->";

export async function generatedMatrix(): Promise<string> {
    return formatMarkdown(await accessMatrix("prod"), loadExpectedMatrix()).trim();
}

/** The matrix as it stands in README.md now. */
export function readmeMatrix(text = fs.readFileSync(README, "utf8")): string {
    const start = START.exec(text);
    const end = text.indexOf(END);
    if (!start || end < 0) throw new Error("README.md lacks the access-matrix markers");
    return text.slice(start.index + start[0].length, end).trim();
}

if (require.main === module) {
    generatedMatrix().then((matrix) => {
        const text = fs.readFileSync(README, "utf8");
        const current = readmeMatrix(text);
        const start = START.exec(text)!;
        const body = text.slice(start.index + start[0].length);
        const replaced = text.slice(0, start.index + start[0].length) + (current ? body.replace(current, () => matrix) : `${matrix}\n${body}`);
        fs.writeFileSync(README, replaced);
        console.log("README.md: access matrix of prod regenerated");
    }, (err: unknown) => {
        console.error(err);
        process.exit(1);
    });
}
