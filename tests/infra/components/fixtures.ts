/** What several component tests share: a SecureBucket's tree, stated once, and a stand-in log target. */
import * as aws from "@pulumi/aws";
import { AccessLogTarget, DataBucketSettings } from "../../../infra/components/secure-bucket";
import { T } from "../../helpers/plans";
import { TEST_ACCOUNT_ID, TEST_PARTITION } from "../../helpers/components";

export const LOG_TARGET_BUCKET = "acme-logs-test";

/**
 * Where a data bucket built alone logs: outside the component, only the log
 * bucket's policy it must wait for. Call it inside the program.
 */
export function standInLogTarget(): AccessLogTarget {
    return { targetBucket: LOG_TARGET_BUCKET, dependsOn: [new aws.s3.BucketPolicy("log-target", { bucket: LOG_TARGET_BUCKET, policy: "{}" })] };
}

export const SECURE_BUCKET = "transfer:storage:SecureBucket";
export const KMS_KEY = "aws:kms/key:Key";
export const KMS_ALIAS = "aws:kms/alias:Alias";

/** The settings a component owning one data bucket passes on, every one given: kept, logged, 30-day noncurrent expiry. */
export function dataBucketSettings(): DataBucketSettings {
    return {
        accountId: TEST_ACCOUNT_ID,
        partition: TEST_PARTITION,
        encryption: "SSE-S3",
        noncurrentVersionExpirationDays: 30,
        expirationDays: undefined,
        protectBuckets: true,
        accessLogs: standInLogTarget(),
    };
}

export interface SecureBucketShape {
    /** SSE-KMS: its own key (kept) and alias (not kept). */
    kms: boolean;
    /** Server access logging configured. */
    logged: boolean;
    /** Protected as well as retained on delete. */
    protect: boolean;
}

/** A SecureBucket named `name` under `parent` (`type name`), and its children, all named after it. */
export function secureBucketTree(name: string, parent: string | undefined, shape: SecureBucketShape): string[] {
    const component = `${SECURE_BUCKET} ${name}`;
    const kept = shape.protect ? " [protect retainOnDelete]" : " [retainOnDelete]";
    const child = (type: string, flags = kept) => `${type} ${name} < ${component}${flags}`;
    return [
        `${component}${parent ? ` < ${parent}` : ""}`,
        child(T.bucket),
        child(T.publicAccessBlock),
        child(T.ownership),
        child(T.versioning),
        ...(shape.kms ? [child(KMS_KEY), child(KMS_ALIAS, "")] : []),
        child(T.encryption),
        child(T.lifecycle),
        child(T.policy),
        ...(shape.logged ? [child(T.logging)] : []),
    ];
}
