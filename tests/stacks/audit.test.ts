/** Access logs for every data bucket, the log bucket's protections, and the optional CloudTrail data events. */
import * as assert from "assert";
import * as path from "path";
import { Plan } from "../../tools/plan/engine";
import {
    ALL_STACKS,
    configVariant,
    dataBuckets,
    documentOf,
    expectedTransportDenies,
    fixtureFile,
    forBucket,
    logBucketNames,
    ofType,
    one,
    plan,
    planUncached,
    T,
} from "../helpers/plans";

const ROOT = path.join(__dirname, "..", "..");

function withConfig(source: string, change: Record<string, unknown>): string {
    return configVariant(source, (config) => Object.assign(config, change));
}

function logBucketIn(p: Plan, region: string): string {
    return (p.outputs.audit as { logBuckets: Record<string, string> }).logBuckets[region];
}

/** IAM's ArnLike: `*` matches any run of characters, `?` one (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN). */
function arnLike(pattern: string, arn: string): boolean {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${regex}$`).test(arn);
}

/**
 * A grant's sources, for any config: every data bucket of the region is
 * admitted, and no other bucket of the side (a data bucket of another region,
 * a log bucket); each entry is a data bucket's ARN or a prefix of the side's
 * derived names (`<bucketPrefix>-…*`, infra/naming/bucket-patterns.ts).
 */
function assertCoversExactly(p: Plan, patterns: string[], region: string | undefined, label: string): void {
    const all = dataBuckets(p).map((b) => ({ arn: b.outputs.arn as string, region: b.outputs.region as string }));
    const inside = all.filter((b) => region === undefined || b.region === region).map((b) => b.arn);
    const outside = [...all.filter((b) => region !== undefined && b.region !== region).map((b) => b.arn), ...logBucketNames(p).map((n) => `arn:aws:s3:::${n}`)];
    for (const arn of inside)
        assert.ok(
            patterns.some((pattern) => arnLike(pattern, arn)),
            `${label}: ${arn} is admitted`,
        );
    for (const arn of outside) assert.ok(!patterns.some((pattern) => arnLike(pattern, arn)), `${label}: ${arn} is not`);
    const prefix = `arn:aws:s3:::${logBucketNames(p)[0].replace(/-logs-[a-z0-9-]+$/, "")}-`;
    for (const pattern of patterns)
        assert.ok(inside.includes(pattern) || (pattern.startsWith(prefix) && pattern.endsWith("*")), `${label}: ${pattern} is a bucket or one of the side's prefixes`);
}

