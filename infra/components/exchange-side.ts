import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PassThroughSettings, passThroughSettings } from "../config/keys";
import { AuditConfig, CounterpartConfig, MonitoringConfig, ServiceDestinationConfig, VendorDropConfig } from "../config/schema";
import { AuditOutputs, LinkExport, ServiceDestinationExport, VendorDropExport } from "../contract/outputs";
import { accessLogTargetPrefix, CLOUDTRAIL_PREFIX, dataEventSelector } from "../policies/audit";
import { arns } from "../policies/document";
import { AuditTrail } from "./audit-trail";
import { BatchReplicationRole, batchReplicationRoleName } from "./batch-replication-role";
import { CounterpartEndpoints, CounterpartLink } from "./counterpart-link";
import { LogBucket } from "./log-bucket";
import { ReplicationAlerts } from "./replication-alerts";
import { ServiceDestination } from "./service-destination";
import { VendorDrop } from "./vendor-drop";

/** One counterpart of a side as config names it, with what it has handed over so far. */
export type CounterpartSpec = Omit<CounterpartConfig, "source" | "configKey"> & { endpoints: CounterpartEndpoints };

/** A vendor drop or service destination as config describes it; the config key only matters to messages. */
export type VendorDropSpec = Omit<VendorDropConfig, "configKey">;
export type ServiceDestinationSpec = Omit<ServiceDestinationConfig, "configKey">;

/**
 * The pass-through settings (encryption, expiry, protection, delete markers,
 * trust; infra/config/keys.ts) reach every component as config decided them;
 * each counterpart link takes its own encryption instead (its spec's
 * `encryption`, which defaults to the stack's).
 */
export interface ExchangeSideArgs extends PassThroughSettings {
    /** Our party name (`s3-transfer:name`): prefixes every child's name. */
    name: string;
    /** What the side's IAM role names start with (`s3-transfer:roleNamePrefix`); default: `name`. */
    roleNamePrefix?: string;
    accountId: string;
    partition: string;
    /** The stack's region: vendor drops and service destinations live there. */
    region: string;
    /** One AWS provider per region that holds buckets of this side, pinned to the account. */
    providers: Record<string, aws.Provider>;
    counterparts: CounterpartSpec[];
    /** Buckets that vendors write into directly (may be empty). */
    vendorDrops: VendorDropSpec[];
    /** Buckets that data-sync services write into through a role of ours (may be empty). */
    serviceDestinations: ServiceDestinationSpec[];
    /** Log buckets per region, retention, and the optional CloudTrail data events. */
    audit: AuditConfig;
    /** Alert topics per region, subscriptions, and Replication Time Control. */
    monitoring: MonitoringConfig;
}

/**
 * A party's side of the exchange: one CounterpartLink per counterpart, plus
 * any vendor drops and service destinations. The publisher and partner sides
 * are the same machinery under different type tokens, so that each side's
 * stack and the policy pack can tell them apart.
 */
export abstract class ExchangeSide extends pulumi.ComponentResource {
    readonly links: Record<string, CounterpartLink> = {};
    /** What this side exports, as the stack-output contract (infra/contract/outputs.ts) describes it. */
    readonly linkOutputs: Record<string, LinkExport> = {};
    readonly vendorDropOutputs: Record<string, VendorDropExport> = {};
    readonly serviceDestinationOutputs: Record<string, ServiceDestinationExport> = {};
    readonly auditOutputs: AuditOutputs;
    /** Alert topic ARN per region. */
    readonly alertTopicArns: Record<string, pulumi.Output<string>> = {};

