// What a replication rule's own settings require of its role.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-change-owner.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
import * as assert from "assert";
import { replicationRolePermissions } from "../../policy-pack/policies/replication-role-permissions";
import { ExportResource } from "../../policy-pack/offline";
import {
    COMPLIANT_FORMS,
    compliantStack,
    doc,
    find,
    inGovCloud,
    legacyStack,
    REPLICA_KEY,
    replicationKmsStatements,
    res,
    SOURCE_KEY,
    T,
    U,
    URN,
    v2InlineStack,
    v6SplitStack,
    withManagedPermissions,
    withPolicy,
} from "./fixtures";
import { forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(replicationRolePermissions);

/** Remove one action from every statement of the role's RolePolicy. */
function withoutAction(stack: ExportResource[], action: string): ExportResource[] {
    const p = find(stack, "replication-permissions");
    const d = JSON.parse(p.inputs.policy);
    for (const st of d.Statement) {
        st.Action = ([] as string[]).concat(st.Action).filter((a: string) => a !== action);
    }
    d.Statement = d.Statement.filter((st: { Action: string[] }) => st.Action.length > 0);
    p.inputs.policy = JSON.stringify(d);
    return stack;
}

/** The v7 stack replicating SSE-KMS objects with a replica key, Bucket Keys on, its role holding the KMS grants. */
function kmsSplitStack(): ExportResource[] {
    const stack = compliantStack();
    find(stack, "egress-encryption").inputs.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: SOURCE_KEY }, bucketKeyEnabled: true }];
    const rule = find(stack, "egress-replication").inputs.rules[0];
    rule.destination.encryptionConfiguration = { replicaKmsKeyId: REPLICA_KEY };
    rule.sourceSelectionCriteria = { sseKmsEncryptedObjects: { status: "Enabled" } };
    const p = find(stack, "replication-permissions");
    const d = JSON.parse(p.inputs.policy);
    d.Statement.push(...replicationKmsStatements());
    p.inputs.policy = JSON.stringify(d);
    return stack;
}

