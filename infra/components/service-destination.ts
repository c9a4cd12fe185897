import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CounterpartState } from "../config/keys";
import { serviceTrustPolicy, serviceWritePolicy } from "../policies/direct-access";
import { arns } from "../policies/document";
import { dataBucketArgs, DataBucketSettings, SecureBucket } from "./secure-bucket";

export interface ServiceDestinationArgs extends DataBucketSettings {
    bucketName: string;
    roleName: string;
    region: string;
    /** The data-sync service's AWS principal, from its trust-policy template. */
    servicePrincipalArn: string;
    /** The external ID the service shows for our connection. */
    externalId: string;
    /** The service writes only under `{prefix}/`. Default: anywhere in the bucket. */
    prefix?: string;
    /**
     * Grant `s3:DeleteObject` while the service's connection test (which deletes
     * its test artifact) is pending, so the first connection succeeds; false
     * once the test has passed: the destination is append-only afterwards, and
     * the plan warns while it stays on.
     */
    connectionTestPending: boolean;
    /**
     * Where the service is in its life, as a counterpart: `offboarding` revokes
     * the writer role's permissions at once (the role stays, granting nothing,
     * so that its ARN the service knows does not change under it) while the
     * bucket keeps every protection; `retired` also lifts `protect`
     * (everything stays retained on delete), so that the entry can then leave
     * config. Default: `active`.
     */
    state?: CounterpartState;
}

/**
 * A destination bucket for an external data-sync service that assumes a role
 * of ours (role-based access only: no IAM user, no long-lived access keys).
 */
export class ServiceDestination extends pulumi.ComponentResource {
    readonly bucket: SecureBucket;
    readonly role: aws.iam.Role;
    readonly roleArn: string;

    constructor(name: string, args: ServiceDestinationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("transfer:service:ServiceDestination", name, {}, opts);
        const child = { parent: this };
        const state = args.state ?? "active";
        this.bucket = new SecureBucket(
            name,
            {
                bucketName: args.bucketName,
                ...dataBucketArgs(args, state),
                keyGrants: [],
                grantStatements: [],
            },
            child,
        );
        this.roleArn = arns.role(args.partition, args.accountId, args.roleName);
        this.role = new aws.iam.Role(
            `${name}-writer`,
            {
                name: args.roleName,
                description: `Assumed by a data-sync service to write into ${args.bucketName}`,
                assumeRolePolicy: JSON.stringify(serviceTrustPolicy({ servicePrincipalArn: args.servicePrincipalArn, externalId: args.externalId })),
                maxSessionDuration: 3600,
            },
            child,
        );
        // The role is the service's grant: an offboarded service keeps a role that may do nothing.
        if (state === "active") this.grantWrite(name, args);
        this.registerOutputs({ bucketName: this.bucket.bucketName, roleArn: this.roleArn, kmsKeyArn: this.bucket.kmsKeyArn });
    }

    /** The role's one permission policy: write (and, while the connection test is pending, delete) into the bucket. */
    private grantWrite(name: string, args: ServiceDestinationArgs): void {
        new aws.iam.RolePolicy(
            `${name}-writer`,
            {
                role: this.role.name,
                name: "write-destination",
                policy: pulumi.output(this.bucket.kmsKeyArn).apply((kmsKeyArn) =>
                    JSON.stringify(
                        serviceWritePolicy({
                            bucketArn: this.bucket.bucketArn,
                            prefix: args.prefix,
                            connectionTestPending: args.connectionTestPending,
                            kmsKeyArn,
                            region: args.region,
                        }),
                    ),
                ),
            },
            { parent: this },
        );
        if (args.connectionTestPending) {
            pulumi.log.warn(
                `${args.bucketName}: the data-sync service's role may still delete files (connectionTestPending is on, the default) for its connection test; once the test has passed, set connectionTestPending: false on this service destination and run pulumi up, so the destination becomes append-only`,
            );
        }
    }
}
