/**
 * Offboarding plans through all three steps (active → offboarding → retired →
 * removed), and every resource that leaves the program at the last step can
 * leave it: the engine refuses to delete a resource whose state is protected,
 * whether or not it is also retained
 * (https://github.com/pulumi/pulumi/blob/master/pkg/resource/deploy/step.go, DeleteStep.Apply: `if !s.replacing &&
 * s.old.Protect && !s.deployment.opts.IgnoreProtect { return ...
 * deleteProtectedError }`, checked before `s.old.RetainOnDelete`; a preview
 * fails the same way). The state the delete reads is the one the retired
 * step's `pulumi up` wrote, so each resource is judged in the retired plan.
 * Nothing that holds data, or protects data that stays, may be deleted:
 * those are retained (https://www.pulumi.com/docs/iac/concepts/options/retainondelete/).
 */
import * as assert from "assert";
import * as path from "path";
import { Plan, PlannedResource } from "../../tools/plan/engine";
import { configVariant, documentOf, forBucket, linksOf, ofType, planUncached, T } from "../helpers/plans";

const EXAMPLES = path.join(__dirname, "..", "..", "stacks", "examples");
type Config = Record<string, unknown>;
type Entry = Record<string, unknown>;

/** What holds files, or a setting that protects a bucket that stays in AWS: every one must be retained when it leaves. */
const KEPT = [
    T.bucket,
    T.versioning,
    T.encryption,
    T.publicAccessBlock,
    T.ownership,
    T.policy,
    T.lifecycle,
    T.logging,
    "aws:kms/key:Key", // a bucket's key: the only way to read its files
];
/** What may be deleted when it leaves: it holds nothing, and nothing that stays depends on it. */
const DELETABLE = new Set([
    T.role,
    T.rolePolicy,
    T.replication,
    "aws:kms/alias:Alias",
    "aws:s3/bucketNotification:BucketNotification",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:sns/topic:Topic",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sns/topicSubscription:TopicSubscription",
    "pulumi:providers:aws",
]);

/** The alert topic's key encrypts notifications in flight, no stored file: deleting it (after its 30-day window) loses nothing. */
const isAlertKey = (r: PlannedResource) => r.type === "aws:kms/key:Key" && r.urn.includes("ReplicationAlerts");

function listOf(config: Config, key: string): Entry[] {
    return (config[key] as Entry[] | undefined) ?? [];
}

function variant(example: string, change: (config: Config) => void): string {
    return configVariant(path.join(EXAMPLES, `${example}.yaml`), change);
}

const planOf = (stack: string, file: string) => planUncached({ stack, configFile: file });

/** The resources of `retired` that are not in `removed`: what the last step deletes from the stack. */
function leaving(retired: Plan, removed: Plan): PlannedResource[] {
    const stays = new Set(removed.resources.map((r) => r.urn));
    return retired.resources.filter((r) => !stays.has(r.urn));
}

function assertCanLeave(retired: Plan, removed: Plan, label: string): PlannedResource[] {
    const gone = leaving(retired, removed);
    assert.ok(gone.length > 0, `${label}: something leaves`);
    for (const r of gone) {
        assert.notStrictEqual(r.protect, true, `${label}: ${r.urn} would still be protected when it leaves, and the engine would refuse the delete`);
        if (!r.custom) continue;
        if (KEPT.includes(r.type) && !isAlertKey(r)) assert.strictEqual(r.retainOnDelete, true, `${label}: ${r.urn} holds or protects files and must stay in AWS`);
        else assert.ok(DELETABLE.has(r.type) || isAlertKey(r), `${label}: ${r.urn} (${r.type}) leaves and is deleted: is that intended?`);
    }
    return gone;
}

