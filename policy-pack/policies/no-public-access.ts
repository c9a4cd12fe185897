import { bucketPolicyDocs, describe, objectLabel, PolicyDoc, strayPolicyDocs } from "../lib/bucket-settings";
import { narrowedByKmsKeyId, pinsCaller, PolicyContext } from "../lib/conditions";
import { isEveryone, readDocument } from "../lib/policy-document";
import { compliant, Decision, defineStackPolicy, list, undecided, violation } from "../lib/policy-kit";
import { accessPointLevel, accountLevel, bucketBlock, BucketBlock, combine, Flags, Level, missing, PAB_FLAGS } from "../lib/public-access-block";
import { BucketEntry, Res, StackIndex } from "../lib/stack-index";
import { isNative } from "../lib/types";
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

/** Allow statements open to everyone, unless a condition pins them to fixed callers as S3's definition of "public" reads them. */
function statementDecisions(d: PolicyDoc, bucketLabel: string, refusal = "", what = "policy", context: PolicyContext = "bucket"): Decision[] {
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
        const pinned = pinsCaller(s.conditions, context);
        if (pinned === true) {
            continue;
        }
        if (pinned === UNKNOWN || s.effect === UNKNOWN) {
            out.push(undecided(d.source.urn, `Whether ${sid} of the ${what} of ${bucketLabel} (${where}) is public depends on values unknown until apply.`));
            continue;
        }
        const pins =
            context === "access-point"
                ? "aws:PrincipalAccount, aws:PrincipalOrgID or aws:SourceVpce (in an access point's own policy, s3:DataAccessPointAccount and s3:DataAccessPointArn restrict no caller: every request through it carries them)"
                : "aws:PrincipalAccount, aws:PrincipalOrgID, aws:SourceVpce or, to delegate to access points, s3:DataAccessPointAccount";
        // Block Public Access acts only on what S3 itself calls public; some of S3's documentation counts a
        // fixed KMS key ID as non-public (conditions.ts, KMS_KEY_ID), so no refusal is promised for it.
        const kmsOnly = narrowedByKmsKeyId(s.conditions);
        const why = kmsOnly
            ? ` It is narrowed only by a fixed s3:x-amz-server-side-encryption-aws-kms-key-id, which fixes the key an upload asks for, not who uploads: anyone the KMS key's own policy lets encrypt with it may write. AWS's documentation disagrees on whether S3 counts that key as non-public (the S3 API reference's PublicAccessBlockConfiguration and the User Guide until 2023 list it, the current User Guide does not), so Block Public Access may neither refuse nor restrict this statement.`
            : refusal;
        out.push(
            violation(
                d.source.urn,
                `The ${what} of ${bucketLabel} (${where}) has an Allow ${sid} open to every principal${s.notPrincipal !== undefined ? " (NotPrincipal)" : ""}.${why} Name the partner's account or role as the principal, or pin the statement with a condition that AWS requires to hold (StringEquals/ArnLike, not …IfExists or ForAllValues:, with fixed values; an aws:SourceIp range no wider than /8 for IPv4 or /32 for IPv6) on ${pins} (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status).`,
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

const refusesAcl = (flags: Flags) => (flags.blockPublicAcls === true ? BPA_REFUSES_ACL : "");
const refusesPolicy = (flags: Flags) => (flags.blockPublicPolicy === true ? BPA_REFUSES_POLICY : "");

/** The flags in force for a bucket of the stack (its own block and, when accepted, its account's). */
const blockOnce = (index: StackIndex, config: NoPublicAccessConfig) => {
    const found = new Map<BucketEntry, BucketBlock>();
    return (b: BucketEntry): BucketBlock => {
        let block = found.get(b);
        if (!block) {
            block = bucketBlock(index, b, config.acceptAccountLevelBlock);
            found.set(b, block);
        }
        return block;
    };
};

/** What each level of a bucket's block leaves a flag at, for a message. */
function levelsSay(block: BucketBlock, flags: string[]): string {
    const say = (l: Level | undefined, what: string) => {
        if (!l) {
            return undefined;
        }
        const off = flags.filter((f) => l.flags[f as keyof Flags] === false);
        return off.length > 0 ? `${what} (${l.sources.map((r) => describe(r, "split")).join(", ")}) leaves ${list(off)} off` : undefined;
    };
    const parts = [
        block.bucket ? say(block.bucket, "its own block") : "it has no block of its own",
        block.account ? say(block.account, `the account-level block for ${block.account.account.label}`) : undefined,
        ...block.elsewhere,
    ].filter((p): p is string => p !== undefined);
    return parts.join("; ");
}

function bucketBlockDecision(b: BucketEntry, block: BucketBlock, config: NoPublicAccessConfig): Decision {
    const off = missing(block.effective);
    const source = block.bucket?.sources[0];
    const fix = isNative(b.res.type)
        ? "Set publicAccessBlockConfiguration on the aws-native s3.Bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true"
        : "Add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true";
    const accountFix = config.acceptAccountLevelBlock ? ", or an aws.s3.AccountPublicAccessBlock for its account, through the same provider" : "";
    if (off.length > 0) {
        const none = !block.bucket && !block.account;
        const what =
            none && off.length === PAB_FLAGS.length
                ? "has no Block Public Access configuration"
                : `does not block public access with ${list(off)} at any level: ${levelsSay(block, off)}`;
        const why = block.elsewhere.length > 0 && none ? ` (${block.elsewhere.join("; ")})` : "";
        return violation(
            source?.urn ?? b.res.urn,
            `${b.label} ${what}${why}. S3 applies the most restrictive combination of the account's and the bucket's settings, so each flag must be on at one of them. ${fix}${accountFix} (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).`,
        );
    }
    const open = missing(block.effective, true);
    if (open.length > 0) {
        const pending = [block.bucket?.pending, block.account?.pending].filter((p): p is string => p !== undefined);
        return undecided(b.res.urn, `Cannot tell yet whether ${b.label} blocks public access with ${list(open)}: ${pending.join("; ") || "a setting is unknown until apply"}.`);
    }
    const by = [
        block.bucket ? block.bucket.sources.map((r) => describe(r, "split")).join(", ") : undefined,
        block.account ? `the account-level ${block.account.sources.map((r) => describe(r, "split")).join(", ")}` : undefined,
    ]
        .filter((p) => p !== undefined)
        .join(" and ");
    return compliant(b.res.urn, `${b.label} blocks public access (${by}).`);
}

/** Objects written with a public canned ACL or grant (aws:s3/bucketObject, aws:s3/bucketObjectv2, aws:s3/objectCopy). */
function objectDecisions(index: StackIndex, blockOf: (b: BucketEntry) => BucketBlock): Decision[] {
    const out: Decision[] = [];
    for (const o of index.of("object")) {
        const target = index.resolveBucket(o);
        const label = objectLabel(o, target);
        const decisions = aclDecisions(o, label, "split", target.kind === "bucket" ? refusesAcl(blockOf(target.entry).effective) : "");
        out.push(...(decisions.length > 0 ? decisions : [compliant(o.urn, `${label} carries no public ACL or grant.`)]));
    }
    return out;
}

/** Where an access point takes its requests from: a VPC (never public), the Internet, or not known yet. */
function networkOrigin(ap: Res): "vpc" | "internet" | typeof UNKNOWN {
    const vpc = readObject(ap.props.vpcConfiguration);
    if (vpc === UNKNOWN) {
        return UNKNOWN;
    }
    return vpc !== undefined && readString(vpc.vpcId) !== undefined ? "vpc" : "internet";
}

const pointLabel = (r: Res, name: unknown, what: string) => {
    const n = readString(name);
    return `${what} ${typeof n === "string" ? `"${n}"` : `"${r.name}"`}`;
};

/** The flags in force for requests through an access point: its own, its bucket's and both owners' accounts'. */
function pointFlags(index: StackIndex, own: Level, owner: Res, buckets: BucketBlock[], config: NoPublicAccessConfig): { flags: Flags; levels: string } {
    const ownerAccount = config.acceptAccountLevelBlock ? accountLevel(index, index.accountOf(owner, "accountId")).level : undefined;
    const flags = combine(own, ownerAccount);
    // A flag of the buckets holds for the access point when it holds for every bucket it may route to.
    for (const flag of PAB_FLAGS) {
        if (flags[flag] !== true && buckets.length > 0) {
            const all = buckets.map((b) => b.effective[flag]);
            if (all.every((v) => v === true)) {
                flags[flag] = true;
            } else if (flags[flag] === false && all.some((v) => v === UNKNOWN) && !all.includes(false)) {
                flags[flag] = UNKNOWN;
            }
        }
    }
    const levels = [
        `its own block`,
        buckets.length > 0 ? (buckets.length > 1 ? "its buckets'" : "its bucket's") : "no bucket of this stack",
        ownerAccount ? "its account's" : undefined,
    ].filter((l) => l !== undefined);
    return { flags, levels: levels.join(", ") };
}

function pointBlockDecision(r: Res, label: string, flags: Flags, levels: string, fix: string): Decision {
    const off = missing(flags);
    if (off.length > 0) {
        return violation(
            r.urn,
            `${label} turns off ${list(off)}, and no other level that applies to requests through it (${levels}) sets ${off.length > 1 ? "them" : "it"}. ${fix} (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html).`,
        );
    }
    const open = missing(flags, true);
    if (open.length > 0) {
        return undecided(r.urn, `Cannot tell yet whether ${label} blocks public access with ${list(open)}: a setting it depends on is unknown until apply.`);
    }
    return compliant(r.urn, `${label} blocks public access (${levels}).`);
}

/** An access point policy, or a Multi-Region Access Point's: judged like a bucket's, in the access point's own context. */
function pointPolicyDecisions(d: PolicyDoc, label: string, origin: "vpc" | "internet" | typeof UNKNOWN, flags: Flags | undefined, what: string): Decision[] {
    if (origin === "vpc") {
        return [
            compliant(
                d.source.urn,
                `${label} takes requests from a VPC only, which S3 never considers public, whatever its policy says (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status-access-points).`,
            ),
        ];
    }
    const decisions = statementDecisions(d, label, flags ? refusesPolicy(flags) : "", what, "access-point");
    if (origin === UNKNOWN) {
        // A VPC origin would make it non-public: a public statement is undecided until the origin is known.
        return decisions.map((x) => (x.outcome === "violation" ? undecided(x.urn, `${x.message} (Unless its VPC configuration, unknown until apply, makes it VPC-only.)`) : x));
    }
    return decisions;
}

/**
 * Access points (classic and aws-native): their Block Public Access combined with
 * their bucket's and the accounts', and their own policies, inline or as an
 * aws:s3control/accessPointPolicy; one whose network origin is a VPC is never public.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html
 */
function accessPointDecisions(index: StackIndex, blockOf: (b: BucketEntry) => BucketBlock, config: NoPublicAccessConfig): Decision[] {
    const out: Decision[] = [];
    const points = index.of("accessPoint");
    const byArn = new Map<string, Res>();
    const byUrn = new Map<string, Res>();
    const byName = new Map<string, Res[]>();
    for (const ap of points) {
        byUrn.set(ap.urn, ap);
        const arn = readString(ap.props.arn);
        if (typeof arn === "string") {
            byArn.set(arn, ap);
        }
        const name = readString(ap.props.name);
        if (typeof name === "string") {
            byName.set(name, [...(byName.get(name) ?? []), ap]);
        }
    }
    const seen = new Map<Res, { flags: Flags; origin: "vpc" | "internet" | typeof UNKNOWN; label: string }>();
    for (const ap of points) {
        const label = pointLabel(ap, ap.props.name, "access point");
        const target = index.resolveBucket(ap);
        const buckets = target.kind === "bucket" ? [blockOf(target.entry)] : [];
        const origin = networkOrigin(ap);
        const { flags, levels } = pointFlags(index, accessPointLevel(ap, ap.props.publicAccessBlockConfiguration), ap, buckets, config);
        seen.set(ap, { flags, origin, label });
        if (origin === "vpc") {
            out.push(compliant(ap.urn, `${label} takes requests from a VPC only, which S3 never considers public.`));
        } else {
            const fix = isNative(ap.type)
                ? "Leave its publicAccessBlockConfiguration out (all four on by default) or set all four true; they cannot be changed after creation"
                : "Leave its publicAccessBlockConfiguration flags true (AWS's default for access points; they cannot be changed after creation)";
            const d = pointBlockDecision(ap, label, flags, levels, `${fix}, or block public access on its bucket${target.kind === "bucket" ? "" : " (not in this stack)"}`);
            out.push(
                origin === UNKNOWN && d.outcome === "violation" ? undecided(d.urn, `${d.message} (Unless its VPC configuration, unknown until apply, makes it VPC-only.)`) : d,
            );
        }
        const inline = readDocument(ap.props.policy);
        if (inline.state !== "absent") {
            out.push(...pointPolicyDecisions({ doc: inline, source: ap, form: "inline" }, label, origin, flags, "access point policy"));
        }
    }
    for (const p of index.of("accessPointPolicy")) {
        const arn = readString(p.props.accessPointArn);
        let ap = typeof arn === "string" ? byArn.get(arn) : undefined;
        if (!ap) {
            const deps = (p.propertyDependencies.accessPointArn ?? []).map((u) => byUrn.get(u)).filter((x): x is Res => x !== undefined);
            ap = deps.length === 1 ? deps[0] : undefined;
        }
        if (!ap && typeof arn === "string") {
            // Without a link, by the name the ARN ends in (arn:<partition>:s3:<region>:<account>:accesspoint/<name>):
            // a name is unique per account and region, so one access point of the stack by that name is it.
            const m = /^arn:[^:]+:s3:[^:]*:[^:]*:accesspoint\/([^/]+)$/.exec(arn);
            const named = m ? (byName.get(m[1]) ?? []) : [];
            ap = named.length === 1 ? named[0] : undefined;
        }
        const known = ap ? seen.get(ap) : undefined;
        const label = known ? known.label : typeof arn === "string" ? `access point ${arn}` : `the access point of ${describe(p, "split")}`;
        const doc = readDocument(p.props.policy);
        out.push(
            ...pointPolicyDecisions(
                { doc: doc.state === "absent" ? { state: "unknown" } : doc, source: p, form: "split" },
                label,
                known ? known.origin : "internet",
                known?.flags,
                "access point policy",
            ),
        );
    }
    return out;
}

/**
 * Multi-Region Access Points (classic aws:s3control and aws-native): their own
 * Block Public Access (all four on by default, fixed at creation) combined with
 * their account's and their buckets', and their policies, judged like access
 * point policies. Their requests come from the Internet.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/multi-region-access-point-block-public-access.html
 */
function multiRegionDecisions(index: StackIndex, blockOf: (b: BucketEntry) => BucketBlock, config: NoPublicAccessConfig): Decision[] {
    const out: Decision[] = [];
    const byName = new Map<string, { flags: Flags; label: string }>();
    for (const m of index.of("multiRegionAccessPoint")) {
        const details = readObject(m.props.details);
        const d = details === UNKNOWN || details === undefined ? {} : details;
        const label = pointLabel(m, d.name, "Multi-Region Access Point");
        const regions = readList(d.regions);
        const buckets: BucketBlock[] = [];
        for (const region of Array.isArray(regions) ? regions : []) {
            const bucket = isRecord(region) ? readString(region.bucket) : undefined;
            const entry = typeof bucket === "string" ? index.bucketByRef(bucket) : undefined;
            if (entry) {
                buckets.push(blockOf(entry));
            }
        }
        const own = details === UNKNOWN ? accessPointLevel(m, UNKNOWN) : accessPointLevel(m, d.publicAccessBlock);
        const { flags, levels } = pointFlags(index, own, m, buckets, config);
        const name = readString(d.name);
        if (typeof name === "string") {
            byName.set(name, { flags, label });
        }
        const fix = isNative(m.type) ? "Leave its publicAccessBlockConfiguration out or set all four true" : "Leave details.publicAccessBlock out or its four flags true";
        out.push(pointBlockDecision(m, label, flags, levels, `${fix} (AWS's default; fixed at creation), or block public access on its buckets`));
    }
    for (const p of index.of("multiRegionAccessPointPolicy")) {
        const details = readObject(p.props.details);
        const name = details && details !== UNKNOWN ? readString(details.name) : undefined;
        const known = typeof name === "string" ? byName.get(name) : undefined;
        const label = known?.label ?? (typeof name === "string" ? `Multi-Region Access Point "${name}"` : `the Multi-Region Access Point of ${describe(p, "split")}`);
        const doc = readDocument(details && details !== UNKNOWN ? details.policy : details);
        out.push(
            ...pointPolicyDecisions(
                { doc: doc.state === "absent" ? { state: "unknown" } : doc, source: p, form: "split" },
                label,
                "internet",
                known?.flags,
                "Multi-Region Access Point policy",
            ),
        );
    }
    return out;
}

export const noPublicAccess = defineStackPolicy<NoPublicAccessConfig>({
    name: "s3-transfer-no-public-access",
    description:
        "Every S3 bucket blocks public access with all four Block Public Access settings, at the bucket or for its account (S3 applies the most restrictive combination; an account-level block counts for the account its provider deploys to); no bucket or object gets a public canned ACL or a grant to AllUsers/AuthenticatedUsers; no access point or Multi-Region Access Point leaves a setting off that no other level sets; and no bucket, access point or Multi-Region Access Point policy is public as S3 defines it: an Allow to every principal not pinned to fixed values of the keys S3 accepts (a VPC-origin access point is never public).",
    enforcementLevel: "mandatory",
    severity: "critical",
    defaults: { acceptAccountLevelBlock: true },
    configSchema: {
        properties: {
            acceptAccountLevelBlock: {
                type: "boolean",
                default: true,
                description: "Count an AccountPublicAccessBlock of the program for the same account (decided from the providers) towards each bucket's Block Public Access.",
            },
        },
    },
    remediationSteps:
        "Block public access on each bucket (aws.s3.BucketPublicAccessBlock, or publicAccessBlockConfiguration on an aws-native bucket) or for its account with all four settings true; remove public ACLs and grants; name principals explicitly in Allow statements.",
    notApplicableReason: "The stack has no S3 bucket, bucket policy, bucket ACL, object, access point or Multi-Region Access Point.",
    evaluate(index: StackIndex, config: NoPublicAccessConfig): Decision[] {
        const out: Decision[] = [];
        const blockOf = blockOnce(index, config);
        for (const b of index.buckets) {
            const block = blockOf(b);
            out.push(bucketBlockDecision(b, block, config));
            const aclRefusal = refusesAcl(block.effective);
            out.push(...aclDecisions(b.res, b.label, "inline", aclRefusal));
            for (const acl of b.settings.acl) {
                out.push(...aclDecisions(acl, b.label, "split", aclRefusal));
            }
            for (const d of bucketPolicyDocs(b)) {
                out.push(...statementDecisions(d, b.label, refusesPolicy(block.effective)));
            }
        }
        out.push(...objectDecisions(index, blockOf));
        out.push(...accessPointDecisions(index, blockOf, config));
        out.push(...multiRegionDecisions(index, blockOf, config));
        for (const acl of [...index.external.acl, ...index.unresolved.acl]) {
            out.push(...aclDecisions(acl, `the bucket of ${describe(acl, "split")}`, "split"));
        }
        for (const d of strayPolicyDocs(index)) {
            out.push(...statementDecisions(d, `the bucket of ${describe(d.source, "split")}`));
        }
        return out;
    },
});
