import * as assert from "assert";
import { replicationDependsOnVersioning } from "../../policy-pack/policies/replication-depends-on-versioning";
import { compliantStack, find, legacyStack, res, T, urn, URN, v6SplitStack } from "./fixtures";
import { forPolicy, outcomes } from "./harness";

const { decide, reported, compliant, violation } = forPolicy(replicationDependsOnVersioning);

describe("s3-transfer-replication-depends-on-versioning", () => {
    it("compliant: direct dependency on the versioning resource (v7)", () => compliant(compliantStack()));

    it("compliant: direct dependency on BucketVersioningV2 (v6)", () => compliant(v6SplitStack()));

    it("compliant: dependency through another resource", () => {
        const stack = compliantStack();
        const gate = res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "gate", { bucket: "pub-egress" }, { dependencies: [URN.egressVersioning] });
        stack.push(gate);
        const r = find(stack, "egress-replication");
        r.dependencies = (r.dependencies ?? []).filter((d) => d !== URN.egressVersioning).concat(gate.urn);
        compliant(stack);
    });

    it("compliant: the bucket's inline replication output beside a BucketReplicationConfig is its copy", () => {
        const stack = compliantStack();
        find(stack, "egress").inputs.replicationConfiguration = { role: "arn:aws:iam::111111111111:role/pub-replication", rules: find(stack, "egress-replication").inputs.rules };
        compliant(stack);
    });

    it("not applicable: versioning declared inline on the bucket", () => assert.deepStrictEqual(decide(legacyStack()), []));

    it("violation: no dependency on the versioning resource", () => {
        const stack = compliantStack();
        const r = find(stack, "egress-replication");
        r.dependencies = (r.dependencies ?? []).filter((d) => d !== URN.egressVersioning);
        violation(stack, URN.egressReplication, "dependsOn", '"egress-versioning"');
    });

    it("violation: no dependency on BucketVersioningV2 (v6)", () => {
        const stack = v6SplitStack();
        find(stack, "egress-replication").dependencies = [urn(T.bucketV2, "egress")];
        violation(stack, URN.egressReplication, "dependsOn");
    });

    it("violation: inline replication beside a split versioning resource", () => {
        const stack = legacyStack();
        const bucketUrn = URN.egress;
        find(stack, "egress").inputs.versioning = undefined;
        stack.push(
            res(T.versioning, "egress-versioning", { bucket: "pub-egress", versioningConfiguration: { status: "Enabled" } }, { propertyDependencies: { bucket: [bucketUrn] } }),
        );
        violation(stack, bucketUrn, "BucketReplicationConfig");
    });

    it("a dependency cycle does not hang the check", () => {
        const stack = compliantStack();
        const r = find(stack, "egress-replication");
        const a = res("x:y:A", "a", {}, { dependencies: [urn("x:y:B", "b")] });
        const b = res("x:y:B", "b", {}, { dependencies: [a.urn] });
        stack.push(a, b);
        r.dependencies = [a.urn];
        assert.deepStrictEqual(outcomes(decide(stack)), ["violation"]);
    });

    it("is reported at advisory level", () => {
        const stack = compliantStack();
        find(stack, "egress-replication").dependencies = [];
        assert.deepStrictEqual(
            reported(stack).map((v) => [v.enforcementLevel, v.urn]),
            [["advisory", URN.egressReplication]],
        );
    });
});
