/** The one rule set for a counterpart's endpoints: one compliant hand-over, changed one field at a time. */
import * as assert from "assert";
import { ArrivingEndpoints, endpointProblems, EndpointRule, OwnEndpoints } from "../../../infra/contract/endpoints";

const OWN: OwnEndpoints = { accountId: "111122223333", partition: "aws", encryption: "SSE-KMS" };
const THEIRS: ArrivingEndpoints = {
    accountId: "444455556666",
    region: "us-east-1",
    ingressBucketArn: "arn:aws:s3:::cdlx-prod-acme-bank-ingress",
    replicationRoleArn: "arn:aws:iam::444455556666:role/cdlx-to-acme-bank-replication",
    ingressKmsKeyArn: "arn:aws:kms:us-east-1:444455556666:key/0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c",
    encryption: "SSE-KMS",
};

describe("counterpart endpoint rules", () => {
    it("accepts a complete, consistent hand-over, and one that has handed over only its account", () => {
        assert.deepStrictEqual(endpointProblems(THEIRS, OWN), []);
        assert.deepStrictEqual(endpointProblems({ accountId: THEIRS.accountId }, OWN), []);
    });

    const cases: [string, Partial<ArrivingEndpoints>, Partial<OwnEndpoints>, string, EndpointRule, RegExp][] = [
        ["an 11-digit account", { accountId: "44445555666" }, {}, "accountId", "shape", /must be a 12-digit AWS account ID/],
        [
            "our own account",
            { accountId: "111122223333", replicationRoleArn: "arn:aws:iam::111122223333:role/r", ingressKmsKeyArn: undefined, encryption: undefined },
            { encryption: "SSE-S3" },
            "accountId",
            "own-account",
            /^is this stack's own account 111122223333; replication here is cross-account$/,
        ],
        [
            "a region of another partition",
            { region: "cn-north-1", ingressKmsKeyArn: undefined, encryption: undefined },
            { encryption: "SSE-S3" },
            "region",
            "partition",
            /^cn-north-1 is in partition aws-cn, not aws/,
        ],
        ["a bucket of another partition", { ingressBucketArn: "arn:aws-us-gov:s3:::b-ingress" }, {}, "ingressBucketArn", "partition", /^is in partition aws-us-gov, not aws/],
        [
            "a role in another account",
            { replicationRoleArn: "arn:aws:iam::999999999999:role/r" },
            {},
            "replicationRoleArn",
            "owner",
            /^belongs to account 999999999999, not to the counterpart's account 444455556666$/,
        ],
        [
            "a key in another account",
            { ingressKmsKeyArn: "arn:aws:kms:us-east-1:999999999999:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" },
            {},
            "ingressKmsKeyArn",
            "owner",
            /^belongs to account 999999999999/,
        ],
        [
            "a key in another region than the bucket",
            { ingressKmsKeyArn: "arn:aws:kms:eu-west-1:444455556666:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" },
            {},
            "ingressKmsKeyArn",
            "key-region",
            /^is a key in eu-west-1, but the counterpart's bucket is in us-east-1/,
        ],
        ["their SSE-S3 with our SSE-KMS", { ingressKmsKeyArn: undefined, encryption: "SSE-S3" }, {}, "encryption", "encryption", /^is SSE-S3, but this link uses SSE-KMS/],
        ["their SSE-KMS with our SSE-S3", {}, { encryption: "SSE-S3" }, "encryption", "encryption", /^is SSE-KMS, but this link uses SSE-S3/],
        // An SSE-KMS side's replication rule selects SSE-KMS objects, and then its destination must name the replica key:
        // "If SourceSelectionCriteria is specified, you must specify this element" (EncryptionConfiguration,
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_Destination.html); without the key there is no rule to write.
        [
            "an ingress bucket without its key on our SSE-KMS side, the encryption not stated (config)",
            { ingressKmsKeyArn: undefined, encryption: undefined },
            {},
            "ingressKmsKeyArn",
            "missing-key",
            /^is missing, but the ingress bucket is given and this link uses SSE-KMS/,
        ],
        [
            "an ingress bucket without its key, the encryption stated SSE-KMS (a hand-over file)",
            { ingressKmsKeyArn: undefined },
            {},
            "ingressKmsKeyArn",
            "missing-key",
            /^is missing, but the ingress bucket is given and this link uses SSE-KMS/,
        ],
    ];
    for (const [what, theirs, own, field, rule, problem] of cases) {
        it(`refuses ${what}`, () => {
            const found = endpointProblems({ ...THEIRS, ...theirs }, { ...OWN, ...own });
            assert.strictEqual(found.length, 1, JSON.stringify(found));
            assert.strictEqual(found[0].field, field);
            assert.strictEqual(found[0].rule, rule);
            assert.match(found[0].problem, problem);
        });
    }

    it("an absent key is pending, not a problem, while the ingress bucket has not come either, and on an SSE-S3 side", () => {
        assert.deepStrictEqual(endpointProblems({ ...THEIRS, ingressBucketArn: undefined, ingressKmsKeyArn: undefined, encryption: undefined }, OWN), []);
        assert.deepStrictEqual(endpointProblems({ ...THEIRS, ingressKmsKeyArn: undefined, encryption: undefined }, { ...OWN, encryption: "SSE-S3" }), []);
    });
});
