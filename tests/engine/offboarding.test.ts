/**
 * A counterpart's offboarding through the real engine (docs/deploy.md, "Offboarding a
 * counterpart"): active, offboarding, retired and removal, for a counterpart whose buckets are in
 * the stack's home region and for one in a secondary region, with `protect` and `retainOnDelete`
 * enforced by the engine itself. Starts from the cross-region example, plus one counterpart that
 * stays (a stack needs at least one), written by the test.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { COUNTERPARTS_KEY, configKey } from "../../infra/config/keys";
import { PROJECT_ROOT } from "../../tools/root";
import { EngineWorkspace, ExportedResource, requireEngine } from "./harness";

const EXAMPLE = path.join(PROJECT_ROOT, "stacks", "examples", "cross-region.yaml");
const STACK = "offboarding";
const KEY = COUNTERPARTS_KEY.publisher;

interface Entry {
    name: string;
    bucketRegion?: string;
    region?: string;
    [field: string]: unknown;
}

describe("engine: offboarding a counterpart (docs/deploy.md)", function () {
    this.timeout(20 * 60_000);
    let ws: EngineWorkspace;
    let home: string;
    let homeCounterpart: string;
    let secondaryCounterpart: string;
    let secondaryRegion: string;

    const entries = (): Entry[] => (ws.readStackFile(STACK).config?.[KEY] as Entry[]) ?? [];
    const index = (name: string) => entries().findIndex((e) => e.name === name);
    const setState = (name: string, state: string) => ws.config(STACK, ["set", "--path", `${KEY}[${index(name)}].state`, state]);
    const remove = (name: string) => ws.config(STACK, ["rm", "--path", `${KEY}[${index(name)}]`]);
    /** The custom resources of a counterpart's link: everything named after it. */
    const linkResources = async (name: string): Promise<ExportedResource[]> =>
        ((await ws.exportStack(STACK)).deployment.resources ?? []).filter((r) => r.custom && new RegExp(`-${name}(-|$)`).test(r.urn.split("::").pop() as string));
    /** The log buckets of a region (`<side>-logs-<region>`, infra/components/exchange-side.ts) in the stack's state. */
    const logBucketsOf = async (region: string) =>
        ((await ws.exportStack(STACK)).deployment.resources ?? []).filter((r) => r.type === "aws:s3/bucket:Bucket" && r.urn.split("::").pop()!.includes(`-logs-${region}`));
    const dataBuckets = async (name: string) => (await linkResources(name)).filter((r) => r.type === "aws:s3/bucket:Bucket");
    const up = async () => {
        const run = await ws.up(STACK);
        assert.strictEqual(run.status, 0, run.output);
        return run;
    };

    before(async function () {
        requireEngine(this);
        const example = YAML.parse(fs.readFileSync(EXAMPLE, "utf8")) as { config: Record<string, unknown> };
        home = String(example.config["aws:region"]);
        const listed = example.config[KEY] as Entry[];
        const secondary = listed.find((e) => e.bucketRegion && e.bucketRegion !== home);
        const inHome = listed.find((e) => (e.bucketRegion ?? home) === home);
        assert.ok(secondary && inHome, `${EXAMPLE} has a counterpart in ${home} and one in another bucketRegion`);
        secondaryCounterpart = secondary.name;
        secondaryRegion = String(secondary.bucketRegion);
        homeCounterpart = inHome.name;
        const staying = {
            ...inHome,
            name: "staying",
            ingressBucketArn: "arn:aws:s3:::staying-inbound-acme",
            replicationRoleArn: String(inHome.replicationRoleArn).replace(/role\/.*/, "role/staying-replication"),
        };
        ws = await EngineWorkspace.create();
        ws.useConfig(STACK, { ...example.config, [KEY]: [...listed, staying] });
        await ws.initStack(STACK);
        await up();
    });
    after(() => ws?.dispose());

    it("deploys every data bucket protected and retained on delete", async () => {
        for (const name of [homeCounterpart, secondaryCounterpart]) {
            const buckets = await dataBuckets(name);
            assert.strictEqual(buckets.length, 2, `${name}: an egress and an ingress bucket`);
            for (const b of buckets) assert.deepStrictEqual([b.urn, b.protect, b.retainOnDelete], [b.urn, true, true]);
        }
    });

    it("refuses to remove an active entry: the preview (which `pulumi up` and npm run converge run first) fails on its protected resources, and nothing changes", async () => {
        const before = fs.readFileSync(ws.stackFile(STACK), "utf8");
        const state = JSON.stringify((await ws.exportStack(STACK)).deployment.resources);
        const cloud = JSON.stringify(ws.cloud.list());
        await remove(homeCounterpart);
        const run = await ws.preview(STACK);
        fs.writeFileSync(ws.stackFile(STACK), before);
        assert.notStrictEqual(run.status, 0, run.output);
        assert.match(run.output, /cannot be deleted/);
        assert.strictEqual(JSON.stringify((await ws.exportStack(STACK)).deployment.resources), state);
        assert.strictEqual(JSON.stringify(ws.cloud.list()), cloud);
    });

    it("credentials of another account: the provider pinned to s3-transfer:accountId fails before anything changes (docs/deploy.md)", async () => {
        const before = JSON.stringify((await ws.exportStack(STACK)).deployment.resources);
        const run = await ws.pulumi(["up", "--yes", "--skip-preview", "--refresh", "--stack", ws.qualified(STACK)], { env: { STANDIN_AWS_ACCOUNT_ID: "999999999999" } });
        assert.notStrictEqual(run.status, 0, run.output);
        assert.match(run.output, /AWS account ID not allowed: 999999999999/);
        assert.strictEqual(JSON.stringify((await ws.exportStack(STACK)).deployment.resources), before);
    });

    it("a new bucket name replaces a protected bucket, so the engine refuses the up and AWS keeps the buckets (docs/deploy.md, Renames and moves)", async () => {
        const before = fs.readFileSync(ws.stackFile(STACK), "utf8");
        const buckets = await dataBuckets(homeCounterpart);
        await ws.config(STACK, ["set", configKey("bucketPrefix"), "renamed-prefix"]);
        const run = await ws.up(STACK);
        fs.writeFileSync(ws.stackFile(STACK), before);
        assert.notStrictEqual(run.status, 0, run.output);
        assert.match(run.output, /protect/i);
        assert.deepStrictEqual(
            (await dataBuckets(homeCounterpart)).map((b) => b.id),
            buckets.map((b) => b.id),
        );
        for (const b of buckets) assert.ok(ws.cloud.get(b.type, String(b.id), "ignored for S3"), `${b.id} is still in AWS`);
        assert.deepStrictEqual(
            ws.cloud.list("aws:s3/bucket:Bucket").filter((r) => r.id.startsWith("renamed-prefix")),
            [],
            "and no bucket of the new name was created first",
        );
    });

    it("offboarding: replication to them stops, the buckets keep every protection", async () => {
        for (const name of [homeCounterpart, secondaryCounterpart]) await setState(name, "offboarding");
        await up();
        for (const name of [homeCounterpart, secondaryCounterpart]) {
            const resources = await linkResources(name);
            assert.deepStrictEqual(
                resources.filter((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig").map((r) => r.urn),
                [],
                `${name}: the replication rule is deleted`,
            );
            for (const b of resources.filter((r) => r.type === "aws:s3/bucket:Bucket")) assert.strictEqual(b.protect, true, b.urn);
        }
        assert.deepStrictEqual(
            ws.cloud.list("aws:s3/bucketReplicationConfig:BucketReplicationConfig").filter((r) => [homeCounterpart, secondaryCounterpart].some((n) => r.id.includes(`-${n}-`))),
            [],
            "and gone from AWS",
        );
    });

    it("retired: nothing of the link is protected any more, everything stays retained on delete", async () => {
        for (const name of [homeCounterpart, secondaryCounterpart]) await setState(name, "retired");
        await up();
        for (const name of [homeCounterpart, secondaryCounterpart]) {
            for (const r of await linkResources(name)) assert.deepStrictEqual([r.urn, r.protect ?? false], [r.urn, false]);
            for (const b of await dataBuckets(name)) assert.strictEqual(b.retainOnDelete, true, b.urn);
        }
    });

    for (const where of ["home", "secondary"] as const) {
        it(`removing the retired entry of a counterpart in the ${where} region: the buckets leave the stack and stay in AWS, the log bucket of a region with no link left too`, async () => {
            const name = where === "home" ? homeCounterpart : secondaryCounterpart;
            const buckets = await dataBuckets(name);
            // The region's log bucket serves only this link in the secondary region: it leaves the program
            // with it, unprotected beforehand and retained (the engine refuses to delete what is protected,
            // DeleteStep.Apply, https://github.com/pulumi/pulumi/blob/v3.276.0/pkg/resource/deploy/step.go).
            const logBuckets = await logBucketsOf(secondaryRegion);
            assert.ok(logBuckets.length > 0, `a log bucket in ${secondaryRegion} before the removal`);
            await remove(name);
            await up();
            assert.deepStrictEqual(await linkResources(name), []);
            for (const b of [...buckets, ...logBuckets]) assert.ok(ws.cloud.get(b.type, String(b.id), "ignored for S3"), `${b.id} is still in AWS`);
            assert.deepStrictEqual(
                (await logBucketsOf(secondaryRegion)).map((b) => b.urn),
                where === "secondary" ? [] : logBuckets.map((b) => b.urn),
                where === "secondary"
                    ? `the log bucket of ${secondaryRegion} left the stack with the last link there`
                    : `the log bucket of ${secondaryRegion} stays while its link does`,
            );
        });
    }

    it("`pulumi import` of a retained bucket reads it from the stand-in as it is in AWS", async () => {
        const retained = ws.cloud.list("aws:s3/bucket:Bucket").find((r) => r.id.includes(`-${homeCounterpart}-`));
        assert.ok(retained, "the removed counterpart's buckets are still in AWS");
        const run = await ws.pulumi([
            "import",
            "aws:s3/bucket:Bucket",
            "reimported",
            retained.id,
            "--stack",
            ws.qualified(STACK),
            "--yes",
            "--protect=false",
            "--generate-code=false",
            "--provider",
            await providerReference(retained.region),
        ]);
        assert.strictEqual(run.status, 0, run.output);
        const imported = ((await ws.exportStack(STACK)).deployment.resources ?? []).find((r) => r.urn.endsWith("::reimported"));
        assert.deepStrictEqual([imported?.id, imported?.outputs?.arn], [retained.id, retained.outputs.arn]);
    });

    /** `name=urn` of the stack's aws provider for a region, as `pulumi import --provider` takes it. */
    async function providerReference(region: string): Promise<string> {
        const provider = ((await ws.exportStack(STACK)).deployment.resources ?? []).find((r) => r.type === "pulumi:providers:aws" && r.inputs?.region === region);
        assert.ok(provider, `a provider for ${region}`);
        return `${provider.urn.split("::").pop()}=${provider.urn}`;
    }
});
