import * as assert from "assert";
import { replicationRequiresVersioning } from "../../policy-pack/policies/replication-requires-versioning";
import { compliantStack, find, legacyStack, T, U, urn, URN, v2InlineStack, v6SplitStack, without } from "./fixtures";
import { forPolicy, outcomes } from "./harness";

const { decide, reported, violation, undecided, itIsCompliantIn } = forPolicy(replicationRequiresVersioning);

/** The compliant stack, replicating from egress to the ingress bucket in the same stack. */
function toIngressInStack() {
    const stack = compliantStack();
    const rules = find(stack, "egress-replication").inputs.rules;
    rules[0].destination = { bucket: "arn:aws:s3:::pub-ingress" };
    return stack;
}

describe("s3-transfer-replication-requires-versioning", () => {
    describe("compliant", () => {
        itIsCompliantIn([
            ["split BucketVersioning Enabled (v7)", compliantStack],
            ["BucketVersioningV2 (v6)", v6SplitStack],
            ["legacy inline versioning.enabled", legacyStack],
            ["BucketV2 inline versionings list", v2InlineStack],
            ["destination in the stack, versioned", toIngressInStack],
        ] as const);

        it("a stack without replication is not applicable", () => {
            const ds = decide(without(compliantStack(), "egress-replication"));
            assert.deepStrictEqual(ds, []);
        });

        it("the inline replication of a bucket unknown during preview is not applicable", () => {
            const stack = without(compliantStack(), "egress-replication");
            find(stack, "egress").inputs.replicationConfiguration = U;
            assert.deepStrictEqual(decide(stack), []);
        });
    });

    describe("violations", () => {
        it("split versioning Suspended", () => {
            const stack = compliantStack();
            find(stack, "egress-versioning").inputs.versioningConfiguration.status = "Suspended";
            violation(stack, URN.egressReplication, 'Bucket "pub-egress"', '"Suspended"');
        });

        it("no versioning at all", () => violation(without(compliantStack(), "egress-versioning"), URN.egressReplication, "no versioning is configured"));

        it("BucketVersioningV2 Disabled (v6)", () => {
            const stack = v6SplitStack();
            find(stack, "egress-versioning").inputs.versioningConfiguration.status = "Disabled";
            violation(stack, URN.egressReplication, '"Disabled"');
        });

        it("legacy inline versioning.enabled false", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.versioning = { enabled: false };
            violation(stack, URN.egress, "versioning.enabled is false");
        });

        it("legacy inline versioning absent", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.versioning;
            violation(stack, URN.egress, "no versioning");
        });

        it("BucketV2 inline versionings enabled false", () => {
            const stack = v2InlineStack();
            find(stack, "egress").inputs.versionings = [{ enabled: false }];
            violation(stack, urn(T.bucketV2, "egress"), "pub-egress");
        });

        it("destination bucket in the stack without versioning", () => {
            const stack = without(toIngressInStack(), "ingress-versioning");
            violation(stack, URN.egressReplication, 'Destination bucket "pub-ingress"');
        });

        it("destination found through the rules' dependencies when its ARN is unknown", () => {
            const stack = without(toIngressInStack(), "ingress-versioning");
            const r = find(stack, "egress-replication");
            r.inputs.rules[0].destination.bucket = U;
            r.propertyDependencies = { ...r.propertyDependencies, rules: [urn(T.bucket, "ingress")] };
            violation(stack, URN.egressReplication, "pub-ingress");
        });

        it("is reported through the policy object", () => {
            const v = reported(without(compliantStack(), "egress-versioning"));
            assert.deepStrictEqual(
                v.map((x) => [x.enforcementLevel, x.urn]),
                [["mandatory", URN.egressReplication]],
            );
        });
    });

    describe("unknown values", () => {
        it("versioning status unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-versioning").inputs.versioningConfiguration.status = U;
            undecided(stack, URN.egressReplication);
        });

        it("inline versioning unknown (a computed output) and no split resource", () => {
            const stack = without(compliantStack(), "egress-versioning");
            find(stack, "egress").inputs.versioning = U;
            undecided(stack, URN.egressReplication);
        });

        it("a versioning resource whose bucket is unknown may be the missing one", () => {
            const stack = compliantStack();
            const v = find(stack, "egress-versioning");
            v.inputs.bucket = U;
            v.propertyDependencies = {};
            v.dependencies = [];
            undecided(stack, URN.egressReplication);
        });

        it("source bucket unknown and not linked", () => {
            const stack = compliantStack();
            const r = find(stack, "egress-replication");
            r.inputs.bucket = U;
            r.propertyDependencies = {};
            r.dependencies = [];
            assert.deepStrictEqual(outcomes(decide(stack)), ["undecided"]);
        });

        it("rules unknown: the source is still checked", () => {
            const stack = without(compliantStack(), "egress-versioning");
            find(stack, "egress-replication").inputs.rules = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
            violation(stack, URN.egressReplication, "no versioning");
        });
    });
});
