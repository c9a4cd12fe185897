import * as assert from "assert";
import { minimumTls } from "../../policy-pack/policies/minimum-tls";
import {
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
    reported,
    T,
    tlsStatement,
    U,
    urn,
} from "./fixtures";

const POLICY_URN = urn(T.policy, "egress-policy");
const BUCKET_URN = urn(T.bucket, "egress");

function withTls(statement: Record<string, unknown>) {
    const stack = compliantStack();
    find(stack, "egress-policy").inputs.policy = doc(httpsStatement("pub-egress"), statement);
    return stack;
}

describe("s3-transfer-minimum-tls", () => {
    describe("compliant", () => {
        for (const [name, build] of COMPLIANT_FORMS) {
            it(name, () => assertAllCompliant(decide(minimumTls, build())));
        }

        for (const [name, value] of [
            ["a number", 1.2],
            ["a list", ["1.2"]],
            ["a stricter 1.3", "1.3"],
        ] as const) {
            it(`version given as ${name}`, () =>
                assertAllCompliant(decide(minimumTls, withTls({ ...tlsStatement("pub-egress"), Condition: { NumericLessThan: { "s3:TlsVersion": value } } }))));
        }
    });

    describe("violations", () => {
        it("no TLS statement in the split policy", () => {
            const stack = compliantStack();
            find(stack, "egress-policy").inputs.policy = doc(httpsStatement("pub-egress"));
            assertOneViolation(decide(minimumTls, stack), POLICY_URN, 'bucket "pub-egress"', "TLS older than 1.2");
        });

        it("a threshold below the minimum", () =>
            assertOneViolation(decide(minimumTls, withTls({ ...tlsStatement("pub-egress"), Condition: { NumericLessThan: { "s3:TlsVersion": "1.1" } } })), POLICY_URN, "1.2"));

        it("a stricter minimum from config", () =>
            assertOneViolation(
                decide(minimumTls, compliantStack(), { minimumTlsVersion: 1.3 }).filter((d) => d.urn === POLICY_URN || d.urn === BUCKET_URN),
                POLICY_URN,
                "1.3",
            ));

        it("the legacy inline policy without it", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.policy = { Version: "2012-10-17", Statement: [httpsStatement("pub-egress")] };
            assertOneViolation(decide(minimumTls, stack), BUCKET_URN, "inline on Bucket");
        });

        it("is reported at advisory level", () => {
            const stack = compliantStack();
            find(stack, "egress-policy").inputs.policy = doc(httpsStatement("pub-egress"));
            assert.deepStrictEqual(
                reported(minimumTls, stack).map((v) => [v.enforcementLevel, v.urn]),
                [["advisory", POLICY_URN]],
            );
        });
    });

    describe("unknown values", () => {
        it("threshold unknown", () =>
            assertUndecided(decide(minimumTls, withTls({ ...tlsStatement("pub-egress"), Condition: { NumericLessThan: { "s3:TlsVersion": U } } })), BUCKET_URN));
        it("document unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-policy").inputs.policy = U;
            assertUndecided(decide(minimumTls, stack), BUCKET_URN);
        });
    });
});
