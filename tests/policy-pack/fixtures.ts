// Synthetic stacks in the shape of `pulumi stack export` resources. `compliantStack`
// is a publisher side that passes every policy; each test changes one property of
// it and expects exactly one outcome to change.

import * as assert from "assert";
import { UNKNOWN_STRING_SENTINEL } from "../../policy-pack/lib/values";
import type { ExportResource } from "../../policy-pack/offline";

/** The sentinel the engine sends for a string not known until apply. */
export const U = UNKNOWN_STRING_SENTINEL;

export const T = {
    stack: "pulumi:pulumi:Stack",
    provider: "pulumi:providers:aws",
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    versioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    sseV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    accountPab: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    acl: "aws:s3/bucketAcl:BucketAcl",
    aclV2: "aws:s3/bucketAclV2:BucketAclV2",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    logging: "aws:s3/bucketLogging:BucketLogging",
    loggingV2: "aws:s3/bucketLoggingV2:BucketLoggingV2",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    iamPolicy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
} as const;

export const ACCOUNT = "111111111111";
export const PARTNER_ACCOUNT = "222222222222";

export function urn(type: string, name: string): string {
    return `urn:pulumi:preprod::s3-partner-transfer::${type}::${name}`;
}

export function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ExportResource> = {}): ExportResource {
    return { urn: urn(type, name), type, custom: true, inputs, dependencies: [], propertyDependencies: {}, ...extra };
}

/** The predefined groups an S3 ACL can grant to (S3 User Guide, acl-overview: Amazon S3 predefined groups). */
export const ACL_GROUP = {
    allUsers: "http://acs.amazonaws.com/groups/global/AllUsers",
    authenticatedUsers: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    logDelivery: "http://acs.amazonaws.com/groups/s3/LogDelivery",
} as const;

/** A BucketAclV2 on the bucket granting one predefined group a permission. */
export function groupAcl(logical: string, bucket: string, groupUri: string, permission: string): ExportResource {
    return res(T.aclV2, logical, { bucket, accessControlPolicy: { owner: { id: "owner" }, grants: [{ grantee: { type: "Group", uri: groupUri }, permission }] } });
}

/** The URNs of the compliant stack's resources (and of `logBucketStack`'s log bucket), where policies report. */
export const URN = {
    egress: urn(T.bucket, "egress"),
    egressPolicy: urn(T.policy, "egress-policy"),
    egressPublicAccessBlock: urn(T.pab, "egress-public-access-block"),
    egressOwnership: urn(T.ownership, "egress-ownership"),
    egressEncryption: urn(T.sse, "egress-encryption"),
    egressVersioning: urn(T.versioning, "egress-versioning"),
    egressLogging: urn(T.logging, "egress-logging"),
    egressReplication: urn(T.replication, "egress-replication"),
    replicationRole: urn(T.role, "replication-role"),
    replicationPermissions: urn(T.rolePolicy, "replication-permissions"),
    logs: urn(T.bucket, "logs"),
    logsPolicy: urn(T.policy, "logs-policy"),
} as const;

export function httpsStatement(bucket: string): Record<string, unknown> {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

export function tlsStatement(bucket: string): Record<string, unknown> {
    return {
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    };
}

/** Refuses SSE-C uploads, whose replicas only the uploader's key could read (replication-what-is-isnot-replicated). */
export function sseCDenyStatement(bucket: string): Record<string, unknown> {
    return {
        Sid: "DenySseC",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
    };
}

/** On an SSE-KMS bucket, refuses aws:kms uploads without a key id, which S3 would encrypt with aws/s3 (S3 API PutObject). */
export function kmsKeyIdDenyStatement(bucket: string): Record<string, unknown> {
    return {
        Sid: "DenyKmsWithoutKeyId",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" }, Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" } },
    };
}

export function partnerReadStatement(bucket: string): Record<string, unknown> {
    return {
        Sid: "PartnerReplicates",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` },
        Action: ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${PARTNER_ACCOUNT}:role/partner-replication` } },
    };
}

export function doc(...statements: Record<string, unknown>[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** The replication role's trust as AWS documents it: s3.amazonaws.com, unconditioned (setting-repl-config-perm-overview). */
export const REPLICATION_TRUST = {
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sts:AssumeRole",
        },
    ],
};

