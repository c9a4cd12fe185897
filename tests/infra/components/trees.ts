/** The rows `treeOf` gives for a SecureBucket, stated once for every component test that owns one. */
import { T } from "../../helpers/plans";

export const SECURE_BUCKET = "transfer:storage:SecureBucket";
export const KMS_KEY = "aws:kms/key:Key";
export const KMS_ALIAS = "aws:kms/alias:Alias";

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
