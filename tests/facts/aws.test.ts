/**
 * The AWS behaviours this design relies on, one test per behaviour, each
 * named by the behaviour and citing its public source, asserted on the planned
 * resources of every stack, every example, and the variants that switch on
 * what no committed config does (a CloudTrail trail, SSE-KMS on the pairs).
 *
 * A fact is documented by AWS or by the vendor whose guide a setup follows;
 * what no source states is said so here and left to the pre-production
 * canary (docs/access-matrix.md, "What the canary must confirm").
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { Plan, PlannedResource } from "../../tools/plan/engine";
import { ALL_STACKS, configVariant, dataBuckets, documentOf, fixtureFile, forBucket, linksOf, ofType, plan, T } from "../helpers/plans";

const ROOT = path.join(__dirname, "..", "..");
const EXAMPLES = path.join(ROOT, "stacks", "examples");
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "aws-facts-"));
const KEY = "aws:kms/key:Key";

type Statement = {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
};

/** A config with some keys changed, as a file the planner reads. */
function variant(source: string, name: string, change: Record<string, unknown>): string {
    const parsed = YAML.parse(fs.readFileSync(source, "utf8"));
    Object.assign(parsed.config, change);
    const file = path.join(TMP, `${name}.yaml`);
    fs.writeFileSync(file, YAML.stringify(parsed));
    return file;
}

const examples = fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => ({ stack: f.replace(/\.yaml$/, ""), configFile: path.join(EXAMPLES, f) }));
const variants = [
    { stack: "cross-region-trail", configFile: variant(path.join(EXAMPLES, "cross-region.yaml"), "cross-region-trail", { "s3-transfer:auditTrail": "create" }) },
    { stack: "prod-trail", configFile: configVariant(fixtureFile("prod"), (c) => Object.assign(c, { "s3-transfer:auditTrail": "create" })) },
    { stack: "vendor-write-trail", configFile: variant(path.join(EXAMPLES, "vendor-write.yaml"), "vendor-write-trail", { "s3-transfer:auditTrail": "create" }) },
];

/** Every plan the facts are checked on: the committed stacks, the examples, and the variants. */
async function everyPlan(): Promise<Plan[]> {
    const plans: Plan[] = [];
    for (const stack of ALL_STACKS) plans.push(await plan(stack));
    for (const options of [...examples, ...variants]) plans.push(await plan(options));
    return plans;
}

const actions = (s: Statement) => [s.Action].flat();
const resources = (s: Statement) => [s.Resource ?? []].flat();
const statements = (r: PlannedResource, input = "policy") => documentOf(r, input).Statement as unknown as Statement[];
const sseKmsBuckets = (p: Plan) =>
    dataBuckets(p).filter(
        (b) =>
            (forBucket(p, T.encryption, b.inputs.bucket as string).inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[])[0]
                .applyServerSideEncryptionByDefault.sseAlgorithm === "aws:kms",
    );
const keyOf = (p: Plan, bucketName: string) => {
    const [rule] = forBucket(p, T.encryption, bucketName).inputs.rules as { applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }[];
    return ofType(p, KEY).find((k) => k.outputs.arn === rule.applyServerSideEncryptionByDefault.kmsMasterKeyId)!;
};
const rolePolicyOf = (p: Plan, roleArn: string) => {
    const role = ofType(p, T.role).find((r) => r.outputs.arn === roleArn);
    return role && ofType(p, T.rolePolicy).find((r) => r.inputs.role === role.inputs.name);
};

