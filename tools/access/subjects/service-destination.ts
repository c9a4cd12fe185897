/** A bucket a data-sync service writes into by assuming a role of ours: intent from config, policies from the plan. */
import type { Known, RequestPrincipal, RequestResource, ServiceDestinationFacts } from "../model";
import { iamPrincipal, rolePolicies } from "../principals";
import { roleResource } from "../resources";
import type { ConditionTerm, PrincipalSelector, ResourceSelector } from "../selectors";
import type { Fill } from "./expander";
import { ThirdPartyExpander } from "./third-party";

export class ServiceDestinationExpander extends ThirdPartyExpander {
    readonly kind = "serviceDestination";
    readonly scopes = ["serviceDestination"] as const;

    constructor(private readonly destination: ServiceDestinationFacts) {
        super(destination.name, destination.own, destination.unrelatedAccountId, destination.bucketArn, destination.servicePrincipalArn);
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
        return super.principals(selector);
    }

    resources(selector: ResourceSelector, action: string, fill: Fill): RequestResource[] | string {
        if (selector.kind === "writerRole") return [roleResource(this.own, "own", this.destination.roleArn, action)];
        return this.bucketResources(selector, `service destination ${this.destination.name}`, fill);
    }

    protected condition(term: ConditionTerm): Known<boolean> {
        return { value: term.name === "prefixed" ? this.destination.prefix !== undefined : this.destination.connectionTestPending };
    }
}
