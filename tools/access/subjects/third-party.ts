/** The principals of a vendor or a data-sync service, as a vendorDrop or serviceDestination template selects them. */
import type { RequestPrincipal } from "../model";
import type { thirdPartyPrincipals } from "../principals";
import type { PrincipalSelector } from "../selectors";

/** vendor / syncService, its name in an unrelated account, accountRoot(...) and admin(...) of its account; undefined for any other selector. */
export function thirdPartyPrincipal(principals: ReturnType<typeof thirdPartyPrincipals>, selector: PrincipalSelector): RequestPrincipal[] | undefined {
    if (selector.kind === "thirdParty") return selector.inUnrelatedAccount ? principals.unrelated : principals.self;
    if ((selector.kind === "accountRoot" || selector.kind === "admin") && selector.of === "thirdParty") return selector.kind === "accountRoot" ? principals.root : principals.admin;
    return undefined;
}
