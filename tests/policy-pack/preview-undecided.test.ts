import * as assert from "assert";
import { previewUndecided } from "../../policy-pack/policies/preview-undecided";
import { evaluateResources } from "../../policy-pack/offline";
import { compliantStack, find, U, unknownEverywhere, URN, without, withPolicy } from "./fixtures";
import { forPolicy } from "./harness";

const { decide, reported } = forPolicy(previewUndecided);

describe("s3-transfer-preview-undecided", () => {
    it("says nothing when every check is decided", () => assert.deepStrictEqual(decide(compliantStack()), []));

    it("groups the undecided checks of one resource into one advisory note", () => {
        const stack = withPolicy("egress-policy", U);
        const notes = reported(stack);
        assert.deepStrictEqual(
            notes.map((n) => [n.enforcementLevel, n.urn]),
            [
                ["advisory", URN.egress],
                ["advisory", URN.egressPolicy],
            ],
        );
        const onPolicy = notes.find((n) => n.urn === URN.egressPolicy);
        assert.match(onPolicy?.message ?? "", /\[s3-transfer-no-public-access\].*\[s3-transfer-aws-hard-limits\]/);
    });

    it("reports only the policies listed in its config", () => {
        const stack = withPolicy("egress-policy", U);
        const notes = reported(stack, { policies: ["s3-transfer-https-only"] });
        assert.deepStrictEqual(
            notes.map((n) => n.urn),
            [URN.egress],
        );
    });

    it("lists the logging policies' undecided checks only when configured to (for when they are raised to mandatory)", () => {
        const stack = without(compliantStack(), "egress-logging");
        find(stack, "egress").inputs.logging = U;
        assert.deepStrictEqual(reported(stack), []);
        const notes = reported(stack, { policies: ["s3-transfer-access-logging"] });
        assert.deepStrictEqual(
            notes.map((n) => n.urn),
            [URN.egress],
        );
        assert.match(notes[0].message, /\[s3-transfer-access-logging\] Cannot tell yet whether bucket "pub-egress" needs access logging/i);
    });

    it("a first preview with every string unknown: no mandatory violation, notes instead", () => {
        const violations = evaluateResources(unknownEverywhere(compliantStack()));
        assert.deepStrictEqual(
            violations.filter((v) => v.enforcementLevel === "mandatory"),
            [],
        );
        assert.ok(violations.some((v) => v.policy === "s3-transfer-preview-undecided"));
    });
});
