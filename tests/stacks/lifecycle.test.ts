/**
 * A retained bucket keeps its protections, and a counterpart leaves through
 * offboarding, never by a routine `pulumi up` deleting what holds its files.
 *
 * `protect` and `retainOnDelete` apply to one resource, not to its children or
 * siblings (https://www.pulumi.com/docs/iac/concepts/options/protect/,
 * https://www.pulumi.com/docs/iac/concepts/options/retainondelete/). Deleting a
 * BucketVersioning suspends versioning
 * (https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketversioning/:
 * "Deleting this resource will either suspend versioning on the associated S3
 * bucket or simply remove the resource from state"), and deleting the other
 * split settings removes them from the bucket that stays.
 */
import * as assert from "assert";
import * as path from "path";
import { Plan, PlannedResource } from "../../tools/plan/engine";
import { ALL_STACKS, configVariant, documentOf, fixtureFile, forBucket, linksOf, ofType, plan, planUncached, T } from "../helpers/plans";

const ROOT = path.join(__dirname, "..", "..");
const EXAMPLES = path.join(ROOT, "stacks", "examples");
const EXAMPLE_FILES = ["cross-region", "handover", "service-role", "sse-kms", "vendor-write"];

/** The settings that protect a bucket's contents: each must share the bucket's protect and retainOnDelete. */
const PROTECTIVE = [T.publicAccessBlock, T.ownership, T.versioning, T.encryption, T.lifecycle, T.policy, T.logging];

function protectionOf(r: PlannedResource): [boolean, boolean] {
    return [r.protect === true, r.retainOnDelete === true];
}

const bucketKeys = (p: Plan) => ofType(p, "aws:kms/key:Key").filter((k) => k.urn.includes("transfer:storage:SecureBucket$aws:kms/key:Key"));

function assertSettingsKept(p: Plan, label: string): void {
    const buckets = ofType(p, T.bucket);
    assert.ok(buckets.length > 0);
    for (const bucket of buckets) {
        const name = bucket.inputs.bucket as string;
        assert.strictEqual(bucket.retainOnDelete, true, `${label}: ${name} retained`);
        for (const type of PROTECTIVE) {
            for (const setting of ofType(p, type).filter((r) => r.inputs.bucket === name)) {
                assert.deepStrictEqual(protectionOf(setting), protectionOf(bucket), `${label}: ${setting.urn} must be kept like its bucket`);
            }
        }
        // Every data bucket has all of these but logging, which a log bucket has not (it never logs itself).
        for (const type of [T.publicAccessBlock, T.ownership, T.versioning, T.encryption, T.lifecycle, T.policy]) forBucket(p, type, name);
    }
    // A bucket's key is the only way to read its files (the alert topic's key is no bucket's).
    for (const key of bucketKeys(p))
        assert.deepStrictEqual(protectionOf(key), protectionOf(p.resources.find((r) => r.type === T.bucket && r.parent === key.parent)!), `${label}: ${key.urn}`);
}

describe("a retained bucket keeps its protections", () => {
    for (const stack of ALL_STACKS) {
        it(`${stack}: every protective setting and key has its bucket's protect and retainOnDelete`, async () => assertSettingsKept(await plan(stack), stack));
    }
    for (const example of EXAMPLE_FILES) {
        it(`example ${example}: every protective setting and key has its bucket's protect and retainOnDelete`, async () =>
            assertSettingsKept(await plan({ stack: example, configFile: path.join(EXAMPLES, `${example}.yaml`) }), example));
    }

    it("with s3-transfer:protectBuckets false (a disposable stack) nothing is protected, and everything is still retained", async () => {
        const file = configVariant(fixtureFile("prod"), (c) => {
            c["s3-transfer:protectBuckets"] = false;
        });
        const p = await planUncached({ stack: "prod", configFile: file });
        assertSettingsKept(p, "unprotected");
        assert.ok(ofType(p, T.bucket).every((b) => b.protect !== true));
    });

    it("what only serves the counterpart is not retained: replication stops when the link goes", async () => {
        const p = await plan("prod");
        for (const r of [...ofType(p, T.replication), ...ofType(p, T.rolePolicy), ...ofType(p, "aws:s3/bucketNotification:BucketNotification")]) {
            assert.notStrictEqual(r.retainOnDelete, true, r.urn);
        }
    });
});

