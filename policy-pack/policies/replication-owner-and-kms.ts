import { relation } from "../lib/accounts";
import { describe, encryptionOf, KMS_ALGORITHMS, ownershipOf } from "../lib/bucket-settings";
import { compliant, Decision, defineStackPolicy, undecided, violation } from "../lib/policy-kit";
import { destinationCandidates, judgeEachRule, ReplicationConfig, ReplicationRule } from "../lib/replication";
import { StackIndex } from "../lib/stack-index";
import { Read, UNKNOWN } from "../lib/values";

/** The AWS-managed S3 key: its policy cannot be shared, so another account cannot use it. */
function isAwsManagedS3Key(key: string): boolean {
    return /(^|:)alias\/aws\/s3$/.test(key);
}

/**
 * A key given by bare key ID (`1234abcd-…`) or alias name (`alias/replica`): KMS
 * resolves it in the requester's account, the source's, so it cannot name the
 * destination account's key. ReplicaKmsKeyID is "the ARN for the KMS key or the
 * alias ARN" (S3 API, EncryptionConfiguration).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_EncryptionConfiguration.html
 */
function isBareKeyReference(key: string): boolean {
    return !/^arn:[^:]+:kms:/.test(key);
}

function sourceUsesKms(index: StackIndex, cfg: ReplicationConfig): Read<boolean> {
    if (!cfg.bucket) {
        return undefined;
    }
    const e = encryptionOf(index, cfg.bucket);
    if (e.state === "unknown") {
        return UNKNOWN;
    }
    return e.state === "set" && e.algorithms.some((a) => KMS_ALGORITHMS.includes(a));
}

