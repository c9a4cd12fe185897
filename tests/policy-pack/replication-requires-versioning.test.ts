import * as assert from "assert";
import { replicationRequiresVersioning } from "../../policy-pack/policies/replication-requires-versioning";
import {
    assertAllCompliant,
    assertOneViolation,
    assertUndecided,
    compliantStack,
    decide,
    find,
    legacyStack,
    outcomes,
    reported,
    T,
    U,
    urn,
    v2InlineStack,
    v6SplitStack,
    without,
} from "./fixtures";

const REPLICATION_URN = urn(T.replication, "egress-replication");

/** The compliant stack, replicating from egress to the ingress bucket in the same stack. */
function toIngressInStack() {
    const stack = compliantStack();
    const rules = find(stack, "egress-replication").inputs.rules;
    rules[0].destination = { bucket: "arn:aws:s3:::pub-ingress" };
    return stack;
}

describe("s3-transfer-replication-requires-versioning", () => {
    describe("compliant", () => {
        for (const [name, build] of [
            ["split BucketVersioning Enabled (v7)", compliantStack],
            ["BucketVersioningV2 (v6)", v6SplitStack],
            ["legacy inline versioning.enabled", legacyStack],
            ["BucketV2 inline versionings list", v2InlineStack],
            ["destination in the stack, versioned", toIngressInStack],
        ] as const) {
            it(name, () => assertAllCompliant(decide(replicationRequiresVersioning, build())));
        }

        it("a stack without replication is not applicable", () => {
            const ds = decide(replicationRequiresVersioning, without(compliantStack(), "egress-replication"));
            assert.deepStrictEqual(ds, []);
        });

        it("the inline replication of a bucket unknown during preview is not applicable", () => {
            const stack = without(compliantStack(), "egress-replication");
            find(stack, "egress").inputs.replicationConfiguration = U;
            assert.deepStrictEqual(decide(replicationRequiresVersioning, stack), []);
        });
    });

    describe("violations", () => {
        it("split versioning Suspended", () => {
            const stack = compliantStack();
            find(stack, "egress-versioning").inputs.versioningConfiguration.status = "Suspended";
            assertOneViolation(decide(replicationRequiresVersioning, stack), REPLICATION_URN, 'Bucket "pub-egress"', '"Suspended"');
        });

        it("no versioning at all", () =>
            assertOneViolation(decide(replicationRequiresVersioning, without(compliantStack(), "egress-versioning")), REPLICATION_URN, "no versioning is configured"));

        it("BucketVersioningV2 Disabled (v6)", () => {
            const stack = v6SplitStack();
            find(stack, "egress-versioning").inputs.versioningConfiguration.status = "Disabled";
            assertOneViolation(decide(replicationRequiresVersioning, stack), REPLICATION_URN, '"Disabled"');
        });

        it("legacy inline versioning.enabled false", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.versioning = { enabled: false };
            assertOneViolation(decide(replicationRequiresVersioning, stack), urn(T.bucket, "egress"), "versioning.enabled is false");
        });

        it("legacy inline versioning absent", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.versioning;
            assertOneViolation(decide(replicationRequiresVersioning, stack), urn(T.bucket, "egress"), "no versioning");
        });

        it("BucketV2 inline versionings enabled false", () => {
            const stack = v2InlineStack();
            find(stack, "egress").inputs.versionings = [{ enabled: false }];
            assertOneViolation(decide(replicationRequiresVersioning, stack), urn(T.bucketV2, "egress"), "pub-egress");
        });

        it("destination bucket in the stack without versioning", () => {
            const stack = without(toIngressInStack(), "ingress-versioning");
            assertOneViolation(decide(replicationRequiresVersioning, stack), REPLICATION_URN, 'Destination bucket "pub-ingress"');
        });

        it("destination found through the rules' dependencies when its ARN is unknown", () => {
            const stack = without(toIngressInStack(), "ingress-versioning");
            const r = find(stack, "egress-replication");
            r.inputs.rules[0].destination.bucket = U;
            r.propertyDependencies = { ...r.propertyDependencies, rules: [urn(T.bucket, "ingress")] };
            assertOneViolation(decide(replicationRequiresVersioning, stack), REPLICATION_URN, "pub-ingress");
        });

        it("is reported through the policy object", () => {
            const v = reported(replicationRequiresVersioning, without(compliantStack(), "egress-versioning"));
            assert.deepStrictEqual(
                v.map((x) => [x.enforcementLevel, x.urn]),
                [["mandatory", REPLICATION_URN]],
            );
        });
    });

    describe("unknown values", () => {
        it("versioning status unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-versioning").inputs.versioningConfiguration.status = U;
            assertUndecided(decide(replicationRequiresVersioning, stack), REPLICATION_URN);
        });

        it("inline versioning unknown (a computed output) and no split resource", () => {
            const stack = without(compliantStack(), "egress-versioning");
            find(stack, "egress").inputs.versioning = U;
            assertUndecided(decide(replicationRequiresVersioning, stack), REPLICATION_URN);
        });

        it("a versioning resource whose bucket is unknown may be the missing one", () => {
            const stack = compliantStack();
            const v = find(stack, "egress-versioning");
            v.inputs.bucket = U;
            v.propertyDependencies = {};
            v.dependencies = [];
            assertUndecided(decide(replicationRequiresVersioning, stack), REPLICATION_URN);
        });

        it("source bucket unknown and not linked", () => {
            const stack = compliantStack();
            const r = find(stack, "egress-replication");
            r.inputs.bucket = U;
            r.propertyDependencies = {};
            r.dependencies = [];
            assert.deepStrictEqual(outcomes(decide(replicationRequiresVersioning, stack)), ["undecided"]);
        });

        it("rules unknown: the source is still checked", () => {
            const stack = without(compliantStack(), "egress-versioning");
            find(stack, "egress-replication").inputs.rules = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
            assertOneViolation(decide(replicationRequiresVersioning, stack), REPLICATION_URN, "no versioning");
        });
    });
});
