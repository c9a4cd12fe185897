/** One formatter for the whole repository: every TypeScript and JavaScript file is as Prettier writes it (npm run format). */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";

const ROOT = path.join(__dirname, "..");
const SKIPPED_DIRS = new Set(["node_modules", "bin", ".git", "plans", "scratch"]);

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sources(full);
        return /\.(ts|js)$/.test(entry.name) ? [full] : [];
    });
}

describe("formatting", () => {
    it("every TypeScript and JavaScript file is formatted by Prettier with the repository's config", async function () {
        this.timeout(120_000);
        const unformatted: string[] = [];
        for (const file of sources(ROOT)) {
            const info = await prettier.getFileInfo(file, { ignorePath: path.join(ROOT, ".prettierignore") });
            if (info.ignored) continue;
            const options = { ...(await prettier.resolveConfig(file)), filepath: file };
            if (!(await prettier.check(fs.readFileSync(file, "utf8"), options))) unformatted.push(path.relative(ROOT, file));
        }
        assert.deepStrictEqual(unformatted, [], "run npm run format");
    });
});
