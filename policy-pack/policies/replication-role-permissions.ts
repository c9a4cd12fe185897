// The permissions a replication rule's own settings require of its role (S3 User
// Guide): without them S3 accepts the configuration and then fails those objects
// (replication status FAILED), so the transfer breaks silently.
//
// - every rule: s3:GetReplicationConfiguration on the source bucket,
//   s3:GetObjectVersionForReplication on its objects, s3:ReplicateObject on the
//   destination's: https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
// - delete marker replication: s3:ReplicateDelete (same page)
// - owner override (accessControlTranslation owner Destination):
//   s3:ObjectOwnerOverrideToBucketOwner: https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-change-owner.html
// - SSE-KMS objects: kms:Decrypt on the source key, kms:Encrypt on the replica key,
//   and, with S3 Bucket Keys (which replicas keep from the source), kms:Decrypt on
//   the replica key too: https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
//
// The check finds only what no Allow statement of the role names at all (IAM's
// implicit deny, lib/grants.ts); whether a named grant holds under its conditions
// is left to the program's access matrix (iam-simulate) and a live test.

import { bucketNameFromRef } from "../lib/arns";
import { describe, encryptionOf, KMS_ALGORITHMS, objectLockOf } from "../lib/bucket-settings";
import { Listed, listsActionOnAll } from "../lib/grants";
import { awsManagedDocument } from "../lib/managed-policies";
import type { DocumentState } from "../lib/policy-document";
import { compliant, Decision, defineStackPolicy, list, notApplicable, undecided, violation } from "../lib/policy-kit";
import { destinationCandidates, ReplicationConfig, ReplicationRule, replicationConfigs } from "../lib/replication";
import { pinsCaller } from "../lib/conditions";
import { globMatch } from "../lib/glob";
import { readDocument, Statement } from "../lib/policy-document";
import { permissionDocs, roleOfConfig, S3_SERVICE } from "../lib/roles";
import { RoleEntry, StackIndex } from "../lib/stack-index";
import { accountOfArn, Read, UNKNOWN } from "../lib/values";

interface Need {
    action: string;
    /** The resource ARN, when it is known and IAM authorises on it. */
    resource?: string;
    /**
     * ARNs that must all be granted (two objects under the rule's prefix, with no
     * character in common after it), so that a grant counts only if it covers
     * every object the rule replicates; `resource` says what they stand for.
     */
    probes?: string[];
    why: string;
    /** The replication failure reason the objects fail with without it, where AWS documents one. */
    failure?: string;
}

/** Two object ARNs under a prefix that only a grant of every object below it matches both of. */
function objectProbes(partition: string, bucket: string, prefix: string): string[] {
    return [`arn:${partition}:s3:::${bucket}/${prefix}a`, `arn:${partition}:s3:::${bucket}/${prefix}9.0-1/x`];
}

const isKeyArn = (k: string) => /^arn:[^:]+:kms:[^:]*:\d{12}:key\//.test(k);

/** The role's documents, with AWS managed policies read from the shipped table for S3 actions. */
function docsFor(role: RoleEntry, action: string): DocumentState[] {
    const { inline, managed } = permissionDocs(role);
    const out: DocumentState[] = inline.map((d) => d.doc);
    for (const d of managed) {
        if (d.outsideArn === undefined) {
            out.push(d.doc);
            continue;
        }
        const m = typeof d.outsideArn === "string" ? awsManagedDocument(d.outsideArn) : undefined;
        if (m === "no-s3" && action.startsWith("s3:")) {
            continue;
        }
        // The table keeps S3 statements only: for other actions the document is not known.
        out.push(m !== undefined && m !== "missing" && m !== "no-s3" && action.startsWith("s3:") ? m : { state: "unknown" });
    }
    return out;
}

