import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PassThroughSettings, passThroughSettings } from "../config/keys";
import { AuditConfig, CounterpartConfig, MonitoringConfig, ServiceDestinationConfig, VendorDropConfig } from "../config/schema";
import { AuditOutputs, LinkExport, ServiceDestinationExport, VendorDropExport } from "../contract/outputs";
import { BucketCover, coverBucketNames, covers, objectArnPrefixes } from "../naming/bucket-patterns";
import { accessLogTargetPrefix, CLOUDTRAIL_PREFIX, dataEventSelector } from "../policies/audit";
import { arns } from "../policies/document";
import { AuditTrail } from "./audit-trail";
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
    /**
     * `s3-transfer:bucketPrefix`: every bucket name the side derives starts with
     * `<bucketPrefix>-`, so the documents that name the side's buckets name them
     * by prefix and do not grow with its counterparts.
     */
    bucketPrefix: string;
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

/** A data bucket of the side (not a log bucket), with the region whose log bucket receives its access logs. */
interface DataBucket {
    name: string;
    region: string;
    /** The entry it belongs to, as the plan's warnings name it. */
    owner: { kind: "counterpart" | "vendor drop" | "service destination"; name: string };
}

function dataBucketsOf(args: Pick<ExchangeSideArgs, "counterparts" | "vendorDrops" | "serviceDestinations" | "region">): DataBucket[] {
    return [
        ...args.counterparts.flatMap((c) =>
            [c.egressBucketName, c.ingressBucketName].map((b) => ({ name: b, region: c.bucketRegion, owner: { kind: "counterpart" as const, name: c.name } })),
        ),
        ...args.vendorDrops.map((v) => ({ name: v.bucketName, region: args.region, owner: { kind: "vendor drop" as const, name: v.name } })),
        ...args.serviceDestinations.map((s) => ({ name: s.bucketName, region: args.region, owner: { kind: "service destination" as const, name: s.name } })),
    ];
}

/**
 * What the audit documents cover: per region, the data buckets whose access
 * logs its log bucket admits (and no other bucket of the side), and the data
 * buckets whose object events the trail records (and never a log bucket).
 */
function auditCovers(buckets: DataBucket[], logBucketNames: Record<string, string>, bucketPrefix: string): { logs: Record<string, BucketCover>; trail: BucketCover } {
    const floor = `${bucketPrefix}-`;
    const logNames = Object.values(logBucketNames);
    const logs = Object.fromEntries(
        Object.keys(logBucketNames).map((region) => {
            const here = buckets.filter((b) => b.region === region).map((b) => b.name);
            const elsewhere = buckets.filter((b) => b.region !== region).map((b) => b.name);
            return [region, coverBucketNames(here, { floor, excluding: [...elsewhere, ...logNames] })];
        }),
    );
    return {
        logs,
        trail: coverBucketNames(
            buckets.map((b) => b.name),
            { floor, excluding: logNames },
        ),
    };
}

/**
 * What stops for a retired entry's retained buckets once the entry leaves
 * config: their `BucketLogging` and their objects stay, but the log bucket of
 * a region that stays in the program is rewritten without them (S3 then
 * refuses their access logs, and says nothing), and the trail's selector no
 * longer reaches them. A region that leaves with the entry keeps its retained
 * log bucket and its last policy, which still admits them.
 */