export function replicationPermissions(source: string, destination: string): string {
    return doc(
        { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: `arn:aws:s3:::${source}` },
        {
            Effect: "Allow",
            Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
            Resource: `arn:aws:s3:::${source}/*`,
        },
        {
            Effect: "Allow",
            Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
            Resource: `arn:aws:s3:::${destination}/*`,
        },
    );
}

/** Where the fixtures' buckets deliver their access logs: a central log bucket managed outside the stack. */
export const CENTRAL_LOG_BUCKET = "pub-access-logs";

/** The statement a log bucket's policy needs for S3 server access logs, pinned to our account and these buckets. */
export function logDeliveryStatement(logBucket: string, sources: string[]): Record<string, unknown> {
    return {
        Sid: "S3ServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${logBucket}/*`,
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": sources.map((b) => `arn:aws:s3:::${b}`) } },
    };
}

/** A resource set on a bucket, as a program writes `bucket: bucket.id`: its `bucket` input names the bucket, and it depends on the bucket's URN. */
export function onBucket(type: string, logical: string, bucketName: string, bucketUrn: string, inputs: Record<string, unknown>): ExportResource {
    return res(type, logical, { bucket: bucketName, ...inputs }, { dependencies: [bucketUrn], propertyDependencies: { bucket: [bucketUrn] } });
}

/** A bucket (v7 token) and its five split settings, all compliant. */
export function bucketWithSettings(name: string, logical: string): ExportResource[] {
    const bucketUrn = urn(T.bucket, logical);
    return [
        res(T.bucket, logical, { bucket: name, forceDestroy: false }, { id: name }),
        onBucket(T.versioning, `${logical}-versioning`, name, bucketUrn, { versioningConfiguration: { status: "Enabled" } }),
        onBucket(T.sse, `${logical}-encryption`, name, bucketUrn, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }] }),
        blockPublicAccess(name, logical, T.bucket),
        ownershipControls(name, logical, T.bucket),
        onBucket(T.policy, `${logical}-policy`, name, bucketUrn, { policy: doc(httpsStatement(name), tlsStatement(name), sseCDenyStatement(name)) }),
    ];
}

/** Server access logging of one bucket (v7 token) into the target, as a program writes it with a target it does not create. */
export function accessLogging(name: string, logical: string, targetBucket: string): ExportResource {
    const bucketUrn = urn(T.bucket, logical);
    return res(
        T.logging,
        `${logical}-logging`,
        { bucket: name, targetBucket, targetPrefix: `${name}/`, targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } } },
        { dependencies: [bucketUrn], propertyDependencies: { bucket: [bucketUrn], targetBucket: [], targetPrefix: [], targetObjectKeyFormat: [] } },
    );
}

/** The V2 rule both providers write the same way: everything to the partner's ingress in its account, ownership handed over. */
export function partnerRule(): Record<string, unknown> {
    return {
        id: "to-partner",
        priority: 1,
        status: "Enabled",
        filter: { prefix: "" },
        deleteMarkerReplication: { status: "Disabled" },
        destination: { bucket: "arn:aws:s3:::partner-ingress", account: PARTNER_ACCOUNT, accessControlTranslation: { owner: "Destination" } },
    };
}

