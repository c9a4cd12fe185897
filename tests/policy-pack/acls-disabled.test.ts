import * as assert from "assert";
import { aclsDisabled } from "../../policy-pack/policies/acls-disabled";
import { ACL_GROUP, COMPLIANT_FORMS, compliantStack, find, groupAcl, legacyStack, U, URN, without } from "./fixtures";
import { forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(aclsDisabled);

describe("s3-transfer-acls-disabled", () => {
    describe("compliant", () => {
        itIsCompliantIn(COMPLIANT_FORMS);

        it("relying on the AWS default when configured so", () => {
            const ds = decide(without(compliantStack(), "egress-ownership"), { requireExplicitOwnershipControls: false });
            assert.deepStrictEqual(
                ds.filter((d) => d.urn === URN.egress).map((d) => d.outcome),
                ["not-applicable"],
            );
        });
    });

    describe("violations", () => {
        for (const value of ["ObjectWriter", "BucketOwnerPreferred"]) {
            it(`objectOwnership ${value}`, () => {
                const stack = compliantStack();
                find(stack, "egress-ownership").inputs.rule.objectOwnership = value;
                violation(stack, URN.egressOwnership, 'Bucket "pub-egress"', value);
            });
        }

        it("no ownership controls declared", () => violation(without(compliantStack(), "egress-ownership"), URN.egress, "does not declare object ownership"));

        it("a legacy inline canned ACL other than private", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.acl = "log-delivery-write";
            violation(stack, URN.egress, "log-delivery-write");
        });

        it("a BucketAclV2 granting a group", () => {
            violation([...compliantStack(), groupAcl("egress-acl", "pub-egress", ACL_GROUP.logDelivery, "WRITE")], URN.egress, "group");
        });

        it("is reported at advisory level", () => {
            const v = reported(without(compliantStack(), "egress-ownership"));
            assert.deepStrictEqual(
                v.map((x) => [x.enforcementLevel, x.urn]),
                [["advisory", URN.egress]],
            );
        });
    });

    describe("unknown values", () => {
        it("object ownership unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-ownership").inputs.rule.objectOwnership = U;
            undecided(stack, URN.egress);
        });

        it("the bucket's computed acl unknown says nothing", () => {
            const stack = compliantStack();
            find(stack, "egress").inputs.acl = U;
            compliant(stack);
        });
    });
});
