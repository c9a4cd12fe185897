import * as assert from "assert";
import { noPublicAccess } from "../../policy-pack/policies/no-public-access";
import {
    addEgressStatements,
    assertAllCompliant,
    assertOneViolation,
    assertUndecided,
    COMPLIANT_FORMS,
    compliantStack,
    decide,
    doc,
    find,
    httpsStatement,
    legacyStack,
    partnerReadStatement,
    reported,
    res,
    T,
    U,
    urn,
    without,
} from "./fixtures";

const BUCKET_URN = urn(T.bucket, "egress");
const PAB_URN = urn(T.pab, "egress-public-access-block");
const POLICY_URN = urn(T.policy, "egress-policy");

function withStatement(statement: Record<string, unknown>) {
    const stack = compliantStack();
    find(stack, "egress-policy").inputs.policy = doc(httpsStatement("pub-egress"), statement);
    return stack;
}

const OPEN = { Sid: "Open", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::pub-egress/*" };

describe("s3-transfer-no-public-access", () => {
    describe("compliant", () => {
        for (const [name, build] of COMPLIANT_FORMS) {
            it(name, () => assertAllCompliant(decide(noPublicAccess, build())));
        }

        it("a partner grant naming its account", () => assertAllCompliant(decide(noPublicAccess, withStatement(partnerReadStatement("pub-egress")))));

        for (const [name, condition] of [
            ["organisation", { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }],
            ["account", { StringEquals: { "aws:PrincipalAccount": ["222222222222"] } }],
            ["VPC endpoint", { StringEquals: { "aws:SourceVpce": "vpce-0abc" } }],
        ] as const) {
            it(`a wildcard principal pinned to an ${name}`, () => assertAllCompliant(decide(noPublicAccess, withStatement({ ...OPEN, Condition: condition }))));
        }

        it("an account-level block in the stack stands in for the bucket's", () => {
            const stack = without(compliantStack(), "egress-public-access-block");
            stack.push(res(T.accountPab, "account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: "true" }));
            assertAllCompliant(decide(noPublicAccess, stack));
        });
    });

    // S3's "meaning of public" accepts only keys that fix the caller; aws:ResourceOrgID
    // and aws:ResourceAccount name the bucket's own organization and account, which
    // every request to it carries (access-control-block-public-access.html#access-control-block-public-access-policy-status).
    describe("pinning keys, in every form", () => {
        for (const [form, build] of COMPLIANT_FORMS) {
            it(`${form}: a wildcard grant pinned by a fixed KMS key ID is not public`, () => {
                const stack = build();
                addEgressStatements(stack, {
                    ...OPEN,
                    Condition: { StringEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-west-1:111111111111:key/k" } },
                });
                assertAllCompliant(decide(noPublicAccess, stack));
            });
            for (const key of ["aws:ResourceOrgID", "aws:ResourceAccount"]) {
                it(`${form}: a wildcard grant narrowed only by ${key} is public`, () => {
                    const stack = build();
                    const on = addEgressStatements(stack, { ...OPEN, Condition: { StringEquals: { [key]: key === "aws:ResourceAccount" ? "111111111111" : "o-abc123" } } });
                    assertOneViolation(decide(noPublicAccess, stack), on, "open to every principal");
                });
            }
        }
    });

    describe("violations", () => {
        it("no Block Public Access for the bucket", () =>
            assertOneViolation(decide(noPublicAccess, without(compliantStack(), "egress-public-access-block")), BUCKET_URN, "has no Block Public Access"));

        for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
            it(`${flag} false`, () => {
                const stack = compliantStack();
                find(stack, "egress-public-access-block").inputs[flag] = false;
                assertOneViolation(decide(noPublicAccess, stack), PAB_URN, `"${flag}"`);
            });
        }

        it("a flag left out (the API defaults it to false)", () => {
            const stack = compliantStack();
            delete find(stack, "egress-public-access-block").inputs.restrictPublicBuckets;
            assertOneViolation(decide(noPublicAccess, stack), PAB_URN, "restrictPublicBuckets");
        });

        it("the account-level block is not accepted when configured so", () => {
            const stack = without(compliantStack(), "egress-public-access-block");
            stack.push(res(T.accountPab, "account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }));
            assertOneViolation(decide(noPublicAccess, stack, { acceptAccountLevelBlock: false }), BUCKET_URN, "pub-egress");
        });

        it("an account-level block with a setting off does not count", () => {
            const stack = without(compliantStack(), "egress-public-access-block");
            stack.push(res(T.accountPab, "account", { blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true }));
            assertOneViolation(decide(noPublicAccess, stack), BUCKET_URN, "pub-egress");
        });

        for (const acl of ["public-read", "public-read-write", "authenticated-read"]) {
            it(`legacy inline canned ACL ${acl}`, () => {
                const stack = legacyStack();
                find(stack, "egress").inputs.acl = acl;
                assertOneViolation(decide(noPublicAccess, stack), BUCKET_URN, `"${acl}"`);
            });
        }

        it("BucketAcl (v7) with a public canned ACL", () => {
            const stack = compliantStack();
            stack.push(res(T.acl, "egress-acl", { bucket: "pub-egress", acl: "public-read" }));
            assertOneViolation(decide(noPublicAccess, stack), urn(T.acl, "egress-acl"), 'Bucket "pub-egress"', "public-read");
        });

        it("BucketAclV2 (v6) granting AllUsers", () => {
            const stack = compliantStack();
            stack.push(
                res(T.aclV2, "egress-acl", {
                    bucket: "pub-egress",
                    accessControlPolicy: {
                        owner: { id: "owner" },
                        grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }],
                    },
                }),
            );
            assertOneViolation(decide(noPublicAccess, stack), urn(T.aclV2, "egress-acl"), "AllUsers");
        });

        it("legacy inline grant to AuthenticatedUsers", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.grants = [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", permissions: ["READ"] }];
            assertOneViolation(decide(noPublicAccess, stack), BUCKET_URN, "AuthenticatedUsers");
        });

        for (const [name, principal] of [
            ['"*"', "*"],
            ['{"AWS": "*"}', { AWS: "*" }],
            ['{"AWS": ["*"]}', { AWS: ["*"] }],
        ] as const) {
            it(`Allow to ${name} without a pinning condition`, () =>
                assertOneViolation(decide(noPublicAccess, withStatement({ ...OPEN, Principal: principal })), POLICY_URN, 'statement "Open"', "every principal"));
        }

        it("Allow to * with a negated condition", () =>
            assertOneViolation(decide(noPublicAccess, withStatement({ ...OPEN, Condition: { StringNotEquals: { "aws:PrincipalAccount": "1" } } })), POLICY_URN, "Open"));

        it("Allow with NotPrincipal", () => {
            const s = { ...OPEN } as Record<string, unknown>;
            delete s.Principal;
            assertOneViolation(decide(noPublicAccess, withStatement({ ...s, NotPrincipal: { AWS: "arn:aws:iam::1:root" } })), POLICY_URN, "NotPrincipal");
        });

        it("public statement in a legacy inline object policy", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.policy = { Version: "2012-10-17", Statement: [httpsStatement("pub-egress"), OPEN] };
            assertOneViolation(decide(noPublicAccess, stack), BUCKET_URN, "inline on Bucket");
        });

        it("public statement in a BucketPolicy on a bucket outside the stack", () => {
            const stack = compliantStack();
            stack.push(res(T.policy, "other", { bucket: "someone-elses", policy: doc(OPEN) }));
            assertOneViolation(decide(noPublicAccess, stack), urn(T.policy, "other"), "Open");
        });

        it("is reported at mandatory level", () => {
            const v = reported(noPublicAccess, without(compliantStack(), "egress-public-access-block"));
            assert.deepStrictEqual(
                v.map((x) => [x.policy, x.enforcementLevel, x.urn]),
                [["s3-transfer-no-public-access", "mandatory", BUCKET_URN]],
            );
        });
    });

    describe("unknown values", () => {
        it("a Block Public Access flag unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-public-access-block").inputs.blockPublicPolicy = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
            assertUndecided(decide(noPublicAccess, stack), BUCKET_URN);
        });

        it("a block whose bucket is unknown and has no dependency link", () => {
            const stack = compliantStack();
            const pab = find(stack, "egress-public-access-block");
            pab.inputs.bucket = U;
            pab.propertyDependencies = {};
            pab.dependencies = [];
            const ds = decide(noPublicAccess, stack);
            assertUndecided(ds, BUCKET_URN);
        });

        it("a policy document unknown until apply", () => {
            const stack = compliantStack();
            find(stack, "egress-policy").inputs.policy = U;
            assertUndecided(decide(noPublicAccess, stack), POLICY_URN);
        });

        it("a pinning condition whose value is unknown", () =>
            assertUndecided(decide(noPublicAccess, withStatement({ ...OPEN, Condition: { StringEquals: { "aws:PrincipalAccount": U } } })), POLICY_URN));

        it("a principal that is an unknown ARN is not treated as public", () => assertAllCompliant(decide(noPublicAccess, withStatement({ ...OPEN, Principal: { AWS: U } }))));

        it("a BucketAcl's canned ACL unknown", () => {
            const stack = compliantStack();
            stack.push(res(T.acl, "egress-acl", { bucket: "pub-egress", acl: U }));
            assertUndecided(decide(noPublicAccess, stack), urn(T.acl, "egress-acl"));
        });

        it("the bucket's own computed acl/grants outputs unknown say nothing", () => {
            const stack = compliantStack();
            Object.assign(find(stack, "egress").inputs, { acl: U, grants: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2" });
            assertAllCompliant(decide(noPublicAccess, stack));
        });
    });
});

// An aws:s3control/accessPointPolicy names its access point by ARN; when the
// program wrote that ARN out rather than passing the access point's output, the
// policy has no property dependency on it, and the access point is found by the
// name the ARN ends in (so its Block Public Access, which refuses a public policy
// at deploy time, is still reported).
describe("s3-transfer-no-public-access: an access point policy found by the access point's name, in every form", () => {
    const AP_TYPE = "aws:s3/accessPoint:AccessPoint";
    const AP_POLICY_TYPE = "aws:s3control/accessPointPolicy:AccessPointPolicy";
    const AP_ARN = "arn:aws:s3:eu-west-1:111111111111:accesspoint/egress-ap";
    const publicApPolicy = doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: `${AP_ARN}/object/*` });

    for (const [form, build] of COMPLIANT_FORMS) {
        it(`${form}: unlinked, by name: the note that Block Public Access refuses it`, () => {
            const stack = build();
            stack.push(res(AP_TYPE, "egress-ap", { bucket: "pub-egress", name: "egress-ap" }));
            stack.push(res(AP_POLICY_TYPE, "egress-ap-policy", { accessPointArn: AP_ARN, policy: publicApPolicy }));
            assertOneViolation(
                decide(noPublicAccess, stack),
                urn(AP_POLICY_TYPE, "egress-ap-policy"),
                'access point "egress-ap"',
                "blockPublicPolicy) makes S3 refuse this policy",
            );
        });

        it(`${form}: an ARN naming no access point of the stack gets no such note`, () => {
            const stack = build();
            stack.push(res(AP_TYPE, "egress-ap", { bucket: "pub-egress", name: "egress-ap" }));
            stack.push(res(AP_POLICY_TYPE, "egress-ap-policy", { accessPointArn: AP_ARN.replace("egress-ap", "elsewhere"), policy: publicApPolicy }));
            const v = assertOneViolation(decide(noPublicAccess, stack), urn(AP_POLICY_TYPE, "egress-ap-policy"), "open to every principal");
            assert.ok(!v.message.includes("makes S3 refuse"), v.message);
        });
    }
});