describe("AWS facts the design relies on, on every stack and example", function () {
    this.timeout(300_000);
    let plans: Plan[];
    before(async () => {
        plans = await everyPlan();
    });
    after(() => fs.rmSync(TMP, { recursive: true, force: true }));

    it("with S3 Bucket Keys, replication needs kms:Decrypt on the replica key: every replica key admits the sending role for kms:Decrypt, and every replication role asks for it", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html#bk-replication
        // "To use replication with an S3 Bucket Key, the AWS KMS key policy for the KMS key that's used to encrypt the
        // object replica must include the kms:Decrypt permission for the calling principal."
        let grants = 0;
        let roles = 0;
        for (const p of plans) {
            for (const bucket of sseKmsBuckets(p)) {
                const name = bucket.inputs.bucket as string;
                assert.strictEqual(
                    (forBucket(p, T.encryption, name).inputs.rules as { bucketKeyEnabled: boolean }[])[0].bucketKeyEnabled,
                    true,
                    `${p.stack} ${name}: the design assumes Bucket Keys`,
                );
                for (const s of statements(keyOf(p, name)).filter((x) => x.Sid?.startsWith("ReplicationEncryptsReplicas"))) {
                    grants++;
                    assert.deepStrictEqual(
                        actions(s)
                            .filter((a) => a.startsWith("kms:"))
                            .sort(),
                        ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                        `${p.stack} ${name} ${s.Sid}`,
                    );
                    assert.ok(s.Condition?.StringEquals?.["aws:PrincipalArn"] && s.Condition.StringEquals["kms:ViaService"], `${p.stack} ${s.Sid} keeps its narrowing`);
                }
            }
            for (const link of Object.values(linksOf(p))) {
                const policy = rolePolicyOf(p, link.replicationRoleArn);
                const replica = policy && statements(policy).find((s) => s.Sid === "EncryptReplicas");
                if (!replica) continue;
                roles++;
                assert.ok(actions(replica).includes("kms:Decrypt"), `${p.stack}: the replication role's replica-key statement`);
            }
        }
        assert.ok(grants > 0 && roles > 0, "some plan must replicate SSE-KMS objects, or this fact is untested");
    });

    it("an upload asking for aws:kms without a key id is encrypted with aws/s3: every SSE-KMS bucket denies it", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-server-side-encryption-aws-kms-key-id:
        // "If you specify x-amz-server-side-encryption:aws:kms or aws:kms:dsse, but do not provide
        // x-amz-server-side-encryption-aws-kms-key-id, Amazon S3 uses the AWS managed key (aws/s3) to protect the data.")
        let checked = 0;
        for (const p of plans) {
            for (const bucket of sseKmsBuckets(p)) {
                checked++;
                const deny = statements(forBucket(p, T.policy, bucket.inputs.bucket as string)).find((s) => s.Sid === "DenyKmsWithoutKeyId");
                assert.deepStrictEqual(
                    deny && { ...deny, Resource: undefined },
                    {
                        Sid: "DenyKmsWithoutKeyId",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:PutObject",
                        Resource: undefined,
                        Condition: {
                            StringEquals: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] },
                            Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
                        },
                    },
                    `${p.stack} ${bucket.inputs.bucket}`,
                );
                assert.deepStrictEqual(deny!.Resource, `${bucket.outputs.arn as string}/*`);
            }
        }
        assert.ok(checked > 0);
    });

    it("an AWS managed key cannot be used across accounts: every SSE-KMS bucket encrypts with a customer managed key of its own", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
        // https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key (their key policies cannot be changed)
        for (const p of plans) {
            for (const bucket of sseKmsBuckets(p)) {
                const key = keyOf(p, bucket.inputs.bucket as string);
                assert.ok(key, `${p.stack} ${bucket.inputs.bucket} names a key the plan creates, not aws/s3`);
                assert.strictEqual(key.protect, true);
            }
        }
    });

    it("SSE-C objects replicate, and nobody but the uploader can read them: every bucket denies SSE-C uploads and blocks SSE-C", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html (SSE-C objects replicate)
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
        //   (BlockedEncryptionTypes SSE-C rejects PutObject, CopyObject, PostObject, multipart and replication requests that specify SSE-C)
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html (s3:x-amz-server-side-encryption-customer-algorithm)
        for (const p of plans) {
            for (const bucket of ofType(p, T.bucket)) {
                const name = bucket.inputs.bucket as string;
                assert.deepStrictEqual(
                    (forBucket(p, T.encryption, name).inputs.rules as { blockedEncryptionTypes?: string[] }[])[0].blockedEncryptionTypes,
                    ["SSE-C"],
                    `${p.stack} ${name}`,
                );
                assert.deepStrictEqual(
                    statements(forBucket(p, T.policy, name)).find((s) => s.Sid === "DenySseCUploads")?.Condition,
                    { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
                    `${p.stack} ${name}`,
                );
            }
        }
    });

    it("with S3 Bucket Keys the encryption context is the bucket ARN: every aws:s3:arn condition admits the bucket as well as its objects", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html ("the encryption context is the bucket ARN")
        let conditions = 0;
        for (const p of plans) {
            const documents = [...ofType(p, KEY).map((k) => statements(k)), ...ofType(p, T.rolePolicy).map((r) => statements(r))];
            for (const s of documents.flat()) {
                const arnsAdmitted = [s.Condition?.StringLike?.["kms:EncryptionContext:aws:s3:arn"] ?? []].flat();
                if (!arnsAdmitted.length) continue;
                conditions++;
                const buckets = arnsAdmitted.filter((a) => !a.includes("/"));
                assert.ok(buckets.length > 0, `${p.stack} ${s.Sid}: ${arnsAdmitted.join(", ")} admits no bucket ARN`);
                for (const bucket of buckets)
                    assert.ok(
                        arnsAdmitted.some((a) => a.startsWith(`${bucket}/`)),
                        `${p.stack} ${s.Sid}: objects of ${bucket} without Bucket Keys`,
                    );
            }
        }
        assert.ok(conditions > 0);
    });

    it("a multi-Region trail must include global service events (else CreateTrail fails): every trail includes them", () => {
        // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html (IncludeGlobalServiceEvents, IsMultiRegionTrail,
        // InvalidParameterCombinationException); the exception's text, "Multi-Region trail must include global service events", is
        // CloudTrail's answer as issue 12 reports it: the API page lists the exception but not that message.
        const trails = plans.flatMap((p) => ofType(p, T.trail).map((t) => ({ p, t })));
        assert.ok(
            trails.some(({ t }) => t.inputs.isMultiRegionTrail === true),
            "some plan must make a multi-Region trail, or this fact is untested",
        );
        for (const { p, t } of trails) {
            if (t.inputs.isMultiRegionTrail) assert.strictEqual(t.inputs.includeGlobalServiceEvents, true, `${p.stack} ${t.inputs.name}`);
        }
    });

    it("Batch Replication runs under a Batch Operations role, not the replication role: every active link has one with s3:InitiateReplication, the source-bucket reads and the manifest/report grants", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-policies.html
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html (trust batchoperations.s3.amazonaws.com)
        let checked = 0;
        for (const p of plans) {
            const links = Object.values(linksOf(p) ?? {}).filter((l) => l.state === "active") as (ReturnType<typeof linksOf>[string] & {
                batchReplicationRoleArn: string;
                region: string;
            })[];
            const roleArns = links.map((l) => l.batchReplicationRoleArn);
            assert.strictEqual(new Set(roleArns).size, roleArns.length, `${p.stack}: one role per link, so that a job reaches only its own link`);
            for (const link of links) {
                checked++;
                const role = ofType(p, T.role).find((r) => r.outputs.arn === link.batchReplicationRoleArn);
                assert.ok(role, `${p.stack}: the plan makes ${link.batchReplicationRoleArn}`);
                const trust = statements(role, "assumeRolePolicy");
                assert.deepStrictEqual(
                    trust.map((s) => [s.Effect, s.Principal, s.Action]),
                    [["Allow", { Service: "batchoperations.s3.amazonaws.com" }, "sts:AssumeRole"]],
                );
                const granted = statements(rolePolicyOf(p, link.batchReplicationRoleArn)!);
                const grants = (action: string, resource: string) => granted.some((s) => actions(s).includes(action) && resources(s).includes(resource));
                assert.ok(grants("s3:InitiateReplication", `${link.egressBucketArn}/${link.root}/*`), `${p.stack} ${link.egressBucketName}`);
                assert.ok(grants("s3:GetReplicationConfiguration", link.egressBucketArn));
                assert.ok(grants("s3:PutInventoryConfiguration", link.egressBucketArn));
                const logBucket = (p.outputs.audit as { logBuckets: Record<string, string> }).logBuckets[link.region];
                for (const action of ["s3:GetObject", "s3:PutObject"])
                    assert.ok(grants(action, `arn:aws:s3:::${logBucket}/batch-replication/${link.egressBucketName}/*`), `${p.stack}: ${action} on the link's manifests`);
                // The live-replication role cannot do it: Batch Operations cannot assume it.
                const live = ofType(p, T.role).find((r) => r.outputs.arn === link.replicationRoleArn)!;
                assert.ok(!JSON.stringify(documentOf(live, "assumeRolePolicy")).includes("batchoperations"));
            }
        }
        assert.ok(checked > 0);
    });

    it("cross-account replication reads the destination's versioning: every ingress grants its counterpart's account s3:GetBucketVersioning, read-only", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html (the destination bucket policy grants the
        // source account s3:GetBucketVersioning); partner guide 003 (/work/shared/seeds) grants it to the source account root.
        let grants = 0;
        for (const p of plans) {
            for (const link of Object.values(linksOf(p))) {
                if (link.ingressGrant !== "active") continue;
                const grant = statements(forBucket(p, T.policy, link.ingressBucketName)).filter((s) => s.Sid?.startsWith("CounterpartReadsVersioning"));
                assert.strictEqual(grant.length, 1, `${p.stack} ${link.ingressBucketName}`);
                grants++;
                assert.deepStrictEqual([grant[0].Action, grant[0].Resource], ["s3:GetBucketVersioning", link.ingressBucketArn]);
                assert.match(JSON.stringify(grant[0].Principal), /:root"/);
            }
        }
        assert.ok(grants > 0);
    });

    it("Sailthru Event Stream writes <table>/dt=<yyyymmdd>/client_id=<id>/ at the top of the bucket and syncs it: every dedicated drop lets its vendor list and write the whole bucket", () => {
        // https://getstarted.sailthru.com/analytics/stc/event-stream/ ("Bucket Structure": s3://[bucketname]/[table_name]/dt=[yyyymmdd]/client_id=[client_id]/...)
        // Sailthru's S3 Bucket Policy Information (/work/shared/seeds, guide 001): a dedicated bucket; ListBucket on it; Put/Delete on /*;
        // "We use Amazon's S3 sync method"; Data Exporter writes to "a path" the customer gives Sailthru Support.
        let drops = 0;
        for (const p of plans) {
            for (const [name, drop] of Object.entries((p.outputs.vendorDrops ?? {}) as Record<string, { bucketArn: string; prefix: string }>)) {
                drops++;
                const grants = statements(forBucket(p, T.policy, drop.bucketArn.split(":::")[1])).filter((s) => s.Effect === "Allow");
                const list = grants.find((s) => actions(s).includes("s3:ListBucket"))!;
                const put = grants.filter((s) => actions(s).includes("s3:PutObject")).flatMap(resources);
                if (drop.prefix === "") {
                    assert.strictEqual(list.Condition, undefined, `${p.stack} ${name}: S3 sync lists the bucket`);
                    assert.ok(put.includes(`${drop.bucketArn}/*`), `${p.stack} ${name}: the vendor writes at the top`);
                } else {
                    assert.deepStrictEqual(list.Condition, { StringLike: { "s3:prefix": [`${drop.prefix}/`, `${drop.prefix}/*`] } });
                    assert.ok(put.includes(`${drop.bucketArn}/${drop.prefix}/*`));
                }
            }
        }
        assert.ok(drops >= 3, "each variant of the vendor's guide has an example");
    });
});
