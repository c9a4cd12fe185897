// @pulumi/aws-native resources, read as the classic provider's. Both providers
// configure the same S3 and IAM objects, and S3 keeps one policy, one versioning
// state and one public-access block per bucket whichever provider wrote them: the
// pack judges the bucket, so it reads each native resource into the shape the
// classic reader already knows, once, when the stack is indexed.
//
// - IAM and bucket policies: the same fields under CloudFormation's names
//   (`roleName`, `assumeRolePolicyDocument`, `policies[].policyDocument`,
//   `policyDocument`, …), renamed here, property dependencies included.
// - `aws-native:s3:Bucket` carries what the classic provider splits into
//   resources of their own (versioningConfiguration, bucketEncryption,
//   publicAccessBlockConfiguration, ownershipControls, replicationConfiguration,
//   loggingConfiguration): each present one becomes a setting of the bucket,
//   declared on the bucket itself (`via` names the property), as a split resource
//   would be. A property the program leaves out is no setting at all, as in
//   CloudFormation.
//
// Property names are those of @pulumi/aws-native 1.79 (s3/bucket.d.ts,
// s3/bucketPolicy.d.ts, s3/accessPoint.d.ts, s3/multiRegionAccessPoint*.d.ts,
// iam/role.d.ts, iam/rolePolicy.d.ts, iam/managedPolicy.d.ts and
// types/input.d.ts); tests/policy-pack/aws-native-schema.test.ts checks every
// one the pack reads against a record of those typings.

import type { BucketSetting, Res } from "./resource";
import { isRecord, isUnknown, readObject, readString, UNKNOWN, UNKNOWN_STRING_SENTINEL } from "./values";

/** `accessControl` (CloudFormation's canned ACL names) as the S3 API's canned ACLs. */
const CANNED_ACLS: Record<string, string> = {
    AuthenticatedRead: "authenticated-read",
    AwsExecRead: "aws-exec-read",
    BucketOwnerFullControl: "bucket-owner-full-control",
    BucketOwnerRead: "bucket-owner-read",
    LogDeliveryWrite: "log-delivery-write",
    Private: "private",
    PublicRead: "public-read",
    PublicReadWrite: "public-read-write",
};

type Renames = Readonly<Record<string, string>>;

/** The native resources read under the classic provider's property names: native name → classic name. */
const RENAMES: Readonly<Record<string, Renames>> = {
    "aws-native:iam:Role": { roleName: "name", assumeRolePolicyDocument: "assumeRolePolicy", policies: "inlinePolicies" },
    "aws-native:iam:RolePolicy": { roleName: "role", policyName: "name", policyDocument: "policy" },
    "aws-native:iam:ManagedPolicy": { managedPolicyName: "name", policyDocument: "policy" },
    "aws-native:s3:BucketPolicy": { policyDocument: "policy" },
};

function renamed(props: Record<string, unknown>, renames: Renames): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k in props) {
        if (Object.prototype.hasOwnProperty.call(props, k)) {
            out[renames[k] ?? k] = props[k];
        }
    }
    return out;
}

function renamedDependencies(deps: Record<string, string[]>, renames: Renames): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const k in deps) {
        if (Object.prototype.hasOwnProperty.call(deps, k)) {
            out[renames[k] ?? k] = deps[k];
        }
    }
    return out;
}

/** A role's `policies` entries as the classic `inlinePolicies` entries ({name, policy}). */
function inlinePolicies(v: unknown): unknown {
    if (!Array.isArray(v)) {
        return v;
    }
    return v.map((p) => (isRecord(p) ? { name: p.policyName, policy: p.policyDocument } : p));
}

/**
 * A native resource under the classic names; any other resource as it is. The
 * bucket keeps its own properties (`nativeProps`) for nativeBucketSettings, and
 * shows the classic reader only what the two providers spell alike.
 */
