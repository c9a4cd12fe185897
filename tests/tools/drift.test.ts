/**
 * `npm run drift`: its verdicts against a workspace double (DriftDouble) that
 * stands for the Pulumi CLI. The command leaves the stack references out of the
 * refresh, so its verdict does not depend on how the CLI reports them; the
 * engine tier runs it on the real CLI (tests/engine/drift.test.ts).
 */
import * as assert from "assert";
import { Changes, DriftWorkspace, runDrift, StackReferenceState } from "../../tools/drift/index";
import { FIXTURE_STACKS } from "../helpers/plans";

class DriftDouble implements DriftWorkspace {
    readonly calls: string[] = [];
    exist = true;
    references: StackReferenceState[] = [];
    outputsNow: Record<string, Record<string, unknown> | undefined> = {};
    refresh: Changes = {};
    preview: Changes = {};

    exists(stack: string): Promise<boolean> {
        this.calls.push(`exists ${stack}`);
        return Promise.resolve(this.exist);
    }
    stackReferences(): Promise<StackReferenceState[]> {
        return Promise.resolve(this.references);
    }
    currentOutputs(name: string): Promise<Record<string, unknown> | undefined> {
        return Promise.resolve(this.outputsNow[name]);
    }
    refreshChanges(stack: string, exclude: string[]): Promise<Changes> {
        this.calls.push(`refresh ${stack} --exclude ${exclude.join(",")}`);
        return Promise.resolve(this.refresh);
    }
    previewChanges(stack: string): Promise<Changes> {
        this.calls.push(`preview ${stack}`);
        return Promise.resolve(this.preview);
    }
}

const REFERENCE: StackReferenceState = {
    urn: "urn:pulumi:prod::s3-transfer::pulumi:pulumi:StackReference::organization/s3-transfer/partner-prod",
    name: "organization/s3-transfer/partner-prod",
    outputs: { links: { "acme-bank": { replication: "pending" } } },
};

/** `--stack` names a stack of the tests' own project root (tests/fixtures/stacks/), not the repository's. */
async function drift(double: DriftDouble, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const status = await runDrift(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), workspace: () => double, root: FIXTURE_STACKS });
    return { status, stdout: out.join(""), stderr: err.join("") };
}

describe("npm run drift (verdicts against a workspace double)", () => {
    it("refreshes the stack's own resources only, leaving its stack references out", async () => {
        const double = new DriftDouble();
        double.references = [REFERENCE];
        double.refresh = { same: 12 };
        double.preview = { same: 12, read: 1 };
        const r = await drift(double, ["--stack", "organization/prod"]);
        assert.strictEqual(r.status, 0);
        assert.deepStrictEqual(double.calls, ["exists organization/prod", `refresh organization/prod --exclude ${REFERENCE.urn}`, "preview organization/prod"]);
        assert.strictEqual(r.stdout, "organization/prod: no drift, and up to date\n");
    });

    it("drift of its own resources fails (exit 1), with a GitHub error annotation when asked", async () => {
        const double = new DriftDouble();
        double.references = [REFERENCE];
        double.refresh = { update: 1 };
        const r = await drift(double, ["--stack", "prod", "--github"]);
        assert.strictEqual(r.status, 1);
        assert.match(r.stdout, /^prod drifted: a refresh of its own resources \(its 1 stack reference\(s\) left out\) finds 1 to update, made outside Pulumi/);
        assert.match(r.stdout, /\n::error title=drift prod::prod drifted/);
        assert.ok(!double.calls.includes("preview prod"), "drift is the verdict; the preview is not needed");
    });

    it("a counterpart that deployed since is not drift: it warns that the group needs converging, naming the counterpart (exit 0)", async () => {
        const double = new DriftDouble();
        double.references = [REFERENCE];
        double.preview = { create: 1, update: 2, same: 40 };
        double.outputsNow[REFERENCE.name] = { links: { "acme-bank": { replication: "active" } } };
        const r = await drift(double, ["--stack", "organization/prod", "--github"]);
        assert.strictEqual(r.status, 0);
        assert.match(
            r.stdout,
            /organization\/prod: no drift, but out of date: a preview plans 1 to create, 2 to update; organization\/s3-transfer\/partner-prod deployed since organization\/prod's last update .*npm run converge -- --pair prod/,
        );
        assert.match(r.stdout, /::warning title=drift organization\/prod::/);
    });

    it("changes with no counterpart moved are a change not deployed yet, not drift (exit 0)", async () => {
        const double = new DriftDouble();
        double.references = [REFERENCE];
        double.outputsNow[REFERENCE.name] = REFERENCE.outputs;
        double.preview = { update: 1 };
        const r = await drift(double, ["--stack", "prod"]);
        assert.strictEqual(r.status, 0);
        assert.match(r.stdout, /no stack it reads changed: a change to the program or its config is not deployed yet/);
        assert.doesNotMatch(r.stdout, /::warning/);
    });

    it("a stack that does not exist, --config or no --stack: exit 2", async () => {
        const missing = new DriftDouble();
        missing.exist = false;
        const r = await drift(missing, ["--stack", "prod"]);
        assert.strictEqual(r.status, 2);
        assert.match(r.stderr, /no such stack in this backend; it was never deployed/);
        assert.match(r.stderr, /deploy it first \(npm run converge -- --pair prod\)/);
        assert.strictEqual((await drift(new DriftDouble(), ["--config", "Pulumi.prod.yaml"])).status, 2);
        assert.strictEqual((await drift(new DriftDouble(), [])).status, 2);
    });

    it("a name that is not a stack of the repository: exit 2 with its stacks and the nearest, before the backend is asked", async () => {
        for (const given of ["prodd", "organization/prodd"]) {
            const double = new DriftDouble();
            const r = await drift(double, ["--stack", given]);
            assert.strictEqual(r.status, 2);
            assert.match(r.stderr, new RegExp(`^--stack ${given}: this project has no stack "prodd" \\(no Pulumi.prodd.yaml\\); did you mean prod\\?\n`));
            assert.match(r.stderr, /the stacks of this project: partner-preprod, partner-prod, preprod, prod/);
            assert.doesNotMatch(r.stderr, /never deployed/);
            assert.deepStrictEqual(double.calls, []);
        }
    });
});