function auditAfterRemoval(args: ExchangeSideArgs, buckets: DataBucket[]): string[] {
    const retired = [
        ...args.counterparts.filter((c) => c.state === "retired").map((c) => ({ kind: "counterpart" as const, name: c.name })),
        ...args.vendorDrops.filter((v) => v.state === "retired").map((v) => ({ kind: "vendor drop" as const, name: v.name })),
        ...args.serviceDestinations.filter((s) => s.state === "retired").map((s) => ({ kind: "service destination" as const, name: s.name })),
    ];
    return retired.flatMap((entry) => {
        const isOwn = (b: DataBucket) => b.owner.kind === entry.kind && b.owner.name === entry.name;
        const own = buckets.filter(isOwn);
        const remaining = buckets.filter((b) => !isOwn(b));
        const regionsAfter = new Set([args.region, ...args.counterparts.filter((c) => !(entry.kind === "counterpart" && c.name === entry.name)).map((c) => c.bucketRegion)]);
        const logsAfter = Object.fromEntries(Object.entries(args.audit.logBucketNames).filter(([region]) => regionsAfter.has(region)));
        const after = auditCovers(remaining, logsAfter, args.bucketPrefix);
        const stops: string[] = [];
        const unlogged = own.filter((b) => regionsAfter.has(b.region) && !covers(after.logs[b.region], b.name));
        if (unlogged.length) {
            stops.push(
                `the log bucket ${args.audit.logBucketNames[unlogged[0].region]} no longer admits the access logs of ${unlogged.map((b) => b.name).join(" and ")}, so S3 refuses them, silently`,
            );
        }
        const trail = args.audit.trail;
        if (trail.mode !== "off") {
            // A trail stays multi-Region only while the side has buckets in more than one region.
            const unrecorded = own.filter((b) => !covers(after.trail, b.name) || (b.region !== args.region && regionsAfter.size < 2));
            if (unrecorded.length) stops.push(`the trail ${trail.trailName} no longer records object events on ${unrecorded.map((b) => b.name).join(" and ")}`);
        }
        if (!stops.length) return [];
        const off = [...unlogged.map((b) => b.name)].map((b) => `aws s3api put-bucket-logging --bucket ${b} --bucket-logging-status '{}'`);
        return [
            `once the retired ${entry.kind} ${entry.name} leaves config, its retained buckets keep their files and settings, but ${stops.join(", and ")}. To keep them audited, keep the entry in config as retired (it grants nothing and protects nothing)${off.length ? `; to end their logging instead, after removing it run: ${off.join(" && ")}` : ""}`,
        ];
    });
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
        const dataBuckets = dataBucketsOf(args);
        const covered = auditCovers(dataBuckets, args.audit.logBucketNames, args.bucketPrefix);
        const trail = args.audit.trail;
        const trailArn = trail.mode === "off" ? undefined : arns.trail(args.partition, args.region, args.accountId, trail.trailName);
        const logBuckets: Record<string, LogBucket> = {};
        for (const [region, bucketName] of Object.entries(args.audit.logBucketNames)) {
            // The stack's own region always has a log bucket; another leaves the program with its last link, which must then be unprotected.
            const staysInProgram = region === args.region || args.counterparts.some((c) => c.bucketRegion === region && c.state !== "retired");
            logBuckets[region] = new LogBucket(
                `${name}-logs-${region}`,
                {
                    bucketName,
                    accountId: args.accountId,
                    partition: args.partition,
                    sources: covered.logs[region],
                    // Only a trail of ours delivers into our log bucket; an extended one has its own.
                    trailArn: region === args.region && trail.mode === "create" ? trailArn : undefined,
                    retentionDays: args.audit.logRetentionDays,
                    protect: args.protectBuckets && staysInProgram,
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
                    // Only a bucket of this account and region can name the topic in a notification, and only ours have one: the
                    // side's prefix is enough. Parting egress from ingress names would cost a value per counterpart (they share all
                    // but their last word), which 30 KB of topic policy would not hold for long.
                    sources: coverBucketNames(egressBuckets, { floor: `${args.bucketPrefix}-`, excluding: [] }),
                    alarmNamePrefix: args.monitoring.alarmNamePrefix,
                    subscriptions: args.monitoring.subscriptions,
                },
                inRegion(region),
            );
        }

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
                    batchReplicationRoleName: counterpart.batchReplicationRoleName,
                    logBucketName: args.audit.logBucketNames[counterpart.bucketRegion],
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
                // Only while the link is active: the role covers this link's egress alone.
                ...(link.batchReplicationRoleArn ? { batchReplicationRoleArn: link.batchReplicationRoleArn } : {}),
                ...(link.egress.kmsKeyArn ? { egressKmsKeyArn: link.egress.kmsKeyArn } : {}),
                ...(link.ingress.kmsKeyArn ? { ingressKmsKeyArn: link.ingress.kmsKeyArn } : {}),
                deleteMarkerReplication: args.deleteMarkerReplication,
                replication: link.replicating ? "active" : "pending",
                ingressGrant: link.admittingCounterpart ? "active" : "pending",
            };
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

        if (trail.mode === "create") {
            new AuditTrail(
                `${name}-data-events`,
                {
                    trailName: trail.trailName,
                    partition: args.partition,
                    dataBuckets: covered.trail,
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
            ...(trail.mode === "extend" ? { trailEventSelector: dataEventSelector(objectArnPrefixes(args.partition, covered.trail)) } : {}),
        };
        for (const message of auditAfterRemoval(args, dataBuckets)) pulumi.log.warn(message);

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
