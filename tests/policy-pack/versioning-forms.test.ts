// Versioning in every form, for source and destination, and destinations and
// accounts left undecided while preview does not know them.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html (both buckets versioned)
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html (Object Lock keeps versioning on; it cannot be suspended)
import * as assert from "assert";
import { replicationOwnerAndKms } from "../../policy-pack/policies/replication-owner-and-kms";
import { replicationRequiresVersioning } from "../../policy-pack/policies/replication-requires-versioning";
import { ExportResource } from "../../policy-pack/offline";
import { bucketWithSettings, compliantStack, find, legacyStack, PARTNER_ACCOUNT, T, U, urn, URN, v2InlineStack, v6SplitStack, without } from "./fixtures";
import { assertAllCompliant, assertOneViolation, assertUndecided, decide, only } from "./harness";

describe("versioning: Object Lock and Suspended, source and destination", () => {
    it("compliant: a source created with Object Lock and no versioning resource, in each bucket form", () => {
        const v7 = without(compliantStack(), "egress-versioning");
        find(v7, "egress").inputs.objectLockEnabled = true;
        assertAllCompliant(decide(replicationRequiresVersioning, v7));

        const v6 = without(v6SplitStack(), "egress-versioning");
        find(v6, "egress").inputs.objectLockEnabled = "true";
        assertAllCompliant(decide(replicationRequiresVersioning, v6));

        const legacy = legacyStack();
        delete find(legacy, "egress").inputs.versioning;
        find(legacy, "egress").inputs.objectLockConfiguration = { objectLockEnabled: "Enabled" };
        assertAllCompliant(decide(replicationRequiresVersioning, legacy));

        const v2 = v2InlineStack();
        delete find(v2, "egress").inputs.versionings;
        find(v2, "egress").inputs.objectLockConfigurations = [{ objectLockEnabled: "Enabled" }];
        assertAllCompliant(decide(replicationRequiresVersioning, v2));
    });

    it("violation: Object Lock explicitly off does not stand in for versioning", () => {
        const stack = without(compliantStack(), "egress-versioning");
        find(stack, "egress").inputs.objectLockEnabled = false;
        assertOneViolation(decide(replicationRequiresVersioning, stack), URN.egressReplication, "no versioning is configured");
    });

    it("undecided: Object Lock unknown and no versioning", () => {
        const stack = without(compliantStack(), "egress-versioning");
        find(stack, "egress").inputs.objectLockConfiguration = U;
        assertUndecided(decide(replicationRequiresVersioning, stack), URN.egressReplication);
    });

    for (const [name, status] of [
        ["Suspended", "Suspended"],
        ["Disabled", "Disabled"],
    ]) {
        for (const [form, build] of [
            ["v7", compliantStack],
            ["v6 V2 token", v6SplitStack],
        ] as const) {
            it(`violation: source ${name} (${form})`, () => {
                const stack = build();
                find(stack, "egress-versioning").inputs.versioningConfiguration = { status };
                assertOneViolation(decide(replicationRequiresVersioning, stack), URN.egressReplication, `"${status}"`);
            });
        }
    }

    it("violation: inline versioning.enabled false on the legacy bucket", () => {
        const stack = legacyStack();
        find(stack, "egress").inputs.versioning = { enabled: false };
        assertOneViolation(decide(replicationRequiresVersioning, stack), URN.egress, "versioning.enabled is false");
    });

    it("destination in the stack: Suspended fails, Object Lock passes", () => {
        const stack = compliantStack();
        find(stack, "egress-replication").inputs.rules[0].destination = { bucket: "arn:aws:s3:::pub-ingress" };
        find(stack, "ingress-versioning").inputs.versioningConfiguration = { status: "Suspended" };
        assertOneViolation(decide(replicationRequiresVersioning, stack), URN.egressReplication, 'Destination bucket "pub-ingress"', "Suspended");
        const locked = without(stack, "ingress-versioning");
        find(locked, "ingress").inputs.objectLockEnabled = true;
        assertAllCompliant(decide(replicationRequiresVersioning, locked));
    });
});

/** Egress replicating to two buckets of the stack whose ARNs are unknown at preview. */
function twoUnknownDestinations(): ExportResource[] {
    const stack = [...compliantStack(), ...bucketWithSettings("pub-archive", "archive")];
    const replication = find(stack, "egress-replication");
    const rule = replication.inputs.rules[0];
    replication.inputs.rules = [
        { ...rule, id: "to-ingress", priority: 1, destination: { bucket: U } },
        { ...rule, id: "to-archive", priority: 2, destination: { bucket: U } },
    ];
    replication.propertyDependencies = { ...replication.propertyDependencies, rules: [urn(T.bucket, "ingress"), urn(T.bucket, "archive")] };
    return stack;
}

describe("preview: unknown destinations and accounts", () => {
    it("several rules whose destinations are all unknown: compliant when every candidate is versioned", () => {
        const ds = decide(replicationRequiresVersioning, twoUnknownDestinations());
        assertAllCompliant(ds);
        assert.strictEqual(only(ds, "compliant").filter((d) => /may replicate to/.test(d.message)).length, 2);
    });

    it("… violation when no candidate is versioned, undecided when they differ", () => {
        const none = twoUnknownDestinations();
        find(none, "ingress-versioning").inputs.versioningConfiguration = { status: "Suspended" };
        find(none, "archive-versioning").inputs.versioningConfiguration = { status: "Suspended" };
        assert.strictEqual(only(decide(replicationRequiresVersioning, none), "violation").length, 2);

        const mixed = twoUnknownDestinations();
        find(mixed, "archive-versioning").inputs.versioningConfiguration = { status: "Suspended" };
        const ds = decide(replicationRequiresVersioning, mixed);
        assert.deepStrictEqual(only(ds, "violation"), []);
        assert.strictEqual(only(ds, "undecided").length, 2);
    });

    it("whether the destination account is the stack's own stays undecided while the role ARN is unknown", () => {
        const stack = compliantStack();
        const replication = find(stack, "egress-replication");
        replication.inputs.role = U;
        delete replication.inputs.rules[0].destination.accessControlTranslation;
        const ds = decide(replicationOwnerAndKms, stack);
        assertUndecided(ds, URN.egressReplication);
        // Known role in the same account as the destination: no hand-over needed.
        replication.inputs.role = `arn:aws:iam::${PARTNER_ACCOUNT}:role/pub-replication`;
        assert.deepStrictEqual(only(decide(replicationOwnerAndKms, stack), "violation"), []);
        // Known role in another account: the hand-over is required.
        replication.inputs.role = "arn:aws:iam::111111111111:role/pub-replication";
        assertOneViolation(decide(replicationOwnerAndKms, stack), URN.egressReplication, "Destination");
    });
});
