/**
 * Encryption is a property of each link: one stack exchanges with CDLX on
 * SSE-S3 (the SSE-S3 guide) and with EuroLink on SSE-KMS (the KMS guides), and
 * each link gets what its own setting needs, nothing of the other's.
 *
 * AWS: replicating SSE-KMS objects needs `SourceSelectionCriteria.SseKmsEncryptedObjects`
 * and a `ReplicaKmsKeyID` in the destination's encryption configuration, and the
 * role needs kms:Decrypt on the source key and kms:Encrypt on the replica key
 * (S3 User Guide, "Replicating objects created with server-side encryption (SSE-C, SSE-S3, SSE-KMS, DSSE-KMS)",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html);
 * SSE-S3 objects replicate without any of it (the same page: "Amazon S3
 * replicates objects that are encrypted with SSE-S3 by default").
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { isConfigError } from "../../infra/config/errors";
import { parseSideConfig } from "../../infra/config/schema";
import { HandoverDocument } from "../../infra/handoff/document";
import { fingerprintOf } from "../../infra/handoff/fingerprint";
import { accessMatrix } from "../../tools/access/index";
import { acceptHandover, HandoverRefused } from "../../tools/handoff/accept";
import { Plan } from "../../tools/plan/engine";
import { configVariant, documentOf, fixtureFile, forBucket, linksOf, ofType, one, plan, planUncached, T } from "../helpers/plans";
import { asDeployed } from "../helpers/handovers";

const EXAMPLE = path.join(__dirname, "..", "..", "stacks", "examples", "mixed-encryption.yaml");
const KEY = "aws:kms/key:Key";
const EUROLINK_KEY = "arn:aws:kms:eu-central-1:666677778888:key/5a9b7c3d-1e2f-4a6b-8c0d-9e8f7a6b5c4d";
const PARTNER_REF = "organization/s3-transfer/partner-prod";

const keyArnOf = (p: Plan, logicalName: string) => one(p, KEY, (r) => r.urn.endsWith(`::${logicalName}`)).outputs.arn as string;
const rulesOf = (p: Plan, bucket: string) => forBucket(p, T.replication, bucket).inputs.rules as Record<string, unknown>[];
const sidsOf = (p: Plan, roleName: string) => documentOf(one(p, T.rolePolicy, (r) => String(r.inputs.role) === roleName)).Statement.map((s) => s.Sid);

describe("encryption per link", () => {
    describe("the mixed-encryption example: CDLX on SSE-S3, EuroLink on SSE-KMS, in one stack", () => {
        let p: Plan;
        before(async () => {
            p = await plan({ stack: "mixed-encryption", configFile: EXAMPLE });
        });

        it("encrypts each link's two buckets by its own setting: SSE-S3 for CDLX's, each its own KMS key with Bucket Keys for EuroLink's", () => {
            const links = linksOf(p);
            for (const bucket of [links.cdlx.egressBucketName, links.cdlx.ingressBucketName]) {
                assert.deepStrictEqual(forBucket(p, T.encryption, bucket).inputs.rules, [
                    { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
                ]);
            }
            for (const [bucket, key] of [
                [links.eurolink.egressBucketName, keyArnOf(p, "acme-bank-eurolink-egress")],
                [links.eurolink.ingressBucketName, keyArnOf(p, "acme-bank-eurolink-ingress")],
            ]) {
                assert.deepStrictEqual(forBucket(p, T.encryption, bucket).inputs.rules, [
                    { applyServerSideEncryptionByDefault: { kmsMasterKeyId: key, sseAlgorithm: "aws:kms" }, blockedEncryptionTypes: ["SSE-C"], bucketKeyEnabled: true },
                ]);
            }
            // The two data keys of EuroLink's link, and the alert topic's own key: none for CDLX's link.
            assert.deepStrictEqual(
                ofType(p, KEY)
                    .map((k) => k.urn.split("::").pop())
                    .sort(),
                ["acme-bank-alerts-us-east-1", "acme-bank-eurolink-egress", "acme-bank-eurolink-ingress"],
            );
            assert.strictEqual(links.cdlx.egressKmsKeyArn, undefined);
            assert.strictEqual(links.cdlx.ingressKmsKeyArn, undefined);
            assert.strictEqual(links.eurolink.ingressKmsKeyArn, keyArnOf(p, "acme-bank-eurolink-ingress"));
        });

        it("selects SSE-KMS objects and names the replica key only in EuroLink's rule", () => {
            const common = {
                deleteMarkerReplication: { status: "Disabled" },
                filter: { prefix: "acme-bank/" },
                priority: 0,
                status: "Enabled",
            };
            assert.deepStrictEqual(rulesOf(p, linksOf(p).cdlx.egressBucketName), [
                {
                    ...common,
                    id: "to-cdlx",
                    destination: {
                        accessControlTranslation: { owner: "Destination" },
                        account: "444455556666",
                        bucket: "arn:aws:s3:::cdlx-prod-acme-bank-ingress",
                        metrics: { status: "Enabled" },
                    },
                },
            ]);
            assert.deepStrictEqual(rulesOf(p, linksOf(p).eurolink.egressBucketName), [
                {
                    ...common,
                    id: "to-eurolink",
                    sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                    destination: {
                        accessControlTranslation: { owner: "Destination" },
                        account: "666677778888",
                        bucket: "arn:aws:s3:::eurolink-inbound-acme",
                        encryptionConfiguration: { replicaKmsKeyId: EUROLINK_KEY },
                        metrics: { status: "Enabled" },
                    },
                },
            ]);
        });

        it("gives only EuroLink's replication role the KMS statements, each for its own key, bucket and region", () => {
            assert.deepStrictEqual(sidsOf(p, "acme-bank-to-cdlx-replication"), [
                "ReadSourceBucketConfiguration",
                "ReadSourceObjectVersions",
                "WriteReplicasToDestination",
                "ReadDestinationVersioning",
            ]);
            const eurolink = documentOf(one(p, T.rolePolicy, (r) => String(r.inputs.role) === "acme-bank-to-eurolink-replication")).Statement;
            const egress = `arn:aws:s3:::${linksOf(p).eurolink.egressBucketName}`;
            assert.deepStrictEqual(eurolink.slice(4), [
                {
                    Sid: "DecryptSourceObjects",
                    Effect: "Allow",
                    Action: "kms:Decrypt",
                    Resource: keyArnOf(p, "acme-bank-eurolink-egress"),
                    Condition: {
                        StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
                        StringLike: { "kms:EncryptionContext:aws:s3:arn": [egress, `${egress}/acme-bank/*`] },
                    },
                },
                {
                    Sid: "EncryptReplicas",
                    Effect: "Allow",
                    Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: EUROLINK_KEY,
                    Condition: {
                        StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" },
                        StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::eurolink-inbound-acme", "arn:aws:s3:::eurolink-inbound-acme/acme-bank/*"] },
                    },
                },
            ]);
        });

        it("admits EuroLink's role to the key of its ingress, and CDLX's to no key", () => {
            const statements = documentOf(one(p, KEY, (r) => r.urn.endsWith("::acme-bank-eurolink-ingress"))).Statement;
            assert.deepStrictEqual(statements[1], {
                Sid: "ReplicationEncryptsReplicas666677778888",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::666677778888:root" },
                Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "aws:PrincipalArn": "arn:aws:iam::666677778888:role/eurolink-replication",
                        "kms:ViaService": "s3.us-east-1.amazonaws.com",
                        "kms:CallerAccount": "666677778888",
                    },
                },
            });
            for (const key of ofType(p, KEY)) assert.ok(!JSON.stringify(key.inputs.policy).includes("444455556666"), `${key.urn} names CDLX's account`);
        });

        it("grants EuroLink's Batch Replication role kms:Decrypt on EuroLink's egress key alone, and CDLX's none", () => {
            const kmsResources = (link: string) =>
                documentOf(one(p, T.rolePolicy, (r) => r.urn.endsWith(`::acme-bank-${link}-batch-replication`)))
                    .Statement.filter((s) => String(s.Action).startsWith("kms:"))
                    .map((s) => s.Resource);
            assert.deepStrictEqual(kmsResources("eurolink"), [keyArnOf(p, "acme-bank-eurolink-egress")]);
            assert.deepStrictEqual(kmsResources("cdlx"), []);
        });

        it("keeps the access matrix: no request decided otherwise than designed, and CDLX's account may use no key", async () => {
            const result = await accessMatrix("mixed-encryption", { configFile: EXAMPLE });
            assert.deepStrictEqual(result.mismatches, []);
            const kmsRows = (link: string) => result.rows.filter((r) => r.kind === "kms" && r.link === link && r.status === "evaluated");
            assert.ok(kmsRows("cdlx").length > 0);
            assert.deepStrictEqual(
                kmsRows("cdlx").filter((r) => r.decision === "Allowed" && r.principal.startsWith("cdlx")),
                [],
            );
            // The keys the matrix knows are EuroLink's link's two and the alert topic's: none for CDLX's link.
            assert.deepStrictEqual([...new Set(kmsRows("cdlx").map((r) => r.resource))].sort(), [
                "key acme-bank-alerts-us-east-1",
                "key acme-bank-eurolink-egress",
                "key acme-bank-eurolink-ingress",
            ]);
        });

        it("says each link's own encryption in the hand-over of that link", () => {
            const handovers = p.outputs.handovers as Record<string, HandoverDocument>;
            assert.strictEqual(handovers.cdlx.link.encryption, "SSE-S3");
            assert.strictEqual(handovers.cdlx.link.ingressKmsKeyArn, undefined);
            assert.strictEqual(handovers.cdlx.link.egressKmsKeyArn, undefined);
            assert.strictEqual(handovers.eurolink.link.encryption, "SSE-KMS");
        });
    });

    describe("the config model", () => {
        const base = {
            "aws:region": "us-east-1",
            "s3-transfer:side": "publisher",
            "s3-transfer:name": "acme-bank",
            "s3-transfer:accountId": "111122223333",
        };
        const withPartners = (partners: unknown[], extra: Record<string, string> = {}) => ({ ...base, ...extra, "s3-transfer:partners": JSON.stringify(partners) });

        it("defaults each entry's encryption to the stack's, and keeps an entry's own", () => {
            const config = parseSideConfig(
                withPartners(
                    [
                        { name: "cdlx", accountId: "444455556666" },
                        { name: "eurolink", accountId: "666677778888", encryption: "SSE-S3" },
                    ],
                    { "s3-transfer:encryption": "SSE-KMS" },
                ),
                "prod",
            );
            assert.deepStrictEqual(
                config.counterparts.map((c) => [c.name, c.encryption]),
                [
                    ["cdlx", "SSE-KMS"],
                    ["eurolink", "SSE-S3"],
                ],
            );
        });

        it("refuses an encryption it does not know, at the entry's field, with the values it takes", () => {
            assert.throws(
                () => parseSideConfig(withPartners([{ name: "cdlx", accountId: "444455556666", encryption: "sse-kms" }]), "prod"),
                (err: unknown) =>
                    isConfigError(err) &&
                    err.problems.length === 1 &&
                    err.problems[0].key === "s3-transfer:partners[0].encryption" &&
                    err.problems[0].problem === 'must be SSE-S3 or SSE-KMS, got "sse-kms"',
            );
        });

        it("a handed-over ingress key on an SSE-S3 link names this entry's field in the fix, not the counterpart's stack", () => {
            const entry = {
                name: "eurolink",
                accountId: "666677778888",
                ingressBucketArn: "arn:aws:s3:::eurolink-inbound-acme",
                ingressKmsKeyArn: EUROLINK_KEY.replace("eu-central-1", "us-east-1"),
            };
            assert.throws(
                () => parseSideConfig(withPartners([entry]), "prod"),
                (err: unknown) =>
                    isConfigError(err) &&
                    err.problems[0].key === "s3-transfer:partners[0].ingressKmsKeyArn" &&
                    /^says eurolink's ingress bucket is SSE-KMS, but this link uses SSE-S3 here/.test(err.problems[0].problem) &&
                    err.problems[0].fix.startsWith("make this link SSE-KMS as theirs is: pulumi config set --path 's3-transfer:partners[0].encryption' SSE-KMS"),
            );
            // The fix, applied: that link alone becomes SSE-KMS, the stack stays SSE-S3.
            const fixed = parseSideConfig(withPartners([{ ...entry, encryption: "SSE-KMS" }]), "prod");
            assert.strictEqual(fixed.encryption, "SSE-S3");
            assert.strictEqual(fixed.counterparts[0].encryption, "SSE-KMS");
        });

        it("an SSE-KMS link with its ingress bucket but not its key is refused even in an SSE-S3 stack", () => {
            assert.throws(
                () =>
                    parseSideConfig(
                        withPartners([{ name: "eurolink", accountId: "666677778888", encryption: "SSE-KMS", ingressBucketArn: "arn:aws:s3:::eurolink-inbound-acme" }]),
                        "prod",
                    ),
                (err: unknown) =>
                    isConfigError(err) && err.problems[0].key === "s3-transfer:partners[0].ingressKmsKeyArn" && /this link uses SSE-KMS/.test(err.problems[0].problem),
            );
        });
    });

    describe("through a stack reference", () => {
        const sseKmsLink = (stack: string) =>
            configVariant(fixtureFile(stack), (c) => {
                for (const key of ["s3-transfer:partners", "s3-transfer:publishers"])
                    for (const entry of (c[key] as Record<string, unknown>[] | undefined) ?? []) entry.encryption = "SSE-KMS";
            });

        it("two SSE-S3 stacks whose link is SSE-KMS on both sides replicate with the partner's ingress key", async () => {
            const partner = await planUncached({ stack: "partner-prod", configFile: sseKmsLink("partner-prod"), stackOutputs: { "organization/s3-transfer/prod": {} } });
            const publisher = await planUncached({ stack: "prod", configFile: sseKmsLink("prod"), stackOutputs: { [PARTNER_REF]: partner.outputs } });
            const [rule] = rulesOf(publisher, linksOf(publisher).cdlx.egressBucketName) as { destination: Record<string, unknown> }[];
            assert.deepStrictEqual(rule.destination.encryptionConfiguration, { replicaKmsKeyId: linksOf(partner)["acme-bank"].ingressKmsKeyArn });
        });

        it("an SSE-KMS link towards a stack whose link is SSE-S3 is refused, the fix naming this entry's field first", async () => {
            await assert.rejects(
                planUncached({ stack: "prod", configFile: sseKmsLink("prod"), stackOutputs: { [PARTNER_REF]: (await plan("partner-prod")).outputs } }),
                (err: unknown) =>
                    isConfigError(err) &&
                    /is SSE-S3, but this link uses SSE-KMS here/.test(err.problems[0].problem) &&
                    err.problems[0].fix.startsWith(
                        "agree on one encryption for this link: pulumi config set --path 's3-transfer:partners[0].encryption' SSE-S3 here (this link alone)",
                    ),
            );
        });
    });

    describe("accept-handoff", () => {
        let dir: string;
        let handover: HandoverDocument;
        before(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "link-encryption-"));
            const p = await plan({ stack: "mixed-encryption", configFile: EXAMPLE });
            // As the deployed stack hands it over: the offline plan's key IDs are stand-ins no reader takes.
            handover = asDeployed((p.outputs.handovers as Record<string, HandoverDocument>).eurolink);
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        const partnerStack = (entries: Record<string, unknown>[] = []) => {
            const file = path.join(dir, `Pulumi.eurolink-${entries.length}.yaml`);
            const config: Record<string, unknown> = {
                "aws:region": "eu-central-1",
                "s3-transfer:side": "partner",
                "s3-transfer:name": "eurolink",
                "s3-transfer:accountId": "666677778888",
            };
            if (entries.length) config["s3-transfer:publishers"] = entries;
            fs.writeFileSync(file, YAML.stringify({ config }));
            return file;
        };
        const handoverFile = () => {
            const file = path.join(dir, "acme-bank.json");
            fs.writeFileSync(file, JSON.stringify(handover));
            return file;
        };

        it("a new entry takes the SSE-KMS hand-over's encryption in a stack whose default is SSE-S3", () => {
            const configFile = partnerStack();
            const stack = path.basename(configFile).replace(/^Pulumi\.|\.yaml$/g, "");
            const result = acceptHandover({ configFile, stack, handoverFile: handoverFile(), fingerprint: fingerprintOf(handover), write: true, confirmChange: false });
            assert.ok(result.written);
            const written = (YAML.parse(fs.readFileSync(configFile, "utf8")) as { config: Record<string, Record<string, unknown>[]> }).config["s3-transfer:publishers"][0];
            assert.strictEqual(written.encryption, "SSE-KMS");
            assert.strictEqual(written.ingressKmsKeyArn, handover.link.ingressKmsKeyArn);
            assert.strictEqual(written.acceptedHandover !== undefined, true);
        });

        it("an existing SSE-S3 entry refuses it, the fix naming the entry's field", () => {
            const configFile = partnerStack([{ name: "acme-bank", accountId: "111122223333" }]);
            const stack = path.basename(configFile).replace(/^Pulumi\.|\.yaml$/g, "");
            const before = fs.readFileSync(configFile, "utf8");
            assert.throws(
                () => acceptHandover({ configFile, stack, handoverFile: handoverFile(), fingerprint: fingerprintOf(handover), write: true, confirmChange: false }),
                (err: unknown) =>
                    err instanceof HandoverRefused &&
                    err.problems[0].key.endsWith("acme-bank.json#/link/encryption") &&
                    /^is SSE-KMS, but this link uses SSE-S3 here/.test(err.problems[0].problem) &&
                    err.problems[0].fix.startsWith(
                        "agree on one encryption for this link with acme-bank: pulumi config set --path 's3-transfer:publishers[0].encryption' SSE-KMS (this link alone)",
                    ),
            );
            assert.strictEqual(fs.readFileSync(configFile, "utf8"), before, "nothing written");
        });
    });
});
