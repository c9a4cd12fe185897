/**
 * Which input properties force a replacement, for every resource type this
 * program makes. @pulumi/aws bridges terraform-provider-aws, whose schema marks
 * such a field `ForceNew: true`; the engine then plans a replacement (a create
 * and a delete of the old resource). Taken from the provider's source,
 * https://github.com/hashicorp/terraform-provider-aws/tree/main/internal/service:
 * - s3/bucket.go: `bucket`, `bucket_prefix`, `object_lock_enabled`;
 * - s3/bucket_{versioning,server_side_encryption_configuration,lifecycle_configuration,logging}.go:
 *   `bucket`, `expected_bucket_owner`;
 * - s3/bucket_{public_access_block,ownership_controls,policy,replication_configuration,notification}.go: `bucket`;
 * - iam/role.go: `name`, `name_prefix`, `path`; iam/role_policy.go: `name`, `name_prefix`, `role`;
 * - kms/key.go: `customer_master_key_spec`, `key_usage`, `multi_region`, `custom_key_store_id`, `xks_key_id`;
 *   kms/alias.go: `name`, `name_prefix`;
 * - sns/topic.go: `name`, `name_prefix`, `fifo_topic`; sns/topic_policy.go: `arn`;
 *   sns/topic_subscription.go: `topic_arn`, `protocol`, `endpoint`, `endpoint_auto_confirms`, `confirmation_timeout_in_minutes`;
 * - cloudwatch/metric_alarm.go: `alarm_name`; cloudtrail/trail.go: `name`.
 * (The Pulumi names are the camelCase of each; `topic_arn` is `topic`, `alarm_name` is `name`.)
 * A resource moved to a provider of another region is replaced too: the engine
 * diffs the provider's config and replaces what a changed provider manages
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go, providerChanged), and a
 * bucket cannot change region. A type not listed here is reported as "changes"
 * with a note that the plan cannot tell an update from a replacement.
 */
export const REPLACED_ON_CHANGE: Record<string, readonly string[]> = {
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
    "aws:s3/bucketVersioning:BucketVersioning": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketLogging:BucketLogging": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["bucket"],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["bucket"],
    "aws:s3/bucketPolicy:BucketPolicy": ["bucket"],
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ["bucket"],
    "aws:s3/bucketNotification:BucketNotification": ["bucket"],
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
    "aws:kms/alias:Alias": ["name", "namePrefix"],
    "aws:sns/topic:Topic": ["name", "namePrefix", "fifoTopic"],
    "aws:sns/topicPolicy:TopicPolicy": ["arn"],
    "aws:sns/topicSubscription:TopicSubscription": ["topic", "protocol", "endpoint", "endpointAutoConfirms", "confirmationTimeoutInMinutes"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
    "aws:cloudtrail/trail:Trail": ["name"],
};
