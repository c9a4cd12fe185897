import { bucketPolicyDocs, describe, objectLabel, PAB_FLAGS, PolicyDoc, publicAccessBlockOf, strayPolicyDocs } from "../lib/bucket-settings";
import { isEveryone, pinsPrincipal } from "../lib/policy-document";
import { compliant, Decision, defineStackPolicy, list, undecided, violation } from "../lib/policy-kit";
import { readDocument } from "../lib/policy-document";
import { BucketEntry, Res, StackIndex } from "../lib/stack-index";
import { isRecord, pick, readBool, readList, readObject, readString, UNKNOWN } from "../lib/values";

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
function aclDecisions(r: Res, bucketLabel: string, form: "inline" | "split", refusal = ""): Decision[] {
    const out: Decision[] = [];
    const where = describe(r, form);
    const acl = readString(r.props.acl);
    if (acl === UNKNOWN && form === "split") {
        out.push(undecided(r.urn, `The canned ACL of ${bucketLabel} (${where}) is unknown until apply.`));
    } else if (typeof acl === "string" && PUBLIC_CANNED_ACLS.includes(acl)) {
        out.push(
            violation(
                r.urn,
                `${bucketLabel} gets the public canned ACL "${acl}" (${where}).${refusal} Remove it (use "private" or no ACL) and keep ACLs disabled with BucketOwnershipControls "BucketOwnerEnforced".`,
            ),
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
                    violation(
                        r.urn,
                        `${bucketLabel} grants access to the public group ${uri} (${where}).${refusal} Remove the grant; share with a partner through a bucket policy naming its account or role instead.`,
                    ),
                );
            }
        }
    }
    return out;
}

/** Allow statements open to everyone, unless a condition pins them to an account, organisation or endpoint. */
function statementDecisions(d: PolicyDoc, bucketLabel: string, refusal = "", what = "policy"): Decision[] {
    const out: Decision[] = [];
    const where = describe(d.source, d.form);
    if (d.doc.state === "unknown") {
        out.push(undecided(d.source.urn, `The ${what} document of ${bucketLabel} (${where}) is unknown until apply, so it cannot be checked for public Allow statements.`));
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
                `The ${what} of ${bucketLabel} (${where}) has an Allow ${sid} open to every principal${s.notPrincipal !== undefined ? " (NotPrincipal)" : ""}.${refusal} Name the partner's account or role as the principal, or pin the statement with a condition that AWS requires to hold (StringEquals/ArnLike, not …IfExists or ForAllValues:, with fixed values) on aws:PrincipalAccount, aws:PrincipalOrgID, aws:SourceVpce or, to delegate to access points, s3:DataAccessPointAccount.`,
            ),
        );
    }
    if (out.length === 0) {
        out.push(compliant(d.source.urn, `The ${what} of ${bucketLabel} (${where}) has no public Allow statement.`));
    }
    return out;
}

// With blockPublicAcls, S3 rejects a PUT that carries a public ACL; with
// blockPublicPolicy, a PutBucketPolicy/PutAccessPointPolicy whose policy is public
// (S3 User Guide, access-control-block-public-access, "Block public access settings").
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
const BPA_REFUSES_ACL = " Block Public Access (blockPublicAcls) makes S3 refuse this request at deploy time, so `pulumi up` fails here rather than exposing data.";
const BPA_REFUSES_POLICY = " Block Public Access (blockPublicPolicy) makes S3 refuse this policy at deploy time, so `pulumi up` fails here rather than exposing data.";

/** The Block Public Access flags known to be on for the bucket (its own block, or the account's). */
function pabFlags(index: StackIndex, b: BucketEntry, acceptAccountLevel: boolean): Set<string> {
    const on = new Set<string>();
    const sources = [...b.settings.publicAccessBlock, ...(acceptAccountLevel ? index.accountPublicAccessBlocks : [])];
    for (const r of sources) {
        for (const flag of PAB_FLAGS) {
            if (readBool(r.props[flag]) === true) {
                on.add(flag);
            }
        }
    }
    return on;
}

/** Objects written with a public canned ACL or grant (aws:s3/bucketObject, aws:s3/bucketObjectv2, aws:s3/objectCopy). */
function objectDecisions(index: StackIndex, config: NoPublicAccessConfig): Decision[] {
    const out: Decision[] = [];
    for (const o of index.of("object")) {
        const target = index.resolveBucket(o);
        const label = objectLabel(o, target);
        const flags = target.kind === "bucket" ? pabFlags(index, target.entry, config.acceptAccountLevelBlock) : new Set<string>();
        const decisions = aclDecisions(o, label, "split", flags.has("blockPublicAcls") ? BPA_REFUSES_ACL : "");
        out.push(...(decisions.length > 0 ? decisions : [compliant(o.urn, `${label} carries no public ACL or grant.`)]));
    }
    return out;
}

/**
 * Access points: their own Block Public Access (all four on unless the program
 * turns one off; AWS's default) and their own policies, inline on the access point
 * or as an aws:s3control/accessPointPolicy.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html
 */
