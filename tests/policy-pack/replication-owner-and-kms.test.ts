import * as assert from "assert";
import { replicationOwnerAndKms } from "../../policy-pack/policies/replication-owner-and-kms";
import {
    ACCOUNT,
    assertAllCompliant,
    assertOneViolation,
    assertUndecided,
    compliantStack,
    decide,
    find,
    legacyStack,
    outcomes,
    REPLICA_KEY,
    reported,
    SOURCE_KEY,
    T,
    U,
    urn,
    v2InlineStack,
    v6SplitStack,
} from "./fixtures";

const REPLICATION_URN = urn(T.replication, "egress-replication");
const BUCKET_URN = urn(T.bucket, "egress");

/** The compliant stack with SSE-KMS on the source and a KMS-aware rule. */
function kmsStack() {
    const stack = compliantStack();
    find(stack, "egress-encryption").inputs.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: SOURCE_KEY }, bucketKeyEnabled: true }];
    const rule = find(stack, "egress-replication").inputs.rules[0];
    rule.destination.encryptionConfiguration = { replicaKmsKeyId: REPLICA_KEY };
    rule.sourceSelectionCriteria = { sseKmsEncryptedObjects: { status: "Enabled" } };
    return stack;
}

const rule0 = (stack: ReturnType<typeof compliantStack>) => find(stack, "egress-replication").inputs.rules[0];

describe("s3-transfer-replication-owner-and-kms", () => {
    describe("compliant", () => {
        for (const [name, build] of [
            ["split rule to another account with owner Destination (v7)", compliantStack],
            ["V2 tokens (v6)", v6SplitStack],
            ["legacy inline with SSE-KMS, accountId, replicaKmsKeyId", legacyStack],
            ["BucketV2 inline lists", v2InlineStack],
            ["split rule with SSE-KMS source", kmsStack],
        ] as const) {
            it(name, () => assertAllCompliant(decide(replicationOwnerAndKms, build())));
        }

        it("same-account replication needs no owner override", () => {
            const stack = compliantStack();
            const r = rule0(stack);
            r.destination.account = ACCOUNT;
            delete r.destination.accessControlTranslation;
            assert.deepStrictEqual(decide(replicationOwnerAndKms, stack), []);
        });

        it("a disabled rule is not judged", () => {
            const stack = compliantStack();
            const r = rule0(stack);
            r.status = "Disabled";
            delete r.destination.accessControlTranslation;
            assert.deepStrictEqual(decide(replicationOwnerAndKms, stack), []);
        });
    });

    describe("violations", () => {
        it("split rule to another account without accessControlTranslation", () => {
            const stack = compliantStack();
            delete rule0(stack).destination.accessControlTranslation;
            assertOneViolation(decide(replicationOwnerAndKms, stack), REPLICATION_URN, 'bucket "pub-egress"', "222222222222", '"Destination"');
        });

        it("legacy inline rule to another account without accessControlTranslation", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.replicationConfiguration.rules[0].destination.accessControlTranslation;
            assertOneViolation(decide(replicationOwnerAndKms, stack), BUCKET_URN, "inline on Bucket", "accessControlTranslation");
        });

        it("BucketV2 inline rule without accessControlTranslations", () => {
            const stack = v2InlineStack();
            delete find(stack, "egress").inputs.replicationConfigurations[0].rules[0].destinations[0].accessControlTranslations;
            assertOneViolation(decide(replicationOwnerAndKms, stack), urn(T.bucketV2, "egress"), "222222222222");
        });

        it("owner override without the destination account", () => {
            const stack = compliantStack();
            delete rule0(stack).destination.account;
            assertOneViolation(decide(replicationOwnerAndKms, stack), REPLICATION_URN, "destination.account");
        });

        it("SSE-KMS source, rule without a replica key", () => {
            const stack = kmsStack();
            delete rule0(stack).destination.encryptionConfiguration;
            assertOneViolation(decide(replicationOwnerAndKms, stack), REPLICATION_URN, "encrypts with SSE-KMS", "names no replica key");
        });

        it("SSE-KMS source, rule not selecting SSE-KMS objects", () => {
            const stack = kmsStack();
            delete rule0(stack).sourceSelectionCriteria;
            assertOneViolation(decide(replicationOwnerAndKms, stack), REPLICATION_URN, "does not select SSE-KMS objects");
        });

        it("SSE-KMS selection Disabled", () => {
            const stack = kmsStack();
            rule0(stack).sourceSelectionCriteria.sseKmsEncryptedObjects.status = "Disabled";
            assertOneViolation(decide(replicationOwnerAndKms, stack), REPLICATION_URN, "does not select SSE-KMS objects");
        });

        it("the AWS-managed aws/s3 key as replica key across accounts", () => {
            const stack = kmsStack();
            rule0(stack).destination.encryptionConfiguration.replicaKmsKeyId = "alias/aws/s3";
            assertOneViolation(decide(replicationOwnerAndKms, stack), REPLICATION_URN, "AWS-managed aws/s3 key");
        });

        it("legacy inline KMS selection disabled", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.replicationConfiguration.rules[0].sourceSelectionCriteria.sseKmsEncryptedObjects.enabled = false;
            assertOneViolation(decide(replicationOwnerAndKms, stack), BUCKET_URN, "sseKmsEncryptedObjects.enabled");
        });

        it("a replica key without SSE-KMS selection on an SSE-S3 source", () => {
            const stack = compliantStack();
            rule0(stack).destination.encryptionConfiguration = { replicaKmsKeyId: REPLICA_KEY };
            assertOneViolation(decide(replicationOwnerAndKms, stack), REPLICATION_URN, "replicates KMS-encrypted objects");
        });

        it("is reported through the policy object", () => {
            const stack = compliantStack();
            delete rule0(stack).destination.accessControlTranslation;
            assert.deepStrictEqual(reported(replicationOwnerAndKms, stack).map((v) => [v.policy, v.enforcementLevel, v.urn]), [
                ["s3-transfer-replication-owner-and-kms", "mandatory", REPLICATION_URN],
            ]);
        });
    });

    describe("unknown values", () => {
        it("destination account unknown and no owner", () => {
            const stack = compliantStack();
            const r = rule0(stack);
            r.destination.account = U;
            delete r.destination.accessControlTranslation;
            assertUndecided(decide(replicationOwnerAndKms, stack), REPLICATION_URN);
        });

        it("owner unknown", () => {
            const stack = compliantStack();
            rule0(stack).destination.accessControlTranslation.owner = U;
            assertUndecided(decide(replicationOwnerAndKms, stack), REPLICATION_URN);
        });

        it("replica key unknown", () => {
            const stack = kmsStack();
            rule0(stack).destination.encryptionConfiguration.replicaKmsKeyId = U;
            assertUndecided(decide(replicationOwnerAndKms, stack), REPLICATION_URN);
        });

        it("source encryption unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = U;
            assertUndecided(decide(replicationOwnerAndKms, stack), REPLICATION_URN);
        });

        it("rules unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-replication").inputs.rules = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
            assert.deepStrictEqual(outcomes(decide(replicationOwnerAndKms, stack)), ["undecided"]);
        });
    });
});
