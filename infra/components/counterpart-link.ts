import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CounterpartState } from "../config/keys";
import { fileKeyPrefix } from "../naming/file-key";
import { REPLICATION_FAILED_EVENTS, REPLICATION_MISSED_THRESHOLD_EVENTS } from "../policies/alerts";
import { replicationDestinationStatements } from "../policies/bucket-policy";
import { arns, bucketNameOfArn, policyDocument } from "../policies/document";
import { replicaKeyGrantStatement, replicationKmsStatements } from "../policies/kms";
import { replicationPermissionsPolicy, replicationTrustPolicy } from "../policies/replication-role";
import { BatchReplicationRole } from "./batch-replication-role";
import { dataBucketArgs, DataBucketSettings, SecureBucket } from "./secure-bucket";

/** What the counterpart has told us, through its stack or in writing. Absent values mean "not yet". */
export interface CounterpartEndpoints {
    accountId: string;
    /** Their ingress bucket: our egress replicates into it. Absent: no replication yet. */
    ingressBucketArn?: string;
    /** Region of their ingress bucket (S3 calls their KMS key from there). */
    ingressRegion?: string;
    /** Their ingress bucket's KMS key: our SSE-KMS replicas are encrypted with it. */
    ingressKmsKeyArn?: string;
    /** Their replication role: our ingress admits it. Absent: no grant yet. */
    replicationRoleArn?: string;
    /** They replicate delete markers, so our ingress must admit `s3:ReplicateDelete`. */
    replicatesDeleteMarkers: boolean;
    /**
     * Where their side has this link (their stack's `links.<us>.state`, or their
     * hand-over's `link.state`). Anything but `active` means their ingress no
     * longer admits us: we stop replicating to them and revoke their grant as
     * if our own entry were offboarding. Absent: active (an older stack or
     * hand-over says nothing).
     */
    theirState?: CounterpartState;
}

export interface CounterpartLinkArgs extends Omit<DataBucketSettings, "accountId"> {
    /** Our party name (`s3-transfer:name`). */
    ownName: string;
    ownAccountId: string;
    /** Region of our two buckets for this counterpart (the provider of this component must be for it). */
    region: string;
    /** The counterpart's party name. */
    counterpartName: string;
    /** `{Root}` of the file-naming convention; only `{root}/` replicates, in both directions. */
    root: string;
    egressBucketName: string;
    ingressBucketName: string;
    replicationRoleName: string;
    /** The link's Batch Replication role, created while the link is active on both sides. */
    batchReplicationRoleName: string;
    /** The side's log bucket in `region`: batch jobs keep their manifests and reports there. */
    logBucketName: string;
    counterpart: CounterpartEndpoints;
    /** Replicate delete markers too (and grant `s3:ReplicateDelete`); `s3-transfer:deleteMarkerReplication`, off so that a delete here never removes the counterpart's copy. */
    deleteMarkerReplication: boolean;
    /** Where failed replications are reported (event notifications and alarms). Default: nowhere. */
    alerts?: ReplicationAlertTarget;
    /** S3 Replication Time Control (15-minute target, extra cost). */
    replicationTimeControl: boolean;
    /**
     * Where the counterpart is in its life. `offboarding`: no
     * grant to the counterpart (bucket policy, key policy) and no replication to
     * it, while both buckets keep every setting and stay protected. `retired`:
     * as offboarding, with `protect` lifted (everything is still retained on
     * delete), so that the entry can then leave config without deleting anything.
     */
    state: CounterpartState;
    /**
     * Pin the replication role's trust to `aws:SourceAccount`/`aws:SourceArn`.
     * Off: the unconditioned trust of s3.amazonaws.com that AWS documents for
     * live replication; AWS does not document that S3 sends those keys when it
     * assumes the role, so turn it on only after the pre-production canary has
     * passed with it.
     */
    replicationTrustConditions: boolean;
    /**
     * Pin the Batch Replication role's trust to this account's jobs
     * (`aws:SourceAccount`/`aws:SourceArn`). Off: the unconditioned trust of
     * batchoperations.s3.amazonaws.com that AWS documents; turn it on only
     * after the pre-production batch canary has passed with it.
     */
    batchTrustConditions: boolean;
}

export interface ReplicationAlertTarget {
    topicArn: pulumi.Input<string>;
    /** The topic must admit S3 before S3 accepts the notification configuration. */
    dependsOn: pulumi.Resource[];
    /** Alarm names start with this prefix, which the topic policy admits. */
    alarmNamePrefix: string;
}

