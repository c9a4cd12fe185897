/**
 * The one rule set for a counterpart's endpoints, whichever way they arrive:
 * a stack reference (stacks/counterparts.ts), a hand-over in config (the
 * same), or a hand-over file (tools/handoff/accept.ts). Each caller says where
 * a field came from and what fixes it; the rules, and so the verdicts, are
 * the same for all three.
 */
import type { Encryption } from "../config/keys";
import { accountIdProblem, parseBucketArn, parseKmsKeyArn, parseRoleArn, partitionOf, regionProblem } from "../config/rules";
import { fingerprintOf } from "../handoff/fingerprint";
import { standInProblem } from "./assigned";

/** A counterpart's endpoints as they arrive. Absent values are "not yet handed over". */
export interface ArrivingEndpoints {
    accountId: string;
    /** Region of their ingress bucket. */
    region?: string;
    /** Where our egress replicates to. */
    ingressBucketArn?: string;
    /** The role the counterpart replicates into our ingress with. */
    replicationRoleArn?: string;
    /** The KMS key of the counterpart's ingress bucket, which our SSE-KMS replicas are encrypted with. */
    ingressKmsKeyArn?: string;
    /**
     * Their buckets' encryption, when the way it arrives tells: a hand-over file
     * states it, and a deployed stack exports a link's ingress key exactly when its
     * buckets are SSE-KMS. Undefined when it cannot tell: config is filled in
     * as the counterpart hands values over, so an absent key there is pending.
     */
    encryption?: Encryption;
}

export type EndpointField = keyof ArrivingEndpoints;

/** The endpoints as a counterpart hands them over in writing (config): identifiers only, the encryption unsaid. */
export type HandedOverEndpoints = Omit<ArrivingEndpoints, "encryption">;

/** This side, as far as the rules need it. */
export interface OwnEndpoints {
    accountId: string;
    partition: string;
    /** This side's encryption of the link (the counterpart entry's `encryption`, or the stack's). */
    encryption: Encryption;
}

/**
 * Which rule a problem breaks, so that each caller can attach its own fix and
 * tests can check that every way in meets the same rule.
 */
export type EndpointRule =
    /** An identifier that is not of its kind (an 11-digit account, a user where a role is needed, ...). */
    | "shape"
    /** The counterpart's account is this stack's own. */
    | "own-account"
    /** A region or ARN of another partition than this stack's. */
    | "partition"
    /** A role or key of another account than the counterpart's. */
    | "owner"
    /** A key in another region than the counterpart's bucket. */
    | "key-region"
    /** The two sides of the link use different encryptions. */
    | "encryption"
    /** This link is SSE-KMS and the ingress bucket came without its key. */
    | "missing-key"
    /** A value AWS assigns at creation, given as the offline plan's stand-in: no such key exists. */
    | "stand-in";

export interface EndpointProblem {
    field: EndpointField;
    rule: EndpointRule;
    /** A sentence about the field's value, e.g. `is in partition aws-cn, not aws; replication cannot cross partitions`. */
    problem: string;
}

export interface EndpointRuleOptions {
    /**
     * Whether the offline plan's stand-in for a KMS key (infra/contract/assigned.ts) is refused:
     * always in writing (config, a hand-over file), never from a referenced stack, whose outputs
     * are a deployment's (real) or, in an offline plan, that stack's plan (stand-ins).
     */
    standIns: "refuse" | "allow";
}

/**
 * Every way the endpoints cannot be right for this side: each identifier's
 * shape; the account not our own (replication here is cross-account); every
 * ARN and the region in our partition (replication, IAM and KMS cannot cross
 * partitions); the role and the key in the counterpart's own account; the key
 * in the region given for the bucket it encrypts (this program takes the key's
 * region as the destination region, so the two must not disagree; we found no
 * AWS page stating the same-region rule for general purpose buckets, and the
 * pre-production canary proves the pair); one encryption on both sides of a
 * link (SSE-KMS replicas need the other side's ingress key, which an SSE-S3
 * side does not have); and, on an SSE-KMS link, no ingress bucket without its
 * key (a rule that selects SSE-KMS objects must name the replica key, S3 API
 * Reference, Destination.EncryptionConfiguration; the hand-over file's schema
 * requires the key with SSE-KMS, and a deployed SSE-KMS link always exports it);
 * and, in writing, no key that is the offline plan's stand-in for one AWS has
 * not created (infra/contract/assigned.ts). Returns one problem per field, in
 * field order; `encryption` and `missing-key` come last.
 */
