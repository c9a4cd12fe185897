/**
 * The words of the access matrix: the decisions and transports a template
 * names, the facts of each kind of subject (a counterpart link, a vendor drop,
 * a service destination, a log bucket), and the requests expanded from them.
 *
 * Facts that are not known (a counterpart whose stack is not planned, a
 * hand-over still missing a value, a link still pending) are carried as
 * unknowns with the reason, never filled in with a guess.
 */
import type { SimulationRequestPrincipal } from "@cloud-copilot/iam-simulate";
import type { CollectedPolicies } from "./collect";

export const DECISIONS = ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"] as const;
export type Decision = (typeof DECISIONS)[number];
export const TRANSPORTS = ["tls1.3", "tls1.2", "tls1.1", "tls1.0", "http"] as const;
export type Transport = (typeof TRANSPORTS)[number];
export type SideRef = "own" | "counterpart";
export const SCOPES = ["link", "vendorDrop", "serviceDestination", "accessLog", "logBucket"] as const;
export type Scope = (typeof SCOPES)[number];
/** What a request is about. `accessLog` and `logBucket` templates are both about a log bucket. */
export type SubjectKind = "link" | "vendorDrop" | "serviceDestination" | "logBucket";

/** A value from the plans, or why it is not known. */
export type Known<T> = { value: T } | { unknown: string };
export const isKnown = <T>(k: Known<T>): k is { value: T } => "value" in k;

export interface NamedPolicy {
    name: string;
    policy: Record<string, unknown>;
}

/** What one side of a link is, as far as its plan (or its hand-over) tells. */
export interface SideFacts {
    party: string;
    /** Where the facts come from, for messages: "plan of stack prod", "hand-over in config". */
    source: string;
    partition: string;
    accountId?: string;
    /** Its planned policies; absent when its stack is not planned here. */
    policies?: CollectedPolicies;
    replicationRoleArn?: string;
    /** The side's S3 Batch Replication role, when its plan makes one. */
    batchReplicationRoleArn?: string;
    /** The region of the link's buckets: where the side's Batch Operations jobs for it run. */
    region?: string;
    ingressBucketArn?: string;
    egressBucketArn?: string;
    /** The ingress bucket's KMS key, when handed over or exported (the plan, when known, says it too). */
    ingressKmsKeyArn?: string;
    deleteMarkerReplication?: boolean;
    /** "pending": it does not replicate yet (no permissions, no replication rule). */
    replication?: "active" | "pending";
    /** "pending": its ingress does not admit the other side yet. */
    ingressGrant?: "active" | "pending";
}

/** A planned side: its policies and account are known. */
export type PlannedSide = SideFacts & { accountId: string; policies: CollectedPolicies };

export interface LinkFacts {
    /** The counterpart's party name: the link's key in the stack's `links` output. */
    name: string;
    root: string;
    own: SideFacts;
    counterpart: SideFacts;
    /** An account of neither side, for the unrelated-account requests. */
    unrelatedAccountId: string;
}

/**
 * A bucket a vendor's principal writes into directly. The intent (principal,
 * prefix, what it may do) is the stack's config; the policies are the plan's.
 */
export interface VendorDropFacts {
    name: string;
    own: PlannedSide;
    bucketArn: string;
    /** The drop's region (the stack's). */
    region: string;
    principalArn: string;
    /** The vendor writes only under `{prefix}/`; absent: the whole (dedicated) bucket. */
    prefix?: string;
    allowDelete: boolean;
    accessConfirmation: boolean;
    unrelatedAccountId: string;
}

/** A bucket a data-sync service writes into by assuming a role of ours: intent from config, policies from the plan. */
export interface ServiceDestinationFacts {
    name: string;
    own: PlannedSide;
    bucketArn: string;
    roleArn: string;
    servicePrincipalArn: string;
    externalId: string;
    /** The service writes only under `{prefix}/`; absent: anywhere in the bucket. */
    prefix?: string;
    connectionTestPending: boolean;
    unrelatedAccountId: string;
}

/** One log bucket of a side, and what delivers into it according to the plan. */
export interface LogBucketFacts {
    own: PlannedSide;
    name: string;
    arn: string;
    region: string;
    /** Data buckets whose server access logs the plan sends here (its BucketLogging targets), with their key prefixes. */
    logged: { bucketArn: string; targetPrefix: string }[];
    /** Data buckets of the side whose access logs go to another log bucket (another region's). */
    loggedElsewhere: string[];
    /** Trails of the plan that deliver here. */
    trails: { arn: string; keyPrefix: string }[];
    /** The side's counterparts whose account is known. */
    counterparts: SideFacts[];
    unrelatedAccountId: string;
}

export type Subject =
    | { kind: "link"; facts: LinkFacts }
    | { kind: "vendorDrop"; facts: VendorDropFacts }
    | { kind: "serviceDestination"; facts: ServiceDestinationFacts }
    | { kind: "logBucket"; facts: LogBucketFacts };

export interface RequestPrincipal {
    label: string;
    /** What the simulator is given as the caller. */
    caller: SimulationRequestPrincipal;
    /** aws:PrincipalArn; absent for anonymous and service principals. */
    principalArn?: string;
    accountId?: string;
    identity: Known<NamedPolicy[]>;
    permissionBoundaries: NamedPolicy[];
    context: Record<string, string>;
    /** The side the principal belongs to, for pending-link rules. */
    side?: SideRef;
    role?: "replication" | "root" | "admin" | "service";
    /** How the principal's own policies are modelled, when that is an assumption the decision rests on. */
    note?: string;
}

export interface RequestResource {
    label: string;
    arn: string;
    accountId: string;
    side: SideRef;
    type: "bucket" | "object" | "role" | "key";
    /** The bucket is an ingress bucket: its policy holds the grant to the other side. */
    ingress: boolean;
    policy: Known<NamedPolicy | undefined>;
    restrictPublicBuckets: boolean;
}

export interface AccessRequest {
    kind: string;
    template: string;
    /** The subject's name: the counterpart of a link, the vendor, the service, the log bucket. */
    link: string;
    scope: SubjectKind;
    principalSpec: string;
    resourceSpec: string;
    action: string;
    transport: Transport;
    principal?: RequestPrincipal;
    resource?: RequestResource;
    context: Record<string, string>;
    /** The keys of `context` the template adds (s3:prefix, sts:ExternalId...): what tells this request from its neighbours. */
    requestKeys?: Record<string, string>;
    expected: Known<Decision>;
    /** Why the request cannot be evaluated at all (a principal or resource that is not known, a pending link). */
    notEvaluable?: string;
}