export function normalizeNative(r: Res): Res {
    if (!r.type.startsWith("aws-native:")) {
        return r;
    }
    const renames = RENAMES[r.type];
    if (renames) {
        const props = renamed(r.props, renames);
        if (r.type === "aws-native:iam:Role") {
            props.inlinePolicies = inlinePolicies(props.inlinePolicies);
        }
        return { ...r, props, propertyDependencies: renamedDependencies(r.propertyDependencies, renames) };
    }
    switch (r.type) {
        case "aws-native:s3:Bucket": {
            // `replicationConfiguration` is also the classic legacy bucket's inline
            // block, which the classic reader treats as a computed output: it is read
            // here, as a setting, and hidden from that reader.
            const { replicationConfiguration: _replication, accessControl, bucketName, ...rest } = r.props;
            const acl = readString(accessControl);
            return {
                ...r,
                nativeProps: r.props,
                props: { ...rest, bucket: bucketName, acl: typeof acl === "string" ? (CANNED_ACLS[acl] ?? acl) : accessControl },
            };
        }
        case "aws-native:s3:MultiRegionAccessPoint":
            return { ...r, props: { details: { name: r.props.name, publicAccessBlock: r.props.publicAccessBlockConfiguration, regions: r.props.regions } } };
        case "aws-native:s3:MultiRegionAccessPointPolicy":
            return { ...r, props: { details: { name: r.props.mrapName, policy: r.props.policy } } };
        default:
            return r;
    }
}

/** A bucket's setting declared by one of its own properties: the classic split resource it stands for. */
function setting(bucket: Res, via: string, props: Record<string, unknown>, dependencies: Record<string, string[]>): Res {
    return {
        urn: bucket.urn,
        type: bucket.type,
        name: bucket.name,
        props: { bucket: bucket.props.bucket, ...props },
        id: bucket.id,
        provider: bucket.provider,
        providerProps: bucket.providerProps,
        dependencies: bucket.dependencies,
        propertyDependencies: { bucket: [bucket.urn], ...dependencies },
        via,
    };
}

// How a setting says "unknown until apply" to the classic readers.
const UNKNOWN_MARK = UNKNOWN_STRING_SENTINEL;

/** The value of an unknown object property: each field the classic reader looks at is unknown too. */
const unknownFields = (...fields: string[]) => Object.fromEntries(fields.map((f) => [f, UNKNOWN_MARK]));

/** Map a list (or a lone block) with `f`, keeping unknowns unknown. */
function mapList(v: unknown, f: (o: Record<string, unknown>) => unknown): unknown {
    if (isUnknown(v) || v === undefined || v === null) {
        return v;
    }
    return (Array.isArray(v) ? v : [v]).map((x) => (isRecord(x) ? f(x) : x));
}

/** A replication rule's filter, with the tag fields under the classic names (`tag`, `and.tags`). */
function classicFilter(f: Record<string, unknown>): Record<string, unknown> {
    const { tagFilter, and, ...rest } = f;
    const out: Record<string, unknown> = { ...rest };
    if (tagFilter !== undefined) {
        out.tag = tagFilter;
    }
    if (isRecord(and)) {
        const { tagFilters, ...andRest } = and;
        out.and = { ...andRest, ...(tagFilters !== undefined ? { tags: tagFilters } : {}) };
    } else if (and !== undefined) {
        out.and = and;
    }
    return out;
}

/**
 * The settings an `aws-native:s3:Bucket` declares on itself, in the shape of the
 * classic split resources (BucketVersioning, BucketServerSideEncryptionConfiguration,
 * BucketPublicAccessBlock, BucketOwnershipControls, BucketReplicationConfig,
 * BucketLogging). Logging without a destination bucket delivers into the bucket
 * itself (AWS::S3::Bucket LoggingConfiguration, DestinationBucketName: "By default,
 * logs are stored in the bucket where the LoggingConfiguration property is
 * defined").
 */
