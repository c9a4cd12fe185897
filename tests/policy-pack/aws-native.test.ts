// Programs written with @pulumi/aws-native, and programs that mix both providers:
// S3 keeps one policy, one versioning state and one public access block per bucket
// whichever provider wrote them, so the pack judges the bucket, not the resource
// type. Property names: aws-native-schema.json (recorded from the package's
// typings; aws-native-schema.test.ts checks these fixtures against it).
// https://www.pulumi.com/registry/packages/aws-native/api-docs/s3/bucket/
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html
import * as assert from "assert";
import { evaluateResources } from "../../policy-pack/offline";
import { policies } from "../../policy-pack/policies";
import {
    accessLogging,
    aclsDisabled,
    defaultEncryption,
    httpsOnly,
    noPublicAccess,
    replicationDependsOnVersioning,
    replicationRequiresVersioning,
    replicationRoleLeastPrivilege,
    replicationRolePermissions,
    replicationTrustSource,
} from "../../policy-pack/policies";
import {
    ACCOUNT,
    bucketWithSettings,
    compliantStack,
    doc,
    find,
    httpsStatement,
    N,
    nativeBucket,
    nativeDocument,
    nativeReplication,
    nativeStack,
    NURN,
    REPLICATION_TRUST,
    res,
    T,
    U,
    urn,
    URN,
    without,
} from "./fixtures";
import { decide, forPolicy } from "./harness";