function needsOf(index: StackIndex, cfg: ReplicationConfig, rule: ReplicationRule): { needs: Need[]; open: string[] } {
    // The bucket's own partition: an ARN of another partition never matches it.
    const partition = index.partition();
    const sourceName = cfg.bucket && typeof cfg.bucket.name === "string" ? cfg.bucket.name : undefined;
    const destName = typeof rule.destinationBucket === "string" ? bucketNameFromRef(rule.destinationBucket) : undefined;
    const prefix = typeof rule.prefix === "string" ? rule.prefix : undefined;
    const open: string[] = [];
    if (rule.prefix === UNKNOWN) {
        open.push("the rule's filter prefix");
    }
    // setting-repl-config-perm-overview: the role reads the source objects and
    // writes the destination's, under the keys the rule's filter selects.
    const sourceObjects = (why: string): Partial<Need> =>
        sourceName !== undefined && prefix !== undefined
            ? { resource: `arn:${partition}:s3:::${sourceName}/${prefix}*`, probes: objectProbes(partition, sourceName, prefix), why }
            : { why };
    const destObjects = (why: string): Partial<Need> =>
        destName !== undefined && prefix !== undefined
            ? { resource: `arn:${partition}:s3:::${destName}/${prefix}*`, probes: objectProbes(partition, destName, prefix), why }
            : { why };
    const needs: Need[] = [
        { action: "s3:GetReplicationConfiguration", resource: sourceName ? `arn:${partition}:s3:::${sourceName}` : undefined, why: "to read the replication configuration" },
        { action: "s3:GetObjectVersionForReplication", ...sourceObjects("to read the source objects"), failure: "SrcGetObjectNotPermitted" } as Need,
        { action: "s3:ReplicateObject", ...destObjects("to write the replicas"), failure: "DstPutObjectNotPermitted" } as Need,
    ];
    if (rule.deleteMarkers === true) {
        needs.push({ action: "s3:ReplicateDelete", ...destObjects("because the rule replicates delete markers"), failure: "DstDelObjNotPermitted" } as Need);
    } else if (rule.deleteMarkers === UNKNOWN) {
        open.push("whether the rule replicates delete markers");
    }
    if (rule.owner === "Destination") {
        needs.push({
            action: "s3:ObjectOwnerOverrideToBucketOwner",
            ...destObjects("because the rule hands ownership to the destination"),
            failure: "DstPutObjectNotPermitted",
        } as Need);
    } else if (rule.owner === UNKNOWN) {
        open.push("the rule's owner override");
    }
    // replication-requirements: "You must grant two new permissions on the source S3 bucket ...
    // s3:GetObjectRetention and s3:GetObjectLegalHold" when the source has Object Lock.
    const lock = cfg.bucket ? objectLockOf(cfg.bucket) : undefined;
    if (lock === true) {
        needs.push({ action: "s3:GetObjectRetention", ...sourceObjects("because the source bucket has Object Lock"), failure: "SrcGetRetentionNotPermitted" } as Need);
        needs.push({ action: "s3:GetObjectLegalHold", ...sourceObjects("because the source bucket has Object Lock"), failure: "SrcGetLegalHoldNotPermitted" } as Need);
    } else if (lock === UNKNOWN) {
        open.push("whether the source bucket has Object Lock (which requires s3:GetObjectRetention and s3:GetObjectLegalHold)");
    }
    const source = cfg.bucket ? encryptionOf(index, cfg.bucket) : undefined;
    if (typeof rule.replicaKmsKeyId === "string") {
        const key = rule.replicaKmsKeyId;
        const resource = isKeyArn(key) ? key : undefined;
        needs.push({ action: "kms:Encrypt", resource, why: `to encrypt replicas with the replica key ${key}`, failure: "DstPutObjectNotPermitted" });
        // Replicas keep the source's Bucket Key setting; a destination bucket in the stack may set its own.
        const dests = destinationCandidates(index, cfg, rule);
        let bucketKeys: Read<boolean> = source?.state === "set" ? source.bucketKeys : source?.state === "unknown" ? UNKNOWN : undefined;
        for (const d of dests) {
            const e = encryptionOf(index, d);
            if (e.state === "set" && e.bucketKeys === true) {
                bucketKeys = true;
            }
        }
        if (bucketKeys === true) {
            needs.push({ action: "kms:Decrypt", resource, why: `because S3 Bucket Keys are on, so replication also decrypts with the replica key ${key}` });
        } else if (bucketKeys === UNKNOWN) {
            open.push("whether S3 Bucket Keys are on (they require kms:Decrypt on the replica key)");
        }
    } else if (rule.replicaKmsKeyId === UNKNOWN) {
        open.push("the replica key");
    }
    let sourceKms: Read<boolean> = rule.sseKmsObjects;
    if (source?.state === "set" && source.algorithms.some((a) => KMS_ALGORITHMS.includes(a))) {
        sourceKms = sourceKms === UNKNOWN ? UNKNOWN : true;
    }
    if (sourceKms === true) {
        const keys = source?.state === "set" ? source.kmsKeyIds.filter((k): k is string => typeof k === "string") : [];
        const arns = keys.filter(isKeyArn);
        if (arns.length > 0) {
            for (const k of arns) {
                needs.push({ action: "kms:Decrypt", resource: k, why: `to read SSE-KMS source objects encrypted with ${k}` });
            }
        } else {
            needs.push({ action: "kms:Decrypt", why: "to read SSE-KMS source objects" });
        }
    } else if (sourceKms === UNKNOWN) {
        open.push("whether the source objects are SSE-KMS encrypted");
    }
    return { needs, open };
}

