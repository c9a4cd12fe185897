// Partitions: bucket, key and role ARNs of every partition are matched like `aws`
// ones, and the table of partitions is the AWS SDK's.
// https://github.com/aws/aws-sdk-js-v3/blob/main/packages/util-endpoints/src/lib/aws/partitions.json
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { coversAllObjects, coversBucket, namesEveryBucket, PARTITION_IDS, PARTITIONS, partitionOfArn, partitionOfRegion } from "../../policy-pack/lib/arns";
import { httpsOnly } from "../../policy-pack/policies/https-only";
import { replicationOwnerAndKms } from "../../policy-pack/policies/replication-owner-and-kms";
import { replicationRoleLeastPrivilege } from "../../policy-pack/policies/replication-role-least-privilege";
import { compliantStack, doc, find, legacyStack, URN } from "./fixtures";
import { assertAllCompliant, assertOneViolation, decide } from "./harness";

const SOVEREIGN = ["aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/** The compliant stack with every `arn:aws:` rewritten to another partition. */
// A region of each partition: the stack's provider is in one, and its buckets with it.
const REGION: Record<string, string> = {
    aws: "eu-west-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-iso": "us-iso-east-1",
    "aws-iso-b": "us-isob-east-1",
    "aws-iso-e": "eu-isoe-west-1",
    "aws-iso-f": "us-isof-south-1",
    "aws-eusc": "eusc-de-east-1",
};

function inPartition(partition: string, build = compliantStack) {
    return JSON.parse(JSON.stringify(build()).split("arn:aws:").join(`arn:${partition}:`).split("eu-west-1").join(REGION[partition]));
}

describe("partitions", () => {
    it("the partition table is the AWS SDK's partitions.json (ids and region patterns)", () => {
        // The package does not export the file; find it beside its entry point.
        const main = require.resolve("@aws-sdk/core");
        const root = main.slice(0, main.indexOf(`${path.sep}dist-`));
        const file = path.join(root, "dist-es", "submodules", "client", "util-endpoints", "lib", "aws", "partitions.js");
        const text = fs.readFileSync(file, "utf8");
        const sdk = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as { partitions: { id: string; regionRegex: string }[] };
        assert.deepStrictEqual(
            PARTITIONS.map((p) => [p.id, p.regionRegex.source.replace(/\\-/g, "-")]),
            sdk.partitions.map((p) => [p.id, p.regionRegex.replace(/\\-/g, "-")]),
        );
    });

    it("names the partition of regions and ARNs, the sovereign ones included, as the SDK does", () => {
        const sdkPartition = (require("@aws-sdk/core/client") as { partition(region: string): { name: string } }).partition;
        for (const [region, partition] of [
            ["eu-west-1", "aws"],
            ["cn-north-1", "aws-cn"],
            ["us-gov-west-1", "aws-us-gov"],
            ["us-iso-east-1", "aws-iso"],
            ["us-isob-east-1", "aws-iso-b"],
            ["eu-isoe-west-1", "aws-iso-e"],
            ["us-isof-south-1", "aws-iso-f"],
            ["eusc-de-east-1", "aws-eusc"],
        ]) {
            assert.strictEqual(partitionOfRegion(region), partition, region);
            assert.strictEqual(sdkPartition(region).name, partition, region);
            assert.strictEqual(partitionOfArn(`arn:${partition}:s3:::b`), partition);
        }
        assert.strictEqual(partitionOfArn("arn:aws-mars:s3:::b"), undefined);
    });

    for (const p of PARTITION_IDS) {
        it(`${p}: a bucket and all its objects are covered by their own partition's ARNs`, () => {
            assert.ok(coversBucket(`arn:${p}:s3:::data`, "data", p));
            assert.ok(coversAllObjects(`arn:${p}:s3:::data/*`, "data", p));
            assert.ok(!coversAllObjects(`arn:${p}:s3:::data/in/*`, "data", p));
            assert.ok(namesEveryBucket(`arn:${p}:s3:::*`));
        });
    }

    // An ARN names a resource in one partition: arn:aws:s3:::data is not the
    // GovCloud bucket data, so it covers it no more than another bucket's ARN would.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    it("an ARN of another partition does not cover the bucket; a wildcard partition does", () => {
        for (const [mine, other] of [
            ["aws-us-gov", "aws"],
            ["aws", "aws-us-gov"],
            ["aws-cn", "aws"],
        ]) {
            assert.ok(!coversBucket(`arn:${other}:s3:::data`, "data", mine), `${other} on ${mine}`);
            assert.ok(!coversAllObjects(`arn:${other}:s3:::data/*`, "data", mine), `${other} on ${mine}`);
            assert.ok(!coversAllObjects(`arn:${other}:s3:::*`, "data", mine), `${other} on ${mine}`);
            assert.ok(coversBucket("arn:*:s3:::data", "data", mine));
            assert.ok(coversAllObjects("arn:*:s3:::data/*", "data", mine));
            assert.ok(coversAllObjects("arn:aws*:s3:::data/*", "data", mine));
            assert.ok(coversBucket("*", "data", mine));
        }
    });

    it("every spelling of all resources, and none of a named bucket", () => {
        for (const r of ["*", "arn:aws:s3:::*", "arn:aws:s3:::*/*", "arn:*:s3:::*", "arn:*:s3:::*/*", "arn:aws-us-gov:s3:::*", "arn:*:*:*:*:*", "arn:aws:s3:::?*", "arn:aws:*"]) {
            assert.ok(namesEveryBucket(r), r);
        }
        for (const r of ["arn:aws:s3:::pub-egress", "arn:aws:s3:::pub-egress/*", "arn:aws:s3:::pub-*", "arn:aws:s3:::*-egress/*", "arn:aws:kms:*:*:key/*"]) {
            assert.ok(!namesEveryBucket(r), r);
        }
    });

    for (const p of SOVEREIGN) {
        it(`${p}: the compliant stack, split and inline, passes the bucket and replication policies`, () => {
            for (const build of [compliantStack, legacyStack]) {
                assertAllCompliant(decide(httpsOnly, inPartition(p, build)));
                assertAllCompliant(decide(replicationRoleLeastPrivilege, inPartition(p, build)));
                assertAllCompliant(decide(replicationOwnerAndKms, inPartition(p, build)));
            }
        });

        it(`${p}: a replication role on every bucket of the partition is caught`, () => {
            const stack = inPartition(p);
            find(stack, "replication-permissions").inputs.policy = doc({ Effect: "Allow", Action: "s3:ReplicateObject", Resource: `arn:${p}:s3:::*/*` });
            assertOneViolation(decide(replicationRoleLeastPrivilege, stack), URN.replicationPermissions, `arn:${p}:s3:::*/*`);
        });
    }

    it("GovCloud: the HTTPS deny in its own partition covers the bucket; one naming another bucket does not", () => {
        // The deny written with the GovCloud partition covers the GovCloud bucket.
        const stack = inPartition("aws-us-gov");
        assertAllCompliant(decide(httpsOnly, stack));
        // A deny whose Resource names another bucket covers nothing, in any partition.
        find(stack, "egress-policy").inputs.policy = doc({
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws-us-gov:s3:::other", "arn:aws-us-gov:s3:::other/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
        assertOneViolation(decide(httpsOnly, stack), URN.egressPolicy);
    });

    it("the fix a message suggests is written in the stack's partition (provider region or ARNs)", () => {
        for (const [partition, region] of [
            ["aws-us-gov", "us-gov-west-1"],
            ["aws-cn", "cn-north-1"],
            ["aws-eusc", "eusc-de-east-1"],
        ]) {
            const stack = JSON.parse(JSON.stringify(inPartition(partition)).split('"eu-west-1"').join(`"${region}"`));
            find(stack, "egress-policy").inputs.policy = doc({
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::222222222222:root" },
                Action: "s3:GetObject",
                Resource: `arn:${partition}:s3:::pub-egress/*`,
            });
            const v = assertOneViolation(decide(httpsOnly, stack), URN.egressPolicy);
            assert.ok(v.message.includes(`arn:${partition}:s3:::pub-egress/*`), v.message);
            assert.ok(!v.message.includes("arn:aws:s3:::"), v.message);
        }
    });
});
