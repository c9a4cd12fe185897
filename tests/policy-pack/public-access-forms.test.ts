// Every way a bucket or its objects become public, with conditions read as AWS
// evaluates them.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html#access-points-delegating-control
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
import * as assert from "assert";
import { noPublicAccess } from "../../policy-pack/policies/no-public-access";
import { ACCOUNT, ACL_GROUP, COMPLIANT_FORMS, compliantStack, doc, find, onBucket, res, U, urn, URN, withEgressStatements } from "./fixtures";
import { forPolicy } from "./harness";

const { decide, compliant, violation, undecided } = forPolicy(noPublicAccess);

const POLICY_URN = urn("aws:s3/bucketPolicy:BucketPolicy", "egress-policy");
const OPEN = { Sid: "Open", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::pub-egress/*" };

describe("no-public-access: conditions as AWS evaluates them", () => {
    const pinned: [string, Record<string, unknown>][] = [
        ["StringEquals aws:PrincipalAccount", { StringEquals: { "aws:PrincipalAccount": ACCOUNT } }],
        ["operator and key in other cases", { stringequals: { "AWS:PRINCIPALACCOUNT": ACCOUNT } }],
        ["ForAnyValue: on aws:PrincipalOrgPaths (false when the key is absent)", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3/r-ab12/ou-ab12-11111111/*" } }],
        ["ArnLike aws:PrincipalArn with a fixed account", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/*` } }],
        ["StringEquals aws:SourceVpce", { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } }],
        ["delegation to the account's access points (s3:DataAccessPointAccount)", { StringEquals: { "s3:DataAccessPointAccount": ACCOUNT } }],
        ["delegation to one access point (s3:DataAccessPointArn)", { ArnEquals: { "s3:DataAccessPointArn": `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/partner` } }],
        ["a fixed aws:SourceIp range", { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }],
        ["aws:SourceIp ranges with a gap between them", { IpAddress: { "aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/2", "203.0.113.0/24"] } }],
        ["StringEquals takes a star literally: no caller is `*`", { StringEquals: { "aws:PrincipalAccount": "*" } }],
    ];
    for (const [name, condition] of pinned) {
        it(`compliant: ${name}`, () => compliant(withEgressStatements({ ...OPEN, Condition: condition })));
    }

    const open: [string, Record<string, unknown>][] = [
        ["ForAllValues: is true when the key is absent", { "ForAllValues:StringEquals": { "aws:PrincipalOrgPaths": "o-a1b2c3/r-ab12/ou-ab12-11111111/" } }],
        ["…IfExists passes when the key is absent", { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1a2b3c4d" } }],
        ["a wildcard-only fragment pins nothing (vpce-*)", { StringLike: { "aws:SourceVpce": "vpce-*" } }],
        ["a wildcard account in an ARN pins nothing", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } }],
        ["ArnEquals takes wildcards too", { ArnEquals: { "s3:DataAccessPointArn": "arn:aws:s3:*:*:accesspoint/*" } }],
        ["a negated condition", { StringNotEquals: { "aws:PrincipalAccount": ACCOUNT } }],
        ["Null only tests presence", { Null: { "aws:SourceVpce": "false" } }],
        ["an organisation made of wildcards", { StringLike: { "aws:PrincipalOrgID": "o-*" } }],
        ["every address", { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } }],
        ["ranges that together cover every IPv4 address (two /1)", { IpAddress: { "aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"] } }],
        ["ranges that together cover every IPv6 address, in compressed forms", { IpAddress: { "aws:SourceIp": ["::/1", "8000::/2", "c000:0:0::/2"] } }],
        ["a condition on a key that names no caller", { Bool: { "aws:SecureTransport": "true" } }],
    ];
    for (const [name, condition] of open) {
        it(`violation: ${name}`, () => violation(withEgressStatements({ ...OPEN, Condition: condition }), POLICY_URN, "open to every principal"));
    }

    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html: a wildcard
    // cannot match part of a principal ARN, so an ARN with one names no fixed principal.
    for (const principal of ["arn:aws:iam::*:root", "arn:aws:iam::*:role/partner", ["arn:aws:iam::222222222222:root", "arn:aws:iam::2222222222?2:root"]]) {
        it(`violation: a wildcard inside a principal ARN (${JSON.stringify(principal)}) names no fixed account`, () =>
            violation(withEgressStatements({ ...OPEN, Principal: { AWS: principal } }), POLICY_URN, "open to every principal"));
    }

    it("undecided: the only pinning value is unknown until apply", () =>
        undecided(withEgressStatements({ ...OPEN, Condition: { StringEquals: { "aws:PrincipalAccount": U } } }), POLICY_URN));

    it("the message says Block Public Access refuses the policy at deploy time when blockPublicPolicy is on", () => {
        const v = violation(withEgressStatements(OPEN), POLICY_URN);
        assert.match(v.message, /blockPublicPolicy\) makes S3 refuse this policy at deploy time/);
    });
});

const OBJECT = "aws:s3/bucketObject:BucketObject";
const OBJECT_V2 = "aws:s3/bucketObjectv2:BucketObjectv2";

function withObject(type: string, inputs: Record<string, unknown>) {
    return [...compliantStack(), onBucket(type, "readme", "pub-egress", URN.egress, { key: "README.txt", ...inputs })];
}

describe("no-public-access: objects", () => {
    for (const type of [OBJECT, OBJECT_V2]) {
        const short = type.split(":").pop();
        it(`${short}: compliant without an ACL or with "private"`, () => {
            compliant(withObject(type, {}));
            compliant(withObject(type, { acl: "private" }));
        });
        for (const acl of ["public-read", "public-read-write", "authenticated-read"]) {
            it(`${short}: violation with the canned ACL ${acl}, saying BPA refuses the upload`, () => {
                const v = violation(withObject(type, { acl }), urn(type, "readme"), `"${acl}"`, '"README.txt"', 'bucket "pub-egress"');
                assert.match(v.message, /blockPublicAcls\) makes S3 refuse this request at deploy time/);
            });
        }
        it(`${short}: undecided when the ACL is unknown`, () => undecided(withObject(type, { acl: U }), urn(type, "readme")));
    }

    it("ObjectCopy: a grant to AllUsers, or a public canned ACL, is caught; a private copy is compliant", () => {
        const COPY = "aws:s3/objectCopy:ObjectCopy";
        compliant(withObject(COPY, { source: "other/readme", acl: "private" }));
        violation(
            withObject(COPY, { source: "other/readme", grants: [{ type: "Group", uri: ACL_GROUP.allUsers, permissions: ["READ"] }] }),
            urn(COPY, "readme"),
            "AllUsers",
            "refuse this request at deploy time",
        );
        violation(withObject(COPY, { source: "other/readme", acl: "public-read" }), urn(COPY, "readme"), '"public-read"');
    });

    it("a public ACL on the bucket itself says Block Public Access refuses it", () => {
        const stack = compliantStack();
        find(stack, "egress").inputs.acl = "public-read";
        const v = violation(stack, urn("aws:s3/bucket:Bucket", "egress"), '"public-read"');
        assert.match(v.message, /blockPublicAcls\) makes S3 refuse this request at deploy time/);
    });

    it("without Block Public Access the message does not promise a refusal", () => {
        const stack = withObject(OBJECT, { acl: "public-read" }).filter((r) => !r.urn.endsWith("::egress-public-access-block"));
        const v = decide(stack).filter((d) => d.outcome === "violation" && d.urn === urn(OBJECT, "readme"));
        assert.strictEqual(v.length, 1);
        assert.doesNotMatch(v[0].message, /refuse/);
    });
});

const AP = "aws:s3/accessPoint:AccessPoint";
const AP_POLICY = "aws:s3control/accessPointPolicy:AccessPointPolicy";
const AP_ARN = `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/partner`;

function withAccessPoint(inputs: Record<string, unknown>, policy?: unknown) {
    const stack = [...compliantStack(), onBucket(AP, "partner-ap", "pub-egress", URN.egress, { name: "partner", arn: AP_ARN, ...inputs })];
    if (policy !== undefined) {
        const apUrn = urn(AP, "partner-ap");
        stack.push(res(AP_POLICY, "partner-ap-policy", { accessPointArn: AP_ARN, policy }, { dependencies: [apUrn], propertyDependencies: { accessPointArn: [apUrn] } }));
    }
    return stack;
}

const apStatement = (principal: unknown, condition?: unknown) => ({
    Effect: "Allow",
    Principal: principal,
    Action: "s3:GetObject",
    Resource: `${AP_ARN}/object/*`,
    ...(condition ? { Condition: condition } : {}),
});

describe("no-public-access: access points", () => {
    it("compliant: the default (all four blocks on) and a policy naming the partner, inline or as AccessPointPolicy", () => {
        compliant(withAccessPoint({}));
        compliant(withAccessPoint({ policy: doc(apStatement({ AWS: "arn:aws:iam::222222222222:root" })) }));
        compliant(withAccessPoint({}, doc(apStatement({ AWS: "arn:aws:iam::222222222222:root" }))));
    });

    for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
        it(`violation: the access point turns ${flag} off`, () =>
            violation(
                withAccessPoint({
                    publicAccessBlockConfiguration: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, [flag]: false },
                }),
                urn(AP, "partner-ap"),
                flag,
            ));
    }

    it("violation: a public access point policy, inline, saying BPA refuses it", () => {
        const v = violation(withAccessPoint({ policy: doc(apStatement("*")) }), urn(AP, "partner-ap"), "access point policy", "open to every principal");
        assert.match(v.message, /refuse this policy at deploy time/);
    });

    it("violation: a public AccessPointPolicy, pinned only by IfExists; no refusal promised once blockPublicPolicy is off", () => {
        const stack = withAccessPoint(
            { publicAccessBlockConfiguration: { blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true } },
            doc(apStatement({ AWS: "*" }, { StringEqualsIfExists: { "aws:PrincipalAccount": ACCOUNT } })),
        );
        const v = decide(stack).filter((d) => d.outcome === "violation");
        assert.deepStrictEqual(v.map((d) => d.urn).sort(), [urn(AP, "partner-ap"), urn(AP_POLICY, "partner-ap-policy")].sort());
        assert.doesNotMatch(v.find((d) => d.urn === urn(AP_POLICY, "partner-ap-policy"))!.message, /refuse/);
    });

    it("compliant: an AccessPointPolicy pinned to an account; undecided when unknown", () => {
        compliant(withAccessPoint({}, doc(apStatement("*", { StringEquals: { "aws:PrincipalAccount": ACCOUNT } }))));
        undecided(withAccessPoint({}, U), urn(AP_POLICY, "partner-ap-policy"));
    });

    it("the four compliant stack forms stay compliant", () => {
        for (const [, build] of COMPLIANT_FORMS) {
            compliant(build());
        }
    });
});
