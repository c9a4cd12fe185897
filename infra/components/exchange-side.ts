import * as pulumi from "@pulumi/pulumi";
import { CounterpartEndpoints, CounterpartLink } from "./counterpart-link";
import { BucketEncryption } from "./secure-bucket";

/** One counterpart of a side, with what it has handed over so far. */
export interface CounterpartSpec {
    name: string;
    root: string;
    egressBucketName: string;
    ingressBucketName: string;
    replicationRoleName: string;
    endpoints: CounterpartEndpoints;
}

export interface ExchangeSideArgs {
    /** Our party name (`transfer:name`): prefixes every child's name. */
    name: string;
    accountId: string;
    partition: string;
    counterparts: CounterpartSpec[];
    /** Replicate delete markers to counterparts. Default: false. */
    deleteMarkerReplication?: boolean;
    /** Noncurrent version expiry of every bucket. Default: 30 days. */
    noncurrentVersionExpirationDays?: number;
    /** Protect every data bucket from deletion. Default: true. */
    protectBuckets?: boolean;
    /** Default encryption of every bucket. Default: SSE-S3. */
    encryption?: BucketEncryption;
}

/** What the other side reads from this side's stack, per counterpart. Flat, non-secret strings. */
export interface LinkOutputs {
    root: string;
    egressBucketName: string;
    egressBucketArn: string;
    ingressBucketName: string;
    ingressBucketArn: string;
    replicationRoleArn: string;
    deleteMarkerReplication: boolean;
    /** "active" once the counterpart's ingress is known, else "pending". */
    replication: "active" | "pending";
    /** "active" once the counterpart's role is admitted to our ingress, else "pending". */
    ingressGrant: "active" | "pending";
}

/**
 * A party's side of the exchange: one CounterpartLink per counterpart. The
 * publisher and partner sides are the same machinery under different type
 * tokens, so that each side's stack and the policy pack can tell them apart.
 */
export abstract class ExchangeSide extends pulumi.ComponentResource {
    readonly links: Record<string, CounterpartLink> = {};
    readonly linkOutputs: Record<string, LinkOutputs> = {};

    protected constructor(type: string, name: string, args: ExchangeSideArgs, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        for (const counterpart of args.counterparts) {
            const link = new CounterpartLink(`${name}-${counterpart.name}`, {
                ownName: args.name,
                ownAccountId: args.accountId,
                partition: args.partition,
                counterpartName: counterpart.name,
                root: counterpart.root,
                egressBucketName: counterpart.egressBucketName,
                ingressBucketName: counterpart.ingressBucketName,
                replicationRoleName: counterpart.replicationRoleName,
                counterpart: counterpart.endpoints,
                deleteMarkerReplication: args.deleteMarkerReplication,
                encryption: args.encryption,
                noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
                protectBuckets: args.protectBuckets,
            }, { parent: this });
            this.links[counterpart.name] = link;
            this.linkOutputs[counterpart.name] = {
                root: counterpart.root,
                egressBucketName: counterpart.egressBucketName,
                egressBucketArn: link.egress.bucketArn,
                ingressBucketName: counterpart.ingressBucketName,
                ingressBucketArn: link.ingress.bucketArn,
                replicationRoleArn: link.replicationRoleArn,
                deleteMarkerReplication: args.deleteMarkerReplication ?? false,
                replication: link.replicating ? "active" : "pending",
                ingressGrant: link.admittingCounterpart ? "active" : "pending",
            };
        }
        this.registerOutputs({ links: this.linkOutputs });
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
