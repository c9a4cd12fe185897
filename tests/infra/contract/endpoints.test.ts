/** The one rule set for a counterpart's endpoints: one compliant hand-over, changed one field at a time. */
import * as assert from "assert";
import { ArrivingEndpoints, endpointProblems, OwnEndpoints } from "../../../infra/contract/endpoints";

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

    const cases: [string, Partial<ArrivingEndpoints>, Partial<OwnEndpoints>, string, RegExp][] = [
        ["an 11-digit account", { accountId: "44445555666" }, {}, "accountId", /must be a 12-digit AWS account ID/],
        [
            "our own account",
            { accountId: "111122223333", replicationRoleArn: "arn:aws:iam::111122223333:role/r", ingressKmsKeyArn: undefined, encryption: undefined },
            { encryption: "SSE-S3" },
            "accountId",
            /^is this stack's own account 111122223333; replication here is cross-account$/,
        ],
        ["a region of another partition", { region: "cn-north-1", ingressKmsKeyArn: undefined }, {}, "region", /^cn-north-1 is in partition aws-cn, not aws/],
        ["a bucket of another partition", { ingressBucketArn: "arn:aws-us-gov:s3:::b-ingress" }, {}, "ingressBucketArn", /^is in partition aws-us-gov, not aws/],
        [
            "a role in another account",
            { replicationRoleArn: "arn:aws:iam::999999999999:role/r" },
            {},
            "replicationRoleArn",
            /^belongs to account 999999999999, not to the counterpart's account 444455556666$/,
        ],
        ["a key in another account", { ingressKmsKeyArn: "arn:aws:kms:us-east-1:999999999999:key/abc" }, {}, "ingressKmsKeyArn", /^belongs to account 999999999999/],
        [
            "a key in another region than the bucket",
            { ingressKmsKeyArn: "arn:aws:kms:eu-west-1:444455556666:key/abc" },
            {},
            "ingressKmsKeyArn",
            /^is a key in eu-west-1, but the counterpart's bucket is in us-east-1/,
        ],
        ["their SSE-S3 with our SSE-KMS", { ingressKmsKeyArn: undefined, encryption: "SSE-S3" }, {}, "encryption", /^is SSE-S3, but this stack uses SSE-KMS/],
        ["their SSE-KMS with our SSE-S3", {}, { encryption: "SSE-S3" }, "encryption", /^is SSE-KMS, but this stack uses SSE-S3/],
    ];
    for (const [what, theirs, own, field, problem] of cases) {
        it(`refuses ${what}`, () => {
            const found = endpointProblems({ ...THEIRS, ...theirs }, { ...OWN, ...own });
            assert.strictEqual(found.length, 1, JSON.stringify(found));
            assert.strictEqual(found[0].field, field);
            assert.match(found[0].problem, problem);
        });
    }

    it("an unknown encryption with no key is not a problem: config fills in as values arrive (the caller reports it pending)", () => {
        assert.deepStrictEqual(endpointProblems({ ...THEIRS, ingressKmsKeyArn: undefined, encryption: undefined }, OWN), []);
    });
});