describe("offboarding a counterpart whose buckets are in a secondary region, in three steps", () => {
    // eurolink keeps its buckets in eu-west-1; the stack's region is us-east-1.
    const withEurolink = (state: string) =>
        variant("cross-region", (c) => {
            listOf(c, "s3-transfer:partners").find((p) => p.name === "eurolink")!.state = state;
        });
    const removed = variant("cross-region", (c) => {
        c["s3-transfer:partners"] = listOf(c, "s3-transfer:partners").filter((p) => p.name !== "eurolink");
    });
    let plans: Record<"active" | "offboarding" | "retired" | "removed", Plan>;
    before(async () => {
        plans = {
            active: await planOf("cross-region", withEurolink("active")),
            offboarding: await planOf("cross-region", withEurolink("offboarding")),
            retired: await planOf("cross-region", withEurolink("retired")),
            removed: await planOf("cross-region", removed),
        };
    });
    const logBucket = "acme-bank-cross-region-logs-eu-west-1";

    it("1. offboarding: no grant and no replication, and its buckets and the region's log bucket stay protected", () => {
        const p = plans.offboarding;
        const link = linksOf(p).eurolink;
        assert.deepStrictEqual([link.state, link.replication, link.ingressGrant, link.batchReplicationRoleArn], ["offboarding", "pending", "pending", undefined]);
        assert.ok(ofType(plans.active, T.replication).some((r) => r.inputs.bucket === link.egressBucketName));
        assert.ok(!ofType(p, T.replication).some((r) => r.inputs.bucket === link.egressBucketName));
        for (const name of [link.egressBucketName, link.ingressBucketName, logBucket])
            assert.deepStrictEqual([forBucket(p, T.bucket, name).protect, forBucket(p, T.bucket, name).retainOnDelete], [true, true], name);
    });

    it("2. retired: its buckets and the region's log bucket, with every setting, lose protect and stay retained; the other region's log bucket stays protected", () => {
        const p = plans.retired;
        const link = linksOf(p).eurolink;
        for (const name of [link.egressBucketName, link.ingressBucketName, logBucket]) {
            for (const type of [T.bucket, T.versioning, T.encryption, T.publicAccessBlock, T.ownership, T.policy, T.lifecycle]) {
                const r = forBucket(p, type, name);
                assert.deepStrictEqual([r.protect === true, r.retainOnDelete === true], [false, true], `${type} of ${name}`);
            }
        }
        assert.strictEqual(forBucket(p, T.bucket, "acme-bank-cross-region-logs-us-east-1").protect, true);
        assert.strictEqual(forBucket(p, T.bucket, linksOf(p).cdlx.egressBucketName).protect, true);
        assert.match(p.warnings.join("\n"), /eurolink is retired: .*pulumi config rm --path 's3-transfer:partners\[0\]'/);
    });

    it("3. removed: everything that leaves the program is unprotected in the state it leaves from; what holds or protects files is retained", () => {
        const gone = assertCanLeave(plans.retired, plans.removed, "eurolink removed");
        const bucketsGone = gone.filter((r) => r.type === T.bucket).map((r) => r.inputs.bucket as string);
        assert.deepStrictEqual(bucketsGone.sort(), ["acme-bank-cross-region-eurolink-egress", "acme-bank-cross-region-eurolink-ingress", logBucket].sort());
        // The region leaves with its last link: its provider, alert topic and key go too; the rest of the side is untouched.
        assert.ok(gone.some((r) => r.type === "pulumi:providers:aws" && r.urn.endsWith("::acme-bank-eu-west-1")));
        assert.deepStrictEqual(Object.keys(linksOf(plans.removed)), ["cdlx"]);
    });

    it("removing the entry while it is still active or offboarding leaves protected resources behind: the engine would refuse it", () => {
        for (const state of ["active", "offboarding"] as const) {
            const protectedGone = leaving(plans[state], plans.removed).filter((r) => r.protect);
            assert.ok(
                protectedGone.some((r) => r.type === T.bucket && r.inputs.bucket === logBucket),
                `${state}: the region's log bucket`,
            );
        }
    });
});