describe("offboarding a counterpart", () => {
    const sseKms = path.join(EXAMPLES, "sse-kms.yaml");
    const withState = (source: string, state: string) =>
        configVariant(source, (c) => {
            for (const key of ["s3-transfer:partners", "s3-transfer:publishers"]) for (const entry of (c[key] as Record<string, unknown>[] | undefined) ?? []) entry.state = state;
        });
    /** Allow statements that name the counterpart's account or role, in a policy document. */
    const grantsTo = (doc: { Statement: Record<string, unknown>[] }, account: string) =>
        doc.Statement.filter((s) => s.Effect === "Allow" && JSON.stringify(s.Principal ?? {}).includes(account));

    for (const [label, source, stack] of [
        ["prod (stack reference)", fixtureFile("prod"), "prod"],
        ["sse-kms (hand-over)", sseKms, "sse-kms"],
    ] as const) {
        it(`${label}: offboarding revokes every grant and stops replication at once, and the buckets keep every protection`, async () => {
            const active = await plan(source === sseKms ? { stack, configFile: sseKms } : stack);
            const p = await planUncached({ stack, configFile: withState(source, "offboarding") });
            const link = linksOf(p).cdlx as unknown as Record<string, string>;
            assert.strictEqual(link.state, "offboarding");
            assert.ok(ofType(active, T.replication).length > 0, "the active plan replicates");
            assert.deepStrictEqual(ofType(p, T.replication), []);
            assert.deepStrictEqual(ofType(p, T.rolePolicy), []);
            assert.deepStrictEqual(ofType(p, "aws:s3/bucketNotification:BucketNotification"), []);
            assert.strictEqual(link.replication, "pending");
            assert.strictEqual(link.ingressGrant, "pending");
            assert.ok((linksOf(active).cdlx as unknown as Record<string, string>).batchReplicationRoleArn, "an active link names the Batch Replication role");
            assert.strictEqual(link.batchReplicationRoleArn, undefined, "the role no longer covers an offboarded link: the output does not offer it");
            const account = "444455556666";
            assert.ok(grantsTo(documentOf(forBucket(active, T.policy, link.ingressBucketName)), account).length > 0, "the active ingress admits the counterpart");
            assert.deepStrictEqual(grantsTo(documentOf(forBucket(p, T.policy, link.ingressBucketName)), account), []);
            assert.ok(bucketKeys(p).length > 0 || source !== sseKms);
            for (const key of bucketKeys(p)) assert.deepStrictEqual(grantsTo(documentOf(key), account), [], key.urn);
            assertSettingsKept(p, "offboarding");
            assert.deepStrictEqual(p.warnings, [
                `cdlx is offboarding: its grants are revoked and replication to it is stopped; its buckets keep every protection. Once they are archived: pulumi config set --path 's3-transfer:partners[0].state' retired`,
            ]);
            for (const b of ofType(p, T.bucket)) assert.strictEqual(b.protect, true, b.urn);
        });
    }

    it("retired: protect is lifted so the entry can leave config, and everything stays retained with its settings", async () => {
        const p = await planUncached({ stack: "prod", configFile: withState(fixtureFile("prod"), "retired") });
        const link = linksOf(p).cdlx;
        for (const name of [link.egressBucketName, link.ingressBucketName]) {
            const bucket = forBucket(p, T.bucket, name);
            assert.deepStrictEqual(protectionOf(bucket), [false, true]);
        }
        assertSettingsKept(p, "retired");
        assert.match(p.warnings.join("\n"), /cdlx is retired: .*pulumi config rm --path 's3-transfer:partners\[0\]'/);
        assert.deepStrictEqual(ofType(p, T.replication), []);
        // The log bucket is not the counterpart's: it stays protected.
        for (const log of Object.values((p.outputs.audit as { logBuckets: Record<string, string> }).logBuckets)) assert.strictEqual(forBucket(p, T.bucket, log).protect, true);
    });
});
