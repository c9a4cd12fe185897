// Default encryption as S3 applies it. Since 5 January 2023 S3 encrypts every new
// object with SSE-S3 (AES256) as "the base level of encryption for every bucket"
// (S3 User Guide, UsingServerSideEncryption), and DeleteBucketEncryption "resets
// the default encryption for the bucket as server-side encryption with Amazon S3
// managed keys (SSE-S3)" (S3 API, DeleteBucketEncryption): a bucket that declares
// no encryption is SSE-S3, not unencrypted. So a program written the way the
// registry examples write a bucket passes, and what stays a violation is what
// S3 refuses or what the stack's own rule (`allowedAlgorithms`) forbids.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html

import { describe, encryptionOf, S3_BASE_ENCRYPTION } from "../lib/bucket-settings";
import { compliant, Decision, defineStackPolicy, list, undecided, violation } from "../lib/policy-kit";
import { StackIndex } from "../lib/stack-index";

export const ALL_SSE_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

export interface DefaultEncryptionConfig {
    /** Server-side encryption algorithms a bucket's default may use. */
    allowedAlgorithms: string[];
}

export const defaultEncryption = defineStackPolicy<DefaultEncryptionConfig>({
    name: "s3-transfer-default-encryption",
    description:
        "Every S3 bucket's default encryption is one the stack allows and S3 accepts: a declared SSE-S3 (AES256), SSE-KMS (aws:kms) or DSSE-KMS (aws:kms:dsse) rule, or, where none is declared, the SSE-S3 that S3 applies to every bucket since January 2023; a KMS key beside AES256, which S3 refuses, fails.",
    enforcementLevel: "mandatory",
    severity: "high",
    defaults: { allowedAlgorithms: ALL_SSE_ALGORITHMS },
    configSchema: {
        properties: {
            allowedAlgorithms: {
                type: "array",
                items: { type: "string", enum: ALL_SSE_ALGORITHMS },
                minItems: 1,
                default: ALL_SSE_ALGORITHMS,
                description: 'Algorithms accepted as the default, e.g. ["aws:kms"] to require KMS keys; a bucket that declares none is SSE-S3 ("AES256"), S3\'s own default.',
            },
        },
    },
    remediationSteps:
        'Declare the encryption the stack requires with an aws.s3.BucketServerSideEncryptionConfiguration (aws-native: bucketEncryption on the bucket): rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }]; give kmsMasterKeyId only with aws:kms or aws:kms:dsse.',
    notApplicableReason: "The stack has no S3 bucket.",
    evaluate(index: StackIndex, config: DefaultEncryptionConfig): Decision[] {
        const out: Decision[] = [];
        for (const b of index.buckets) {
            const e = encryptionOf(index, b);
            if (e.state === "unknown") {
                out.push(undecided(b.res.urn, `Cannot tell yet whether ${b.label} has default encryption: ${e.detail}.`));
                continue;
            }
            if (e.state === "absent") {
                // S3's base level applies: what is left to judge is whether the stack allows SSE-S3.
                const declared = e.source ? `${describe(e.source, "split")} names no default algorithm` : "it declares no default encryption";
                out.push(
                    config.allowedAlgorithms.includes(S3_BASE_ENCRYPTION)
                        ? compliant(b.res.urn, `${b.label} is encrypted with SSE-S3 (${S3_BASE_ENCRYPTION}): ${declared}, and S3 applies SSE-S3 to every bucket.`)
                        : violation(
                              e.source?.urn ?? b.res.urn,
                              `${b.label} is encrypted with SSE-S3 (${S3_BASE_ENCRYPTION}), S3's default for every bucket, because ${declared}; this stack allows only ${list(config.allowedAlgorithms)}. Declare applyServerSideEncryptionByDefault.sseAlgorithm ${list(config.allowedAlgorithms)} with the key (aws.s3.BucketServerSideEncryptionConfiguration, or bucketEncryption on an aws-native bucket).`,
                          ),
                );
                continue;
            }
            const where = describe(e.source, e.form);
            // KMSMasterKeyID "is allowed if and only if SSEAlgorithm is set to aws:kms or aws:kms:dsse" (S3 API, ServerSideEncryptionByDefault).
            const keyWithoutKms = e.algorithms.findIndex((a, i) => a === "AES256" && typeof e.kmsKeyIds[i] === "string" && e.kmsKeyIds[i] !== "");
            if (keyWithoutKms >= 0) {
                out.push(
                    violation(
                        e.source.urn,
                        `${b.label} sets kmsMasterKeyId ${JSON.stringify(e.kmsKeyIds[keyWithoutKms])} with sseAlgorithm "AES256" (${where}); S3 allows a KMS key only with aws:kms or aws:kms:dsse and refuses this configuration, so \`pulumi up\` fails. Drop kmsMasterKeyId for SSE-S3, or set sseAlgorithm "aws:kms" to use the key (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html).`,
                    ),
                );
                continue;
            }
            const rejected = e.algorithms.filter((a) => !config.allowedAlgorithms.includes(a));
            if (rejected.length > 0) {
                out.push(
                    violation(
                        e.source.urn,
                        `${b.label} uses default encryption ${list(rejected)} (${where}), which is not among the allowed ${list(config.allowedAlgorithms)}. Set sseAlgorithm to one of those.`,
                    ),
                );
                continue;
            }
            out.push(compliant(b.res.urn, `${b.label} encrypts by default with ${list(e.algorithms)}.`));
        }
        return out;
    },
});