/** A publisher side: egress bucket replicating to the partner's ingress bucket in another account, and an ingress bucket. */
export function compliantStack(): ExportResource[] {
    const egress = [...bucketWithSettings("pub-egress", "egress"), accessLogging("pub-egress", "egress", CENTRAL_LOG_BUCKET)];
    const ingress = [...bucketWithSettings("pub-ingress", "ingress"), accessLogging("pub-ingress", "ingress", CENTRAL_LOG_BUCKET)];
    const roleUrn = urn(T.role, "replication-role");
    const versioningUrn = urn(T.versioning, "egress-versioning");
    const bucketUrn = urn(T.bucket, "egress");
    return [
        { urn: "urn:pulumi:preprod::s3-partner-transfer::pulumi:pulumi:Stack::s3-partner-transfer-preprod", type: T.stack, custom: false },
        res(T.provider, "default_7_48_0", { region: "eu-west-1" }, { id: "prov-1" }),
        ...egress,
        ...ingress,
        res(T.role, "replication-role", { name: "pub-replication", assumeRolePolicy: JSON.stringify(REPLICATION_TRUST) }),
        res(
            T.rolePolicy,
            "replication-permissions",
            { name: "replicate", role: "pub-replication", policy: replicationPermissions("pub-egress", "partner-ingress") },
            { dependencies: [roleUrn], propertyDependencies: { role: [roleUrn] } },
        ),
        res(
            T.replication,
            "egress-replication",
            {
                bucket: "pub-egress",
                role: `arn:aws:iam::${ACCOUNT}:role/pub-replication`,
                rules: [partnerRule()],
            },
            { dependencies: [bucketUrn, versioningUrn, roleUrn], propertyDependencies: { bucket: [bucketUrn], role: [roleUrn], rules: [] } },
        ),
    ];
}

