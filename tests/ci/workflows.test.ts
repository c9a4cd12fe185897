import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

// action-validator checks each file against the GitHub workflow schema (the
// SchemaStore one the registry package bundles as WebAssembly).
const validator: { validateWorkflow(src: string): { errors: unknown[] } } = require("@action-validator/core");

const DIR = path.join(__dirname, "..", "..", ".github", "workflows");
const STACKS = ["preprod", "partner-preprod", "prod", "partner-prod"];

type Job = Record<string, any>;
type Workflow = { on: Record<string, any>; permissions?: Record<string, string>; jobs: Record<string, Job> };

const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

/** Every step of a workflow's own jobs. */
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => (j.steps ?? []) as Record<string, any>[]);

describe("GitHub Actions workflows", () => {
    const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

    it("are exactly test, pulumi-stack, preview and deploy", () => assert.deepStrictEqual(files.sort(), ["deploy.yml", "preview.yml", "pulumi-stack.yml", "test.yml"]));

    for (const f of files) {
        it(`${f} passes the workflow schema`, () => assert.deepStrictEqual(validator.validateWorkflow(text(f)).errors, []));
    }

    it("the validator rejects an invalid workflow (so the check above can fail)", () => {
        const broken = text("test.yml").replace("runs-on:", "runs_on:");
        assert.notDeepStrictEqual(validator.validateWorkflow(broken).errors, []);
    });

    it("never use long-lived AWS keys", () => {
        for (const f of files) {
            assert.doesNotMatch(text(f), /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/, f);
        }
    });

    describe("test.yml", () => {
        const wf = load("test.yml");
        it("is reusable and runs npm ci && npm test on Node 20", () => {
            assert.ok("workflow_call" in wf.on);
            const s = steps(wf);
            assert.strictEqual(s.find((x) => String(x.uses).startsWith("actions/setup-node"))?.with["node-version"], 20);
            assert.ok(s.some((x) => x.run === "npm ci && npm test"));
        });
    });

    describe("pulumi-stack.yml", () => {
        const wf = load("pulumi-stack.yml");
        const s = steps(wf);
        const index = (prefix: string) => s.findIndex((x) => String(x.uses ?? "").startsWith(prefix));

        it("takes stack, command and environment", () =>
            assert.deepStrictEqual(Object.keys(wf.on.workflow_call.inputs).sort(), ["command", "environment", "stack"]));

        it("installs with npm ci on Node 20", () => {
            assert.strictEqual(s[index("actions/setup-node")].with["node-version"], 20);
            assert.ok(s.some((x) => x.run === "npm ci"));
        });

        it("assumes an AWS role by OIDC before running Pulumi", () => {
            const aws = index("aws-actions/configure-aws-credentials");
            assert.ok(aws >= 0);
            assert.match(s[aws].with["role-to-assume"], /^\$\{\{ vars\.AWS_ROLE_ARN \}\}$/);
            assert.ok(aws < index("pulumi/actions"));
            assert.strictEqual(Object.values(wf.jobs)[0].environment, "${{ inputs.environment }}");
        });

        it("runs the official Pulumi action with the policy pack and comments previews on the PR", () => {
            const pulumi = s[index("pulumi/actions@")];
            assert.strictEqual(pulumi.with.policyPacks, "policy-pack");
            assert.strictEqual(pulumi.with.command, "${{ inputs.command }}");
            assert.strictEqual(pulumi.with["comment-on-pr"], "${{ inputs.command == 'preview' }}");
            assert.match(pulumi.with["stack-name"], /inputs\.stack/);
        });
    });

    describe("preview.yml", () => {
        const wf = load("preview.yml");

        it("runs on pull requests to main", () => assert.deepStrictEqual(wf.on.pull_request.branches, ["main"]));

        it("previews each stack with the pack, allowed to assume roles and comment", () => {
            const job = wf.jobs.preview;
            assert.deepStrictEqual(job.strategy.matrix.stack, STACKS);
            assert.strictEqual(job.uses, "./.github/workflows/pulumi-stack.yml");
            assert.strictEqual(job.with.command, "preview");
            assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        });

        it("runs the tests", () => assert.strictEqual(wf.jobs.test.uses, "./.github/workflows/test.yml"));
    });

    describe("deploy.yml", () => {
        const wf = load("deploy.yml");
        const ups = Object.entries(wf.jobs).filter(([, j]) => j.uses === "./.github/workflows/pulumi-stack.yml");

        it("runs on pushes to main", () => assert.deepStrictEqual(wf.on.push.branches, ["main"]));

        it("runs pulumi up on every stack with OIDC permissions", () => {
            for (const [name, j] of ups) {
                assert.strictEqual(j.with.command, "up", name);
                assert.strictEqual(j.permissions["id-token"], "write", name);
            }
            assert.deepStrictEqual([...new Set(ups.map(([, j]) => j.with.stack))].sort(), [...STACKS].sort());
        });

        it("deploys preprod, partner-preprod, prod, partner-prod in that order, after the tests", () => {
            // Follow `needs` back from each stack's first job: each must come after the previous stack's.
            const ancestors = (name: string): Set<string> => {
                const out = new Set<string>();
                const walk = (n: string): void => {
                    for (const d of needsOf(wf.jobs[n])) {
                        if (!out.has(d)) {
                            out.add(d);
                            walk(d);
                        }
                    }
                };
                walk(name);
                return out;
            };
            const first = (stack: string) => ups.find(([, j]) => j.with.stack === stack)?.[0] as string;
            for (let i = 1; i < STACKS.length; i++) {
                assert.ok(ancestors(first(STACKS[i])).has(first(STACKS[i - 1])), `${STACKS[i]} must wait for ${STACKS[i - 1]}`);
            }
            assert.ok(ancestors(first("preprod")).has("test"));
        });

        it("can run the first stack of each pair again for a first-ever deploy, and says why", () => {
            const again = ups.filter(([name]) => name.endsWith("-converge"));
            assert.deepStrictEqual(again.map(([, j]) => [j.with.stack, needsOf(j)]), [
                ["preprod", ["partner-preprod"]],
                ["prod", ["partner-prod"]],
            ]);
            assert.strictEqual(wf.on.workflow_dispatch.inputs["first-deploy"].type, "boolean");
            assert.match(text("deploy.yml"), /first-ever deploy[\s\S]*converges/i);
        });

        it("never runs two deployments at once", () => assert.deepStrictEqual(parse(text("deploy.yml")).concurrency, { group: "deploy-main", "cancel-in-progress": false }));
    });
});
