/** LogBucket built alone: an SSE-S3 SecureBucket that admits only the logging service and our trail. */
import * as assert from "assert";
import { LogBucket } from "../../../infra/components/log-bucket";
import { accessLogDeliveryStatement, cloudTrailDeliveryStatements } from "../../../infra/policies/audit";
import { secureTransportStatements } from "../../../infra/policies/bucket-policy";
import { arns, policyDocument } from "../../../infra/policies/document";
import { uploadEncryptionStatements } from "../../../infra/policies/kms";
import { T } from "../../helpers/plans";
import { assertTree, buildAlone, ComponentBuild, outputsRegisteredBy, policyOf, promiseOf, resource, TEST_ACCOUNT_ID, TEST_PARTITION } from "../../helpers/components";
import { secureBucketTree } from "./fixtures";

const LOG_BUCKET = "acme-logs-eu-west-2";
const LOG_BUCKET_ARN = arns.bucket(TEST_PARTITION, LOG_BUCKET);
/** Two buckets by name and every bucket under one prefix: how the side names its sources (infra/naming/bucket-patterns.ts). */
const SOURCES = { names: ["acme-from-globex", "acme-to-globex"], prefixes: ["acme-prod-p"] };
const SOURCE_PATTERNS = ["arn:aws:s3:::acme-from-globex", "arn:aws:s3:::acme-prod-p*", "arn:aws:s3:::acme-to-globex"];
const TRAIL_ARN = `arn:aws:cloudtrail:eu-west-2:${TEST_ACCOUNT_ID}:trail/acme-data-events`;

function buildLogBucket(trailArn: string | undefined, protect: boolean): Promise<ComponentBuild<LogBucket>> {
    return buildAlone(
        () =>
            new LogBucket("logs", {
                bucketName: LOG_BUCKET,
                accountId: TEST_ACCOUNT_ID,
                partition: TEST_PARTITION,
                sources: SOURCES,
                trailArn,
                retentionDays: 400,
                protect,
            }),
    );
}

describe("LogBucket, built alone", () => {
    let built: ComponentBuild<LogBucket>;
    before(async () => {
        built = await buildLogBucket(TRAIL_ARN, true);
    });

    it("is one SSE-S3 SecureBucket under it, named after it, kept, and not logging itself", () => {
        assertTree(built, ["transfer:audit:LogBucket logs", ...secureBucketTree("logs", "transfer:audit:LogBucket logs", { kms: false, logged: false, protect: true })]);
        assert.deepStrictEqual((resource(built, T.encryption, "logs").inputs.rules as { applyServerSideEncryptionByDefault: unknown }[])[0].applyServerSideEncryptionByDefault, {
            sseAlgorithm: "AES256",
        });
    });

    it("registers its bucket name", () => {
        assert.deepStrictEqual(outputsRegisteredBy(built), { bucketName: LOG_BUCKET });
    });

    it("wires the policy the builders return: the denies, access-log delivery for its sources (by name and by prefix), and our trail's delivery", () => {
        assert.deepStrictEqual(
            policyOf(resource(built, T.policy, "logs")),
            policyDocument([
                ...secureTransportStatements(LOG_BUCKET_ARN),
                ...uploadEncryptionStatements(LOG_BUCKET_ARN, undefined),
                accessLogDeliveryStatement({ logBucketArn: LOG_BUCKET_ARN, accountId: TEST_ACCOUNT_ID, sourceArnPatterns: SOURCE_PATTERNS }),
                ...cloudTrailDeliveryStatements({ logBucketArn: LOG_BUCKET_ARN, accountId: TEST_ACCOUNT_ID, trailArn: TRAIL_ARN }),
            ]),
        );
    });

    it("keeps logs for the retention and overwritten logs for 7 days", () => {
        const rules = resource(built, T.lifecycle, "logs").inputs.rules as { id: string; noncurrentVersionExpiration?: unknown; expiration?: unknown }[];
        assert.deepStrictEqual(
            rules.map((r) => [r.id, r.noncurrentVersionExpiration ?? r.expiration]),
            [
                ["expire-noncurrent-versions", { noncurrentDays: 7 }],
                ["expire-current-objects", { days: 400 }],
            ],
        );
    });

    it("offers itself as the access-log target, to be waited for as a whole", async () => {
        const target = built.component.target();
        assert.strictEqual(await promiseOf(target.targetBucket), LOG_BUCKET);
        assert.deepStrictEqual(target.dependsOn, [built.component]);
    });

    it("without a trail, admits only the logging service; unprotected, is still retained", async () => {
        const alone = await buildLogBucket(undefined, false);
        assertTree(alone, ["transfer:audit:LogBucket logs", ...secureBucketTree("logs", "transfer:audit:LogBucket logs", { kms: false, logged: false, protect: false })]);
        assert.deepStrictEqual(
            policyOf(resource(alone, T.policy, "logs")),
            policyDocument([
                ...secureTransportStatements(LOG_BUCKET_ARN),
                ...uploadEncryptionStatements(LOG_BUCKET_ARN, undefined),
                accessLogDeliveryStatement({ logBucketArn: LOG_BUCKET_ARN, accountId: TEST_ACCOUNT_ID, sourceArnPatterns: SOURCE_PATTERNS }),
            ]),
        );
    });
});
