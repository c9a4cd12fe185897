/** A bucket a data-sync service writes into by assuming a role of ours: intent from config, policies from the plan. */
import type { Known, RequestPrincipal, RequestResource, ServiceDestinationFacts } from "../model";
import { iamPrincipal, rolePolicies, thirdPartyPrincipals } from "../principals";
import { bucketKeys, kmsViaContext, roleResource } from "../resources";
import type { Scope } from "../schema";
import type { ConditionTerm, PrincipalSelector, ResourceSelector, ViaSelector } from "../selectors";
import { Expander, Fill } from "./expander";
import { thirdPartyPrincipal } from "./third-party";

export class ServiceDestinationExpander extends Expander {
    readonly kind = "serviceDestination";
    readonly name: string;
    private readonly service: ReturnType<typeof thirdPartyPrincipals>;

    constructor(private readonly destination: ServiceDestinationFacts) {
        super(destination.own, destination.unrelatedAccountId);
        this.name = destination.name;
        this.service = thirdPartyPrincipals(destination.name, destination.servicePrincipalArn, destination.unrelatedAccountId);
    }

    covers(scope: Scope): boolean {
        return scope === "serviceDestination";
    }

    variants(): Record<string, string>[] {
        const { externalId, prefix } = this.destination;
        return [{ externalId, keyPrefix: prefix ? `${prefix}/` : "" }];
    }

    principals(selector: PrincipalSelector): RequestPrincipal[] {
        if (selector.kind === "writerRole") {
            const arn = this.destination.roleArn;
            const { identity, boundaries } = rolePolicies(this.own, arn);
            return [iamPrincipal(arn, { label: `${this.destination.name} writer role`, identity, boundaries, sessionName: "data-sync", side: "own" })];
        }
        return thirdPartyPrincipal(this.service, selector) ?? this.common(selector);
    }

    resources(selector: ResourceSelector, action: string, fill: Fill): RequestResource[] | string {
        if (selector.kind === "writerRole") return [roleResource(this.own, "own", this.destination.roleArn, action)];
        if (selector.kind === "subjectKey") return bucketKeys(this.own, "own", this.destination.bucketArn, `service destination ${this.destination.name}`);
        return this.subjectBuckets(selector, this.destination.bucketArn, fill);
    }

    kmsVia(selector: ViaSelector, key: RequestResource, fill: Fill): Record<string, string> {
        return kmsViaContext(this.own, this.destination.bucketArn, fill(selector.key), key);
    }

    protected condition(term: ConditionTerm): Known<boolean> {
        return { value: term.name === "prefixed" ? this.destination.prefix !== undefined : this.destination.connectionTestPending };
    }
}
