/** SecureBucket built alone: every child, its options and the documents it wires. */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SecureBucket, SecureBucketArgs } from "../../../infra/components/secure-bucket";
import { accessLogTargetPrefix } from "../../../infra/policies/audit";
import { secureTransportStatements } from "../../../infra/policies/bucket-policy";
import { arns, policyDocument, PolicyStatement } from "../../../infra/policies/document";
import { keyAdministrationStatement, uploadEncryptionStatements } from "../../../infra/policies/kms";
import { T } from "../../helpers/plans";
import { KMS_ALIAS, KMS_KEY, LOG_TARGET_BUCKET, secureBucketTree, standInLogTarget } from "./fixtures";
import { assertTree, buildAlone, ComponentBuild, outputsRegisteredBy, policyOf, promiseOf, resource, TEST_ACCOUNT_ID, TEST_PARTITION } from "../../helpers/components";

const BUCKET = "acme-egress-test";
const BUCKET_ARN = arns.bucket(TEST_PARTITION, BUCKET);
const GRANT: PolicyStatement = { Sid: "ReaderGets", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "s3:GetObject", Resource: `${BUCKET_ARN}/*` };
const KEY_GRANT: PolicyStatement = { Sid: "ReaderDecrypts", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "kms:Decrypt", Resource: "*" };

/** Every argument given, so a test never leans on a default. */
function args(change: Partial<SecureBucketArgs>): SecureBucketArgs {
    return {
        bucketName: BUCKET,
        partition: TEST_PARTITION,
        accountId: TEST_ACCOUNT_ID,
        encryption: "SSE-S3",
        keyGrants: [],
        grantStatements: [GRANT],
        noncurrentVersionExpirationDays: 30,
        expirationDays: 90,
        protect: true,
        ...change,
        // Only when the test keeps logging, so a test without it has no stand-in either.
        accessLogs: "accessLogs" in change ? change.accessLogs : standInLogTarget(),
    };
}

/** Builds a SecureBucket named `data`. */
function buildBucket(change: Partial<SecureBucketArgs> = {}): Promise<ComponentBuild<SecureBucket>> {
    return buildAlone(() => new SecureBucket("data", args(change)));
}

