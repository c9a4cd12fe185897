/** Each example setup in stacks/examples: what it creates, and the documents that make it safe. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { isConfigError } from "../../infra/config/errors";
import { Plan, PlannedResource } from "../../tools/plan/engine";
import { readStackConfig } from "../../tools/plan/project";
import { dataBuckets, documentOf, fixtureFile, forBucket, linksOf, ofType, one, plan, planUncached, T } from "../helpers/plans";

const EXAMPLES = path.join(__dirname, "..", "..", "stacks", "examples");
const example = (name: string) => plan({ stack: name, configFile: path.join(EXAMPLES, `${name}.yaml`) });
const KEY = "aws:kms/key:Key";

function keyOfBucket(p: Plan, bucketName: string): PlannedResource {
    const encryption = forBucket(p, T.encryption, bucketName).inputs.rules as {
        applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string };
        bucketKeyEnabled: boolean;
    }[];
    assert.strictEqual(encryption.length, 1);
    assert.strictEqual(encryption[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
    assert.strictEqual(encryption[0].bucketKeyEnabled, true, "S3 Bucket Keys cut KMS requests and cost");
    return one(p, KEY, (k) => k.outputs.arn === encryption[0].applyServerSideEncryptionByDefault.kmsMasterKeyId);
}

function statementsBySid(r: PlannedResource): Record<string, Record<string, unknown>> {
    return Object.fromEntries(documentOf(r).Statement.map((s) => [s.Sid as string, s]));
}

const ADMIN = (account: string) => ({ Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" });

/** Writes a variant of a config to a temporary file, for tests that change one setting. */
function variant(source: string, change: (config: Record<string, unknown>) => void): string {
    const parsed = YAML.parse(fs.readFileSync(source, "utf8"));
    change(parsed.config);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "example-")), path.basename(source));
    fs.writeFileSync(file, YAML.stringify(parsed));
    return file;
}

