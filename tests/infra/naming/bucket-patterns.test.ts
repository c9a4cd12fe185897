/**
 * Bucket names as the few prefixes that cover them and nothing they must not:
 * the cover is what the log bucket's grant (ArnLike, where `*` matches any
 * characters: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN)
 * and the trail's selector (StartsWith, no wildcard:
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html) are made of.
 */
import * as assert from "assert";
import fc from "fast-check";
import { bucketArnPatterns, coverBucketNames, covers, objectArnPrefixes } from "../../../infra/naming/bucket-patterns";

describe("bucket name cover", () => {
    it("names a counterpart's two buckets by the prefix they share, parted from the log bucket's name where they differ", () => {
        const cover = coverBucketNames(["acme-prod-cdlx-egress", "acme-prod-cdlx-ingress", "acme-prod-lumen-egress", "acme-prod-lumen-ingress"], {
            floor: "acme-prod-",
            excluding: ["acme-prod-logs-us-east-1"],
        });
        assert.deepStrictEqual(cover, { names: [], prefixes: ["acme-prod-cdlx-", "acme-prod-lumen-"] });
        assert.deepStrictEqual(bucketArnPatterns("aws", cover), ["arn:aws:s3:::acme-prod-cdlx-*", "arn:aws:s3:::acme-prod-lumen-*"]);
        assert.deepStrictEqual(objectArnPrefixes("aws-cn", cover), ["arn:aws-cn:s3:::acme-prod-cdlx-", "arn:aws-cn:s3:::acme-prod-lumen-"]);
    });

    it("does not grow with counterparts whose names share a prefix: 300 partners are one value", () => {
        const names = Array.from({ length: 300 }, (_, i) => `acme-scale-partner-${String(i + 1).padStart(3, "0")}`).flatMap((n) => [`${n}-egress`, `${n}-ingress`]);
        assert.deepStrictEqual(coverBucketNames(names, { floor: "acme-scale-", excluding: ["acme-scale-logs-us-east-1"] }), { names: [], prefixes: ["acme-scale-partner-"] });
    });

    it("keeps a bucket whole where it is itself a prefix of an excluded name, and an overridden name outside the floor whole", () => {
        const cover = coverBucketNames(["acme-prod-logs", "their-agreed-bucket", "acme-prod-x-egress"], { floor: "acme-prod-", excluding: ["acme-prod-logs-us-east-1"] });
        // A name alone under its prefix is kept whole too: no wider than it needs to be.
        assert.deepStrictEqual(cover, { names: ["acme-prod-logs", "acme-prod-x-egress", "their-agreed-bucket"], prefixes: [] });
        // A whole name is the bucket itself: its objects, not a bucket whose name goes on.
        assert.deepStrictEqual(objectArnPrefixes("aws", cover), ["arn:aws:s3:::acme-prod-logs/", "arn:aws:s3:::acme-prod-x-egress/", "arn:aws:s3:::their-agreed-bucket/"]);
        assert.ok(!objectArnPrefixes("aws", cover).some((p) => "arn:aws:s3:::acme-prod-logs-us-east-1/cloudtrail/x".startsWith(p)));
    });

    it("for any names: covers each of them, none of the excluded, and no prefix shorter than the floor", () => {
        const name = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
        fc.assert(
            fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 30 }), fc.uniqueArray(name, { maxLength: 5 }), fc.boolean(), (tails, excludedTails, outside) => {
                const floor = "p-";
                const names = tails.map((t, i) => (outside && i === 0 ? `q${t}` : `${floor}${t}`));
                const excluded = excludedTails.map((t) => `${floor}${t}`).filter((e) => !names.includes(e));
                const cover = coverBucketNames(names, { floor, excluding: excluded });
                for (const n of names) assert.ok(covers(cover, n), n);
                for (const e of excluded) assert.ok(!covers(cover, e), e);
                for (const p of cover.prefixes) assert.ok(p.startsWith(floor), p);
                // As the trail reads it: an object of an excluded bucket starts with no value.
                for (const e of excluded) assert.ok(!objectArnPrefixes("aws", cover).some((v) => `arn:aws:s3:::${e}/k`.startsWith(v)), e);
            }),
        );
    });
});
