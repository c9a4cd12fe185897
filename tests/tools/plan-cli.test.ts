/**
 * `npm run plan` as a user runs it: exit codes, the table per stack, printed
 * tree and outputs, the export file, and --diff against an earlier plan.
 * Content is asserted on the tests' fixtures and the examples; the stacks a
 * team commits are only checked to plan.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectStacks } from "../../tools/cli/stacks";
import { REPLACED_ON_CHANGE } from "../../tools/plan/replacement";
import { PROJECT_ROOT } from "../../tools/root";
import { Run, runScript, runTool } from "../helpers/cli";
import { configVariant, plan } from "../helpers/plans";

const SEVERAL = "tests/fixtures/handoff/handoff-several.yaml";
const KMS = "tests/fixtures/handoff/handoff-kms.yaml";

/** npm run plan in this process; with an environment of its own, as a process (the runner reads npm's variables from it). */
function runPlan(args: string[], env?: NodeJS.ProcessEnv): Promise<Run> {
    return env ? Promise.resolve(runScript("plan", args, { env })) : runTool("plan", args);
}

/** A copy of a fixture under its own file name (so the same stack), changed by `change`. */
const variant = (source: string, change: (config: Record<string, unknown>) => void) => configVariant(path.join(PROJECT_ROOT, source), change);

