/**
 * Every policy document a plan makes, indexed by what it governs: identity and
 * trust policies by role, bucket policies by bucket, key policies by key. Also
 * what delivers into log buckets (each bucket's access-log target, each
 * trail's bucket), which the log buckets' policies must admit exactly.
 *
 * Collection is by resource type token, not by the program's component tree,
 * so a policy added later (a KMS key, a managed policy attached to a role) is
 * picked up without touching this file. A document that cannot be read (not
 * JSON, unknown during preview, a managed policy that lives outside the plan)
 * is kept with the reason, so that the requests depending on it are reported
 * as not evaluated rather than evaluated against a policy that is not there.
 */
import { PlannedResource, Plan } from "../plan/engine";
import { partitionOf } from "../../infra/config/rules";
import { arns } from "../../infra/policies/document";

export const TOKENS = {
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    accountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    key: "aws:kms/key:Key",
    keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    alias: "aws:kms/alias:Alias",
    bucketLogging: "aws:s3/bucketLogging:BucketLogging",
    trail: "aws:cloudtrail/trail:Trail",
} as const;

/** A policy document as found in the plan, or why it could not be read. */
export interface CollectedDocument {
    /** Where it came from: `<resource name> <input>`, for evidence and messages. */
    source: string;
    /** The policy name the simulator reports decisions against. */
    name: string;
    document?: Record<string, unknown>;
    unreadable?: string;
}

export interface CollectedRole {
    name: string;
    arn: string;
    trust?: CollectedDocument;
    /** Inline, RolePolicy, and attached customer-managed policies. */
    identity: CollectedDocument[];
    permissionsBoundary?: CollectedDocument;
}

export interface CollectedBucket {
    name: string;
    arn: string;
    /** Every source of a bucket policy. More than one is a defect: they overwrite each other. */
    policies: CollectedDocument[];
    /** RestrictPublicBuckets, from the bucket's or the account's public access block. */
    restrictPublicBuckets: boolean;
    /**
     * Default encryption: absent for SSE-S3 (or none), else the KMS key ID or ARN
     * (`aws/s3` for the AWS-managed key) and whether S3 Bucket Keys are on,
     * which makes the bucket, not the object, the KMS encryption context.
     */
    kms?: { keyId: string; bucketKey: boolean };
    /** Where S3 delivers the bucket's server access logs: the target bucket's name and the key prefix. */
    accessLogs?: { targetBucket: string; targetPrefix: string };
}

/** A CloudTrail trail and where it delivers: the log bucket's policy must admit exactly it. */
export interface CollectedTrail {
    name: string;
    arn: string;
    bucket: string;
    /** The key prefix the trail writes under (`<prefix>/AWSLogs/<account>/...`); empty when none. */
    keyPrefix: string;
}

export interface CollectedKey {
    /** The resource's name in the plan, for labels. */
    name: string;
    arn: string;
    keyId: string;
    policies: CollectedDocument[];
}

export interface CollectedPolicies {
    stack: string;
    accountId: string;
    partition: string;
    roles: CollectedRole[];
    buckets: CollectedBucket[];
    keys: CollectedKey[];
    trails: CollectedTrail[];
    /** Alias name and ARN -> target key ID: a bucket may name its key by alias. */
    aliases: Record<string, string>;
}

function resourceName(r: PlannedResource): string {
    return r.urn.split("::").pop() ?? r.urn;
}

/** Providers take policies as JSON text; some programs pass objects. Anything else is not a document. */
export function readDocument(value: unknown, source: string, name: string): CollectedDocument {
    if (value === undefined || value === null) return { source, name, unreadable: `${source} is unknown in the plan (computed during deployment)` };
    if (typeof value === "object") return { source, name, document: value as Record<string, unknown> };
    if (typeof value !== "string") return { source, name, unreadable: `${source} is a ${typeof value}, not a policy document` };
    try {
        const parsed: unknown = JSON.parse(value);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return { source, name, document: parsed as Record<string, unknown> };
        return { source, name, unreadable: `${source} is JSON but not a policy document` };
    } catch {
        return { source, name, unreadable: `${source} is not JSON` };
    }
}

