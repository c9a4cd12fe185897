/**
 * A bucket a vendor's principal writes into directly. The intent (principal,
 * prefix, what it may do) is the stack's config; the policies are the plan's.
 */
import { accountOfArn } from "../../../infra/policies/document";
import type { Known, RequestResource, VendorDropFacts } from "../model";
import { collectedBucket } from "../resources";
import type { ConditionTerm, ResourceSelector } from "../selectors";
import type { Fill } from "./expander";
import { ThirdPartyExpander } from "./third-party";

export class VendorDropExpander extends ThirdPartyExpander {
    readonly kind = "vendorDrop";
    readonly scopes = ["vendorDrop"] as const;

    constructor(private readonly drop: VendorDropFacts) {
        super(drop.name, drop.own, drop.unrelatedAccountId, drop.bucketArn, drop.principalArn);
    }

    variants(): Record<string, string>[] {
        const { prefix, region, principalArn } = this.drop;
        return [{ prefix: prefix ?? "", keyPrefix: prefix ? `${prefix}/` : "", partition: this.partition, region, vendorAccount: accountOfArn(principalArn) }];
    }

    resources(selector: ResourceSelector, _action: string, fill: Fill): RequestResource[] | string {
        return this.bucketResources(selector, `vendor drop ${this.drop.name}`, fill);
    }

    protected condition(term: ConditionTerm): Known<boolean> {
        if (term.name === "allowDelete") return { value: this.drop.allowDelete };
        if (term.name === "accessConfirmation") return { value: this.drop.accessConfirmation };
        if (term.name === "prefixed") return { value: this.drop.prefix !== undefined };
        const bucket = collectedBucket(this.own, this.drop.bucketArn);
        return typeof bucket === "string" ? { unknown: bucket } : { value: bucket.kms !== undefined };
    }
}