const OPEN_READ = (bucket: string) => ({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` });

describe("@pulumi/aws-native programs", () => {
    it("a compliant native publisher side passes every policy of the pack, advisory ones included", () => {
        assert.deepStrictEqual(evaluateResources(nativeStack()), []);
    });

    it("every mandatory policy judges the native resources (a compliant decision on them), none passes them unread", () => {
        const stack = nativeStack();
        for (const p of policies.filter((x) => x.enforcementLevel === "mandatory")) {
            const on = decide(p, stack).filter((d) => d.outcome === "compliant" && (d.urn.includes("::aws-native:") || d.message.includes("aws-native")));
            assert.ok(on.length > 0, `${p.name} made no decision on a native resource`);
        }
    });

    describe("a public website bucket (S3 User Guide, WebsiteAccessPermissionsReqd: Block Public Access off and a public-read policy)", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteAccessPermissionsReqd.html
        const website = () => {
            const stack = nativeStack();
            const egress = find(stack, "egress");
            egress.inputs.websiteConfiguration = { indexDocument: "index.html" };
            egress.inputs.publicAccessBlockConfiguration = { blockPublicAcls: false, blockPublicPolicy: false, ignorePublicAcls: false, restrictPublicBuckets: false };
            find(stack, "egress-policy").inputs.policyDocument.Statement.push(OPEN_READ("pub-egress"));
            return stack;
        };
        it("violation: its Block Public Access is off and its policy is public", () => {
            const v = forPolicy(noPublicAccess)
                .decide(website())
                .filter((d) => d.outcome === "violation");
            assert.deepStrictEqual(v.map((d) => d.urn).sort(), [NURN.egress, NURN.egressPolicy].sort());
            assert.match(v.find((d) => d.urn === NURN.egress)!.message, /publicAccessBlockConfiguration of aws-native Bucket "egress"\) leaves .*"blockPublicPolicy".* off/);
        });
        it("compliant: the same bucket with Block Public Access on and no public statement", () => forPolicy(noPublicAccess).compliant(nativeStack()));
    });

    describe("replication from a bucket whose versioning is suspended", () => {
        it("violation on the native bucket (S3 refuses replication on an unversioned bucket)", () => {
            const stack = nativeStack();
            find(stack, "egress").inputs.versioningConfiguration = { status: "Suspended" };
            forPolicy(replicationRequiresVersioning).violation(stack, NURN.egress, 'status "Suspended" on versioningConfiguration of aws-native Bucket "egress"');
        });
        it("violation: no versioningConfiguration at all", () => {
            const stack = nativeStack();
            delete find(stack, "egress").inputs.versioningConfiguration;
            forPolicy(replicationRequiresVersioning).violation(stack, NURN.egress, "no versioning is configured");
        });
        it("compliant: created with Object Lock (versioned for good)", () => {
            const stack = nativeStack();
            Object.assign(find(stack, "egress").inputs, { versioningConfiguration: undefined, objectLockEnabled: true });
            forPolicy(replicationRequiresVersioning).compliant(stack);
        });
        it("undecided: the versioning configuration is unknown until apply", () => {
            const stack = nativeStack();
            find(stack, "egress").inputs.versioningConfiguration = U;
            forPolicy(replicationRequiresVersioning).undecided(stack, NURN.egress);
        });
    });

    describe("a bucket policy without the TLS deny", () => {
        it("violation on the native BucketPolicy", () => {
            const stack = nativeStack();
            find(stack, "egress-policy").inputs.policyDocument.Statement.shift();
            forPolicy(httpsOnly).violation(stack, NURN.egressPolicy, "aws-native BucketPolicy", "aws:SecureTransport");
        });
        it("violation: a native bucket with no policy at all", () => {
            forPolicy(httpsOnly).violation(without(nativeStack(), "egress-policy"), NURN.egress, "has no bucket policy");
        });
        it("compliant: the policy document given as a JSON string", () => {
            const stack = nativeStack();
            const p = find(stack, "egress-policy");
            p.inputs.policyDocument = JSON.stringify(p.inputs.policyDocument);
            forPolicy(httpsOnly).compliant(stack);
        });
    });

    describe("the replication role", () => {
        it("violation: an inline policy granting s3:*", () => {
            const stack = nativeStack();
            find(stack, "replication-role").inputs.policies[0].policyDocument.Statement.push({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::pub-egress/*" });
            forPolicy(replicationRoleLeastPrivilege).violation(stack, NURN.replicationRole, 'Action "s3:*"');
        });
        it("violation: an aws-native ManagedPolicy attached through its roles with Resource * for S3 actions", () => {
            const stack = nativeStack();
            stack.push(
                res(N.managedPolicy, "wide", {
                    managedPolicyName: "wide",
                    roles: ["pub-replication"],
                    policyDocument: nativeDocument({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
                }),
            );
            forPolicy(replicationRoleLeastPrivilege).violation(stack, urn(N.managedPolicy, "wide"), 'Resource "*"');
        });
        it("violation: an aws-native RolePolicy beside it denies s3:ReplicateObject", () => {
            const stack = nativeStack();
            stack.push(
                res(N.rolePolicy, "deny", {
                    roleName: "pub-replication",
                    policyName: "deny",
                    policyDocument: nativeDocument({ Effect: "Deny", Action: "s3:Replicate*", Resource: "*" }),
                }),
            );
            forPolicy(replicationRolePermissions).violation(stack, NURN.replicationRole, "Deny statement without conditions", "s3:ReplicateObject");
        });
        it("violation: a native role without s3:ReplicateObject (DstPutObjectNotPermitted)", () => {
            const stack = nativeStack();
            const policy = find(stack, "replication-role").inputs.policies[0].policyDocument;
            policy.Statement = policy.Statement.filter((s: { Resource: string }) => !String(s.Resource).includes("partner-ingress"));
            forPolicy(replicationRolePermissions).violation(stack, NURN.replicationRole, "s3:ReplicateObject", "DstPutObjectNotPermitted");
        });
        it("advisory note: its trust conditioned on aws:SourceAccount", () => {
            const stack = nativeStack();
            find(stack, "replication-role").inputs.assumeRolePolicyDocument = {
                ...REPLICATION_TRUST,
                Statement: [{ ...REPLICATION_TRUST.Statement[0], Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }],
            };
            forPolicy(replicationTrustSource).violation(stack, NURN.replicationRole, "aws:SourceAccount");
        });
    });

    describe("the other settings of a native bucket", () => {
        it("compliant: no bucketEncryption is SSE-S3, which S3 applies to every bucket (UsingServerSideEncryption.html)", () => {
            const stack = nativeStack();
            delete find(stack, "ingress").inputs.bucketEncryption;
            forPolicy(defaultEncryption).compliant(stack);
        });
        it("violation (advisory): ownershipControls ObjectWriter keeps ACLs enabled", () => {
            const stack = nativeStack();
            find(stack, "ingress").inputs.ownershipControls = { rules: [{ objectOwnership: "ObjectWriter" }] };
            forPolicy(aclsDisabled).violation(stack, NURN.ingress, '"ObjectWriter"', "ownershipControls of aws-native Bucket");
        });
        it("violation: accessControl PublicRead, CloudFormation's name for the public-read canned ACL", () => {
            const stack = nativeStack();
            find(stack, "ingress").inputs.accessControl = "PublicRead";
            forPolicy(noPublicAccess).violation(stack, NURN.ingress, '"public-read"');
        });
        it("violation (advisory): loggingConfiguration without a destination logs into the bucket itself", () => {
            // AWS::S3::Bucket LoggingConfiguration, DestinationBucketName: "By default, logs are stored in the bucket where the LoggingConfiguration property is defined."
            // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-loggingconfiguration.html
            const stack = nativeStack();
            find(stack, "ingress").inputs.loggingConfiguration = { logFilePrefix: "self/" };
            forPolicy(accessLogging).violation(stack, NURN.ingress, "into itself");
        });
        it("compliant (advisory): versioning and replication declared on one native resource need no dependsOn", () =>
            forPolicy(replicationDependsOnVersioning).compliant(nativeStack()));
    });
});

describe("programs mixing @pulumi/aws and @pulumi/aws-native: one bucket, whichever provider wrote each part", () => {
    it("a classic bucket whose policy is an aws-native BucketPolicy has that policy (compliant, not 'no bucket policy')", () => {
        const stack = without(compliantStack(), "egress-policy");
        stack.push(
            res(
                N.policy,
                "egress-native-policy",
                { bucket: "pub-egress", policyDocument: { Version: "2012-10-17", Statement: [httpsStatement("pub-egress")] } },
                {
                    dependencies: [URN.egress],
                    propertyDependencies: { bucket: [URN.egress] },
                },
            ),
        );
        forPolicy(httpsOnly).compliant(stack);
    });

    it("violation: that native BucketPolicy lacks the TLS deny", () => {
        const stack = without(compliantStack(), "egress-policy");
        stack.push(res(N.policy, "egress-native-policy", { bucket: "pub-egress", policyDocument: { Version: "2012-10-17", Statement: [OPEN_READ("pub-egress")] } }));
        forPolicy(httpsOnly).violation(stack, urn(N.policy, "egress-native-policy"), "aws:SecureTransport");
    });

    it("a native bucket with a classic BucketPolicy and a classic and a native policy on one bucket: each must carry the deny (they overwrite each other)", () => {
        const stack = nativeStack();
        stack.push(res(T.policy, "classic-policy", { bucket: "pub-ingress", policy: doc(OPEN_READ("pub-ingress")) }));
        forPolicy(httpsOnly).violation(stack, urn(T.policy, "classic-policy"), "several BucketPolicy resources");
    });

    const withNativeDestination = (versioning: unknown) => {
        const stack = compliantStack();
        const partnerIngress = nativeBucket("partner-ingress", "partner-ingress", { versioningConfiguration: versioning });
        return [...stack, ...partnerIngress];
    };
    it("violation: a classic replication rule whose destination is a native bucket of the stack with versioning suspended (DstBucketUnversioned)", () =>
        forPolicy(replicationRequiresVersioning).violation(
            withNativeDestination({ status: "Suspended" }),
            URN.egressReplication,
            'Destination bucket "partner-ingress"',
            "DstBucketUnversioned",
        ));
    it("compliant: the same native destination versioned", () => forPolicy(replicationRequiresVersioning).compliant(withNativeDestination({ status: "Enabled" })));

    it("a native replication rule into a classic bucket of the stack is judged against that bucket's BucketVersioning", () => {
        const stack = [...nativeStack(), ...bucketWithSettings("partner-ingress", "partner-ingress")];
        forPolicy(replicationRequiresVersioning).compliant(stack);
        find(stack, "partner-ingress-versioning").inputs.versioningConfiguration = { status: "Suspended" };
        forPolicy(replicationRequiresVersioning).violation(stack, NURN.egress, 'Destination bucket "partner-ingress"');
    });

    it("a classic role replicating a native bucket, and a native role named by a classic rule, are both found", () => {
        const native = nativeStack();
        find(native, "egress").inputs.replicationConfiguration = nativeReplication();
        const mixed = [...without(native, "replication-role"), ...compliantStack().filter((r) => r.type === T.role || r.type === T.rolePolicy)];
        forPolicy(replicationRolePermissions).compliant(mixed);
        const classicWithNativeRole = [...without(compliantStack(), "replication-role", "replication-permissions"), find(nativeStack(), "replication-role")];
        forPolicy(replicationRolePermissions).compliant(classicWithNativeRole);
    });
});
