// Which roles replicate, and which permission documents they carry.

import { oncePer } from "./once";
import { DocumentState, readDocument } from "./policy-document";
import { replicationConfigs } from "./replication";
import { Res, RoleEntry, StackIndex } from "./stack-index";
import { isRecord, Read, readList, readString, UNKNOWN } from "./values";

export const S3_SERVICE = "s3.amazonaws.com";
/** The principal S3 Batch Operations (and so Batch Replication) assumes roles as. */
export const BATCH_OPERATIONS_SERVICE = "batchoperations.s3.amazonaws.com";

/** Does the trust policy let a service principal (e.g. s3.amazonaws.com) assume the role? */
export function trustsService(trust: DocumentState, service: string): boolean {
    if (trust.state !== "known") {
        return false;
    }
    return trust.statements.some((s) => s.effect === "Allow" && (s.principal?.service ?? []).some((p) => typeof p === "string" && p.toLowerCase() === service));
}

/**
 * Roles that S3 assumes to replicate: trusted by s3.amazonaws.com, or named as the
 * role of a replication configuration in the stack.
 */
export function replicationRoles(index: StackIndex): RoleEntry[] {
    return rolesOnce(index);
}

const rolesOnce = oncePer(findReplicationRoles);

function findReplicationRoles(index: StackIndex): RoleEntry[] {
    const out = new Set<RoleEntry>();
    for (const r of index.roles()) {
        if (trustsService(readDocument(r.res.props.assumeRolePolicy), S3_SERVICE)) {
            out.add(r);
        }
    }
    for (const cfg of replicationConfigs(index).configs) {
        if (typeof cfg.role === "string") {
            const r = index.roleByRef(cfg.role);
            if (r) {
                out.add(r);
                continue;
            }
        }
        // The URNs the role came from: the split resource's `role` input, or
        // everything the inline replicationConfiguration block was computed from.
        const deps = cfg.form === "split" ? cfg.declaredOn.propertyDependencies.role : cfg.ruleDependencies;
        for (const u of deps ?? []) {
            const r = index.roleByUrn(u);
            if (r) {
                out.add(r);
            }
        }
    }
    return [...out];
}

/** The role a replication configuration names, when it is in this stack. */
export function roleOfConfig(index: StackIndex, cfg: ReturnType<typeof replicationConfigs>["configs"][number]): RoleEntry | undefined {
    if (typeof cfg.role === "string") {
        const r = index.roleByRef(cfg.role);
        if (r) {
            return r;
        }
    }
    const deps = cfg.form === "split" ? cfg.declaredOn.propertyDependencies.role : cfg.ruleDependencies;
    const found = (deps ?? []).map((u) => index.roleByUrn(u)).filter((r): r is RoleEntry => r !== undefined);
    return found.length === 1 ? found[0] : undefined;
}

export interface PermissionDoc {
    /** How messages name it, e.g. `inline policy "replicate" of role "x"`. */
    label: string;
    /** The resource that declares it. */
    source: Res;
    doc: DocumentState;
    /** Set for a managed policy that is not in the stack: only its ARN is known. */
    outsideArn?: Read<string>;
    /** The inline policy name (for de-duplicating RolePolicy and inlinePolicies). */
    inlineName?: Read<string>;
}

/** Every permission document attached to the role that the stack lets us see or name. */
export function permissionDocs(role: RoleEntry): { inline: PermissionDoc[]; managed: PermissionDoc[] } {
    // Three policies read each role's documents: gathered once per role entry (one per index).
    return docsOnce(role);
}

const docsOnce = oncePer(gatherPermissionDocs);

function gatherPermissionDocs(role: RoleEntry): { inline: PermissionDoc[]; managed: PermissionDoc[] } {
    const inline: PermissionDoc[] = [];
    const managed: PermissionDoc[] = [];
    const inlineList = readList(role.res.props.inlinePolicies);
    if (inlineList === UNKNOWN) {
        inline.push({ label: `the inline policies of ${role.label}`, source: role.res, doc: { state: "unknown" } });
    } else {
        (inlineList ?? []).forEach((p, i) => {
            if (!isRecord(p)) {
                inline.push({ label: `inline policy #${i + 1} of ${role.label}`, source: role.res, doc: { state: "unknown" } });
                return;
            }
            const name = readString(p.name);
            const doc = readDocument(p.policy);
            // An entry without a policy is how the provider says "remove all inline policies".
            if (doc.state === "absent") {
                return;
            }
            inline.push({
                label: `inline policy ${typeof name === "string" ? `"${name}"` : `#${i + 1}`} of ${role.label}`,
                source: role.res,
                doc,
                inlineName: name,
            });
        });
    }
    for (const rp of role.rolePolicies) {
        const name = readString(rp.props.name);
        const doc = readDocument(rp.props.policy);
        inline.push({
            label: `RolePolicy "${rp.name}" on ${role.label}`,
            source: rp,
            doc: doc.state === "absent" ? { state: "unknown" } : doc,
            inlineName: name,
        });
    }
    // A RolePolicy also shows up in the role's inlinePolicies output once refreshed:
    // count it once.
    const fromRolePolicies = new Set(inline.filter((d) => d.source !== role.res && typeof d.inlineName === "string").map((d) => d.inlineName));
    const deduped = inline.filter((d) => d.source !== role.res || typeof d.inlineName !== "string" || !fromRolePolicies.has(d.inlineName));
    for (const a of role.attachments) {
        if (a.policy) {
            const doc = readDocument(a.policy.props.policy);
            managed.push({ label: `managed policy "${a.policy.name}" attached to ${role.label}`, source: a.policy, doc: doc.state === "absent" ? { state: "unknown" } : doc });
        } else {
            managed.push({
                label: `managed policy ${typeof a.policyArn === "string" ? a.policyArn : "(ARN unknown until apply)"} attached to ${role.label}`,
                source: a.via,
                doc: { state: "unknown" },
                outsideArn: a.policyArn,
            });
        }
    }
    return { inline: deduped, managed };
}
