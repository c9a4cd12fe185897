/** The pure policy builders, document by document. */
import * as assert from "assert";
import { replicationDestinationStatements, secureTransportStatements } from "../../../infra/policies/bucket-policy";
import { arns, policyDocument } from "../../../infra/policies/document";
import { replicationPermissionsPolicy, replicationTrustPolicy } from "../../../infra/policies/replication-role";
import { batchReplicationPermissionsPolicy, batchReplicationTrustPolicy } from "../../../infra/policies/batch-replication";
import { vendorWriteStatements } from "../../../infra/policies/direct-access";
import { replicaKeyGrantStatement, replicationKmsStatements, uploadEncryptionStatements, vendorKeyGrantStatements } from "../../../infra/policies/kms";

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
        const statements = replicationDestinationStatements({
            bucketArn: bucket,
            root: "acme",
            sourceAccountId: "444455556666",
            sourceRoleArn: "arn:aws:iam::444455556666:role/r",
            replicateDeletes: false,
        });
        const condition = { StringEquals: { "aws:PrincipalArn": "arn:aws:iam::444455556666:role/r" } };
        assert.deepStrictEqual(statements, [
            // Read-only and account-wide: PutBucketReplication may check versioning with the deployer's credentials.
            {
                Sid: "CounterpartReadsVersioning444455556666",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::444455556666:root" },
                Action: "s3:GetBucketVersioning",
                Resource: bucket,
            },
            {
                Sid: "ReplicationWriteReplicas444455556666",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::444455556666:root" },
                Action: ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
                Resource: `${bucket}/acme/*`,
                Condition: condition,
            },
        ]);
        const flat = JSON.stringify(statements);
        assert.ok(!flat.includes("PutBucketVersioning"), "the sender must not be able to suspend our versioning");
    });

    it("admits s3:ReplicateDelete only when the sender replicates delete markers", () => {
        const withDeletes = replicationDestinationStatements({
            bucketArn: bucket,
            root: "acme",
            sourceAccountId: "444455556666",
            sourceRoleArn: "arn:aws:iam::444455556666:role/r",
            replicateDeletes: true,
        });
        assert.deepStrictEqual(withDeletes[1].Action, ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateDelete"]);
    });

    it("uses the bucket's partition for the sender's account root", () => {
        const statements = replicationDestinationStatements({
            bucketArn: "arn:aws-cn:s3:::b",
            root: "r",
            sourceAccountId: "444455556666",
            sourceRoleArn: "arn:aws-cn:iam::444455556666:role/r",
            replicateDeletes: false,
        });
        assert.deepStrictEqual(statements[0].Principal, { AWS: "arn:aws-cn:iam::444455556666:root" });
    });

    it("trusts S3 without conditions by default, as AWS documents for live replication", () => {
        assert.deepStrictEqual(replicationTrustPolicy({ accountId: "111122223333", sourceBucketArn: "arn:aws:s3:::egress", sourceConditions: false }), {
            Version: "2012-10-17",
            Statement: [{ Sid: "S3ReplicationOnly", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
    });

    it("trusts S3 for one account and one source bucket with the opt-in source conditions", () => {
        assert.deepStrictEqual(replicationTrustPolicy({ accountId: "111122223333", sourceBucketArn: "arn:aws:s3:::egress", sourceConditions: true }), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "S3ReplicationOnly",
                    Effect: "Allow",
                    Principal: { Service: "s3.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": "111122223333" }, ArnLike: { "aws:SourceArn": "arn:aws:s3:::egress" } },
                },
            ],
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

    describe("KMS", () => {
        const ingressKey = "arn:aws:kms:eu-west-1:111122223333:key/1111";
        it("lets the sending role decrypt with the replica key too (S3 Bucket Keys), narrowed like its encrypt", () => {
            assert.deepStrictEqual(
                replicaKeyGrantStatement({ partition: "aws", region: "eu-west-1", sourceAccountId: "444455556666", sourceRoleArn: "arn:aws:iam::444455556666:role/r" }),
                {
                    Sid: "ReplicationEncryptsReplicas444455556666",
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::444455556666:root" },
                    Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: "*",
                    Condition: {
                        StringEquals: {
                            "aws:PrincipalArn": "arn:aws:iam::444455556666:role/r",
                            "kms:ViaService": "s3.eu-west-1.amazonaws.com",
                            "kms:CallerAccount": "444455556666",
                        },
                    },
                },
            );
            const [, replica] = replicationKmsStatements({
                sourceKeyArn: "arn:aws:kms:us-east-1:444455556666:key/2222",
                sourceBucketArn: "arn:aws:s3:::egress",
                sourceRegion: "us-east-1",
                replicaKeyArn: ingressKey,
                destinationBucketArn: bucket,
                destinationRegion: "eu-west-1",
                root: "acme",
            });
            assert.deepStrictEqual(replica, {
                Sid: "EncryptReplicas",
                Effect: "Allow",
                Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
                Resource: ingressKey,
                Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }, StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucket, `${bucket}/acme/*`] } },
            });
        });

        it("on an SSE-KMS bucket denies other keys, aws:kms without a key id, and SSE-C", () => {
            assert.deepStrictEqual(uploadEncryptionStatements(bucket, ingressKey), [
                {
                    Sid: "DenyOtherKmsKeys",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: `${bucket}/*`,
                    Condition: {
                        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": ingressKey },
                        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
                    },
                },
                {
                    Sid: "DenyKmsWithoutKeyId",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: `${bucket}/*`,
                    Condition: {
                        StringEquals: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] },
                        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
                    },
                },
                {
                    Sid: "DenySseCUploads",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: `${bucket}/*`,
                    Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
                },
            ]);
        });

        it("on an SSE-S3 bucket denies any KMS upload and SSE-C", () => {
            assert.deepStrictEqual(
                uploadEncryptionStatements(bucket).map((s) => s.Sid),
                ["DenyKmsUploads", "DenySseCUploads"],
            );
        });

        it("admits a vendor to the drop key through S3 and for the drop's objects only; DescribeKey, which carries no encryption context, through S3", () => {
            const [crypto, describe] = vendorKeyGrantStatements({ sid: "v", principalArn: "arn:aws:iam::099647660399:root", region: "us-east-1", bucketArn: bucket });
            assert.deepStrictEqual(crypto.Condition, {
                StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
                StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucket, `${bucket}/*`] },
            });
            assert.ok(!([] as string[]).concat(crypto.Action).includes("kms:DescribeKey"));
            assert.deepStrictEqual(describe, {
                Sid: "vDescribeKey",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::099647660399:root" },
                Action: "kms:DescribeKey",
                Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
            });
        });
    });

    describe("vendor writes", () => {
        const principal = { AWS: "arn:aws:iam::099647660399:root" };
        it("grants a dedicated bucket whole, as the vendor's guide writes it: listing unconditioned", () => {
            assert.deepStrictEqual(vendorWriteStatements({ sidName: "st", bucketArn: bucket, principalArn: principal.AWS, allowDelete: true, accessConfirmation: true }), [
                { Sid: "stListBucket", Effect: "Allow", Principal: principal, Action: "s3:ListBucket", Resource: bucket },
                { Sid: "stWriteObjects", Effect: "Allow", Principal: principal, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${bucket}/*` },
            ]);
        });

        it("keeps the access check's delete when other deletes are off", () => {
            assert.deepStrictEqual(
                vendorWriteStatements({ sidName: "st", bucketArn: bucket, principalArn: principal.AWS, allowDelete: false, accessConfirmation: true }).map((s) => [
                    s.Sid,
                    s.Action,
                ]),
                [
                    ["stListBucket", "s3:ListBucket"],
                    ["stWriteObjects", ["s3:PutObject"]],
                    ["stAccessConfirmation", ["s3:PutObject", "s3:DeleteObject"]],
                ],
            );
        });

        it("narrows to a prefix the customer chose, listing included", () => {
            assert.deepStrictEqual(
                vendorWriteStatements({ sidName: "st", bucketArn: bucket, principalArn: principal.AWS, prefix: "exports", allowDelete: true, accessConfirmation: true }),
                [
                    {
                        Sid: "stListOwnPrefix",
                        Effect: "Allow",
                        Principal: principal,
                        Action: "s3:ListBucket",
                        Resource: bucket,
                        Condition: { StringLike: { "s3:prefix": ["exports/", "exports/*"] } },
                    },
                    { Sid: "stWriteOwnPrefix", Effect: "Allow", Principal: principal, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${bucket}/exports/*` },
                    { Sid: "stAccessConfirmation", Effect: "Allow", Principal: principal, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${bucket}/_ACCESS_CONFIRMATION` },
                ],
            );
        });
    });

    describe("Batch Replication role", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html ("Trust policy"): unconditioned.
        it("trusts S3 Batch Operations as AWS documents it, without conditions, by default", () => {
            assert.deepStrictEqual(batchReplicationTrustPolicy({ partition: "aws", accountId: "111122223333", sourceConditions: false }), {
                Version: "2012-10-17",
                Statement: [{ Sid: "S3BatchOperationsOnly", Effect: "Allow", Principal: { Service: "batchoperations.s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
        });

        it("with s3-transfer:batchTrustConditions, trusts S3 Batch Operations for this account's jobs only", () => {
            assert.deepStrictEqual(batchReplicationTrustPolicy({ partition: "aws-us-gov", accountId: "111122223333", sourceConditions: true }), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "S3BatchOperationsOnly",
                        Effect: "Allow",
                        Principal: { Service: "batchoperations.s3.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "aws:SourceAccount": "111122223333" }, ArnLike: { "aws:SourceArn": "arn:aws-us-gov:s3:*:111122223333:job/*" } },
                    },
                ],
            });
        });

        it("grants AWS's generated-manifest policy on one link's egress bucket, its own prefix of the log bucket, and the egress key under SSE-KMS", () => {
            const key = "arn:aws:kms:us-east-1:111122223333:key/3333";
            assert.deepStrictEqual(
                batchReplicationPermissionsPolicy({
                    source: { bucketArn: "arn:aws:s3:::b-egress", root: "acme", region: "us-east-1", kmsKeyArn: key },
                    workPrefixArn: "arn:aws:s3:::logs/batch-replication/b-egress",
                }).Statement,
                [
                    { Sid: "InitiateReplication", Effect: "Allow", Action: "s3:InitiateReplication", Resource: "arn:aws:s3:::b-egress/acme/*" },
                    {
                        Sid: "ReadReplicationAndInventory",
                        Effect: "Allow",
                        Action: ["s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration"],
                        Resource: "arn:aws:s3:::b-egress",
                    },
                    { Sid: "ReadManifests", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: "arn:aws:s3:::logs/batch-replication/b-egress/*" },
                    { Sid: "WriteManifestsAndReports", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::logs/batch-replication/b-egress/*" },
                    {
                        Sid: "DecryptSourceObjects",
                        Effect: "Allow",
                        Action: "kms:Decrypt",
                        Resource: key,
                        Condition: {
                            StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
                            StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::b-egress", "arn:aws:s3:::b-egress/acme/*"] },
                        },
                    },
                ],
            );
        });
    });
});
