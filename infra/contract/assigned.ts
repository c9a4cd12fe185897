/**
 * Values AWS assigns when it creates a resource, which nothing handed to a
 * person or another company may invent.
 *
 * Of what a hand-over and the hand-off sheet carry, only the KMS key ARNs are
 * assigned at creation: CreateKey returns the key ID, and a key ARN is
 * `arn:<partition>:kms:<region>:<account>:key/<key-id>` (AWS KMS Developer
 * Guide, "Key identifiers": https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id).
 * Everything else is fixed before creation by what we choose: a bucket ARN is
 * `arn:<partition>:s3:::<bucket-name>` (S3 User Guide, "Amazon S3 resources":
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html) and
 * a role ARN `arn:<partition>:iam::<account>:role/<path><name>` (IAM User Guide,
 * "IAM identifiers": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns);
 * the account, region, root and encryption come from config.
 *
 * A KMS alias ARN is fixed before creation, and S3 replication accepts one as
 * `ReplicaKmsKeyID` (S3 API Reference, EncryptionConfiguration:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_EncryptionConfiguration.html,
 * which recommends the key ARN), but the other side's replication role needs
 * `kms:Encrypt` on the key, and an alias in a policy's `Resource` names the
 * alias, not the key behind it (KMS Developer Guide, "Use aliases to control
 * access to KMS keys": https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html).
 * So the hand-over carries the key ARN, known only after the first `pulumi up`.
 *
 * The offline plan has to give each key some ID; it gives a stand-in that
 * cannot be a real one, so that every reader can tell it from a real key: a
 * key ID whose first 20 hex digits are zeros (real key IDs are random; the
 * 12 digits after the zeros keep the plan's keys apart).
 */

/** The hand-over fields (JSON pointers) whose values AWS assigns at creation. */
export const ASSIGNED_AT_CREATION = ["/link/egressKmsKeyArn", "/link/ingressKmsKeyArn"] as const;

const STAND_IN_KEY_ID = /^00000000-0000-0000-0000-[0-9a-f]{12}$/;
const STAND_IN_KEY_ARN = /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/00000000-0000-0000-0000-[0-9a-f]{12}$/;

/** The offline plan's key ID for a key it plans, from 12 hex digits that tell the plan's keys apart. */
export function standInKeyId(hex12: string): string {
    if (!/^[0-9a-f]{12}$/.test(hex12)) throw new Error(`a stand-in key ID takes 12 hex digits, got "${hex12}"`);
    return `00000000-0000-0000-0000-${hex12}`;
}

/** True for a key ID or key ARN the offline plan made up for a key that does not exist yet. */
export function isStandIn(value: string): boolean {
    return STAND_IN_KEY_ID.test(value) || STAND_IN_KEY_ARN.test(value);
}

/** What to say in place of a value AWS has not assigned yet, and where the real one comes from. */
export function knownAfterUp(stack: string | undefined): string {
    return `assigned by AWS when \`pulumi up\` creates the key; after it, take it from the deployed stack (\`pulumi stack output --json${stack ? ` --stack ${stack}` : ""}\`)`;
}

/** Why a value cannot be handed over, or undefined when it can: a stand-in is refused, naming the way to the real value. */
export function standInProblem(value: string | undefined, stack?: string): string | undefined {
    if (value === undefined || !isStandIn(value)) return undefined;
    return `is the offline plan's stand-in for a KMS key that does not exist yet (${value}); the key's ARN is ${knownAfterUp(stack)}`;
}

/** The JSON pointers of a hand-over whose values are stand-ins, for a refusal naming each. */
export function standInsOf(handover: { link: Partial<Record<"egressKmsKeyArn" | "ingressKmsKeyArn", string>> }): (typeof ASSIGNED_AT_CREATION)[number][] {
    return ASSIGNED_AT_CREATION.filter((pointer) => {
        const value = handover.link[pointer.split("/")[2] as "egressKmsKeyArn" | "ingressKmsKeyArn"];
        return value !== undefined && isStandIn(value);
    });
}
