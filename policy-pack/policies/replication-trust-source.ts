// How a role that S3 assumes should trust S3, as AWS documents it:
//
// - Live replication (`s3.amazonaws.com`): AWS's replication guide shows an
//   unconditioned trust, and no AWS source says S3 sends aws:SourceAccount or
//   aws:SourceArn when it assumes the replication role. If it does not, a
//   conditioned trust replicates nothing. The documented trust is compliant; a
//   conditioned one gets a note that it must pass a live replication test first.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
// - S3 Batch Operations (`batchoperations.s3.amazonaws.com`): AWS documents the
//   confused-deputy conditions (aws:SourceAccount, aws:SourceArn of the account's
//   jobs) for it, so an unpinned trust gets the advice to add them.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/cross-service-confused-deputy-prevention.html
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html
//
// The confused-deputy risk of the unconditioned replication trust is small: only a
// principal with iam:PassRole in this account can attach the role to a bucket, and
// a role cannot be passed across accounts.

import { partitionIn } from "../lib/arns";
import { requiresFixedValue } from "../lib/conditions";
import { readDocument, Statement } from "../lib/policy-document";
import { compliant, Decision, defineResourcePolicy, notApplicable, undecided, violation } from "../lib/policy-kit";
import { BATCH_OPERATIONS_SERVICE, S3_SERVICE } from "../lib/roles";
import { Res } from "../lib/stack-index";
import { TYPES } from "../lib/types";
import { UNKNOWN } from "../lib/values";

const SOURCE_KEYS = ["aws:sourceaccount", "aws:sourcearn"];

const trusts = (s: Statement, service: string) => s.effect === "Allow" && (s.principal?.service ?? []).some((p) => typeof p === "string" && p.toLowerCase() === service);

function sourceConditions(s: Statement): { any: boolean; pinned: boolean } {
    if (s.conditions === UNKNOWN) {
        return { any: false, pinned: false };
    }
    const conds = s.conditions;
    return {
        any: conds.some((c) => SOURCE_KEYS.includes(c.key)),
        pinned: conds.some((c) => requiresFixedValue(c, "aws:sourceaccount")) || conds.some((c) => requiresFixedValue(c, "aws:sourcearn")),
    };
}

export const replicationTrustSource = defineResourcePolicy({
    name: "s3-transfer-replication-trust-source",
    description:
        "A live-replication role trusts s3.amazonaws.com the way AWS documents it (unconditioned); aws:SourceAccount/aws:SourceArn conditions on that trust are not confirmed by AWS for replication and get a note to prove them with a live replication test. A Batch Operations role (batchoperations.s3.amazonaws.com) pins its trust with aws:SourceAccount or aws:SourceArn, the confused-deputy conditions AWS documents for it.",
    enforcementLevel: "advisory",
    severity: "medium",
    types: TYPES.role,
    defaults: {},
    remediationSteps:
        'Replication role: trust {"Service": "s3.amazonaws.com"} with "sts:AssumeRole" and no condition, or keep the conditions only after a live replication test in pre-production passed. Batch Operations role: add "Condition": {"StringEquals": {"aws:SourceAccount": "<account>"}, "ArnLike": {"aws:SourceArn": "arn:<partition>:s3:<region>:<account>:job/*"}}.',
    evaluate(r: Res): Decision[] {
        const trust = readDocument(r.props.assumeRolePolicy);
        if (trust.state === "unknown") {
            return [notApplicable(r.urn, "The trust policy is not known yet.")];
        }
        if (trust.state !== "known") {
            return [notApplicable(r.urn, "The role has no readable trust policy.")];
        }
        const partition = partitionIn(trust.minified) ?? "aws";
        const out: Decision[] = [];
        for (const s of trust.statements) {
            const sid = s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
            if (trusts(s, S3_SERVICE)) {
                if (s.conditions === UNKNOWN) {
                    out.push(undecided(r.urn, `The conditions of ${sid} of the trust of role "${r.name}" are unknown until apply.`));
                    continue;
                }
                const c = sourceConditions(s);
                out.push(
                    c.any
                        ? violation(
                              r.urn,
                              `Role "${r.name}" trusts s3.amazonaws.com (${sid}) only under aws:SourceAccount/aws:SourceArn conditions. AWS documents an unconditioned trust for replication roles and no AWS source says S3 sends these keys when it assumes the role for live replication; if it does not, nothing replicates. Prove it with a live replication test in pre-production before production, or trust {"Service": "s3.amazonaws.com"} without a condition (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html).`,
                          )
                        : compliant(r.urn, `Role "${r.name}" trusts s3.amazonaws.com as AWS documents it for replication.`),
                );
            } else if (trusts(s, BATCH_OPERATIONS_SERVICE)) {
                if (s.conditions === UNKNOWN) {
                    out.push(undecided(r.urn, `The conditions of ${sid} of the trust of role "${r.name}" are unknown until apply.`));
                    continue;
                }
                const c = sourceConditions(s);
                const unknownValue = s.conditions.some((c2) => SOURCE_KEYS.includes(c2.key) && c2.values.includes(UNKNOWN));
                if (c.pinned) {
                    out.push(compliant(r.urn, `Role "${r.name}" trusts Batch Operations only for the named account or jobs.`));
                } else if (unknownValue) {
                    out.push(undecided(r.urn, `Whether ${sid} of the trust of role "${r.name}" pins Batch Operations to an account depends on values unknown until apply.`));
                } else {
                    out.push(
                        violation(
                            r.urn,
                            `Role "${r.name}" trusts batchoperations.s3.amazonaws.com (${sid}) without a fixed aws:SourceAccount or aws:SourceArn, so Batch Operations working for another account could use it (confused deputy). Add "Condition": {"StringEquals": {"aws:SourceAccount": "<this account ID>"}, "ArnLike": {"aws:SourceArn": "arn:${partition}:s3:<region>:<this account ID>:job/*"}} (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cross-service-confused-deputy-prevention.html).`,
                        ),
                    );
                }
            }
        }
        return out.length > 0 ? out : [notApplicable(r.urn, "The role is not trusted by s3.amazonaws.com or batchoperations.s3.amazonaws.com.")];
    },
});
