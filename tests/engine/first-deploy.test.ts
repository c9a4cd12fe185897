/**
 * A pair's first deploy and drift checks, through the real engine (docs/deploy.md, "First deploy
 * of a pair" and "Drift"), on the first pair of root stacks that reference each other.
 */
import * as assert from "assert";
import { EngineWorkspace, linkStatus, requireEngine } from "./harness";
import { rootPairs } from "./stacks";

describe("engine: a pair's first deploy (docs/deploy.md)", function () {
    this.timeout(20 * 60_000);
    const pair = rootPairs()[0];
    let ws: EngineWorkspace;

    before(async function () {
        requireEngine(this);
        if (!pair) throw new Error("no two root stacks reference each other: the first-deploy tests need a pair");
        ws = await EngineWorkspace.create();
        for (const s of pair) ws.useConfig(s.stack, s.file);
    });
    after(() => ws?.dispose());

    it("fails the update with `unknown stack` while the counterpart's stack was never created (pulumi/pulumi pkg/backend/backend.go, GetStackOutputs)", async () => {
        const [publisher, partner] = pair;
        await ws.initStack(publisher.stack);
        const run = await ws.up(publisher.stack);
        assert.notStrictEqual(run.status, 0, run.output);
        assert.match(run.output, new RegExp(`unknown stack "${ws.qualified(partner.stack)}"`));
    });

    it("in the documented order: both stacks created, the publisher pending, the partner complete, the publisher complete", async () => {
        const [publisher, partner] = pair;
        await ws.initStack(partner.stack);
        const first = await ws.up(publisher.stack);
        assert.strictEqual(first.status, 0, first.output);
        const pendingLinks = await ws.outputs(publisher.stack);
        const partnerName = String((await ws.outputs(publisher.stack)).partyName);
        const [counterpart] = Object.keys(pendingLinks.links as object);
        assert.deepStrictEqual(linkStatus(pendingLinks, counterpart), { ...linkStatus(pendingLinks, counterpart), replication: "pending", ingressGrant: "pending" });

        const second = await ws.up(partner.stack);
        assert.strictEqual(second.status, 0, second.output);
        const partnerOutputs = await ws.outputs(partner.stack);
        assert.strictEqual(linkStatus(partnerOutputs, partnerName).replication, "active");
        assert.strictEqual(linkStatus(partnerOutputs, partnerName).ingressGrant, "active");

        const third = await ws.up(publisher.stack);
        assert.strictEqual(third.status, 0, third.output);
        const complete = await ws.outputs(publisher.stack);
        assert.strictEqual(linkStatus(complete, counterpart).replication, "active");
        assert.strictEqual(linkStatus(complete, counterpart).ingressGrant, "active");
    });

    it("converges: after the first deploy one preview per stack, in any order, expects no changes", async () => {
        for (const s of [...pair].reverse()) {
            const run = await ws.preview(s.stack, ["--expect-no-changes"]);
            assert.strictEqual(run.status, 0, run.output);
        }
    });

    it("drift: the counterpart's own deploy is not drift (`preview --refresh --expect-no-changes` passes)", async () => {
        const [publisher, partner] = pair;
        const redeploy = await ws.up(partner.stack);
        assert.strictEqual(redeploy.status, 0, redeploy.output);
        const drift = await ws.preview(publisher.stack, ["--refresh", "--expect-no-changes"]);
        assert.strictEqual(drift.status, 0, drift.output);
    });

    it("drift: versioning suspended behind the engine's back fails `preview --refresh --expect-no-changes` naming the resource, and `up` restores it", async () => {
        const [publisher] = pair;
        const exported = await ws.exportStack(publisher.stack);
        const versioning = (exported.deployment.resources ?? []).find((r) => r.type === "aws:s3/bucketVersioning:BucketVersioning" && r.id);
        assert.ok(versioning, "the publisher has a BucketVersioning");
        const accountId = String((await ws.outputs(publisher.stack)).accountId);
        ws.cloud.changeBehindTheEnginesBack(versioning.type, String(versioning.id), accountId, (record) => {
            for (const state of [record.inputs, record.outputs]) state.versioningConfiguration = { ...(state.versioningConfiguration as object), status: "Suspended" };
        });
        const drift = await ws.preview(publisher.stack, ["--refresh", "--expect-no-changes"]);
        assert.notStrictEqual(drift.status, 0, drift.output);
        assert.match(drift.output, new RegExp(`aws:s3:BucketVersioning\\s+${versioning.urn.split("::").pop()}\\s+update`));
        const restore = await ws.up(publisher.stack, ["--refresh"]);
        assert.strictEqual(restore.status, 0, restore.output);
        const status = (ws.cloud.get(versioning.type, String(versioning.id), accountId)?.outputs.versioningConfiguration as { status?: string }).status;
        assert.strictEqual(status, "Enabled");
        const clean = await ws.preview(publisher.stack, ["--refresh", "--expect-no-changes"]);
        assert.strictEqual(clean.status, 0, clean.output);
    });
});
