/** The pure policy builders, document by document. */
import * as assert from "assert";
import { replicationDestinationStatements, secureTransportStatements } from "../../../infra/policies/bucket-policy";
import { arns, policyDocument } from "../../../infra/policies/document";
import { replicationPermissionsPolicy, replicationTrustPolicy } from "../../../infra/policies/replication-role";

const bucket = "arn:aws:s3:::acme-ingress";

describe("policy document builders", () => {
    it("denies insecure transport and old TLS on the bucket and its objects", () => {
        const resources = [bucket, `${bucket}/*`];
        assert.deepStrictEqual(secureTransportStatements(bucket), [
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
        ]);
    });

    it("admits a sending role by account root narrowed to its ARN, under the root prefix only", () => {
        const statements = replicationDestinationStatements({ bucketArn: bucket, root: "acme", sourceAccountId: "444455556666", sourceRoleArn: "arn:aws:iam::444455556666:role/r", replicateDeletes: false });
        const condition = { StringEquals: { "aws:PrincipalArn": "arn:aws:iam::444455556666:role/r" } };
        assert.deepStrictEqual(statements, [
            { Sid: "ReplicationReadVersioning444455556666", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "s3:GetBucketVersioning", Resource: bucket, Condition: condition },
            { Sid: "ReplicationWriteReplicas444455556666", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"], Resource: `${bucket}/acme/*`, Condition: condition },
        ]);
        const flat = JSON.stringify(statements);
        assert.ok(!flat.includes("PutBucketVersioning"), "the sender must not be able to suspend our versioning");
    });

    it("admits s3:ReplicateDelete only when the sender replicates delete markers", () => {
        const withDeletes = replicationDestinationStatements({ bucketArn: bucket, root: "acme", sourceAccountId: "444455556666", sourceRoleArn: "arn:aws:iam::444455556666:role/r", replicateDeletes: true });
        assert.deepStrictEqual(withDeletes[1].Action, ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateDelete"]);
    });

    it("uses the bucket's partition for the sender's account root", () => {
        const statements = replicationDestinationStatements({ bucketArn: "arn:aws-cn:s3:::b", root: "r", sourceAccountId: "444455556666", sourceRoleArn: "arn:aws-cn:iam::444455556666:role/r", replicateDeletes: false });
        assert.deepStrictEqual(statements[0].Principal, { AWS: "arn:aws-cn:iam::444455556666:root" });
    });

    it("trusts S3 for one account and one source bucket", () => {
        assert.deepStrictEqual(replicationTrustPolicy({ accountId: "111122223333", sourceBucketArn: "arn:aws:s3:::egress" }), {
            Version: "2012-10-17",
            Statement: [{
                Sid: "S3ReplicationOnly",
                Effect: "Allow",
                Principal: { Service: "s3.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": "111122223333" }, ArnLike: { "aws:SourceArn": "arn:aws:s3:::egress" } },
            }],
        });
    });

    it("grants s3:ReplicateDelete to the role only with delete-marker replication", () => {
        const args = { sourceBucketArn: "arn:aws:s3:::egress", destinationBucketArn: bucket, root: "acme" };
        const without = replicationPermissionsPolicy({ ...args, replicateDeletes: false });
        const withDeletes = replicationPermissionsPolicy({ ...args, replicateDeletes: true });
        assert.ok(!JSON.stringify(without).includes("ReplicateDelete"));
        assert.deepStrictEqual(withDeletes.Statement[2].Action, ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateDelete"]);
        for (const statement of withDeletes.Statement) {
            for (const action of [statement.Action].flat()) assert.ok(!action.includes("*"), `wildcard action ${action}`);
            for (const resource of [statement.Resource].flat()) assert.notStrictEqual(resource, "*");
        }
    });

    it("refuses to compose statements with duplicate Sids", () => {
        assert.throws(() => policyDocument([...secureTransportStatements(bucket), ...secureTransportStatements(bucket)]), /Sid "DenyInsecureTransport" appears twice/);
    });

    it("builds ARNs in the given partition", () => {
        assert.strictEqual(arns.bucket("aws-us-gov", "b"), "arn:aws-us-gov:s3:::b");
        assert.strictEqual(arns.role("aws", "111122223333", "r"), "arn:aws:iam::111122223333:role/r");
        assert.strictEqual(arns.objectsUnder("arn:aws:s3:::b", "x/y"), "arn:aws:s3:::b/x/y/*");
    });
});
