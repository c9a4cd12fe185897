import * as assert from "assert";
import { defaultEncryption } from "../../policy-pack/policies/default-encryption";
import {
    assertAllCompliant,
    assertOneViolation,
    assertUndecided,
    COMPLIANT_FORMS,
    compliantStack,
    decide,
    find,
    legacyStack,
    reported,
    res,
    SOURCE_KEY,
    T,
    U,
    urn,
    v2InlineStack,
    v6SplitStack,
    without,
} from "./fixtures";

const BUCKET_URN = urn(T.bucket, "egress");
const SSE_URN = urn(T.sse, "egress-encryption");

describe("s3-transfer-default-encryption", () => {
    describe("compliant", () => {
        for (const [name, build] of COMPLIANT_FORMS) {
            it(name, () => assertAllCompliant(decide(defaultEncryption, build())));
        }

        for (const alg of ["aws:kms", "aws:kms:dsse"]) {
            it(`split ${alg}`, () => {
                const stack = compliantStack();
                find(stack, "egress-encryption").inputs.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: alg, kmsMasterKeyId: SOURCE_KEY }, bucketKeyEnabled: true }];
                assertAllCompliant(decide(defaultEncryption, stack));
            });
        }

        it("a KMS key unknown until apply does not matter", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: U } }];
            assertAllCompliant(decide(defaultEncryption, stack));
        });
    });

    describe("violations", () => {
        it("no encryption configuration", () =>
            assertOneViolation(decide(defaultEncryption, without(compliantStack(), "egress-encryption")), BUCKET_URN, 'Bucket "pub-egress"', "does not declare"));

        it("a split rule with only bucketKeyEnabled", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = [{ bucketKeyEnabled: true }];
            assertOneViolation(decide(defaultEncryption, stack), SSE_URN, "applyServerSideEncryptionByDefault");
        });

        it("BucketServerSideEncryptionConfigurationV2 (v6) without a default rule", () => {
            const stack = v6SplitStack();
            find(stack, "egress-encryption").inputs.rules = [{ bucketKeyEnabled: true }];
            assertOneViolation(decide(defaultEncryption, stack), urn(T.sseV2, "egress-encryption"), "pub-egress");
        });

        it("legacy inline configuration absent", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.serverSideEncryptionConfiguration;
            assertOneViolation(decide(defaultEncryption, stack), BUCKET_URN, "pub-egress");
        });

        it("BucketV2 inline configuration with an empty rule list", () => {
            const stack = v2InlineStack();
            find(stack, "egress").inputs.serverSideEncryptionConfigurations = [{ rules: [] }];
            assertOneViolation(decide(defaultEncryption, stack), urn(T.bucketV2, "egress"), "pub-egress");
        });

        it("an algorithm the config does not allow", () => {
            const egress = decide(defaultEncryption, compliantStack(), { allowedAlgorithms: ["aws:kms"] }).filter((d) => d.urn === SSE_URN || d.urn === BUCKET_URN);
            assertOneViolation(egress, SSE_URN, '"AES256"', '"aws:kms"');
        });

        it("config reaches the policy through the pack config", () => {
            const v = reported(defaultEncryption, compliantStack(), { allowedAlgorithms: ["aws:kms"] });
            assert.deepStrictEqual(v.map((x) => x.urn).sort(), [SSE_URN, urn(T.sse, "ingress-encryption")].sort());
        });
    });

    describe("unknown values", () => {
        it("split algorithm unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = U;
            assertUndecided(decide(defaultEncryption, stack), BUCKET_URN);
        });

        it("split rules unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
            assertUndecided(decide(defaultEncryption, stack), BUCKET_URN);
        });

        it("inline configuration unknown (a computed output) and no split resource", () => {
            const stack = without(compliantStack(), "egress-encryption");
            find(stack, "egress").inputs.serverSideEncryptionConfiguration = U;
            assertUndecided(decide(defaultEncryption, stack), BUCKET_URN);
        });

        it("an encryption resource whose bucket is unknown may be the missing one", () => {
            const stack = without(compliantStack(), "egress-encryption");
            stack.push(res(T.sse, "floating", { bucket: U, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }));
            assertUndecided(decide(defaultEncryption, stack), BUCKET_URN);
        });
    });
});
