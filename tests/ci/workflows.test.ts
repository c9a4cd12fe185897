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

    it("are exactly test, pulumi-stack, preview, deploy and drift", () =>
        assert.deepStrictEqual(files.sort(), ["deploy.yml", "drift.yml", "preview.yml", "pulumi-stack.yml", "test.yml"]));

    it("every actions/setup-node takes the Node version from .nvmrc", () => {
        const setups = files.flatMap((f) =>
            steps(load(f))
                .filter((x) => String(x.uses ?? "").startsWith("actions/setup-node"))
                .map((x) => [f, x] as const),
        );
        assert.ok(setups.length >= 2);
        for (const [f, x] of setups) {
            assert.deepStrictEqual({ file: f, ...x.with }, { file: f, "node-version-file": ".nvmrc", cache: "npm" });
        }
        assert.strictEqual(fs.readFileSync(path.join(DIR, "..", "..", ".nvmrc"), "utf8").trim(), "22");
    });

    // pulumi/actions creates a missing stack only with upsert (https://github.com/pulumi/actions#configuration).
    it("every pulumi/actions step can create its stack, with the backend's secrets provider", () => {
        const pulumiSteps = files.flatMap((f) => steps(load(f)).filter((x) => String(x.uses ?? "").startsWith("pulumi/actions@")));
        assert.ok(pulumiSteps.length > 0);
        for (const x of pulumiSteps) {
            assert.strictEqual(x.with.upsert, true);
            assert.strictEqual(x.with["secrets-provider"], "${{ vars.PULUMI_SECRETS_PROVIDER }}");
            assert.ok(x.with.command, "every step runs a command (an install-only step could not create its stack)");
        }
    });

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
        it("is reusable and runs npm ci && npm test", () => {
            assert.ok("workflow_call" in wf.on);
            assert.ok(steps(wf).some((x) => x.run === "npm ci && npm test"));
        });
    });

    describe("pulumi-stack.yml", () => {
        const wf = load("pulumi-stack.yml");
        const s = steps(wf);
        const index = (prefix: string) => s.findIndex((x) => String(x.uses ?? "").startsWith(prefix));

        it("takes stack, command and environment", () => assert.deepStrictEqual(Object.keys(wf.on.workflow_call.inputs).sort(), ["command", "environment", "stack"]));

        it("installs with npm ci", () => assert.ok(s.some((x) => x.run === "npm ci")));

        it("maps each command onto pulumi/actions: drift is a refreshed preview that expects no changes", () => {
            const pulumi = s[index("pulumi/actions@")].with;
            assert.match(wf.on.workflow_call.inputs.command.description, /init, preview, up, drift or canary/);
            assert.strictEqual(pulumi.refresh, "${{ inputs.command == 'drift' }}");
            assert.strictEqual(pulumi["expect-no-changes"], "${{ inputs.command == 'drift' }}");
            assert.match(pulumi.command, /inputs\.command == 'drift' && 'preview'/);
            assert.match(pulumi.command, /inputs\.command == 'init' \|\| inputs\.command == 'canary'\) && 'output'/);
            assert.strictEqual(s[0].if, '${{ !contains(fromJSON(\'["init","preview","up","drift","canary"]\'), inputs.command) }}');
        });

        it("runs the canary after the stack is selected, and only for the canary command", () => {
            const canary = s.findIndex((x) => typeof x.run === "string" && x.run.startsWith("npm run canary"));
            assert.ok(canary > index("pulumi/actions@"));
            assert.strictEqual(s[canary].if, "inputs.command == 'canary'");
            assert.strictEqual(s[canary].run, 'npm run canary -- --stack "$STACK"');
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
            assert.strictEqual(pulumi.with["comment-on-pr"], "${{ inputs.command == 'preview' }}");
            assert.strictEqual(pulumi.with["stack-name"], "${{ env.STACK }}");
            // The organization comes from the backend's variable; `organization` is what a self-managed backend requires.
            assert.strictEqual(Object.values(wf.jobs)[0].env.STACK, "${{ format('{0}/{1}', vars.PULUMI_ORG || 'organization', inputs.stack) }}");
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

        const byCommand = (command: string) => ups.filter(([, j]) => j.with.command === command);

        it("runs pulumi up on every stack with OIDC permissions", () => {
            for (const [name, j] of ups) assert.strictEqual(j.permissions["id-token"], "write", name);
            assert.deepStrictEqual([...new Set(byCommand("up").map(([, j]) => j.with.stack))].sort(), [...STACKS].sort());
        });

        /** Every job that must have run (and succeeded) before this one. */
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
        const firstUp = (stack: string) => byCommand("up").find(([, j]) => j.with.stack === stack)?.[0] as string;

        it("creates both stacks of a pair before either side's first up (a reference to a missing stack fails the update)", () => {
            for (const pair of [
                ["preprod", "partner-preprod"],
                ["prod", "partner-prod"],
            ]) {
                const [initJob] = byCommand("init").filter(([, j]) => JSON.stringify(j.strategy?.matrix?.stack) === JSON.stringify(pair));
                assert.ok(initJob, `an init job for ${pair.join(" and ")}`);
                assert.strictEqual(initJob[1].with.stack, "${{ matrix.stack }}");
                for (const stack of pair) assert.ok(ancestors(firstUp(stack)).has(initJob[0]), `${stack} must wait for ${initJob[0]}`);
            }
        });

        it("runs the canary in both directions on the pre-production pair after its up and before production", () => {
            const canaries = byCommand("canary");
            assert.deepStrictEqual(
                canaries.map(([, j]) => j.strategy.matrix.stack),
                [["preprod", "partner-preprod"]],
            );
            const [name, job] = canaries[0];
            assert.strictEqual(job.strategy["fail-fast"], false);
            for (const stack of ["preprod", "partner-preprod"]) assert.ok(ancestors(name).has(firstUp(stack)));
            assert.ok(ancestors(name).has("preprod-converge"), "after the first-deploy converge run, when there is one");
            for (const stack of ["prod", "partner-prod"]) assert.ok(ancestors(firstUp(stack)).has(name), `${stack} must wait for the canary`);
            // A job after a failed canary never runs: every production job's condition requires no failure.
            for (const [jobName, j] of Object.entries(wf.jobs)) {
                if (ancestors(jobName).has(name) && j.if !== undefined && !/inputs\.first-deploy/.test(j.if)) assert.match(j.if, /!failure\(\)/, jobName);
            }
        });

        it("deploys preprod, partner-preprod, prod, partner-prod in that order, after the tests", () => {
            // Follow `needs` back from each stack's first up: each must come after the previous stack's.
            const first = firstUp;
            for (let i = 1; i < STACKS.length; i++) {
                assert.ok(ancestors(first(STACKS[i])).has(first(STACKS[i - 1])), `${STACKS[i]} must wait for ${STACKS[i - 1]}`);
            }
            assert.ok(ancestors(first("preprod")).has("test"));
        });

        it("can run the first stack of each pair again for a first-ever deploy, and says why", () => {
            const again = byCommand("up").filter(([name]) => name.endsWith("-converge"));
            assert.deepStrictEqual(
                again.map(([, j]) => [j.with.stack, needsOf(j)]),
                [
                    ["preprod", ["partner-preprod"]],
                    ["prod", ["partner-prod"]],
                ],
            );
            assert.strictEqual(wf.on.workflow_dispatch.inputs["first-deploy"].type, "boolean");
            assert.match(text("deploy.yml"), /first-ever deploy[\s\S]*converges/i);
        });

        it("never runs two deployments at once", () => assert.deepStrictEqual(parse(text("deploy.yml")).concurrency, { group: "deploy-main", "cancel-in-progress": false }));
    });

    describe("drift.yml", () => {
        const wf = load("drift.yml");

        it("runs on a schedule (and by hand)", () => {
            assert.match(wf.on.schedule[0].cron, /^\S+ \S+ \* \* \*$/);
            assert.ok("workflow_dispatch" in wf.on);
        });

        it("checks every stack for drift with its read-only preview role, each on its own", () => {
            const job = wf.jobs.drift;
            assert.strictEqual(job.uses, "./.github/workflows/pulumi-stack.yml");
            assert.deepStrictEqual(job.strategy.matrix.stack, STACKS);
            assert.strictEqual(job.strategy["fail-fast"], false);
            assert.deepStrictEqual(job.with, { stack: "${{ matrix.stack }}", command: "drift", environment: "preview-${{ matrix.stack }}" });
        });

        it("fails visibly: on drift it opens or comments on an issue and fails", () => {
            const report = wf.jobs.report;
            assert.deepStrictEqual(needsOf(report), ["drift"]);
            assert.strictEqual(report.if, "${{ failure() }}");
            assert.deepStrictEqual(report.permissions, { issues: "write" });
            const run = report.steps.map((x: Record<string, string>) => x.run).join("\n");
            assert.match(run, /gh issue create/);
            assert.match(run, /gh issue comment/);
            assert.match(run, /exit 1/);
        });
    });
});