export function endpointProblems(theirs: ArrivingEndpoints, own: OwnEndpoints, options: EndpointRuleOptions = { standIns: "refuse" }): EndpointProblem[] {
    const problems: EndpointProblem[] = [];
    const add = (field: EndpointField, rule: EndpointRule, problem: string) => problems.push({ field, rule, problem });
    const { partition } = own;
    const accountProblem = accountIdProblem(theirs.accountId);
    if (accountProblem) add("accountId", "shape", accountProblem);
    else if (theirs.accountId === own.accountId) add("accountId", "own-account", `is this stack's own account ${own.accountId}; replication here is cross-account`);
    if (theirs.region !== undefined) {
        const found = regionProblem(theirs.region);
        if (found) add("region", "shape", found);
        else if (partitionOf(theirs.region) !== partition)
            add("region", "partition", `${theirs.region} is in partition ${partitionOf(theirs.region)}, not ${partition}; replication cannot cross partitions`);
    }
    const parsed: [EndpointField, string | undefined, (v: string) => { partition: string; accountId?: string; region?: string } | string][] = [
        ["ingressBucketArn", theirs.ingressBucketArn, parseBucketArn],
        ["replicationRoleArn", theirs.replicationRoleArn, parseRoleArn],
        ["ingressKmsKeyArn", theirs.ingressKmsKeyArn, parseKmsKeyArn],
    ];
    for (const [field, value, parse] of parsed) {
        if (value === undefined) continue;
        const arn = parse(value);
        const standIn = options.standIns === "refuse" ? standInProblem(value) : undefined;
        if (typeof arn === "string") add(field, "shape", arn);
        else if (standIn) add(field, "stand-in", standIn);
        else if (arn.partition !== partition) add(field, "partition", `is in partition ${arn.partition}, not ${partition}; replication cannot cross partitions`);
        else if (arn.accountId !== undefined && !accountProblem && arn.accountId !== theirs.accountId)
            add(field, "owner", `belongs to account ${arn.accountId}, not to the counterpart's account ${theirs.accountId}`);
        else if (arn.region !== undefined && theirs.region !== undefined && arn.region !== theirs.region)
            add(field, "key-region", `is a key in ${arn.region}, but the counterpart's bucket is in ${theirs.region}; the key of a bucket is in the bucket's region`);
    }
    if (theirs.encryption !== undefined && theirs.encryption !== own.encryption) {
        add(
            "encryption",
            "encryption",
            `is ${theirs.encryption}, but this link uses ${own.encryption} here; both sides of a link use one encryption (SSE-KMS replicas are encrypted with the other side's ingress key)`,
        );
    } else if (own.encryption === "SSE-KMS" && theirs.ingressBucketArn !== undefined && theirs.ingressKmsKeyArn === undefined) {
        add(
            "ingressKmsKeyArn",
            "missing-key",
            "is missing, but the ingress bucket is given and this link uses SSE-KMS: our replicas in that bucket are encrypted with its key, so the two come together",
        );
    }
    return problems;
}

/** Where a counterpart's files go and whose role it admits: what a changed hand-over must not change unconfirmed. */
export type Destination = HandedOverEndpoints;

// A record over every field of Destination, so that a field added to the endpoints cannot fall outside the fingerprint.
const IN_DESTINATION: Record<keyof Destination, true> = { accountId: true, region: true, ingressBucketArn: true, replicationRoleArn: true, ingressKmsKeyArn: true };
export const DESTINATION_FIELDS = Object.keys(IN_DESTINATION) as (keyof Destination)[];

/** The fingerprint of a destination, recorded in config when a hand-over is accepted. */
export function destinationFingerprint(destination: Destination): string {
    return fingerprintOf(Object.fromEntries(DESTINATION_FIELDS.filter((f) => destination[f] !== undefined && destination[f] !== "").map((f) => [f, destination[f]])));
}
