import { describe, ownershipOf } from "../lib/bucket-settings";
import { compliant, Decision, defineStackPolicy, notApplicable, undecided, violation } from "../lib/policy-kit";
import { Res, StackIndex } from "../lib/stack-index";
import { isRecord, pick, readList, readObject, readString, UNKNOWN } from "../lib/values";

export interface AclsDisabledConfig {
    /** Report buckets that rely on the AWS default instead of declaring BucketOwnerEnforced. */
    requireExplicitOwnershipControls: boolean;
}

/** Grants that only work with ACLs enabled: to groups or by e-mail (the owner's own grant is always there). */
function aclUse(r: Res, form: "inline" | "split"): string | undefined {
    const acl = readString(r.props.acl);
    if (typeof acl === "string" && acl !== "private") {
        return `canned ACL "${acl}" (${describe(r, form)})`;
    }
    const acp = readObject(r.props.accessControlPolicy);
    const grants = readList(acp && acp !== UNKNOWN ? acp.grants : r.props.grants);
    if (Array.isArray(grants)) {
        for (const g of grants) {
            if (!isRecord(g)) {
                continue;
            }
            const grantee = readObject(pick(g, "grantee"));
            const type = readString(grantee && grantee !== UNKNOWN ? grantee.type : g.type);
            if (type === "Group" || type === "AmazonCustomerByEmail") {
                return `an ACL grant to a ${type === "Group" ? "group" : "user by e-mail"} (${describe(r, form)})`;
            }
        }
    }
    return undefined;
}

export const aclsDisabled = defineStackPolicy<AclsDisabledConfig>({
    name: "s3-transfer-acls-disabled",
    description:
        "Every S3 bucket disables ACLs (BucketOwnershipControls objectOwnership BucketOwnerEnforced) and sets no ACL, so the bucket owner owns every object and access is governed by policies alone.",
    enforcementLevel: "advisory",
    severity: "medium",
    defaults: { requireExplicitOwnershipControls: true },
    configSchema: {
        properties: {
            requireExplicitOwnershipControls: {
                type: "boolean",
                default: true,
                description:
                    "New buckets default to BucketOwnerEnforced since April 2023, but imported and older buckets do not: require the setting in code. Set false to accept the default.",
            },
        },
    },
    remediationSteps: 'Add an aws.s3.BucketOwnershipControls with rule: { objectOwnership: "BucketOwnerEnforced" } and remove BucketAcl resources and acl/grants.',
    notApplicableReason: "The stack has no S3 bucket.",
    evaluate(index: StackIndex, config: AclsDisabledConfig): Decision[] {
        const out: Decision[] = [];
        for (const b of index.buckets) {
            const uses = [aclUse(b.res, "inline"), ...b.settings.acl.map((a) => aclUse(a, "split"))].filter((u): u is string => u !== undefined);
            for (const u of uses) {
                out.push(violation(b.res.urn, `${b.label} uses ${u}, which needs ACLs enabled. Remove it and grant access through the bucket policy instead.`));
            }
            const o = ownershipOf(index, b);
            if (o.state === "unknown") {
                out.push(undecided(b.res.urn, `Cannot tell yet whether ${b.label} disables ACLs: ${o.detail}.`));
            } else if (o.state === "set" && o.value === "BucketOwnerEnforced") {
                out.push(compliant(b.res.urn, `${b.label} disables ACLs.`));
            } else if (o.state === "set") {
                out.push(
                    violation(
                        o.source.urn,
                        `${b.label} keeps ACLs enabled (objectOwnership "${o.value}" on ${describe(o.source, "split")}). Set objectOwnership to "BucketOwnerEnforced"; replicated objects then belong to this bucket's owner.`,
                    ),
                );
            } else if (config.requireExplicitOwnershipControls) {
                out.push(
                    violation(
                        b.res.urn,
                        `${b.label} does not declare object ownership. Add an aws.s3.BucketOwnershipControls with rule: { objectOwnership: "BucketOwnerEnforced" } so ACLs stay disabled even on an imported or older bucket.`,
                    ),
                );
            } else {
                out.push(notApplicable(b.res.urn, `${b.label} relies on the AWS default object ownership.`));
            }
        }
        return out;
    },
});