describe("offboarding a vendor drop and a service destination, in three steps", () => {
    const vendor = { name: "sailthru", principalArn: "arn:aws:iam::099647660399:role/sc-event-stream-production" };
    const service = { name: "datasync", servicePrincipalArn: "arn:aws:iam::313131313131:role/data-sync-service", externalId: "acme-bank-7f3a9c2e" };
    const withDirect = (state: string | undefined) =>
        variant("sse-kms", (c) => {
            if (state === undefined) return;
            c["s3-transfer:vendorDrops"] = [{ ...vendor, state }];
            c["s3-transfer:serviceDestinations"] = [{ ...service, connectionTestPending: false, state }];
        });
    const drop = "acme-bank-sse-kms-sailthru-drop";
    const sync = "acme-bank-sse-kms-datasync-sync";
    let plans: Record<"active" | "offboarding" | "retired" | "removed", Plan>;
    before(async () => {
        plans = {
            active: await planOf("sse-kms", withDirect("active")),
            offboarding: await planOf("sse-kms", withDirect("offboarding")),
            retired: await planOf("sse-kms", withDirect("retired")),
            removed: await planOf("sse-kms", withDirect(undefined)),
        };
    });
    const vendorGrants = (p: Plan) => [
        ...documentOf(forBucket(p, T.policy, drop)).Statement.filter((s) => JSON.stringify(s.Principal ?? "").includes("099647660399")),
        ...documentOf(ofType(p, "aws:kms/key:Key").find((k) => k.urn.endsWith(`::${drop.replace("acme-bank-sse-kms-", "acme-bank-")}`))!).Statement.filter((s) =>
            JSON.stringify(s.Principal ?? "").includes("099647660399"),
        ),
    ];
    const writerPolicy = (p: Plan) => ofType(p, T.rolePolicy).filter((r) => r.inputs.name === "write-destination");

    it("1. offboarding revokes the vendor's bucket and key grants and the service role's permissions at once; both buckets stay protected", () => {
        assert.ok(vendorGrants(plans.active).length >= 3, "the active vendor is granted the bucket and its key");
        assert.strictEqual(writerPolicy(plans.active).length, 1);
        const p = plans.offboarding;
        assert.deepStrictEqual(vendorGrants(p), []);
        assert.deepStrictEqual(writerPolicy(p), []);
        assert.ok(
            ofType(p, T.role).some((r) => r.inputs.name === "acme-bank-datasync-sync-writer"),
            "the role stays, granting nothing, so its ARN does not change under the service",
        );
        for (const name of [drop, sync]) assert.deepStrictEqual([forBucket(p, T.bucket, name).protect, forBucket(p, T.bucket, name).retainOnDelete], [true, true], name);
        assert.deepStrictEqual(
            p.warnings.filter((w) => /offboarding/.test(w)),
            [
                `vendor drop sailthru is offboarding: its grants are revoked; its bucket ${drop} keeps every protection. Once it is archived: pulumi config set --path 's3-transfer:vendorDrops[0].state' retired`,
                `service destination datasync is offboarding: its grants are revoked; its bucket ${sync} keeps every protection. Once it is archived: pulumi config set --path 's3-transfer:serviceDestinations[0].state' retired`,
            ],
        );
    });

    it("2. retired: still no grant; protect lifted from each bucket, its key and every setting, all still retained", () => {
        const p = plans.retired;
        assert.deepStrictEqual([vendorGrants(p), writerPolicy(p)], [[], []]);
        for (const name of [drop, sync])
            for (const type of [T.bucket, T.versioning, T.encryption, T.publicAccessBlock, T.ownership, T.policy, T.lifecycle, T.logging]) {
                const r = forBucket(p, type, name);
                assert.deepStrictEqual([r.protect === true, r.retainOnDelete === true], [false, true], `${type} of ${name}`);
            }
        assert.match(p.warnings.join("\n"), /vendor drop sailthru is retired: .*pulumi config rm --path 's3-transfer:vendorDrops\[0\]'/);
    });

    it("3. removed: both entries leave the program without a protected delete, their buckets, keys and settings retained", () => {
        const gone = assertCanLeave(plans.retired, plans.removed, "vendor and service removed");
        assert.deepStrictEqual(
            gone
                .filter((r) => r.type === T.bucket)
                .map((r) => r.inputs.bucket)
                .sort(),
            [sync, drop].sort(),
        );
    });
});

/**
 * What a retired entry's retained buckets lose once the entry leaves config:
 * the log bucket of a region that stays is rewritten without them (S3 then
 * refuses their access logs, silently: a retained BucketLogging still points
 * there), and the trail's selector no longer reaches them. The plan of the
 * retired step says exactly what stops, before anyone removes the entry, and
 * the removal's plan bears it out.
 */
