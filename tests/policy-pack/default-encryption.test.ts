// Default encryption as S3 applies it: since 5 January 2023 S3 encrypts every new object
// with SSE-S3 as "the base level of encryption for every bucket" and cannot be made not to
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html;
// DeleteBucketEncryption "resets the default encryption for the bucket as server-side
// encryption with Amazon S3 managed keys (SSE-S3)",
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html). A bucket
// without an encryption configuration is SSE-S3: compliant unless the stack's own rule
// (allowedAlgorithms) forbids AES256. KMSMasterKeyID "is allowed if and only if SSEAlgorithm is
// set to aws:kms or aws:kms:dsse": S3 refuses it beside AES256
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html).
import * as assert from "assert";
import { defaultEncryption } from "../../policy-pack/policies/default-encryption";
import { COMPLIANT_FORMS, compliantStack, find, legacyStack, nativeStack, NURN, res, SOURCE_KEY, T, U, urn, URN, v2InlineStack, v6SplitStack, without } from "./fixtures";
import { assertOneViolation, forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(defaultEncryption);

const KMS_ONLY = { allowedAlgorithms: ["aws:kms", "aws:kms:dsse"] };

/** The decisions on the egress bucket and its encryption resource, where its verdict lands. */
const onEgress = (stack: ReturnType<typeof compliantStack>, config: object, ...urns: string[]) => decide(stack, config).filter((d) => urns.includes(d.urn));

describe("s3-transfer-default-encryption", () => {
    describe("compliant", () => {
        itIsCompliantIn(COMPLIANT_FORMS);

        for (const alg of ["aws:kms", "aws:kms:dsse"]) {
            it(`split ${alg}`, () => {
                const stack = compliantStack();
                find(stack, "egress-encryption").inputs.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: alg, kmsMasterKeyId: SOURCE_KEY }, bucketKeyEnabled: true }];
                compliant(stack);
            });
        }

        it("a KMS key unknown until apply does not matter", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: U } }];
            compliant(stack);
        });
    });

    describe("no encryption declared: S3's SSE-S3, compliant where the stack allows AES256", () => {
        const sseS3 = (stack: ReturnType<typeof compliantStack>, onUrn: string) => {
            const d = decide(stack).filter((x) => x.urn === onUrn);
            assert.deepStrictEqual(
                d.map((x) => x.outcome),
                ["compliant"],
            );
            assert.match(d[0].message, /encrypted with SSE-S3 \(AES256\)/);
        };

        it("v7 Bucket without a BucketServerSideEncryptionConfiguration", () => sseS3(without(compliantStack(), "egress-encryption"), URN.egress));

        it("v6 BucketV2 without a BucketServerSideEncryptionConfigurationV2", () => sseS3(without(v6SplitStack(), "egress-encryption"), urn(T.bucketV2, "egress")));

        it("legacy Bucket without an inline serverSideEncryptionConfiguration", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.serverSideEncryptionConfiguration;
            sseS3(stack, URN.egress);
        });

        it("BucketV2 inline configuration with an empty rule list", () => {
            const stack = v2InlineStack();
            find(stack, "egress").inputs.serverSideEncryptionConfigurations = [{ rules: [] }];
            sseS3(stack, urn(T.bucketV2, "egress"));
        });

        it("aws-native Bucket without bucketEncryption", () => {
            const stack = nativeStack();
            delete find(stack, "ingress").inputs.bucketEncryption;
            sseS3(stack, NURN.ingress);
        });

        it("a split rule with only bucketKeyEnabled names no algorithm: S3's SSE-S3 applies", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = [{ bucketKeyEnabled: true }];
            sseS3(stack, URN.egress);
        });

        it("a split rule that only blocks SSE-C uploads (blockedEncryptionTypes, as the registry documents it) is SSE-S3", () => {
            // https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketserversideencryptionconfiguration/
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = [{ blockedEncryptionTypes: ["SSE-C"] }];
            sseS3(stack, URN.egress);
        });
    });

    describe("violations", () => {
        it("no encryption declared where the stack allows only KMS: S3's SSE-S3 is not among them", () => {
            assertOneViolation(onEgress(without(compliantStack(), "egress-encryption"), KMS_ONLY, URN.egress), URN.egress, "SSE-S3 (AES256), S3's default", '"aws:kms"');
        });

        it("a split resource naming no algorithm where the stack allows only KMS: reported on that resource", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = [{ bucketKeyEnabled: true }];
            assertOneViolation(onEgress(stack, KMS_ONLY, URN.egress, URN.egressEncryption), URN.egressEncryption, "names no default algorithm", "SSE-S3");
        });

        it("aws-native Bucket without bucketEncryption where the stack allows only KMS", () => {
            const stack = nativeStack();
            delete find(stack, "ingress").inputs.bucketEncryption;
            assertOneViolation(
                decide(stack, KMS_ONLY).filter((d) => d.urn === NURN.ingress),
                NURN.ingress,
                "SSE-S3",
                "bucketEncryption on an aws-native bucket",
            );
        });

        it("a KMS key with sseAlgorithm AES256: S3 refuses the configuration", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: SOURCE_KEY } }];
            violation(stack, URN.egressEncryption, "kmsMasterKeyId", "refuses this configuration");
        });

        it("aws-native: a KMS key with sseAlgorithm AES256 in bucketEncryption", () => {
            const stack = nativeStack();
            find(stack, "ingress").inputs.bucketEncryption = {
                serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: SOURCE_KEY } }],
            };
            violation(stack, NURN.ingress, "kmsMasterKeyId", "refuses this configuration");
        });

        it("legacy inline: a KMS key with sseAlgorithm AES256", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.serverSideEncryptionConfiguration = {
                rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: SOURCE_KEY } },
            };
            violation(stack, URN.egress, "refuses this configuration");
        });

        it("an algorithm the config does not allow", () => {
            assertOneViolation(onEgress(compliantStack(), { allowedAlgorithms: ["aws:kms"] }, URN.egressEncryption, URN.egress), URN.egressEncryption, '"AES256"', '"aws:kms"');
        });

        it("config reaches the policy through the pack config", () => {
            const v = reported(compliantStack(), { allowedAlgorithms: ["aws:kms"] });
            assert.deepStrictEqual(v.map((x) => x.urn).sort(), [URN.egressEncryption, urn(T.sse, "ingress-encryption")].sort());
        });
    });

    describe("unknown values", () => {
        it("split algorithm unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = U;
            undecided(stack, URN.egress);
        });

        it("split rules unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
            undecided(stack, URN.egress);
        });

        it("inline configuration unknown (a computed output) and no split resource", () => {
            const stack = without(compliantStack(), "egress-encryption");
            find(stack, "egress").inputs.serverSideEncryptionConfiguration = U;
            undecided(stack, URN.egress);
        });

        it("an encryption resource whose bucket is unknown may be the missing one", () => {
            const stack = without(compliantStack(), "egress-encryption");
            stack.push(res(T.sse, "floating", { bucket: U, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }));
            undecided(stack, URN.egress);
        });
    });
});
