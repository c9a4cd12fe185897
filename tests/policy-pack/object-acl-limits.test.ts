// An object written with an ACL into a bucket with ACLs disabled fails at deploy
// time: with BucketOwnerEnforced, S3 accepts a PUT only without an ACL or with
// bucket-owner-full-control; any other ACL, `private` included, fails with
// AccessControlListNotSupported.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html (new buckets default to BucketOwnerEnforced)
import * as assert from "assert";
import { awsHardLimits } from "../../policy-pack/policies/aws-hard-limits";
import { compliantStack, onBucket, U, urn, URN, without } from "./fixtures";
import { forPolicy, outcomesOn } from "./harness";

const { decide, violation, undecided } = forPolicy(awsHardLimits);

const TYPES = ["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/objectCopy:ObjectCopy"];

function withObject(type: string, inputs: Record<string, unknown>, stack = compliantStack()) {
    return [...stack, onBucket(type, "readme", "pub-egress", URN.egress, { key: "README.txt", ...inputs })];
}

describe("aws-hard-limits: object ACLs in a bucket with ACLs disabled", () => {
    for (const type of TYPES) {
        const short = type.split(":").pop();
        const objectUrn = urn(type, "readme");

        for (const acl of ["private", "public-read", "authenticated-read", "bucket-owner-read"]) {
            it(`${short}: violation with the canned ACL "${acl}" in a BucketOwnerEnforced bucket, saying S3 refuses the upload`, () => {
                violation(withObject(type, { acl }), objectUrn, `the canned ACL "${acl}"`, "AccessControlListNotSupported", '"README.txt"', 'bucket "pub-egress"');
            });
        }

        it(`${short}: compliant without an ACL (nothing to judge) or with bucket-owner-full-control`, () => {
            assert.deepStrictEqual(outcomesOn(decide(withObject(type, {})), objectUrn), []);
            assert.deepStrictEqual(outcomesOn(decide(withObject(type, { acl: "bucket-owner-full-control" })), objectUrn), ["compliant"]);
        });

        it(`${short}: compliant when the bucket keeps ACLs enabled (ObjectWriter)`, () => {
            const stack = compliantStack().map((r) => (r.urn === URN.egressOwnership ? { ...r, inputs: { ...r.inputs, rule: { objectOwnership: "ObjectWriter" } } } : r));
            assert.deepStrictEqual(outcomesOn(decide(withObject(type, { acl: "private" }, stack)), objectUrn), ["compliant"]);
        });

        it(`${short}: undecided when the bucket declares no ownership (new buckets default to BucketOwnerEnforced) or the ACL is unknown`, () => {
            undecided(withObject(type, { acl: "private" }, without(compliantStack(), "egress-ownership")), objectUrn);
            undecided(withObject(type, { acl: U }), objectUrn);
        });
    }

    it("ObjectCopy: custom grants in a BucketOwnerEnforced bucket are refused too", () => {
        const type = "aws:s3/objectCopy:ObjectCopy";
        violation(withObject(type, { grants: [{ type: "CanonicalUser", id: "abc", permissions: ["READ"] }] }), urn(type, "readme"), "custom ACL grants", "Remove acl and grants");
    });
});
