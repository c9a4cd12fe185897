import * as assert from "assert";
import { crossAccountExternalId } from "../../policy-pack/policies/cross-account-external-id";
import { replicationTrustSource } from "../../policy-pack/policies/replication-trust-source";
import { ACCOUNT, compliantStack, decide, find, legacyStack, outcomes, PARTNER_ACCOUNT, reported, T, U, urn } from "./fixtures";

const ROLE_URN = urn(T.role, "replication-role");

function withTrust(trust: unknown) {
    const stack = compliantStack();
    find(stack, "replication-role").inputs.assumeRolePolicy = trust;
    return stack;
}

const S3_TRUST = { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" };
const PARTNER_TRUST = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` }, Action: "sts:AssumeRole" };

describe("s3-transfer-replication-trust-source", () => {
    it("compliant: aws:SourceAccount in a JSON string trust policy", () => assert.deepStrictEqual(outcomes(decide(replicationTrustSource, compliantStack())), ["compliant"]));

    it("compliant: aws:SourceArn in an object trust policy", () =>
        assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust({ Statement: [{ ...S3_TRUST, Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:s3:::pub-egress" } } }] }))), [
            "compliant",
        ]));

    it("compliant: the legacy stack's role", () => assert.deepStrictEqual(outcomes(decide(replicationTrustSource, legacyStack())), ["compliant"]));

    it("violation: trust without a source condition", () => {
        const ds = decide(replicationTrustSource, withTrust(JSON.stringify({ Statement: [S3_TRUST] })));
        assert.deepStrictEqual(outcomes(ds), ["violation"]);
        assert.strictEqual(ds[0].urn, ROLE_URN);
        assert.match(ds[0].message, /replication-role.*aws:SourceAccount/);
    });

    it("violation: a negated source condition does not limit the trust", () =>
        assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust({ Statement: [{ ...S3_TRUST, Condition: { StringNotEquals: { "aws:SourceAccount": ACCOUNT } } }] }))), [
            "violation",
        ]));

    it("violation: Service given as a list", () =>
        assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust({ Statement: [{ ...S3_TRUST, Principal: { Service: ["s3.amazonaws.com"] } }] }))), ["violation"]));

    it("not applicable: a role S3 does not assume", () => assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust({ Statement: [PARTNER_TRUST] }))), ["not-applicable"]));

    it("unknown trust policy says nothing", () => assert.deepStrictEqual(outcomes(decide(replicationTrustSource, withTrust(U))), ["not-applicable"]));

    it("is reported at advisory level on the role through validateResource", () => {
        const v = reported(replicationTrustSource, withTrust({ Statement: [S3_TRUST] }));
        assert.deepStrictEqual(v.map((x) => [x.policy, x.enforcementLevel, x.urn]), [["s3-transfer-replication-trust-source", "advisory", ROLE_URN]]);
    });
});

describe("s3-transfer-cross-account-external-id", () => {
    it("compliant: another account with sts:ExternalId", () =>
        assert.deepStrictEqual(outcomes(decide(crossAccountExternalId, withTrust({ Statement: [{ ...PARTNER_TRUST, Condition: { StringEquals: { "sts:ExternalId": "shared" } } }] }))), [
            "compliant",
        ]));

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

    it("an unknown principal ARN says nothing", () => assert.deepStrictEqual(outcomes(decide(crossAccountExternalId, withTrust({ Statement: [{ ...PARTNER_TRUST, Principal: { AWS: U } }] }))), ["not-applicable"]));

    it("is reported at advisory level", () => {
        const v = reported(crossAccountExternalId, withTrust({ Statement: [PARTNER_TRUST] }));
        assert.deepStrictEqual(v.map((x) => [x.enforcementLevel, x.urn]), [["advisory", ROLE_URN]]);
    });
});
