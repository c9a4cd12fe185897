import * as assert from "assert";
import { previewUndecided } from "../../policy-pack/policies/preview-undecided";
import { evaluateResources } from "../../policy-pack/offline";
import { compliantStack, decide, find, reported, T, U, unknownEverywhere, urn, without } from "./fixtures";

const POLICY_URN = urn(T.policy, "egress-policy");

describe("s3-transfer-preview-undecided", () => {
    it("says nothing when every check is decided", () => assert.deepStrictEqual(decide(previewUndecided, compliantStack()), []));

    it("groups the undecided checks of one resource into one advisory note", () => {
        const stack = compliantStack();
        find(stack, "egress-policy").inputs.policy = U;
        const notes = reported(previewUndecided, stack);
        assert.deepStrictEqual(
            notes.map((n) => [n.enforcementLevel, n.urn]),
            [
                ["advisory", urn(T.bucket, "egress")],
                ["advisory", POLICY_URN],
            ],
        );
        const onPolicy = notes.find((n) => n.urn === POLICY_URN);
        assert.match(onPolicy?.message ?? "", /\[s3-transfer-no-public-access\].*\[s3-transfer-aws-hard-limits\]/);
    });

    it("reports only the policies listed in its config", () => {
        const stack = compliantStack();
        find(stack, "egress-policy").inputs.policy = U;
        const notes = reported(previewUndecided, stack, { policies: ["s3-transfer-https-only"] });
        assert.deepStrictEqual(
            notes.map((n) => n.urn),
            [urn(T.bucket, "egress")],
        );
    });

    it("lists the logging policies' undecided checks only when configured to (for when they are raised to mandatory)", () => {
        const stack = without(compliantStack(), "egress-logging");
        find(stack, "egress").inputs.logging = U;
        assert.deepStrictEqual(reported(previewUndecided, stack), []);
        const notes = reported(previewUndecided, stack, { policies: ["s3-transfer-access-logging"] });
        assert.deepStrictEqual(
            notes.map((n) => n.urn),
            [urn(T.bucket, "egress")],
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