describe("s3-transfer-replication-role-permissions", () => {
    describe("compliant", () => {
        itIsCompliantIn([...COMPLIANT_FORMS, ["SSE-KMS with Bucket Keys, split (v7)", kmsSplitStack] as const]);

        it("a grant through an attached managed policy in the stack counts", () => {
            const stack = withManagedPermissions(
                doc({
                    Effect: "Allow",
                    Action: ["s3:GetReplicationConfiguration", "s3:GetObjectVersionForReplication", "s3:Replicate*", "s3:ObjectOwnerOverrideToBucketOwner"],
                    Resource: ["arn:aws:s3:::pub-egress", "arn:aws:s3:::pub-egress/*", "arn:aws:s3:::partner-ingress/*"],
                }),
            );
            compliant(stack);
        });

        it("a rule that is Disabled requires nothing", () => {
            const stack = withoutAction(compliantStack(), "s3:ObjectOwnerOverrideToBucketOwner");
            find(stack, "egress-replication").inputs.rules[0].status = "Disabled";
            assert.deepStrictEqual(
                decide(stack).filter((d) => d.outcome === "violation"),
                [],
            );
        });
    });

    describe("violations: the rule's settings need what no Allow names", () => {
        const forms: [string, () => ExportResource[]][] = [
            ["v7 split", compliantStack],
            ["v6 V2 tokens", v6SplitStack],
            ["legacy inline", legacyStack],
            ["BucketV2 inline", v2InlineStack],
        ];
        for (const [form, build] of forms) {
            it(`${form}: owner override without s3:ObjectOwnerOverrideToBucketOwner`, () =>
                violation(withoutAction(build(), "s3:ObjectOwnerOverrideToBucketOwner"), URN.replicationRole, "s3:ObjectOwnerOverrideToBucketOwner", "hands ownership"));

            it(`${form}: no s3:ReplicateObject`, () => violation(withoutAction(build(), "s3:ReplicateObject"), URN.replicationRole, "s3:ReplicateObject"));
        }

        it("delete marker replication Enabled without s3:ReplicateDelete (V2 schema, and legacy deleteMarkerReplicationStatus)", () => {
            const split = withoutAction(compliantStack(), "s3:ReplicateDelete");
            compliant(split);
            find(split, "egress-replication").inputs.rules[0].deleteMarkerReplication = { status: "Enabled" };
            violation(split, URN.replicationRole, "s3:ReplicateDelete", "delete markers");

            const legacy = withoutAction(legacyStack(), "s3:ReplicateDelete");
            find(legacy, "egress").inputs.replicationConfiguration.rules[0].deleteMarkerReplicationStatus = "Enabled";
            violation(legacy, URN.replicationRole, "s3:ReplicateDelete");
        });

        it("a replica key without kms:Encrypt on it", () => {
            const stack = kmsSplitStack();
            const p = find(stack, "replication-permissions");
            const d = JSON.parse(p.inputs.policy);
            d.Statement = d.Statement.filter((st: { Resource: string }) => st.Resource !== REPLICA_KEY);
            d.Statement.push({ Effect: "Allow", Action: "kms:Decrypt", Resource: REPLICA_KEY });
            p.inputs.policy = JSON.stringify(d);
            violation(stack, URN.replicationRole, "kms:Encrypt", REPLICA_KEY);
        });

        it("S3 Bucket Keys on without kms:Decrypt on the replica key (legacy inline and split)", () => {
            for (const build of [kmsSplitStack, legacyStack]) {
                const stack = build();
                const p = find(stack, "replication-permissions");
                const d = JSON.parse(p.inputs.policy);
                for (const st of d.Statement) if (st.Resource === REPLICA_KEY) st.Action = ["kms:Encrypt"];
                p.inputs.policy = JSON.stringify(d);
                violation(stack, URN.replicationRole, "kms:Decrypt", "Bucket Keys");
                // With Bucket Keys off, kms:Encrypt is enough.
                const off = structuredClone(stack);
                const enc = off.find((r) => r.urn.endsWith("::egress-encryption"));
                if (enc) (enc.inputs!.rules as { bucketKeyEnabled: boolean }[])[0].bucketKeyEnabled = false;
                else (find(off, "egress").inputs.serverSideEncryptionConfiguration.rule as { bucketKeyEnabled: boolean }).bucketKeyEnabled = false;
                compliant(off);
            }
        });

        it("SSE-KMS source objects without kms:Decrypt on the source key", () => {
            const stack = kmsSplitStack();
            const p = find(stack, "replication-permissions");
            const d = JSON.parse(p.inputs.policy);
            d.Statement = d.Statement.filter((st: { Resource: string }) => st.Resource !== SOURCE_KEY);
            p.inputs.policy = JSON.stringify(d);
            violation(stack, URN.replicationRole, "kms:Decrypt", SOURCE_KEY);
        });

        it("is reported at mandatory level on the role", () =>
            assert.deepStrictEqual(
                reported(withoutAction(compliantStack(), "s3:ObjectOwnerOverrideToBucketOwner")).map((v) => [v.enforcementLevel, v.urn]),
                [["mandatory", URN.replicationRole]],
            ));
    });

    describe("undecided", () => {
        it("the role's policy unknown until apply", () => {
            const stack = withPolicy("replication-permissions", U);
            undecided(stack, URN.replicationRole);
        });

        it("the owner override unknown", () => {
            const stack = withoutAction(compliantStack(), "s3:ObjectOwnerOverrideToBucketOwner");
            find(stack, "egress-replication").inputs.rules[0].destination.accessControlTranslation = { owner: U };
            undecided(stack, URN.replicationRole);
        });

        it("KMS actions of an AWS managed policy (the shipped table keeps S3 statements only)", () => {
            const stack = kmsSplitStack();
            const p = find(stack, "replication-permissions");
            const d = JSON.parse(p.inputs.policy);
            d.Statement = d.Statement.filter((st: { Resource: string }) => st.Resource !== SOURCE_KEY);
            p.inputs.policy = JSON.stringify(d);
            const roleUrn = URN.replicationRole;
            stack.push(
                res(
                    T.attachment,
                    "kms-managed",
                    { role: "pub-replication", policyArn: "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser" },
                    { propertyDependencies: { role: [roleUrn] } },
                ),
            );
            undecided(stack, URN.replicationRole);
        });

        it("the role ARN unknown and not traceable", () => {
            const stack = compliantStack();
            const r = find(stack, "egress-replication");
            r.inputs.role = U;
            r.propertyDependencies = { ...r.propertyDependencies, role: [] };
            r.dependencies = [];
            undecided(stack, URN.egressReplication);
        });
    });
});

