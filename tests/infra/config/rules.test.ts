/** Region names and their partitions, as the AWS SDK's partition data has them; S3's bucket naming rules. */
import * as assert from "assert";
import { bucketNameBreaks, bucketNameProblem, BucketNameRule, bucketNameSuggestion, partitionOf, regionProblem } from "../../../infra/config/rules";

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

describe("S3 general purpose bucket naming rules, each in its own words (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)", () => {
    const ours = { allowDots: false };
    const theirs = { allowDots: true };
    const rulesOf = (name: string, opts = ours) => bucketNameBreaks(name, opts).map((b) => b.rule);

    // [name, the rules it breaks as ours, the problem of the first rule, the name the fix offers]
    const cases: [string, BucketNameRule[], RegExp, string | undefined][] = [
        ["ab", ["length"], /^is 2 characters long; S3 allows 3 to 63$/, undefined],
        ["a".repeat(64), ["length"], /^is 64 characters long; S3 allows 3 to 63$/, "a".repeat(63)],
        ["Acme-Egress", ["uppercase"], /^has upper-case letters; S3 bucket names are lower case$/, "acme-egress"],
        ["acme_egress", ["characters"], /^has "_", which S3 does not allow \(only lower-case letters, digits, dots and hyphens\)$/, "acme-egress"],
        ["-acme", ["start"], /^begins with "-"; S3 bucket names begin with a letter or digit$/, "acme"],
        ["acme-egress.", ["end"], /^ends with a dot; S3 bucket names end with a letter or digit/, "acme-egress"],
        ["acme-", ["end"], /^ends with "-"; S3 bucket names end with a letter or digit$/, "acme"],
        ["192.168.5.4", ["ip-address", "dots"], /^is formatted as an IP address, which S3 does not allow$/, "192-168-5-4"],
        ["xn--acme", ["reserved-prefix"], /^starts with "xn--", which S3 reserves \(the prefix of internationalized \(punycode\) domain names\)$/, "acme"],
        ["sthree-acme", ["reserved-prefix"], /^starts with "sthree-", which S3 reserves \(reserved by S3, as is sthree-configurator\)$/, "acme"],
        ["sthree-configurator-x", ["reserved-prefix"], /^starts with "sthree-"/, "configurator-x"],
        ["amzn-s3-demo-acme", ["reserved-prefix"], /^starts with "amzn-s3-demo-", which S3 reserves \(reserved for AWS's documentation examples\)$/, "acme"],
        ["acme-s3alias", ["reserved-suffix"], /^ends with "-s3alias", which S3 reserves for access point aliases$/, "acme"],
        ["acme--ol-s3", ["reserved-suffix"], /^ends with "--ol-s3", which S3 reserves for Object Lambda Access Point aliases$/, "acme"],
        ["acme.mrap", ["reserved-suffix", "dots"], /^ends with "\.mrap", which S3 reserves for Multi-Region Access Point names$/, "acme-mrap"],
        ["acme--x-s3", ["reserved-suffix"], /^ends with "--x-s3", which S3 reserves for directory buckets$/, "acme"],
        ["acme--table-s3", ["reserved-suffix"], /^ends with "--table-s3", which S3 reserves for S3 table buckets$/, "acme"],
        [
            "acme-111122223333-us-east-1-an",
            ["account-regional-suffix"],
            /^ends with "-an", which S3 reserves for buckets in an account's regional namespace/,
            "acme-111122223333-us-east-1",
        ],
        ["acme.egress", ["dots"], /^has dots, which break the wildcard TLS certificate of virtual-hosted-style HTTPS requests/, "acme-egress"],
        ["acme..egress", ["adjacent-dots", "dots"], /^has two adjacent dots, which S3 does not allow$/, "acme-egress"],
    ];
    for (const [name, rules, problem, suggestion] of cases) {
        it(`${JSON.stringify(name.length > 20 ? `${name.slice(0, 12)}…` : name)}: ${rules.join(", ")}, with a fix that S3 accepts`, () => {
            const breaks = bucketNameBreaks(name, ours);
            assert.deepStrictEqual(
                breaks.map((b) => b.rule),
                rules,
            );
            assert.match(breaks[0].problem, problem);
            assert.doesNotMatch(breaks[0].problem, /shorten/, "only a name that is too long is told to shorten");
            assert.strictEqual(bucketNameSuggestion(name, ours), suggestion);
            if (suggestion) assert.deepStrictEqual(rulesOf(suggestion), []);
        });
    }

    it("a counterpart's bucket may have dots and live in its owner's regional namespace; S3's own rules still apply to it", () => {
        assert.deepStrictEqual(rulesOf("partner.inbound", theirs), []);
        assert.deepStrictEqual(rulesOf("inbound-444455556666-us-east-1-an", theirs), []);
        assert.deepStrictEqual(rulesOf("xn--inbound.", theirs), ["end", "reserved-prefix"]);
    });

    it("names the rules broken in one sentence, quoting the name once, cut when it is long", () => {
        assert.strictEqual(
            bucketNameProblem("Acme_Egress", ours),
            'bucket name "Acme_Egress" has upper-case letters; S3 bucket names are lower case; has "_", which S3 does not allow (only lower-case letters, digits, dots and hyphens)',
        );
        assert.match(bucketNameProblem("b".repeat(5_000_000), ours) ?? "", /^bucket name "b+…b+" \(5,000,000 characters\) is 5,000,000 characters long; S3 allows 3 to 63$/);
        assert.strictEqual(bucketNameProblem("acme-bank-prod-cdlx-egress", ours), undefined);
    });
});