for (const stack of ALL_STACKS) {
    describe(`stack ${stack}: audit trail`, () => {
        it("logs every data bucket into its region's log bucket, partitioned by event time, after the log bucket admits it", async () => {
            const p = await plan(stack);
            const data = dataBuckets(p);
            assert.ok(data.length >= 2);
            for (const bucket of data) {
                const name = bucket.inputs.bucket as string;
                const logBucket = logBucketIn(p, bucket.outputs.region as string);
                const logging = forBucket(p, T.logging, name);
                assert.deepStrictEqual(logging.inputs, {
                    bucket: name,
                    targetBucket: logBucket,
                    targetPrefix: `s3-access-logs/${name}/`,
                    targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
                });
                assert.ok(logging.dependencies.includes(forBucket(p, T.policy, logBucket).urn), `${name}'s logging must wait for the log bucket's policy`);
            }
        });

        it("never logs the log bucket into itself", async () => {
            const p = await plan(stack);
            for (const logBucket of logBucketNames(p)) assert.strictEqual(ofType(p, T.logging).filter((r) => r.inputs.bucket === logBucket).length, 0);
        });

        it("protects the log bucket like a data bucket and keeps logs for 365 days", async () => {
            const p = await plan(stack);
            for (const name of logBucketNames(p)) {
                const bucket = forBucket(p, T.bucket, name);
                assert.strictEqual(bucket.protect, true);
                assert.strictEqual(bucket.retainOnDelete, true);
                assert.deepStrictEqual(forBucket(p, T.versioning, name).inputs.versioningConfiguration, { status: "Enabled" });
                assert.deepStrictEqual(forBucket(p, T.encryption, name).inputs.rules, [
                    { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
                ]);
                assert.deepStrictEqual(forBucket(p, T.ownership, name).inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
                const bpa = forBucket(p, T.publicAccessBlock, name).inputs;
                assert.deepStrictEqual([bpa.blockPublicAcls, bpa.blockPublicPolicy, bpa.ignorePublicAcls, bpa.restrictPublicBuckets], [true, true, true, true]);
                assert.deepStrictEqual(forBucket(p, T.lifecycle, name).inputs.rules, [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays: 7 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                    { id: "expire-current-objects", status: "Enabled", filter: { prefix: "" }, expiration: { days: 365 } },
                ]);
            }
        });

        it("grants only the logging service, from this account, for exactly our buckets, beside the transport denies", async () => {
            const p = await plan(stack);
            const accountId = p.outputs.accountId as string;
            for (const name of logBucketNames(p)) {
                const arn = `arn:aws:s3:::${name}`;
                const region = forBucket(p, T.bucket, name).outputs.region as string;
                const grant = documentOf(forBucket(p, T.policy, name)).Statement.find((st) => st.Sid === "S3ServerAccessLogDelivery") as {
                    Condition: { ArnLike: { "aws:SourceArn": string[] } };
                };
                const sources = grant.Condition.ArnLike["aws:SourceArn"];
                assertCoversExactly(p, sources, region, name);
                assert.deepStrictEqual(documentOf(forBucket(p, T.policy, name)), {
                    Version: "2012-10-17",
                    Statement: [
                        ...expectedTransportDenies(arn),
                        {
                            Sid: "DenyKmsUploads",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:PutObject",
                            Resource: `${arn}/*`,
                            Condition: { StringEquals: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] } },
                        },
                        {
                            Sid: "DenySseCUploads",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:PutObject",
                            Resource: `${arn}/*`,
                            Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
                        },
                        {
                            Sid: "S3ServerAccessLogDelivery",
                            Effect: "Allow",
                            Principal: { Service: "logging.s3.amazonaws.com" },
                            Action: "s3:PutObject",
                            Resource: `${arn}/s3-access-logs/*`,
                            Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": sources } },
                        },
                    ],
                });
            }
            assert.strictEqual(ofType(p, T.trail).length, 0, "CloudTrail data events are off by default");
        });
    });
}

