/**
 * The names a stack gives resources whose names AWS keeps unique per account
 * (IAM roles), per account and region (SNS topics, CloudWatch alarms,
 * CloudTrail trails, KMS aliases), or across all accounts (S3 buckets), as its
 * config decides them; and where two stacks of one repository would create
 * the same one. The second `pulumi up` would fail on it (EntityAlreadyExists,
 * BucketAlreadyExists, ...), or worse, an alarm or topic of one stack would
 * silently be updated by the other.
 *
 * Sources: IAM, "IAM object quotas and name requirements" (role names unique
 * within the account), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html;
 * SNS CreateTopic (a name is unique per account and region; creating it again
 * returns the existing topic), https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html;
 * CloudWatch PutMetricAlarm (a name in use updates that alarm),
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html;
 * CloudTrail CreateTrail (trail names unique per account),
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html;
 * S3 bucket naming rules (unique across all accounts of a partition),
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html.
 * A bucket's KMS alias (`alias/s3/<bucket>`, unique per account and region,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html)
 * is named after its bucket, so it can only collide where the bucket does.
 */
import type { ConfigProblem } from "../config/errors";
import { configKey } from "../config/keys";
import type { SideConfig } from "../config/schema";

export type NameScope = "account" | "region" | "partition";

export interface ScopedName {
    /** What AWS calls the resource, for messages. */
    kind: string;
    name: string;
    /** How far the name must be unique: the account, the account's region, or every account of the partition. */
    scope: NameScope;
    /** The region the name lives in, for `region` scope. */
    region?: string;
    /** The config key that changes the name. */
    key: string;
}

/** Every account- or globally-unique name the stack's config gives a resource. */
export function accountScopedNames(config: SideConfig): ScopedName[] {
    const role = (name: string): ScopedName => ({ kind: "IAM role", name, scope: "account", key: configKey("roleNamePrefix") });
    // Bucket, topic and alarm names all start with the bucket prefix, unless an entry names its buckets itself.
    const bucket = (name: string): ScopedName => ({ kind: "S3 bucket", name, scope: "partition", key: configKey("bucketPrefix") });
    const names: ScopedName[] = [
        ...config.counterparts.map((c) => role(c.replicationRoleName)),
        ...config.serviceDestinations.map((s) => role(s.roleName)),
        // A link's Batch Replication role exists while the link is active; its name is reserved from then on.
        ...config.counterparts.filter((c) => c.state === "active").map((c) => role(c.batchReplicationRoleName)),
        ...config.counterparts.flatMap((c) => [bucket(c.egressBucketName), bucket(c.ingressBucketName)]),
        ...config.vendorDrops.map((v) => bucket(v.bucketName)),
        ...config.serviceDestinations.map((s) => bucket(s.bucketName)),
        ...Object.values(config.audit.logBucketNames).map(bucket),
        ...Object.entries(config.monitoring.topicNames).map(([region, name]): ScopedName => ({ kind: "SNS topic", name, scope: "region", region, key: configKey("bucketPrefix") })),
        ...config.counterparts.flatMap((c) =>
            ["failed", "latency"].map((what): ScopedName => ({
                kind: "CloudWatch alarm",
                name: `${config.monitoring.alarmNamePrefix}${c.name}-${what}`,
                scope: "region",
                region: c.bucketRegion,
                key: configKey("bucketPrefix"),
            })),
        ),
        ...(config.audit.trail.mode === "create"
            ? [{ kind: "CloudTrail trail", name: config.audit.trail.trailName, scope: "account" as const, key: configKey("auditTrailName") }]
            : []),
    ];
    return names;
}

export interface StackNames {
    stack: string;
    /** The stack's file, for messages. */
    file: string;
    config: SideConfig;
}

export interface NameCollision {
    name: ScopedName;
    /** The other stack that creates the same name. */
    other: StackNames;
}

/** The names of `own` that `other` would create too, in the same account (and region) or, for buckets, anywhere. */
export function nameCollisions(own: StackNames, other: StackNames): NameCollision[] {
    const sameAccount = own.config.accountId === other.config.accountId;
    const theirs = new Set(accountScopedNames(other.config).map((n) => `${n.kind}\0${n.scope === "region" ? n.region : ""}\0${n.name}`));
    return accountScopedNames(own.config)
        .filter((n) => (n.scope === "partition" ? own.config.partition === other.config.partition : sameAccount))
        .filter((n) => theirs.has(`${n.kind}\0${n.scope === "region" ? n.region : ""}\0${n.name}`))
        .map((name) => ({ name, other }));
}

/**
 * How each key that names colliding resources is fixed: on whichever of the
 * two stacks is not deployed yet, since renaming a deployed stack's resources
 * replaces them.
 */
function collisionFix(key: string, own: StackNames, other: StackNames): string {
    const valueFor = (stack: StackNames) => `${stack.config.name}-${stack.stack}${key === configKey("auditTrailName") ? "-data-events" : ""}`;
    const either = `on the stack not yet deployed: pulumi config set ${key} ${valueFor(own)}   (or, if this one is deployed and ${other.stack} is not, write ${key}: ${valueFor(other)} in ${other.file})`;
    if (key === configKey("roleNamePrefix"))
        return `give one of them its own role names, ${either}; on a deployed stack a new prefix replaces its roles and changes the role ARNs its counterparts have granted, so hand over again (see docs/configuration.md#two-stacks-in-one-account)`;
    if (key === configKey("auditTrailName")) return `name one of the trails apart, ${either}`;
    return `give one of them its own names, ${either}; or set its entries' bucket names. Renaming a deployed stack's buckets replaces them, and the up fails on the protected ones`;
}

/**
 * The collisions as config problems of the stack planned now: one per other
 * stack and key, naming both stacks, the account and every colliding name.
 */
export function collisionProblems(own: StackNames, collisions: NameCollision[]): ConfigProblem[] {
    const groups = new Map<string, NameCollision[]>();
    for (const collision of collisions) {
        const group = `${collision.other.stack}\0${collision.name.key}`;
        groups.set(group, [...(groups.get(group) ?? []), collision]);
    }
    return [...groups.values()].map((group) => {
        const { other } = group[0];
        const { key } = group[0].name;
        const kinds = [...new Set(group.map((c) => c.name.kind))];
        const names = kinds
            .map((kind) => {
                const named = group.filter((c) => c.name.kind === kind).map((c) => `${c.name.name}${c.name.scope === "region" ? ` (${c.name.region})` : ""}`);
                return `${kind}${named.length > 1 ? "s" : ""} ${named.join(", ")}`;
            })
            .join("; ");
        const where = group.every((c) => c.name.scope === "partition") ? "(bucket names are unique across all accounts)" : `in the same account ${own.config.accountId}`;
        return {
            key,
            problem: `stack ${own.stack} (${own.file}) and stack ${other.stack} (${other.file}) would both create ${names} ${where}: whichever deploys second fails, or takes over the other's`,
            fix: collisionFix(key, own, other),
        };
    });
}
