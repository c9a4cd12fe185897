/**
 * `npm run converge`: the order of the steps and the stopping rules, against a
 * workspace double (PairDouble below) that stands for the Pulumi CLI and AWS.
 * The double models what converge relies on and nothing more: a stack
 * reference to a stack never deployed reads as empty outputs, so a link waits
 * ("pending") until the other side has been deployed; `preview --save-plan`
 * writes the operations an update would do; `up --plan` refuses an update
 * whose operations the plan does not hold (https://www.pulumi.com/docs/iac/concepts/update-plans/).
 * The real CLI's behaviour is the engine tier's to test.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { planDifferences, readUpdatePlan } from "../../tools/converge/plan-file";
import { ConvergeCommandDeps, runConverge, WorkspaceOptions } from "../../tools/converge/index";
import { PairWorkspace } from "../../tools/converge/workspace";
import { DeployGroup, Inventory, InventoryStack, tierOf } from "../../tools/stacks/inventory";

const T_REVIEW = new Date("2026-12-01T10:00:00Z");

function stackEntry(name: string, side: "publisher" | "partner", party: string, references: string[], group: string, extra: Partial<InventoryStack> = {}): InventoryStack {
    return { name, file: `Pulumi.${name}.yaml`, side, party, tier: tierOf(name), references, externalReferences: [], group, batchTrustConditions: false, ...extra };
}

function pairInventory(publisher: string, partner: string, extra: Partial<InventoryStack> = {}): Inventory {
    const group: DeployGroup = { name: publisher, tier: tierOf(publisher), stacks: [publisher, partner] };
    return {
        project: "s3-transfer",
        stacks: [stackEntry(publisher, "publisher", "acme-bank", [partner], publisher, extra), stackEntry(partner, "partner", "cdlx", [publisher], publisher)],
        groups: [group],
    };
}

interface StackState {
    exists: boolean;
    /** The counterparts whose link is complete in the deployed stack; undefined when never deployed. */
    deployed?: { links: Record<string, "active" | "pending">; revision: number };
    lastUpdate?: Date;
}

/**
 * A PairWorkspace double: each stack has one link per stack it reads, active
 * when that stack had been deployed at the stack's last `up`, pending otherwise
 * (as the program does with a created, never-deployed stack's empty outputs).
 */
class PairDouble implements PairWorkspace {
    readonly calls: string[] = [];
    readonly state = new Map<string, StackState>();
    clock = new Date("2026-12-02T08:00:00Z");
    failPreview = new Set<string>();
    failUp = new Set<string>();
    toolStatus: Record<string, number> = {};
    /** Links a stack never completes (the other side does not list it back). */
    neverComplete = new Set<string>();

    constructor(
        private readonly inventory: Inventory,
        initial: Record<string, StackState> = {},
    ) {
        for (const s of inventory.stacks) this.state.set(s.name, initial[s.name] ?? { exists: false });
    }

    private entry(stack: string): InventoryStack {
        return this.inventory.stacks.find((s) => s.name === stack)!;
    }

    private tick(): Date {
        this.clock = new Date(this.clock.getTime() + 60_000);
        return this.clock;
    }

    /** What an up of the stack would deploy now. */
    private desired(stack: string): Record<string, "active" | "pending"> {
        return Object.fromEntries(
            this.entry(stack).references.map((r) => [this.entry(r).party, this.state.get(r)!.deployed && !this.neverComplete.has(stack) ? "active" : "pending"]),
        );
    }