describe("npm run plan", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("plans every stack of this project, by its bare and its qualified name alike", async () => {
        const [first] = projectStacks();
        assert.ok(first, "the project has a stack");
        const bare = await runPlan(["--stack", first]);
        assert.strictEqual(bare.status, 0, bare.stderr + bare.stdout);
        const qualified = await runPlan(["--stack", `organization/s3-transfer/${first}`]);
        assert.strictEqual(qualified.status, 0, qualified.stderr + qualified.stdout);
        // The same plan; only its hints name the stack as it was given.
        assert.strictEqual(qualified.stdout.replaceAll(`--stack organization/s3-transfer/${first}`, `--stack ${first}`), bare.stdout);
    });

    it("starts with a table of the counterparts: entry, state, encryption, region, replication, grant, the real bucket names, and what is retained", async () => {
        const { status, stdout, stderr } = await runPlan(["--config", SEVERAL]);
        assert.strictEqual(status, 0, stderr);
        const lines = stdout.split("\n");
        assert.strictEqual(lines[0], "Stack s3-transfer/handoff-several: 3 counterparts, 93 resources");
        assert.match(lines[1], /^ {2}counterpart +config entry +state +encryption +region +replication +grant +egress bucket +ingress bucket +buckets on delete$/);
        const row = (name: string) =>
            lines
                .find((l) => l.startsWith(`  ${name} `))!
                .trim()
                .split(/ {2,}/);
        assert.deepStrictEqual(row("northwind-loyalty"), [
            "northwind-loyalty",
            "s3-transfer:partners[0]",
            "active",
            "SSE-S3",
            "us-east-1",
            "active",
            "active",
            "acme-bank-handoff-several-northwind-loyalty-egress",
            "acme-bank-handoff-several-northwind-loyalty-ingress",
            "retained, protected",
        ]);
        assert.deepStrictEqual(row("bluebird-data").slice(5, 7), ["active", "pending"]);
        assert.deepStrictEqual(row("coral-media").slice(5, 7), ["pending", "pending"]);
    });

    it("shows a counterpart that is offboarding as stopped and revoked, and a retired one's buckets as retained but no longer protected", async () => {
        const file = variant(SEVERAL, (c) => {
            const partners = c["s3-transfer:partners"] as Record<string, unknown>[];
            partners[0].state = "offboarding";
            partners[1].state = "retired";
        });
        const { status, stdout, stderr } = await runPlan(["--config", file]);
        assert.strictEqual(status, 0, stderr);
        const row = (name: string) =>
            stdout
                .split("\n")
                .find((l) => l.startsWith(`  ${name} `))!
                .trim()
                .split(/ {2,}/);
        assert.deepStrictEqual(
            [row("northwind-loyalty")[2], ...row("northwind-loyalty").slice(5, 7), row("northwind-loyalty")[9]],
            ["offboarding", "stopped", "revoked", "retained, protected"],
        );
        assert.deepStrictEqual([row("bluebird-data")[2], ...row("bluebird-data").slice(5, 7), row("bluebird-data")[9]], ["retired", "stopped", "revoked", "retained"]);
    });

    it("shows SSE-KMS links, and a KMS key ARN as what AWS assigns at creation, never an invented one", async () => {
        const { status, stdout, stderr } = await runPlan(["--config", KMS]);
        assert.strictEqual(status, 0, stderr);
        assert.match(stdout, /^ {2}northwind-loyalty +s3-transfer:partners\[0\] +active +SSE-KMS /m);
        assert.ok(!stdout.includes("00000000-0000-0000-0000-"), "no stand-in key ID printed");
        assert.match(stdout, /"ingressKmsKeyArn": "\(assigned by AWS at creation: known after pulumi up\)"/);
    });

    it("writes a stack export with --json, and its hand-off hint is a command that works", async () => {
        const exportFile = path.join(dir, "several.json");
        const { status, stdout, stderr } = await runPlan(["--config", SEVERAL, "--json", exportFile]);
        assert.strictEqual(status, 0, stderr + stdout);
        assert.match(stdout, /policy pack: \d+ violation\(s\), 0 mandatory/);
        assert.match(stdout, new RegExp(`^wrote ${exportFile.replace(/[.\\/]/g, "\\$&")} \\(pulumi stack export format\\)$`, "m"));
        const exported = JSON.parse(fs.readFileSync(exportFile, "utf8"));
        assert.strictEqual(exported.version, 3);
        const resources = exported.deployment.resources as Record<string, unknown>[];
        for (const r of resources) {
            for (const field of ["urn", "type", "custom", "inputs", "outputs", "dependencies", "propertyDependencies"]) assert.ok(field in r, `${String(r.urn)} lacks ${field}`);
        }
        const hint = /write one with (npm run handoff -- .*)\)$/m.exec(stdout)?.[1];
        assert.strictEqual(hint, `npm run handoff -- --config ${SEVERAL} --counterpart northwind-loyalty`);
        const handoff = await runTool("handoff", hint!.replace("npm run handoff -- ", "").split(" "));
        assert.strictEqual(handoff.status, 0, handoff.stderr);
    });

    describe("--diff <earlier plan>: what a change adds, removes and replaces, read offline as pulumi preview shows it", () => {
        let earlier: string;
        before(async () => {
            earlier = path.join(dir, "earlier.json");
            const r = await runPlan(["--config", SEVERAL, "--json", earlier]);
            assert.strictEqual(r.status, 0, r.stderr);
        });
        const changed = (change: (config: Record<string, unknown>) => void) => variant(SEVERAL, change);

        it("no change: says so, exit 0", async () => {
            const r = await runPlan(["--config", SEVERAL, "--diff", earlier]);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(
                r.stdout,
                /^Changes from .*earlier\.json to this plan of s3-transfer\/handoff-several:\n {2}\(none: the plan makes the same resources with the same inputs\)\n0 to create, 0 to update, 0 to replace, 0 to delete$/m,
            );
            assert.doesNotMatch(r.stdout, /^pulumi:pulumi:Stack/m, "the tree gives way to the diff");
        });

        it("a new counterpart: its resources are created and shared documents updated, exit 0", async () => {
            const file = changed((c) => {
                (c["s3-transfer:partners"] as Record<string, unknown>[]).push({ name: "delta-rewards", accountId: "540000000004", root: "acme-delta" });
            });
            const r = await runPlan(["--config", file, "--diff", earlier]);
            assert.strictEqual(r.status, 0, r.stdout);
            assert.match(r.stdout, /^ {2}\+ {2}create {2}aws:s3\/bucket:Bucket {2}acme-bank-delta-rewards-egress \(acme-bank-handoff-several-delta-rewards-egress\)$/m);
            assert.match(r.stdout, /^ {2}\+ {2}create {2}aws:iam\/role:Role {2}acme-bank-delta-rewards-batch-replication \(acme-bank-to-delta-rewards-batch\)$/m);
            assert.match(r.stdout, /^ {2}~ {2}update {2}aws:s3\/bucketPolicy:BucketPolicy {2}acme-bank-logs-us-east-1 {2}\[policy\]$/m);
            assert.match(r.stdout, /^\d+ to create, \d+ to update, 0 to replace, 0 to delete$/m);
            assert.doesNotMatch(r.stdout, /FAILS THE UP/);
        });

        it("a renamed bucket forces a replacement (the provider's bucket is ForceNew), which fails the up on a protected bucket: exit 1", async () => {
            const file = changed((c) => {
                (c["s3-transfer:partners"] as Record<string, unknown>[])[2].ingressBucketName = "renamed-coral-ingress";
            });
            const r = await runPlan(["--config", file, "--diff", earlier]);
            assert.strictEqual(r.status, 1, r.stdout);
            assert.match(
                r.stdout,
                /^ {2}\+- replace aws:s3\/bucket:Bucket {2}acme-bank-coral-media-ingress {2}\[bucket: acme-bank-handoff-several-coral-media-ingress -> renamed-coral-ingress\]\n {8}FAILS THE UP: protected: a replacement deletes it/m,
            );
            assert.match(r.stdout, /; \d+ would fail the up$/m);
        });

        it("an active counterpart removed from config: deleting its protected buckets fails the up, exit 1", async () => {
            const file = changed((c) => {
                (c["s3-transfer:partners"] as Record<string, unknown>[]).splice(1, 1);
            });
            const r = await runPlan(["--config", file, "--diff", earlier]);
            assert.strictEqual(r.status, 1, r.stdout);
            assert.match(
                r.stdout,
                /^ {2}- {2}delete {2}aws:s3\/bucket:Bucket {2}acme-bank-bluebird-data-ingress \(acme-bank-handoff-several-bluebird-data-ingress\)\n {8}FAILS THE UP: protected: the engine refuses to delete it/m,
            );
            assert.match(r.stdout, /^ {2}- {2}delete {2}aws:iam\/role:Role {2}acme-bank-bluebird-data-replication \(acme-bank-to-bluebird-data-replication\)$/m);
        });

        it("a retired counterpart removed from config: its buckets leave the stack and stay in AWS, nothing fails, exit 0", async () => {
            const retired = changed((c) => {
                (c["s3-transfer:partners"] as Record<string, unknown>[])[1].state = "retired";
            });
            const before = path.join(dir, "retired.json");
            assert.strictEqual((await runPlan(["--config", retired, "--json", before])).status, 0);
            const removed = changed((c) => {
                (c["s3-transfer:partners"] as Record<string, unknown>[]).splice(1, 1);
            });
            const r = await runPlan(["--config", removed, "--diff", before]);
            assert.strictEqual(r.status, 0, r.stdout);
            assert.match(
                r.stdout,
                /^ {2}- {2}delete {2}aws:s3\/bucket:Bucket {2}acme-bank-bluebird-data-ingress \(acme-bank-handoff-several-bluebird-data-ingress\)\n {8}\(retained: it leaves the stack and stays in AWS\)$/m,
            );
            assert.doesNotMatch(r.stdout, /FAILS THE UP/);
        });

        it("refuses an earlier plan of another stack, or a file that is no plan, with exit 2", async () => {
            const other = path.join(dir, "other.json");
            assert.strictEqual((await runPlan(["--config", KMS, "--json", other])).status, 0);
            const r = await runPlan(["--config", SEVERAL, "--diff", other]);
            assert.strictEqual(r.status, 2);
            assert.match(r.stderr, /^--diff .*other\.json: is a plan of stack handoff-kms, not of handoff-several; fix: compare plans of one stack/);
            const junk = path.join(dir, "junk.json");
            fs.writeFileSync(junk, JSON.stringify({ hello: 1 }));
            const j = await runPlan(["--config", SEVERAL, "--diff", junk]);
            assert.strictEqual(j.status, 2);
            assert.match(
                j.stderr,
                /^--diff .*junk\.json: not a plan or stack export \(no deployment\.resources with a urn and type each\); fix: give a file written by npm run plan -- --stack <name> --json <file>/,
            );
            const missing = await runPlan(["--config", SEVERAL, "--diff", path.join(dir, "absent.json")]);
            assert.strictEqual(missing.status, 2);
            assert.match(missing.stderr, /absent\.json: does not exist/);
        });

        it("knows which properties force a replacement for every resource type the program makes, each a property of the type in @pulumi/aws", async () => {
            const files = [
                ...fs.readdirSync(path.join(PROJECT_ROOT, "stacks", "examples")).map((f) => path.join("stacks", "examples", f)),
                ...["stacks", "handoff"].flatMap((set) => fs.readdirSync(path.join(PROJECT_ROOT, "tests", "fixtures", set)).map((f) => path.join("tests", "fixtures", set, f))),
            ]
                // Pulumi.yaml is a fixture folder's project file, never a stack.
                .filter((f) => f.endsWith(".yaml") && path.basename(f) !== "Pulumi.yaml" && !/stack: /.test(fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8")));
            const types = new Set<string>();
            for (const f of files) {
                const p = await plan({ stack: path.basename(f, ".yaml"), configFile: path.join(PROJECT_ROOT, f) });
                for (const r of p.resources) if (r.custom && !r.external && r.type.startsWith("aws:")) types.add(r.type);
            }
            assert.ok(types.size >= 15, [...types].join(", "));
            for (const type of types) assert.ok(REPLACED_ON_CHANGE[type], `no replacement properties for ${type}`);
            for (const [type, properties] of Object.entries(REPLACED_ON_CHANGE)) {
                const [, module, file] = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):/.exec(type)!;
                const typings = fs.readFileSync(path.join(PROJECT_ROOT, "node_modules", "@pulumi", "aws", module, `${file}.d.ts`), "utf8");
                const args = typings.slice(typings.indexOf(`export interface ${type.split(":").pop()}Args {`));
                for (const property of properties) assert.match(args, new RegExp(`\\n {4}${property}\\??: `), `${type}: ${property} is not an input of the type`);
            }
        });
    });

    it("exits 2 with the key and the fix on a config error, before planning anything", async () => {
        const bad = path.join(dir, "bad.yaml");
        fs.writeFileSync(
            bad,
            'config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:name: acme-bank\n  s3-transfer:accountId: "12345"\n  s3-transfer:partners:\n    - name: cdlx\n      accountId: "444455556666"\n',
        );
        const { status, stdout, stderr } = await runPlan(["--stack", "bad", "--config", bad]);
        assert.strictEqual(status, 2, stderr + stdout);
        assert.match(
            stderr,
            /s3-transfer:accountId: must be a 12-digit AWS account ID, got "12345" \(5 digits\): digits are missing; if the stack file has it without quotes, [^\n]*\n\s+fix: pulumi config set --config-file \S+bad\.yaml s3-transfer:accountId/,
        );
        assert.strictEqual(stdout, "");
    });

    describe("bad stack files exit 2 naming the file, the line, the key and the fix, in every command that reads config", () => {
        const bad: Record<string, [string, RegExp]> = {
            "duplicate.yaml": [
                "config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:side: partner\n",
                /duplicate\.yaml:4: s3-transfer:side: is set twice[\s\S]*fix: keep one of the two "s3-transfer:side" entries/,
            ],
            "syntax.yaml": [
                "config:\n  aws:region: us-east-1\n  s3-transfer:partners: [ {name: cdlx\n",
                /syntax\.yaml:\d+: s3-transfer:partners: is not valid YAML[\s\S]*fix: fix the YAML syntax/,
            ],
            "secret.yaml": [
                "config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:accountId:\n    secure: v1:AAAABBBB\n",
                /secret\.yaml:4: s3-transfer:accountId: is an encrypted secret[\s\S]*fix: store it in plain text/,
            ],
        };
        const commands: [string, string[]][] = [
            ["plan", []],
            ["handoff", []],
            ["access", ["--stack", "bad"]],
            ["audit-query", []],
        ];
        const run = async (script: string, args: string[]) => {
            const r = await runTool(script, args);
            return { status: r.status, out: r.stdout + r.stderr };
        };
        for (const [name, [text, message]] of Object.entries(bad)) {
            it(`npm run plan: ${name}`, async () => {
                const file = path.join(dir, name);
                fs.writeFileSync(file, text);
                const { status, out } = await run("plan", ["--config", file]);
                assert.strictEqual(status, 2, out);
                assert.match(out, message);
                assert.doesNotMatch(out, /\n\s+at .*\.[jt]s:\d+/, "no stack trace");
            });
        }
        for (const [name, extra] of commands) {
            it(`npm run ${name}: a missing --config file and a duplicate key`, async () => {
                const missing = await run(name, [...extra, "--config", path.join(dir, "absent.yaml")]);
                assert.strictEqual(missing.status, 2, missing.out);
                assert.match(missing.out, /absent\.yaml/);
                assert.doesNotMatch(missing.out, /\n\s+at .*\.[jt]s:\d+/, "no stack trace");
                const file = path.join(dir, "duplicate.yaml");
                fs.writeFileSync(file, bad["duplicate.yaml"][0]);
                const duplicate = await run(name, [...extra, "--config", file]);
                assert.strictEqual(duplicate.status, 2, duplicate.out);
                assert.match(duplicate.out, bad["duplicate.yaml"][1]);
            });
        }
        it("npm run plan: a stack that is not a stack of this project lists the stacks that are", async () => {
            const { status, out } = await run("plan", ["--stack", "no-such-stack"]);
            assert.strictEqual(status, 2, out);
            assert.ok(
                out.startsWith(
                    `--stack no-such-stack: this project has no stack "no-such-stack" (no Pulumi.no-such-stack.yaml)\nthe stacks of this project: ${projectStacks().join(", ")};`,
                ),
                out,
            );
        });
    });

    it("warns, without refusing, about two counterparts in one account: one company may run two parties", async () => {
        const config = path.join(dir, "same-account.yaml");
        fs.writeFileSync(
            config,
            'config:\n  aws:region: us-east-1\n  s3-transfer:side: publisher\n  s3-transfer:name: acme-bank\n  s3-transfer:accountId: "111122223333"\n  s3-transfer:partners:\n    - name: cdlx\n      accountId: "444455556666"\n    - name: cdlx-test\n      accountId: "444455556666"\n',
        );
        const { status, stdout, stderr } = await runPlan(["--config", config]);
        assert.strictEqual(status, 0, stderr + stdout);
        const warnings = stdout.split("\n").filter((line) => /accountId: .* is in account 444455556666/.test(line));
        assert.deepStrictEqual(warnings, [
            "  - s3-transfer:partners[1].accountId: cdlx-test (s3-transfer:partners[1]) is in account 444455556666, as cdlx (s3-transfer:partners[0]) is: fine when one company runs these parties; otherwise correct the entry that names the wrong account",
        ]);
    });

    it("exits 2 on an unknown option", async () => {
        assert.strictEqual((await runPlan(["--stak", "prod"])).status, 2);
    });

    it("npm run plan --stack <name> without --: npm takes --stack for itself, and the error says to put -- first", async () => {
        // npm 10 and 11 read an option they do not know as a boolean config (npm_config_stack=true) and
        // pass its value on as a plain word; `--stack=prod` keeps the value in the variable instead
        // (https://docs.npmjs.com/cli/v10/commands/npm-run-script: arguments after -- go to the script).
        const [first] = projectStacks();
        const swallowed = await runPlan([first], { ...process.env, npm_config_stack: "true" });
        assert.strictEqual(swallowed.status, 2);
        assert.ok(
            swallowed.stderr.includes(`npm took --stack for itself (npm_config_stack is set): put -- before the command's options, e.g. npm run plan -- --stack ${first}\n`),
            swallowed.stderr,
        );
        const withValue = await runPlan(["--json", "x.json"], { ...process.env, npm_config_stack: first });
        assert.strictEqual(withValue.status, 2);
        assert.ok(withValue.stderr.includes(`e.g. npm run plan -- --stack ${first} --json x.json\n`), withValue.stderr);
    });

    it("through npm itself: npm run plan --stack <name> without -- exits 2 with the hint, and the hinted command plans", function () {
        const npm = spawnSync("npm", ["--version"], { encoding: "utf8" });
        if (npm.status !== 0) this.skip();
        const [first] = projectStacks();
        // -s: npm's own banner and warnings stay out; what is left is the command's.
        const r = spawnSync("npm", ["run", "-s", "plan", "--stack", first], { cwd: PROJECT_ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 2, r.stdout);
        const hint = /e\.g\. (npm run plan -- --stack \S+)\n/.exec(r.stderr)?.[1];
        assert.strictEqual(hint, `npm run plan -- --stack ${first}`, r.stderr);
        assert.strictEqual(spawnSync("npm", ["run", "-s", ...hint!.split(" ").slice(2)], { cwd: PROJECT_ROOT, encoding: "utf8" }).status, 0);
    });

    it("every command writing a file refuses one it cannot write with exit 2, before any work and without a trace", async () => {
        const target = path.join(os.tmpdir(), "no-such-folder-for-s3-transfer", "out.json");
        for (const [script, args] of [
            ["plan", ["--config", SEVERAL, "--json", target]],
            ["handoff", ["--config", SEVERAL, "--counterpart", "coral-media", "--format", "json", "--out", target]],
            ["gen-partners", ["--count", "2", "--out", target]],
        ] as const) {
            const r = await runTool(script, [...args]);
            assert.strictEqual(r.status, 2, `${script}: ${r.stderr}`);
            assert.match(r.stderr, /no-such-folder-for-s3-transfer\/out\.json: cannot write it \(ENOENT\); fix: name a file in a folder that exists/);
            assert.doesNotMatch(r.stderr, /fingerprint for|\n\s+at /, script);
        }
    });
});
