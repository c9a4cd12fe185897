/** What both sides' stacks share: the provider, the warnings, and the outputs the other side reads. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ExchangeSide, ExchangeSideArgs, LinkOutputs } from "../infra/components/exchange-side";
import { SideConfig } from "../infra/config/schema";
import { ResolvedCounterpart } from "./counterparts";

/** Stack outputs. The counterpart's stack reads `side`, `partyName`, `accountId`, `region` and `links`. */
export interface SideOutputs {
    side: SideConfig["side"];
    partyName: string;
    accountId: string;
    region: string;
    links: Record<string, LinkOutputs>;
}

type SideClass = new (name: string, args: ExchangeSideArgs, opts?: pulumi.ComponentResourceOptions) => ExchangeSide;

export function composeSide(Side: SideClass, config: SideConfig, counterparts: ResolvedCounterpart[]): SideOutputs {
    for (const c of counterparts) for (const message of c.pending) pulumi.log.warn(message);

    // An explicit provider pinned to the configured account: a stack run with the wrong credentials fails before touching anything.
    const provider = new aws.Provider(`${config.name}-${config.region}`, {
        region: config.region as aws.Region,
        allowedAccountIds: [config.accountId],
        defaultTags: { tags: { "transfer:party": config.name, "transfer:side": config.side, "managed-by": "pulumi" } },
    });

    const side = new Side(config.name, {
        name: config.name,
        accountId: config.accountId,
        partition: config.partition,
        counterparts: counterparts.map((c) => c.spec),
        deleteMarkerReplication: config.deleteMarkerReplication,
        noncurrentVersionExpirationDays: config.noncurrentVersionExpirationDays,
        protectBuckets: config.protectBuckets,
    }, { providers: { aws: provider } });

    return {
        side: config.side,
        partyName: config.name,
        accountId: config.accountId,
        region: config.region,
        links: side.linkOutputs,
    };
}