export function nativeBucketSettings(bucket: Res): Partial<Record<BucketSetting, Res[]>> {
    const p = bucket.nativeProps;
    if (!p) {
        return {};
    }
    const deps = (k: string) => bucket.propertyDependencies[k] ?? [];
    const out: Partial<Record<BucketSetting, Res[]>> = {};
    if (p.versioningConfiguration !== undefined && p.versioningConfiguration !== null) {
        out.versioning = [setting(bucket, "versioningConfiguration", { versioningConfiguration: p.versioningConfiguration }, {})];
    }
    if (p.bucketEncryption !== undefined && p.bucketEncryption !== null) {
        const enc = readObject(p.bucketEncryption);
        const rules =
            enc === UNKNOWN || enc === undefined
                ? UNKNOWN_MARK
                : mapList(enc.serverSideEncryptionConfiguration, (r) => ({
                      applyServerSideEncryptionByDefault: r.serverSideEncryptionByDefault,
                      bucketKeyEnabled: r.bucketKeyEnabled,
                      blockedEncryptionTypes: isRecord(r.blockedEncryptionTypes) ? r.blockedEncryptionTypes.encryptionType : r.blockedEncryptionTypes,
                  }));
        out.encryption = [setting(bucket, "bucketEncryption", { rules }, {})];
    }
    if (p.publicAccessBlockConfiguration !== undefined && p.publicAccessBlockConfiguration !== null) {
        const pab = readObject(p.publicAccessBlockConfiguration);
        const flags = pab === UNKNOWN || pab === undefined ? unknownFields("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets") : pab;
        out.publicAccessBlock = [setting(bucket, "publicAccessBlockConfiguration", { ...flags }, {})];
    }
    if (p.ownershipControls !== undefined && p.ownershipControls !== null) {
        const oc = readObject(p.ownershipControls);
        const rules = oc === UNKNOWN || oc === undefined ? [UNKNOWN_MARK] : Array.isArray(oc.rules) ? oc.rules : [oc.rules];
        out.ownership = rules.map((rule) => setting(bucket, "ownershipControls", { rule: isUnknown(rule) ? UNKNOWN_MARK : rule }, {}));
    }
    if (p.replicationConfiguration !== undefined && p.replicationConfiguration !== null) {
        const rc = readObject(p.replicationConfiguration);
        const known = rc !== UNKNOWN && rc !== undefined;
        const rules = known
            ? mapList(rc.rules, (r) => {
                  const filter = isRecord(r.filter) ? classicFilter(r.filter) : r.filter;
                  return { ...r, ...(r.filter !== undefined ? { filter } : {}) };
              })
            : UNKNOWN_MARK;
        const from = deps("replicationConfiguration");
        out.replication = [setting(bucket, "replicationConfiguration", { role: known ? rc.role : UNKNOWN_MARK, rules }, { role: from, rules: from })];
    }
    if (p.loggingConfiguration !== undefined && p.loggingConfiguration !== null) {
        const lc = readObject(p.loggingConfiguration);
        const target = lc === UNKNOWN || lc === undefined ? UNKNOWN_MARK : (lc.destinationBucketName ?? SELF);
        out.logging = [
            setting(
                bucket,
                "loggingConfiguration",
                { targetBucket: target === SELF ? selfReference(bucket) : target, targetPrefix: lc && lc !== UNKNOWN ? lc.logFilePrefix : undefined },
                { targetBucket: target === SELF ? [bucket.urn] : deps("loggingConfiguration") },
            ),
        ];
    }
    return out;
}

const SELF = Symbol("the bucket itself");

/**
 * How a setting names its own bucket: by name when known, else by the bucket's
 * URN, which the stack index accepts as one of the bucket's keys.
 */
function selfReference(bucket: Res): string {
    const name = readString(bucket.props.bucket);
    return typeof name === "string" ? name : bucket.urn;
}

