import * as assert from "assert";
import { defaultEncryption } from "../../policy-pack/policies/default-encryption";
import { COMPLIANT_FORMS, compliantStack, find, legacyStack, res, SOURCE_KEY, T, U, urn, URN, v2InlineStack, v6SplitStack, without } from "./fixtures";
import { assertOneViolation, forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(defaultEncryption);

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

    describe("violations", () => {
        it("no encryption configuration", () => violation(without(compliantStack(), "egress-encryption"), URN.egress, 'Bucket "pub-egress"', "does not declare"));

        it("a split rule with only bucketKeyEnabled", () => {
            const stack = compliantStack();
            find(stack, "egress-encryption").inputs.rules = [{ bucketKeyEnabled: true }];
            violation(stack, URN.egressEncryption, "applyServerSideEncryptionByDefault");
        });

        it("BucketServerSideEncryptionConfigurationV2 (v6) without a default rule", () => {
            const stack = v6SplitStack();
            find(stack, "egress-encryption").inputs.rules = [{ bucketKeyEnabled: true }];
            violation(stack, urn(T.sseV2, "egress-encryption"), "pub-egress");
        });

        it("legacy inline configuration absent", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.serverSideEncryptionConfiguration;
            violation(stack, URN.egress, "pub-egress");
        });

        it("BucketV2 inline configuration with an empty rule list", () => {
            const stack = v2InlineStack();
            find(stack, "egress").inputs.serverSideEncryptionConfigurations = [{ rules: [] }];
            violation(stack, urn(T.bucketV2, "egress"), "pub-egress");
        });

        it("an algorithm the config does not allow", () => {
            const egress = decide(compliantStack(), { allowedAlgorithms: ["aws:kms"] }).filter((d) => d.urn === URN.egressEncryption || d.urn === URN.egress);
            assertOneViolation(egress, URN.egressEncryption, '"AES256"', '"aws:kms"');
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