describe("what a retired entry's retained buckets lose when it leaves config", () => {
    const singleRegion = (retire: string, extra: (c: Config) => void = () => undefined) =>
        variant("cross-region", (c) => {
            c["s3-transfer:auditTrail"] = "create";
            for (const p of listOf(c, "s3-transfer:partners")) {
                delete p.bucketRegion;
                if (p.name === retire) p.state = "retired";
            }
            extra(c);
        });
    const logGrant = (p: Plan, logBucket: string) =>
        (documentOf(forBucket(p, T.policy, logBucket)).Statement.find((s) => s.Sid === "S3ServerAccessLogDelivery") as { Condition: { ArnLike: { "aws:SourceArn": string[] } } })
            .Condition.ArnLike["aws:SourceArn"];
    const admits = (patterns: string[], bucket: string) =>
        patterns.some((p) => (p.endsWith("*") ? `arn:aws:s3:::${bucket}`.startsWith(p.slice(0, -1)) : p === `arn:aws:s3:::${bucket}`));
    const trailStarts = (p: Plan) =>
        (ofType(p, T.trail)[0].inputs.advancedEventSelectors as { fieldSelectors: { startsWiths?: string[] }[] }[])[0].fieldSelectors[2].startsWiths ?? [];
    const logBucket = "acme-bank-cross-region-logs-us-east-1";
    const cdlx = ["acme-bank-cross-region-cdlx-egress", "acme-bank-cross-region-cdlx-ingress"];

    it("in a region that stays: the plan says the log bucket will refuse their access logs and the trail stop recording them, and how to keep or end both", async () => {
        const retired = await planOf("cross-region", singleRegion("cdlx"));
        assert.ok(
            cdlx.every((b) => admits(logGrant(retired, logBucket), b)),
            "while retired, still admitted",
        );
        assert.deepStrictEqual(
            retired.warnings.filter((w) => w.startsWith("once the retired")),
            [
                `once the retired counterpart cdlx leaves config, its retained buckets keep their files and settings, but the log bucket ${logBucket} no longer admits the access logs of ${cdlx[0]} and ${cdlx[1]}, so S3 refuses them, silently, and the trail acme-bank-transfer-data-events no longer records object events on ${cdlx[0]} and ${cdlx[1]}. To keep them audited, keep the entry in config as retired (it grants nothing and protects nothing); to end their logging instead, after removing it run: aws s3api put-bucket-logging --bucket ${cdlx[0]} --bucket-logging-status '{}' && aws s3api put-bucket-logging --bucket ${cdlx[1]} --bucket-logging-status '{}'`,
            ],
        );
        const removed = await planOf(
            "cross-region",
            singleRegion("cdlx", (c) => {
                c["s3-transfer:partners"] = listOf(c, "s3-transfer:partners").filter((p) => p.name !== "cdlx");
            }),
        );
        for (const bucket of cdlx) {
            assert.ok(!admits(logGrant(removed, logBucket), bucket), `after removal, ${bucket}'s logs are no longer admitted`);
            assert.ok(!trailStarts(removed).some((v) => `arn:aws:s3:::${bucket}/x`.startsWith(v)), `after removal, ${bucket} is no longer recorded`);
        }
    });

    it("warns of nothing when the buckets stay covered by a prefix another entry shares", async () => {
        const retired = await planOf(
            "cross-region",
            singleRegion("cdlx-eu", (c) => {
                const eurolink = listOf(c, "s3-transfer:partners").find((p) => p.name === "eurolink")!;
                eurolink.name = "cdlx-eu";
            }),
        );
        assert.deepStrictEqual(
            retired.warnings.filter((w) => w.startsWith("once the retired")),
            [],
        );
    });

    it("in a region that leaves with the entry: its log bucket stays in AWS with its last policy, which still admits them; only the trail, no longer multi-Region, stops", async () => {
        const retired = await planOf(
            "cross-region",
            variant("cross-region", (c) => {
                c["s3-transfer:auditTrail"] = "create";
                listOf(c, "s3-transfer:partners").find((p) => p.name === "eurolink")!.state = "retired";
            }),
        );
        assert.deepStrictEqual(
            retired.warnings.filter((w) => w.startsWith("once the retired")),
            [
                "once the retired counterpart eurolink leaves config, its retained buckets keep their files and settings, but the trail acme-bank-transfer-data-events no longer records object events on acme-bank-cross-region-eurolink-egress and acme-bank-cross-region-eurolink-ingress. To keep them audited, keep the entry in config as retired (it grants nothing and protects nothing)",
            ],
        );
    });
});