function accessPointDecisions(index: StackIndex): Decision[] {
    const out: Decision[] = [];
    const points = index.of("accessPoint");
    const byArn = new Map<string, Res>();
    for (const ap of points) {
        const arn = readString(ap.props.arn);
        if (typeof arn === "string") {
            byArn.set(arn, ap);
        }
    }
    const blocksPolicy = new Map<Res, boolean>();
    for (const ap of points) {
        const name = readString(ap.props.name);
        const label = `access point ${typeof name === "string" ? `"${name}"` : `"${ap.name}"`}`;
        const cfg = readObject(ap.props.publicAccessBlockConfiguration);
        const off: string[] = [];
        if (cfg !== UNKNOWN && cfg !== undefined) {
            for (const flag of PAB_FLAGS) {
                if (readBool(cfg[flag]) === false) {
                    off.push(flag);
                }
            }
        }
        blocksPolicy.set(ap, !off.includes("blockPublicPolicy"));
        if (cfg === UNKNOWN) {
            out.push(undecided(ap.urn, `The Block Public Access settings of ${label} are unknown until apply.`));
        } else if (off.length > 0) {
            out.push(
                violation(
                    ap.urn,
                    `${label} turns off ${list(off)} in its publicAccessBlockConfiguration. Leave all four true (AWS's default for access points; they cannot be changed after creation).`,
                ),
            );
        } else {
            out.push(compliant(ap.urn, `${label} keeps Block Public Access on.`));
        }
        const inline = readDocument(ap.props.policy);
        if (inline.state !== "absent") {
            out.push(...statementDecisions({ doc: inline, source: ap, form: "inline" }, label, blocksPolicy.get(ap) ? BPA_REFUSES_POLICY : "", "access point policy"));
        }
    }
    for (const p of index.of("accessPointPolicy")) {
        const arn = readString(p.props.accessPointArn);
        let ap = typeof arn === "string" ? byArn.get(arn) : undefined;
        if (!ap) {
            const deps = (p.propertyDependencies.accessPointArn ?? []).map((u) => points.find((x) => x.urn === u)).filter((x): x is Res => x !== undefined);
            ap = deps.length === 1 ? deps[0] : undefined;
        }
        if (!ap && typeof arn === "string") {
            // Without a link, by the name the ARN ends in (arn:<partition>:s3:<region>:<account>:accesspoint/<name>):
            // a name is unique per account and region, so one access point of the stack by that name is it.
            const m = /^arn:[^:]+:s3:[^:]*:[^:]*:accesspoint\/([^/]+)$/.exec(arn);
            const named = m ? points.filter((x) => readString(x.props.name) === m[1]) : [];
            ap = named.length === 1 ? named[0] : undefined;
        }
        const label = ap
            ? `access point "${readString(ap.props.name) === UNKNOWN ? ap.name : String(readString(ap.props.name) ?? ap.name)}"`
            : typeof arn === "string"
              ? `access point ${arn}`
              : `the access point of ${describe(p, "split")}`;
        const doc = readDocument(p.props.policy);
        out.push(
            ...statementDecisions(
                { doc: doc.state === "absent" ? { state: "unknown" } : doc, source: p, form: "split" },
                label,
                ap && blocksPolicy.get(ap) ? BPA_REFUSES_POLICY : "",
                "access point policy",
            ),
        );
    }
    return out;
}

export const noPublicAccess = defineStackPolicy<NoPublicAccessConfig>({
    name: "s3-transfer-no-public-access",
    description:
        "Every S3 bucket has Block Public Access with all four settings on (or an account-level block in the stack); no bucket or object (BucketObject, BucketObjectv2) gets a public canned ACL or a grant to AllUsers/AuthenticatedUsers; no access point turns its Block Public Access off; and no bucket or access point policy has an Allow open to every principal unless a condition AWS requires to hold pins it to fixed accounts, organisations, endpoints or the account's access points (s3:DataAccessPointAccount/Arn).",
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
    notApplicableReason: "The stack has no S3 bucket, bucket policy, bucket ACL, object or access point.",
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
                    pab.missing.length === PAB_FLAGS.length && !pab.source ? "has no Block Public Access configuration" : `does not set ${list(pab.missing)} to true${where}`;
                out.push(
                    violation(
                        pab.source?.urn ?? b.res.urn,
                        `${b.label} ${what}. Add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.`,
                    ),
                );
            }
            const flags = pabFlags(index, b, config.acceptAccountLevelBlock);
            const aclRefusal = flags.has("blockPublicAcls") ? BPA_REFUSES_ACL : "";
            out.push(...aclDecisions(b.res, b.label, "inline", aclRefusal));
            for (const acl of b.settings.acl) {
                out.push(...aclDecisions(acl, b.label, "split", aclRefusal));
            }
            for (const d of bucketPolicyDocs(b)) {
                out.push(...statementDecisions(d, b.label, flags.has("blockPublicPolicy") ? BPA_REFUSES_POLICY : ""));
            }
        }
        out.push(...objectDecisions(index, config));
        out.push(...accessPointDecisions(index));
        for (const acl of [...index.external.acl, ...index.unresolved.acl]) {
            out.push(...aclDecisions(acl, `the bucket of ${describe(acl, "split")}`, "split"));
        }
        for (const d of strayPolicyDocs(index)) {
            out.push(...statementDecisions(d, `the bucket of ${describe(d.source, "split")}`));
        }
        return out;
    },
});
