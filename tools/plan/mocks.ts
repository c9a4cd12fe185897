/**
 * Mocks for running the real program offline. They return what AWS would
 * (IDs and ARNs derived from names, account and region) and throw on anything
 * they do not know, so a plan never passes on a silently invented value.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { partitionOf } from "../../infra/config/rules";
import { standInKeyId } from "../../infra/contract/assigned";
import { arns } from "../../infra/policies/document";

/**
 * Outputs of the stacks that exist, by fully qualified stack name, for
 * StackReference reads. `{}` is a stack created with `pulumi stack init` and
 * never deployed; a name that is absent is a stack that does not exist.
 */
export type StackOutputsByName = Record<string, Record<string, unknown>>;

/**
 * The engine's answer to a reference to a stack that does not exist
 * (pulumi/pulumi pkg/backend/backend.go, backendClient.GetStackOutputs:
 * `errors.Errorf("unknown stack %q", name)`); the update fails on it.
 */
export function unknownStackError(name: string): Error {
    return new Error(`unknown stack ${JSON.stringify(name)}`);
}

export interface PlanMocksOptions {
    accountId: string;
    defaultRegion: string;
    stackOutputs: StackOutputsByName;
}

function shortHash(text: string, length: number): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

type StateOf = (args: pulumi.runtime.MockResourceArgs, ctx: { region: string; partition: string; accountId: string }) => { id: string; state: Record<string, unknown> };

/** Split S3 bucket settings: AWS identifies each by its bucket's name. */
const bucketSetting: StateOf = (args) => ({ id: String(args.inputs.bucket), state: {} });

const RESOURCE_STATES: Record<string, StateOf> = {
    "aws:s3/bucket:Bucket": (args, { region, partition }) => {
        const bucket = String(args.inputs.bucket);
        return {
            id: bucket,
            state: {
                arn: arns.bucket(partition, bucket),
                bucketDomainName: `${bucket}.s3.amazonaws.com`,
                bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
                region,
            },
        };
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSetting,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSetting,
    "aws:s3/bucketVersioning:BucketVersioning": bucketSetting,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketSetting,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketSetting,
    "aws:s3/bucketPolicy:BucketPolicy": bucketSetting,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": bucketSetting,
    "aws:s3/bucketLogging:BucketLogging": bucketSetting,
    "aws:s3/bucketNotification:BucketNotification": bucketSetting,
    "aws:sns/topic:Topic": (args, { region, partition, accountId }) => {
        const arn = arns.snsTopic(partition, region, accountId, String(args.inputs.name));
        return { id: arn, state: { arn, owner: accountId } };
    },
    "aws:sns/topicPolicy:TopicPolicy": (args) => ({ id: String(args.inputs.arn), state: { owner: String(args.inputs.arn).split(":")[4] } }),
    "aws:sns/topicSubscription:TopicSubscription": (args) => {
        const arn = `${String(args.inputs.topic)}:${shortHash(`${String(args.inputs.protocol)}:${String(args.inputs.endpoint)}`, 8)}-0000-4000-8000-000000000000`;
        // AWS keeps e-mail and HTTPS subscriptions pending until the endpoint confirms them.
        return { id: arn, state: { arn, pendingConfirmation: true } };
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": (args, { region, partition, accountId }) => {
        const name = String(args.inputs.name);
        return { id: name, state: { arn: arns.alarm(partition, region, accountId, name) } };
    },
    "aws:cloudtrail/trail:Trail": (args, { region, partition, accountId }) => {
        const name = String(args.inputs.name);
        const arn = arns.trail(partition, region, accountId, name);
        return { id: arn, state: { arn, homeRegion: region } };
    },
    "aws:iam/role:Role": (args, { partition, accountId }) => {
        const name = String(args.inputs.name ?? args.name);
        const path = String(args.inputs.path ?? "/");
        return {
            id: name,
            state: {
                arn: arns.role(partition, accountId, name, path),
                uniqueId: `AROA${shortHash(`${accountId}/${name}`, 17).toUpperCase()}`,
                path,
                createDate: "2026-01-01T00:00:00Z",
            },
        };
    },
    "aws:iam/rolePolicy:RolePolicy": (args) => ({ id: `${String(args.inputs.role)}:${String(args.inputs.name)}`, state: {} }),
    "aws:kms/key:Key": (args, { region, partition, accountId }) => {
        // AWS assigns a key's ID at creation: the plan's is a stand-in that no reader takes for a real one
        // (infra/contract/assigned.ts), derived from the logical name so plans are repeatable.
        const keyId = standInKeyId(shortHash(`${accountId}/${region}/${args.name}`, 12));
        return { id: keyId, state: { keyId, arn: arns.kmsKey(partition, region, accountId, keyId), keyUsage: "ENCRYPT_DECRYPT" } };
    },
    "aws:kms/alias:Alias": (args, { region, partition, accountId }) => ({
        id: String(args.inputs.name),
        state: { arn: arns.kmsAlias(partition, region, accountId, String(args.inputs.name)) },
    }),
};

export class PlanMocks implements pulumi.runtime.Mocks {
    /** Provider resource ID -> region, so each resource gets its own provider's region. */
    private readonly providerRegions = new Map<string, string>();
    /** What newResource returned, by `type::name`, for the plan's export. */
    readonly statesByTypeAndName = new Map<string, { id?: string; state: Record<string, unknown> }>();
    /** Stack references the program read, and whether the referenced stack had outputs. */
    readonly stackReferencesRead: { name: string; resolved: boolean }[] = [];
    /** References to stacks that do not exist: the engine fails the update on each. */
    readonly unknownStacks: string[] = [];

    constructor(private readonly options: PlanMocksOptions) {}

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const result = this.resultFor(args);
        this.statesByTypeAndName.set(`${args.type}::${args.name}`, result);
        return result;
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const message = `the offline plan does not mock the function ${args.token}; add it to tools/plan/mocks.ts with a realistic result`;
        // The SDK rethrows a mock's error as new Error(err.details) (runtime/invoke.js): without details the message is lost.
        throw Object.assign(new Error(message), { details: message });
    }

    private resultFor(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        if (args.type === "pulumi:pulumi:StackReference") {
            const name = String(args.inputs.name);
            const outputs = Object.prototype.hasOwnProperty.call(this.options.stackOutputs, name) ? this.options.stackOutputs[name] : undefined;
            if (outputs === undefined) {
                // As the engine: a stack that was never created is an error, not empty outputs.
                this.unknownStacks.push(name);
                throw unknownStackError(name);
            }
            // A stack created but never deployed has no root resource, so its outputs are empty.
            this.stackReferencesRead.push({ name, resolved: Object.keys(outputs).length > 0 });
            return { id: name, state: { name, outputs, secretOutputNames: [] } };
        }
        if (args.type.startsWith("pulumi:providers:")) {
            const id = `provider-${shortHash(args.name, 12)}`;
            this.providerRegions.set(id, String(args.inputs.region ?? this.options.defaultRegion));
            return { id, state: { ...args.inputs } };
        }
        if (!args.custom) return { id: undefined, state: {} };
        const stateOf = RESOURCE_STATES[args.type];
        if (!stateOf) {
            throw new Error(`the offline plan does not mock resource type ${args.type} (${args.name}); add it to tools/plan/mocks.ts with realistic outputs`);
        }
        const providerId = args.provider?.split("::").pop() ?? "";
        const region = this.providerRegions.get(providerId) ?? this.options.defaultRegion;
        const { id, state } = stateOf(args, { region, partition: partitionOf(region), accountId: this.options.accountId });
        return { id, state: { ...args.inputs, ...state } };
    }
}
