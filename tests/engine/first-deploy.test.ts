/**
 * A pair's first deploy, stack by stack, through the real engine (docs/deploy.md, "Deploying a
 * group": the order `npm run converge` follows, shown here one `pulumi up` at a time), on the
 * first pair of root stacks that reference each other (or of examples: pairForEngineTests).
 * Drift is drift.test.ts's; converge itself, converge.test.ts's.
 */
import * as assert from "assert";
import { EngineWorkspace, linkStatus, requireEngine } from "./harness";
import { pairForEngineTests, StackSource } from "./stacks";

describe("engine: a pair's first deploy (docs/deploy.md)", function () {
    this.timeout(20 * 60_000);
    let pair: [StackSource, StackSource];
    let ws: EngineWorkspace;

    before(async function () {
        requireEngine(this);
        pair = pairForEngineTests();
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
});
