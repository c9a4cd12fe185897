import { Publisher } from "../infra/components/exchange-side";
import { SideConfig } from "../infra/config/schema";
import { ResolvedCounterpart } from "./counterparts";
import { composeSide, SideOutputs } from "./side";

/** A publisher stack (`prod`, `preprod`): one bucket pair and replication role per partner. */
export function publisherStack(config: SideConfig, partners: ResolvedCounterpart[]): SideOutputs {
    return composeSide(Publisher, config, partners);
}
