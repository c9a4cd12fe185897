import * as assert from "assert";
import { crossAccountExternalId } from "../../policy-pack/policies/cross-account-external-id";
import { replicationTrustSource } from "../../policy-pack/policies/replication-trust-source";
import { ACCOUNT, compliantStack, find, legacyStack, PARTNER_ACCOUNT, U, URN } from "./fixtures";
import { decide, outcomes, reported } from "./harness";

function withTrust(trust: unknown) {
    const stack = compliantStack();
    find(stack, "replication-role").inputs.assumeRolePolicy = trust;
    return stack;
}

const S3_TRUST = { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" };
const PARTNER_TRUST = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` }, Action: "sts:AssumeRole" };

// AWS documents an unconditioned s3.amazonaws.com trust for replication roles and
// nothing about S3 sending aws:SourceAccount/aws:SourceArn when it assumes them:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
// For Batch Operations too: the trust is shown unconditioned, and no AWS page says
// Batch Operations sends those keys when it assumes the role:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html ("Trust policy")
const BATCH_TRUST = { Effect: "Allow", Principal: { Service: "batchoperations.s3.amazonaws.com" }, Action: "sts:AssumeRole" };
const JOBS = `arn:aws:s3:eu-west-1:${ACCOUNT}:job/*`;

describe("s3-transfer-replication-trust-source", () => {
    describe("live replication (s3.amazonaws.com)", () => {
        it("compliant: the documented unconditioned trust, as a JSON string", () =>
            assert.deepStrictEqual(outcomes(decide(replicationTrustSource, compliantStack())), ["compliant"]));

        it("compliant: the documented trust as an object, Service as a list, in every stack form", () => {
            assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust({ Statement: [{ ...S3_TRUST, Principal: { Service: ["s3.amazonaws.com"] } }] }))), [
                "compliant",
            ]);
            assert.deepStrictEqual(outcomes(decide(replicationTrustSource, legacyStack())), ["compliant"]);
        });

        for (const [what, condition] of [
            ["aws:SourceAccount", { StringEquals: { "aws:SourceAccount": ACCOUNT } }],
            ["aws:SourceArn, key and operator in another case", { arnlike: { "AWS:SourceArn": "arn:aws:s3:::pub-egress" } }],
            ["both", { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": "arn:aws:s3:::pub-egress" } }],
        ] as const) {
            it(`advisory note: a trust conditioned on ${what} is not confirmed by AWS for live replication`, () => {
                const ds = decide(replicationTrustSource, withTrust({ Statement: [{ ...S3_TRUST, Condition: condition }] }));
                assert.deepStrictEqual(outcomes(ds), ["violation"]);
                assert.strictEqual(ds[0].urn, URN.replicationRole);
                assert.match(ds[0].message, /not|no AWS source/);
                assert.match(ds[0].message, /live replication test in pre-production/);
                assert.match(ds[0].message, /setting-repl-config-perm-overview/);
            });
        }

        it("is reported at advisory level on the role through validateResource", () => {
            const v = reported(replicationTrustSource, withTrust({ Statement: [{ ...S3_TRUST, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }] }));
            assert.deepStrictEqual(
                v.map((x) => [x.policy, x.enforcementLevel, x.urn]),
                [["s3-transfer-replication-trust-source", "advisory", URN.replicationRole]],
            );
            assert.deepStrictEqual(reported(replicationTrustSource, compliantStack()), []);
        });
    });

    describe("Batch Operations (batchoperations.s3.amazonaws.com)", () => {
        it("compliant: the documented unconditioned trust, beside another statement", () =>
            assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust({ Statement: [BATCH_TRUST, PARTNER_TRUST] }))), ["compliant"]));

        for (const [what, condition] of [
            ["aws:SourceAccount and aws:SourceArn of the account's jobs", { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": JOBS } }],
            ["aws:SourceAccount alone, key in another case", { StringEquals: { "AWS:SourceAccount": ACCOUNT } }],
        ] as const) {
            it(`advisory note: a trust conditioned on ${what} is not confirmed by AWS for Batch Operations`, () => {
                const ds = decide(replicationTrustSource, withTrust({ Statement: [{ ...BATCH_TRUST, Condition: condition }] }));
                assert.deepStrictEqual(outcomes(ds), ["violation"]);
                assert.match(ds[0].message, /no AWS source says Batch Operations sends these keys/);
                assert.match(ds[0].message, /no batch job can run/);
                assert.match(ds[0].message, /batch-ops-iam-role-policies/);
            });
        }

        it("undecided while the conditions are unknown", () =>
            assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust({ Statement: [{ ...BATCH_TRUST, Condition: U }] }))), ["undecided"]));
    });

    it("not applicable: a role S3 does not assume", () =>
        assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust({ Statement: [PARTNER_TRUST] }))), ["not-applicable"]));

    it("unknown trust policy says nothing", () => assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust(U))), ["not-applicable"]));
});

describe("s3-transfer-cross-account-external-id", () => {
    it("compliant: another account with sts:ExternalId", () =>
        assert.deepStrictEqual(
            outcomes(decide(crossAccountExternalId, withTrust({ Statement: [{ ...PARTNER_TRUST, Condition: { StringEquals: { "sts:ExternalId": "shared" } } }] }))),
            ["compliant"],
        ));

    it("not applicable: the replication role trusts only S3", () => assert.deepStrictEqual(outcomes(decide(crossAccountExternalId, compliantStack())), ["not-applicable"]));

    it("not applicable: an account listed as trusted in config", () =>
        assert.deepStrictEqual(outcomes(decide(crossAccountExternalId, withTrust({ Statement: [PARTNER_TRUST] }), { trustedAccountIds: [PARTNER_ACCOUNT] })), ["not-applicable"]));

    it("not applicable: the role's own account, read from its ARN", () => {
        const stack = withTrust({ Statement: [{ ...PARTNER_TRUST, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }] });
        find(stack, "replication-role").inputs.arn = `arn:aws:iam::${ACCOUNT}:role/pub-replication`;
        assert.deepStrictEqual(outcomes(decide(crossAccountExternalId, stack)), ["not-applicable"]);
    });

    for (const [name, principal] of [
        ["an account root ARN", { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` }],
        ["a bare account ID", { AWS: PARTNER_ACCOUNT }],
        ["a role ARN in a list", { AWS: [`arn:aws:iam::${PARTNER_ACCOUNT}:role/x`] }],
        ["everyone", "*"],
    ] as const) {
        it(`violation: ${name} without sts:ExternalId`, () => {
            const ds = decide(crossAccountExternalId, withTrust(JSON.stringify({ Statement: [{ ...PARTNER_TRUST, Principal: principal }] })));
            assert.deepStrictEqual(outcomes(ds), ["violation"]);
            assert.match(ds[0].message, /sts:ExternalId/);
        });
    }

    it("an unknown principal ARN says nothing", () =>
        assert.deepStrictEqual(outcomes(decide(crossAccountExternalId, withTrust({ Statement: [{ ...PARTNER_TRUST, Principal: { AWS: U } }] }))), ["not-applicable"]));

    it("is reported at advisory level", () => {
        const v = reported(crossAccountExternalId, withTrust({ Statement: [PARTNER_TRUST] }));
        assert.deepStrictEqual(
            v.map((x) => [x.enforcementLevel, x.urn]),
            [["advisory", URN.replicationRole]],
        );
    });
});
