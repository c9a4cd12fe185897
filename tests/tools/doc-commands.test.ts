/**
 * Every command the README and docs/ show is run, with its placeholders filled
 * from the tests' fixtures, and does what it says (how each kind is proved:
 * tests/helpers/run-shown.ts). The commands are picked out of the pages
 * (tests/helpers/commands.ts), so a page added or edited is covered as it is.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../tools/root";
import { commandsInMarkdown, ShownCommand } from "../helpers/commands";
import { plan } from "../helpers/plans";
import { pooled } from "../helpers/cli";
import { check, Context, fixtureContext, Verdict } from "../helpers/run-shown";

const PAGES = [
    "README.md",
    ...fs
        .readdirSync(path.join(PROJECT_ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.join("docs", f)),
];

describe("every command the README and docs show", function () {
    this.timeout(900_000);
    const verdicts = new Map<string, Verdict[]>();
    let ctx: Context;

    before(async () => {
        ctx = await fixtureContext((stack, file) => plan({ stack, configFile: file }));
        const shown: ShownCommand[] = PAGES.flatMap((page) => commandsInMarkdown(fs.readFileSync(path.join(PROJECT_ROOT, page), "utf8"), page));
        // One run per distinct command: a page may show it twice.
        const distinct = [...new Map(shown.map((c) => [c.text, c])).values()];
        const results = await pooled(distinct.map((c) => () => check(c, ctx)));
        const byText = new Map(results.map((v) => [v.command.text, v]));
        for (const c of shown) {
            const page = c.where.split(":")[0];
            verdicts.set(page, [...(verdicts.get(page) ?? []), { ...byText.get(c.text)!, command: c }]);
        }
    });
    after(() => fs.rmSync(ctx.dir, { recursive: true, force: true }));

    it("finds the commands of every kind: run, run up to where they reach out, checked by --help or by the CLI's syntax", () => {
        const all = [...verdicts.values()].flat();
        const kinds = new Set(all.map((v) => v.how));
        for (const how of ["ran", "reached out", "help", "syntax"] as const) assert.ok(kinds.has(how), `no command was ${how}`);
        assert.ok(all.filter((v) => v.how === "ran").length >= 10, "at least ten commands run for real");
    });

    for (const page of PAGES) {
        it(`${page}: each shown command does what it says`, () => {
            const problems = (verdicts.get(page) ?? []).filter((v) => v.problem).map((v) => `${v.command.where}: ${v.command.text}\n    ran: ${v.ran}\n    ${v.problem}`);
            assert.deepStrictEqual(problems, []);
        });
    }
});
