// Every documented requirement of a replication rule, checked against the
// destination as the program declares it, in both providers; messages name the
// replication failure reason S3 reports for the objects.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html#replication-failure-codes
import * as assert from "assert";
import type { ExportResource } from "../../policy-pack/offline";
import { replicationOwnerAndKms, replicationRequirements, replicationRolePermissions } from "../../policy-pack/policies";
import {
    ACCOUNT,
    accountProvider,
    bucketWithSettings,
    compliantStack,
    doc,
    find,
    httpsStatement,
    legacyStack,
    nativeBucket,
    nativeStack,
    NURN,
    PARTNER_ACCOUNT,
    partnerReadStatement,
    provider,
    providerRef,
    REPLICA_KEY,
    res,
    T,
    U,
    urn,
    URN,
} from "./fixtures";
import { forPolicy } from "./harness";

const { compliant, violation, undecided } = forPolicy(replicationRequirements);

/** The compliant classic stack with its rule changed. */
function withRule(change: Record<string, unknown>, stack: ExportResource[] = compliantStack()): ExportResource[] {
    const rule = find(stack, "egress-replication").inputs.rules[0];
    Object.assign(rule, change);
    for (const [k, v] of Object.entries(change)) {
        if (v === undefined) delete rule[k];
    }
    return stack;
}

/** The compliant native stack with its rule changed. */
function withNativeRule(change: Record<string, unknown>): ExportResource[] {
    const stack = nativeStack();
    const rule = (find(stack, "egress").inputs.replicationConfiguration.rules as Record<string, unknown>[])[0];
    Object.assign(rule, change);
    for (const [k, v] of Object.entries(change)) {
        if (v === undefined) delete rule[k];
    }
    return stack;
}

describe("s3-transfer-replication-requirements: what S3 refuses in a rule (PutBucketReplication fails, so does `pulumi up`)", () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteMarkerReplication.html
    it("violation: a filtered rule without deleteMarkerReplication (classic BucketReplicationConfig)", () =>
        violation(withRule({ deleteMarkerReplication: undefined }), URN.egressReplication, "S3 refuses", "must also include a DeleteMarkerReplication element"));
    it("violation: the same in an aws-native bucket's replicationConfiguration", () =>
        violation(withNativeRule({ deleteMarkerReplication: undefined }), NURN.egress, "replicationConfiguration.rules[].deleteMarkerReplication"));
    it("compliant: the classic legacy inline block, whose provider sends DeleteMarkerReplication Disabled itself", () => {
        const stack = legacyStack();
        const rule = find(stack, "egress").inputs.replicationConfiguration.rules[0];
        rule.filter = { prefix: "out/" };
        rule.priority = 1;
        compliant(stack);
    });
    it("compliant: a rule without a filter (the V1 schema needs no such element)", () =>
        compliant(withRule({ filter: undefined, deleteMarkerReplication: undefined, priority: undefined })));

    it("violation: a tag filter with delete marker replication Enabled (classic and native)", () => {
        violation(withRule({ filter: { tag: { key: "share", value: "yes" } }, deleteMarkerReplication: { status: "Enabled" } }), URN.egressReplication, "tag-based rules");
        violation(withNativeRule({ filter: { tagFilter: { key: "share", value: "yes" } }, deleteMarkerReplication: { status: "Enabled" } }), NURN.egress, "tag-based rules");
    });
    it("compliant: a tag filter with it Disabled", () => compliant(withRule({ filter: { and: { prefix: "out/", tags: { share: "yes" } } } })));

    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_Destination.html
    it("violation: Replication Time Control without metrics; compliant with them", () => {
        const destination = { bucket: "arn:aws:s3:::partner-ingress", account: PARTNER_ACCOUNT, accessControlTranslation: { owner: "Destination" } };
        const rtc = { status: "Enabled", time: { minutes: 15 } };
        violation(withRule({ destination: { ...destination, replicationTime: rtc } }), URN.egressReplication, "rules[].destination.metrics");
        compliant(withRule({ destination: { ...destination, replicationTime: rtc, metrics: { status: "Enabled", eventThreshold: { minutes: 15 } } } }));
        violation(withNativeRule({ destination: { ...destination, replicationTime: rtc } }), NURN.egress, "destination.metrics");
    });

    it("undecided: the filter is unknown until apply", () => undecided(withRule({ filter: U }), URN.egressReplication));
});

