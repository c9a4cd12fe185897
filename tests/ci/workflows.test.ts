/**
 * The GitHub Actions workflows, read as files: linted by actionlint, checked
 * against the workflow schema, and held to what the runbook (docs/deploy.md)
 * promises. Their shell steps run here with stand-ins for the CLIs they call
 * (aws, gh, git, npm), so a broken script fails a test, not a deploy. Nothing
 * here names a stack: the stacks come from `npm run stacks`.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { inventoryJson, loadInventory } from "../../tools/stacks/index";

// action-validator checks each file against the GitHub workflow schema (the SchemaStore one the registry
// package bundles as WebAssembly). actionlint, below, checks far more; this one needs nothing but Node.
const validator: { validateWorkflow(src: string): { errors: unknown[] } } = require("@action-validator/core");

const ROOT = path.join(__dirname, "..", "..");
const DIR = path.join(ROOT, ".github", "workflows");

type Step = Record<string, any>;
type Job = Record<string, any>;
type Workflow = { on: Record<string, any>; permissions?: Record<string, string>; concurrency?: unknown; jobs: Record<string, Job> };

const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const allSteps = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((j) => (j.steps ?? []) as Step[]);
const stepsOf = (file: string) => allSteps(load(file));
const named = (file: string, name: string): Step => {
    const step = stepsOf(file).find((s) => s.name === name || s.id === name);
    assert.ok(step, `${file} has no step ${name}`);
    return step;
};

/** Every job that must have run (and succeeded) before `name` in a workflow. */
function ancestors(wf: Workflow, name: string): Set<string> {
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
}

interface ScriptRun {
    status: number | null;
    stdout: string;
    stderr: string;
    /** What each stand-in was called with, one line per call (arguments joined by spaces). */
    calls: string[];
    /** $GITHUB_OUTPUT and $GITHUB_ENV as written. */
    output: string;
    env: string;
}

/**
 * Runs a step's `run:` script as GitHub does (`bash -e -o pipefail`), with stand-ins for
 * some commands: each logs its arguments and runs its own body (which may print what the
 * real command would). Everything else on PATH is real (jq, node, npm unless stood in for).
 */
