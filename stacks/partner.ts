import { Partner } from "../infra/components/exchange-side";
import { SideConfig } from "../infra/config/schema";
import { ResolvedCounterpart } from "./counterparts";
import { composeSide, SideOutputs } from "./side";

/** A partner stack (`partner-prod`, `partner-preprod`): one bucket pair and replication role per publisher. */
export function partnerStack(config: SideConfig, publishers: ResolvedCounterpart[]): SideOutputs {
    return composeSide(Partner, config, publishers);
}
