/**
 * A stand-in for Pulumi's `aws` resource plugin, for the engine tests only (see README.md):
 * the real plugin cannot be downloaded here and AWS cannot be reached. The engine finds it as
 * `pulumi-resource-aws` at the version @pulumi/aws asks for, and drives it through the same
 * gRPC protocol as the real one (Pulumi's Node.js provider SDK serves it).
 *
 * What "AWS" computes (IDs, ARNs) comes from the offline plan's mocks (tools/plan/mocks.ts),
 * so the engine run and the offline plan share one derivation, except what AWS draws at random
 * when it creates a resource (ASSIGNED_AT_RANDOM): there the stand-in draws too, as AWS does,
 * and keeps the value for the resource's life. What the stand-in adds is state: a resource
 * exists from create to delete in a StandInCloud, reads return it as it is there now, and a
 * diff replaces on the properties AWS cannot change in place.
 */
import { randomUUID } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { PlanMocks } from "../../../tools/plan/mocks";
import { CloudRecord, StandInCloud } from "./cloud";

export const AWS_PLUGIN_VERSION: string = require("@pulumi/aws/package.json").version;

/** The engine's marker for a value not known during a preview (sdk/go/common/resource/plugin/rpc.go, UnknownStringValue). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The inputs AWS cannot change on a live resource, so a change replaces it: the arguments the
 * AWS provider's documentation marks "Forces new resource" (pulumi-aws is bridged from the
 * Terraform AWS provider and keeps its ForceNew flags). Since provider v7 every resource also
 * takes `region`, and moving a resource to another region replaces it.
 */
const S3_BUCKET_SETTING = ["bucket", "expectedBucketOwner", "region"];
export const REPLACE_ON: Record<string, string[]> = {
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled", "region"],
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_public_access_block (and the other s3_bucket_* pages)
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": S3_BUCKET_SETTING,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": S3_BUCKET_SETTING,
    "aws:s3/bucketVersioning:BucketVersioning": S3_BUCKET_SETTING,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": S3_BUCKET_SETTING,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": S3_BUCKET_SETTING,
    "aws:s3/bucketPolicy:BucketPolicy": S3_BUCKET_SETTING,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": S3_BUCKET_SETTING,
    "aws:s3/bucketLogging:BucketLogging": S3_BUCKET_SETTING,
    "aws:s3/bucketNotification:BucketNotification": S3_BUCKET_SETTING,
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sns_topic
    "aws:sns/topic:Topic": ["name", "namePrefix", "fifoTopic", "region"],
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sns_topic_policy
    "aws:sns/topicPolicy:TopicPolicy": ["arn", "region"],
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sns_topic_subscription
    "aws:sns/topicSubscription:TopicSubscription": ["topic", "protocol", "endpoint", "region"],
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_metric_alarm
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["name", "region"],
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
    "aws:cloudtrail/trail:Trail": ["name", "region"],
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policy
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key
    "aws:kms/key:Key": ["customerMasterKeySpec", "keySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId", "region"],
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_alias
    "aws:kms/alias:Alias": ["name", "namePrefix", "region"],
};

/**
 * The error AWS answers when a create names something that already exists; the other
 * resources are written by idempotent puts (PutBucketVersioning, PutRolePolicy, CreateTopic,
 * PutMetricAlarm, ...), which overwrite.
 */
const ALREADY_EXISTS: Record<string, (record: CloudRecord, existing: CloudRecord) => string> = {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html (Errors). Not modelled: in us-east-1,
    // S3 answers 200 to the owner re-creating its own bucket.
    "aws:s3/bucket:Bucket": (record, existing) =>
        existing.accountId === record.accountId
            ? `BucketAlreadyOwnedByYou: Your previous request to create the named bucket succeeded and you already own it. (bucket ${record.id})`
            : `BucketAlreadyExists: The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again. (bucket ${record.id})`,
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
    "aws:iam/role:Role": (record) => `EntityAlreadyExists: Role with name ${record.id} already exists.`,
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
    "aws:kms/alias:Alias": (record) => `AlreadyExistsException: An alias with the name ${String(record.outputs.arn)} already exists`,
    // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
    "aws:cloudtrail/trail:Trail": (record) => `TrailAlreadyExistsException: Trail ${String(record.inputs.name)} already exists for customer: ${record.accountId}`,
};

/**
 * The values AWS draws at random when it creates a resource, and which the offline plan can only
 * stand in for (infra/contract/assigned.ts): a KMS key's ID is a random UUID that CreateKey returns
 * (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id), and the key's ARN
 * ends with it. The stand-in draws one per key at create, as AWS does, so the engine tests see
 * real-looking key IDs where the plan shows its recognisable stand-ins; an update keeps it.
 */
/** By type: the outputs that carry the drawn ID (the resource's ID is the drawn value itself). */
const ASSIGNED_AT_RANDOM: Record<string, string[]> = {
    "aws:kms/key:Key": ["keyId", "arn"],
};

/** The mocks' result with the stand-in key ID replaced by a random one, wherever it appears. */
function drawnAtCreate(type: string, computed: { id: string; outputs: Record<string, unknown> }): { id: string; outputs: Record<string, unknown> } {
    if (!ASSIGNED_AT_RANDOM[type]) return computed;
    const drawn = randomUUID();
    const replaced = (value: unknown) => (typeof value === "string" ? value.split(computed.id).join(drawn) : value);
    return { id: drawn, outputs: Object.fromEntries(Object.entries(computed.outputs).map(([key, value]) => [key, replaced(value)])) };
}