/** Does the statement allow sts:AssumeRole (by name, wildcard or NotAction)? */
function allowsAssumeRole(s: Statement): boolean | typeof UNKNOWN {
    if (s.effect !== "Allow") {
        return s.effect === UNKNOWN ? UNKNOWN : false;
    }
    const hit = (list: unknown[]) => list.some((a) => typeof a === "string" && globMatch(a.toLowerCase(), "sts:assumerole"));
    if (s.notActions !== undefined) {
        return s.notActions === UNKNOWN ? UNKNOWN : !hit(s.notActions);
    }
    if (s.actions === UNKNOWN) {
        return UNKNOWN;
    }
    return hit(s.actions ?? []) ? true : (s.actions ?? []).includes(UNKNOWN) ? UNKNOWN : false;
}

/**
 * The role's trust, as the rule needs it: S3 must be able to assume it
 * (s3.amazonaws.com, sts:AssumeRole: setting-repl-config-perm-overview), and no
 * one else without a condition: a trust to `*` not pinned by a condition, or to
 * another account with no condition at all, lets that caller take the role and
 * read every source object and write the destination's.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
function trustDecision(role: RoleEntry, ownAccount: string | undefined, where: string): Decision | undefined {
    const trust = readDocument(role.res.props.assumeRolePolicy);
    if (trust.state === "unknown") {
        return undecided(role.res.urn, `The trust policy of ${role.label} is unknown until apply, so whether S3 can assume it for ${where} is open.`);
    }
    if (trust.state !== "known") {
        return violation(
            role.res.urn,
            `${role.label}, the role of ${where}, has no readable trust policy, so S3 cannot assume it. Trust {"Service": "s3.amazonaws.com"} with "sts:AssumeRole".`,
        );
    }
    let s3: boolean | typeof UNKNOWN = false;
    const open: string[] = [];
    for (const s of trust.statements) {
        const assume = allowsAssumeRole(s);
        if (assume === false) {
            continue;
        }
        const sid = s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
        const services = s.principal?.service ?? [];
        if (services.some((p) => typeof p === "string" && p.toLowerCase() === S3_SERVICE)) {
            s3 = assume === true ? true : s3 === true ? true : UNKNOWN;
        } else if (services.includes(UNKNOWN) || s.principal?.unknown) {
            s3 = s3 === true ? true : UNKNOWN;
        }
        if (assume !== true) {
            continue;
        }
        if (s.notPrincipal !== undefined || s.principal?.wildcard) {
            if (pinsCaller(s.conditions) === false) {
                open.push(`${sid} lets any principal assume it${s.notPrincipal !== undefined ? " (NotPrincipal)" : ""}`);
            }
            continue;
        }
        if (ownAccount === undefined || s.conditions === UNKNOWN || s.conditions.length > 0) {
            continue;
        }
        for (const p of s.principal?.aws ?? []) {
            const account = typeof p !== "string" ? undefined : /^\d{12}$/.test(p) ? p : accountOfArn(p);
            if (account !== undefined && account !== ownAccount) {
                open.push(`${sid} lets account ${account} assume it without any condition`);
            }
        }
    }
    if (open.length > 0) {
        return violation(
            role.res.urn,
            `${role.label}, the role of ${where}, can be assumed by others: ${open.join("; ")}. Whoever assumes it reads every source object and writes the destination's.${s3 === false ? " It does not trust s3.amazonaws.com either, so S3 cannot assume it." : ""} Trust only {"Service": "s3.amazonaws.com"} for a replication role.`,
        );
    }
    if (s3 === false) {
        return violation(
            role.res.urn,
            `${role.label}, the role of ${where}, does not trust s3.amazonaws.com for sts:AssumeRole, so S3 cannot assume it and every object fails with AssumeRoleNotPermitted. Add {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"} to its trust policy (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html).`,
        );
    }
    if (s3 === UNKNOWN) {
        return undecided(role.res.urn, `Whether ${role.label} trusts s3.amazonaws.com for ${where} depends on values unknown until apply.`);
    }
    return undefined;
}

export const replicationRolePermissions = defineStackPolicy({
    name: "s3-transfer-replication-role-permissions",
    description:
        "The role of each replication configuration trusts s3.amazonaws.com for sts:AssumeRole and no one else without a condition (not \"*\", not another account unconditioned), and is granted what the rule's own settings require: s3:GetReplicationConfiguration, s3:GetObjectVersionForReplication and s3:ReplicateObject always; s3:ReplicateDelete with delete marker replication; s3:ObjectOwnerOverrideToBucketOwner with owner override; kms:Decrypt on the source key for SSE-KMS objects, kms:Encrypt on the replica key, and kms:Decrypt on it too with S3 Bucket Keys. Each S3 action must be allowed on the objects the rule's filter selects (source objects to read, destination objects to write). Reported: what no Allow of the role names for those resources, and what a Deny without conditions takes away.",
    enforcementLevel: "mandatory",
    severity: "high",
    defaults: {},
    remediationSteps:
        "Add the missing actions to the replication role's policy, on the source bucket, the destination objects and the KMS keys involved, as in the S3 User Guide's replication permission examples.",
    notApplicableReason: "The stack has no replication configuration whose role is in the stack.",
    evaluate(index: StackIndex): Decision[] {
        const out: Decision[] = [];
        for (const cfg of replicationConfigs(index).configs) {
            const where = `the replication of ${cfg.bucketLabel} (${describe(cfg.declaredOn, cfg.form)})`;
            const role = roleOfConfig(index, cfg);
            if (!role) {
                out.push(
                    cfg.role === UNKNOWN
                        ? undecided(
                              cfg.declaredOn.urn,
                              `The role of ${where} is unknown until apply and cannot be traced to a role in this stack, so its permissions cannot be checked.`,
                          )
                        : notApplicable(cfg.declaredOn.urn, `The role of ${where} is not in this stack.`),
                );
                continue;
            }
            const trust = trustDecision(role, cfg.sourceAccount, where);
            if (trust) {
                out.push(trust);
            }
            if (cfg.rules === UNKNOWN) {
                out.push(undecided(cfg.declaredOn.urn, `The rules of ${where} are unknown until apply, so what they require of ${role.label} is open.`));
                continue;
            }
            for (const rule of cfg.rules) {
                if (rule.status === "Disabled") {
                    continue;
                }
                const { needs, open } = needsOf(index, cfg, rule);
                const missing: Need[] = [];
                const denied: Need[] = [];
                const pending: Need[] = [];
                for (const n of needs) {
                    const l: Listed = listsActionOnAll(docsFor(role, n.action), n.action, n.probes ?? [n.resource]);
                    if (l === "absent") {
                        missing.push(n);
                    } else if (l === "denied") {
                        denied.push(n);
                    } else if (l === "unknown") {
                        pending.push(n);
                    }
                }
                const label = `${rule.label} of ${where}`;
                const on = (m: Need) => `${m.action}${m.resource ? ` on ${m.resource}` : ""} ${m.why}${m.failure ? ` (without it: ${m.failure})` : ""}`;
                if (denied.length > 0) {
                    out.push(
                        violation(
                            role.res.urn,
                            `${role.label}, which S3 assumes for ${label}, has a Deny statement without conditions on ${list(denied.map((m) => m.action))} (${denied.map(on).join("; ")}). An explicit Deny overrides every Allow, so S3 would accept the rule and then fail those objects. Narrow or remove that Deny.`,
                        ),
                    );
                }
                if (missing.length > 0) {
                    out.push(
                        violation(
                            role.res.urn,
                            `${role.label}, which S3 assumes for ${label}, is granted none of ${list(missing.map((m) => m.action))} by any Allow statement covering what the rule replicates (${missing.map(on).join("; ")}). IAM denies what no policy allows, so S3 would accept the rule and then fail those objects with the failure reason named (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html#replication-failure-codes). Add them to the role's policy.`,
                        ),
                    );
                } else if (denied.length === 0 && (pending.length > 0 || open.length > 0)) {
                    const what = [...pending.map((p) => p.action), ...open].join(", ");
                    out.push(
                        undecided(
                            role.res.urn,
                            `Cannot tell yet whether ${role.label} has what ${label} requires: ${what} depend on values unknown until apply or on a policy outside the stack.`,
                        ),
                    );
                } else if (denied.length === 0) {
                    out.push(compliant(role.res.urn, `${role.label} names every action ${label} requires (${needs.map((n) => n.action).join(", ")}).`));
                }
            }
        }
        return out;
    },
});