/** The replication role's policy document, edited in place. */
function editRolePolicy(stack: ExportResource[], edit: (d: { Statement: Record<string, any>[] }) => void): ExportResource[] {
    const p = find(stack, "replication-permissions");
    const d = JSON.parse(p.inputs.policy);
    edit(d);
    p.inputs.policy = JSON.stringify(d);
    return stack;
}

/** The first replication rule of the egress bucket, in whichever form the stack declares it. */
function firstRule(stack: ExportResource[]): Record<string, any> {
    const split = stack.find((r) => r.urn.endsWith("::egress-replication"));
    if (split) {
        return (split.inputs as Record<string, any>).rules[0];
    }
    const b = find(stack, "egress").inputs;
    return (b.replicationConfiguration ?? b.replicationConfigurations[0]).rules[0];
}

/** Sets the rule's prefix in its schema: V2 `filter.prefix`, v6 BucketV2 `filters`, legacy `prefix`. */
function setPrefix(stack: ExportResource[], prefix: string): void {
    const rule = firstRule(stack);
    if (stack.some((r) => r.urn.endsWith("::egress-replication"))) {
        rule.filter = { prefix };
    } else if (find(stack, "egress").type === T.bucketV2) {
        rule.filters = [{ prefix }];
    } else {
        rule.prefix = prefix;
    }
}

const setResource = (action: string, resource: string) => (d: { Statement: Record<string, any>[] }) => {
    for (const st of d.Statement) {
        if (([] as string[]).concat(st.Action).includes(action)) {
            st.Resource = resource;
        }
    }
};

