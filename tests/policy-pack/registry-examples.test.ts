// Compliant programs written the way public examples write them: each protection the pack's
// mandatory policies ask for, in the shape of the Pulumi registry's example for that
// resource, and nothing the examples leave out that AWS does by itself. A false alarm here is
// as bad as a miss (issue 23). Each program is judged as `pulumi stack export` records it
// (names known) and as `pulumi preview` sends a new stack (every setting's `bucket` unknown,
// tied to its bucket by property dependencies). Default encryption is never declared in
// them: S3 applies SSE-S3 to every bucket since January 2023
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html).
//
// Registry pages the shapes follow:
// https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketv2/
// https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketversioningv2/
// https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketpublicaccessblock/
// https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketpolicy/
// https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketserversideencryptionconfiguration/
// https://www.pulumi.com/registry/packages/aws-native/api-docs/s3/bucket/
// https://www.pulumi.com/registry/packages/aws-native/api-docs/s3/bucketpolicy/
// The TLS deny is the S3 User Guide's (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html).
import * as assert from "assert";
import type { ExportResource } from "../../policy-pack/offline";
import { evaluateResources } from "../../policy-pack/offline";
import { defaultEncryption, httpsOnly, noPublicAccess } from "../../policy-pack/policies";
import { doc, httpsStatement, N, res, T, U, urn } from "./fixtures";
import { decide } from "./harness";

const ALL_BLOCKED = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
const NAME = "example-bucket";

/** How a run sees the program: an export of a deployed stack, or the preview of a new one. */
type Phase = "export" | "preview";

/** A setting resource on a bucket, its `bucket` input given as `bucket.id` (unknown in the preview of a new bucket). */
function onBucket(phase: Phase, type: string, logical: string, bucketUrn: string, inputs: Record<string, unknown>): ExportResource {
    return res(type, logical, { bucket: phase === "export" ? NAME : U, ...inputs }, { dependencies: [bucketUrn], propertyDependencies: { bucket: [bucketUrn] } });
}

/** The TLS-only policy as a program renders it from the bucket's ARN (unknown in preview). */
function tlsOnly(phase: Phase): string {
    return phase === "export" ? doc(httpsStatement(NAME)) : U;
}

/** @pulumi/aws v6: BucketV2 with BucketPublicAccessBlock, BucketVersioningV2 and a BucketPolicy, as the registry writes each. */
function classicV6(phase: Phase): ExportResource[] {
    const bucketUrn = urn(T.bucketV2, "example");
    return [
        res(T.provider, "default_6_83_0", { region: "us-east-1" }, { id: "p6" }),
        res(T.bucketV2, "example", { bucket: NAME, forceDestroy: false, tags: { Name: "My bucket", Environment: "Dev" } }, { id: phase === "export" ? NAME : undefined }),
        onBucket(phase, T.pab, "example", bucketUrn, ALL_BLOCKED),
        onBucket(phase, T.versioningV2, "versioning_example", bucketUrn, { versioningConfiguration: { status: "Enabled" } }),
        { ...onBucket(phase, T.policy, "allow_tls_only", bucketUrn, { policy: tlsOnly(phase) }), propertyDependencies: { bucket: [bucketUrn], policy: [bucketUrn] } },
    ];
}

/** @pulumi/aws v7: Bucket with the v7 split resources, and the registry's SSE-KMS example (a customer key, no Bucket Key). */
function classicV7Kms(phase: Phase): ExportResource[] {
    const bucketUrn = urn(T.bucket, "mybucket");
    const keyArn = phase === "export" ? "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" : U;
    return [
        res(T.provider, "default_7_20_0", { region: "us-east-1" }, { id: "p7" }),
        res(T.bucket, "mybucket", { bucket: NAME }, { id: phase === "export" ? NAME : undefined }),
        onBucket(phase, T.pab, "mybucket", bucketUrn, ALL_BLOCKED),
        onBucket(phase, T.versioning, "versioning_example", bucketUrn, { versioningConfiguration: { status: "Enabled" } }),
        onBucket(phase, T.sse, "example", bucketUrn, { rules: [{ applyServerSideEncryptionByDefault: { kmsMasterKeyId: keyArn, sseAlgorithm: "aws:kms" } }] }),
        { ...onBucket(phase, T.policy, "allow_tls_only", bucketUrn, { policy: tlsOnly(phase) }), propertyDependencies: { bucket: [bucketUrn], policy: [bucketUrn] } },
    ];
}

