import { readDocument } from "../lib/policy-document";
import { compliant, Decision, defineResourcePolicy, notApplicable, violation } from "../lib/policy-kit";
import { S3_SERVICE } from "../lib/roles";
import { Res } from "../lib/stack-index";
import { TYPES } from "../lib/types";
import { UNKNOWN } from "../lib/values";

const SOURCE_KEYS = ["aws:sourceaccount", "aws:sourcearn"];

export const replicationTrustSource = defineResourcePolicy({
    name: "s3-transfer-replication-trust-source",
    description:
        "A role that trusts s3.amazonaws.com limits the trust with aws:SourceAccount or aws:SourceArn, so S3 acting for another account's bucket cannot assume it (confused deputy).",
    enforcementLevel: "advisory",
    severity: "medium",
    types: TYPES.role,
    defaults: {},
    remediationSteps:
        'Add "Condition": {"StringEquals": {"aws:SourceAccount": "<this account>"}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::<source bucket>"}} to the statement that trusts s3.amazonaws.com.',
    evaluate(r: Res): Decision[] {
        const trust = readDocument(r.props.assumeRolePolicy);
        if (trust.state !== "known") {
            return [notApplicable(r.urn, "The trust policy is not known yet.")];
        }
        const out: Decision[] = [];
        for (const s of trust.statements) {
            if (s.effect !== "Allow" || !(s.principal?.service ?? []).some((p) => typeof p === "string" && p.toLowerCase() === S3_SERVICE)) {
                continue;
            }
            if (s.conditions === UNKNOWN) {
                continue;
            }
            const pinned = s.conditions.some((c) => SOURCE_KEYS.includes(c.key) && !c.op.includes("not") && !c.op.startsWith("null") && c.values.length > 0);
            const sid = s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
            out.push(
                pinned
                    ? compliant(r.urn, `Role "${r.name}" trusts s3.amazonaws.com only for a named source.`)
                    : violation(
                          r.urn,
                          `Role "${r.name}" trusts s3.amazonaws.com (${sid}) without an aws:SourceAccount or aws:SourceArn condition, so S3 working for any account could assume it. Add "Condition": {"StringEquals": {"aws:SourceAccount": "<this account ID>"}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::<source bucket>"}}.`,
                      ),
            );
        }
        return out.length > 0 ? out : [notApplicable(r.urn, "The role is not trusted by s3.amazonaws.com.")];
    },
});