function text(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** A role input may hold its name or its ARN; both refer to the same role. */
function sameRole(reference: unknown, role: CollectedRole): boolean {
    const ref = text(reference);
    return ref !== undefined && (ref === role.name || ref === role.arn);
}

export function collectPolicies(plan: Plan): CollectedPolicies {
    const accountId = String(plan.outputs.accountId ?? "");
    const region = String(plan.outputs.region ?? "us-east-1");
    const partition = partitionOf(region);
    const ofType = (token: string) => plan.resources.filter((r) => r.type === token);

    const managed = new Map<string, CollectedDocument>();
    for (const r of ofType(TOKENS.policy)) {
        const arn = text(r.outputs.arn) ?? arns.managedPolicy(partition, accountId, text(r.inputs.path) ?? "/", text(r.inputs.name) ?? resourceName(r));
        managed.set(arn, readDocument(r.inputs.policy, `${resourceName(r)} policy`, text(r.inputs.name) ?? resourceName(r)));
    }
    const managedDocument = (arn: string, attachedBy: string): CollectedDocument =>
        managed.get(arn) ?? {
            source: attachedBy,
            name: arn,
            unreadable: `${attachedBy} attaches ${arn}, whose document is not in the plan (an AWS-managed or out-of-stack policy)`,
        };

    const roles: CollectedRole[] = ofType(TOKENS.role).map((r) => {
        const name = text(r.inputs.name) ?? text(r.outputs.name) ?? resourceName(r);
        const arn = text(r.outputs.arn) ?? arns.role(partition, accountId, name, text(r.inputs.path) ?? "/");
        const identity: CollectedDocument[] = [];
        const inline = Array.isArray(r.inputs.inlinePolicies) ? (r.inputs.inlinePolicies as Record<string, unknown>[]) : [];
        for (const [i, p] of inline.entries()) {
            const policyName = text(p.name) ?? `inline-${i}`;
            identity.push(readDocument(p.policy, `${resourceName(r)} inlinePolicies[${i}]`, policyName));
        }
        const managedArns = Array.isArray(r.inputs.managedPolicyArns) ? (r.inputs.managedPolicyArns as unknown[]) : [];
        for (const policyArn of managedArns) identity.push(managedDocument(String(policyArn), `${resourceName(r)} managedPolicyArns`));
        const boundary = text(r.inputs.permissionsBoundary);
        return {
            name,
            arn,
            trust: readDocument(r.inputs.assumeRolePolicy, `${resourceName(r)} assumeRolePolicy`, `${name} trust policy`),
            identity,
            ...(boundary ? { permissionsBoundary: managedDocument(boundary, `${resourceName(r)} permissionsBoundary`) } : {}),
        };
    });
    const roleFor = (reference: unknown, by: PlannedResource): CollectedRole | undefined => {
        const role = roles.find((candidate) => sameRole(reference, candidate));
        if (!role && text(reference)) {
            // A policy for a role this plan does not make (say, one created by hand) still says what that role may do.
            const ref = String(reference);
            const name = ref.split("/").pop() ?? ref;
            const arn = ref.startsWith("arn:") ? ref : arns.role(partition, accountId, ref);
            const created: CollectedRole = { name, arn, identity: [] };
            roles.push(created);
            return created;
        }
        if (!role) throw new Error(`${by.urn} names no role`);
        return role;
    };
    for (const r of ofType(TOKENS.rolePolicy)) {
        const role = roleFor(r.inputs.role, r);
        role?.identity.push(readDocument(r.inputs.policy, `${resourceName(r)} policy`, text(r.inputs.name) ?? resourceName(r)));
    }
    for (const r of ofType(TOKENS.rolePolicyAttachment)) {
        const role = roleFor(r.inputs.role, r);
        role?.identity.push(managedDocument(String(r.inputs.policyArn), resourceName(r)));
    }

    const accountBlock = ofType(TOKENS.accountPublicAccessBlock).some((r) => r.inputs.restrictPublicBuckets === true);
    const buckets = new Map<string, CollectedBucket>();
    const bucketNamed = (name: string): CollectedBucket => {
        let bucket = buckets.get(name);
        if (!bucket) {
            bucket = { name, arn: arns.bucket(partition, name), policies: [], restrictPublicBuckets: accountBlock };
            buckets.set(name, bucket);
        }
        return bucket;
    };
    // Accepts a bucket's name or ARN, as the provider does.
    const bucketName = (value: unknown): string => String(value).replace(/^arn:[^:]+:s3:::/, "");
    for (const r of ofType(TOKENS.bucket)) {
        const bucket = bucketNamed(bucketName(r.inputs.bucket ?? r.outputs.bucket ?? resourceName(r)));
        if (text(r.outputs.arn)) bucket.arn = String(r.outputs.arn);
        // The legacy inline policy argument: a second source of the one bucket policy.
        if (r.inputs.policy !== undefined) bucket.policies.push(readDocument(r.inputs.policy, `${resourceName(r)} policy`, `${bucket.name} bucket policy`));
    }
    for (const r of ofType(TOKENS.bucketPolicy)) {
        const bucket = bucketNamed(bucketName(r.inputs.bucket));
        bucket.policies.push(readDocument(r.inputs.policy, `${resourceName(r)} policy`, `${bucket.name} bucket policy`));
    }
    for (const r of ofType(TOKENS.bucketPublicAccessBlock)) {
        const bucket = bucketNamed(bucketName(r.inputs.bucket));
        bucket.restrictPublicBuckets ||= r.inputs.restrictPublicBuckets === true;
    }

    for (const r of ofType(TOKENS.bucketEncryption)) {
        const bucket = bucketNamed(bucketName(r.inputs.bucket));
        const rules = Array.isArray(r.inputs.rules) ? (r.inputs.rules as Record<string, unknown>[]) : [];
        for (const rule of rules) {
            const byDefault = (rule.applyServerSideEncryptionByDefault ?? {}) as Record<string, unknown>;
            if (!String(byDefault.sseAlgorithm ?? "").startsWith("aws:kms")) continue;
            bucket.kms = { keyId: text(byDefault.kmsMasterKeyId) ?? "aws/s3", bucketKey: rule.bucketKeyEnabled === true };
        }
    }

    for (const r of ofType(TOKENS.bucketLogging)) {
        const target = text(r.inputs.targetBucket);
        if (!target) continue;
        bucketNamed(bucketName(r.inputs.bucket)).accessLogs = { targetBucket: bucketName(target), targetPrefix: text(r.inputs.targetPrefix) ?? "" };
    }

    const trails: CollectedTrail[] = ofType(TOKENS.trail).flatMap((r) => {
        const name = text(r.inputs.name) ?? resourceName(r);
        const bucket = text(r.inputs.s3BucketName);
        if (!bucket) return [];
        return [{ name, arn: text(r.outputs.arn) ?? arns.trail(partition, region, accountId, name), bucket, keyPrefix: text(r.inputs.s3KeyPrefix) ?? "" }];
    });

    const keys = new Map<string, CollectedKey>();
    for (const r of ofType(TOKENS.key)) {
        const id = text(r.outputs.keyId) ?? text(r.id) ?? resourceName(r);
        const arn = text(r.outputs.arn) ?? arns.kmsKey(partition, region, accountId, id);
        const key: CollectedKey = { name: resourceName(r), arn, keyId: id, policies: [] };
        // A key without a policy input gets AWS's default policy, which trusts the whole account.
        key.policies.push(
            r.inputs.policy === undefined
                ? {
                      source: `${resourceName(r)} policy`,
                      name: `${resourceName(r)} key policy`,
                      unreadable: `${resourceName(r)} sets no policy, so AWS applies its default key policy, which is not in the plan`,
                  }
                : readDocument(r.inputs.policy, `${resourceName(r)} policy`, `${resourceName(r)} key policy`),
        );
        keys.set(id, key);
        keys.set(arn, key);
    }
    for (const r of ofType(TOKENS.keyPolicy)) {
        const key = keys.get(String(r.inputs.keyId));
        const document = readDocument(r.inputs.policy, `${resourceName(r)} policy`, `${resourceName(r)} key policy`);
        if (key) key.policies = [...key.policies.filter((p) => p.document), document];
        else keys.set(String(r.inputs.keyId), { name: resourceName(r), arn: String(r.inputs.keyId), keyId: String(r.inputs.keyId), policies: [document] });
    }

    const aliases: Record<string, string> = {};
    for (const r of ofType(TOKENS.alias)) {
        const target = text(r.inputs.targetKeyId);
        if (!target) continue;
        for (const name of [text(r.inputs.name), text(r.outputs.arn)]) if (name) aliases[name] = target;
    }

    return {
        stack: plan.stack,
        accountId,
        partition,
        roles,
        buckets: [...buckets.values()],
        keys: [...new Set(keys.values())],
        trails,
        aliases,
    };
}

/** The key a bucket's default encryption names, by key ID or ARN. */
export function keyOfBucket(policies: CollectedPolicies, bucket: CollectedBucket): CollectedKey | undefined {
    const named = bucket.kms?.keyId;
    if (!named) return undefined;
    const id = policies.aliases[named] ?? named;
    return policies.keys.find((k) => k.arn === id || k.keyId === id);
}

/** The single resource policy of a bucket or key, or why there is not exactly one readable one. */
export function singlePolicy(policies: CollectedDocument[], what: string): { document?: Record<string, unknown>; name?: string; unreadable?: string } {
    if (policies.length === 0) return {};
    if (policies.length > 1) {
        return {
            unreadable: `${what} has ${policies.length} policy sources (${policies.map((p) => p.source).join(", ")}); only the last applied survives, so its effective policy is not decidable from the plan`,
        };
    }
    const [only] = policies;
    return only.document ? { document: only.document, name: only.name } : { unreadable: only.unreadable };
}