/** The classic stack with the partner's ingress bucket in it too, deployed through `partner` (a provider for another account) when given. */
function withDestination(partner?: ExportResource, native = false): ExportResource[] {
    const stack = compliantStack();
    const dest = native ? nativeBucket("partner-ingress", "partner-ingress") : bucketWithSettings("partner-ingress", "partner-ingress");
    if (partner) {
        stack.push(partner);
        for (const r of dest) r.provider = providerRef(partner);
    }
    stack.push(...dest);
    return stack;
}

const destPolicy = (stack: ExportResource[]) => find(stack, "partner-ingress-policy");
const grantReplication = (stack: ExportResource[], native = false) => {
    const p = destPolicy(stack);
    const statement = partnerReadStatement("partner-ingress");
    const grant = {
        ...statement,
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/pub-replication` } },
    };
    if (native) {
        p.inputs.policyDocument.Statement.push(grant);
    } else {
        p.inputs.policy = doc(httpsStatement("partner-ingress"), grant);
    }
    return stack;
};

describe("s3-transfer-replication-requirements: against the destination as the program declares it", () => {
    // "If the source bucket has S3 Object Lock enabled, the destination buckets must also have S3 Object Lock enabled."
    it("violation: an Object Lock source into a destination without Object Lock (DstBucketObjectLockConfigMissing)", () => {
        const stack = withDestination();
        find(stack, "egress").inputs.objectLockEnabled = true;
        violation(stack, URN.egressReplication, "DstBucketObjectLockConfigMissing", 'bucket "partner-ingress"');
    });
    it("compliant: both with Object Lock; also a native destination created with it", () => {
        const stack = withDestination();
        find(stack, "egress").inputs.objectLockEnabled = true;
        find(stack, "partner-ingress").inputs.objectLockEnabled = true;
        compliant(stack);
        const native = withDestination(undefined, true);
        find(native, "egress").inputs.objectLockEnabled = true;
        find(native, "partner-ingress").inputs.objectLockEnabled = true;
        compliant(native);
    });

    // "The owner of the destination buckets must grant the owner of the source bucket permissions to replicate objects with a bucket policy."
    const partner = () => accountProvider("partner", PARTNER_ACCOUNT);
    it("violation: across accounts (from the providers), the destination's policy does not grant the replication role (DstPutObjectNotPermitted)", () =>
        violation(withDestination(partner()), URN.egressReplication, "DstPutObjectNotPermitted", "s3:ReplicateObject", "s3:ObjectOwnerOverrideToBucketOwner"));
    it("compliant: the destination's policy grants the source account's root narrowed to the role", () => compliant(grantReplication(withDestination(partner()))));
    it("violation: delete marker replication needs s3:ReplicateDelete from the destination too (DstDelObjNotPermitted)", () => {
        const stack = grantReplication(withDestination(partner()));
        find(stack, "egress-replication").inputs.rules[0].deleteMarkerReplication = { status: "Enabled" };
        violation(stack, URN.egressReplication, "DstDelObjNotPermitted", "s3:ReplicateDelete");
    });
    it("native destination in the partner's account: the same grant, in its policyDocument", () => {
        const partnerNative = accountProvider("partner", PARTNER_ACCOUNT, "pulumi:providers:aws-native");
        violation(withDestination(partnerNative, true), URN.egressReplication, "DstPutObjectNotPermitted");
        compliant(grantReplication(withDestination(partnerNative, true), true));
    });
    it("compliant: in one account no bucket policy grant is needed", () => compliant(withDestination()));

    // "The destination buckets cannot be configured as Requester Pays buckets."
    it("violation: a Requester Pays destination in another account; compliant with the bucket owner paying", () => {
        const stack = grantReplication(withDestination(partner()));
        const payment = res("aws:s3/bucketRequestPaymentConfiguration:BucketRequestPaymentConfiguration", "partner-ingress-payer", {
            bucket: "partner-ingress",
            payer: "Requester",
        });
        stack.push(payment);
        violation(stack, URN.egressReplication, "Requester Pays");
        payment.inputs = { bucket: "partner-ingress", payer: "BucketOwner" };
        compliant(stack);
    });

    // "The KMS key must have been created in the same AWS Region as the destination bucket."
    it("violation: a replica key of another Region than the destination bucket (DstKmsKeyNotFound); compliant in its Region", () => {
        const stack = grantReplication(withDestination(partner()));
        const rule = find(stack, "egress-replication").inputs.rules[0];
        rule.sourceSelectionCriteria = { sseKmsEncryptedObjects: { status: "Enabled" } };
        rule.destination.encryptionConfiguration = { replicaKmsKeyId: REPLICA_KEY.replace("eu-west-1", "us-east-1") };
        violation(stack, URN.egressReplication, "DstKmsKeyNotFound", "us-east-1", "eu-west-1");
        rule.destination.encryptionConfiguration = { replicaKmsKeyId: REPLICA_KEY };
        compliant(stack);
    });

    // Preview: the destination's ARN is unknown, but the rules were computed from an in-stack bucket.
    it("preview: a destination unknown until apply is judged through the buckets the rules came from", () => {
        const stack = withDestination();
        find(stack, "egress").inputs.objectLockEnabled = true;
        const repl = find(stack, "egress-replication");
        repl.inputs.rules[0].destination.bucket = U;
        repl.propertyDependencies = { ...repl.propertyDependencies, rules: [urn(T.bucket, "partner-ingress")] };
        violation(stack, URN.egressReplication, "DstBucketObjectLockConfigMissing");
        find(stack, "partner-ingress").inputs.objectLockEnabled = true;
        compliant(stack);
    });
    it("preview: undecided when the candidate buckets disagree", () => {
        const stack = [...withDestination(), ...bucketWithSettings("other-ingress", "other-ingress")];
        find(stack, "egress").inputs.objectLockEnabled = true;
        find(stack, "partner-ingress").inputs.objectLockEnabled = true;
        const repl = find(stack, "egress-replication");
        repl.inputs.rules[0].destination.bucket = U;
        repl.propertyDependencies = { ...repl.propertyDependencies, rules: [urn(T.bucket, "partner-ingress"), urn(T.bucket, "other-ingress")] };
        undecided(stack, URN.egressReplication);
    });
});

describe("s3-transfer-replication-role-permissions: an Object Lock source needs s3:GetObjectRetention and s3:GetObjectLegalHold", () => {
    // replication-requirements.html: "You must grant two new permissions on the source S3 bucket … s3:GetObjectRetention and s3:GetObjectLegalHold."
    it("violation without them (SrcGetRetentionNotPermitted, SrcGetLegalHoldNotPermitted); compliant with them", () => {
        const stack = compliantStack();
        find(stack, "egress").inputs.objectLockEnabled = true;
        forPolicy(replicationRolePermissions).violation(stack, URN.replicationRole, "SrcGetRetentionNotPermitted", "SrcGetLegalHoldNotPermitted");
        const permissions = find(stack, "replication-permissions");
        const d = JSON.parse(permissions.inputs.policy);
        d.Statement.push({ Effect: "Allow", Action: ["s3:GetObjectRetention", "s3:GetObjectLegalHold"], Resource: "arn:aws:s3:::pub-egress/*" });
        permissions.inputs.policy = JSON.stringify(d);
        forPolicy(replicationRolePermissions).compliant(stack);
    });
});

describe("s3-transfer-replication-owner-and-kms: ownership against the destination as declared", () => {
    const owner = forPolicy(replicationOwnerAndKms);
    const crossAccountWithout = (ownership: string) => {
        // The publisher's resources through a provider that allows only its account: the providers now say which account is which.
        const own = provider(T.provider, "publisher", { region: "eu-west-1", allowedAccountIds: JSON.stringify([ACCOUNT]) });
        const stack = withDestination(accountProvider("partner", PARTNER_ACCOUNT));
        for (const r of stack.filter((x) => x.type.startsWith("aws:") && x.provider === undefined)) {
            r.provider = providerRef(own);
        }
        stack.push(own);
        const rule = find(stack, "egress-replication").inputs.rules[0];
        delete rule.destination.accessControlTranslation;
        delete rule.destination.account;
        find(stack, "partner-ingress-ownership").inputs.rule = { objectOwnership: ownership };
        return stack;
    };
    // "If your destination bucket uses the bucket owner enforced setting for Object Ownership, all objects
    // written to the bucket by any account will be owned by the bucket owner." (S3 API, PutObject)
    it("compliant: no owner override into a BucketOwnerEnforced destination in another account", () => owner.compliant(crossAccountWithout("BucketOwnerEnforced")));
    it("violation: no owner override into an ObjectWriter destination the providers put in another account", () =>
        owner.violation(crossAccountWithout("ObjectWriter"), URN.egressReplication, "leaves replicas owned by the source account", `account ${PARTNER_ACCOUNT}`));
    it("violation: owner override without the destination account, which S3 rejects", () => {
        const stack = withDestination(accountProvider("partner", PARTNER_ACCOUNT));
        delete find(stack, "egress-replication").inputs.rules[0].destination.account;
        owner.violation(stack, URN.egressReplication, "S3 rejects owner override without the destination account ID");
    });
    it("the four compliant forms stay compliant", () => {
        assert.ok(owner.decide(compliantStack()).some((d) => d.outcome === "compliant"));
    });
});
