import * as assert from "assert";
import { aclsDisabled } from "../../policy-pack/policies/acls-disabled";
import { assertAllCompliant, assertOneViolation, assertUndecided, COMPLIANT_FORMS, compliantStack, decide, find, legacyStack, reported, res, T, U, urn, without } from "./fixtures";

const BUCKET_URN = urn(T.bucket, "egress");
const OWNERSHIP_URN = urn(T.ownership, "egress-ownership");

describe("s3-transfer-acls-disabled", () => {
    describe("compliant", () => {
        for (const [name, build] of COMPLIANT_FORMS) {
            it(name, () => assertAllCompliant(decide(aclsDisabled, build())));
        }

        it("relying on the AWS default when configured so", () => {
            const ds = decide(aclsDisabled, without(compliantStack(), "egress-ownership"), { requireExplicitOwnershipControls: false });
            assert.deepStrictEqual(
                ds.filter((d) => d.urn === BUCKET_URN).map((d) => d.outcome),
                ["not-applicable"],
            );
        });
    });

    describe("violations", () => {
        for (const value of ["ObjectWriter", "BucketOwnerPreferred"]) {
            it(`objectOwnership ${value}`, () => {
                const stack = compliantStack();
                find(stack, "egress-ownership").inputs.rule.objectOwnership = value;
                assertOneViolation(decide(aclsDisabled, stack), OWNERSHIP_URN, 'Bucket "pub-egress"', value);
            });
        }

        it("no ownership controls declared", () =>
            assertOneViolation(decide(aclsDisabled, without(compliantStack(), "egress-ownership")), BUCKET_URN, "does not declare object ownership"));

        it("a legacy inline canned ACL other than private", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.acl = "log-delivery-write";
            assertOneViolation(decide(aclsDisabled, stack), BUCKET_URN, "log-delivery-write");
        });

        it("a BucketAclV2 granting a group", () => {
            const stack = compliantStack();
            stack.push(
                res(T.aclV2, "egress-acl", {
                    bucket: "pub-egress",
                    accessControlPolicy: {
                        owner: { id: "o" },
                        grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/s3/LogDelivery" }, permission: "WRITE" }],
                    },
                }),
            );
            assertOneViolation(decide(aclsDisabled, stack), BUCKET_URN, "group");
        });

        it("is reported at advisory level", () => {
            const v = reported(aclsDisabled, without(compliantStack(), "egress-ownership"));
            assert.deepStrictEqual(
                v.map((x) => [x.enforcementLevel, x.urn]),
                [["advisory", BUCKET_URN]],
            );
        });
    });

    describe("unknown values", () => {
        it("object ownership unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-ownership").inputs.rule.objectOwnership = U;
            assertUndecided(decide(aclsDisabled, stack), BUCKET_URN);
        });

        it("the bucket's computed acl unknown says nothing", () => {
            const stack = compliantStack();
            find(stack, "egress").inputs.acl = U;
            assertAllCompliant(decide(aclsDisabled, stack));
        });
    });
});
