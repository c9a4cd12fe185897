// A resource as the policies see it, on its own so that the modules the stack
// index builds on (lib/native.ts, lib/accounts.ts) need not import the index.

/** A resource as the policies see it: raw props, URNs instead of object links. */
export interface Res {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** Physical ID, when the caller knows it (offline checker, stack outputs). */
    id?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** The URN of the provider resource that manages it, when the stack says (exports and CrossGuard do). */
    provider?: string;
    /** That provider's inputs, as CrossGuard and the offline checker hand them over with the resource. */
    providerProps?: Record<string, unknown>;
    /** For a setting an `aws-native:s3:Bucket` declares on itself: the property that declares it. */
    via?: string;
    /** An `aws-native:s3:Bucket`'s own properties (lib/native.ts reads its settings from them). */
    nativeProps?: Record<string, unknown>;
}

/** The concerns that configure one bucket through a resource of their own. */
export const BUCKET_SETTINGS = ["versioning", "encryption", "publicAccessBlock", "ownership", "policy", "acl", "replication", "logging", "requestPayment"] as const;
export type BucketSetting = (typeof BUCKET_SETTINGS)[number];