/** The type and logical name a URN names (`urn:pulumi:<stack>::<project>::<parent$>type::<name>`). */
export function typeAndNameOfUrn(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    return { type: parts[2].split("$").pop() as string, name: parts.slice(3).join("::") };
}

/** The provider's configuration as Configure sends it: the AWS provider's inputs, non-strings JSON-encoded. */
export interface ProviderConfig {
    region: string;
    allowedAccountIds: string[];
}

export class StandInAwsProvider implements provider.Provider {
    readonly version = AWS_PLUGIN_VERSION;
    private config?: ProviderConfig & { accountId: string };

    constructor(
        private readonly cloud: StandInCloud,
        /** The account of the credentials the provider runs with; default: the first allowed one. */
        private readonly callerAccountId?: string,
    ) {}

    /**
     * As the AWS provider: the caller's account must be one of allowedAccountIds, or nothing is
     * done (terraform-provider-aws internal/conns/config.go: "AWS account ID not allowed: <id>").
     */
    configure(config: ProviderConfig): void {
        const accountId = this.callerAccountId ?? config.allowedAccountIds[0];
        if (!accountId) throw new Error("the stand-in aws provider has no credentials: set STANDIN_AWS_ACCOUNT_ID or allowedAccountIds");
        if (config.allowedAccountIds.length && !config.allowedAccountIds.includes(accountId)) throw new Error(`AWS account ID not allowed: ${accountId}`);
        this.config = { ...config, accountId };
    }

    private configured(): ProviderConfig & { accountId: string } {
        if (!this.config) throw new Error("the stand-in aws provider was used before Configure");
        return this.config;
    }

    private known(type: string): void {
        if (!(type in REPLACE_ON)) {
            throw new Error(
                `the stand-in aws provider does not implement resource type ${type}; add it to tests/engine/aws-provider/provider.ts (and its outputs to tools/plan/mocks.ts)`,
            );
        }
    }

    /** What AWS computes for a resource, derived as the offline plan's mocks derive it. */
    private computed(type: string, name: string, inputs: Record<string, unknown>): { id: string; outputs: Record<string, unknown> } {
        const { region, accountId } = this.configured();
        const mocks = new PlanMocks({ accountId, defaultRegion: region, stackOutputs: {} });
        const { id, state } = mocks.newResource({ type, name, inputs, custom: true } as pulumi.runtime.MockResourceArgs);
        if (!id) throw new Error(`the offline mocks gave ${type} ${name} no ID`);
        return { id, outputs: state };
    }

    /** The keys of a state that AWS computed rather than the program set. */
    private computedKeys(type: string): string[] {
        return Object.keys(this.computed(type, "computed-keys", {}).outputs);
    }

    async check(urn: string, _olds: unknown, news: Record<string, unknown>): Promise<provider.CheckResult> {
        this.known(typeAndNameOfUrn(urn).type);
        return { inputs: news };
    }

    async diff(_id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<provider.DiffResult> {
        const { type } = typeAndNameOfUrn(urn);
        this.known(type);
        const computed = this.computedKeys(type);
        const keys = new Set([...Object.keys(news), ...Object.keys(olds).filter((key) => !computed.includes(key))]);
        const changed = [...keys].filter((key) => {
            if (computed.includes(key) && !(key in news)) return false;
            return JSON.stringify(news[key]) !== JSON.stringify(olds[key]) || JSON.stringify(news[key] ?? null).includes(UNKNOWN);
        });
        return { changes: changed.length > 0, replaces: changed.filter((key) => REPLACE_ON[type].includes(key)) };
    }

    async create(urn: string, inputs: Record<string, unknown>): Promise<provider.CreateResult> {
        const { type, name } = typeAndNameOfUrn(urn);
        this.known(type);
        const { region, accountId } = this.configured();
        const { id, outputs } = drawnAtCreate(type, this.computed(type, name, inputs));
        const record: CloudRecord = { type, id, accountId, region, inputs, outputs };
        const existing = this.cloud.get(type, id, accountId);
        if (existing && ALREADY_EXISTS[type]) throw new Error(ALREADY_EXISTS[type](record, existing));
        this.cloud.put(record);
        return { id, outs: outputs };
    }

    /** The resource as it is in the cloud now; gone (no ID) when it was deleted there. */
    async read(id: string, urn: string): Promise<provider.ReadResult> {
        const { type } = typeAndNameOfUrn(urn);
        this.known(type);
        const record = this.cloud.get(type, id, this.configured().accountId);
        if (!record) return {};
        return { id, props: record.outputs, inputs: record.inputs };
    }

    async update(id: string, urn: string, _olds: unknown, news: Record<string, unknown>): Promise<provider.UpdateResult> {
        const { type, name } = typeAndNameOfUrn(urn);
        this.known(type);
        const { region, accountId } = this.configured();
        const existing = this.cloud.get(type, id, accountId);
        if (!existing) throw new Error(`NotFound: ${type} ${id} does not exist (deleted outside Pulumi); run pulumi refresh`);
        const kept = Object.fromEntries((ASSIGNED_AT_RANDOM[type] ?? []).map((key) => [key, existing.outputs[key]]));
        const outputs = { ...this.computed(type, name, news).outputs, ...kept };
        this.cloud.put({ type, id, accountId, region, inputs: news, outputs });
        return { outs: outputs };
    }

    async delete(id: string, urn: string): Promise<void> {
        const { type } = typeAndNameOfUrn(urn);
        this.known(type);
        this.cloud.delete(type, id, this.configured().accountId);
    }

    async invoke(token: string): Promise<provider.InvokeResult> {
        throw new Error(`the stand-in aws provider does not implement function ${token}; add it to tests/engine/aws-provider/provider.ts with the result AWS gives`);
    }
}
