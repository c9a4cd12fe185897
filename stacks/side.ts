/** What both sides' stacks share: the providers, the warnings, and the outputs the other side reads. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ExchangeSide, ExchangeSideArgs } from "../infra/components/exchange-side";
import { passThroughSettings } from "../infra/config/keys";
import { SideConfig } from "../infra/config/schema";
import { SideExports } from "../infra/contract/outputs";
import { HandoffInput, HandoffLink, handoverOf, renderHandoffSheets } from "../infra/handoff/sheet";
import { ResolvedCounterpart } from "./counterparts";

/** Stack outputs, as the stack-output contract describes them; the counterpart's stack reads `PEER_OUTPUTS` of them. */
export type SideOutputs = SideExports;

type SideClass = new (name: string, args: ExchangeSideArgs, opts?: pulumi.ComponentResourceOptions) => ExchangeSide;

export function composeSide(Side: SideClass, config: SideConfig, counterparts: ResolvedCounterpart[]): SideOutputs {
    for (const c of counterparts) {
        const key = config.counterparts.find((entry) => entry.name === c.spec.name)?.configKey ?? c.spec.name;
        if (c.spec.state === "offboarding") {
            pulumi.log.warn(
                `${c.spec.name} is offboarding: its grants are revoked and replication to it is stopped; its buckets keep every protection. Once they are archived: pulumi config set --path '${key}.state' retired`,
            );
        } else if (c.spec.state === "retired") {
            pulumi.log.warn(
                `${c.spec.name} is retired: nothing of its link is protected any more, and everything stays retained. To let it leave the stack: pulumi config rm --path '${key}'`,
            );
        } else {
            for (const message of [...c.pending, ...c.warnings]) pulumi.log.warn(message);
        }
    }
    for (const entry of [...config.vendorDrops.map((v) => ({ ...v, kind: "vendor drop" })), ...config.serviceDestinations.map((d) => ({ ...d, kind: "service destination" }))]) {
        if (entry.state === "offboarding") {
            pulumi.log.warn(
                `${entry.kind} ${entry.name} is offboarding: its grants are revoked; its bucket ${entry.bucketName} keeps every protection. Once it is archived: pulumi config set --path '${entry.configKey}.state' retired`,
            );
        } else if (entry.state === "retired") {
            pulumi.log.warn(
                `${entry.kind} ${entry.name} is retired: its bucket ${entry.bucketName} is no longer protected, and everything stays retained. To let it leave the stack: pulumi config rm --path '${entry.configKey}'`,
            );
        }
    }
    if (config.audit.trail.mode === "extend") {
        pulumi.log.warn(
            `add the stack output audit.trailEventSelector to the advanced event selectors of trail ${config.audit.trail.trailName} (aws cloudtrail get-event-selectors, merge, put-event-selectors): this stack does not manage that trail`,
        );
    }

    // One explicit provider per region, each pinned to the configured account: a stack run with
    // the wrong credentials fails before touching anything.
    const regions = [...new Set([config.region, ...config.counterparts.map((c) => c.bucketRegion)])];
    const providers = Object.fromEntries(
        regions.map((region) => [
            region,
            new aws.Provider(`${config.name}-${region}`, {
                region: region as aws.Region,
                allowedAccountIds: [config.accountId],
                defaultTags: { tags: { "transfer:party": config.name, "transfer:side": config.side, "managed-by": "pulumi" } },
            }),
        ]),
    );

    const side = new Side(config.name, {
        ...passThroughSettings(config),
        name: config.name,
        bucketPrefix: config.bucketPrefix,
        accountId: config.accountId,
        partition: config.partition,
        region: config.region,
        providers,
        counterparts: counterparts.map((c) => c.spec),
        vendorDrops: config.vendorDrops,
        serviceDestinations: config.serviceDestinations,
        audit: config.audit,
        monitoring: config.monitoring,
    });

    const handoffLinks = counterparts.map((c) => {
        const link = side.linkOutputs[c.spec.name];
        return pulumi.all([link.egressKmsKeyArn, link.ingressKmsKeyArn]).apply(([egressKmsKeyArn, ingressKmsKeyArn]): HandoffLink => ({
            counterpart: c.spec.name,
            state: link.state,
            root: link.root,
            region: link.region,
            encryption: c.spec.encryption,
            fileNamePrefix: c.spec.fileNamePrefix,
            egressBucketArn: link.egressBucketArn,
            ingressBucketArn: link.ingressBucketArn,
            replicationRoleArn: link.replicationRoleArn,
            ...(egressKmsKeyArn ? { egressKmsKeyArn } : {}),
            ...(ingressKmsKeyArn ? { ingressKmsKeyArn } : {}),
            deleteMarkerReplication: link.deleteMarkerReplication,
            replication: link.replication,
            ingressGrant: link.ingressGrant,
            theirs: {
                via: c.via === "stack" ? "stack reference" : "written hand-over",
                accountId: c.spec.endpoints.accountId || undefined,
                region: c.region,
                ingressBucketArn: c.spec.endpoints.ingressBucketArn,
                ingressKmsKeyArn: c.spec.endpoints.ingressKmsKeyArn,
                replicationRoleArn: c.spec.endpoints.replicationRoleArn,
                replicatesDeleteMarkers: c.spec.endpoints.replicatesDeleteMarkers,
            },
        }));
    });
    const handoffInput = pulumi.all(handoffLinks).apply((links): HandoffInput => ({
        stack: pulumi.getStack(),
        side: config.side,
        partyName: config.name,
        accountId: config.accountId,
        partition: config.partition,
        links,
    }));
    const handoff = handoffInput.apply(renderHandoffSheets);
    const handovers = handoffInput.apply((input) => Object.fromEntries(input.links.map((link) => [link.counterpart, handoverOf(input, link)])));

    return {
        side: config.side,
        partyName: config.name,
        accountId: config.accountId,
        region: config.region,
        links: side.linkOutputs,
        vendorDrops: side.vendorDropOutputs,
        serviceDestinations: side.serviceDestinationOutputs,
        audit: side.auditOutputs,
        alertTopics: side.alertTopicArns,
        handoff,
        handovers,
    };
}
