import * as assert from "assert";
import { replicationOwnerAndKms } from "../../policy-pack/policies/replication-owner-and-kms";
import { ACCOUNT, compliantStack, find, legacyStack, REPLICA_KEY, SOURCE_KEY, T, U, urn, URN, v2InlineStack, v6SplitStack } from "./fixtures";
import { forPolicy, outcomes } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(replicationOwnerAndKms);

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
        itIsCompliantIn([
            ["split rule to another account with owner Destination (v7)", compliantStack],
            ["V2 tokens (v6)", v6SplitStack],
            ["legacy inline with SSE-KMS, accountId, replicaKmsKeyId", legacyStack],
            ["BucketV2 inline lists", v2InlineStack],
            ["split rule with SSE-KMS source", kmsStack],
        ] as const);

        it("same-account replication needs no owner override", () => {
            const stack = compliantStack();
            const r = rule0(stack);
            r.destination.account = ACCOUNT;
            delete r.destination.accessControlTranslation;
            assert.deepStrictEqual(decide(stack), []);
        });

        it("a disabled rule is not judged", () => {
            const stack = compliantStack();
            const r = rule0(stack);
            r.status = "Disabled";
            delete r.destination.accessControlTranslation;
            assert.deepStrictEqual(decide(stack), []);
        });
    });

    describe("violations", () => {
        it("split rule to another account without accessControlTranslation", () => {
            const stack = compliantStack();
            delete rule0(stack).destination.accessControlTranslation;
            violation(stack, URN.egressReplication, 'bucket "pub-egress"', "222222222222", '"Destination"');
        });

        it("legacy inline rule to another account without accessControlTranslation", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.replicationConfiguration.rules[0].destination.accessControlTranslation;
            violation(stack, URN.egress, "inline on Bucket", "accessControlTranslation");
        });

        it("BucketV2 inline rule without accessControlTranslations", () => {
            const stack = v2InlineStack();
            delete find(stack, "egress").inputs.replicationConfigurations[0].rules[0].destinations[0].accessControlTranslations;
            violation(stack, urn(T.bucketV2, "egress"), "222222222222");
        });

        it("owner override without the destination account", () => {
            const stack = compliantStack();
            delete rule0(stack).destination.account;
            violation(stack, URN.egressReplication, "destination.account");
        });

        it("SSE-KMS source, rule without a replica key", () => {
            const stack = kmsStack();
            delete rule0(stack).destination.encryptionConfiguration;
            violation(stack, URN.egressReplication, "encrypts with SSE-KMS", "names no replica key");
        });

        it("SSE-KMS source, rule not selecting SSE-KMS objects", () => {
            const stack = kmsStack();
            delete rule0(stack).sourceSelectionCriteria;
            violation(stack, URN.egressReplication, "does not select SSE-KMS objects");
        });

        it("SSE-KMS selection Disabled", () => {
            const stack = kmsStack();
            rule0(stack).sourceSelectionCriteria.sseKmsEncryptedObjects.status = "Disabled";
            violation(stack, URN.egressReplication, "does not select SSE-KMS objects");
        });

        it("the AWS-managed aws/s3 key as replica key across accounts", () => {
            const stack = kmsStack();
            rule0(stack).destination.encryptionConfiguration.replicaKmsKeyId = "alias/aws/s3";
            violation(stack, URN.egressReplication, "AWS-managed aws/s3 key");
        });

        it("legacy inline KMS selection disabled", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.replicationConfiguration.rules[0].sourceSelectionCriteria.sseKmsEncryptedObjects.enabled = false;
            violation(stack, URN.egress, "sseKmsEncryptedObjects.enabled");
        });

        it("a replica key without SSE-KMS selection on an SSE-S3 source", () => {
            const stack = compliantStack();
            rule0(stack).destination.encryptionConfiguration = { replicaKmsKeyId: REPLICA_KEY };
            violation(stack, URN.egressReplication, "replicates KMS-encrypted objects");
        });

        it("is reported through the policy object", () => {
            const stack = compliantStack();
            delete rule0(stack).destination.accessControlTranslation;
            assert.deepStrictEqual(
                reported(stack).map((v) => [v.policy, v.enforcementLevel, v.urn]),
                [["s3-transfer-replication-owner-and-kms", "mandatory", URN.egressReplication]],
            );
        });
    });

    describe("unknown values", () => {
        it("destination account unknown and no owner", () => {
            const stack = compliantStack();
            const r = rule0(stack);
            r.destination.account = U;
            delete r.destination.accessControlTranslation;
            undecided(stack, URN.egressReplication);
        });

        it("owner unknown", () => {
            const stack = compliantStack();
            rule0(stack).destination.accessControlTranslation.owner = U;
            undecided(stack, URN.egressReplication);
        });

        it("replica key unknown", () => {
            const stack = kmsStack();
            rule0(stack).destination.encryptionConfiguration.replicaKmsKeyId = U;
            undecided(stack, URN.egressReplication);
        });

        it("source encryption unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = U;
            undecided(stack, URN.egressReplication);
        });

        it("rules unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-replication").inputs.rules = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
            assert.deepStrictEqual(outcomes(decide(stack)), ["undecided"]);
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
                compliant(stack);
            });
        }

        for (const key of ["0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c", "alias/partner-replica"]) {
            it(`${form}: a cross-account replica key given as ${key.startsWith("alias") ? "an alias name" : "a bare key ID"}`, () => {
                const stack = build();
                const on = withReplicaKey(stack, key);
                violation(stack, on, "bare key ID or alias name", "key ARN or alias ARN");
            });
        }
    }

    it("a bare key ID is fine within one account (KMS resolves it where the key is)", () => {
        const stack = compliantStack();
        withReplicaKey(stack, "0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c");
        const r = rule0(stack);
        r.destination.account = ACCOUNT;
        delete r.destination.accessControlTranslation;
        compliant(stack);
    });
});
