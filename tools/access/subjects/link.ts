/**
 * A counterpart link: this side is `own`, the link's other side `counterpart`.
 * Either side may be known only from its hand-over (no plan here), and
 * either may still be pending; its requests say so rather than guess.
 */
import { arns } from "../../../infra/policies/document";
import type { Known, LinkFacts, RequestPrincipal, RequestResource, SideFacts, SideRef } from "../model";
import { accountRootPrincipal, adminPrincipal, iamPrincipal, rolePolicies, servicePrincipal } from "../principals";
import { bucketKeys, bucketResource, bucketResources, keyResource, kmsViaContext, roleResource } from "../resources";
import type { Template, TemplateForm } from "../schema";
import type { BucketRole, ConditionTerm, PrincipalSelector, ResourceSelector, SourceAccount, ViaSelector } from "../selectors";
import { Expander, Fill } from "./expander";

/** A job ID in the shape S3 Control gives one (the request only needs its ARN's account and region). */
const SAMPLE_JOB_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

/** The roles a side's plan makes for replication, with how each is assumed. */
const REPLICATION_ROLES = {
    replicationRole: { arn: (s: SideFacts) => s.replicationRoleArn, what: "replication role", sessionName: "s3-replication" },
    batchRole: { arn: (s: SideFacts) => s.batchReplicationRoleArn, what: "Batch Replication role", sessionName: "s3-batch-operations" },
} as const;

export class LinkExpander extends Expander {
    readonly kind = "link";
    readonly scopes = ["link"] as const;

    constructor(private readonly link: LinkFacts) {
        super(link.name, link.own, link.unrelatedAccountId);
    }

    variants(_t: Template, form: TemplateForm): Record<string, string>[] {
        return [{ root: this.link.root, ...form.vars }];
    }

    side(ref: SideRef): SideFacts {
        return this.link[ref];
    }

    accountOf(ref: SourceAccount): string | undefined {
        return ref === "unrelated" ? this.link.unrelatedAccountId : this.side(ref).accountId;
    }

    partyOf(ref: SideRef): string {
        return this.side(ref).party;
    }

    bucketArn(which: BucketRole, ref: SideRef): string | undefined {
        const side = this.side(ref);
        return which === "ingress" ? side.ingressBucketArn : side.egressBucketArn;
    }

    principals(selector: PrincipalSelector): RequestPrincipal[] | string {
        const principal = this.principal(selector);
        return typeof principal === "string" ? principal : [principal];
    }

    /** The principal, or why it cannot be named. */
    private principal(selector: PrincipalSelector): RequestPrincipal | string {
        const partition = this.partition;
        switch (selector.kind) {
            case "replicationRole":
            case "batchRole": {
                const role = REPLICATION_ROLES[selector.kind];
                const side = this.side(selector.side);
                const arn = role.arn(side);
                if (!arn) return `${side.party}'s ${role.what} ARN is not known (${side.source})`;
                const { identity, boundaries } = rolePolicies(side, arn);
                return iamPrincipal(arn, { label: `${side.party} ${role.what}`, identity, boundaries, sessionName: role.sessionName, side: selector.side, role: "replication" });
            }
            case "accountRoot":
            case "admin": {
                const ref = selector.of as SideRef;
                const account = this.accountOf(ref);
                if (!account) return `${this.partyOf(ref)}'s account ID is not known`;
                return selector.kind === "accountRoot"
                    ? accountRootPrincipal(partition, account, this.partyOf(ref), ref)
                    : adminPrincipal(partition, account, `${this.partyOf(ref)} admin role`, ref);
            }
            case "unrelatedAccount":
            case "anonymous":
                return this.common(selector)[0];
            case "service": {
                const { service, account: sourceSide, source } = selector;
                const account = this.accountOf(sourceSide);
                if (!account) return `${this.partyOf(sourceSide as SideRef)}'s account ID is not known`;
                const on = sourceSide === "unrelated" ? "unrelated account" : this.partyOf(sourceSide);
                if (source.kind === "job") {
                    // A job of the source account, in the region of the job side's buckets.
                    const region = this.side(source.side).region;
                    if (!region) return `the region of ${this.partyOf(source.side)}'s buckets is not known`;
                    return servicePrincipal(service, account, arns.batchJob(partition, region, account, SAMPLE_JOB_ID), on);
                }
                if (source.kind !== "bucket") break;
                const sourceArn = this.bucketArn(source.bucket, source.side);
                if (!sourceArn) return `${this.partyOf(source.side)}'s ${source.bucket} bucket is not known`;
                return servicePrincipal(service, account, sourceArn, on);
            }
        }
        throw new Error(`unreachable: principal ${JSON.stringify(selector)}`);
    }

