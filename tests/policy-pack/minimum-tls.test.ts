import * as assert from "assert";
import { minimumTls } from "../../policy-pack/policies/minimum-tls";
import { COMPLIANT_FORMS, compliantStack, doc, httpsStatement, legacyStack, tlsStatement, U, URN, withEgressStatements, withPolicy } from "./fixtures";
import { assertOneViolation, forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(minimumTls);

describe("s3-transfer-minimum-tls", () => {
    describe("compliant", () => {
        itIsCompliantIn(COMPLIANT_FORMS);

        for (const [name, value] of [
            ["a number", 1.2],
            ["a list", ["1.2"]],
            ["a stricter 1.3", "1.3"],
        ] as const) {
            it(`version given as ${name}`, () => compliant(withEgressStatements({ ...tlsStatement("pub-egress"), Condition: { NumericLessThan: { "s3:TlsVersion": value } } })));
        }
    });

    describe("violations", () => {
        it("no TLS statement in the split policy", () => {
            const stack = withPolicy("egress-policy", doc(httpsStatement("pub-egress")));
            violation(stack, URN.egressPolicy, 'bucket "pub-egress"', "TLS older than 1.2");
        });

        it("a threshold below the minimum", () =>
            violation(withEgressStatements({ ...tlsStatement("pub-egress"), Condition: { NumericLessThan: { "s3:TlsVersion": "1.1" } } }), URN.egressPolicy, "1.2"));

        it("a stricter minimum from config", () =>
            assertOneViolation(
                decide(compliantStack(), { minimumTlsVersion: 1.3 }).filter((d) => d.urn === URN.egressPolicy || d.urn === URN.egress),
                URN.egressPolicy,
                "1.3",
            ));

        it("the legacy inline policy without it", () => {
            const stack = withPolicy("egress", { Version: "2012-10-17", Statement: [httpsStatement("pub-egress")] }, legacyStack());
            violation(stack, URN.egress, "inline on Bucket");
        });

        it("is reported at advisory level", () => {
            const stack = withPolicy("egress-policy", doc(httpsStatement("pub-egress")));
            assert.deepStrictEqual(
                reported(stack).map((v) => [v.enforcementLevel, v.urn]),
                [["advisory", URN.egressPolicy]],
            );
        });
    });

    describe("unknown values", () => {
        it("threshold unknown", () => undecided(withEgressStatements({ ...tlsStatement("pub-egress"), Condition: { NumericLessThan: { "s3:TlsVersion": U } } }), URN.egress));
        it("document unknown", () => {
            const stack = withPolicy("egress-policy", U);
            undecided(stack, URN.egress);
        });
    });
});