/**
 * Everything one side keeps for one counterpart: an egress bucket that
 * replicates into the counterpart's ingress, an ingress bucket the counterpart
 * replicates into, and the role S3 replicates with.
 */
export class CounterpartLink extends pulumi.ComponentResource {
    readonly egress: SecureBucket;
    readonly ingress: SecureBucket;
    readonly replicationRole: aws.iam.Role;
    readonly replicationRoleArn: string;
    readonly replicating: boolean;
    readonly admittingCounterpart: boolean;
    /** The link's Batch Replication role, while the link is active on both sides. */
    readonly batchReplicationRoleArn?: string;

    constructor(name: string, args: CounterpartLinkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:link:CounterpartLink", name, {}, opts);
        const child = { parent: this };
        const kms = args.encryption === "SSE-KMS";
        const replicateDeletes = args.deleteMarkerReplication;
        const state = args.state;
        // A retired link's resources lose `protect` (so the entry can leave config) but stay retained on delete.
        const bucketDefaults = dataBucketArgs({ ...args, accountId: args.ownAccountId }, state);
        const { ingressBucketArn, replicationRoleArn: counterpartRoleArn, ingressKmsKeyArn } = args.counterpart;
        // Offboarding, on either side, revokes every grant to the counterpart at once, whatever it has handed over.
        const linked = state === "active" && (args.counterpart.theirState ?? "active") === "active";
        const counterpartGrant = counterpartRoleArn && linked ? { sourceAccountId: args.counterpart.accountId, sourceRoleArn: counterpartRoleArn } : undefined;

        this.egress = new SecureBucket(
            `${name}-egress`,
            {
                ...bucketDefaults,
                bucketName: args.egressBucketName,
                keyGrants: [],
                grantStatements: [],
            },
            child,
        );
        const ingressArn = arns.bucket(args.partition, args.ingressBucketName);
        this.ingress = new SecureBucket(
            `${name}-ingress`,
            {
                ...bucketDefaults,
                bucketName: args.ingressBucketName,
                keyGrants: counterpartGrant ? [replicaKeyGrantStatement({ ...counterpartGrant, partition: args.partition, region: args.region })] : [],
                grantStatements: counterpartGrant
                    ? replicationDestinationStatements({
                          ...counterpartGrant,
                          bucketArn: ingressArn,
                          root: args.root,
                          replicateDeletes: args.counterpart.replicatesDeleteMarkers,
                      })
                    : [],
            },
            child,
        );
        this.admittingCounterpart = counterpartGrant !== undefined;

        this.replicationRoleArn = arns.role(args.partition, args.ownAccountId, args.replicationRoleName);
        // Created even before replication can start, so the counterpart can grant it by its (predictable) ARN.
        this.replicationRole = new aws.iam.Role(
            `${name}-replication`,
            {
                name: args.replicationRoleName,
                description: `S3 replication from ${args.egressBucketName} to ${args.counterpartName}`,
                assumeRolePolicy: JSON.stringify(
                    replicationTrustPolicy({
                        accountId: args.ownAccountId,
                        sourceBucketArn: this.egress.bucketArn,
                        sourceConditions: args.replicationTrustConditions,
                    }),
                ),
                maxSessionDuration: 3600,
            },
            child,
        );

        // SSE-KMS objects can only be replicated with a key of the destination's to encrypt replicas with.
        this.replicating = linked && ingressBucketArn !== undefined && (!kms || ingressKmsKeyArn !== undefined);
        if (ingressBucketArn && this.replicating) {
            const permissions = new aws.iam.RolePolicy(
                `${name}-replication`,
                {
                    role: this.replicationRole.name,
                    name: "replicate-egress",
                    policy: pulumi.output(this.egress.kmsKeyArn).apply((sourceKeyArn) => {
                        const base = replicationPermissionsPolicy({
                            sourceBucketArn: this.egress.bucketArn,
                            destinationBucketArn: ingressBucketArn,
                            root: args.root,
                            replicateDeletes,
                        });
                        const kmsStatements =
                            sourceKeyArn && ingressKmsKeyArn
                                ? replicationKmsStatements({
                                      sourceKeyArn,
                                      sourceBucketArn: this.egress.bucketArn,
                                      sourceRegion: args.region,
                                      replicaKeyArn: ingressKmsKeyArn,
                                      destinationBucketArn: ingressBucketArn,
                                      destinationRegion: args.counterpart.ingressRegion ?? args.region,
                                      root: args.root,
                                  })
                                : [];
                        return JSON.stringify(policyDocument([...base.Statement, ...kmsStatements]));
                    }),
                },
                child,
            );

            const rtc = args.replicationTimeControl;
            const ruleId = `to-${args.counterpartName}`;
            new aws.s3.BucketReplicationConfig(
                `${name}-egress`,
                {
                    bucket: this.egress.bucketName,
                    role: this.replicationRole.arn,
                    rules: [
                        {
                            id: ruleId,
                            priority: 0,
                            status: "Enabled",
                            filter: { prefix: fileKeyPrefix(args.root) },
                            deleteMarkerReplication: { status: replicateDeletes ? "Enabled" : "Disabled" },
                            ...(kms ? { sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } } } : {}),
                            destination: {
                                bucket: ingressBucketArn,
                                account: args.counterpart.accountId,
                                accessControlTranslation: { owner: "Destination" },
                                ...(kms && ingressKmsKeyArn ? { encryptionConfiguration: { replicaKmsKeyId: ingressKmsKeyArn } } : {}),
                                // Metrics are what failed-replication events and alarms are made of.
                                metrics: { status: "Enabled", ...(rtc ? { eventThreshold: { minutes: 15 } } : {}) },
                                ...(rtc ? { replicationTime: { status: "Enabled", time: { minutes: 15 } } } : {}),
                            },
                        },
                    ],
                },
                { ...child, dependsOn: [this.egress.versioning, permissions] },
            );

