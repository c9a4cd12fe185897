import { ConditionMatcher, or3, Tri } from "../lib/deny-coverage";
import { Decision, defineStackPolicy } from "../lib/policy-kit";
import { StackIndex } from "../lib/stack-index";
import { UNKNOWN } from "../lib/values";
import { bucketArnFor, judgeBucketDeny } from "./https-only";

export interface MinimumTlsConfig {
    /** The lowest TLS version the bucket must accept; older versions must be denied. */
    minimumTlsVersion: number;
}

/** `NumericLessThan` on s3:TlsVersion at or above the minimum, and no other condition. */
export function olderTlsOnly(minimum: number): ConditionMatcher {
    return (conditions) => {
        if (conditions.length === 0) {
            return false;
        }
        let result: Tri = true;
        for (const c of conditions) {
            if (c.key !== "s3:tlsversion" || (c.op !== "numericlessthan" && c.op !== "numericlessthanifexists")) {
                return false;
            }
            let ok: Tri = false;
            for (const v of c.values) {
                ok = or3(ok, v === UNKNOWN ? UNKNOWN : Number(v) >= minimum);
            }
            if (ok === false) {
                return false;
            }
            if (ok === UNKNOWN) {
                result = UNKNOWN;
            }
        }
        return result;
    };
}

export function tlsDenyStatement(bucketArn: string, minimum: number): string {
    return JSON.stringify({
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": String(minimum) } },
    });
}

export const minimumTls = defineStackPolicy<MinimumTlsConfig>({
    name: "s3-transfer-minimum-tls",
    description:
        "Every S3 bucket's policy denies requests that use a TLS version older than 1.2 (a Deny on s3:* with NumericLessThan s3:TlsVersion 1.2), so partners cannot fall back to deprecated TLS.",
    enforcementLevel: "advisory",
    severity: "medium",
    defaults: { minimumTlsVersion: 1.2 },
    configSchema: {
        properties: {
            minimumTlsVersion: { type: "number", enum: [1.2, 1.3], default: 1.2, description: "Requests below this TLS version must be denied." },
        },
    },
    remediationSteps:
        'Add {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}} to the bucket policy.',
    notApplicableReason: "The stack has no S3 bucket.",
    evaluate(index: StackIndex, config: MinimumTlsConfig): Decision[] {
        const min = Number(config.minimumTlsVersion);
        return index.buckets.map((b) =>
            judgeBucketDeny(
                index,
                b,
                olderTlsOnly(min),
                { does: `denies TLS older than ${min}`, doesNot: `deny TLS older than ${min} (NumericLessThan s3:TlsVersion ${min})` },
                tlsDenyStatement(bucketArnFor(b, index.partition()), min),
            ),
        );
    },
});
