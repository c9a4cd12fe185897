/**
 * The hand-over's format: its `$schema`, version and fields, and the type of a
 * document (docs/handover.schema.json publishes the same for other readers).
 * Below both the stack-output contract, which exports hand-overs, and the
 * builder of a document from a side's outputs (document.ts).
 */
import type { CounterpartState, Encryption } from "../config/keys";

/** `$schema` of every hand-over, and `$id` of the published schema. */
export const HANDOVER_SCHEMA_ID = "urn:s3-transfer:handover:v1";
export const HANDOVER_VERSION = 1;

/** The fields one side needs from the other; `needsBack` lists those still missing. */
export const HANDOVER_NEEDS = ["accountId", "region", "ingressBucketArn", "replicationRoleArn", "ingressKmsKeyArn"] as const;
export type HandoverNeed = (typeof HANDOVER_NEEDS)[number];

export interface HandoverDocument {
    $schema: typeof HANDOVER_SCHEMA_ID;
    version: typeof HANDOVER_VERSION;
    from: {
        /** The sender's `s3-transfer:name`. */
        party: string;
        side: "publisher" | "partner";
        /** The sender's stack, when the sender runs this program. */
        stack?: string;
        accountId: string;
        partition: string;
        /** Region of the sender's two buckets for this link. */
        region: string;
    };
    to: { party: string };
    link: {
        /** `{Root}`: only objects under `{root}/` replicate, both ways. */
        root: string;
        encryption: Encryption;
        /** Whether the sender replicates delete markers (the receiver's ingress must then admit `s3:ReplicateDelete`). */
        deleteMarkerReplication: boolean;
        /** The sender's egress: the source of its replication (informational; absent from a partner's hand-written reply). */
        egressBucketArn?: string;
        /** Where the receiver's egress replicates to. */
        ingressBucketArn: string;
        /** The role the sender replicates into the receiver's ingress with. */
        replicationRoleArn: string;
        egressKmsKeyArn?: string;
        /** With SSE-KMS: the key the receiver's replicas into the sender's ingress are encrypted with. */
        ingressKmsKeyArn?: string;
        /** Where the sender has the link; absent: active. Anything else: the receiver stops replicating to the sender. */
        state?: CounterpartState;
    };
    /** What the sender has not received yet from the receiver. */
    needsBack: HandoverNeed[];
}