/**
 * Every property path of @pulumi/aws-native the pack reads (`[]` steps into a
 * list), by type token; tests/policy-pack/aws-native-schema.test.ts checks each
 * against the package's typings as recorded by tools/gen-native-schema.ts.
 */
export const NATIVE_PROPERTIES_READ: Readonly<Record<string, readonly string[]>> = {
    "aws-native:s3:Bucket": [
        "bucketName",
        "accessControl",
        "objectLockEnabled",
        "objectLockConfiguration.objectLockEnabled",
        "versioningConfiguration.status",
        "bucketEncryption.serverSideEncryptionConfiguration[].serverSideEncryptionByDefault.sseAlgorithm",
        "bucketEncryption.serverSideEncryptionConfiguration[].serverSideEncryptionByDefault.kmsMasterKeyId",
        "bucketEncryption.serverSideEncryptionConfiguration[].bucketKeyEnabled",
        "bucketEncryption.serverSideEncryptionConfiguration[].blockedEncryptionTypes.encryptionType",
        "publicAccessBlockConfiguration.blockPublicAcls",
        "publicAccessBlockConfiguration.blockPublicPolicy",
        "publicAccessBlockConfiguration.ignorePublicAcls",
        "publicAccessBlockConfiguration.restrictPublicBuckets",
        "ownershipControls.rules[].objectOwnership",
        "loggingConfiguration.destinationBucketName",
        "loggingConfiguration.logFilePrefix",
        "replicationConfiguration.role",
        "replicationConfiguration.rules[].id",
        "replicationConfiguration.rules[].status",
        "replicationConfiguration.rules[].prefix",
        "replicationConfiguration.rules[].filter.prefix",
        "replicationConfiguration.rules[].filter.tagFilter",
        "replicationConfiguration.rules[].filter.and.prefix",
        "replicationConfiguration.rules[].filter.and.tagFilters",
        "replicationConfiguration.rules[].deleteMarkerReplication.status",
        "replicationConfiguration.rules[].sourceSelectionCriteria.sseKmsEncryptedObjects.status",
        "replicationConfiguration.rules[].destination.bucket",
        "replicationConfiguration.rules[].destination.account",
        "replicationConfiguration.rules[].destination.accessControlTranslation.owner",
        "replicationConfiguration.rules[].destination.encryptionConfiguration.replicaKmsKeyId",
        "replicationConfiguration.rules[].destination.replicationTime.status",
        "replicationConfiguration.rules[].destination.metrics",
    ],
    "aws-native:s3:BucketPolicy": ["bucket", "policyDocument"],
    "aws-native:s3:AccessPoint": [
        "bucket",
        "name",
        "policy",
        "vpcConfiguration.vpcId",
        "publicAccessBlockConfiguration.blockPublicAcls",
        "publicAccessBlockConfiguration.blockPublicPolicy",
        "publicAccessBlockConfiguration.ignorePublicAcls",
        "publicAccessBlockConfiguration.restrictPublicBuckets",
    ],
    "aws-native:s3:MultiRegionAccessPoint": [
        "name",
        "regions[].bucket",
        "publicAccessBlockConfiguration.blockPublicAcls",
        "publicAccessBlockConfiguration.blockPublicPolicy",
        "publicAccessBlockConfiguration.ignorePublicAcls",
        "publicAccessBlockConfiguration.restrictPublicBuckets",
    ],
    "aws-native:s3:MultiRegionAccessPointPolicy": ["mrapName", "policy"],
    "aws-native:iam:Role": ["roleName", "assumeRolePolicyDocument", "policies[].policyName", "policies[].policyDocument", "managedPolicyArns"],
    "aws-native:iam:RolePolicy": ["roleName", "policyName", "policyDocument"],
    "aws-native:iam:ManagedPolicy": ["managedPolicyName", "policyDocument", "roles"],
    "pulumi:providers:aws-native": ["region", "profile", "accessKey", "token", "allowedAccountIds", "assumeRole.roleArn"],
};