// The role must be granted the replication actions on the objects the rule
// replicates: s3:GetObjectVersionForReplication on the source objects,
// s3:ReplicateObject/ReplicateDelete/ObjectOwnerOverrideToBucketOwner on the
// destination's, under the rule's prefix (setting-repl-config-perm-overview).
// An explicit Deny without conditions overrides those Allows (IAM policy
// evaluation logic, reference_policies_evaluation-logic.html).
describe("s3-transfer-replication-role-permissions: resources and explicit denies, in every form", () => {
    for (const [form, build] of COMPLIANT_FORMS) {
        describe(form, () => {
            it("grants limited to the rule's prefix are enough for a rule with that prefix", () => {
                const stack = build();
                setPrefix(stack, "reports/");
                editRolePolicy(stack, (d) => {
                    setResource("s3:GetObjectVersionForReplication", "arn:aws:s3:::pub-egress/reports/*")(d);
                    setResource("s3:ReplicateObject", "arn:aws:s3:::partner-ingress/reports/*")(d);
                });
                compliant(stack);
            });

            it("the same grants fall short of a rule replicating every object", () => {
                const stack = editRolePolicy(build(), (d) => {
                    setResource("s3:GetObjectVersionForReplication", "arn:aws:s3:::pub-egress/reports/*")(d);
                });
                violation(stack, URN.replicationRole, "s3:GetObjectVersionForReplication on arn:aws:s3:::pub-egress/*");
            });

            it("s3:ReplicateObject granted on another bucket's objects", () => {
                const stack = editRolePolicy(build(), setResource("s3:ReplicateObject", "arn:aws:s3:::other-bucket/*"));
                violation(stack, URN.replicationRole, "s3:ReplicateObject on arn:aws:s3:::partner-ingress/*", "s3:ObjectOwnerOverrideToBucketOwner");
            });

            it("s3:GetObjectVersionForReplication granted on the destination instead of the source", () => {
                const stack = editRolePolicy(build(), setResource("s3:GetObjectVersionForReplication", "arn:aws:s3:::partner-ingress/*"));
                violation(stack, URN.replicationRole, "s3:GetObjectVersionForReplication");
            });

            it("a Deny with a condition does not count as taking the grant away", () => {
                const stack = editRolePolicy(build(), (d) => {
                    d.Statement.push({ Effect: "Deny", Action: "s3:ReplicateObject", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
                });
                compliant(stack);
            });

            for (const resource of ["*", "arn:aws:s3:::partner-ingress/*"]) {
                it(`an unconditioned Deny of s3:ReplicateObject on ${resource}`, () => {
                    const stack = editRolePolicy(build(), (d) => {
                        d.Statement.push({ Effect: "Deny", Action: "s3:Replicate*", Resource: resource });
                    });
                    violation(stack, URN.replicationRole, "Deny statement without conditions", "s3:ReplicateObject");
                });
            }
        });
    }
});

// The role's grants are ARNs of the bucket's partition: in GovCloud an `arn:aws:`
// grant names no bucket of the stack (IAM reference-arns.html).
describe("s3-transfer-replication-role-permissions: partitions, in every form", () => {
    for (const [form, build] of COMPLIANT_FORMS) {
        it(`${form}: in GovCloud, compliant with grants in its own partition`, () => compliant(inGovCloud(build())));

        it(`${form}: in GovCloud, grants written with arn:aws: grant nothing`, () => {
            const stack = editRolePolicy(inGovCloud(build()), (d) => {
                for (const st of d.Statement) {
                    st.Resource = ([] as string[]).concat(st.Resource).map((r) => r.replace("arn:aws-us-gov:s3:", "arn:aws:s3:"));
                }
            });
            violation(stack, URN.replicationRole, "s3:GetReplicationConfiguration on arn:aws-us-gov:s3:::pub-egress");
        });
    }
});

// S3 assumes the replication role as s3.amazonaws.com with sts:AssumeRole
// (setting-repl-config-perm-overview); a trust that lets anyone, or another
// account without a condition, assume it hands that caller the role's reads of
// the source and writes to the destination.
describe("s3-transfer-replication-role-permissions: the role's trust, in every form", () => {
    function withTrust(stack: ExportResource[], ...statements: Record<string, unknown>[]): ExportResource[] {
        find(stack, "replication-role").inputs.assumeRolePolicy = doc(...statements);
        return stack;
    }
    const S3 = { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" };

    for (const [form, build] of COMPLIANT_FORMS) {
        describe(form, () => {
            it("S3's trust with conditions, and a partner trusted under an external ID, are fine here", () => {
                const stack = withTrust(
                    build(),
                    { ...S3, Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } },
                    { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "x" } } },
                );
                compliant(stack);
            });

            it("a role trusted only by Batch Operations: S3 cannot assume it", () => {
                const stack = withTrust(build(), { ...S3, Principal: { Service: "batchoperations.s3.amazonaws.com" } });
                violation(stack, URN.replicationRole, "does not trust s3.amazonaws.com");
            });

            it("S3 trusted for another action than sts:AssumeRole", () => {
                const stack = withTrust(build(), { ...S3, Action: "sts:TagSession" });
                violation(stack, URN.replicationRole, "does not trust s3.amazonaws.com");
            });

            for (const [name, statement] of [
                ["Principal *", { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }],
                ["Principal {AWS: *}", { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:*" }],
                ["another account, unconditioned", { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" }],
                ["another account by ID, unconditioned", { Effect: "Allow", Principal: { AWS: "999999999999" }, Action: "sts:AssumeRole" }],
            ] as const) {
                it(`beside S3's trust, ${name} makes the role assumable by others`, () => {
                    const stack = withTrust(build(), S3, statement);
                    violation(stack, URN.replicationRole, "can be assumed by others");
                });
            }
        });
    }
});