describe("example setups", () => {
    it("every example file names who would use it and how to plan it", () => {
        for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith(".yaml"))) {
            const text = fs.readFileSync(path.join(EXAMPLES, file), "utf8");
            assert.match(text, /^# Who: /, `${file} must open with who uses it`);
            assert.ok(text.includes(`npm run plan -- --config stacks/examples/${file}`), `${file} must say how to plan it`);
            readStackConfig(path.join(EXAMPLES, file));
        }
    });

    describe("sse-kms", () => {
        it("gives every bucket its own rotating, protected customer managed key with bucket keys", async () => {
            const p = await example("sse-kms");
            const bucketKeys = ofType(p, KEY).filter((k) => String(k.inputs.description).startsWith("Default encryption of s3://"));
            assert.strictEqual(bucketKeys.length, 2);
            for (const bucket of dataBuckets(p)) {
                const key = keyOfBucket(p, bucket.inputs.bucket as string);
                assert.strictEqual(key.inputs.enableKeyRotation, true);
                assert.strictEqual(key.inputs.deletionWindowInDays, 30);
                assert.strictEqual(key.protect, true);
                assert.strictEqual(key.retainOnDelete, true);
                assert.deepStrictEqual(statementsBySid(forBucket(p, T.policy, bucket.inputs.bucket as string)).DenyOtherKmsKeys, {
                    Sid: "DenyOtherKmsKeys",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: `${bucket.outputs.arn as string}/*`,
                    Condition: {
                        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": key.outputs.arn },
                        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
                    },
                });
                // aws:kms without a key id would mean aws/s3, which no other account can use.
                assert.deepStrictEqual(statementsBySid(forBucket(p, T.policy, bucket.inputs.bucket as string)).DenyKmsWithoutKeyId, {
                    Sid: "DenyKmsWithoutKeyId",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: `${bucket.outputs.arn as string}/*`,
                    Condition: {
                        StringEquals: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] },
                        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
                    },
                });
            }
        });

        it("admits the partner's role to the ingress key through S3 only, and no one else", async () => {
            const p = await example("sse-kms");
            const link = linksOf(p).cdlx;
            assert.deepStrictEqual(documentOf(keyOfBucket(p, link.ingressBucketName)).Statement, [
                ADMIN("111122223333"),
                {
                    Sid: "ReplicationEncryptsReplicas444455556666",
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::444455556666:root" },
                    Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: "*",
                    Condition: {
                        StringEquals: {
                            "aws:PrincipalArn": "arn:aws:iam::444455556666:role/cdlx-to-acme-bank-replication",
                            "kms:ViaService": "s3.us-east-1.amazonaws.com",
                            "kms:CallerAccount": "444455556666",
                        },
                    },
                },
            ]);
            assert.deepStrictEqual(documentOf(keyOfBucket(p, link.egressBucketName)).Statement, [ADMIN("111122223333")]);
        });

        it("replicates SSE-KMS objects, re-encrypted with the partner's ingress key, and lets the role use both keys", async () => {
            const p = await example("sse-kms");
            const link = linksOf(p).cdlx;
            const partnerKey = "arn:aws:kms:us-east-1:444455556666:key/0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c";
            const [rule] = forBucket(p, T.replication, link.egressBucketName).inputs.rules as Record<string, Record<string, unknown>>[];
            assert.deepStrictEqual(rule.sourceSelectionCriteria, { sseKmsEncryptedObjects: { status: "Enabled" } });
            assert.deepStrictEqual(rule.destination.encryptionConfiguration, { replicaKmsKeyId: partnerKey });
            const egressKey = keyOfBucket(p, link.egressBucketName).outputs.arn as string;
            const policy = statementsBySid(one(p, T.rolePolicy, (r) => r.inputs.name === "replicate-egress"));
            assert.deepStrictEqual(policy.DecryptSourceObjects, {
                Sid: "DecryptSourceObjects",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: egressKey,
                Condition: {
                    StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
                    StringLike: { "kms:EncryptionContext:aws:s3:arn": [link.egressBucketArn, `${link.egressBucketArn}/acme-bank/*`] },
                },
            });
            assert.deepStrictEqual(policy.EncryptReplicas, {
                Sid: "EncryptReplicas",
                Effect: "Allow",
                // kms:Decrypt too: replicas keep S3 Bucket Keys (S3 User Guide, replication-config-for-kms-objects).
                Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
                Resource: partnerKey,
                Condition: {
                    StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
                    StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::cdlx-prod-acme-bank-ingress", "arn:aws:s3:::cdlx-prod-acme-bank-ingress/acme-bank/*"] },
                },
            });
        });

        it("expires current objects after 30 days and exports both key ARNs", async () => {
            const p = await example("sse-kms");
            const link = linksOf(p).cdlx as unknown as Record<string, string>;
            for (const bucket of dataBuckets(p)) {
                const rules = forBucket(p, T.lifecycle, bucket.inputs.bucket as string).inputs.rules as Record<string, unknown>[];
                assert.deepStrictEqual(rules[1], { id: "expire-current-objects", status: "Enabled", filter: { prefix: "" }, expiration: { days: 30 } });
            }
            assert.strictEqual(link.egressKmsKeyArn, keyOfBucket(p, link.egressBucketName).outputs.arn);
            assert.strictEqual(link.ingressKmsKeyArn, keyOfBucket(p, link.ingressBucketName).outputs.arn);
        });

        it("refuses the partner's ingress bucket without its key, naming the key to set, as a hand-over file or a stack reference would", async () => {
            const file = variant(path.join(EXAMPLES, "sse-kms.yaml"), (c) => {
                delete (c["s3-transfer:partners"] as Record<string, unknown>[])[0].ingressKmsKeyArn;
            });
            await assert.rejects(
                planUncached({ stack: "sse-kms", configFile: file }),
                (err: unknown) =>
                    isConfigError(err) &&
                    err.problems.length === 1 &&
                    err.problems[0].key === "s3-transfer:partners[0].ingressKmsKeyArn" &&
                    /is missing, but the ingress bucket is given and this link uses SSE-KMS/.test(err.problems[0].problem) &&
                    /pulumi config set --config-file \S+ --path 's3-transfer:partners\[0\]\.ingressKmsKeyArn' <arn>/.test(err.problems[0].fix),
            );
        });

        it("reads the counterpart's ingress key through the stack reference, and refuses an SSE-S3 counterpart", async () => {
            const kms = (stack: string) =>
                variant(fixtureFile(stack), (c) => {
                    c["s3-transfer:encryption"] = "SSE-KMS";
                });
            const partner = await planUncached({ stack: "partner-prod", configFile: kms("partner-prod"), stackOutputs: { "organization/s3-transfer/prod": {} } });
            const publisher = await planUncached({ stack: "prod", configFile: kms("prod"), stackOutputs: { "organization/s3-transfer/partner-prod": partner.outputs } });
            const [rule] = forBucket(publisher, T.replication, linksOf(publisher).cdlx.egressBucketName).inputs.rules as Record<string, Record<string, unknown>>[];
            assert.deepStrictEqual(rule.destination.encryptionConfiguration, { replicaKmsKeyId: linksOf(partner)["acme-bank"].ingressKmsKeyArn });
            await assert.rejects(
                planUncached({ stack: "prod", configFile: kms("prod"), stackOutputs: { "organization/s3-transfer/partner-prod": (await plan("partner-prod")).outputs } }),
                (err: unknown) => isConfigError(err) && /the encryption of its ingress bucket\): is SSE-S3, but this link uses SSE-KMS/.test(err.message),
            );
        });
    });

    describe("cross-region", () => {
        it("has one provider per region and puts each link's buckets and keys in its region", async () => {
            const p = await example("cross-region");
            const providers = ofType(p, "pulumi:providers:aws");
            assert.deepStrictEqual(providers.map((r) => r.inputs.region).sort(), ["eu-west-1", "us-east-1"]);
            const providerOf = (region: string) => providers.find((r) => r.inputs.region === region)!.urn;
            for (const [name, region] of [
                ["eurolink", "eu-west-1"],
                ["cdlx", "us-east-1"],
            ]) {
                const link = linksOf(p)[name] as unknown as Record<string, string>;
                assert.strictEqual(link.region, region);
                for (const bucketName of [link.egressBucketName, link.ingressBucketName]) {
                    const bucket = forBucket(p, T.bucket, bucketName);
                    assert.ok(bucket.provider?.startsWith(providerOf(region)), `${bucketName} must use the ${region} provider`);
                    assert.strictEqual(bucket.outputs.region, region);
                    assert.match(keyOfBucket(p, bucketName).outputs.arn as string, new RegExp(`^arn:aws:kms:${region}:`));
                }
            }
        });

        it("calls each key through S3 in that key's region", async () => {
            const p = await example("cross-region");
            const link = linksOf(p).eurolink;
            const ingressKey = statementsBySid(keyOfBucket(p, link.ingressBucketName));
            assert.strictEqual(
                (ingressKey.ReplicationEncryptsReplicas666677778888.Condition as Record<string, Record<string, string>>).StringEquals["kms:ViaService"],
                "s3.eu-west-1.amazonaws.com",
            );
            const role = one(p, T.role, (r) => r.outputs.arn === link.replicationRoleArn);
            const policy = statementsBySid(one(p, T.rolePolicy, (r) => r.inputs.role === role.inputs.name));
            assert.strictEqual((policy.DecryptSourceObjects.Condition as Record<string, Record<string, string>>).StringEquals["kms:ViaService"], "s3.eu-west-1.amazonaws.com");
            assert.strictEqual((policy.EncryptReplicas.Condition as Record<string, Record<string, string>>).StringEquals["kms:ViaService"], "s3.eu-central-1.amazonaws.com");
        });
    });

    // Sailthru's guide, https://getstarted.sailthru.com/ (S3 Bucket Policy Information; Event Stream "Bucket Structure"):
    // a dedicated bucket the vendor lists and writes whole, its principal a role or the account root; a prefix only for
    // Data Exporter, whose path the customer chooses.
    describe("vendor-write (Sailthru Event Stream and Data Exporter: the joint policy)", () => {
        it("grants the vendor's role its documented actions on the whole dedicated bucket", async () => {
            const p = await example("vendor-write");
            const [bucket] = dataBuckets(p);
            const arn = bucket.outputs.arn as string;
            const vendor = { AWS: "arn:aws:iam::099647660399:role/sc-event-stream-production" };
            assert.deepStrictEqual(
                documentOf(forBucket(p, T.policy, bucket.inputs.bucket as string)).Statement.filter((s) => s.Effect === "Allow"),
                [
                    { Sid: "sailthruListBucket", Effect: "Allow", Principal: vendor, Action: "s3:ListBucket", Resource: arn },
                    { Sid: "sailthruWriteObjects", Effect: "Allow", Principal: vendor, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${arn}/*` },
                ],
            );
            assert.strictEqual(ofType(p, T.replication).length, 0);
            assert.strictEqual((p.outputs.vendorDrops as Record<string, { prefix: string }>).sailthru.prefix, "", "the whole bucket is the vendor's");
        });

        it("gives the vendor the KMS actions a multipart upload needs, through S3 and for this bucket's objects only", async () => {
            const p = await example("vendor-write");
            const [bucket] = dataBuckets(p);
            const arn = bucket.outputs.arn as string;
            const vendor = { AWS: "arn:aws:iam::099647660399:role/sc-event-stream-production" };
            assert.deepStrictEqual(documentOf(keyOfBucket(p, bucket.inputs.bucket as string)).Statement.slice(1), [
                {
                    Sid: "sailthruMultipartUpload",
                    Effect: "Allow",
                    Principal: vendor,
                    Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
                    Resource: "*",
                    Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" }, StringLike: { "kms:EncryptionContext:aws:s3:arn": [arn, `${arn}/*`] } },
                },
                // DescribeKey carries no encryption context (https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html).
                {
                    Sid: "sailthruMultipartUploadDescribeKey",
                    Effect: "Allow",
                    Principal: vendor,
                    Action: "kms:DescribeKey",
                    Resource: "*",
                    Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
                },
            ]);
        });
    });

    describe("vendor-write-event-stream (Sailthru Event Stream only)", () => {
        it("grants the vendor's account root, as that variant of the guide does, on the whole bucket", async () => {
            const p = await example("vendor-write-event-stream");
            const [bucket] = dataBuckets(p);
            const arn = bucket.outputs.arn as string;
            const vendor = { AWS: "arn:aws:iam::099647660399:root" };
            assert.deepStrictEqual(
                documentOf(forBucket(p, T.policy, bucket.inputs.bucket as string)).Statement.filter((s) => s.Effect === "Allow"),
                [
                    { Sid: "sailthruListBucket", Effect: "Allow", Principal: vendor, Action: "s3:ListBucket", Resource: arn },
                    { Sid: "sailthruWriteObjects", Effect: "Allow", Principal: vendor, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${arn}/*` },
                ],
            );
            assert.deepStrictEqual(forBucket(p, T.encryption, bucket.inputs.bucket as string).inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
            ]);
        });
    });

    describe("vendor-write-data-exporter (Sailthru Data Exporter only)", () => {
        it("narrows the vendor's user to the path we chose, listing included, with no delete and no access check", async () => {
            const p = await example("vendor-write-data-exporter");
            const [bucket] = dataBuckets(p);
            const arn = bucket.outputs.arn as string;
            const vendor = { AWS: "arn:aws:iam::728023223659:user/integ" };
            assert.deepStrictEqual(
                documentOf(forBucket(p, T.policy, bucket.inputs.bucket as string)).Statement.filter((s) => s.Effect === "Allow"),
                [
                    {
                        Sid: "sailthruexporterListOwnPrefix",
                        Effect: "Allow",
                        Principal: vendor,
                        Action: "s3:ListBucket",
                        Resource: arn,
                        Condition: { StringLike: { "s3:prefix": ["data-exporter/", "data-exporter/*"] } },
                    },
                    { Sid: "sailthruexporterWriteOwnPrefix", Effect: "Allow", Principal: vendor, Action: ["s3:PutObject"], Resource: `${arn}/data-exporter/*` },
                ],
            );
            assert.strictEqual((p.outputs.vendorDrops as Record<string, { prefix: string }>)["sailthru-exporter"].prefix, "data-exporter");
        });
    });

    describe("service-role", () => {
        it("trusts only the service's principal with its external ID", async () => {
            const p = await example("service-role");
            const role = one(p, T.role, (r) => r.inputs.name === "acme-retail-datasync-sync-writer");
            assert.deepStrictEqual(documentOf(role, "assumeRolePolicy").Statement, [
                {
                    Sid: "DataSyncServiceWithExternalId",
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::313131313131:role/data-sync-service" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "sts:ExternalId": "acme-retail-7f3a9c2e" } },
                },
            ]);
            assert.deepStrictEqual(forBucket(p, T.ownership, dataBuckets(p)[0].inputs.bucket as string).inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
        });

        it("allows DeleteObject only while the connection test is pending, which it is by default, and warns while it is", async () => {
            const pending = await example("service-role");
            const bucketArn = dataBuckets(pending)[0].outputs.arn as string;
            assert.deepStrictEqual(documentOf(one(pending, T.rolePolicy)).Statement, [
                { Sid: "WriteFiles", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${bucketArn}/*` },
            ]);
            const file = variant(path.join(EXAMPLES, "service-role.yaml"), (c) => {
                (c["s3-transfer:serviceDestinations"] as Record<string, unknown>[])[0].connectionTestPending = false;
            });
            const done = await planUncached({ stack: "service-role", configFile: file });
            assert.deepStrictEqual(documentOf(one(done, T.rolePolicy)).Statement, [{ Sid: "WriteFiles", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${bucketArn}/*` }]);
            assert.match(pending.warnings.join("\n"), /connectionTestPending is on.*set connectionTestPending: false/);
            assert.deepStrictEqual(done.warnings, []);
            // The service's guide: s3:DeleteObject "is required to clean up test artifacts" of the first connection test.
            const byDefault = variant(path.join(EXAMPLES, "service-role.yaml"), (c) => {
                delete (c["s3-transfer:serviceDestinations"] as Record<string, unknown>[])[0].connectionTestPending;
            });
            const first = await planUncached({ stack: "service-role", configFile: byDefault });
            assert.deepStrictEqual(documentOf(one(first, T.rolePolicy)).Statement, documentOf(one(pending, T.rolePolicy)).Statement);
        });

        it("exports the role ARN to hand to the service", async () => {
            const p = await example("service-role");
            assert.deepStrictEqual(p.outputs.serviceDestinations, {
                datasync: {
                    bucketName: "acme-retail-service-role-datasync-sync",
                    bucketArn: "arn:aws:s3:::acme-retail-service-role-datasync-sync",
                    roleArn: "arn:aws:iam::121212121212:role/acme-retail-datasync-sync-writer",
                },
            });
        });
    });
});
