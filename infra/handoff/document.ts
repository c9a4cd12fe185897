/**
 * The machine-readable hand-over: what one side sends the other so that the
 * other side's config can be written by a tool instead of by hand. Its shape is
 * published as a JSON Schema (docs/handover.schema.json); `accept-handoff`
 * reads it. Built from the same values as the Markdown sheet.
 */
import { CounterpartState, Encryption } from "../config/keys";
import type { LinkOutputs, StackOutputs } from "../contract/outputs";
import { arns } from "../policies/document";
import { HANDOVER_NEEDS, HANDOVER_SCHEMA_ID, HANDOVER_VERSION, HandoverDocument, HandoverNeed } from "./format";

export { HANDOVER_NEEDS, HANDOVER_SCHEMA_ID, HANDOVER_VERSION };
export type { HandoverDocument, HandoverNeed };

/** What a side knows of one of its links, from its stack (the sheet's HandoffLink, narrowed): its own outputs, by the contract. */
export interface HandoverSource
    extends
        Pick<StackOutputs, "side" | "partyName" | "accountId">,
        Pick<LinkOutputs, "root" | "region" | "deleteMarkerReplication" | "ingressBucketArn" | "replicationRoleArn" | "egressKmsKeyArn" | "ingressKmsKeyArn"> {
    stack?: string;
    partition: string;
    counterpart: string;
    encryption: Encryption;
    /** Absent from a hand-over a counterpart writes by hand. */
    egressBucketArn?: string;
    /** What the counterpart has handed over so far. */
    theirs: Partial<Record<HandoverNeed, string>>;
    /** Where this side has the link; absent: active. */
    state?: CounterpartState;
}

const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** The fields still missing from the counterpart; its key only matters with SSE-KMS. */
export function needsBack(source: Pick<HandoverSource, "encryption" | "theirs">): HandoverNeed[] {
    return HANDOVER_NEEDS.filter((need) => !source.theirs[need] && (need !== "ingressKmsKeyArn" || source.encryption === "SSE-KMS"));
}

export function handoverDocument(source: HandoverSource): HandoverDocument {
    return {
        $schema: HANDOVER_SCHEMA_ID,
        version: HANDOVER_VERSION,
        from: defined({ party: source.partyName, side: source.side, stack: source.stack, accountId: source.accountId, partition: source.partition, region: source.region }),
        to: { party: source.counterpart },
        link: defined({
            root: source.root,
            encryption: source.encryption,
            deleteMarkerReplication: source.deleteMarkerReplication,
            egressBucketArn: source.egressBucketArn,
            ingressBucketArn: source.ingressBucketArn,
            replicationRoleArn: source.replicationRoleArn,
            egressKmsKeyArn: source.egressKmsKeyArn,
            ingressKmsKeyArn: source.ingressKmsKeyArn,
            // Only when the link is ending: an active link's hand-over (and its fingerprint) is what it always was.
            state: source.state && source.state !== "active" ? source.state : undefined,
        }),
        needsBack: needsBack(source),
    };
}

/**
 * What a counterpart that does not run this program sends back: the hand-over
 * it would generate, with what we already know filled in and placeholders
 * (which fail validation until replaced) for the rest.
 */
export function handoverTemplate(source: HandoverSource): HandoverDocument {
    const theirs = source.theirs;
    return {
        $schema: HANDOVER_SCHEMA_ID,
        version: HANDOVER_VERSION,
        from: {
            party: source.counterpart,
            side: source.side === "publisher" ? "partner" : "publisher",
            accountId: theirs.accountId ?? "<YOUR_ACCOUNT_ID>",
            partition: source.partition,
            region: theirs.region ?? "<YOUR_REGION>",
        },
        to: { party: source.partyName },
        link: defined({
            root: source.root,
            encryption: source.encryption,
            deleteMarkerReplication: false,
            ingressBucketArn: theirs.ingressBucketArn ?? arns.bucket(source.partition, "<YOUR_INGRESS_BUCKET>"),
            replicationRoleArn: theirs.replicationRoleArn ?? arns.role(source.partition, "<YOUR_ACCOUNT_ID>", "<YOUR_REPLICATION_ROLE>"),
            ingressKmsKeyArn:
                source.encryption === "SSE-KMS"
                    ? (theirs.ingressKmsKeyArn ?? arns.kmsKey(source.partition, "<YOUR_REGION>", "<YOUR_ACCOUNT_ID>", "<YOUR_INGRESS_KEY_ID>"))
                    : undefined,
        }),
        needsBack: [],
    };
}
