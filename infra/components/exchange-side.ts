import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Encryption } from "../config/schema";
import { CounterpartEndpoints, CounterpartLink } from "./counterpart-link";
import { ServiceDestination } from "./service-destination";
import { VendorDrop } from "./vendor-drop";

/** One counterpart of a side, with what it has handed over so far. */
export interface CounterpartSpec {
    name: string;
    root: string;
    egressBucketName: string;
    ingressBucketName: string;
    replicationRoleName: string;
    /** Region of our buckets for this counterpart. */
    bucketRegion: string;
    endpoints: CounterpartEndpoints;
}

export interface VendorDropSpec {
    name: string;
    bucketName: string;
    principalArn: string;
    prefix: string;
    allowDelete: boolean;
    accessConfirmation: boolean;
}

export interface ServiceDestinationSpec {
    name: string;
    bucketName: string;
    roleName: string;
    servicePrincipalArn: string;
    externalId: string;
    prefix?: string;
    connectionTestPending: boolean;
}

export interface ExchangeSideArgs {
    /** Our party name (`transfer:name`): prefixes every child's name. */
    name: string;
    accountId: string;
    partition: string;
    /** The stack's region: vendor drops and service destinations live there. */
    region: string;
    /** One AWS provider per region that holds buckets of this side, pinned to the account. */
    providers: Record<string, aws.Provider>;
    counterparts: CounterpartSpec[];
    /** Buckets that vendors write into directly. Default: none. */
    vendorDrops?: VendorDropSpec[];
    /** Buckets that data-sync services write into through a role of ours. Default: none. */
    serviceDestinations?: ServiceDestinationSpec[];
    /** Default encryption of every bucket. Default: SSE-S3. */
    encryption?: Encryption;
    /** Replicate delete markers to counterparts. Default: false. */
    deleteMarkerReplication?: boolean;
    /** Noncurrent version expiry of every bucket. Default: 30 days. */
    noncurrentVersionExpirationDays?: number;
    /** Expiry of current objects in every bucket. Default: never. */
    expirationDays?: number;
    /** Protect every data bucket and key from deletion. Default: true. */
    protectBuckets?: boolean;
}

/** What the other side reads from this side's stack, per counterpart. Flat, non-secret strings. */
export interface LinkOutputs {
    root: string;
    /** Region of both buckets. */
    region: string;
    egressBucketName: string;
    egressBucketArn: string;
    ingressBucketName: string;
    ingressBucketArn: string;
    replicationRoleArn: string;
    /** With SSE-KMS: the keys of the two buckets; the counterpart encrypts replicas with the ingress key. */
    egressKmsKeyArn?: pulumi.Output<string>;
    ingressKmsKeyArn?: pulumi.Output<string>;
    deleteMarkerReplication: boolean;
    /** "active" once the counterpart's ingress is known, else "pending". */
    replication: "active" | "pending";
    /** "active" once the counterpart's role is admitted to our ingress, else "pending". */
    ingressGrant: "active" | "pending";
}

export interface DirectBucketOutputs {
    bucketName: string;
    bucketArn: string;
    kmsKeyArn?: pulumi.Output<string>;
}

/**
 * A party's side of the exchange: one CounterpartLink per counterpart, plus
 * any vendor drops and service destinations. The publisher and partner sides
 * are the same machinery under different type tokens, so that each side's
 * stack and the policy pack can tell them apart.
 */
export abstract class ExchangeSide extends pulumi.ComponentResource {
    readonly links: Record<string, CounterpartLink> = {};
    readonly linkOutputs: Record<string, LinkOutputs> = {};
    readonly vendorDropOutputs: Record<string, DirectBucketOutputs & { prefix: string }> = {};
    readonly serviceDestinationOutputs: Record<string, DirectBucketOutputs & { roleArn: string }> = {};

    protected constructor(type: string, name: string, args: ExchangeSideArgs, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        const shared = {
            accountId: args.accountId,
            partition: args.partition,
            encryption: args.encryption,
            noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
            expirationDays: args.expirationDays,
            protectBuckets: args.protectBuckets,
        };
        const inRegion = (region: string) => {
            const provider = args.providers[region];
            if (!provider) throw new Error(`no AWS provider for region ${region}`);
            return { parent: this, providers: { aws: provider } };
        };

        for (const counterpart of args.counterparts) {
            const link = new CounterpartLink(`${name}-${counterpart.name}`, {
                ...shared,
                ownName: args.name,
                ownAccountId: args.accountId,
                region: counterpart.bucketRegion,
                counterpartName: counterpart.name,
                root: counterpart.root,
                egressBucketName: counterpart.egressBucketName,
                ingressBucketName: counterpart.ingressBucketName,
                replicationRoleName: counterpart.replicationRoleName,
                counterpart: counterpart.endpoints,
                deleteMarkerReplication: args.deleteMarkerReplication,
            }, inRegion(counterpart.bucketRegion));
            this.links[counterpart.name] = link;
            this.linkOutputs[counterpart.name] = {
                root: counterpart.root,
                region: counterpart.bucketRegion,
                egressBucketName: counterpart.egressBucketName,
                egressBucketArn: link.egress.bucketArn,
                ingressBucketName: counterpart.ingressBucketName,
                ingressBucketArn: link.ingress.bucketArn,
                replicationRoleArn: link.replicationRoleArn,
                ...(link.egress.kmsKeyArn ? { egressKmsKeyArn: link.egress.kmsKeyArn } : {}),
                ...(link.ingress.kmsKeyArn ? { ingressKmsKeyArn: link.ingress.kmsKeyArn } : {}),
                deleteMarkerReplication: args.deleteMarkerReplication ?? false,
                replication: link.replicating ? "active" : "pending",
                ingressGrant: link.admittingCounterpart ? "active" : "pending",
            };
        }

        for (const vendor of args.vendorDrops ?? []) {
            const drop = new VendorDrop(`${name}-${vendor.name}-drop`, { ...shared, ...vendor, vendorName: vendor.name, region: args.region }, inRegion(args.region));
            this.vendorDropOutputs[vendor.name] = {
                bucketName: vendor.bucketName,
                bucketArn: drop.bucket.bucketArn,
                prefix: vendor.prefix,
                ...(drop.bucket.kmsKeyArn ? { kmsKeyArn: drop.bucket.kmsKeyArn } : {}),
            };
        }

        for (const service of args.serviceDestinations ?? []) {
            const destination = new ServiceDestination(`${name}-${service.name}-sync`, { ...shared, ...service, region: args.region }, inRegion(args.region));
            this.serviceDestinationOutputs[service.name] = {
                bucketName: service.bucketName,
                bucketArn: destination.bucket.bucketArn,
                roleArn: destination.roleArn,
                ...(destination.bucket.kmsKeyArn ? { kmsKeyArn: destination.bucket.kmsKeyArn } : {}),
            };
        }

        this.registerOutputs({ links: this.linkOutputs, vendorDrops: this.vendorDropOutputs, serviceDestinations: this.serviceDestinationOutputs });
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
