/**
 * Every command the README and docs/ show is run, with its placeholders filled
 * from the tests' fixtures, and does what it says (how each kind is proved:
 * tests/helpers/run-shown.ts). The commands are picked out of the pages
 * (tests/helpers/commands.ts), so a page added or edited is covered as it is.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectStacks } from "../../tools/cli/stacks";
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

    describe("a command that reads a deployed stack, which stops where it would reach out", () => {
        const shown = (text: string): ShownCommand => ({ where: "test", text });

        it("must stop there: a stack this project does not have exits 2 with a usage that mentions credentials, and is caught", async () => {
            const v = await check(shown("npm run canary -- --stack no-such-stack-of-any-team"), ctx);
            assert.strictEqual(v.how, "reached out");
            assert.match(v.problem ?? "", /did not stop where it reaches out \(exit 2\): --stack no-such-stack-of-any-team: this project has no stack/);
        });

        it("names a counterpart of the stack it names: one the stack's file does not have is caught before the command gives up at the Pulumi CLI", async function () {
            const [stack] = projectStacks();
            if (!stack) this.skip();
            const v = await check(shown(`npm run batch-replicate -- --stack ${stack} --counterpart no-such-counterpart --canary --start`), ctx);
            assert.match(v.problem ?? "", new RegExp(`^stack ${stack} has no counterpart no-such-counterpart \\(its counterparts: `));
        });

        it("fills a placeholder stack and counterpart with a stack of the team's and one of that stack's own counterparts", async () => {
            const v = await check(shown("npm run batch-replicate -- --stack <stack> --counterpart <counterpart> --canary --start"), ctx);
            assert.strictEqual(v.problem, undefined, v.ran);
            const [, stack, counterpart] = /--stack (\S+) --counterpart (\S+)/.exec(v.ran)!;
            assert.ok(projectStacks().includes(stack), v.ran);
            assert.ok(!counterpart.startsWith("<"), v.ran);
        });
    });

    for (const page of PAGES) {
        it(`${page}: each shown command does what it says`, () => {
            const problems = (verdicts.get(page) ?? []).filter((v) => v.problem).map((v) => `${v.command.where}: ${v.command.text}\n    ran: ${v.ran}\n    ${v.problem}`);
            assert.deepStrictEqual(problems, []);
        });
    }
});
