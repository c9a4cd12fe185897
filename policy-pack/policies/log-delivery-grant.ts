import { aclLogDelivery, judgeGrant, loggingStatements, loggingView, sendersLabel, statementLabel } from "../lib/access-logging";
import { bucketPolicyDocs, describe, PolicyDoc, policyUnknownDetail, strayPolicyDocs } from "../lib/bucket-settings";
import { compliant, Decision, defineStackPolicy, undecided, violation } from "../lib/policy-kit";
import { Res, StackIndex } from "../lib/stack-index";
import { UNKNOWN } from "../lib/values";

const condition = (partition: string) =>
    `"Condition": {"StringEquals": {"aws:SourceAccount": "<your account ID>"}, "ArnLike": {"aws:SourceArn": ["arn:${partition}:s3:::<each logged bucket>"]}}`;
const CONDITION = condition("aws");

// Why each missing condition matters, for the message.
function exposure(account: boolean, arn: boolean): string {
    if (account && arn) {
        return "the logging service would deliver the logs of any source bucket into it (confused deputy)";
    }
    if (account) {
        return "a bucket ARN names no account, so aws:SourceArn alone would also admit a bucket of that name owned by another account (after yours is deleted)";
    }
    return "any bucket of the account could deliver its logs into it, mixing them with the audit record";
}

function grantDecisions(d: PolicyDoc, bucketLabel: string, partition: string): Decision[] {
    if (d.doc.state !== "known") {
        return [];
    }
    const where = describe(d.source, d.form);
    return loggingStatements(d.doc).map((s) => {
        const sid = statementLabel(s);
        const j = judgeGrant(s);
        const noAccount = j.sourceAccount === false;
        const noArn = j.sourceArn === false;
        if (s.effect === "Allow" && (noAccount || noArn)) {
            const missing = [noAccount ? "aws:SourceAccount" : "", noArn ? "aws:SourceArn" : ""].filter((k) => k !== "").join(" or ");
            return violation(
                d.source.urn,
                `The policy of ${bucketLabel} (${where}) allows logging.s3.amazonaws.com (${sid}) without a pinning ${missing} condition: ${exposure(noAccount, noArn)}. Add ${condition(partition)} to that statement.`,
            );
        }
        if (s.effect !== "Allow" || j.sourceAccount === UNKNOWN || j.sourceArn === UNKNOWN) {
            return undecided(
                d.source.urn,
                `Cannot tell yet whether ${sid} of the policy of ${bucketLabel} (${where}) admits log deliveries only from your buckets: it depends on values unknown until apply.`,
            );
        }
        return compliant(d.source.urn, `The policy of ${bucketLabel} (${where}) admits log deliveries only from named source buckets of a named account (${sid}).`);
    });
}

function aclDecisions(r: Res, form: "inline" | "split", bucketLabel: string, receivesLogs: boolean, partition: string): Decision[] {
    const g = aclLogDelivery(r, form);
    const out = g.found.map((what) =>
        violation(
            r.urn,
            `${bucketLabel} admits log deliveries through ${what}: the LogDelivery group writes for every source bucket that targets it, and the grant needs ACLs enabled. Remove it, set objectOwnership "BucketOwnerEnforced", and allow logging.s3.amazonaws.com in the bucket policy instead, with ${condition(partition)}.`,
        ),
    );
    // The bucket's own acl/grants are computed outputs during preview; only a BucketAcl's unknowns are a choice.
    if (out.length === 0 && g.unknown && form === "split" && receivesLogs) {
        out.push(undecided(r.urn, `Cannot tell yet whether ${bucketLabel} admits log deliveries through an ACL: ${describe(r, form)} is unknown until apply.`));
    }
    return out;
}

export const logDeliveryGrant = defineStackPolicy({
    name: "s3-transfer-log-delivery-grant",
    description:
        "A bucket that receives server access logs admits their delivery (without a grant S3 delivers nothing), and only through its bucket policy, with every statement that allows logging.s3.amazonaws.com pinned by aws:SourceAccount and aws:SourceArn, and never through the log-delivery-write ACL or a grant to the LogDelivery group.",
    enforcementLevel: "advisory",
    severity: "medium",
    defaults: {},
    remediationSteps: `In each statement of the log bucket's policy that allows logging.s3.amazonaws.com, add ${CONDITION}; remove a log-delivery-write ACL or LogDelivery group grant and keep ACLs disabled (BucketOwnerEnforced).`,
    notApplicableReason: "No bucket in the stack receives access logs or admits the logging service.",
    evaluate(index: StackIndex): Decision[] {
        const view = loggingView(index);
        const out: Decision[] = [];
        for (const b of index.buckets) {
            const senders = view.targets.get(b);
            const receives = senders ? `${b.label} receives the access logs of ${sendersLabel(senders)}` : "";
            const mine: Decision[] = [];
            const docs = bucketPolicyDocs(b);
            for (const d of docs) {
                if (d.doc.state === "unknown" && senders) {
                    mine.push(
                        undecided(
                            d.source.urn,
                            `${receives}; whether it admits them only from your buckets cannot be told yet: the policy document of ${describe(d.source, d.form)} is unknown until apply.`,
                        ),
                    );
                }
                mine.push(...grantDecisions(d, b.label, index.partition()));
            }
            mine.push(...aclDecisions(b.res, "inline", b.label, senders !== undefined, index.partition()));
            for (const a of b.settings.acl) {
                mine.push(...aclDecisions(a, "split", b.label, senders !== undefined, index.partition()));
            }
            if (mine.length === 0 && senders) {
                const elsewhere = docs.length === 0 ? policyUnknownDetail(index) : undefined;
                mine.push(
                    elsewhere
                        ? undecided(b.res.urn, `${receives}; how it admits them cannot be told yet: ${elsewhere}.`)
                        : violation(
                              b.res.urn,
                              `${receives} but admits them through neither a bucket-policy grant to logging.s3.amazonaws.com nor an ACL, so S3 delivers no log into it (with ACLs disabled, only the bucket policy can admit the logging service). Add {"Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:${index.partition()}:s3:::${typeof b.name === "string" ? b.name : "<log bucket>"}/<target prefix>*", ${condition(index.partition())}} to its policy (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).`,
                          ),
                );
            }
            out.push(...mine);
        }
        for (const d of strayPolicyDocs(index)) {
            out.push(...grantDecisions(d, `the bucket of ${describe(d.source, "split")}`, index.partition()));
        }
        for (const a of [...index.external.acl, ...index.unresolved.acl]) {
            out.push(...aclDecisions(a, "split", `the bucket of ${describe(a, "split")}`, false, index.partition()));
        }
        return out;
    },
});