export const SOURCE_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/source`;
export const REPLICA_KEY = `arn:aws:kms:eu-west-1:${PARTNER_ACCOUNT}:key/replica`;

function blockPublicAccess(name: string, logical: string, bucketType: string): ExportResource {
    const all = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
    return onBucket(T.pab, `${logical}-public-access-block`, name, urn(bucketType, logical), all);
}

function ownershipControls(name: string, logical: string, bucketType: string): ExportResource {
    return onBucket(T.ownership, `${logical}-ownership`, name, urn(bucketType, logical), { rule: { objectOwnership: "BucketOwnerEnforced" } });
}

/**
 * The KMS grants replication of SSE-KMS objects needs of its role: kms:Decrypt on
 * the source key, kms:Encrypt on the replica key and, with S3 Bucket Keys,
 * kms:Decrypt on it too (S3 User Guide, replication-config-for-kms-objects).
 */
export function replicationKmsStatements(): Record<string, unknown>[] {
    return [
        { Effect: "Allow", Action: "kms:Decrypt", Resource: SOURCE_KEY, Condition: { StringLike: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } } },
        { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt"], Resource: REPLICA_KEY },
    ];
}

function replicationRole(kms = false): ExportResource[] {
    const roleUrn = urn(T.role, "replication-role");
    const permissions = JSON.parse(replicationPermissions("pub-egress", "partner-ingress"));
    if (kms) {
        permissions.Statement.push(...replicationKmsStatements());
    }
    return [
        res(T.role, "replication-role", { name: "pub-replication", assumeRolePolicy: JSON.stringify(REPLICATION_TRUST) }),
        res(
            T.rolePolicy,
            "replication-permissions",
            { name: "replicate", role: "pub-replication", policy: JSON.stringify(permissions) },
            { dependencies: [roleUrn], propertyDependencies: { role: [roleUrn] } },
        ),
    ];
}

/**
 * A v5/v6-era program: everything inline on aws:s3/bucket:Bucket (singular blocks,
 * policy as an object), SSE-KMS, cross-account replication of KMS objects.
 */
export function legacyStack(): ExportResource[] {
    return [
        res(T.bucket, "egress", {
            bucket: "pub-egress",
            acl: "private",
            loggings: [{ targetBucket: CENTRAL_LOG_BUCKET, targetPrefix: "pub-egress/" }],
            versioning: { enabled: true, mfaDelete: false },
            serverSideEncryptionConfiguration: {
                rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: SOURCE_KEY }, bucketKeyEnabled: true },
            },
            policy: {
                Version: "2012-10-17",
                Statement: [httpsStatement("pub-egress"), tlsStatement("pub-egress"), sseCDenyStatement("pub-egress"), kmsKeyIdDenyStatement("pub-egress")],
            },
            replicationConfiguration: {
                role: `arn:aws:iam::${ACCOUNT}:role/pub-replication`,
                rules: [
                    {
                        id: "to-partner",
                        status: "Enabled",
                        destination: {
                            bucket: "arn:aws:s3:::partner-ingress",
                            accountId: PARTNER_ACCOUNT,
                            replicaKmsKeyId: REPLICA_KEY,
                            accessControlTranslation: { owner: "Destination" },
                        },
                        sourceSelectionCriteria: { sseKmsEncryptedObjects: { enabled: true } },
                    },
                ],
            },
        }),
        blockPublicAccess("pub-egress", "egress", T.bucket),
        ownershipControls("pub-egress", "egress", T.bucket),
        ...replicationRole(true),
    ];
}

/** A v6 program using aws:s3/bucketV2:BucketV2 with its plural inline lists. */
export function v2InlineStack(): ExportResource[] {
    return [
        res(T.bucketV2, "egress", {
            bucket: "pub-egress",
            loggings: [{ targetBucket: CENTRAL_LOG_BUCKET, targetPrefix: "pub-egress/" }],
            versionings: [{ enabled: true, mfaDelete: false }],
            serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "AES256" }] }] }],
            policy: doc(httpsStatement("pub-egress"), tlsStatement("pub-egress"), sseCDenyStatement("pub-egress")),
            replicationConfigurations: [
                {
                    role: `arn:aws:iam::${ACCOUNT}:role/pub-replication`,
                    rules: [
                        {
                            id: "to-partner",
                            status: "Enabled",
                            destinations: [{ bucket: "arn:aws:s3:::partner-ingress", accountId: PARTNER_ACCOUNT, accessControlTranslations: [{ owner: "Destination" }] }],
                        },
                    ],
                },
            ],
        }),
        blockPublicAccess("pub-egress", "egress", T.bucketV2),
        ownershipControls("pub-egress", "egress", T.bucketV2),
        ...replicationRole(),
    ];
}

/** The compliant stack as a v6 program writes it: BucketV2 and the `…V2` split tokens. */
export function v6SplitStack(): ExportResource[] {
    return asV6(compliantStack());
}

/** Any split stack with the v6 `…V2` tokens in place of v7's. */
export function asV6(stack: ExportResource[]): ExportResource[] {
    const swap: Record<string, string> = { [T.bucket]: T.bucketV2, [T.versioning]: T.versioningV2, [T.sse]: T.sseV2, [T.logging]: T.loggingV2 };
    const urnSwap = (u: string) => Object.entries(swap).reduce((acc, [from, to]) => acc.split(`::${from}::`).join(`::${to}::`), u);
    return stack.map((r) => ({
        ...r,
        type: swap[r.type] ?? r.type,
        urn: urnSwap(r.urn),
        dependencies: (r.dependencies ?? []).map(urnSwap),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, v.map(urnSwap)])),
    }));
}

/**
 * The compliant stack logging into a log bucket of its own, as this project's
 * program does: the BucketLoggings name it (and their targetBucket inputs come
 * from it), and its policy admits the logging service for exactly our buckets.
 */
export function logBucketStack(): ExportResource[] {
    const stack = [...compliantStack(), ...bucketWithSettings("pub-logs", "logs")];
    const logsUrn = urn(T.bucket, "logs");
    for (const logical of ["egress-logging", "ingress-logging"]) {
        const l = find(stack, logical);
        l.inputs.targetBucket = "pub-logs";
        l.dependencies = [...(l.dependencies ?? []), logsUrn];
        l.propertyDependencies = { ...l.propertyDependencies, targetBucket: [logsUrn] };
    }
    find(stack, "logs-policy").inputs.policy = doc(
        httpsStatement("pub-logs"),
        tlsStatement("pub-logs"),
        sseCDenyStatement("pub-logs"),
        logDeliveryStatement("pub-logs", ["pub-egress", "pub-ingress"]),
    );
    return stack;
}

/** The resource with this logical name (throws if absent, so a typo cannot pass a test). */
export function find(stack: ExportResource[], logical: string): ExportResource & { inputs: Record<string, any> } {
    const r = stack.find((x) => x.urn.endsWith(`::${logical}`));
    assert.ok(r, `fixture has no resource named ${logical}`);
    r.inputs = r.inputs ?? {};
    return r as ExportResource & { inputs: Record<string, any> };
}

/** The stack (the compliant one unless given) with the `policy` input of one resource replaced: one property changed. */
export function withPolicy(logical: string, policy: unknown, stack: ExportResource[] = compliantStack()): ExportResource[] {
    find(stack, logical).inputs.policy = policy;
    return stack;
}

/**
 * The compliant stack with the replication role's permissions in a managed policy
 * of the stack instead of its RolePolicy, attached with its ARN unknown (a new
 * policy in preview).
 */
export function withManagedPermissions(policy: string): ExportResource[] {
    const stack = without(compliantStack(), "replication-permissions");
    const policyUrn = urn(T.iamPolicy, "replication-managed");
    const roleUrn = URN.replicationRole;
    stack.push(res(T.iamPolicy, "replication-managed", { name: "pub-replication", policy }));
    stack.push(
        res(
            T.attachment,
            "replication-attach",
            { role: "pub-replication", policyArn: U },
            { dependencies: [roleUrn, policyUrn], propertyDependencies: { role: [roleUrn], policyArn: [policyUrn] } },
        ),
    );
    return stack;
}

/** The compliant stack whose egress BucketPolicy holds the HTTPS deny and these statements (and no TLS or SSE-C deny). */
export function withEgressStatements(...statements: Record<string, unknown>[]): ExportResource[] {
    return withPolicy("egress-policy", doc(httpsStatement("pub-egress"), ...statements));
}

/** `logBucketStack` (unless given another) with no grant in its log bucket's policy: S3 would deliver no log into it. */
export function withoutLogDeliveryGrant(stack: ExportResource[] = logBucketStack()): ExportResource[] {
    return withPolicy("logs-policy", logsPolicy(), stack);
}

/** A policy for the log bucket "pub-logs": its HTTPS and TLS denies and these grants (none: it admits no log delivery). */
export function logsPolicy(...grants: Record<string, unknown>[]): string {
    return doc(httpsStatement("pub-logs"), tlsStatement("pub-logs"), ...grants);
}

export function without(stack: ExportResource[], ...logical: string[]): ExportResource[] {
    for (const l of logical) {
        find(stack, l);
    }
    return stack.filter((r) => !logical.some((l) => r.urn.endsWith(`::${l}`)));
}

/** Every string input replaced by the unknown sentinel: a first preview where nothing exists yet. */
export function unknownEverywhere(stack: ExportResource[]): ExportResource[] {
    const blank = (v: unknown): unknown =>
        typeof v === "string"
            ? U
            : Array.isArray(v)
              ? v.map(blank)
              : v !== null && typeof v === "object"
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, blank(x)]))
                : v;
    return stack.map((r) => ({ ...r, inputs: blank(r.inputs ?? {}) as Record<string, unknown> }));
}

/** The same compliant stack in each form the pack reads: v7 split, v6 V2 tokens, legacy inline, BucketV2 inline. */
export const COMPLIANT_FORMS: ReadonlyArray<readonly [string, () => ExportResource[]]> = [
    ["split resources, policy as a JSON string (v7)", compliantStack],
    ["split resources with the v6 V2 tokens", v6SplitStack],
    ["legacy inline settings, policy as an object", legacyStack],
    ["BucketV2 inline settings, policy as a string", v2InlineStack],
];

/**
 * Adds statements to the egress bucket's policy in whichever form the stack holds
 * it (a BucketPolicy, an inline string, an inline object) and returns the URN of
 * the resource that carries it, where a policy reports.
 */
export function addEgressStatements(stack: ExportResource[], ...statements: Record<string, unknown>[]): string {
    const holder = stack.find((r) => r.urn.endsWith("::egress-policy")) ?? find(stack, "egress");
    const inputs = holder.inputs as Record<string, any>;
    const d = typeof inputs.policy === "string" ? JSON.parse(inputs.policy) : inputs.policy;
    d.Statement.push(...statements);
    inputs.policy = typeof inputs.policy === "string" ? JSON.stringify(d) : d;
    return holder.urn;
}

/**
 * The same stack in AWS GovCloud (US): every `arn:aws:` ARN in `arn:aws-us-gov:`,
 * and an AWS provider in us-gov-west-1 (the stack's partition comes from its region).
 */
export function inGovCloud(stack: ExportResource[]): ExportResource[] {
    const gov = JSON.parse(JSON.stringify(stack).split("arn:aws:").join("arn:aws-us-gov:").split("eu-west-1").join("us-gov-west-1")) as ExportResource[];
    if (!gov.some((r) => r.type === T.provider)) {
        gov.unshift(res(T.provider, "default_7_48_0", { region: "us-gov-west-1" }, { id: "prov-1" }));
    }
    return gov;
}

// ---------------------------------------------------------------------------
// @pulumi/aws-native programs (property names: tests/policy-pack/aws-native-schema.json,
// recorded from @pulumi/aws-native's typings), written as its registry examples
// write them: the settings on the bucket, policy documents as objects.

export const N = {
    provider: "pulumi:providers:aws-native",
    bucket: "aws-native:s3:Bucket",
    policy: "aws-native:s3:BucketPolicy",
    accessPoint: "aws-native:s3:AccessPoint",
    mrap: "aws-native:s3:MultiRegionAccessPoint",
    mrapPolicy: "aws-native:s3:MultiRegionAccessPointPolicy",
    role: "aws-native:iam:Role",
    rolePolicy: "aws-native:iam:RolePolicy",
    managedPolicy: "aws-native:iam:ManagedPolicy",
} as const;

/** The URNs of `nativeStack()`'s resources. */
export const NURN = {
    egress: urn(N.bucket, "egress"),
    egressPolicy: urn(N.policy, "egress-policy"),
    ingress: urn(N.bucket, "ingress"),
    replicationRole: urn(N.role, "replication-role"),
} as const;

const ALL_BLOCKED = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

/** An aws-native bucket with every setting the pack asks for declared on itself, and its BucketPolicy. */
export function nativeBucket(name: string, logical: string, extra: Record<string, unknown> = {}): ExportResource[] {
    const bucketUrn = urn(N.bucket, logical);
    return [
        res(
            N.bucket,
            logical,
            {
                bucketName: name,
                versioningConfiguration: { status: "Enabled" },
                bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }] },
                publicAccessBlockConfiguration: { ...ALL_BLOCKED },
                ownershipControls: { rules: [{ objectOwnership: "BucketOwnerEnforced" }] },
                loggingConfiguration: { destinationBucketName: CENTRAL_LOG_BUCKET, logFilePrefix: `${name}/` },
                ...extra,
            },
            { id: name },
        ),
        res(
            N.policy,
            `${logical}-policy`,
            { bucket: name, policyDocument: { Version: "2012-10-17", Statement: [httpsStatement(name), tlsStatement(name), sseCDenyStatement(name)] } },
            { dependencies: [bucketUrn], propertyDependencies: { bucket: [bucketUrn], policyDocument: [] } },
        ),
    ];
}

/** The replication configuration of the native egress bucket: one filtered rule to the partner's ingress, ownership handed over. */
export function nativeReplication(rule: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        role: `arn:aws:iam::${ACCOUNT}:role/pub-replication`,
        rules: [{ ...partnerRule(), ...rule }],
    };
}

/** The compliant publisher side written with @pulumi/aws-native only. */
export function nativeStack(): ExportResource[] {
    const roleUrn = urn(N.role, "replication-role");
    const egress = nativeBucket("pub-egress", "egress", { replicationConfiguration: nativeReplication() });
    egress[0].propertyDependencies = { replicationConfiguration: [roleUrn] };
    egress[0].dependencies = [roleUrn];
    return [
        { urn: "urn:pulumi:preprod::s3-partner-transfer::pulumi:pulumi:Stack::s3-partner-transfer-preprod", type: T.stack, custom: false },
        res(N.provider, "default_1_79_0", { region: "eu-west-1" }, { id: "prov-n" }),
        res(N.role, "replication-role", {
            roleName: "pub-replication",
            assumeRolePolicyDocument: REPLICATION_TRUST,
            policies: [{ policyName: "replicate", policyDocument: JSON.parse(replicationPermissions("pub-egress", "partner-ingress")) }],
        }),
        ...egress,
        ...nativeBucket("pub-ingress", "ingress"),
    ];
}

/** A provider resource of either package; resources name it by `providerRef`. */
export function provider(type: string, logical: string, inputs: Record<string, unknown>): ExportResource {
    return res(type, logical, inputs, { id: `${logical}-id` });
}

/** How a resource names its provider in an export: the provider's URN and ID. */
export function providerRef(p: ExportResource): string {
    return `${p.urn}::${p.id}`;
}

/** A classic provider that deploys into `account` by assuming a role there, as aws-ts-organizations does. */
export function accountProvider(logical: string, account: string, type: string = T.provider): ExportResource {
    const roleArn = `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`;
    const assume = type === T.provider ? { assumeRoles: JSON.stringify([{ roleArn }]) } : { assumeRole: JSON.stringify({ roleArn }) };
    return provider(type, logical, { region: "eu-west-1", ...assume });
}

/** A policy document as aws-native programs write it: an object. */
export function nativeDocument(...statements: Record<string, unknown>[]): Record<string, unknown> {
    return { Version: "2012-10-17", Statement: statements };
}

/** An aws-native access point on the native egress bucket. */
export function nativeAccessPoint(inputs: Record<string, unknown> = {}): ExportResource {
    return res(N.accessPoint, "partner-ap", { bucket: "pub-egress", name: "partner", ...inputs }, { dependencies: [NURN.egress], propertyDependencies: { bucket: [NURN.egress] } });
}

/** An aws-native Multi-Region Access Point over the native egress bucket, and its policy when given. */
export function nativeMultiRegionAccessPoint(inputs: Record<string, unknown> = {}, policy?: unknown): ExportResource[] {
    const mrap = res(N.mrap, "global", { name: "pub-global", regions: [{ bucket: "pub-egress" }], ...inputs });
    return policy === undefined ? [mrap] : [mrap, res(N.mrapPolicy, "global-policy", { mrapName: "pub-global", policy })];
}

/** Every shape of native resource the tests write, for the check against the package's typings. */
export function nativeVariants(): ExportResource[] {
    const statement = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` }, Action: "s3:GetObject", Resource: "*" };
    return [
        ...nativeBucket("locked", "locked", {
            objectLockEnabled: true,
            objectLockConfiguration: { objectLockEnabled: "Enabled" },
            accessControl: "Private",
            websiteConfiguration: { indexDocument: "index.html" },
            bucketEncryption: {
                serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: SOURCE_KEY }, bucketKeyEnabled: true }],
            },
            replicationConfiguration: nativeReplication({
                filter: { and: { prefix: "out/", tagFilters: [{ key: "share", value: "yes" }] } },
                sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                destination: {
                    bucket: "arn:aws:s3:::partner-ingress",
                    account: PARTNER_ACCOUNT,
                    accessControlTranslation: { owner: "Destination" },
                    encryptionConfiguration: { replicaKmsKeyId: REPLICA_KEY },
                    replicationTime: { status: "Enabled", time: { minutes: 15 } },
                    metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                },
            }),
        }),
        ...nativeBucket("tagged", "tagged", { replicationConfiguration: nativeReplication({ filter: { tagFilter: { key: "share", value: "yes" } } }) }),
        nativeAccessPoint({ vpcConfiguration: { vpcId: "vpc-0abc" }, publicAccessBlockConfiguration: ALL_BLOCKED, policy: { Version: "2012-10-17", Statement: [statement] } }),
        ...nativeMultiRegionAccessPoint({ publicAccessBlockConfiguration: ALL_BLOCKED }, { Version: "2012-10-17", Statement: [statement] }),
        res(N.rolePolicy, "extra", { roleName: "pub-replication", policyName: "extra", policyDocument: { Version: "2012-10-17", Statement: [statement] } }),
        res(N.managedPolicy, "managed", { managedPolicyName: "managed", roles: ["pub-replication"], policyDocument: { Version: "2012-10-17", Statement: [statement] } }),
        res(N.role, "managed-role", { roleName: "managed-role", assumeRolePolicyDocument: REPLICATION_TRUST, managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }),
        provider(N.provider, "by-profile", { region: "eu-west-1", profile: "partner", allowedAccountIds: JSON.stringify([PARTNER_ACCOUNT]) }),
    ];
}
