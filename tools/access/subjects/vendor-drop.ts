/**
 * A bucket a vendor's principal writes into directly. The intent (principal,
 * prefix, what it may do) is the stack's config; the policies are the plan's.
 */
import { accountOfArn } from "../../../infra/policies/document";
import type { Known, RequestPrincipal, RequestResource, VendorDropFacts } from "../model";
import { thirdPartyPrincipals } from "../principals";
import { bucketKeys, collectedBucket, kmsViaContext } from "../resources";
import type { Scope } from "../schema";
import type { ConditionTerm, PrincipalSelector, ResourceSelector, ViaSelector } from "../selectors";
import { Expander, Fill } from "./expander";
import { thirdPartyPrincipal } from "./third-party";

export class VendorDropExpander extends Expander {
    readonly kind = "vendorDrop";
    readonly name: string;
    private readonly vendor: ReturnType<typeof thirdPartyPrincipals>;

    constructor(private readonly drop: VendorDropFacts) {
        super(drop.own, drop.unrelatedAccountId);
        this.name = drop.name;
        this.vendor = thirdPartyPrincipals(drop.name, drop.principalArn, drop.unrelatedAccountId);
    }

    covers(scope: Scope): boolean {
        return scope === "vendorDrop";
    }

    variants(): Record<string, string>[] {
        const { prefix, region, principalArn } = this.drop;
        return [{ prefix: prefix ?? "", keyPrefix: prefix ? `${prefix}/` : "", partition: this.partition, region, vendorAccount: accountOfArn(principalArn) }];
    }

    principals(selector: PrincipalSelector): RequestPrincipal[] {
        return thirdPartyPrincipal(this.vendor, selector) ?? this.common(selector);
    }

    resources(selector: ResourceSelector, _action: string, fill: Fill): RequestResource[] | string {
        if (selector.kind === "subjectKey") return bucketKeys(this.own, "own", this.drop.bucketArn, `vendor drop ${this.drop.name}`);
        return this.subjectBuckets(selector, this.drop.bucketArn, fill);
    }

    kmsVia(selector: ViaSelector, key: RequestResource, fill: Fill): Record<string, string> {
        return kmsViaContext(this.own, this.drop.bucketArn, fill(selector.key), key);
    }

    protected condition(term: ConditionTerm): Known<boolean> {
        if (term.name === "allowDelete") return { value: this.drop.allowDelete };
        if (term.name === "accessConfirmation") return { value: this.drop.accessConfirmation };
        if (term.name === "prefixed") return { value: this.drop.prefix !== undefined };
        const bucket = collectedBucket(this.own, this.drop.bucketArn);
        return typeof bucket === "string" ? { unknown: bucket } : { value: bucket.kms !== undefined };
    }
}