function runStep(script: string, env: Record<string, string>, standIns: Record<string, string> = {}): ScriptRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "step-"));
    try {
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        const log = path.join(dir, "calls");
        fs.writeFileSync(log, "");
        for (const [command, body] of Object.entries(standIns)) {
            fs.writeFileSync(path.join(bin, command), `#!/usr/bin/env bash\necho "${command} $*" >> ${JSON.stringify(log)}\n${body}\n`, { mode: 0o755 });
        }
        const output = path.join(dir, "output");
        const githubEnv = path.join(dir, "env");
        fs.writeFileSync(output, "");
        fs.writeFileSync(githubEnv, "");
        const r = spawnSync("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script], {
            cwd: ROOT,
            encoding: "utf8",
            env: {
                ...process.env,
                PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
                GITHUB_OUTPUT: output,
                GITHUB_ENV: githubEnv,
                RUNNER_TEMP: dir,
                ...env,
            },
        });
        return {
            status: r.status,
            stdout: r.stdout,
            stderr: r.stderr,
            calls: fs.readFileSync(log, "utf8").split("\n").filter(Boolean),
            output: fs.readFileSync(output, "utf8"),
            env: fs.readFileSync(githubEnv, "utf8"),
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** What `go` prints when it cannot fetch a module: no proxy configured, or none reachable. */
const NO_MODULE_PROXY =
    /module lookup disabled by GOPROXY=off|dial tcp|no such host|connection refused|i\/o timeout|TLS handshake timeout|network is unreachable|proxyconnect|temporary failure in name resolution/i;

/**
 * Builds actionlint at the version .github/actionlint/go.mod pins (`go tool -n` prints the binary's path).
 * `unavailable` says why it could not be built here when the machine is the cause: no Go, or no module proxy reachable.
 */
function buildActionlint(
    env: NodeJS.ProcessEnv = {},
    dir = path.join(ROOT, ".github", "actionlint"),
): { status: number | null; stdout: string; stderr: string; unavailable?: string } {
    const go = spawnSync("go", ["-C", dir, "tool", "-n", "actionlint"], { encoding: "utf8", env: { ...process.env, ...env } });
    if (go.error) return { status: null, stdout: "", stderr: go.error.message, unavailable: "no go on PATH" };
    const offline = go.status !== 0 ? go.stderr.split("\n").find((line) => NO_MODULE_PROXY.test(line)) : undefined;
    return { status: go.status, stdout: go.stdout, stderr: go.stderr, ...(offline ? { unavailable: `no Go module proxy reachable to build actionlint (${offline.trim()})` } : {}) };
}

describe("GitHub Actions workflows", () => {
    it("are test, stacks, preview, pulumi-stack, converge, deploy and drift", () =>
        assert.deepStrictEqual([...files].sort(), ["converge.yml", "deploy.yml", "drift.yml", "preview.yml", "pulumi-stack.yml", "stacks.yml", "test.yml"]));

    // actionlint (https://github.com/rhysd/actionlint) type-checks expressions and contexts, `needs`, matrices,
    // reusable workflows' inputs and outputs, the inputs of known actions, and runs shellcheck on each `run:`
    // when it is installed. The version is pinned with its checksums in .github/actionlint/go.mod.
    it("pass actionlint", function () {
        const go = buildActionlint();
        // Outside CI a machine may lack Go, or reach no Go module proxy to fetch actionlint: skipped, saying why. In CI
        // (test.yml installs Go, and the proxy is reachable) either is a failure.
        if (!process.env.CI && go.unavailable) {
            this.test!.title += ` (skipped: ${go.unavailable}; CI fails instead)`;
            this.skip();
        }
        assert.strictEqual(go.status, 0, `building actionlint: ${go.stderr}`);
        const lint = spawnSync(go.stdout.trim(), ["-no-color", ...files.map((f) => path.join(".github", "workflows", f))], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(lint.status, 0, lint.stdout + lint.stderr);
        // And it does fail on a broken workflow: a job that needs one that does not exist.
        const broken = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
        try {
            fs.writeFileSync(path.join(broken, "broken.yml"), text("preview.yml").replace("needs: [test, stacks]", "needs: [tests, stacks]"));
            const bad = spawnSync(go.stdout.trim(), ["-no-color", path.join(broken, "broken.yml")], { cwd: ROOT, encoding: "utf8" });
            assert.strictEqual(bad.status, 1);
            assert.match(bad.stdout, /job "preview" needs job "tests" which does not exist/);
        } finally {
            fs.rmSync(broken, { recursive: true, force: true });
        }
    });

    it("a build of actionlint that cannot reach the Go module proxy is told apart from one that fails (the skip above)", function () {
        if (spawnSync("go", ["version"]).error) this.skip();
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "gomodcache-"));
        try {
            // An empty module cache and no proxy: what a machine without network meets.
            const offline = buildActionlint({ GOPROXY: "off", GOMODCACHE: cache, GOFLAGS: "-mod=mod" });
            assert.notStrictEqual(offline.status, 0);
            assert.match(offline.unavailable ?? "", /^no Go module proxy reachable to build actionlint \(.*GOPROXY=off.*\)$/);
            const unreachable = buildActionlint({ GOPROXY: "http://127.0.0.1:9", GOMODCACHE: cache, GOFLAGS: "-mod=mod" });
            assert.match(unreachable.unavailable ?? "", /connection refused/);
            // A module that does not exist is an error, never a reason to skip.
            const broken = spawnSync("go", ["-C", cache, "mod", "init", "broken"], { encoding: "utf8" });
            assert.strictEqual(broken.status, 0, broken.stderr);
            assert.strictEqual(buildActionlint({ GOPROXY: "off", GOMODCACHE: cache }, cache).unavailable, undefined);
        } finally {
            fs.rmSync(cache, { recursive: true, force: true });
        }
    });

    for (const f of files) {
        it(`${f} passes the workflow schema`, () => assert.deepStrictEqual(validator.validateWorkflow(text(f)).errors, []));
    }

    it("the schema validator rejects an invalid workflow (so the check above can fail)", () => {
        assert.notDeepStrictEqual(validator.validateWorkflow(text("test.yml").replace("runs-on:", "runs_on:")).errors, []);
    });

    it("pin every third-party action by commit SHA, with its version in a comment", () => {
        let pinned = 0;
        for (const f of files) {
            for (const line of text(f)
                .split("\n")
                .filter((l) => /^\s*(- )?uses:/.test(l))) {
                const uses = /uses:\s*(\S+)/.exec(line)![1];
                if (uses.startsWith("./")) {
                    assert.ok(fs.existsSync(path.join(ROOT, uses)), `${f}: ${uses} does not exist`);
                    continue;
                }
                assert.match(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, `${f}: ${line.trim()}`);
                pinned++;
            }
        }
        assert.ok(pinned >= 10);
        // One version of each action everywhere.
        const versions = new Map<string, Set<string>>();
        for (const f of files)
            for (const [, action, sha] of text(f).matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40})/g)) versions.set(action, (versions.get(action) ?? new Set()).add(sha));
        for (const [action, shas] of versions) assert.strictEqual(shas.size, 1, `${action} is pinned to ${[...shas].join(" and ")}`);
    });

    it("never use long-lived AWS keys", () => {
        for (const f of files) assert.doesNotMatch(text(f), /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|secrets\./, f);
    });

    it("every setup-node outside the test matrix takes the Node version from .nvmrc", () => {
        for (const f of files.filter((x) => x !== "test.yml")) {
            for (const s of stepsOf(f).filter((x) => String(x.uses ?? "").startsWith("actions/setup-node@"))) {
                assert.deepStrictEqual({ file: f, ...s.with }, { file: f, "node-version-file": ".nvmrc", cache: "npm" });
            }
        }
    });

    describe("the stacks come from the repository (npm run stacks), never from literals", () => {
        it("stacks.yml's script publishes the inventory's lists as its outputs", () => {
            const wf = load("stacks.yml");
            assert.ok("workflow_call" in wf.on);
            const r = runStep(named("stacks.yml", "inventory").run, {});
            assert.strictEqual(r.status, 0, r.stderr);
            const json = inventoryJson(loadInventory());
            const outputs = Object.fromEntries(
                r.output
                    .trim()
                    .split("\n")
                    .map((line) => [line.slice(0, line.indexOf("=")), JSON.parse(line.slice(line.indexOf("=") + 1))]),
            );
            assert.deepStrictEqual(outputs, { names: json.names, preproduction: json.preproduction, production: json.production });
            for (const output of Object.keys(outputs)) {
                assert.strictEqual(wf.on.workflow_call.outputs[output].value, `\${{ jobs.stacks.outputs.${output} }}`);
                assert.strictEqual(wf.jobs.stacks.outputs[output], `\${{ steps.inventory.outputs.${output} }}`);
            }
        });

        it("every matrix of a stack or group is read from stacks.yml's outputs, and is skipped when empty", () => {
            let matrices = 0;
            for (const f of files) {
                for (const [name, job] of Object.entries(load(f).jobs)) {
                    const matrix = job.strategy?.matrix as Record<string, unknown> | undefined;
                    if (!matrix || f === "test.yml") continue;
                    matrices++;
                    const [[key, value]] = Object.entries(matrix);
                    const list = /^\$\{\{ fromJSON\(needs\.stacks\.outputs\.(names|preproduction|production)\) \}\}$/.exec(String(value))?.[1];
                    assert.ok(list, `${f} ${name}: matrix ${key} is ${JSON.stringify(value)}`);
                    assert.ok(ancestors(load(f), name).has("stacks"));
                    assert.match(job.if, new RegExp(`needs\\.stacks\\.outputs\\.${list} != '\\[\\]'`), `${f} ${name}: an empty matrix is an error in GitHub Actions`);
                    for (const input of ["stack", "group", "stacks"])
                        if (job.with?.[input] !== undefined) assert.match(job.with[input], /^\$\{\{ .*matrix\./, `${f} ${name}: ${input}`);
                }
            }
            assert.strictEqual(matrices, 4);
            assert.strictEqual(load("stacks.yml").jobs.stacks.steps.at(-1).run.split("\n")[0], "inventory=$(npm run --silent stacks -- --json)");
        });
    });

    describe("test.yml", () => {
        const wf = load("test.yml");
        it("runs npm ci && npm test on each Node line .ci/run tests, with Go for actionlint", () => {
            const lines = /^NODE_LINES=\(([\d ]+)\)$/m
                .exec(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"))![1]
                .split(" ")
                .map(Number);
            assert.deepStrictEqual(wf.jobs.test.strategy.matrix.node, lines);
            assert.strictEqual(wf.jobs.test.strategy["fail-fast"], false);
            const s = wf.jobs.test.steps as Step[];
            assert.strictEqual(s.find((x) => String(x.uses).startsWith("actions/setup-node@"))!.with["node-version"], "${{ matrix.node }}");
            assert.strictEqual(s.find((x) => String(x.uses).startsWith("actions/setup-go@"))!.with["go-version-file"], ".github/actionlint/go.mod");
            assert.strictEqual(s.at(-1)!.run, "npm ci && npm test");
        });

        it("runs the engine tier, required, on the CLI of .pulumi-version installed before the tests (a runner image ships another Pulumi: https://github.com/actions/runner-images/blob/main/images/ubuntu/Ubuntu2404-Readme.md)", () => {
            const s = wf.jobs.test.steps as Step[];
            const install = s.findIndex((x) => String(x.uses).startsWith("pulumi/actions@"));
            assert.ok(install >= 0, "a pulumi/actions step installs the CLI");
            // With no `command`, pulumi/actions only installs the CLI (src/config.ts, makeInstallationConfig:
            // https://github.com/pulumi/actions/blob/v7.0.0/src/config.ts).
            assert.deepStrictEqual(s[install].with, { "pulumi-version-file": ".pulumi-version" });
            assert.ok(install < s.length - 1, "installed before npm test");
            assert.strictEqual(s.at(-1)!.env?.ENGINE_TIER, "required");
            assert.ok(wf.jobs.test["timeout-minutes"] >= 30, "room for the engine tier");
        });
    });

    describe("preview.yml", () => {
        const wf = load("preview.yml");
        it("previews each stack with its preview role only after the tests passed on every Node line", () => {
            assert.deepStrictEqual(wf.on.pull_request.branches, ["main"]);
            const job = wf.jobs.preview;
            assert.deepStrictEqual(needsOf(job), ["test", "stacks"]);
            assert.strictEqual(wf.jobs.test.uses, "./.github/workflows/test.yml");
            assert.deepStrictEqual(job.with, { stack: "${{ matrix.stack }}", command: "preview", environment: "preview-${{ matrix.stack }}" });
            assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
            assert.match(job.if, /^github\.event\.pull_request\.head\.repo\.full_name == github\.repository && /);
        });
    });

    describe("pulumi-stack.yml (one stack, changing nothing in AWS: preview or drift)", () => {
        const wf = load("pulumi-stack.yml");
        const s = wf.jobs.pulumi.steps as Step[];
        const at = (predicate: (x: Step) => boolean) => s.findIndex(predicate);

        // pulumi/actions v7.0.0 (8e5e406f4007fca908480587cb9893c07090f58d), src/main.ts lines 26-29: no `command`
        // means install the CLI and exit (src/config.ts, makeInstallationConfig); lines 69-77: a stack is selected, or
        // with `upsert` created (LocalWorkspace.createOrSelectStack, with `secrets-provider`), only when the command is
        // not `output`, which runs `pulumi stack output` on a stack that must exist (lines 133-139).
        it("every pulumi/actions step either only installs the pinned CLI, or runs a command that can create its stack", () => {
            let commands = 0;
            for (const f of files) {
                for (const step of stepsOf(f).filter((x) => String(x.uses ?? "").startsWith("pulumi/actions@"))) {
                    assert.strictEqual(step.with["pulumi-version-file"], ".pulumi-version", `${f}: ${step.name}`);
                    if (step.with.command === undefined) continue;
                    commands++;
                    assert.notStrictEqual(step.with.command, "output", `${f}: command output never creates its stack`);
                    assert.strictEqual(step.with.upsert, true);
                    assert.strictEqual(step.with["secrets-provider"], "${{ vars.PULUMI_SECRETS_PROVIDER }}");
                }
            }
            assert.strictEqual(commands, 1, "the pull request's preview; deploys go through npm run converge");
        });

        it("creates the stacks of the group before the preview reads them (a reference to a missing stack fails with `unknown stack`)", () => {
            const create = at((x) => String(x.run ?? "").includes("npm run converge -- --pair"));
            const preview = at((x) => x.with?.command === "preview");
            assert.ok(create >= 0 && create < preview);
            assert.strictEqual(s[create].if, "inputs.command == 'preview'");
            for (const secrets of ["", "awskms://alias/pulumi-state?region=us-east-1"]) {
                const r = runStep(s[create].run, { PAIR: "some-stack", ORGANIZATION: "organization", PULUMI_SECRETS_PROVIDER: secrets }, { npm: "" });
                assert.strictEqual(r.status, 0, r.stderr);
                assert.deepStrictEqual(r.calls, [
                    `npm run converge -- --pair some-stack --create-only --organization organization${secrets ? ` --secrets-provider ${secrets}` : ""}`,
                ]);
            }
        });

        it("saves the preview's plan and keeps it as the artifact named by stack and tree, which the deploy looks up", () => {
            const preview = s[at((x) => x.with?.command === "preview")];
            assert.strictEqual(preview.with.plan, "${{ runner.temp }}/pulumi-plan/${{ inputs.stack }}.json");
            assert.strictEqual(preview.with.policyPacks, "policy-pack");
            assert.strictEqual(preview.with["comment-on-pr"], true);
            const upload = s[at((x) => String(x.uses ?? "").startsWith("actions/upload-artifact@"))];
            assert.deepStrictEqual(upload.with, {
                name: "pulumi-plan-${{ inputs.stack }}-${{ steps.tree.outputs.tree }}",
                path: preview.with.plan,
                "if-no-files-found": "error",
                "retention-days": 30,
            });
            const tree = runStep(named("pulumi-stack.yml", "tree").run, {});
            assert.strictEqual(tree.output.trim(), `tree=${spawnSync("git", ["rev-parse", "HEAD^{tree}"], { cwd: ROOT, encoding: "utf8" }).stdout.trim()}`);
            assert.match(text("converge.yml"), /name="pulumi-plan-\$stack-\$tree"/);
        });

        it("assumes the environment's role by OIDC before any Pulumi step, and refuses an unknown command", () => {
            assert.strictEqual(wf.jobs.pulumi.environment, "${{ inputs.environment }}");
            const aws = at((x) => String(x.uses ?? "").startsWith("aws-actions/configure-aws-credentials@"));
            assert.strictEqual(s[aws].with["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
            assert.ok(aws < at((x) => x.with?.command === "preview") && aws < at((x) => String(x.run ?? "").includes("npm run")));
            assert.strictEqual(s[0].if, '${{ !contains(fromJSON(\'["preview","drift"]\'), inputs.command) }}');
            assert.deepStrictEqual(Object.keys(wf.on.workflow_call.inputs).sort(), ["command", "environment", "stack"]);
        });

        it("runs the drift check of tools/drift (own resources apart from stack references) for the drift command", () => {
            const drift = s.find((x) => x.name === "npm run drift")!;
            assert.strictEqual(drift.if, "inputs.command == 'drift'");
            assert.strictEqual(drift.run, 'npm run drift -- --stack "$STACK" --github');
        });
    });

    describe("deploy.yml and converge.yml", () => {
        const wf = load("deploy.yml");
        const converge = load("converge.yml");
        const steps = converge.jobs.converge.steps as Step[];

        it("tests, reads the stacks, converges each pre-production group, then each production group only if all passed", () => {
            assert.deepStrictEqual(wf.on.push.branches, ["main"]);
            assert.deepStrictEqual(wf.concurrency, { group: "deploy-main", "cancel-in-progress": false });
            assert.deepStrictEqual(Object.keys(wf.jobs).sort(), ["preproduction", "production", "stacks", "test"]);
            for (const name of ["preproduction", "production"]) {
                const job = wf.jobs[name];
                assert.strictEqual(job.uses, "./.github/workflows/converge.yml");
                assert.ok(ancestors(wf, name).has("test") && ancestors(wf, name).has("stacks"));
                assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write", actions: "read" });
                assert.deepStrictEqual(job.with, {
                    group: "${{ matrix.group.name }}",
                    stacks: "${{ toJSON(matrix.group.stacks) }}",
                    "require-plans": "${{ !(github.event_name == 'workflow_dispatch' && inputs.apply-unreviewed) }}",
                });
                assert.strictEqual(job.strategy["fail-fast"], false);
            }
            assert.ok(ancestors(wf, "production").has("preproduction"));
            // Production runs when pre-production succeeded or had nothing to do, never after a failure.
            assert.match(wf.jobs.production.if, /^\$\{\{ !failure\(\) && !cancelled\(\) && /);
            assert.strictEqual(wf.on.workflow_dispatch.inputs["apply-unreviewed"].default, false);
        });

        it("never runs pulumi up, refresh or destroy but through npm run converge, which previews each update first", () => {
            for (const f of files) {
                for (const step of stepsOf(f))
                    assert.doesNotMatch(
                        String(step.run ?? ""),
                        /(^|[^\w-])pulumi(?![\w-])/,
                        `${f}: ${step.name ?? step.run}: the CLI runs only through the action and the npm commands`,
                    );
                for (const step of stepsOf(f).filter((x) => String(x.uses ?? "").startsWith("pulumi/actions@"))) {
                    assert.ok([undefined, "preview"].includes(step.with.command), `${f}: ${step.with.command}`);
                }
            }
            assert.strictEqual(steps.filter((x) => /npm run converge/.test(String(x.run ?? ""))).length, 1);
        });

        it("one environment per group, named after it, with the OIDC session written as profile pulumi-deploy, for SESSION_SECONDS", () => {
            assert.strictEqual(converge.jobs.converge.environment, "${{ inputs.group }}");
            const aws = steps.find((x) => String(x.uses ?? "").startsWith("aws-actions/configure-aws-credentials@"))!;
            assert.deepStrictEqual(aws.with, {
                "role-to-assume": "${{ vars.AWS_ROLE_ARN }}",
                "role-session-name": "converge-${{ inputs.group }}",
                "role-duration-seconds": "${{ env.SESSION_SECONDS }}",
                "aws-region": "${{ vars.AWS_REGION }}",
                "aws-profile": "pulumi-deploy",
            });
        });

        // Role chaining caps a session at one hour whatever the role allows
        // (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, DurationSeconds;
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html#iam-term-role-chaining), and nothing in the job can
        // refresh a session once the OIDC token it came from has expired. So each role is assumed directly from the job's
        // OIDC token (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html: DurationSeconds up
        // to the role's MaxSessionDuration, at most 12 hours), for a session that outlasts the job.
        it("gives each stack its account's role assumed directly from the job's OIDC token for SESSION_SECONDS, or pulumi-deploy itself; never a chained role", () => {
            const session = { AccessKeyId: "ASIASTANDIN", SecretAccessKey: "secret-key", SessionToken: "session-token", Expiration: "2026-12-02T12:00:00Z" };
            const standIns = {
                curl: `echo '{"value":"oidc-token"}'`,
                aws: `if [ "$1 $2" = "sts assume-role-with-web-identity" ]; then echo '${JSON.stringify(session)}'; fi`,
            };
            const env = {
                STACKS: '[\n  "preprod",\n  "partner-preprod"\n]',
                STACK_ROLES: '{"partner-preprod": "arn:aws:iam::222233334444:role/deploy"}',
                AWS_REGION: "eu-west-1",
                SESSION_SECONDS: "14400",
                ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.example/?api-version=2.0",
                ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
            };
            const r = runStep(named("converge.yml", "AWS profile of each stack").run, env, standIns);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.deepStrictEqual(r.calls, [
                "curl -sSf -H Authorization: bearer request-token https://token.example/?api-version=2.0&audience=sts.amazonaws.com",
                "aws sts assume-role-with-web-identity --region eu-west-1 --role-arn arn:aws:iam::222233334444:role/deploy --role-session-name converge-partner-preprod --web-identity-token oidc-token --duration-seconds 14400 --query Credentials --output json",
                "aws configure set aws_access_key_id ASIASTANDIN --profile partner-preprod",
                "aws configure set aws_secret_access_key secret-key --profile partner-preprod",
                "aws configure set aws_session_token session-token --profile partner-preprod",
                "aws configure set region eu-west-1 --profile partner-preprod",
            ]);
            for (const secret of ["oidc-token", "secret-key", "session-token"])
                assert.match(r.stdout, new RegExp(`^::add-mask::${secret}$`, "m"), `${secret} is masked in the log`);
            assert.match(r.stdout, /^partner-preprod: arn:aws:iam::222233334444:role\/deploy until 2026-12-02T12:00:00Z$/m);
            assert.strictEqual(r.env, "CONVERGE_PROFILES=--aws-profile preprod=pulumi-deploy --aws-profile partner-preprod=partner-preprod\n");
            const none = runStep(named("converge.yml", "AWS profile of each stack").run, { ...env, STACKS: '["prod"]', STACK_ROLES: "" }, standIns);
            assert.deepStrictEqual([none.status, none.calls, none.env], [0, [], "CONVERGE_PROFILES=--aws-profile prod=pulumi-deploy\n"]);
            // A role STS refuses (a DurationSeconds over its MaxSessionDuration) fails the job before anything is deployed.
            const refused = runStep(named("converge.yml", "AWS profile of each stack").run, env, { ...standIns, aws: "exit 254" });
            assert.notStrictEqual(refused.status, 0);
            assert.ok(!refused.env.includes("CONVERGE_PROFILES"));
            for (const f of files) assert.doesNotMatch(text(f), /source_profile|role-chaining|role_arn/, `${f}: no role is assumed from another role's session`);
        });

        it("every credential of a job outlasts the job: the sessions and the Pulumi Cloud token last at least its timeout, within IAM's 12 hours", () => {
            const job = converge.jobs.converge;
            const seconds = Number(job.env.SESSION_SECONDS);
            assert.ok(seconds >= job["timeout-minutes"] * 60 && seconds <= 43200, `SESSION_SECONDS ${seconds} against timeout-minutes ${job["timeout-minutes"]}`);
            assert.match(named("converge.yml", "AWS profile of each stack").run, /--duration-seconds "\$SESSION_SECONDS"/);
            assert.strictEqual(named("converge.yml", "Pulumi Cloud token (OIDC)").with["token-expiration"], "${{ env.SESSION_SECONDS }}");
            const preview = load("pulumi-stack.yml").jobs.pulumi;
            const previewAws = (preview.steps as Step[]).find((x) => String(x.uses ?? "").startsWith("aws-actions/configure-aws-credentials@"))!;
            assert.ok(Number(previewAws.with["role-duration-seconds"]) >= preview["timeout-minutes"] * 60);
            assert.ok(Number(named("pulumi-stack.yml", "Pulumi Cloud token (OIDC)").with["token-expiration"]) >= preview["timeout-minutes"] * 60);
        });

        it("downloads the reviewed plan of each stack for this tree, only from this repository's own runs and unexpired", () => {
            const artifacts = JSON.stringify({
                artifacts: [
                    { name: "x", expired: true, workflow_run: { id: 1, repository_id: 7, head_repository_id: 7 } },
                    { name: "x", expired: false, workflow_run: { id: 2, repository_id: 7, head_repository_id: 99 } },
                    { name: "x", expired: false, workflow_run: { id: 3, repository_id: 7, head_repository_id: 7 } },
                ],
            });
            const gh = `if [ "$1" = api ]; then case "$2" in *pulumi-plan-preprod-*) echo '${artifacts}' | jq -r "$4";; *) echo '{"artifacts":[]}' | jq -r "$4";; esac; fi`;
            const r = runStep(
                named("converge.yml", "Reviewed plans of this tree").run,
                { STACKS: '["preprod","partner-preprod"]', GITHUB_REPOSITORY: "acme/s3-transfer" },
                { gh, git: "echo 0123abcd" },
            );
            assert.strictEqual(r.status, 0, r.stderr);
            const jq = "[.artifacts[] | select(.expired | not) | select(.workflow_run.head_repository_id == .workflow_run.repository_id)][0].workflow_run.id // empty";
            const [lookup, download, otherLookup, ...rest] = r.calls.filter((c) => !c.startsWith("git"));
            assert.strictEqual(lookup, `gh api repos/acme/s3-transfer/actions/artifacts?name=pulumi-plan-preprod-0123abcd --jq ${jq}`);
            assert.match(download, /^gh run download 3 --name pulumi-plan-preprod-0123abcd --dir \S+\/reviewed$/);
            assert.strictEqual(otherLookup, `gh api repos/acme/s3-transfer/actions/artifacts?name=pulumi-plan-partner-preprod-0123abcd --jq ${jq}`);
            assert.deepStrictEqual(rest, [], "no plan, nothing downloaded: converge --require-plans then refuses");
            assert.match(r.stdout, /::warning::no reviewed plan pulumi-plan-partner-preprod-0123abcd/);
        });

        it("runs npm run converge once for the group, with the reviewed plans, the profiles, and the secrets provider when set", () => {
            const script = named("converge.yml", "npm run converge").run;
            const base = { GROUP: "preprod", ORGANIZATION: "organization", CONVERGE_PROFILES: "--aws-profile preprod=pulumi-deploy --aws-profile partner-preprod=partner-preprod" };
            const strict = runStep(
                script,
                { ...base, REQUIRE_PLANS: "true", PULUMI_SECRETS_PROVIDER: "awskms:///arn:aws:kms:us-east-1:111122223333:key/k?region=us-east-1" },
                { npm: "" },
            );
            assert.strictEqual(strict.status, 0, strict.stderr);
            assert.match(
                strict.calls[0],
                /^npm run converge -- --pair preprod --organization organization --plans \S+\/reviewed --plan-dir \S+\/applied --aws-profile preprod=pulumi-deploy --aws-profile partner-preprod=partner-preprod --require-plans --secrets-provider awskms:\/\/\/arn:aws:kms:us-east-1:111122223333:key\/k\?region=us-east-1$/,
            );
            // No --skip-canary: a pre-production group runs its canary and, where s3-transfer:batchTrustConditions is on, the
            // Batch Replication job (npm run converge does both, after convergence), and a failure stops the deploy before production.
            assert.doesNotMatch(script, /--skip-canary|--canary/);
            const lenient = runStep(script, { ...base, REQUIRE_PLANS: "false", PULUMI_SECRETS_PROVIDER: "" }, { npm: "" });
            assert.doesNotMatch(lenient.calls[0], /--require-plans|--secrets-provider/);
            const failing = runStep(script, { ...base, REQUIRE_PLANS: "true" }, { npm: "exit 1" });
            assert.strictEqual(failing.status, 1, "a failed converge fails the job, and the deploy");
        });

        it("keeps the plans each up applied, whatever the outcome", () => {
            const upload = steps.find((x) => String(x.uses ?? "").startsWith("actions/upload-artifact@"))!;
            assert.strictEqual(upload.if, "always()");
            assert.strictEqual(upload.with.path, "${{ runner.temp }}/applied");
            assert.ok(steps.indexOf(upload) > steps.findIndex((x) => x.name === "npm run converge"));
        });
    });

    describe("drift.yml", () => {
        const wf = load("drift.yml");
        it("checks every stack daily with its preview role, each on its own, and opens an issue on drift", () => {
            assert.match(wf.on.schedule[0].cron, /^\S+ \S+ \* \* \*$/);
            assert.ok("workflow_dispatch" in wf.on);
            assert.deepStrictEqual(wf.jobs.drift.with, { stack: "${{ matrix.stack }}", command: "drift", environment: "preview-${{ matrix.stack }}" });
            assert.strictEqual(wf.jobs.drift.strategy["fail-fast"], false);
            const report = wf.jobs.report;
            assert.deepStrictEqual([needsOf(report), report.if, report.permissions], [["drift"], "${{ failure() }}", { issues: "write" }]);
            const run = report.steps.map((x: Step) => x.run).join("\n");
            assert.match(run, /gh issue create/);
            assert.match(run, /gh issue comment/);
            assert.match(run, /exit 1/);
        });
    });

    // pulumi/pulumi v3.276.0: a stack file without `secretsprovider` and `encryptedkey` (a fresh checkout of a stack CI created)
    // makes the CLI use the backend's default secrets manager, the passphrase one for a self-managed backend, unless
    // PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER is true (pkg/cmd/pulumi/stack/secrets.go, GetSecretsManager; pkg/backend/diy/backend.go,
    // DefaultSecretManager; sdk/go/common/env/env.go). tests/engine/secrets-fresh-checkout.test.ts proves both with the real CLI.
    describe("stacks CI creates are opened by every later job, from a fresh checkout", () => {
        const cliJobs = files.flatMap((f) =>
            Object.entries(load(f).jobs)
                .filter(([, job]) =>
                    ((job.steps ?? []) as Step[]).some(
                        (x) => (String(x.uses ?? "").startsWith("pulumi/actions@") && x.with?.command !== undefined) || /npm run (converge|drift) -- /.test(String(x.run ?? "")),
                    ),
                )
                .map(([name, job]) => ({ file: f, name, job })),
        );

        it("every job that runs a Pulumi command falls back to the secrets manager in the stack's state", () => {
            assert.deepStrictEqual(cliJobs.map((j) => `${j.file} ${j.name}`).sort(), ["converge.yml converge", "pulumi-stack.yml pulumi"]);
            for (const { file, name, job } of cliJobs) assert.strictEqual(job.env.PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER, "true", `${file} ${name}`);
        });

        it("every such job refuses, first, a self-managed backend without a secrets provider (its default needs a passphrase no workflow has)", () => {
            for (const { file, job } of cliJobs) {
                const steps = job.steps as Step[];
                const at = steps.findIndex((x) => x.name === "Refuse a self-managed backend without a secrets provider");
                assert.ok(at >= 0 && at < steps.findIndex((x) => String(x.uses ?? "").startsWith("actions/checkout@")), file);
                assert.strictEqual(steps[at].if, "vars.PULUMI_BACKEND_URL != '' && vars.PULUMI_SECRETS_PROVIDER == ''");
                const r = runStep(steps[at].run, {});
                assert.strictEqual(r.status, 2);
                assert.match(
                    r.stdout,
                    /^::error::PULUMI_BACKEND_URL is a self-managed backend but PULUMI_SECRETS_PROVIDER is empty: .*set PULUMI_SECRETS_PROVIDER to the awskms:\/\/ URL/m,
                );
            }
        });
    });

    describe("dependabot.yml", () => {
        const config = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as { version: number; updates: Record<string, any>[] };
        it("keeps npm (program and policy pack), the pinned actions, and the Go modules (engine/, actionlint) current", () => {
            assert.strictEqual(config.version, 2);
            assert.deepStrictEqual(
                config.updates.map((u) => [u["package-ecosystem"], u.directory ?? u.directories]),
                [
                    ["npm", "/"],
                    ["npm", "/policy-pack"],
                    ["github-actions", "/"],
                    ["gomod", ["/engine/*", "/.github/actionlint"]],
                ],
            );
            for (const u of config.updates) assert.ok(u.schedule.interval);
            assert.ok(fs.existsSync(path.join(ROOT, "policy-pack", "package-lock.json")) && fs.existsSync(path.join(ROOT, ".github", "actionlint", "go.sum")));
        });
    });
});