            if (args.alerts) this.alertOnFailures(name, args, args.alerts, ruleId, ingressBucketArn, rtc);
        }

        // Only while the link is active on both sides (replicating, or about to once they hand over): the role covers no other link.
        if (linked) {
            this.batchReplicationRoleArn = new BatchReplicationRole(
                `${name}-batch-replication`,
                {
                    roleName: args.batchReplicationRoleName,
                    accountId: args.ownAccountId,
                    partition: args.partition,
                    egressBucketName: args.egressBucketName,
                    root: args.root,
                    region: args.region,
                    kmsKeyArn: this.egress.kmsKeyArn,
                    logBucketName: args.logBucketName,
                    trustConditions: args.batchTrustConditions,
                },
                child,
            ).roleArn;
        }

        this.registerOutputs({
            egressBucketName: this.egress.bucketName,
            ingressBucketName: this.ingress.bucketName,
            replicationRoleArn: this.replicationRole.arn,
            batchReplicationRoleArn: this.batchReplicationRoleArn,
            egressKmsKeyArn: this.egress.kmsKeyArn,
            ingressKmsKeyArn: this.ingress.kmsKeyArn,
        });
    }

    /** A failed replication (and, with RTC, a late one) notifies the topic at once and raises an alarm. */
    private alertOnFailures(name: string, args: CounterpartLinkArgs, alerts: ReplicationAlertTarget, ruleId: string, destinationBucketArn: string, rtc: boolean): void {
        const child = { parent: this };
        new aws.s3.BucketNotification(
            `${name}-egress`,
            {
                bucket: this.egress.bucketName,
                topics: [{ id: "replication-failures", topicArn: alerts.topicArn, events: [...REPLICATION_FAILED_EVENTS, ...(rtc ? REPLICATION_MISSED_THRESHOLD_EVENTS : [])] }],
            },
            { ...child, dependsOn: alerts.dependsOn },
        );
        // No OK action: every first deploy and every recovery would mail the subscribers; the ALARM is what they act on.
        const dimensions = { SourceBucket: args.egressBucketName, DestinationBucket: bucketNameOfArn(destinationBucketArn), RuleId: ruleId };
        const alarm = { namespace: "AWS/S3", dimensions, period: 300, evaluationPeriods: 1, treatMissingData: "notBreaching", alarmActions: [alerts.topicArn] };
        new aws.cloudwatch.MetricAlarm(
            `${name}-replication-failed`,
            {
                ...alarm,
                name: `${alerts.alarmNamePrefix}${args.counterpartName}-failed`,
                alarmDescription: `Objects failed to replicate from ${args.egressBucketName} to ${args.counterpartName}; see docs/operations.md, "A failed replication".`,
                metricName: "OperationsFailedReplication",
                statistic: "Sum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
            },
            child,
        );
        if (rtc) {
            new aws.cloudwatch.MetricAlarm(
                `${name}-replication-latency`,
                {
                    ...alarm,
                    name: `${alerts.alarmNamePrefix}${args.counterpartName}-latency`,
                    alarmDescription: `Replication from ${args.egressBucketName} to ${args.counterpartName} is slower than the 15-minute RTC target.`,
                    metricName: "ReplicationLatency",
                    statistic: "Maximum",
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: 900,
                },
                child,
            );
        }
    }
}
