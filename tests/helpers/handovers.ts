/** A hand-over as `npm run handoff -- --stack prod --counterpart cdlx --format json` writes it, for tests that break or read it. */
import { HANDOVER_SCHEMA_ID, HandoverDocument } from "../../infra/handoff/document";

/** Prod's hand-over for cdlx; with SSE-KMS, with the key of prod's ingress bucket. A fresh copy each call. */
export function prodHandoverForCdlx(encryption: "SSE-S3" | "SSE-KMS" = "SSE-S3"): HandoverDocument {
    return {
        $schema: HANDOVER_SCHEMA_ID,
        version: 1,
        from: { party: "acme-bank", side: "publisher", stack: "prod", accountId: "111122223333", partition: "aws", region: "us-east-1" },
        to: { party: "cdlx" },
        link: {
            root: "acme-bank",
            encryption,
            deleteMarkerReplication: false,
            ingressBucketArn: "arn:aws:s3:::acme-bank-prod-cdlx-ingress",
            replicationRoleArn: "arn:aws:iam::111122223333:role/acme-bank-to-cdlx-replication",
            ...(encryption === "SSE-KMS" ? { ingressKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c" } : {}),
        },
        needsBack: [],
    };
}

/**
 * A plan's value as the deployed stack would have it: each of the offline plan's stand-in KMS key IDs
 * (infra/contract/assigned.ts) replaced by one AWS could have assigned, the same stand-in by the same key.
 */
export function asDeployed<T>(planned: T): T {
    const real = new Map<string, string>();
    return JSON.parse(
        JSON.stringify(planned).replace(/00000000-0000-0000-0000-([0-9a-f]{12})/g, (standIn, tail: string) => {
            if (!real.has(standIn)) real.set(standIn, `5e1a${tail.slice(0, 4)}-2b3c-4d5e-8f6a-${tail}`);
            return real.get(standIn)!;
        }),
    ) as T;
}
