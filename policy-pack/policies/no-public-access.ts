import { bucketPolicyDocs, describe, PAB_FLAGS, PolicyDoc, publicAccessBlockOf, strayPolicyDocs } from "../lib/bucket-settings";
import { isEveryone, pinsPrincipal } from "../lib/policy-document";
import { compliant, Decision, defineStackPolicy, list, undecided, violation } from "../lib/policy-kit";
import { Res, StackIndex } from "../lib/stack-index";
import { isRecord, pick, readList, readObject, readString, UNKNOWN } from "../lib/values";

export const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GROUPS = [/\/groups\/global\/AllUsers$/i, /\/groups\/global\/AuthenticatedUsers$/i];

export interface NoPublicAccessConfig {
    /** Whether an AccountPublicAccessBlock with all four settings in the stack stands in for per-bucket blocks. */
    acceptAccountLevelBlock: boolean;
}

function publicGrantee(uri: unknown): string | undefined {
    const s = readString(uri);
    return typeof s === "string" && PUBLIC_GROUPS.some((g) => g.test(s)) ? s : undefined;
}

/**
 * Canned ACL and grants, on the legacy bucket (inline) or a BucketAcl resource. An
 * unknown inline ACL is the bucket's computed output during preview, not a choice
 * the program made, so only a BucketAcl's unknowns are worth a note.
 */
function aclDecisions(r: Res, bucketLabel: string, form: "inline" | "split"): Decision[] {
    const out: Decision[] = [];
    const where = describe(r, form);
    const acl = readString(r.props.acl);
    if (acl === UNKNOWN && form === "split") {
        out.push(undecided(r.urn, `The canned ACL of ${bucketLabel} (${where}) is unknown until apply.`));
    } else if (typeof acl === "string" && PUBLIC_CANNED_ACLS.includes(acl)) {
        out.push(
            violation(r.urn, `${bucketLabel} gets the public canned ACL "${acl}" (${where}). Remove it (use "private" or no ACL) and keep ACLs disabled with BucketOwnershipControls "BucketOwnerEnforced".`),
        );
    }
    // Legacy inline grants: [{type, uri, permissions}]. BucketAcl: accessControlPolicy.grants[{grantee: {type, uri}, permission}].
    const acp = readObject(r.props.accessControlPolicy);
    const grants = readList(acp && acp !== UNKNOWN ? acp.grants : r.props.grants);
    if (grants === UNKNOWN || acp === UNKNOWN) {
        if (form === "inline") {
            return out;
        }
        out.push(undecided(r.urn, `The ACL grants of ${bucketLabel} (${where}) are unknown until apply.`));
    } else {
        for (const g of grants ?? []) {
            if (!isRecord(g)) {
                continue;
            }
            const grantee = readObject(pick(g, "grantee"));
            const uri = publicGrantee(grantee && grantee !== UNKNOWN ? grantee.uri : g.uri);
            if (uri) {
                out.push(
                    violation(r.urn, `${bucketLabel} grants access to the public group ${uri} (${where}). Remove the grant; share with a partner through a bucket policy naming its account or role instead.`),
                );
            }
        }
    }
    return out;
}

/** Allow statements open to everyone, unless a condition pins them to an account, organisation or endpoint. */
function statementDecisions(d: PolicyDoc, bucketLabel: string): Decision[] {
    const out: Decision[] = [];
    const where = describe(d.source, d.form);
    if (d.doc.state === "unknown") {
        out.push(undecided(d.source.urn, `The policy document of ${bucketLabel} (${where}) is unknown until apply, so it cannot be checked for public Allow statements.`));
        return out;
    }
    if (d.doc.state !== "known") {
        return out;
    }
    for (const s of d.doc.statements) {
        if (s.effect === "Deny") {
            continue;
        }
        const open = isEveryone(s.principal) || s.notPrincipal !== undefined;
        if (!open) {
            continue;
        }
        const sid = s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
        const pinned = pinsPrincipal(s.conditions);
        if (pinned === true) {
            continue;
        }
        if (pinned === UNKNOWN || s.effect === UNKNOWN) {
            out.push(undecided(d.source.urn, `Whether ${sid} of the policy of ${bucketLabel} (${where}) is public depends on values unknown until apply.`));
            continue;
        }
        out.push(
            violation(
                d.source.urn,
                `The policy of ${bucketLabel} (${where}) has an Allow ${sid} open to every principal${s.notPrincipal !== undefined ? " (NotPrincipal)" : ""}. Name the partner's account or role as the principal, or pin the statement with a condition on aws:PrincipalAccount, aws:PrincipalOrgID or aws:SourceVpce.`,
            ),
        );
    }
    if (out.length === 0) {
        out.push(compliant(d.source.urn, `The policy of ${bucketLabel} (${where}) has no public Allow statement.`));
    }
    return out;
}

export const noPublicAccess = defineStackPolicy<NoPublicAccessConfig>({
    name: "s3-transfer-no-public-access",
    description:
        "Every S3 bucket has Block Public Access with all four settings on (or an account-level block in the stack), no public canned ACL or grant to AllUsers/AuthenticatedUsers, and no Allow statement open to every principal unless a condition pins it to an account, organisation or VPC endpoint.",
    enforcementLevel: "mandatory",
    severity: "critical",
    defaults: { acceptAccountLevelBlock: true },
    configSchema: {
        properties: {
            acceptAccountLevelBlock: {
                type: "boolean",
                default: true,
                description: "Accept an aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock with all four settings in the same stack instead of per-bucket blocks.",
            },
        },
    },
    remediationSteps:
        "Add a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets set to true; remove public ACLs and grants; name principals explicitly in Allow statements.",
    notApplicableReason: "The stack has no S3 bucket, bucket policy or bucket ACL.",
    evaluate(index: StackIndex, config: NoPublicAccessConfig): Decision[] {
        const out: Decision[] = [];
        for (const b of index.buckets) {
            const pab = publicAccessBlockOf(index, b, config.acceptAccountLevelBlock);
            if (pab.state === "on") {
                out.push(compliant(b.res.urn, `${b.label} blocks public access (${describe(pab.source, "split")}).`));
            } else if (pab.state === "unknown") {
                out.push(undecided(b.res.urn, `Cannot tell yet whether ${b.label} blocks public access: ${pab.detail}.`));
            } else {
                const where = pab.source ? ` on ${describe(pab.source, "split")}` : "";
                const what =
                    pab.missing.length === PAB_FLAGS.length && !pab.source
                        ? "has no Block Public Access configuration"
                        : `does not set ${list(pab.missing)} to true${where}`;
                out.push(
                    violation(
                        pab.source?.urn ?? b.res.urn,
                        `${b.label} ${what}. Add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.`,
                    ),
                );
            }
            out.push(...aclDecisions(b.res, b.label, "inline"));
            for (const acl of b.settings.acl) {
                out.push(...aclDecisions(acl, b.label, "split"));
            }
            for (const d of bucketPolicyDocs(b)) {
                out.push(...statementDecisions(d, b.label));
            }
        }
        for (const acl of [...index.external.acl, ...index.unresolved.acl]) {
            out.push(...aclDecisions(acl, `the bucket of ${describe(acl, "split")}`, "split"));
        }
        for (const d of strayPolicyDocs(index)) {
            out.push(...statementDecisions(d, `the bucket of ${describe(d.source, "split")}`));
        }
        return out;
    },
});
