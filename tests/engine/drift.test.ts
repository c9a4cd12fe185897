/**
 * Drift, for real (docs/deploy.md, "Drift"): what `pulumi preview --refresh --expect-no-changes`
 * reports on a deployed pair, and what `npm run drift` (drift.yml's command, as pulumi-stack.yml
 * runs it: `--stack <org>/<stack> --github`) makes of it, through the real CLI and the Automation
 * API against the stand-in aws provider.
 *
 * The question no source settled (issue 21, item 11): is a counterpart's legitimate deploy, read
 * through its stack reference, reported as a change? The engine answers in two parts, each a test:
 * new outputs that none of our resources use are not a change (a stack reference is a read), and
 * new outputs our resources do use plan an update of ours, which `--expect-no-changes` fails on
 * exactly as on drift. `npm run drift` tells the two apart.
 */
import * as assert from "assert";
import { isDeepStrictEqual } from "util";
import { EngineWorkspace, requireEngine } from "./harness";
import { pairForEngineTests, StackSource } from "./stacks";

describe("engine: drift, and a counterpart's deploy read through its stack reference (docs/deploy.md, Drift)", function () {
    this.timeout(20 * 60_000);
    let pair: [StackSource, StackSource];
    let ws: EngineWorkspace;
    /** drift.yml's command for a stack, as pulumi-stack.yml runs it. */
    const drift = (stack: string) => ws.npmRun("drift", ["--stack", `organization/${stack}`, "--github"]);
    const refreshPreview = (stack: string) => ws.preview(stack, ["--refresh", "--expect-no-changes"]);
    const upOk = async (stack: string, extra: string[] = []) => {
        const run = await ws.up(stack, extra);
        assert.strictEqual(run.status, 0, run.output);
    };
    /** The outputs our stack recorded for its reference to `other` at its last update, and `other`'s outputs now. */
    const referenceOutputs = async (stack: string, other: string) => {
        const reference = ((await ws.exportStack(stack)).deployment.resources ?? []).find(
            (r) => r.type === "pulumi:pulumi:StackReference" && String(r.inputs?.name).endsWith(`/${other}`),
        );
        assert.ok(reference, `${stack} reads ${other} by stack reference`);
        return { recorded: (reference.outputs as { outputs?: unknown }).outputs, now: await ws.outputs(other) };
    };

    before(async function () {
        requireEngine(this);
        pair = pairForEngineTests();
        ws = await EngineWorkspace.create();
        for (const s of pair) {
            ws.useConfig(s.stack, s.file);
            await ws.initStack(s.stack);
        }
        const [publisher, partner] = pair;
        for (const stack of [publisher.stack, partner.stack, publisher.stack]) await upOk(stack);
    });
    after(() => ws?.dispose());

    it("a converged stack: no drift, up to date (npm run drift exits 0)", async () => {
        for (const s of pair) {
            const run = await drift(s.stack);
            assert.strictEqual(run.status, 0, run.output);
            assert.match(run.stdout, new RegExp(`organization/${s.stack}: no drift, and up to date`));
        }
    });

    it("the counterpart deploys new outputs that none of our resources use: `preview --refresh --expect-no-changes` passes, the stack reference's new outputs are not a change (pulumi v3.276.0)", async () => {
        const [publisher, partner] = pair;
        // A legitimate change of the counterpart's own: an audit trail of its own buckets, which only its outputs (audit) show.
        const current = (await ws.config(partner.stack, ["get", "auditTrail"])).stdout.trim();
        await ws.config(partner.stack, ["set", "auditTrail", current === "off" ? "create" : "off"]);
        await upOk(partner.stack);
        const { recorded, now } = await referenceOutputs(publisher.stack, partner.stack);
        assert.ok(!isDeepStrictEqual(recorded, now), "the counterpart's outputs now differ from those our stack recorded");
        const run = await refreshPreview(publisher.stack);
        assert.strictEqual(run.status, 0, run.output);
        const verdict = await drift(publisher.stack);
        assert.strictEqual(verdict.status, 0, verdict.output);
        assert.match(verdict.stdout, /no drift, and up to date/);
    });

    it("the counterpart deploys a change our stack must follow: `preview --refresh --expect-no-changes` fails as on drift (it plans our update), while npm run drift says out of date, naming the counterpart (exit 0)", async () => {
        const [publisher, partner] = pair;
        // Replicating delete markers to us needs s3:ReplicateDelete in our ingress bucket's policy.
        const current = (await ws.config(partner.stack, ["get", "deleteMarkerReplication"])).stdout.trim();
        await ws.config(partner.stack, ["set", "deleteMarkerReplication", String(current !== "true")]);
        await upOk(partner.stack);
        const run = await refreshPreview(publisher.stack);
        assert.notStrictEqual(run.status, 0, run.output);
        assert.match(run.output, /aws:s3:BucketPolicy\s+\S+\s+update/);
        const verdict = await drift(publisher.stack);
        assert.strictEqual(verdict.status, 0, verdict.output);
        assert.match(verdict.stdout, new RegExp(`no drift, but out of date: a preview plans \\d+ to update; organization/s3-transfer/${partner.stack} deployed since`));
        assert.match(verdict.stdout, /^::warning title=drift /m);
        // Converging the pair again (the next deploy) brings it up to date.
        await upOk(publisher.stack);
        assert.strictEqual((await drift(publisher.stack)).status, 0);
    });

    it("a change behind the engine's back (versioning suspended in the stand-in's state) is drift: the refresh preview names the resource, npm run drift exits 1, and `up --refresh` restores it", async () => {
        const [publisher] = pair;
        const exported = await ws.exportStack(publisher.stack);
        const versioning = (exported.deployment.resources ?? []).find((r) => r.type === "aws:s3/bucketVersioning:BucketVersioning" && r.id);
        assert.ok(versioning, "the publisher has a BucketVersioning");
        const accountId = String((await ws.outputs(publisher.stack)).accountId);
        ws.cloud.changeBehindTheEnginesBack(versioning.type, String(versioning.id), accountId, (record) => {
            for (const state of [record.inputs, record.outputs]) state.versioningConfiguration = { ...(state.versioningConfiguration as object), status: "Suspended" };
        });
        const run = await refreshPreview(publisher.stack);
        assert.notStrictEqual(run.status, 0, run.output);
        assert.match(run.output, new RegExp(`aws:s3:BucketVersioning\\s+${versioning.urn.split("::").pop()}\\s+update`));
        const verdict = await drift(publisher.stack);
        assert.strictEqual(verdict.status, 1, verdict.output);
        assert.match(
            verdict.stdout,
            new RegExp(`organization/${publisher.stack} drifted: a refresh of its own resources \\(its \\d+ stack reference\\(s\\) left out\\) finds \\d+ to update`),
        );
        assert.match(verdict.stdout, /^::error title=drift /m);
        await upOk(publisher.stack, ["--refresh"]);
        const status = (ws.cloud.get(versioning.type, String(versioning.id), accountId)?.outputs.versioningConfiguration as { status?: string }).status;
        assert.strictEqual(status, "Enabled");
        assert.strictEqual((await refreshPreview(publisher.stack)).status, 0);
        assert.strictEqual((await drift(publisher.stack)).status, 0);
    });
});