    /** The resources a selector names (keys(S) and buckets(S) name several), or why they cannot be named. */
    resources(selector: ResourceSelector, action: string, fill: Fill): RequestResource[] | string {
        switch (selector.kind) {
            case "bucket": {
                const side = this.side(selector.side);
                const arn = this.bucketArn(selector.bucket, selector.side);
                if (!arn) return `${side.party}'s ${selector.bucket} bucket is not known (${side.source})`;
                const resource = bucketResource(side, selector.side, arn, selector.key === undefined ? undefined : fill(selector.key), selector.bucket === "ingress");
                return typeof resource === "string" ? resource : [resource];
            }
            case "buckets": {
                const side = this.side(selector.side);
                // Without its plan, a side's buckets are the ones the link names.
                const arns = side.policies ? side.policies.buckets.map((b) => b.arn) : [side.ingressBucketArn, side.egressBucketArn].filter((a): a is string => a !== undefined);
                if (!arns.length) return `${side.party}'s buckets are not known (${side.source})`;
                return bucketResources(side, selector.side, arns, selector.key === undefined ? undefined : fill(selector.key), side.ingressBucketArn);
            }
            case "bucketKey": {
                const { bucket: which, side: ref } = selector;
                const side = this.side(ref);
                const arn = this.bucketArn(which, ref);
                if (!arn) return `${side.party}'s ${which} bucket is not known (${side.source})`;
                return bucketKeys(side, ref, arn, `${which} bucket`, which === "ingress" ? side.ingressKmsKeyArn : undefined);
            }
            case "role": {
                const role = REPLICATION_ROLES[selector.role];
                const side = this.side(selector.side);
                const arn = role.arn(side);
                if (!arn) return `${side.party}'s ${role.what} ARN is not known (${side.source})`;
                return [roleResource(side, selector.side, arn, action)];
            }
            case "keys": {
                const side = this.side(selector.side);
                if (!side.policies) return `${side.party}'s KMS keys are not known: its stack is not planned here (${side.source})`;
                return side.policies.keys.map((key) => keyResource(selector.side, key));
            }
        }
        throw new Error(`unreachable: resource ${JSON.stringify(selector)}`);
    }

    kmsVia(selector: ViaSelector, key: RequestResource, fill: Fill): Record<string, string> | string {
        if (selector.kind !== "bucket") throw new Error(`unreachable: via ${selector.kind} in a link template`);
        const bucketArn = this.bucketArn(selector.bucket, selector.side);
        if (!bucketArn) return `${this.partyOf(selector.side)}'s ${selector.bucket} bucket is not known`;
        return kmsViaContext(this.side(selector.side), bucketArn, fill(selector.key), key);
    }

    protected condition(term: ConditionTerm): Known<boolean> {
        const side = this.side(term.side!);
        if (side.deleteMarkerReplication === undefined) {
            return { unknown: `whether ${side.party} replicates delete markers is not known (${side.source})` };
        }
        return { value: side.deleteMarkerReplication };
    }

    /** A link that is still pending makes its requests meaningless: no permissions yet, or no grant yet, to verify. */
    pending(principal: RequestPrincipal, resource: RequestResource): string | undefined {
        if (principal.role === "replication" && principal.side) {
            const side = this.side(principal.side);
            if (side.replication === "pending") return `${side.party}'s replication is pending in its plan (the other side's ingress bucket is not known to it yet)`;
        }
        if (resource.ingress && principal.side && principal.side !== resource.side) {
            const owner = this.side(resource.side);
            if (owner.ingressGrant === "pending") return `${owner.party}'s ingress grant is pending in its plan (the other side's role is not known to it yet)`;
        }
        return undefined;
    }
}
