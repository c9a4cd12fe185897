/**
 * What a vendor drop and a service destination share: a bucket of ours that a
 * third party's principal writes into (directly, or through a role of ours it
 * assumes), whose own identity policy is outside every plan here.
 */
import type { RequestPrincipal, RequestResource, SideFacts } from "../model";
import { thirdPartyPrincipals } from "../principals";
import { bucketKeys, kmsViaContext } from "../resources";
import type { PrincipalSelector, ResourceSelector, ViaSelector } from "../selectors";
import { Expander, Fill } from "./expander";

export abstract class ThirdPartyExpander extends Expander {
    private readonly thirdParty: ReturnType<typeof thirdPartyPrincipals>;

    /** `bucketArn`: the subject's bucket; `principalArn`: the third party's principal as the config names it. */
    constructor(
        name: string,
        own: SideFacts,
        unrelatedAccountId: string,
        protected readonly bucketArn: string,
        principalArn: string,
    ) {
        super(name, own, unrelatedAccountId);
        this.thirdParty = thirdPartyPrincipals(name, principalArn, unrelatedAccountId);
    }

    /** vendor / syncService, its name in an unrelated account, accountRoot(...) and admin(...) of its account, and the common principals. */
    principals(selector: PrincipalSelector): RequestPrincipal[] {
        if (selector.kind === "thirdParty") return selector.inUnrelatedAccount ? this.thirdParty.unrelated : this.thirdParty.self;
        if ((selector.kind === "accountRoot" || selector.kind === "admin") && selector.of === "thirdParty")
            return selector.kind === "accountRoot" ? this.thirdParty.root : this.thirdParty.admin;
        return this.common(selector);
    }

    /** key(...) of the subject's bucket (`what` names it in messages), the bucket itself, and the side's other buckets. */
    protected bucketResources(selector: ResourceSelector, what: string, fill: Fill): RequestResource[] | string {
        if (selector.kind === "subjectKey") return bucketKeys(this.own, "own", this.bucketArn, what);
        return this.subjectBuckets(selector, this.bucketArn, fill);
    }

    kmsVia(selector: ViaSelector, key: RequestResource, fill: Fill): Record<string, string> {
        return kmsViaContext(this.own, this.bucketArn, fill(selector.key), key);
    }
}