    /** The update plan's resource plans: a bucket created once, a replication rule per link that turns active. */
    private resourcePlans(stack: string): Record<string, { steps: string[]; goal: { inputDiff: object; protect: boolean } }> {
        const deployed = this.state.get(stack)!.deployed;
        const plans: Record<string, { steps: string[]; goal: { inputDiff: object; protect: boolean } }> = {};
        if (!deployed) plans[urn(stack, "aws:s3/bucket:Bucket", "egress")] = { steps: ["create"], goal: { inputDiff: { adds: { bucket: `${stack}-egress` } }, protect: true } };
        for (const [party, link] of Object.entries(this.desired(stack))) {
            if (link === "active" && deployed?.links[party] !== "active") {
                plans[urn(stack, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", party)] = {
                    steps: ["create"],
                    goal: { inputDiff: { adds: { role: `${party}-role` } }, protect: false },
                };
            }
        }
        return plans;
    }

    ensureStack(stack: string): Promise<boolean> {
        this.calls.push(`ensure ${stack}`);
        const state = this.state.get(stack)!;
        const created = !state.exists;
        state.exists = true;
        return Promise.resolve(created);
    }

    outputs(stack: string): Promise<Record<string, unknown>> {
        const deployed = this.state.get(stack)!.deployed;
        if (!deployed) return Promise.resolve({});
        return Promise.resolve({
            partyName: this.entry(stack).party,
            revision: deployed.revision,
            links: Object.fromEntries(Object.entries(deployed.links).map(([party, link]) => [party, { replication: link, ingressGrant: link }])),
        });
    }

    lastUpdate(stack: string): Promise<Date | undefined> {
        return Promise.resolve(this.state.get(stack)!.lastUpdate);
    }

    preview(stack: string, planFile: string): Promise<void> {
        this.calls.push(`preview ${stack}`);
        if (this.failPreview.has(stack)) return Promise.reject(new Error("error: preview failed: 1 error occurred"));
        fs.writeFileSync(planFile, JSON.stringify({ manifest: { time: this.tick().toISOString(), magic: "", version: "3.276.0" }, resourcePlans: this.resourcePlans(stack) }));
        return Promise.resolve();
    }

    up(stack: string, planFile: string): Promise<void> {
        this.calls.push(`up ${stack} --plan ${path.basename(planFile)}`);
        if (this.failUp.has(stack)) return Promise.reject(new Error("error: update failed"));
        // As the engine: an operation the plan does not hold fails the update.
        const planned = (JSON.parse(fs.readFileSync(planFile, "utf8")) as { resourcePlans?: object }).resourcePlans ?? {};
        const steps = (plans: object) => Object.fromEntries(Object.entries(plans).map(([u, p]) => [u, (p as { steps: string[] }).steps]));
        if (!isDeepStrictEqual(steps(planned), steps(this.resourcePlans(stack)))) return Promise.reject(new Error("error: resource violates plan"));
        const state = this.state.get(stack)!;
        const links = this.desired(stack);
        state.deployed = { links, revision: isDeepStrictEqual(links, state.deployed?.links) ? (state.deployed?.revision ?? 1) : (state.deployed?.revision ?? 0) + 1 };
        state.lastUpdate = this.tick();
        return Promise.resolve();
    }

    runTool(stack: string, script: string, args: string[]): Promise<number> {
        this.calls.push(`${script} ${args.join(" ")}`);
        return Promise.resolve(this.toolStatus[script] ?? 0);
    }
}

function urn(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::s3-transfer::transfer:index:Side$${type}::${name}`;
}

const deployedPair = (a: string, b: string): Record<string, StackState> => ({
    [a]: { exists: true, deployed: { links: { cdlx: "active" }, revision: 1 }, lastUpdate: new Date("2026-11-20T00:00:00Z") },
    [b]: { exists: true, deployed: { links: { "acme-bank": "active" }, revision: 1 }, lastUpdate: new Date("2026-11-20T00:00:00Z") },
});

interface Result {
    status: number;
    stdout: string;
    stderr: string;
    options?: WorkspaceOptions;
}

async function converge(double: PairDouble, inventory: Inventory, args: string[]): Promise<Result> {
    const out: string[] = [];
    const err: string[] = [];
    let options: WorkspaceOptions | undefined;
    const deps: ConvergeCommandDeps = {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        inventory: () => inventory,
        workspace: (o) => {
            options = o;
            return double;
        },
    };
    const status = await runConverge(args, deps);
    return { status, stdout: out.join(""), stderr: err.join(""), ...(options ? { options } : {}) };
}

/** A folder of reviewed plans, as the preview of a pull request saved them. */
function reviewedPlansDir(plans: Record<string, object>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reviewed-"));
    for (const [stack, resourcePlans] of Object.entries(plans)) {
        fs.writeFileSync(path.join(dir, `${stack}.json`), JSON.stringify({ manifest: { time: T_REVIEW.toISOString() }, resourcePlans }));
    }
    return dir;
}

const createBucket = (stack: string) => ({
    [urn(stack, "aws:s3/bucket:Bucket", "egress")]: { steps: ["create"], goal: { inputDiff: { adds: { bucket: `${stack}-egress` } }, protect: true } },
});

describe("npm run converge (sequencing against a workspace double)", () => {
    const pre = pairInventory("preprod", "partner-preprod");
    const prod = pairInventory("prod", "partner-prod");

    it("first deploy of a pair: creates both stacks before any up, up, up, the first again while pending, then the canary in both directions", async () => {
        const double = new PairDouble(pre);
        const r = await converge(double, pre, ["--pair", "partner-preprod"]);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.deepStrictEqual(double.calls, [
            "ensure preprod",
            "ensure partner-preprod",
            "preview preprod",
            "up preprod --plan preprod.1.json",
            "preview partner-preprod",
            "up partner-preprod --plan partner-preprod.2.json",
            "preview preprod",
            "up preprod --plan preprod.3.json",
            "canary --stack preprod",
            "canary --stack partner-preprod",
        ]);
        assert.match(r.stdout, /preprod: created\npartner-preprod: created\n/);
        assert.match(r.stdout, /preprod: previewed; applying that plan \(again: cdlx \(replication and ingress grant pending\)\)/);
        assert.match(r.stdout, /preprod: converged\n/);
    });

    it("a converged pair: one up each, no second round, and no canary for production unless asked", async () => {
        const double = new PairDouble(prod, deployedPair("prod", "partner-prod"));
        const r = await converge(double, prod, ["--pair", "prod"]);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.deepStrictEqual(double.calls, [
            "ensure prod",
            "ensure partner-prod",
            "preview prod",
            "up prod --plan prod.1.json",
            "preview partner-prod",
            "up partner-prod --plan partner-prod.2.json",
        ]);
        const forced = new PairDouble(prod, deployedPair("prod", "partner-prod"));
        assert.strictEqual((await converge(forced, prod, ["--pair", "prod", "--canary"])).status, 0);
        assert.deepStrictEqual(forced.calls.slice(-2), ["canary --stack prod", "canary --stack partner-prod"]);
    });

    it("a stack alone (no paired stack): create, up, done", async () => {
        const alone: Inventory = {
            project: "s3-transfer",
            stacks: [stackEntry("prod", "publisher", "acme-bank", [], "prod")],
            groups: [{ name: "prod", tier: "production", stacks: ["prod"] }],
        };
        const double = new PairDouble(alone);
        assert.strictEqual((await converge(double, alone, ["--pair", "prod"])).status, 0);
        assert.deepStrictEqual(double.calls, ["ensure prod", "preview prod", "up prod --plan prod.1.json"]);
    });

    it("--create-only creates the missing stacks and touches nothing else (what a pull request's preview needs)", async () => {
        const double = new PairDouble(pre, { preprod: { exists: true } });
        const r = await converge(double, pre, ["--pair", "preprod", "--create-only"]);
        assert.strictEqual(r.status, 0);
        assert.deepStrictEqual(double.calls, ["ensure preprod", "ensure partner-preprod"]);
        assert.match(r.stdout, /preprod: exists\npartner-preprod: created/);
    });

    describe("nothing changes unless the preview of that very update passed", () => {
        it("a failed preview stops before that stack's up, and no later stack is touched", async () => {
            const double = new PairDouble(pre, deployedPair("preprod", "partner-preprod"));
            double.failPreview.add("preprod");
            const r = await converge(double, pre, ["--pair", "preprod"]);
            assert.strictEqual(r.status, 1);
            assert.deepStrictEqual(double.calls, ["ensure preprod", "ensure partner-preprod", "preview preprod"]);
            assert.match(r.stderr, /preprod: the preview failed, so nothing of preprod was changed/);
        });

        it("a failed up stops the run (exit 1)", async () => {
            const double = new PairDouble(pre);
            double.failUp.add("partner-preprod");
            const r = await converge(double, pre, ["--pair", "preprod"]);
            assert.strictEqual(r.status, 1);
            assert.strictEqual(double.calls.at(-1), "up partner-preprod --plan partner-preprod.2.json");
            assert.match(r.stderr, /partner-preprod: pulumi up failed/);
        });
    });

    describe("reviewed plans", () => {
        it("applies each stack's reviewed plan when the fresh preview plans the same", async () => {
            const double = new PairDouble(prod, deployedPair("prod", "partner-prod"));
            const dir = reviewedPlansDir({ prod: {}, "partner-prod": {} });
            const r = await converge(double, prod, ["--pair", "prod", "--plans", dir, "--require-plans"]);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.deepStrictEqual(
                double.calls.filter((c) => c.startsWith("up")),
                ["up prod --plan prod.json", "up partner-prod --plan partner-prod.json"],
            );
            assert.match(r.stdout, /prod: the preview plans what was reviewed; applying the reviewed plan/);
        });

        it("first deploy: the partner's plan goes beyond the reviewed one only as the publisher's deploy in this run requires, and says so", async () => {
            const double = new PairDouble(pre, { preprod: { exists: true }, "partner-preprod": { exists: true } });
            // The pull request previewed both stacks while both were empty: both plans create the bucket only.
            const dir = reviewedPlansDir({ preprod: createBucket("preprod"), "partner-preprod": createBucket("partner-preprod") });
            const r = await converge(double, pre, ["--pair", "preprod", "--plans", dir, "--require-plans"]);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.deepStrictEqual(
                double.calls.filter((c) => c.startsWith("up")),
                ["up preprod --plan preprod.json", "up partner-preprod --plan partner-preprod.2.json", "up preprod --plan preprod.3.json"],
            );
            assert.match(
                r.stdout,
                /partner-preprod: applying the fresh plan, which goes beyond the reviewed one only as preprod \(deployed above with other outputs\) requires .*\n {2}\+ aws:s3\/bucketReplicationConfig:BucketReplicationConfig::acme-bank: create \(not in the reviewed plan\)/,
            );
        });

        it("stops, changing nothing of the stack, when it no longer plans what was reviewed and nothing it reads moved in this run", async () => {
            const double = new PairDouble(prod, deployedPair("prod", "partner-prod"));
            // Reviewed: a bucket creation that the stack no longer plans (someone deployed it since).
            const dir = reviewedPlansDir({ prod: createBucket("prod"), "partner-prod": {} });
            const r = await converge(double, prod, ["--pair", "prod", "--plans", dir]);
            assert.strictEqual(r.status, 1);
            assert.deepStrictEqual(double.calls.slice(-1), ["preview prod"]);
            assert.match(
                r.stderr,
                /prod: reality moved since the reviewed plan .*nothing of prod was changed\.\n {2}No stack prod reads was deployed with other outputs in this run\.\n {2}- aws:s3\/bucket:Bucket::egress: create was reviewed, no longer planned/,
            );
        });

        it("stops when the stack itself was updated after its review, even if a stack it reads moved", async () => {
            const double = new PairDouble(pre, { preprod: { exists: true }, "partner-preprod": { exists: true, lastUpdate: new Date("2026-12-01T12:00:00Z") } });
            const dir = reviewedPlansDir({ preprod: createBucket("preprod"), "partner-preprod": createBucket("partner-preprod") });
            const r = await converge(double, pre, ["--pair", "preprod", "--plans", dir]);
            assert.strictEqual(r.status, 1);
            assert.deepStrictEqual(double.calls.slice(-2), ["up preprod --plan preprod.json", "preview partner-preprod"]);
            assert.match(r.stderr, /partner-preprod itself was updated at 2026-12-01T12:00:00\.000Z, after the review/);
        });

        it("--require-plans refuses (exit 2) a stack without a reviewed plan before touching any stack", async () => {
            const double = new PairDouble(pre);
            const dir = reviewedPlansDir({ preprod: {} });
            const r = await converge(double, pre, ["--pair", "preprod", "--plans", dir, "--require-plans"]);
            assert.strictEqual(r.status, 2);
            assert.deepStrictEqual(double.calls, []);
            assert.match(r.stderr, /--require-plans: no reviewed plan for partner-preprod in .*; fix: merge through a pull request/);
        });

        it("refuses (exit 2) a reviewed plan that is not an update plan, before touching any stack", async () => {
            const double = new PairDouble(pre);
            const dir = reviewedPlansDir({});
            fs.writeFileSync(path.join(dir, "preprod.json"), "[]");
            const r = await converge(double, pre, ["--pair", "preprod", "--plans", dir]);
            assert.strictEqual(r.status, 2);
            assert.deepStrictEqual(double.calls, []);
            assert.match(r.stderr, /preprod\.json: not an update plan/);
        });

        it("refuses (exit 2) a reviewed plan read as outside input is refused: a name given twice (https://www.rfc-editor.org/rfc/rfc7493#section-2.3) or a FIFO, before touching any stack", async () => {
            const double = new PairDouble(pre);
            const dir = reviewedPlansDir({});
            fs.writeFileSync(path.join(dir, "preprod.json"), '{"manifest": {"time": "2026-01-01T00:00:00Z", "time": "2027-01-01T00:00:00Z"}}');
            const r = await converge(double, pre, ["--pair", "preprod", "--plans", dir]);
            assert.strictEqual(r.status, 2);
            assert.deepStrictEqual(double.calls, []);
            assert.match(r.stderr, /preprod\.json: \/manifest\/time: has the name "time" twice in one object/);
            fs.rmSync(path.join(dir, "preprod.json"));
            execFileSync("mkfifo", [path.join(dir, "preprod.json")]);
            const fifo = await converge(double, pre, ["--pair", "preprod", "--plans", dir]);
            assert.strictEqual(fifo.status, 2);
            assert.match(fifo.stderr, /preprod\.json: is a named pipe \(FIFO\), not a regular file/);
        });
    });

    it("a link that stays pending after the other side deployed (it does not list us back) fails after a bounded number of ups", async () => {
        const double = new PairDouble(pre);
        double.neverComplete.add("preprod");
        const r = await converge(double, pre, ["--pair", "preprod"]);
        assert.strictEqual(r.status, 1);
        assert.strictEqual(double.calls.filter((c) => c.startsWith("up")).length, 3);
        assert.match(r.stderr, /the group did not converge; still waiting although the other side is deployed: preprod -> cdlx \(replication and ingress grant pending\)/);
        assert.ok(!double.calls.some((c) => c.startsWith("canary")));
    });

    it("a failed canary stops the run before anything else (exit 1)", async () => {
        const double = new PairDouble(pre, deployedPair("preprod", "partner-preprod"));
        double.toolStatus.canary = 1;
        const r = await converge(double, pre, ["--pair", "preprod", "--organization", "acme"]);
        assert.strictEqual(r.status, 1);
        assert.strictEqual(double.calls.at(-1), "canary --stack acme/preprod");
        assert.match(r.stderr, /preprod: the canary failed/);
    });

    describe("the pre-production Batch Replication job (s3-transfer:batchTrustConditions)", () => {
        const batch = pairInventory("preprod", "partner-preprod", { batchTrustConditions: true });
        it("runs after both canaries, on each active link of the stack that turns it on", async () => {
            const double = new PairDouble(batch, deployedPair("preprod", "partner-preprod"));
            const r = await converge(double, batch, ["--pair", "preprod"]);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.deepStrictEqual(double.calls.slice(-3), [
                "canary --stack preprod",
                "canary --stack partner-preprod",
                "batch-replicate --stack preprod --counterpart cdlx --canary --start",
            ]);
        });
        it("stops the run when the job fails", async () => {
            const double = new PairDouble(batch, deployedPair("preprod", "partner-preprod"));
            double.toolStatus["batch-replicate"] = 1;
            const r = await converge(double, batch, ["--pair", "preprod"]);
            assert.strictEqual(r.status, 1);
            assert.match(r.stderr, /the Batch Replication job over the canary objects to cdlx failed/);
        });
        it("is not run with --skip-canary, nor for production", async () => {
            const double = new PairDouble(batch, deployedPair("preprod", "partner-preprod"));
            assert.strictEqual((await converge(double, batch, ["--pair", "preprod", "--skip-canary"])).status, 0);
            assert.ok(!double.calls.some((c) => /canary|batch/.test(c)));
            const prodBatch = pairInventory("prod", "partner-prod", { batchTrustConditions: true });
            const forced = new PairDouble(prodBatch, deployedPair("prod", "partner-prod"));
            assert.strictEqual((await converge(forced, prodBatch, ["--pair", "prod", "--canary"])).status, 0);
            assert.ok(!forced.calls.some((c) => c.startsWith("batch")));
        });
    });

    describe("command line", () => {
        it("runs each stack with its own AWS profile, blanking the current static keys", async () => {
            const double = new PairDouble(prod, deployedPair("prod", "partner-prod"));
            const r = await converge(double, prod, ["--pair", "prod", "--aws-profile", "prod=acme-prod", "--secrets-provider", "awskms://alias/x?region=us-east-1"]);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.deepStrictEqual(r.options!.envFor("prod"), { AWS_PROFILE: "acme-prod", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_SESSION_TOKEN: "" });
            assert.deepStrictEqual(r.options!.envFor("partner-prod"), {});
            assert.strictEqual(r.options!.secretsProvider, "awskms://alias/x?region=us-east-1");
        });

        for (const [args, message] of [
            [[], /--pair <stack> is required/],
            [["--pair", "prd"], /--pair prd: no stack prd in this repository .*did you mean prod\?/],
            [["--pair", "prod", "--aws-profile", "preprod=x"], /preprod is not a stack of this group \(prod, partner-prod\)/],
            [["--pair", "prod", "--aws-profile", "prod"], /expected <stack>=<profile>/],
            [["--pair", "prod", "--canary", "--skip-canary"], /not both/],
            [["--pair", "prod", "--plans", "/nonexistent"], /--plans \/nonexistent: no such folder/],
        ] as [string[], RegExp][]) {
            it(`exits 2 before anything on ${args.join(" ") || "no arguments"}`, async () => {
                const double = new PairDouble(prod);
                const r = await converge(double, prod, args);
                assert.strictEqual(r.status, 2);
                assert.match(r.stderr, message);
                assert.deepStrictEqual(double.calls, []);
            });
        }

        it("--plan-dir naming a file, or under one, exits 2 naming the option and the fix, before anything; an existing folder is reused", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-dir-"));
            const file = path.join(dir, "applied");
            fs.writeFileSync(file, "");
            for (const [given, message] of [
                [file, /^--plan-dir \S+applied: not a folder \(a file of that name exists\); give a folder, new or existing, e.g. --plan-dir applied-plans\n/],
                [path.join(file, "under"), /^--plan-dir \S+under: cannot create it \(ENOTDIR\); give a folder/],
            ] as [string, RegExp][]) {
                const double = new PairDouble(prod);
                const r = await converge(double, prod, ["--pair", "prod", "--plan-dir", given]);
                assert.strictEqual(r.status, 2, r.stderr);
                assert.match(r.stderr, message);
                assert.doesNotMatch(r.stderr, /EEXIST|\n\s+at /);
                assert.deepStrictEqual(double.calls, []);
            }
            const double = new PairDouble(prod, deployedPair("prod", "partner-prod"));
            assert.strictEqual((await converge(double, prod, ["--pair", "prod", "--plan-dir", dir, "--skip-canary"])).status, 0);
            assert.ok(
                fs.readdirSync(dir).some((f) => f.endsWith(".json")),
                "the applied plans are kept in the existing folder",
            );
            fs.rmSync(dir, { recursive: true, force: true });
        });
    });
});

describe("update plan files (pulumi preview --save-plan)", () => {
    const file = (resourcePlans: object, time = T_REVIEW) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const f = path.join(dir, "plan.json");
        fs.writeFileSync(f, JSON.stringify({ manifest: { time: time.toISOString(), magic: "x", version: "3.276.0" }, config: {}, resourcePlans }));
        return readUpdatePlan(f);
    };
    const secret = (ciphertext: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext });
    const u = urn("prod", "aws:s3/bucketPolicy:BucketPolicy", "ingress");

    it("ignores same steps and secrets' ciphertexts (they differ on every encryption)", () => {
        const a = file({
            [u]: { steps: ["update"], goal: { inputDiff: { updates: { policy: "p", token: secret("aaa") } } } },
            [urn("prod", "aws:s3/bucket:Bucket", "x")]: { steps: ["same"] },
        });
        const b = file({ [u]: { steps: ["update"], goal: { inputDiff: { updates: { policy: "p", token: secret("bbb") } } } } });
        assert.deepStrictEqual(planDifferences(a, b), []);
        assert.strictEqual(a.time.toISOString(), T_REVIEW.toISOString());
    });

    it("names what was added, dropped, changed in kind or in value", () => {
        const reviewed = file({ [u]: { steps: ["update"], goal: { inputDiff: { updates: { policy: "old" } } } }, [urn("prod", "aws:iam/role:Role", "r")]: { steps: ["create"] } });
        const fresh = file({
            [u]: { steps: ["update"], goal: { inputDiff: { updates: { policy: "new" } } } },
            [urn("prod", "aws:s3/bucket:Bucket", "egress")]: { steps: ["delete"] },
        });
        assert.deepStrictEqual(planDifferences(reviewed, fresh), [
            "- aws:iam/role:Role::r: create was reviewed, no longer planned",
            "+ aws:s3/bucket:Bucket::egress: delete (not in the reviewed plan)",
            "~ aws:s3/bucketPolicy:BucketPolicy::ingress: update with other values than reviewed (policy)",
        ]);
        const replaced = file({ [u]: { steps: ["create-replacement", "replace", "delete-replaced"] } });
        assert.deepStrictEqual(planDifferences(file({ [u]: { steps: ["update"] } }), replaced), [
            "~ aws:s3/bucketPolicy:BucketPolicy::ingress: reviewed update, now create-replacement, replace, delete-replaced",
        ]);
    });
});

describe("the converge commands docs/deploy.md and the README show", () => {
    /** What the reader puts for a page's placeholders: the example pair's stacks for `<stack>` and `<partner-stack>`, anything else a name. */
    const PAIR_PLACEHOLDERS: Record<string, string> = { stack: "preprod", "partner-stack": "partner-preprod" };
    const filled = (name: string): string => PAIR_PLACEHOLDERS[name] ?? "x";
    /** Each `npm run converge` command of the pages' sh blocks, continuation lines joined, as arguments. */
    function documented(page: string): string[][] {
        const text = fs.readFileSync(path.join(__dirname, "..", "..", page), "utf8");
        const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].replace(/\\\n\s*/g, ""));
        return blocks
            .flatMap((block) => block.split("\n"))
            .map((line) => line.replace(/\s+#.*$/, "").trim())
            .filter((line) => line.startsWith("npm run converge -- "))
            .map((line) =>
                [...line.slice("npm run converge -- ".length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2]).replace(/<([^>]+)>/g, (_, name: string) => filled(name))),
            );
    }

    for (const page of ["docs/deploy.md", "README.md"]) {
        it(`${page}: each one converges the example pair (against the workspace double)`, async () => {
            const commands = documented(page);
            assert.ok(commands.length >= 1, `${page} shows npm run converge`);
            for (const args of commands) {
                const inventory = pairInventory("preprod", "partner-preprod");
                const double = new PairDouble(inventory);
                const r = await converge(double, inventory, args);
                assert.strictEqual(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
                assert.match(r.stdout, /preprod: converged/);
            }
        });
    }
});
