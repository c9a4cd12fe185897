import * as assert from "assert";
import { noPublicAccess } from "../../policy-pack/policies/no-public-access";
import {
    ACL_GROUP,
    addEgressStatements,
    COMPLIANT_FORMS,
    compliantStack,
    doc,
    find,
    groupAcl,
    httpsStatement,
    legacyStack,
    nativeStack,
    NURN,
    partnerReadStatement,
    res,
    T,
    U,
    urn,
    URN,
    withEgressStatements,
    without,
    withPolicy,
} from "./fixtures";
import { assertOneViolation, assertUndecided, forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(noPublicAccess);

const OPEN = { Sid: "Open", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::pub-egress/*" };

describe("s3-transfer-no-public-access", () => {
    describe("compliant", () => {
        itIsCompliantIn(COMPLIANT_FORMS);

        it("a partner grant naming its account", () => compliant(withEgressStatements(partnerReadStatement("pub-egress"))));

        for (const [name, condition] of [
            ["organisation", { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }],
            ["account", { StringEquals: { "aws:PrincipalAccount": ["222222222222"] } }],
            ["VPC endpoint", { StringEquals: { "aws:SourceVpce": "vpce-0abc" } }],
        ] as const) {
            it(`a wildcard principal pinned to an ${name}`, () => compliant(withEgressStatements({ ...OPEN, Condition: condition })));
        }

        it("an account-level block in the stack stands in for the bucket's", () => {
            const stack = without(compliantStack(), "egress-public-access-block");
            stack.push(res(T.accountPab, "account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: "true" }));
            compliant(stack);
        });
    });

    // S3's "meaning of public" accepts only keys that fix the caller; aws:ResourceOrgID
    // and aws:ResourceAccount name the bucket's own organization and account, which
    // every request to it carries (access-control-block-public-access.html#access-control-block-public-access-policy-status).
    //
    // s3:x-amz-server-side-encryption-aws-kms-key-id is where AWS's sources disagree: the
    // User Guide's list named it until its last public source snapshot
    // (https://github.com/awsdocs/amazon-s3-userguide/blob/0009290dee01ae2dd84aa996c8b6756e96a21457/doc_source/access-control-block-public-access.md,
    // 2023-04-28) and the S3 API model's PublicAccessBlockConfiguration still does as the AWS
    // SDK for .NET documents it ("A fixed value of s3:x-amz-server-side-encryption-aws-kms-key-id",
    // https://docs.aws.amazon.com/sdkfornet/v3/apidocs/items/S3/TPublicAccessBlockConfiguration.html);
    // the current User Guide's list does not. The key fixes which KMS key an upload asks
    // for, not who uploads (the Service Authorization Reference lists it for s3:PutObject and
    // s3:ReplicateObject among others, no read: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html),
    // so the pack keeps calling a grant narrowed by it alone public,
    // the safer verdict, and says that Block Public Access may not act on it, since S3 may
    // judge it non-public.
    describe("pinning keys, in every form", () => {
        for (const [form, build] of COMPLIANT_FORMS) {
            it(`${form}: a wildcard grant narrowed only by a fixed KMS key ID is public, and no Block Public Access refusal is promised for it`, () => {
                const stack = build();
                const on = addEgressStatements(stack, {
                    ...OPEN,
                    Action: "s3:PutObject",
                    Condition: { StringEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-west-1:111111111111:key/k" } },
                });
                const v = violation(stack, on, "open to every principal", "fixes the key an upload asks for, not who uploads", "may neither refuse nor restrict");
                assert.doesNotMatch(v.message, /refuse this policy at deploy time/);
            });
            for (const key of ["aws:ResourceOrgID", "aws:ResourceAccount"]) {
                it(`${form}: a wildcard grant narrowed only by ${key} is public`, () => {
                    const stack = build();
                    const on = addEgressStatements(stack, { ...OPEN, Condition: { StringEquals: { [key]: key === "aws:ResourceAccount" ? "111111111111" : "o-abc123" } } });
                    violation(stack, on, "open to every principal");
                });
            }
        }

        const KMS_KEY_ID = "s3:x-amz-server-side-encryption-aws-kms-key-id";
        const KEY = "arn:aws:kms:eu-west-1:111111111111:key/k";
        it("a KMS key ID beside a fixed aws:PrincipalAccount: the account pins the caller, so it is not public by either reading", () =>
            compliant(withEgressStatements({ ...OPEN, Action: "s3:PutObject", Condition: { StringEquals: { "aws:PrincipalAccount": "222222222222", [KMS_KEY_ID]: KEY } } })));

        it("a KMS key ID given with a wildcard is public by every reading: Block Public Access (blockPublicPolicy) refuses it at deploy time", () => {
            const v = violation(
                withEgressStatements({ ...OPEN, Action: "s3:PutObject", Condition: { StringLike: { [KMS_KEY_ID]: "arn:aws:kms:eu-west-1:111111111111:key/*" } } }),
                URN.egressPolicy,
                "open to every principal",
                "refuse this policy at deploy time",
            );
            assert.doesNotMatch(v.message, /disagrees/);
        });

        it("aws-native: the same KMS-key-only grant in an aws-native BucketPolicy is public", () => {
            const stack = nativeStack();
            find(stack, "egress-policy").inputs.policyDocument.Statement.push({ ...OPEN, Action: "s3:PutObject", Condition: { StringEquals: { [KMS_KEY_ID]: KEY } } });
            violation(stack, NURN.egressPolicy, "open to every principal", "may neither refuse nor restrict");
        });
    });

    describe("violations", () => {
        it("no Block Public Access for the bucket", () => violation(without(compliantStack(), "egress-public-access-block"), URN.egress, "has no Block Public Access"));

        for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
            it(`${flag} false`, () => {
                const stack = compliantStack();
                find(stack, "egress-public-access-block").inputs[flag] = false;
                violation(stack, URN.egressPublicAccessBlock, `"${flag}"`);
            });
        }

        it("a flag left out (the API defaults it to false)", () => {
            const stack = compliantStack();
            delete find(stack, "egress-public-access-block").inputs.restrictPublicBuckets;
            violation(stack, URN.egressPublicAccessBlock, "restrictPublicBuckets");
        });

        it("the account-level block is not accepted when configured so", () => {
            const stack = without(compliantStack(), "egress-public-access-block");
            stack.push(res(T.accountPab, "account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }));
            assertOneViolation(decide(stack, { acceptAccountLevelBlock: false }), URN.egress, "pub-egress");
        });

        it("an account-level block with a setting off does not count", () => {
            const stack = without(compliantStack(), "egress-public-access-block");
            stack.push(res(T.accountPab, "account", { blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true }));
            violation(stack, URN.egress, "pub-egress");
        });

        for (const acl of ["public-read", "public-read-write", "authenticated-read"]) {
            it(`legacy inline canned ACL ${acl}`, () => {
                const stack = legacyStack();
                find(stack, "egress").inputs.acl = acl;
                violation(stack, URN.egress, `"${acl}"`);
            });
        }

        it("BucketAcl (v7) with a public canned ACL", () => {
            const stack = compliantStack();
            stack.push(res(T.acl, "egress-acl", { bucket: "pub-egress", acl: "public-read" }));
            violation(stack, urn(T.acl, "egress-acl"), 'Bucket "pub-egress"', "public-read");
        });

        it("BucketAclV2 (v6) granting AllUsers", () => {
            violation([...compliantStack(), groupAcl("egress-acl", "pub-egress", ACL_GROUP.allUsers, "READ")], urn(T.aclV2, "egress-acl"), "AllUsers");
        });

        it("legacy inline grant to AuthenticatedUsers", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.grants = [{ type: "Group", uri: ACL_GROUP.authenticatedUsers, permissions: ["READ"] }];
            violation(stack, URN.egress, "AuthenticatedUsers");
        });

        for (const [name, principal] of [
            ['"*"', "*"],
            ['{"AWS": "*"}', { AWS: "*" }],
            ['{"AWS": ["*"]}', { AWS: ["*"] }],
        ] as const) {
            it(`Allow to ${name} without a pinning condition`, () =>
                violation(withEgressStatements({ ...OPEN, Principal: principal }), URN.egressPolicy, 'statement "Open"', "every principal"));
        }

        it("Allow to * with a negated condition", () =>
            violation(withEgressStatements({ ...OPEN, Condition: { StringNotEquals: { "aws:PrincipalAccount": "1" } } }), URN.egressPolicy, "Open"));

        it("Allow with NotPrincipal", () => {
            const s = { ...OPEN } as Record<string, unknown>;
            delete s.Principal;
            violation(withEgressStatements({ ...s, NotPrincipal: { AWS: "arn:aws:iam::1:root" } }), URN.egressPolicy, "NotPrincipal");
        });

        it("public statement in a legacy inline object policy", () => {
            const stack = withPolicy("egress", { Version: "2012-10-17", Statement: [httpsStatement("pub-egress"), OPEN] }, legacyStack());
            violation(stack, URN.egress, "inline on Bucket");
        });

        it("public statement in a BucketPolicy on a bucket outside the stack", () => {
            const stack = compliantStack();
            stack.push(res(T.policy, "other", { bucket: "someone-elses", policy: doc(OPEN) }));
            violation(stack, urn(T.policy, "other"), "Open");
        });

        it("is reported at mandatory level", () => {
            const v = reported(without(compliantStack(), "egress-public-access-block"));
            assert.deepStrictEqual(
                v.map((x) => [x.policy, x.enforcementLevel, x.urn]),
                [["s3-transfer-no-public-access", "mandatory", URN.egress]],
            );
        });
    });

    describe("unknown values", () => {
        it("a Block Public Access flag unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-public-access-block").inputs.blockPublicPolicy = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
            undecided(stack, URN.egress);
        });

        it("a block whose bucket is unknown and has no dependency link", () => {
            const stack = compliantStack();
            const pab = find(stack, "egress-public-access-block");
            pab.inputs.bucket = U;
            pab.propertyDependencies = {};
            pab.dependencies = [];
            const ds = decide(stack);
            assertUndecided(ds, URN.egress);
        });

        it("a policy document unknown until apply", () => {
            const stack = withPolicy("egress-policy", U);
            undecided(stack, URN.egressPolicy);
        });

        it("a pinning condition whose value is unknown", () =>
            undecided(withEgressStatements({ ...OPEN, Condition: { StringEquals: { "aws:PrincipalAccount": U } } }), URN.egressPolicy));

        it("a principal that is an unknown ARN is not treated as public", () => compliant(withEgressStatements({ ...OPEN, Principal: { AWS: U } })));

        it("a BucketAcl's canned ACL unknown", () => {
            const stack = compliantStack();
            stack.push(res(T.acl, "egress-acl", { bucket: "pub-egress", acl: U }));
            undecided(stack, urn(T.acl, "egress-acl"));
        });

        it("the bucket's own computed acl/grants outputs unknown say nothing", () => {
            const stack = compliantStack();
            Object.assign(find(stack, "egress").inputs, { acl: U, grants: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2" });
            compliant(stack);
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
            violation(stack, urn(AP_POLICY_TYPE, "egress-ap-policy"), 'access point "egress-ap"', "blockPublicPolicy) makes S3 refuse this policy");
        });

        it(`${form}: an ARN naming no access point of the stack gets no such note`, () => {
            const stack = build();
            stack.push(res(AP_TYPE, "egress-ap", { bucket: "pub-egress", name: "egress-ap" }));
            stack.push(res(AP_POLICY_TYPE, "egress-ap-policy", { accessPointArn: AP_ARN.replace("egress-ap", "elsewhere"), policy: publicApPolicy }));
            const v = violation(stack, urn(AP_POLICY_TYPE, "egress-ap-policy"), "open to every principal");
            assert.ok(!v.message.includes("makes S3 refuse"), v.message);
        });
    }
});
