/**
 * The resources of the requests: buckets and objects, KMS keys and roles,
 * each with its resource policy from its owner's plan, or why it is not known.
 */
import { CollectedBucket, CollectedKey, keyOfBucket, singlePolicy } from "./collect";
import { accountOfArn, bucketNameOfArn, lastPathSegmentOfArn, regionOfArn } from "../../infra/policies/document";
import type { Known, NamedPolicy, RequestResource, SideFacts, SideRef } from "./model";

export function collectedBucket(side: SideFacts, arn: string): CollectedBucket | string {
    const name = bucketNameOfArn(arn);
    if (!side.policies) return `${name}'s policies live in ${side.party}'s account and its stack is not planned here (${side.source})`;
    return side.policies.buckets.find((b) => b.arn === arn) ?? `${side.policies.stack}'s plan makes no bucket ${name}`;
}

/** A bucket, or an object in it, with its policy from the owner's plan. */
export function bucketResource(side: SideFacts, ref: SideRef, arn: string, key: string | undefined, ingress: boolean): RequestResource | string {
    if (!side.accountId) return `${side.party}'s account ID is not known`;
    const name = bucketNameOfArn(arn);
    let policy: Known<NamedPolicy | undefined>;
    let restrictPublicBuckets = false;
    const collected = collectedBucket(side, arn);
    if (typeof collected === "string") {
        policy = { unknown: collected };
    } else {
        const single = singlePolicy(collected.policies, `bucket ${name}`);
        policy = single.unreadable ? { unknown: single.unreadable } : { value: single.document ? { name: single.name!, policy: single.document } : undefined };
        restrictPublicBuckets = collected.restrictPublicBuckets;
    }
    return {
        label: key ? `${name}/${key}` : name,
        arn: key ? `${arn}/${key}` : arn,
        accountId: side.accountId,
        side: ref,
        type: key ? "object" : "bucket",
        ingress,
        policy,
        restrictPublicBuckets,
    };
}

export function bucketResources(side: SideFacts, ref: SideRef, arns: string[], key: string | undefined, ingressArn?: string): RequestResource[] | string {
    const resources = arns.map((arn) => bucketResource(side, ref, arn, key, arn === ingressArn));
    const failed = resources.find((r): r is string => typeof r === "string");
    return failed ?? (resources as RequestResource[]);
}

export function keyResource(ref: SideRef, key: CollectedKey | { arn: string; unknown: string }): RequestResource {
    const policy: Known<NamedPolicy | undefined> =
        "unknown" in key
            ? { unknown: key.unknown }
            : (() => {
                  const single = singlePolicy(key.policies, `key ${key.name}`);
                  return single.unreadable ? { unknown: single.unreadable } : { value: single.document ? { name: single.name!, policy: single.document } : undefined };
              })();
    return {
        label: "name" in key ? `key ${key.name}` : `key/${lastPathSegmentOfArn(key.arn)}`,
        arn: key.arn,
        accountId: accountOfArn(key.arn),
        side: ref,
        type: "key",
        ingress: false,
        policy,
        restrictPublicBuckets: false,
    };
}

/**
 * The KMS key a bucket encrypts with: none for SSE-S3, so requests on it do
 * not apply. `handedOverKeyArn` names the key of a bucket whose plan is not here.
 */
export function bucketKeys(side: SideFacts, ref: SideRef, arn: string, what: string, handedOverKeyArn?: string): RequestResource[] | string {
    const collected = collectedBucket(side, arn);
    if (typeof collected === "string") {
        if (handedOverKeyArn) {
            return [
                keyResource(ref, {
                    arn: handedOverKeyArn,
                    unknown: `the key policy of ${handedOverKeyArn} lives in ${side.party}'s account and its stack is not planned here (${side.source})`,
                }),
            ];
        }
        return `whether ${side.party}'s ${what} uses a KMS key is not known: ${collected}`;
    }
    if (!collected.kms) return [];
    if (collected.kms.keyId === "aws/s3") return `${collected.name} uses the AWS-managed aws/s3 key, whose policy is not in the plan (and which cannot be used across accounts)`;
    const key = keyOfBucket(side.policies!, collected);
    if (key) return [keyResource(ref, key)];
    const named = collected.kms.keyId;
    if (!named.startsWith("arn:")) return `${collected.name} names KMS key ${named}, which ${side.policies!.stack}'s plan does not make`;
    return [keyResource(ref, { arn: named, unknown: `${collected.name} names KMS key ${named}, which ${side.policies!.stack}'s plan does not make` })];
}

/** A role as a resource. Its trust policy is the resource policy of sts:AssumeRole* only; IAM actions on a role have none. */
export function roleResource(side: SideFacts, ref: SideRef, arn: string, action: string): RequestResource {
    let policy: Known<NamedPolicy | undefined> = { value: undefined };
    if (action.startsWith("sts:")) {
        const role = side.policies?.roles.find((r) => r.arn === arn);
        if (!side.policies) policy = { unknown: `${side.party}'s trust policy lives in its account and its stack is not planned here (${side.source})` };
        else if (!role?.trust) policy = { unknown: `${side.policies.stack}'s plan makes no role ${arn}` };
        else if (!role.trust.document) policy = { unknown: role.trust.unreadable ?? "trust policy unreadable" };
        else policy = { value: { name: role.trust.name, policy: role.trust.document } };
    }
    return { label: `role/${lastPathSegmentOfArn(arn)}`, arn, accountId: accountOfArn(arn), side: ref, type: "role", ingress: false, policy, restrictPublicBuckets: false };
}

/**
 * The context S3 gives KMS when it encrypts or decrypts an object for a
 * caller: the service it calls through, and the encryption context, which
 * is the bucket's ARN with S3 Bucket Keys and the object's without.
 */
export function kmsViaContext(side: SideFacts, bucketArn: string, objectKey: string, key: RequestResource): Record<string, string> {
    const collected = collectedBucket(side, bucketArn);
    const bucketKey = typeof collected === "string" ? false : (collected.kms?.bucketKey ?? false);
    const region = regionOfArn(key.arn);
    return {
        "kms:ViaService": `s3.${region}.amazonaws.com`,
        "kms:EncryptionContext:aws:s3:arn": bucketKey ? bucketArn : `${bucketArn}/${objectKey}`,
    };
}
