/** Region names and their partitions, as the AWS SDK's partition data has them. */
import * as assert from "assert";
import { partitionOf, regionProblem } from "../../../infra/config/rules";

describe("regions and partitions", () => {
    // https://github.com/aws/aws-sdk-js-v3/blob/main/packages/util-endpoints/src/lib/aws/partitions.json
    const regions: [string, string][] = [
        ["us-east-1", "aws"],
        ["eu-central-2", "aws"],
        ["cn-north-1", "aws-cn"],
        ["us-gov-west-1", "aws-us-gov"],
        ["us-iso-east-1", "aws-iso"],
        ["us-isob-east-1", "aws-iso-b"],
        ["eu-isoe-west-1", "aws-iso-e"],
        ["us-isof-south-1", "aws-iso-f"],
        ["eusc-de-east-1", "aws-eusc"],
    ];
    for (const [region, partition] of regions) {
        it(`${region} is a region of ${partition}`, () => {
            assert.strictEqual(regionProblem(region), undefined);
            assert.strictEqual(partitionOf(region), partition);
        });
    }

    it("refuses what no partition names", () => {
        for (const region of ["us-east", "useast1", "US-EAST-1", "us-east-1a", "arn:aws:s3:::b"]) assert.match(regionProblem(region) ?? "", /must be an AWS region/, region);
    });
});
