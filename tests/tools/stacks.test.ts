/**
 * `npm run stacks`: the inventory every workflow takes its stacks from. Its
 * rules run on fixture repositories that belong to this test; the committed
 * stacks are checked only by properties that hold for any consistent set.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isConfigError } from "../../infra/config/errors";
import { inventoryJson, InventoryJson, loadInventory, runStacks } from "../../tools/stacks/index";
import { groupOfStack, readInventory, tierOf } from "../../tools/stacks/inventory";
import { runScript } from "../helpers/cli";

const PROJECT_YAML = "name: s3-transfer\nruntime:\n  name: nodejs\n";

interface Entry {
    name: string;
    stack?: string;
    accountId?: string;
}

function stackYaml(side: "publisher" | "partner", party: string, entries: Entry[], extra: Record<string, string> = {}): string {
    const list = side === "publisher" ? "partners" : "publishers";
    const lines = [
        "config:",
        "  aws:region: us-east-1",
        `  s3-transfer:side: ${side}`,
        `  s3-transfer:name: ${party}`,
        '  s3-transfer:accountId: "111122223333"',
        ...Object.entries(extra).map(([k, v]) => `  ${k}: ${v}`),
        `  s3-transfer:${list}:`,
        ...entries.flatMap((e) => [`    - name: ${e.name}`, ...(e.stack ? [`      stack: ${e.stack}`] : []), ...(e.accountId ? [`      accountId: "${e.accountId}"`] : [])]),
    ];
    return `${lines.join("\n")}\n`;
}

/** A repository of stack files, removed after the test. */
function repository(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), PROJECT_YAML);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
    repositories.push(dir);
    return dir;
}
const repositories: string[] = [];
after(() => repositories.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Acme's own story: a pre-production pair for the canary, production by hand-over, and a second production stack alone. */
const ACME = {
    preprod: stackYaml("publisher", "acme-bank", [{ name: "acme-canary", stack: "canary-partner" }], { "s3-transfer:batchTrustConditions": "true" }),
    "canary-partner": stackYaml("partner", "acme-canary", [{ name: "acme-bank", stack: "preprod" }]),
    prod: stackYaml("publisher", "acme-bank", [{ name: "cdlx", accountId: "444455556666" }]),
    "prod-eu": stackYaml("publisher", "acme-bank", [{ name: "northwind", accountId: "444455557777" }]),
};

function problemsOf(fn: () => unknown): { key: string; problem: string; fix: string; file?: string; line?: number }[] {
    try {
        fn();
    } catch (err) {
        if (isConfigError(err)) return err.problems;
        throw err;
    }
    assert.fail("expected a ConfigError");
}

describe("npm run stacks (the stack inventory)", () => {
    describe("tiers, by the words of a stack's name", () => {
        for (const name of ["preprod", "partner-preprod", "canary-partner", "staging", "acme_uat", "dev.eu", "pre-prod", "QA-1"]) {
            it(`${name} is pre-production`, () => assert.strictEqual(tierOf(name), "preproduction"));
        }
        for (const name of ["prod", "partner-prod", "production", "prod-eu", "eu-west", "blue", "preproduct", "devops"]) {
            it(`${name} is production (the safe default for any name without a pre-production word)`, () => assert.strictEqual(tierOf(name), "production"));
        }
    });

    it("groups stacks joined by references, publishers first, and leaves a stack without references alone", () => {
        const inventory = readInventory(repository(ACME), "s3-transfer");
        assert.deepStrictEqual(inventory.groups, [
            { name: "preprod", tier: "preproduction", stacks: ["preprod", "canary-partner"] },
            { name: "prod", tier: "production", stacks: ["prod"] },
            { name: "prod-eu", tier: "production", stacks: ["prod-eu"] },
        ]);
        const byName = Object.fromEntries(inventory.stacks.map((s) => [s.name, s]));
        assert.deepStrictEqual(byName["canary-partner"], {
            name: "canary-partner",
            file: "Pulumi.canary-partner.yaml",
            side: "partner",
            party: "acme-canary",
            tier: "preproduction",
            references: ["preprod"],
            externalReferences: [],
            group: "preprod",
            batchTrustConditions: false,
        });
        assert.strictEqual(byName.preprod.batchTrustConditions, true);
        assert.deepStrictEqual(byName.prod.references, []);
    });

    it("orders a group of three: the publisher, then its partners by name", () => {
        const dir = repository({
            staging: stackYaml("publisher", "acme-bank", [
                { name: "zeta", stack: "staging-zeta" },
                { name: "alpha", stack: "staging-alpha" },
            ]),
            "staging-zeta": stackYaml("partner", "zeta", [{ name: "acme-bank", stack: "staging" }]),
            "staging-alpha": stackYaml("partner", "alpha", [{ name: "acme-bank", stack: "staging" }]),
        });
        assert.deepStrictEqual(readInventory(dir, "s3-transfer").groups, [{ name: "staging", tier: "preproduction", stacks: ["staging", "staging-alpha", "staging-zeta"] }]);
    });

    it("reads <organization>/<this project>/<stack> as the stack here, and another project's stack as outside the repository", () => {
        const dir = repository({
            preprod: stackYaml("publisher", "acme-bank", [
                { name: "acme-canary", stack: "organization/s3-transfer/canary-partner" },
                { name: "lab", stack: "organization/lab-exchange/lab-preprod" },
            ]),
            "canary-partner": stackYaml("partner", "acme-canary", [{ name: "acme-bank", stack: "preprod" }]),
        });
        const inventory = readInventory(dir, "s3-transfer");
        const preprod = inventory.stacks.find((s) => s.name === "preprod")!;
        assert.deepStrictEqual([preprod.references, preprod.externalReferences], [["canary-partner"], ["organization/lab-exchange/lab-preprod"]]);
        assert.deepStrictEqual(
            inventory.groups.map((g) => g.stacks),
            [["preprod", "canary-partner"]],
        );
    });

    describe("refuses an inconsistent set with exit 2, naming the file, the key and the fix", () => {
        it("a reference to a stack with no file", () => {
            const dir = repository({ preprod: stackYaml("publisher", "acme-bank", [{ name: "cdlx", stack: "partner-preprd" }]) });
            const [problem, ...rest] = problemsOf(() => readInventory(dir, "s3-transfer"));
            assert.deepStrictEqual(rest, []);
            assert.strictEqual(problem.file, "Pulumi.preprod.yaml");
            assert.strictEqual(problem.key, "s3-transfer:partners[0].stack");
            assert.strictEqual(problem.line, 8);
            assert.match(problem.problem, /no Pulumi\.partner-preprd\.yaml in the repository \(stacks here: preprod\)$/);
            assert.match(problem.fix, /add Pulumi\.partner-preprd\.yaml .*hand-over fields/);
        });

        it("a reference between two stacks of the same side", () => {
            const dir = repository({
                preprod: stackYaml("publisher", "acme-bank", [{ name: "other-bank", stack: "other-preprod" }]),
                "other-preprod": stackYaml("publisher", "other-bank", [{ name: "acme-bank", stack: "preprod" }]),
            });
            const problems = problemsOf(() => readInventory(dir, "s3-transfer"));
            assert.deepStrictEqual(
                problems.map((p) => [p.file, p.key]),
                [
                    ["Pulumi.other-preprod.yaml", "s3-transfer:partners[0].stack"],
                    ["Pulumi.preprod.yaml", "s3-transfer:partners[0].stack"],
                ],
            );
            assert.match(problems[0].problem, /a publisher like this stack/);
        });

        it("a pre-production stack joined to a production one", () => {
            const dir = repository({
                preprod: stackYaml("publisher", "acme-bank", [{ name: "cdlx", stack: "partner-prod" }]),
                "partner-prod": stackYaml("partner", "cdlx", [{ name: "acme-bank", stack: "preprod" }]),
            });
            const problems = problemsOf(() => readInventory(dir, "s3-transfer"));
            assert.deepStrictEqual(problems.map((p) => p.file).sort(), ["Pulumi.partner-prod.yaml", "Pulumi.preprod.yaml"]);
            assert.match(problems.find((p) => p.file === "Pulumi.preprod.yaml")!.problem, /joins preproduction stack preprod to production stack partner-prod/);
        });

        it("a stack that does not list the referencing stack's party back (its link would stay pending)", () => {
            const dir = repository({
                preprod: stackYaml("publisher", "acme-bank", [{ name: "cdlx", stack: "partner-preprod" }]),
                "partner-preprod": stackYaml("partner", "cdlx", [{ name: "other-bank", accountId: "999988887777" }]),
            });
            const [problem] = problemsOf(() => readInventory(dir, "s3-transfer"));
            assert.strictEqual(problem.key, "s3-transfer:partners[0].stack");
            assert.match(problem.problem, /lists no counterpart named "acme-bank"/);
            assert.match(problem.fix, /add an entry named acme-bank \(with stack: preprod\) to s3-transfer:publishers in Pulumi\.partner-preprod\.yaml/);
        });

        it("an entry whose name is not the referenced stack's party", () => {
            const dir = repository({
                preprod: stackYaml("publisher", "acme-bank", [{ name: "cdlx", stack: "partner-preprod" }]),
                "partner-preprod": stackYaml("partner", "cardlytics", [{ name: "acme-bank", stack: "preprod" }]),
            });
            const problems = problemsOf(() => readInventory(dir, "s3-transfer"));
            const problem = problems.find((p) => p.file === "Pulumi.preprod.yaml" && p.key.endsWith(".name"))!;
            assert.deepStrictEqual([problem.key, problem.line], ["s3-transfer:partners[0].name", 7]);
            // And partner-preprod is not listed back under its own party name.
            assert.ok(problems.some((p) => p.file === "Pulumi.partner-preprod.yaml" && /lists no counterpart named "cardlytics"/.test(p.problem)));
            assert.match(problem.problem, /is "cdlx", but the referenced stack partner-preprod is party "cardlytics"/);
        });

        it("a stack without a side", () => {
            const dir = repository({ prod: "config:\n  s3-transfer:name: acme-bank\n" });
            const [problem] = problemsOf(() => readInventory(dir, "s3-transfer"));
            assert.deepStrictEqual([problem.file, problem.key], ["Pulumi.prod.yaml", "s3-transfer:side"]);
        });
    });

    it("names the stacks there are when asked for the group of an unknown stack", () => {
        const inventory = readInventory(repository(ACME), "s3-transfer");
        assert.strictEqual((groupOfStack(inventory, "prod-eu") as { name: string }).name, "prod-eu");
        assert.match(String(groupOfStack(inventory, "prodd")), /no stack prodd in this repository .*its stacks are: canary-partner, preprod, prod, prod-eu; did you mean prod\?/);
    });

    describe("the committed stacks (whatever a team commits)", () => {
        const inventory = loadInventory();
        it("put every stack in exactly one group, publishers before partners, one tier per group", () => {
            const grouped = inventory.groups.flatMap((g) => g.stacks).sort();
            assert.deepStrictEqual(grouped, inventory.stacks.map((s) => s.name).sort());
            for (const group of inventory.groups) {
                const members = group.stacks.map((name) => inventory.stacks.find((s) => s.name === name)!);
                const sides = members.map((s) => s.side);
                assert.deepStrictEqual(
                    sides,
                    [...sides].sort((a, b) => (a === b ? 0 : a === "publisher" ? -1 : 1)),
                    group.name,
                );
                assert.ok(
                    members.every((s) => s.tier === group.tier && s.group === group.name),
                    group.name,
                );
                for (const s of members) for (const r of s.references) assert.ok(group.stacks.includes(r), `${s.name} reads ${r} outside its group`);
            }
        });
    });

    describe("on the command line", () => {
        it("--json prints one line with the matrices the workflows read (names, preproduction, production)", () => {
            const r = runScript("stacks", ["--json", "--dir", repository(ACME)]);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.strictEqual(r.stdout.trim().split("\n").length, 1);
            const json = JSON.parse(r.stdout) as InventoryJson;
            assert.deepStrictEqual(json.names, ["canary-partner", "preprod", "prod", "prod-eu"]);
            assert.deepStrictEqual(
                json.preproduction.map((g) => g.name),
                ["preprod"],
            );
            assert.deepStrictEqual(
                json.production.map((g) => g.name),
                ["prod", "prod-eu"],
            );
        });

        it("prints a table by default, and exits 2 with the problems on an inconsistent set", async () => {
            const out: string[] = [];
            const err: string[] = [];
            const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
            assert.strictEqual(await runStacks(["--dir", repository(ACME)], io), 0);
            assert.match(out.join(""), /^group\s+tier\s+deploy order.*\npreprod\s+preproduction\s+1\. preprod\s+publisher acme-bank\s+canary-partner/);
            const broken = repository({ preprod: stackYaml("publisher", "acme-bank", [{ name: "cdlx", stack: "nowhere" }]) });
            assert.strictEqual(await runStacks(["--dir", broken], io), 2);
            assert.match(err.join(""), /Pulumi\.preprod\.yaml:8: s3-transfer:partners\[0\]\.stack: names stack nowhere/);
        });

        it("exits 2 on a folder that is not a checkout", async () => {
            const err: string[] = [];
            assert.strictEqual(await runStacks(["--dir", os.tmpdir()], { stdout: () => undefined, stderr: (t) => err.push(t) }), 2);
            assert.match(err.join(""), /no Pulumi\.yaml there/);
        });

        it("inventoryJson splits the groups by tier", () => {
            const json = inventoryJson(readInventory(repository(ACME), "s3-transfer"));
            assert.deepStrictEqual([json.preproduction.length + json.production.length, json.groups.length], [3, 3]);
        });
    });
});