function judgeRule(index: StackIndex, cfg: ReplicationConfig, rule: ReplicationRule): Decision[] {
    const out: Decision[] = [];
    const urn = cfg.declaredOn.urn;
    const where = `${rule.label} of the replication of ${cfg.bucketLabel} (${describe(cfg.declaredOn, cfg.form)})`;
    const accountField = cfg.form === "inline" ? "destination.accountId" : "destination.account";
    const ownerField = "destination.accessControlTranslation.owner";

    // Ownership. The rule declares the destination account when it crosses
    // accounts (S3 requires it for owner override); the role ARN tells the source;
    // for a destination in the stack, so do the two buckets' providers.
    const dests = destinationCandidates(index, cfg, rule).filter((b) => b !== cfg.bucket);
    const providersSay = cfg.bucket && dests.length === 1 ? relation(index.accountOf(cfg.bucket.res), index.accountOf(dests[0].res)) : undefined;
    let crossAccount: Read<boolean>;
    if (rule.destinationAccount === UNKNOWN) {
        crossAccount = UNKNOWN;
    } else if (rule.destinationAccount === undefined) {
        crossAccount = providersSay === "different" ? true : undefined;
    } else if (cfg.sourceAccount === undefined && cfg.role === UNKNOWN && providersSay !== "different" && providersSay !== "same") {
        // Whether the destination account is the stack's own cannot be told
        // before the role's ARN (which names the source account) is known.
        crossAccount = UNKNOWN;
    } else if (cfg.sourceAccount === undefined && (providersSay === "different" || providersSay === "same")) {
        crossAccount = providersSay === "different";
    } else {
        crossAccount = cfg.sourceAccount === undefined || cfg.sourceAccount !== rule.destinationAccount;
    }
    // "If your destination bucket uses the bucket owner enforced setting for Object
    // Ownership, all objects written to the bucket by any account will be owned by the
    // bucket owner" (S3 API, PutObject): replicas included, without owner override.
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
    const ownedAnyway =
        dests.length > 0 &&
        dests.every((d) => {
            const o = ownershipOf(index, d);
            return o.state === "set" && o.value === "BucketOwnerEnforced";
        });
    if (crossAccount === true || crossAccount === UNKNOWN) {
        if (rule.owner === "Destination" && rule.destinationAccount === undefined) {
            out.push(violation(urn, `${where} sets ${ownerField} but not ${accountField}; S3 rejects owner override without the destination account ID. Add ${accountField}.`));
        } else if (rule.owner === "Destination") {
            out.push(compliant(urn, `${where} hands object ownership to the destination account.`));
        } else if (ownedAnyway && rule.owner !== UNKNOWN) {
            out.push(compliant(urn, `${where} replicates into ${dests.map((d) => d.label).join(", ")}, whose BucketOwnerEnforced ownership makes its owner own every replica.`));
        } else if (rule.owner === UNKNOWN || crossAccount === UNKNOWN) {
            out.push(
                undecided(
                    urn,
                    `Cannot tell yet whether ${where} crosses accounts and hands ownership over: the destination account, the role's ARN (which names the source account) or the owner is unknown until apply.`,
                ),
            );
        } else {
            const to =
                typeof rule.destinationAccount === "string"
                    ? `account ${rule.destinationAccount}`
                    : `another account (${dests.map((d) => index.accountOf(d.res).label).join(", ")})`;
            out.push(
                violation(
                    urn,
                    `${where} replicates to ${to} but leaves replicas owned by the source account (${ownerField} is ${rule.owner === undefined ? "not set" : `"${rule.owner}"`}). Set ${ownerField} to "Destination" with ${accountField}, grant s3:ObjectOwnerOverrideToBucketOwner to the replication role and in the destination bucket policy, or give the destination BucketOwnerEnforced ownership.`,
                ),
            );
        }
    } else if (crossAccount === undefined && rule.owner !== undefined && rule.owner !== UNKNOWN) {
        out.push(violation(urn, `${where} sets ${ownerField} but not ${accountField}; S3 rejects owner override without the destination account ID. Add ${accountField}.`));
    }

    // KMS. Objects encrypted with SSE-KMS replicate only when the rule selects them
    // and names a key in the destination to re-encrypt with.
    const kmsSource = sourceUsesKms(index, cfg);
    const mentionsKms = rule.sseKmsObjects === true || typeof rule.replicaKmsKeyId === "string";
    if (kmsSource === true || mentionsKms) {
        const why = kmsSource === true ? `${cfg.bucketLabel} encrypts with SSE-KMS` : `${where} replicates KMS-encrypted objects`;
        const keyField = cfg.form === "inline" ? "destination.replicaKmsKeyId" : "destination.encryptionConfiguration.replicaKmsKeyId";
        const sseField = cfg.form === "inline" ? "sourceSelectionCriteria.sseKmsEncryptedObjects.enabled" : 'sourceSelectionCriteria.sseKmsEncryptedObjects.status ("Enabled")';
        const problems: string[] = [];
        let pending = false;
        if (rule.replicaKmsKeyId === undefined) {
            problems.push(`it names no replica key (${keyField})`);
        } else if (rule.replicaKmsKeyId === UNKNOWN) {
            pending = true;
        } else if (isAwsManagedS3Key(rule.replicaKmsKeyId) && crossAccount !== false) {
            problems.push(`its replica key is the AWS-managed aws/s3 key, which another account cannot use`);
        } else if (isBareKeyReference(rule.replicaKmsKeyId) && crossAccount === true) {
            problems.push(
                `its replica key "${rule.replicaKmsKeyId}" is a bare key ID or alias name, which KMS resolves in the source account, not in the destination's account; give the key ARN or alias ARN (arn:${index.partition()}:kms:<region>:${typeof rule.destinationAccount === "string" ? rule.destinationAccount : "<destination account>"}:key/<id>)`,
            );
        } else if (isBareKeyReference(rule.replicaKmsKeyId) && crossAccount === UNKNOWN) {
            pending = true;
        }
        if (rule.sseKmsObjects === UNKNOWN) {
            pending = true;
        } else if (rule.sseKmsObjects !== true) {
            problems.push(`it does not select SSE-KMS objects (${sseField})`);
        }
        if (problems.length > 0) {
            out.push(
                violation(
                    urn,
                    `${why}, but ${where}: ${problems.join("; ")}. S3 silently skips SSE-KMS objects otherwise. Set ${keyField} to a customer-managed key in the destination account and enable ${sseField}.`,
                ),
            );
        } else if (pending) {
            out.push(undecided(urn, `Cannot tell yet whether ${where} replicates KMS-encrypted objects correctly: its replica key or SSE-KMS selection is unknown until apply.`));
        } else {
            out.push(compliant(urn, `${where} selects SSE-KMS objects and re-encrypts them with a replica key.`));
        }
    } else if (kmsSource === UNKNOWN) {
        out.push(undecided(urn, `Cannot tell yet whether ${cfg.bucketLabel} uses SSE-KMS, so whether ${where} needs a replica key is open.`));
    }
    return out;
}

export const replicationOwnerAndKms = defineStackPolicy({
    name: "s3-transfer-replication-owner-and-kms",
    description:
        "Cross-account replication hands object ownership to the destination (accessControlTranslation owner Destination with the destination account), and replication of SSE-KMS objects selects them and names a customer-managed replica key, by its key ARN or alias ARN when the destination is another account's.",
    enforcementLevel: "mandatory",
    severity: "high",
    defaults: {},
    remediationSteps:
        'On each rule to another account: destination.account = "<id>", destination.accessControlTranslation.owner = "Destination". With SSE-KMS: destination.encryptionConfiguration.replicaKmsKeyId = "<key ARN in the destination>", sourceSelectionCriteria.sseKmsEncryptedObjects.status = "Enabled".',
    notApplicableReason: "The stack has no cross-account or KMS replication rule.",
    evaluate(index: StackIndex): Decision[] {
        // A disabled rule replicates nothing, so its ownership and keys do not matter yet.
        return judgeEachRule(index, (cfg, rule) => judgeRule(index, cfg, rule), { enabledOnly: true });
    },
});
