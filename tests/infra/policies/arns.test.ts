/**
 * The one ARN helper of the program and the tools, and partitions from the
 * AWS SDK's own partition data rather than a hand-kept list of prefixes.
 */
import * as assert from "assert";
import { partitionOf } from "../../../infra/config/rules";
import { accountOfArn, arns, bucketNameOfArn, inAccount, lastPathSegmentOfArn, partitionOfArn, regionOfArn } from "../../../infra/policies/document";

describe("ARNs and partitions", () => {
    it("knows each partition's regions, including those the prefix lists missed (ISO-E, ISO-F, European Sovereign Cloud)", () => {
        const expected = {
            "us-east-1": "aws",
            "cn-north-1": "aws-cn",
            "us-gov-west-1": "aws-us-gov",
            "us-isob-east-1": "aws-iso-b",
            "eu-isoe-west-1": "aws-iso-e",
            "us-isof-south-1": "aws-iso-f",
            "eusc-de-east-1": "aws-eusc",
        };
        assert.deepStrictEqual(Object.fromEntries(Object.keys(expected).map((region) => [region, partitionOf(region)])), expected);
    });

    it("builds every kind of ARN the program and the tools name", () => {
        assert.deepStrictEqual(
            [
                arns.bucket("aws-cn", "b"),
                arns.accountRoot("aws", "111122223333"),
                arns.role("aws", "111122223333", "r"),
                arns.role("aws", "111122223333", "r", "/service/"),
                arns.assumedRole("aws", "111122223333", "r", "s"),
                arns.managedPolicy("aws", "111122223333", "/", "p"),
                arns.kmsKey("aws", "eu-west-1", "111122223333", "k"),
                arns.kmsAlias("aws", "eu-west-1", "111122223333", "alias/a"),
                arns.snsTopic("aws", "eu-west-1", "111122223333", "t"),
                arns.alarm("aws", "eu-west-1", "111122223333", "prefix-*"),
                arns.trail("aws", "eu-west-1", "111122223333", "t"),
                arns.batchJob("aws", "*", "111122223333", "*"),
            ],
            [
                "arn:aws-cn:s3:::b",
                "arn:aws:iam::111122223333:root",
                "arn:aws:iam::111122223333:role/r",
                "arn:aws:iam::111122223333:role/service/r",
                "arn:aws:sts::111122223333:assumed-role/r/s",
                "arn:aws:iam::111122223333:policy/p",
                "arn:aws:kms:eu-west-1:111122223333:key/k",
                "arn:aws:kms:eu-west-1:111122223333:alias/a",
                "arn:aws:sns:eu-west-1:111122223333:t",
                "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:prefix-*",
                "arn:aws:cloudtrail:eu-west-1:111122223333:trail/t",
                "arn:aws:s3:*:111122223333:job/*",
            ],
        );
    });

    it("reads an ARN's parts back", () => {
        const role = "arn:aws-us-gov:iam::111122223333:role/path/r";
        assert.deepStrictEqual(
            [partitionOfArn(role), accountOfArn(role), lastPathSegmentOfArn(role), inAccount(role, "444455556666")],
            ["aws-us-gov", "111122223333", "r", "arn:aws-us-gov:iam::444455556666:role/path/r"],
        );
        assert.strictEqual(regionOfArn("arn:aws:kms:eu-west-1:111122223333:key/k"), "eu-west-1");
        assert.strictEqual(bucketNameOfArn("arn:aws:s3:::b"), "b");
    });
});
