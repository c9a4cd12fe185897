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
            assert.deepStrictEqual(
                reported(replicationOwnerAndKms, stack).map((v) => [v.policy, v.enforcementLevel, v.urn]),
                [["s3-transfer-replication-owner-and-kms", "mandatory", REPLICATION_URN]],
            );
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

// ReplicaKmsKeyID is "the ARN for the KMS key or the alias ARN"; a bare key ID or
// alias name is resolved by KMS in the requester's (the source's) account, so it
// cannot name the destination account's key (S3 API, EncryptionConfiguration).
describe("s3-transfer-replication-owner-and-kms: replica key references, in every form", () => {
    /** Applies SSE-KMS replication edits in the stack's own schema and returns the URN the rule is declared on. */
    function withReplicaKey(stack: ReturnType<typeof compliantStack>, key: string): string {
        const split = stack.find((r) => r.urn.endsWith("::egress-replication"));
        if (split) {
            find(stack, "egress-encryption").inputs.rules = [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: SOURCE_KEY }, bucketKeyEnabled: true },
            ];
            const rule = (split.inputs as Record<string, any>).rules[0];
            rule.destination.encryptionConfiguration = { replicaKmsKeyId: key };
            rule.sourceSelectionCriteria = { sseKmsEncryptedObjects: { status: "Enabled" } };
            return split.urn;
        }
        const b = find(stack, "egress");
        if (b.inputs.replicationConfiguration) {
            b.inputs.replicationConfiguration.rules[0].destination.replicaKmsKeyId = key;
        } else {
            const rule = b.inputs.replicationConfigurations[0].rules[0];
            rule.destinations[0].replicaKmsKeyId = key;
            rule.sourceSelectionCriterias = [{ sseKmsEncryptedObjects: [{ enabled: true }] }];
        }
        return b.urn;
    }

    const FORMS = [
        ["split resources (v7)", compliantStack],
        ["split resources with the v6 V2 tokens", v6SplitStack],
        ["legacy inline", legacyStack],
        ["BucketV2 inline", v2InlineStack],
    ] as const;

    for (const [form, build] of FORMS) {
        for (const key of [REPLICA_KEY, "arn:aws:kms:eu-west-1:222222222222:alias/partner-replica"]) {
            it(`${form}: a cross-account replica key given as ${key.includes("alias") ? "an alias ARN" : "a key ARN"}`, () => {
                const stack = build();
                withReplicaKey(stack, key);
                assertAllCompliant(decide(replicationOwnerAndKms, stack));
            });
        }

        for (const key of ["0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c", "alias/partner-replica"]) {
            it(`${form}: a cross-account replica key given as ${key.startsWith("alias") ? "an alias name" : "a bare key ID"}`, () => {
                const stack = build();
                const on = withReplicaKey(stack, key);
                assertOneViolation(decide(replicationOwnerAndKms, stack), on, "bare key ID or alias name", "key ARN or alias ARN");
            });
        }
    }

    it("a bare key ID is fine within one account (KMS resolves it where the key is)", () => {
        const stack = compliantStack();
        withReplicaKey(stack, "0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c");
        const r = rule0(stack);
        r.destination.account = ACCOUNT;
        delete r.destination.accessControlTranslation;
        assertAllCompliant(decide(replicationOwnerAndKms, stack));
    });
});
