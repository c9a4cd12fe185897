import * as assert from "assert";
import { replicationDependsOnVersioning } from "../../policy-pack/policies/replication-depends-on-versioning";
import { assertAllCompliant, assertOneViolation, compliantStack, decide, find, legacyStack, outcomes, reported, res, T, urn, v6SplitStack } from "./fixtures";

const REPLICATION_URN = urn(T.replication, "egress-replication");
const VERSIONING_URN = urn(T.versioning, "egress-versioning");

describe("s3-transfer-replication-depends-on-versioning", () => {
    it("compliant: direct dependency on the versioning resource (v7)", () => assertAllCompliant(decide(replicationDependsOnVersioning, compliantStack())));

    it("compliant: direct dependency on BucketVersioningV2 (v6)", () => assertAllCompliant(decide(replicationDependsOnVersioning, v6SplitStack())));

    it("compliant: dependency through another resource", () => {
        const stack = compliantStack();
        const gate = res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "gate", { bucket: "pub-egress" }, { dependencies: [VERSIONING_URN] });
        stack.push(gate);
        const r = find(stack, "egress-replication");
        r.dependencies = (r.dependencies ?? []).filter((d) => d !== VERSIONING_URN).concat(gate.urn);
        assertAllCompliant(decide(replicationDependsOnVersioning, stack));
    });

    it("compliant: the bucket's inline replication output beside a BucketReplicationConfig is its copy", () => {
        const stack = compliantStack();
        find(stack, "egress").inputs.replicationConfiguration = { role: "arn:aws:iam::111111111111:role/pub-replication", rules: find(stack, "egress-replication").inputs.rules };
        assertAllCompliant(decide(replicationDependsOnVersioning, stack));
    });

    it("not applicable: versioning declared inline on the bucket", () => assert.deepStrictEqual(decide(replicationDependsOnVersioning, legacyStack()), []));

    it("violation: no dependency on the versioning resource", () => {
        const stack = compliantStack();
        const r = find(stack, "egress-replication");
        r.dependencies = (r.dependencies ?? []).filter((d) => d !== VERSIONING_URN);
        assertOneViolation(decide(replicationDependsOnVersioning, stack), REPLICATION_URN, "dependsOn", '"egress-versioning"');
    });

    it("violation: no dependency on BucketVersioningV2 (v6)", () => {
        const stack = v6SplitStack();
        find(stack, "egress-replication").dependencies = [urn(T.bucketV2, "egress")];
        assertOneViolation(decide(replicationDependsOnVersioning, stack), REPLICATION_URN, "dependsOn");
    });

    it("violation: inline replication beside a split versioning resource", () => {
        const stack = legacyStack();
        const bucketUrn = urn(T.bucket, "egress");
        find(stack, "egress").inputs.versioning = undefined;
        stack.push(
            res(T.versioning, "egress-versioning", { bucket: "pub-egress", versioningConfiguration: { status: "Enabled" } }, { propertyDependencies: { bucket: [bucketUrn] } }),
        );
        assertOneViolation(decide(replicationDependsOnVersioning, stack), bucketUrn, "BucketReplicationConfig");
    });

    it("a dependency cycle does not hang the check", () => {
        const stack = compliantStack();
        const r = find(stack, "egress-replication");
        const a = res("x:y:A", "a", {}, { dependencies: [urn("x:y:B", "b")] });
        const b = res("x:y:B", "b", {}, { dependencies: [a.urn] });
        stack.push(a, b);
        r.dependencies = [a.urn];
        assert.deepStrictEqual(outcomes(decide(replicationDependsOnVersioning, stack)), ["violation"]);
    });

    it("is reported at advisory level", () => {
        const stack = compliantStack();
        find(stack, "egress-replication").dependencies = [];
        assert.deepStrictEqual(
            reported(replicationDependsOnVersioning, stack).map((v) => [v.enforcementLevel, v.urn]),
            [["advisory", REPLICATION_URN]],
        );
    });
});