describe("SecureBucket, built alone", () => {
    describe("with SSE-S3", () => {
        let built: ComponentBuild<SecureBucket>;
        before(async () => {
            built = await buildBucket();
        });

        it("registers the bucket and each protective setting under the component, named after it, protected and retained", () => {
            assertTree(built, secureBucketTree("data", undefined, { kms: false, logged: true, protect: true }));
        });

        it("registers its name and ARN, and no key", () => {
            assert.deepStrictEqual(outputsRegisteredBy(built), { bucketName: BUCKET, bucketArn: BUCKET_ARN });
            assert.strictEqual(built.component.kmsKey, undefined);
        });

        it("encrypts with AES256 by default and blocks SSE-C", () => {
            assert.deepStrictEqual(resource(built, T.encryption, "data").inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
            ]);
        });

        it("wires the policy the builders return: HTTPS and TLS denies, SSE-S3 upload denies, then the grants", () => {
            assert.deepStrictEqual(
                policyOf(resource(built, T.policy, "data")),
                policyDocument([...secureTransportStatements(BUCKET_ARN), ...uploadEncryptionStatements(BUCKET_ARN, undefined), GRANT]),
            );
        });

        it("expires noncurrent versions and current objects as told, and depends on versioning", () => {
            const lifecycle = resource(built, T.lifecycle, "data");
            assert.deepStrictEqual(lifecycle.inputs.rules, [
                {
                    id: "expire-noncurrent-versions",
                    status: "Enabled",
                    filter: { prefix: "" },
                    noncurrentVersionExpiration: { noncurrentDays: 30 },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
                { id: "expire-current-objects", status: "Enabled", filter: { prefix: "" }, expiration: { days: 90 } },
            ]);
            assert.ok(lifecycle.dependencies.includes(resource(built, T.versioning, "data").urn));
        });

        it("sets the bucket policy after the public access block", () => {
            assert.ok(resource(built, T.policy, "data").dependencies.includes(resource(built, T.publicAccessBlock, "data").urn));
        });

        it("logs to the target under the bucket's prefix, after the log target", () => {
            const logging = resource(built, T.logging, "data");
            assert.deepStrictEqual(
                { targetBucket: logging.inputs.targetBucket, targetPrefix: logging.inputs.targetPrefix, targetObjectKeyFormat: logging.inputs.targetObjectKeyFormat },
                {
                    targetBucket: LOG_TARGET_BUCKET,
                    targetPrefix: accessLogTargetPrefix(BUCKET),
                    targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
                },
            );
            const logTarget = built.plan.resources.find((r) => r.urn.endsWith("::log-target"));
            assert.ok(logTarget && logging.dependencies.includes(logTarget.urn));
        });
    });

    describe("with SSE-KMS", () => {
        let built: ComponentBuild<SecureBucket>;
        let keyArn: string;
        before(async () => {
            built = await buildBucket({ encryption: "SSE-KMS", keyGrants: [KEY_GRANT] });
            keyArn = await promiseOf(built.component.kmsKeyArn as pulumi.Output<string>);
        });

        it("adds its own key, protected and retained, and an alias that is neither", () => {
            assertTree(built, secureBucketTree("data", undefined, { kms: true, logged: true, protect: true }));
        });

        it("registers the key's ARN with the bucket's name and ARN", () => {
            assert.deepStrictEqual(outputsRegisteredBy(built), { bucketName: BUCKET, bucketArn: BUCKET_ARN, kmsKeyArn: keyArn });
            assert.strictEqual(keyArn, resource(built, KMS_KEY, "data").outputs.arn);
        });

        it("gives the key the administration statement and the grants, with rotation and a 30-day deletion window", () => {
            const key = resource(built, KMS_KEY, "data");
            assert.deepStrictEqual(policyOf(key), policyDocument([keyAdministrationStatement(TEST_PARTITION, TEST_ACCOUNT_ID), KEY_GRANT]));
            assert.deepStrictEqual(
                { enableKeyRotation: key.inputs.enableKeyRotation, deletionWindowInDays: key.inputs.deletionWindowInDays, description: key.inputs.description },
                { enableKeyRotation: true, deletionWindowInDays: 30, description: `Default encryption of s3://${BUCKET}` },
            );
            assert.strictEqual(resource(built, KMS_ALIAS, "data").inputs.name, `alias/s3/${BUCKET}`);
        });

        it("encrypts with its key and S3 Bucket Keys, and blocks SSE-C", () => {
            assert.deepStrictEqual(resource(built, T.encryption, "data").inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true, blockedEncryptionTypes: ["SSE-C"] },
            ]);
        });

        it("wires the policy the builders return for its key", () => {
            assert.deepStrictEqual(
                policyOf(resource(built, T.policy, "data")),
                policyDocument([...secureTransportStatements(BUCKET_ARN), ...uploadEncryptionStatements(BUCKET_ARN, keyArn), GRANT]),
            );
        });
    });

    it("with protect off, keeps every setting retained on delete but unprotected", async () => {
        const built = await buildBucket({ protect: false, encryption: "SSE-KMS", keyGrants: [] });
        assertTree(built, secureBucketTree("data", undefined, { kms: true, logged: true, protect: false }));
    });

    it("without an expiry, has only the noncurrent-version rule", async () => {
        const built = await buildBucket({ expirationDays: undefined, noncurrentVersionExpirationDays: 7 });
        assert.deepStrictEqual(
            (resource(built, T.lifecycle, "data").inputs.rules as { id: string }[]).map((r) => r.id),
            ["expire-noncurrent-versions"],
        );
        assert.deepStrictEqual((resource(built, T.lifecycle, "data").inputs.rules as { noncurrentVersionExpiration: unknown }[])[0].noncurrentVersionExpiration, {
            noncurrentDays: 7,
        });
    });

    it("without access logs, registers no logging", async () => {
        const built = await buildBucket({ accessLogs: undefined });
        assert.deepStrictEqual(
            built.resources.filter((r) => r.type === T.logging),
            [],
        );
    });
});
