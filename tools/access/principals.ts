/**
 * The callers of the requests: roles acting through their sessions, account
 * roots and admin roles, service principals, and third parties whose own
 * identity policies are outside every plan here.
 */
import type { CollectedDocument } from "./collect";
import { accountOfArn, arns, bucketNameOfArn, inAccount, lastPathSegmentOfArn, partitionOfArn, regionOfArn } from "../../infra/policies/document";
import type { Known, NamedPolicy, RequestPrincipal, SideFacts, SideRef } from "./model";

/** The name of the admin role modelled in each account. */
const ADMIN_ROLE_NAME = "administrator";

/** AdministratorAccess: what an account may give its own principals, so only the other account's policies stand in the way. */
export const ADMINISTRATOR_ACCESS: NamedPolicy = {
    name: "AdministratorAccess (assumed)",
    policy: { Version: "2012-10-17", Statement: [{ Sid: "AdministratorAccess", Effect: "Allow", Action: "*", Resource: "*" }] },
};

/**
 * A vendor's or a data-sync service's own identity policy lives in its
 * account, outside every plan here. It is modelled at its worst, allowing
 * everything, so that a decision is our bucket, key and trust policies' alone.
 */
export const THIRD_PARTY_IDENTITY: NamedPolicy = {
    name: "third party's own identity policy (outside our plan; assumed to allow everything)",
    policy: { Version: "2012-10-17", Statement: [{ Sid: "AssumedAllowEverything", Effect: "Allow", Action: "*", Resource: "*" }] },
};

/** A role's policies from its side's plan, or why they are not known. */
export function rolePolicies(side: SideFacts, roleArn: string): { identity: Known<NamedPolicy[]>; boundaries: NamedPolicy[] } {
    if (!side.policies) {
        return { identity: { unknown: `${side.party}'s identity policies live in its account and its stack is not planned here (${side.source})` }, boundaries: [] };
    }
    const role = side.policies.roles.find((r) => r.arn === roleArn);
    if (!role) return { identity: { unknown: `${side.policies.stack}'s plan makes no role ${roleArn}` }, boundaries: [] };
    const docs: CollectedDocument[] = [...role.identity, ...(role.permissionsBoundary ? [role.permissionsBoundary] : [])];
    const unreadable = docs.find((d) => !d.document);
    if (unreadable) return { identity: { unknown: unreadable.unreadable ?? `${unreadable.source} is unreadable` }, boundaries: [] };
    return {
        identity: { value: role.identity.map((d) => ({ name: d.name, policy: d.document! })) },
        boundaries: role.permissionsBoundary ? [{ name: role.permissionsBoundary.name, policy: role.permissionsBoundary.document! }] : [],
    };
}

interface IamPrincipalOptions {
    label: string;
    identity: Known<NamedPolicy[]>;
    boundaries?: NamedPolicy[];
    /** The session a role acts through. */
    sessionName: string;
    side?: SideRef;
    role?: RequestPrincipal["role"];
    note?: string;
}

/**
 * A role acts through a session (the caller is the assumed-role session,
 * aws:PrincipalArn the role); a user or an account root acts as itself.
 */
export function iamPrincipal(arn: string, o: IamPrincipalOptions): RequestPrincipal {
    const accountId = accountOfArn(arn);
    const caller = /:role\//.test(arn) ? arns.assumedRole(partitionOfArn(arn), accountId, lastPathSegmentOfArn(arn), o.sessionName) : arn;
    return {
        label: o.label,
        caller,
        principalArn: arn,
        accountId,
        identity: o.identity,
        permissionBoundaries: o.boundaries ?? [],
        context: { "aws:PrincipalArn": arn, "aws:PrincipalAccount": accountId, "aws:PrincipalIsAWSService": "false" },
        ...(o.side ? { side: o.side } : {}),
        ...(o.role ? { role: o.role } : {}),
        ...(o.note ? { note: o.note } : {}),
    };
}

/** A service principal acting for an account and a source (aws:SourceAccount, aws:SourceArn). */
export function servicePrincipal(service: string, accountId: string, sourceArn: string, on: string): RequestPrincipal {
    const source = sourceArn.includes(":::") ? bucketNameOfArn(sourceArn) : sourceArn.includes(":job/") ? `a job in ${regionOfArn(sourceArn)}` : sourceArn;
    return {
        label: `${service} for ${on}, source ${source}`,
        caller: service,
        accountId,
        identity: { value: [] },
        permissionBoundaries: [],
        context: {
            "aws:PrincipalIsAWSService": "true",
            "aws:PrincipalServiceName": service,
            "aws:SourceAccount": accountId,
            "aws:SourceArn": sourceArn,
        },
        role: "service",
    };
}

function thirdPartyNote(who: string): string {
    return `${who}'s identity policy is outside our plan, modelled as allowing everything: the decision is our policies' alone`;
}

/**
 * The principals of a third party we grant directly: its named principal
 * (modelled with an allow-everything identity policy), the same name in an
 * unrelated account, and the other principals of its account. When the named
 * principal is the account root, the account's other principals are what the
 * grant names, so requests of theirs do not apply.
 */
export function thirdPartyPrincipals(who: string, arn: string, unrelatedAccountId: string): Record<"self" | "unrelated" | "root" | "admin", RequestPrincipal[]> {
    const partition = partitionOfArn(arn);
    const account = accountOfArn(arn);
    const isRoot = arn.endsWith(":root");
    const assumed = { identity: { value: [THIRD_PARTY_IDENTITY] }, note: thirdPartyNote(who) };
    const admin = { identity: { value: [ADMINISTRATOR_ACCESS] } };
    return {
        self: [iamPrincipal(arn, { ...assumed, label: `${who} principal ${arn.split(":").pop()}`, sessionName: who })],
        unrelated: [iamPrincipal(inAccount(arn, unrelatedAccountId), { ...assumed, label: `${who}'s principal name in an unrelated account`, sessionName: who })],
        root: isRoot ? [] : [iamPrincipal(arns.accountRoot(partition, account), { ...admin, label: `${who} account root`, sessionName: "root", role: "root" })],
        admin: isRoot ? [] : [iamPrincipal(arns.role(partition, account, ADMIN_ROLE_NAME), { ...admin, label: `${who} admin role`, sessionName: "admin", role: "admin" })],
    };
}

/** An account's root, with all permissions in its own account. */
export function accountRootPrincipal(partition: string, accountId: string, party: string, side?: SideRef): RequestPrincipal {
    return iamPrincipal(arns.accountRoot(partition, accountId), {
        label: `${party} account root`,
        identity: { value: [ADMINISTRATOR_ACCESS] },
        sessionName: "root",
        ...(side ? { side } : {}),
        role: "root",
    });
}

/** Another role of an account, with AdministratorAccess: the worst an account can give its own principals. */
export function adminPrincipal(partition: string, accountId: string, label: string, side?: SideRef): RequestPrincipal {
    return iamPrincipal(arns.role(partition, accountId, ADMIN_ROLE_NAME), {
        label,
        identity: { value: [ADMINISTRATOR_ACCESS] },
        sessionName: "admin",
        ...(side ? { side } : {}),
        role: "admin",
    });
}
