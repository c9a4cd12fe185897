import { describe, encryptionOf } from "../lib/bucket-settings";
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
        "Every S3 bucket declares default encryption (SSE-S3 AES256, SSE-KMS aws:kms or DSSE-KMS aws:kms:dsse), so the choice of key is in code and reviewed rather than left to the account default.",
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
                description: 'Algorithms accepted as the default, e.g. ["aws:kms"] to require customer-managed KMS keys.',
            },
        },
    },
    remediationSteps:
        'Add an aws.s3.BucketServerSideEncryptionConfiguration with rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] (or "aws:kms" with kmsMasterKeyId and bucketKeyEnabled: true).',
    notApplicableReason: "The stack has no S3 bucket.",
    evaluate(index: StackIndex, config: DefaultEncryptionConfig): Decision[] {
        return index.buckets.map((b) => {
            const e = encryptionOf(index, b);
            if (e.state === "unknown") {
                return undecided(b.res.urn, `Cannot tell yet whether ${b.label} has default encryption: ${e.detail}.`);
            }
            if (e.state === "absent") {
                return violation(
                    e.source?.urn ?? b.res.urn,
                    `${b.label} does not declare default encryption (${e.detail}). Add an aws.s3.BucketServerSideEncryptionConfiguration with applyServerSideEncryptionByDefault.sseAlgorithm ${list(config.allowedAlgorithms)}.`,
                );
            }
            const rejected = e.algorithms.filter((a) => !config.allowedAlgorithms.includes(a));
            if (rejected.length > 0) {
                return violation(
                    e.source.urn,
                    `${b.label} uses default encryption ${list(rejected)} (${describe(e.source, e.form)}), which is not among the allowed ${list(config.allowedAlgorithms)}. Set sseAlgorithm to one of those.`,
                );
            }
            return compliant(b.res.urn, `${b.label} encrypts by default with ${list(e.algorithms)}.`);
        });
    },
});