    protected constructor(type: string, name: string, args: ExchangeSideArgs, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        const shared = {
            ...passThroughSettings(args),
            accountId: args.accountId,
            partition: args.partition,
        };
        const inRegion = (region: string) => {
            const provider = args.providers[region];
            if (!provider) throw new Error(`no AWS provider for region ${region}`);
            return { parent: this, providers: { aws: provider } };
        };

        // Data buckets by region, known from config: each region's log bucket admits exactly these.
        const dataBuckets: { name: string; region: string }[] = [
            ...args.counterparts.flatMap((c) => [c.egressBucketName, c.ingressBucketName].map((b) => ({ name: b, region: c.bucketRegion }))),
            ...args.vendorDrops.map((v) => ({ name: v.bucketName, region: args.region })),
            ...args.serviceDestinations.map((s) => ({ name: s.bucketName, region: args.region })),
        ];
        const trail = args.audit.trail;
        const trailArn = trail.mode === "off" ? undefined : arns.trail(args.partition, args.region, args.accountId, trail.trailName);
        const logBuckets: Record<string, LogBucket> = {};
        for (const [region, bucketName] of Object.entries(args.audit.logBucketNames)) {
            logBuckets[region] = new LogBucket(
                `${name}-logs-${region}`,
                {
                    bucketName,
                    accountId: args.accountId,
                    partition: args.partition,
                    sourceBucketNames: dataBuckets.filter((b) => b.region === region).map((b) => b.name),
                    // Only a trail of ours delivers into our log bucket; an extended one has its own.
                    trailArn: region === args.region && trail.mode === "create" ? trailArn : undefined,
                    retentionDays: args.audit.logRetentionDays,
                    protect: args.protectBuckets,
                },
                inRegion(region),
            );
        }
        const logsIn = (region: string) => logBuckets[region].target();

        const alerts: Record<string, ReplicationAlerts> = {};
        for (const [region, topicName] of Object.entries(args.monitoring.topicNames)) {
            const egressBuckets = args.counterparts.filter((c) => c.bucketRegion === region).map((c) => c.egressBucketName);
            if (!egressBuckets.length) continue;
            alerts[region] = new ReplicationAlerts(
                `${name}-alerts-${region}`,
                {
                    topicName,
                    accountId: args.accountId,
                    partition: args.partition,
                    region,
                    sourceBucketNames: egressBuckets,
                    alarmNamePrefix: args.monitoring.alarmNamePrefix,
                    subscriptions: args.monitoring.subscriptions,
                },
                inRegion(region),
            );
        }

        const roleNamePrefix = args.roleNamePrefix ?? args.name;
        const batchReplicationRoleArn = arns.role(args.partition, args.accountId, batchReplicationRoleName(roleNamePrefix));
        for (const counterpart of args.counterparts) {
            const link = new CounterpartLink(
                `${name}-${counterpart.name}`,
                {
                    ...shared,
                    encryption: counterpart.encryption,
                    ownName: args.name,
                    ownAccountId: args.accountId,
                    region: counterpart.bucketRegion,
                    counterpartName: counterpart.name,
                    root: counterpart.root,
                    egressBucketName: counterpart.egressBucketName,
                    ingressBucketName: counterpart.ingressBucketName,
                    replicationRoleName: counterpart.replicationRoleName,
                    counterpart: counterpart.endpoints,
                    accessLogs: logsIn(counterpart.bucketRegion),
                    alerts: {
                        topicArn: alerts[counterpart.bucketRegion].topic.arn,
                        dependsOn: [alerts[counterpart.bucketRegion].topicPolicy],
                        alarmNamePrefix: args.monitoring.alarmNamePrefix,
                    },
                    replicationTimeControl: args.monitoring.replicationTimeControl,
                    state: counterpart.state,
                },
                inRegion(counterpart.bucketRegion),
            );
            this.links[counterpart.name] = link;
            this.linkOutputs[counterpart.name] = {
                state: counterpart.state,
                root: counterpart.root,
                fileNamePrefix: counterpart.fileNamePrefix,
                region: counterpart.bucketRegion,
                egressBucketName: counterpart.egressBucketName,
                egressBucketArn: link.egress.bucketArn,
                ingressBucketName: counterpart.ingressBucketName,
                ingressBucketArn: link.ingress.bucketArn,
                replicationRoleArn: link.replicationRoleArn,
                // Only while the counterpart is replicated to: the role covers no other link.
                ...(counterpart.state === "active" ? { batchReplicationRoleArn } : {}),
                ...(link.egress.kmsKeyArn ? { egressKmsKeyArn: link.egress.kmsKeyArn } : {}),
                ...(link.ingress.kmsKeyArn ? { ingressKmsKeyArn: link.ingress.kmsKeyArn } : {}),
                deleteMarkerReplication: args.deleteMarkerReplication,
                replication: link.replicating ? "active" : "pending",
                ingressGrant: link.admittingCounterpart ? "active" : "pending",
            };
        }

        // Batch Operations jobs (existing and failed objects) run with this role, never the live-replication one;
        // an offboarding or retired counterpart is no longer replicated to, so the role has no business with its egress.
        const replicatedTo = args.counterparts.filter((c) => c.state === "active");
        if (replicatedTo.length) {
            new BatchReplicationRole(
                `${name}-batch-replication`,
                {
                    roleNamePrefix,
                    accountId: args.accountId,
                    partition: args.partition,
                    egress: replicatedTo.map((c) => ({
                        bucketName: c.egressBucketName,
                        root: c.root,
                        region: c.bucketRegion,
                        kmsKeyArn: this.links[c.name].egress.kmsKeyArn,
                    })),
                    logBucketNames: args.audit.logBucketNames,
                },
                inRegion(args.region),
            );
        }

        for (const vendor of args.vendorDrops) {
            const drop = new VendorDrop(
                `${name}-${vendor.name}-drop`,
                { ...shared, ...vendor, vendorName: vendor.name, region: args.region, accessLogs: logsIn(args.region) },
                inRegion(args.region),
            );
            this.vendorDropOutputs[vendor.name] = {
                bucketName: vendor.bucketName,
                bucketArn: drop.bucket.bucketArn,
                prefix: vendor.prefix ?? "",
                ...(drop.bucket.kmsKeyArn ? { kmsKeyArn: drop.bucket.kmsKeyArn } : {}),
            };
        }

        for (const service of args.serviceDestinations) {
            const destination = new ServiceDestination(
                `${name}-${service.name}-sync`,
                { ...shared, ...service, region: args.region, accessLogs: logsIn(args.region) },
                inRegion(args.region),
            );
            this.serviceDestinationOutputs[service.name] = {
                bucketName: service.bucketName,
                bucketArn: destination.bucket.bucketArn,
                roleArn: destination.roleArn,
                ...(destination.bucket.kmsKeyArn ? { kmsKeyArn: destination.bucket.kmsKeyArn } : {}),
            };
        }

        const dataBucketArns = dataBuckets.map((b) => arns.bucket(args.partition, b.name));
        if (trail.mode === "create") {
            new AuditTrail(
                `${name}-data-events`,
                {
                    trailName: trail.trailName,
                    partition: args.partition,
                    dataBucketNames: dataBuckets.map((b) => b.name),
                    logBucket: logBuckets[args.region],
                    multiRegion: Object.keys(logBuckets).length > 1,
                },
                inRegion(args.region),
            );
        }
        this.auditOutputs = {
            logBuckets: { ...args.audit.logBucketNames },
            accessLogs: Object.fromEntries(
                dataBuckets.map((b) => [b.name, { region: b.region, logBucket: args.audit.logBucketNames[b.region], prefix: accessLogTargetPrefix(b.name) }]),
            ),
            ...(trail.mode === "off"
                ? {}
                : {
                      trail: {
                          mode: trail.mode,
                          name: trail.trailName,
                          arn: trailArn!,
                          ...(trail.mode === "create" ? { logPrefix: `${CLOUDTRAIL_PREFIX}/AWSLogs/${args.accountId}/CloudTrail/` } : {}),
                      },
                  }),
            ...(trail.mode === "extend" ? { trailEventSelector: dataEventSelector(dataBucketArns) } : {}),
        };

        for (const [region, topic] of Object.entries(alerts)) this.alertTopicArns[region] = topic.topic.arn;
        this.registerOutputs({
            alertTopics: this.alertTopicArns,
            links: this.linkOutputs,
            vendorDrops: this.vendorDropOutputs,
            serviceDestinations: this.serviceDestinationOutputs,
            audit: this.auditOutputs,
        });
    }
}

/** The data publisher's side: it sends files to its partners and receives theirs. */
export class Publisher extends ExchangeSide {
    constructor(name: string, args: ExchangeSideArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:side:Publisher", name, args, opts);
    }
}

/** A partner's side: it receives a publisher's files and sends files back. */
export class Partner extends ExchangeSide {
    constructor(name: string, args: ExchangeSideArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:side:Partner", name, args, opts);
    }
}
