/** Every security-relevant property of every bucket, role and replication rule, in every stack. */
import * as assert from "assert";
import { readStackConfig } from "../../tools/plan/project";
import { ALL_STACKS, dataBuckets, documentOf, expectedTransportDenies, fixtureFile, forBucket, linksOf, ofType, one, plan, T } from "../helpers/plans";

for (const stack of ALL_STACKS) {
    describe(`stack ${stack}: security properties`, () => {
        const config = readStackConfig(fixtureFile(stack));
        const expiryDays = Number(config["s3-transfer:noncurrentVersionExpirationDays"] ?? 30);

        it("creates one egress and one ingress bucket per counterpart, protected and retained on delete", async () => {
            const p = await plan(stack);
            const links = linksOf(p);
            const expected = Object.values(links)
                .flatMap((l) => [l.egressBucketName, l.ingressBucketName])
                .sort();
            const buckets = dataBuckets(p);
            assert.deepStrictEqual(buckets.map((b) => b.inputs.bucket).sort(), expected);
            for (const b of buckets) {
                assert.strictEqual(b.protect, true, `${b.urn} must be protected`);
                assert.strictEqual(b.retainOnDelete, true, `${b.urn} must be retained on delete`);
                assert.strictEqual(b.inputs.forceDestroy, false);
            }
        });

        it("gives every data bucket versioning, SSE-S3, full Block Public Access, ACLs disabled and noncurrent expiry", async () => {
            const p = await plan(stack);
            for (const bucket of dataBuckets(p)) {
                const name = bucket.inputs.bucket as string;
                assert.deepStrictEqual(forBucket(p, T.versioning, name).inputs.versioningConfiguration, { status: "Enabled" });
                // SSE-C blocked by the bucket itself, which also refuses replication requests that specify it.
                assert.deepStrictEqual(forBucket(p, T.encryption, name).inputs.rules, [
                    { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
                ]);
                const bpa = forBucket(p, T.publicAccessBlock, name).inputs;
                for (const setting of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
                    assert.strictEqual(bpa[setting], true, `${name} ${setting}`);
                }
                assert.deepStrictEqual(forBucket(p, T.ownership, name).inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
                assert.deepStrictEqual(forBucket(p, T.lifecycle, name).inputs.rules, [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays: expiryDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ]);
            }
        });

        it("denies plain HTTP, TLS below 1.2, KMS-encrypted and SSE-C uploads on every bucket", async () => {
            const p = await plan(stack);
            for (const bucket of ofType(p, T.bucket)) {
                const arn = bucket.outputs.arn as string;
                const statements = documentOf(forBucket(p, T.policy, bucket.inputs.bucket as string)).Statement;
                assert.deepStrictEqual(statements.slice(0, 2), expectedTransportDenies(arn));
                assert.deepStrictEqual(
                    statements[2],
                    {
                        Sid: "DenyKmsUploads",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:PutObject",
                        Resource: `${arn}/*`,
                        Condition: { StringEquals: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] } },
                    },
                    "an SSE-S3 bucket refuses uploads encrypted with someone's KMS key",
                );
                assert.deepStrictEqual(
                    statements[3],
                    {
                        Sid: "DenySseCUploads",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:PutObject",
                        Resource: `${arn}/*`,
                        Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
                    },
                    "nobody but the uploader could read an SSE-C file",
                );
                const egress = Object.values(linksOf(p)).some((l) => l.egressBucketArn === arn);
                if (egress) assert.strictEqual(statements.length, 4, "egress buckets grant nothing");
            }
        });

        it("orders bucket policies after the public access block and lifecycle after versioning", async () => {
            const p = await plan(stack);
            for (const bucket of ofType(p, T.bucket)) {
                const name = bucket.inputs.bucket as string;
                assert.ok(forBucket(p, T.policy, name).dependencies.includes(forBucket(p, T.publicAccessBlock, name).urn));
                assert.ok(forBucket(p, T.lifecycle, name).dependencies.includes(forBucket(p, T.versioning, name).urn));
            }
        });

        // The trust AWS documents for live replication; the source conditions are opt-in (tests/stacks/replication-trust.test.ts).
        it("trusts only s3.amazonaws.com in each replication role", async () => {
            const p = await plan(stack);
            for (const link of Object.values(linksOf(p))) {
                const role = one(p, T.role, (r) => r.outputs.arn === link.replicationRoleArn);
                assert.deepStrictEqual(documentOf(role, "assumeRolePolicy"), {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "S3ReplicationOnly",
                            Effect: "Allow",
                            Principal: { Service: "s3.amazonaws.com" },
                            Action: "sts:AssumeRole",
                        },
                    ],
                });
            }
        });

        it("grants each replication role exactly the replication actions, on named resources only", async () => {
            const p = await plan(stack);
            for (const [counterpart, link] of Object.entries(linksOf(p))) {
                const role = one(p, T.role, (r) => r.outputs.arn === link.replicationRoleArn);
                const policy = one(p, T.rolePolicy, (r) => r.inputs.role === role.inputs.name);
                const replication = forBucket(p, T.replication, link.egressBucketName);
                const destination = (replication.inputs.rules as { destination: { bucket: string } }[])[0].destination.bucket;
                assert.deepStrictEqual(
                    documentOf(policy).Statement,
                    [
                        { Sid: "ReadSourceBucketConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: link.egressBucketArn },
                        {
                            Sid: "ReadSourceObjectVersions",
                            Effect: "Allow",
                            Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"],
                            Resource: `${link.egressBucketArn}/${link.root}/*`,
                        },
                        {
                            Sid: "WriteReplicasToDestination",
                            Effect: "Allow",
                            Action: ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
                            Resource: `${destination}/${link.root}/*`,
                        },
                        { Sid: "ReadDestinationVersioning", Effect: "Allow", Action: "s3:GetBucketVersioning", Resource: destination },
                    ],
                    `replication role towards ${counterpart}`,
                );
            }
        });

        it("replicates egress under {root}/ to the counterpart with ownership handed over, after versioning and role permissions", async () => {
            const p = await plan(stack);
            for (const [counterpart, link] of Object.entries(linksOf(p))) {
                const replication = forBucket(p, T.replication, link.egressBucketName);
                const role = one(p, T.role, (r) => r.outputs.arn === link.replicationRoleArn);
                assert.strictEqual(replication.inputs.role, link.replicationRoleArn);
                const [rule, ...others] = replication.inputs.rules as Record<string, unknown>[];
                assert.strictEqual(others.length, 0);
                assert.deepStrictEqual(
                    { ...rule, destination: undefined },
                    {
                        id: `to-${counterpart}`,
                        priority: 0,
                        status: "Enabled",
                        filter: { prefix: `${link.root}/` },
                        deleteMarkerReplication: { status: "Disabled" },
                        destination: undefined,
                    },
                );
                assert.deepStrictEqual((rule.destination as Record<string, unknown>).accessControlTranslation, { owner: "Destination" });
                assert.ok(replication.dependencies.includes(forBucket(p, T.versioning, link.egressBucketName).urn), "replication must wait for versioning");
                assert.ok(
                    replication.dependencies.includes(one(p, T.rolePolicy, (r) => r.inputs.role === role.inputs.name).urn),
                    "replication must wait for the role's permissions",
                );
            }
        });

        it("gives each active link its own Batch Replication role, trusted by Batch Operations as AWS documents it, on its egress bucket only", async () => {
            // https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html ("Trust policy": unconditioned);
            // the conditions come only with s3-transfer:batchTrustConditions, which this stack's config may set.
            const p = await plan(stack);
            const accountId = p.outputs.accountId as string;
            const links = Object.values(linksOf(p)).filter((l) => l.state === "active") as (ReturnType<typeof linksOf>[string] & { batchReplicationRoleArn: string })[];
            for (const link of links) {
                const role = one(p, T.role, (r) => r.outputs.arn === link.batchReplicationRoleArn);
                const [trust] = documentOf(role, "assumeRolePolicy").Statement;
                assert.deepStrictEqual([trust.Effect, trust.Principal, trust.Action], ["Allow", { Service: "batchoperations.s3.amazonaws.com" }, "sts:AssumeRole"]);
                if (trust.Condition)
                    assert.deepStrictEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": `arn:aws:s3:*:${accountId}:job/*` } });
                const logBucket = (p.outputs.audit as { logBuckets: Record<string, string> }).logBuckets[link.region];
                const work = `arn:aws:s3:::${logBucket}/batch-replication/${link.egressBucketName}/*`;
                const statements = documentOf(one(p, T.rolePolicy, (r) => r.inputs.role === role.inputs.name)).Statement;
                assert.deepStrictEqual(statements.slice(0, 4), [
                    { Sid: "InitiateReplication", Effect: "Allow", Action: "s3:InitiateReplication", Resource: `${link.egressBucketArn}/${link.root}/*` },
                    {
                        Sid: "ReadReplicationAndInventory",
                        Effect: "Allow",
                        Action: ["s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration"],
                        Resource: link.egressBucketArn,
                    },
                    { Sid: "ReadManifests", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: work },
                    { Sid: "WriteManifestsAndReports", Effect: "Allow", Action: "s3:PutObject", Resource: work },
                ]);
                assert.deepStrictEqual(
                    statements.slice(4).map((st) => [st.Sid, st.Resource]),
                    link.egressKmsKeyArn ? [["DecryptSourceObjects", link.egressKmsKeyArn]] : [],
                );
            }
        });

        it("pins the AWS provider to the configured account and region", async () => {
            const p = await plan(stack);
            const [provider, ...more] = ofType(p, "pulumi:providers:aws");
            assert.strictEqual(more.length, 0);
            assert.deepStrictEqual(provider.inputs.allowedAccountIds, JSON.stringify([config["s3-transfer:accountId"]]));
            assert.strictEqual(provider.inputs.region, config["aws:region"]);
            const custom = p.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
            for (const r of custom) assert.ok(r.provider?.startsWith(provider.urn), `${r.urn} must use the pinned provider`);
        });

        it("exports account, region, side and every bucket's name and ARN and the role ARN", async () => {
            const p = await plan(stack);
            assert.strictEqual(p.outputs.accountId, config["s3-transfer:accountId"]);
            assert.strictEqual(p.outputs.region, config["aws:region"]);
            assert.strictEqual(p.outputs.side, config["s3-transfer:side"]);
            for (const link of Object.values(linksOf(p))) {
                assert.strictEqual(link.egressBucketArn, `arn:aws:s3:::${link.egressBucketName}`);
                assert.strictEqual(link.ingressBucketArn, `arn:aws:s3:::${link.ingressBucketName}`);
                assert.match(link.replicationRoleArn, new RegExp(`^arn:aws:iam::${config["s3-transfer:accountId"]}:role/`));
                assert.strictEqual(link.replication, "active");
                assert.strictEqual(link.ingressGrant, "active");
            }
            assert.deepStrictEqual(p.warnings, []);
        });
    });
}