describe("audit configuration", () => {
    it("keeps one log bucket per region, each admitting only its region's buckets", async () => {
        const p = await plan({ stack: "cross-region", configFile: path.join(ROOT, "stacks", "examples", "cross-region.yaml") });
        assert.deepStrictEqual(Object.keys((p.outputs.audit as { logBuckets: object }).logBuckets).sort(), ["eu-west-1", "us-east-1"]);
        for (const region of ["eu-west-1", "us-east-1"]) {
            const logBucket = logBucketIn(p, region);
            assert.strictEqual(forBucket(p, T.bucket, logBucket).outputs.region, region);
            const grant = documentOf(forBucket(p, T.policy, logBucket)).Statement.find((s) => s.Sid === "S3ServerAccessLogDelivery") as unknown as {
                Condition: { ArnLike: { "aws:SourceArn": string[] } };
            };
            // The counterpart's two buckets by the prefix they share and no other bucket of the side has.
            const counterpart = region === "eu-west-1" ? "eurolink" : "cdlx";
            assert.deepStrictEqual(grant.Condition.ArnLike["aws:SourceArn"], [`arn:aws:s3:::acme-bank-cross-region-${counterpart}-*`]);
            assertCoversExactly(p, grant.Condition.ArnLike["aws:SourceArn"], region, logBucket);
        }
    });

    it("honours s3-transfer:logRetentionDays", async () => {
        const p = await planUncached({ stack: "prod", configFile: withConfig(fixtureFile("prod"), { "s3-transfer:logRetentionDays": 90 }) });
        const [name] = logBucketNames(p);
        assert.deepStrictEqual((forBucket(p, T.lifecycle, name).inputs.rules as Record<string, unknown>[])[1].expiration, { days: 90 });
    });

    it("creates a trail of object-level events on the data buckets only, delivered under cloudtrail/ with the trail-pinned grants", async () => {
        const p = await planUncached({ stack: "prod", configFile: withConfig(fixtureFile("prod"), { "s3-transfer:auditTrail": "create" }) });
        const trail = one(p, T.trail);
        const [logBucket] = logBucketNames(p);
        const trailArn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/acme-bank-transfer-data-events";
        assert.strictEqual(trail.outputs.arn, trailArn);
        const [selector] = trail.inputs.advancedEventSelectors as { name: string; fieldSelectors: { field: string; equals?: string[]; startsWiths?: string[] }[] }[];
        const starts = selector.fieldSelectors[2].startsWiths ?? [];
        assert.deepStrictEqual(selector, {
            name: "Object events on exchanged files",
            fieldSelectors: [
                { field: "eventCategory", equals: ["Data"] },
                { field: "resources.type", equals: ["AWS::S3::Object"] },
                { field: "resources.ARN", startsWiths: starts },
            ],
        });
        // StartsWith takes no wildcard (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html):
        // an object of every data bucket starts with a value, an object of the log bucket with none.
        const selects = (objectArn: string) => starts.some((v) => objectArn.startsWith(v));
        for (const b of dataBuckets(p)) assert.ok(selects(`${b.outputs.arn as string}/any/key`), `${b.outputs.arn as string}`);
        for (const log of logBucketNames(p)) assert.ok(!selects(`arn:aws:s3:::${log}/cloudtrail/x`), `${log} records nothing of itself`);
        assert.strictEqual(trail.inputs.s3BucketName, logBucket);
        assert.strictEqual(trail.inputs.s3KeyPrefix, "cloudtrail");
        assert.strictEqual(trail.inputs.enableLogFileValidation, true);
        assert.strictEqual(trail.inputs.isMultiRegionTrail, false);
        assert.strictEqual(trail.inputs.includeGlobalServiceEvents, true);
        assert.ok(trail.dependencies.includes(forBucket(p, T.policy, logBucket).urn), "CloudTrail checks the bucket policy when the trail is created");
        const arn = `arn:aws:s3:::${logBucket}`;
        assert.deepStrictEqual(documentOf(forBucket(p, T.policy, logBucket)).Statement.slice(5), [
            {
                Sid: "CloudTrailAclCheck",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:GetBucketAcl",
                Resource: arn,
                Condition: { StringEquals: { "aws:SourceArn": trailArn } },
            },
            {
                Sid: "CloudTrailDelivery",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${arn}/cloudtrail/AWSLogs/111122223333/*`,
                Condition: { StringEquals: { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
        ]);
    });

    it("extends an existing trail by exporting the selector to add and warning how", async () => {
        const p = await planUncached({
            stack: "prod",
            configFile: withConfig(fixtureFile("prod"), { "s3-transfer:auditTrail": "extend", "s3-transfer:auditTrailName": "org-trail" }),
        });
        assert.strictEqual(ofType(p, T.trail).length, 0);
        const audit = p.outputs.audit as { trail: Record<string, string>; trailEventSelector: { fieldSelectors: { field: string }[] } };
        assert.deepStrictEqual(audit.trail, { mode: "extend", name: "org-trail", arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail" });
        assert.strictEqual(audit.trailEventSelector.fieldSelectors.length, 3);
        assert.match(p.warnings.join("\n"), /add the stack output audit.trailEventSelector to the advanced event selectors of trail org-trail/);
    });

    it("rejects bad audit settings with the key and the fix", async () => {
        for (const [change, key, message] of [
            [{ "s3-transfer:logRetentionDays": 0 }, "s3-transfer:logRetentionDays", /from 1 to 3650/],
            [{ "s3-transfer:auditTrail": "on" }, "s3-transfer:auditTrail", /must be off, create or extend/],
            [{ "s3-transfer:auditTrail": "extend" }, "s3-transfer:auditTrailName", /required when s3-transfer:auditTrail is extend/],
        ] as const) {
            await assert.rejects(
                planUncached({ stack: "prod", configFile: withConfig(fixtureFile("prod"), change) }),
                (err: Error & { problems?: { key: string; problem: string }[] }) => err.problems?.some((p) => p.key === key && message.test(p.problem)) === true,
            );
        }
    });
});
