// How a role that S3 assumes should trust S3, as AWS documents it:
//
// - Live replication (`s3.amazonaws.com`): AWS's replication guide shows an
//   unconditioned trust, and no AWS source says S3 sends aws:SourceAccount or
//   aws:SourceArn when it assumes the replication role. If it does not, a
//   conditioned trust replicates nothing. The documented trust is compliant; a
//   conditioned one gets a note that it must pass a live replication test first.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
// - S3 Batch Operations (`batchoperations.s3.amazonaws.com`): the same. AWS's
//   Batch Operations and Batch Replication guides show the trust unconditioned,
//   and no AWS page says Batch Operations sends those keys when it assumes the
//   role; if it does not, no job can run. The documented trust is compliant; a
//   conditioned one gets a note that a pre-production batch job must pass first.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html
//
// The confused-deputy risk of an unconditioned trust is small: only a principal
// with iam:PassRole in this account can give S3 the role (for a bucket's rule or
// a job), and a role cannot be passed across accounts.

import { readDocument, Statement } from "../lib/policy-document";
import { compliant, Decision, defineResourcePolicy, notApplicable, undecided, violation } from "../lib/policy-kit";
import { BATCH_OPERATIONS_SERVICE, S3_SERVICE } from "../lib/roles";
import { Res } from "../lib/stack-index";
import { TYPES } from "../lib/types";
import { UNKNOWN } from "../lib/values";

const SOURCE_KEYS = ["aws:sourceaccount", "aws:sourcearn"];

const trusts = (s: Statement, service: string) => s.effect === "Allow" && (s.principal?.service ?? []).some((p) => typeof p === "string" && p.toLowerCase() === service);

function sourceConditions(s: Statement): { any: boolean } {
    if (s.conditions === UNKNOWN) {
        return { any: false };
    }
    return { any: s.conditions.some((c) => SOURCE_KEYS.includes(c.key)) };
}

/** What AWS documents for each service that assumes an S3 role, and how an unconfirmed condition is proven. */
const DOCUMENTED: Record<string, { what: string; who: string; fails: string; proof: string; source: string }> = {
    [S3_SERVICE]: {
        what: "replication roles",
        who: "S3",
        fails: "nothing replicates",
        proof: "a live replication test",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html",
    },
    [BATCH_OPERATIONS_SERVICE]: {
        what: "Batch Operations roles",
        who: "Batch Operations",
        fails: "no batch job can run",
        proof: "a Batch Operations job",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html",
    },
};

export const replicationTrustSource = defineResourcePolicy({
    name: "s3-transfer-replication-trust-source",
    description:
        "A role that S3 assumes trusts it the way AWS documents it (unconditioned): s3.amazonaws.com for live replication, batchoperations.s3.amazonaws.com for Batch Operations. aws:SourceAccount/aws:SourceArn conditions on those trusts are not confirmed by AWS and get a note to prove them in pre-production (a live replication test, a batch job).",
    enforcementLevel: "advisory",
    severity: "medium",
    types: TYPES.role,
    defaults: {},
    remediationSteps:
        'Trust {"Service": "s3.amazonaws.com"} (replication role) or {"Service": "batchoperations.s3.amazonaws.com"} (Batch Operations role) with "sts:AssumeRole" and no condition, or keep aws:SourceAccount/aws:SourceArn conditions only after a live replication test or a batch job in pre-production passed with them.',
    evaluate(r: Res): Decision[] {
        const trust = readDocument(r.props.assumeRolePolicy);
        if (trust.state === "unknown") {
            return [notApplicable(r.urn, "The trust policy is not known yet.")];
        }
        if (trust.state !== "known") {
            return [notApplicable(r.urn, "The role has no readable trust policy.")];
        }
        const out: Decision[] = [];
        for (const s of trust.statements) {
            const sid = s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
            const service = [S3_SERVICE, BATCH_OPERATIONS_SERVICE].find((name) => trusts(s, name));
            if (!service) {
                continue;
            }
            if (s.conditions === UNKNOWN) {
                out.push(undecided(r.urn, `The conditions of ${sid} of the trust of role "${r.name}" are unknown until apply.`));
                continue;
            }
            const documented = DOCUMENTED[service];
            out.push(
                sourceConditions(s).any
                    ? violation(
                          r.urn,
                          `Role "${r.name}" trusts ${service} (${sid}) only under aws:SourceAccount/aws:SourceArn conditions. AWS documents an unconditioned trust for ${documented.what} and no AWS source says ${documented.who} sends these keys when it assumes the role; if it does not, ${documented.fails}. Prove it with ${documented.proof} in pre-production before production, or trust {"Service": "${service}"} without a condition (${documented.source}).`,
                      )
                    : compliant(r.urn, `Role "${r.name}" trusts ${service} as AWS documents it for ${documented.what}.`),
            );
        }
        return out.length > 0 ? out : [notApplicable(r.urn, "The role is not trusted by s3.amazonaws.com or batchoperations.s3.amazonaws.com.")];
    },
});
