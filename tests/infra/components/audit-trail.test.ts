/** AuditTrail built alone (beside the log bucket it delivers to): one trail of data events on the data buckets. */
import * as assert from "assert";
import { AuditTrail } from "../../../infra/components/audit-trail";
import { LogBucket } from "../../../infra/components/log-bucket";
import { CLOUDTRAIL_PREFIX, dataEventSelector } from "../../../infra/policies/audit";
import { T } from "../../helpers/plans";
import { assertTree, buildAlone, ComponentBuild, outputsRegisteredBy, TEST_ACCOUNT_ID, TEST_PARTITION, TEST_REGION } from "../../helpers/components";

const DATA_BUCKETS = { names: ["acme-from-globex", "acme-to-globex"], prefixes: ["acme-prod-p"] };
const LOG_BUCKET = "acme-logs-eu-west-2";
const TRAIL = "acme-data-events";
const COMPONENT = "transfer:audit:AuditTrail trail";

function buildTrail(multiRegion: boolean): Promise<ComponentBuild<AuditTrail>> {
    return buildAlone(() => {
        const logBucket = new LogBucket("logs", {
            bucketName: LOG_BUCKET,
            accountId: TEST_ACCOUNT_ID,
            partition: TEST_PARTITION,
            sources: DATA_BUCKETS,
            trailArn: undefined,
            retentionDays: 365,
            protect: true,
        });
        return new AuditTrail("trail", { trailName: TRAIL, partition: TEST_PARTITION, dataBuckets: DATA_BUCKETS, logBucket, multiRegion });
    });
}

describe("AuditTrail, built alone", () => {
    let built: ComponentBuild<AuditTrail>;
    before(async () => {
        built = await buildTrail(true);
    });

    it("registers one trail under it, named after it", () => {
        assertTree(built, [COMPONENT, `${T.trail} trail < ${COMPONENT}`]);
    });

    it("registers the trail's ARN", () => {
        assert.deepStrictEqual(outputsRegisteredBy(built), { trailArn: `arn:aws:cloudtrail:${TEST_REGION}:${TEST_ACCOUNT_ID}:trail/${TRAIL}` });
    });

    it("records the data buckets' object events into the log bucket, validated, with global service events", () => {
        const trail = built.resources.find((r) => r.type === T.trail);
        assert.ok(trail);
        const { name, s3BucketName, s3KeyPrefix, enableLogFileValidation, includeGlobalServiceEvents, isMultiRegionTrail, advancedEventSelectors } = trail.inputs;
        assert.deepStrictEqual(
            { name, s3BucketName, s3KeyPrefix, enableLogFileValidation, includeGlobalServiceEvents, isMultiRegionTrail, advancedEventSelectors },
            {
                name: TRAIL,
                s3BucketName: LOG_BUCKET,
                s3KeyPrefix: CLOUDTRAIL_PREFIX,
                enableLogFileValidation: true,
                includeGlobalServiceEvents: true,
                isMultiRegionTrail: true,
                // A whole bucket as its ARN and "/"; a prefix as it is: StartsWith takes no wildcard.
                advancedEventSelectors: [dataEventSelector(["arn:aws:s3:::acme-from-globex/", "arn:aws:s3:::acme-prod-p", "arn:aws:s3:::acme-to-globex/"])],
            },
        );
    });

    it("waits for the log bucket's policy, which must admit CloudTrail first", () => {
        const trail = built.resources.find((r) => r.type === T.trail);
        const logPolicy = built.plan.resources.find((r) => r.type === T.policy && r.inputs.bucket === LOG_BUCKET);
        assert.ok(trail && logPolicy && trail.dependencies.includes(logPolicy.urn));
    });

    it("is single-Region when told, still with global service events", async () => {
        const single = (await buildTrail(false)).resources.find((r) => r.type === T.trail);
        assert.deepStrictEqual([single?.inputs.isMultiRegionTrail, single?.inputs.includeGlobalServiceEvents], [false, true]);
    });
});
