import { namesEveryBucket } from "../lib/arns";
import { awsManagedDocument, managedPolicyDataset } from "../lib/managed-policies";
import { Statement } from "../lib/policy-document";
import { compliant, Decision, defineStackPolicy, list, undecided, violation } from "../lib/policy-kit";
import { PermissionDoc, permissionDocs, replicationRoles } from "../lib/roles";
import { StackIndex } from "../lib/stack-index";
import { UNKNOWN } from "../lib/values";

export interface LeastPrivilegeConfig {
    /** Actions (lower-cased match) a replication role must not be granted, beyond `*` and `s3:*`. */
    additionalForbiddenActions: string[];
}

const isS3Action = (a: string) => {
    const l = a.toLowerCase();
    return l === "*" || l.startsWith("s3:");
};

function statementProblems(s: Statement, forbidden: Set<string>): { problems: string[]; pending: boolean } {
    const problems: string[] = [];
    let pending = false;
    if (s.effect === "Deny" || s.effect === undefined) {
        return { problems, pending };
    }
    if (s.effect === UNKNOWN) {
        return { problems, pending: true };
    }
    if (s.notActions !== undefined) {
        problems.push("NotAction grants every action not listed");
    }
    let s3Actions = false;
    if (s.actions === UNKNOWN) {
        pending = true;
    } else {
        const wild = (s.actions ?? []).filter((a): a is string => typeof a === "string" && forbidden.has(a.toLowerCase()));
        if (wild.length > 0) {
            problems.push(`Action ${list(wild)}`);
        }
        s3Actions = (s.actions ?? []).some((a) => typeof a === "string" && isS3Action(a));
        pending = pending || (s.actions ?? []).includes(UNKNOWN);
    }
    if (s.notResources !== undefined && (s3Actions || s.notActions !== undefined)) {
        problems.push("NotResource grants every resource not listed");
    }
    if (s3Actions || s.notActions !== undefined) {
        if (s.resources === UNKNOWN) {
            pending = true;
        } else {
            const all = (s.resources ?? []).filter((r): r is string => typeof r === "string" && namesEveryBucket(r));
            if (all.length > 0) {
                problems.push(`Resource ${list(all)} for S3 actions`);
            }
        }
    }
    return { problems, pending };
}

function judgeDoc(d: PermissionDoc, forbidden: Set<string>): Decision[] {
    if (d.outsideArn !== undefined) {
        const managed = typeof d.outsideArn === "string" ? awsManagedDocument(d.outsideArn) : undefined;
        if (managed === "no-s3") {
            return [compliant(d.source.urn, `${d.label} grants no S3 action (its document in ${managedPolicyDataset()}).`)];
        }
        if (managed === "missing") {
            return [undecided(d.source.urn, `${d.label} is not in ${managedPolicyDataset()}, so its document cannot be judged; update the pack.`)];
        }
        if (managed !== undefined) {
            return judgeDoc({ ...d, outsideArn: undefined, doc: managed, label: `${d.label} (AWS managed; its document in ${managedPolicyDataset()})` }, forbidden);
        }
        return [undecided(d.source.urn, `The content of ${d.label} is not in this stack, so it cannot be checked for wildcards.`)];
    }
    if (d.doc.state === "unknown") {
        return [undecided(d.source.urn, `The document of ${d.label} is unknown until apply.`)];
    }
    if (d.doc.state !== "known") {
        return [];
    }
    const out: Decision[] = [];
    let pending = false;
    for (const s of d.doc.statements) {
        const r = statementProblems(s, forbidden);
        pending = pending || r.pending;
        if (r.problems.length > 0) {
            const sid = s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
            out.push(
                violation(
                    d.source.urn,
                    `${d.label}, ${sid}: ${r.problems.join("; ")}. A replication role needs only s3:GetReplicationConfiguration and s3:ListBucket on the source bucket, s3:GetObjectVersion* on its objects, and s3:Replicate* (plus s3:ObjectOwnerOverrideToBucketOwner across accounts) on the destination objects: list those actions on those ARNs.`,
                ),
            );
        }
    }
    if (out.length === 0) {
        out.push(pending ? undecided(d.source.urn, `Parts of ${d.label} are unknown until apply.`) : compliant(d.source.urn, `${d.label} grants no wildcard.`));
    }
    return out;
}

export const replicationRoleLeastPrivilege = defineStackPolicy<LeastPrivilegeConfig>({
    name: "s3-transfer-replication-role-least-privilege",
    description:
        'IAM roles that S3 assumes for replication (trusted by s3.amazonaws.com or named by a replication configuration) carry no wildcard action (s3:*, *, NotAction) and no Resource "*" for S3 actions, in inline, RolePolicy or attached managed policies.',
    enforcementLevel: "mandatory",
    severity: "high",
    defaults: { additionalForbiddenActions: [] },
    configSchema: {
        properties: {
            additionalForbiddenActions: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: 'More actions to refuse on replication roles, e.g. ["kms:*", "iam:*"].',
            },
        },
    },
    remediationSteps:
        "List the replication actions explicitly: s3:GetReplicationConfiguration and s3:ListBucket on the source bucket ARN; s3:GetObjectVersionForReplication, s3:GetObjectVersionAcl, s3:GetObjectVersionTagging on source/*; s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags, s3:ObjectOwnerOverrideToBucketOwner on destination/*.",
    notApplicableReason: "The stack has no replication role.",
    evaluate(index: StackIndex, config: LeastPrivilegeConfig): Decision[] {
        const forbidden = new Set(["*", "s3:*", ...config.additionalForbiddenActions.map((a) => a.toLowerCase())]);
        const out: Decision[] = [];
        for (const role of replicationRoles(index)) {
            const { inline, managed } = permissionDocs(role);
            for (const d of [...inline, ...managed]) {
                out.push(...judgeDoc(d, forbidden));
            }
            if (inline.length + managed.length === 0) {
                out.push(compliant(role.res.urn, `${role.label} carries no permission policy in this stack.`));
            }
        }
        return out;
    },
});