/** A v5-era program: versioning inline on aws:s3/bucket:Bucket, no encryption block, Block Public Access and policy split. */
function classicLegacyInline(phase: Phase): ExportResource[] {
    const bucketUrn = urn(T.bucket, "b");
    return [
        res(T.provider, "default_5_43_0", { region: "us-east-1" }, { id: "p5" }),
        res(T.bucket, "b", { bucket: NAME, acl: "private", versioning: { enabled: true }, tags: { Environment: "Dev" } }, { id: phase === "export" ? NAME : undefined }),
        onBucket(phase, T.pab, "b", bucketUrn, ALL_BLOCKED),
        { ...onBucket(phase, T.policy, "allow_tls_only", bucketUrn, { policy: tlsOnly(phase) }), propertyDependencies: { bucket: [bucketUrn], policy: [bucketUrn] } },
    ];
}

/** @pulumi/aws-native: the bucket's settings inline on it, its policy an object, as the aws-native registry writes them. */
function native(phase: Phase, encryption?: Record<string, unknown>): ExportResource[] {
    const bucketUrn = urn(N.bucket, "s3Bucket");
    const bucket = phase === "export" ? NAME : U;
    return [
        res(N.provider, "default_1_79_0", { region: "us-east-1" }, { id: "pn" }),
        res(
            N.bucket,
            "s3Bucket",
            {
                bucketName: NAME,
                versioningConfiguration: { status: "Enabled" },
                publicAccessBlockConfiguration: ALL_BLOCKED,
                ...(encryption ? { bucketEncryption: encryption } : {}),
            },
            { id: phase === "export" ? NAME : undefined },
        ),
        res(
            N.policy,
            "bucketPolicy",
            {
                bucket,
                policyDocument: { Version: "2012-10-17", Statement: [httpsStatement(bucket)] },
            },
            { dependencies: [bucketUrn], propertyDependencies: { bucket: [bucketUrn], policyDocument: [bucketUrn] } },
        ),
    ];
}

const PROGRAMS: [string, (phase: Phase) => ExportResource[]][] = [
    ["@pulumi/aws v6: BucketV2 + BucketPublicAccessBlock + BucketVersioningV2 + BucketPolicy, no encryption resource", classicV6],
    ["@pulumi/aws v7: Bucket + split settings + the registry's SSE-KMS BucketServerSideEncryptionConfiguration", classicV7Kms],
    ["@pulumi/aws v5-era: Bucket with inline versioning, no encryption block", classicLegacyInline],
    ["@pulumi/aws-native: Bucket with inline versioning and public access block, no bucketEncryption", (phase) => native(phase)],
    [
        "@pulumi/aws-native: Bucket with inline SSE-KMS bucketEncryption and an S3 Bucket Key",
        (phase) =>
            native(phase, {
                serverSideEncryptionConfiguration: [
                    {
                        serverSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: phase === "export" ? "arn:aws:kms:us-east-1:111122223333:key/k" : U },
                        bucketKeyEnabled: true,
                    },
                ],
            }),
    ],
];

describe("programs written as public examples write them pass every mandatory policy", () => {
    for (const [name, program] of PROGRAMS) {
        describe(name, () => {
            it("as a stack export records it: no mandatory violation; encryption, Block Public Access and HTTPS-only judged compliant", () => {
                const stack = program("export");
                assert.deepStrictEqual(
                    evaluateResources(stack).filter((v) => v.enforcementLevel === "mandatory"),
                    [],
                );
                for (const policy of [defaultEncryption, noPublicAccess, httpsOnly]) {
                    const decisions = decide(policy, stack);
                    assert.deepStrictEqual(
                        decisions.filter((d) => d.outcome === "violation" || d.outcome === "undecided"),
                        [],
                        policy.name,
                    );
                    assert.ok(
                        decisions.some((d) => d.outcome === "compliant"),
                        `${policy.name} judged the bucket`,
                    );
                }
            });

            it("as the preview of a new stack sends it: no mandatory violation, and default encryption decided already", () => {
                const stack = program("preview");
                assert.deepStrictEqual(
                    evaluateResources(stack).filter((v) => v.enforcementLevel === "mandatory"),
                    [],
                );
                assert.deepStrictEqual(
                    decide(defaultEncryption, stack).map((d) => d.outcome),
                    ["compliant"],
                );
            });
        });
    }
});
