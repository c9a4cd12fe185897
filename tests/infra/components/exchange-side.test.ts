/**
 * Publisher and Partner (ExchangeSide) built alone: which components a side
 * composes, in which region's provider, and the outputs it registers. What
 * each component holds is its own test's subject.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { CounterpartSpec, ExchangeSide, ExchangeSideArgs, Partner, Publisher } from "../../../infra/components/exchange-side";
import { accessLogTargetPrefix, CLOUDTRAIL_PREFIX } from "../../../infra/policies/audit";
import { arns } from "../../../infra/policies/document";
import { T } from "../../helpers/plans";
import { buildAlone, childrenOf, ComponentBuild, nameOf, outputsRegisteredBy, resource, TEST_ACCOUNT_ID, TEST_PARTITION, TEST_REGION } from "../../helpers/components";
import { KMS_KEY, SECURE_BUCKET } from "./fixtures";

const OTHER_REGION = "us-east-1";
const GLOBEX = "444455556666";
const INITECH = "777700001111";
const TRAIL = "acme-data-events";
const TRAIL_ARN = `arn:aws:cloudtrail:${TEST_REGION}:${TEST_ACCOUNT_ID}:trail/${TRAIL}`;
const topicName = (region: string) => `acme-replication-alerts-${region}`;
const topicArn = (region: string) => `arn:aws:sns:${region}:${TEST_ACCOUNT_ID}:${topicName(region)}`;
const bucketArn = (name: string) => arns.bucket(TEST_PARTITION, name);
const roleArn = (name: string) => arns.role(TEST_PARTITION, TEST_ACCOUNT_ID, name);

/** Globex has handed everything over; Initech, in another region, nothing yet. */
const COUNTERPARTS: CounterpartSpec[] = [
    {
        name: "globex",
        state: "active",
        root: "acme",
        fileNamePrefix: "GLOBEX",
        encryption: "SSE-S3",
        egressBucketName: "acme-to-globex",
        ingressBucketName: "acme-from-globex",
        replicationRoleName: "acme-to-globex-replication",
        batchReplicationRoleName: "acme-to-globex-batch",
        bucketRegion: TEST_REGION,
        acceptedHandover: undefined,
        endpoints: {
            accountId: GLOBEX,
            ingressBucketArn: "arn:aws:s3:::globex-from-acme",
            ingressRegion: TEST_REGION,
            ingressKmsKeyArn: undefined,
            replicationRoleArn: `arn:aws:iam::${GLOBEX}:role/globex-to-acme-replication`,
            replicatesDeleteMarkers: false,
        },
    },
    {
        name: "initech",
        state: "active",
        root: "acme",
        fileNamePrefix: "INITECH",
        encryption: "SSE-S3",
        egressBucketName: "acme-to-initech",
        ingressBucketName: "acme-from-initech",
        replicationRoleName: "acme-to-initech-replication",
        batchReplicationRoleName: "acme-to-initech-batch",
        bucketRegion: OTHER_REGION,
        acceptedHandover: undefined,
        endpoints: {
            accountId: INITECH,
            ingressBucketArn: undefined,
            ingressRegion: undefined,
            ingressKmsKeyArn: undefined,
            replicationRoleArn: undefined,
            replicatesDeleteMarkers: false,
        },
    },
];

function sideArgs(providers: Record<string, aws.Provider>): ExchangeSideArgs {
    return {
        name: "acme",
        bucketPrefix: "acme",
        accountId: TEST_ACCOUNT_ID,
        partition: TEST_PARTITION,
        region: TEST_REGION,
        providers,
        counterparts: COUNTERPARTS,
        vendorDrops: [
            {
                name: "sailthru",
                bucketName: "acme-sailthru-drop",
                principalArn: "arn:aws:iam::999900001111:role/sailthru",
                prefix: undefined,
                allowDelete: true,
                accessConfirmation: true,
                state: "active",
            },
        ],
        serviceDestinations: [
            {
                name: "fivetran",
                bucketName: "acme-fivetran-dest",
                roleName: "acme-fivetran-writer",
                servicePrincipalArn: "arn:aws:iam::834469178297:root",
                externalId: "acme-1",
                prefix: undefined,
                connectionTestPending: false,
                state: "active",
            },
        ],
        encryption: "SSE-S3",
        deleteMarkerReplication: false,
        noncurrentVersionExpirationDays: 30,
        expirationDays: undefined,
        protectBuckets: true,
        replicationTrustConditions: false,
        batchTrustConditions: false,
        audit: {
            logBucketNames: { [TEST_REGION]: "acme-logs-eu-west-2", [OTHER_REGION]: "acme-logs-us-east-1" },
            logRetentionDays: 365,
            trail: { mode: "create", trailName: TRAIL },
        },
        monitoring: {
            replicationTimeControl: false,
            subscriptions: [],
            topicNames: { [TEST_REGION]: topicName(TEST_REGION), [OTHER_REGION]: topicName(OTHER_REGION) },
            alarmNamePrefix: "acme-replication-",
        },
    };
}

/** A link's registered outputs that follow from its spec alone (SSE-S3: no keys). */
function expectedLink(spec: CounterpartSpec) {
    return {
        state: spec.state,
        root: spec.root,
        fileNamePrefix: spec.fileNamePrefix,
        region: spec.bucketRegion,
        egressBucketName: spec.egressBucketName,
        egressBucketArn: bucketArn(spec.egressBucketName),
        ingressBucketName: spec.ingressBucketName,
        ingressBucketArn: bucketArn(spec.ingressBucketName),
        replicationRoleArn: roleArn(spec.replicationRoleName),
        batchReplicationRoleArn: roleArn(spec.batchReplicationRoleName),
        deleteMarkerReplication: false,
    };
}

/** The side as stacks/side.ts builds it: one provider per region, outside the component. */
function buildSide(Side: new (name: string, args: ExchangeSideArgs) => ExchangeSide, change: Partial<ExchangeSideArgs> = {}): Promise<ComponentBuild<ExchangeSide>> {
    return buildAlone(() => {
        const providers = Object.fromEntries(
            [TEST_REGION, OTHER_REGION].map((region) => [region, new aws.Provider(`acme-${region}`, { region: region as aws.Region, allowedAccountIds: [TEST_ACCOUNT_ID] })]),
        );
        return new Side("acme", { ...sideArgs(providers), ...change });
    });
}

describe("Publisher (ExchangeSide), built alone", () => {
    let built: ComponentBuild<ExchangeSide>;
    before(async () => {
        built = await buildSide(Publisher);
    });

    it("composes, under its own type token, one component per concern, each named after the side", () => {
        assert.strictEqual(built.resources[0].type, "transfer:side:Publisher");
        assert.deepStrictEqual(
            childrenOf(built),
            [
                "transfer:audit:AuditTrail acme-data-events",
                `transfer:audit:LogBucket acme-logs-${OTHER_REGION}`,
                `transfer:audit:LogBucket acme-logs-${TEST_REGION}`,
                "transfer:link:CounterpartLink acme-globex",
                "transfer:link:CounterpartLink acme-initech",
                `transfer:monitoring:ReplicationAlerts acme-alerts-${OTHER_REGION}`,
                `transfer:monitoring:ReplicationAlerts acme-alerts-${TEST_REGION}`,
                "transfer:service:ServiceDestination acme-fivetran-sync",
                "transfer:vendor:VendorDrop acme-sailthru-drop",
            ].sort(),
        );
    });

    it("holds every data and log bucket in a kept SecureBucket: two per counterpart, one per drop and destination, one log bucket per region", () => {
        const buckets = built.resources.filter((r) => r.type === T.bucket);
        assert.deepStrictEqual(buckets.map((b) => b.inputs.bucket).sort(), [
            "acme-fivetran-dest",
            "acme-from-globex",
            "acme-from-initech",
            "acme-logs-eu-west-2",
            "acme-logs-us-east-1",
            "acme-sailthru-drop",
            "acme-to-globex",
            "acme-to-initech",
        ]);
        assert.strictEqual(built.resources.filter((r) => r.type === SECURE_BUCKET).length, buckets.length);
        assert.deepStrictEqual(
            buckets.filter((b) => !(b.protect && b.retainOnDelete)),
            [],
        );
        assert.deepStrictEqual(
            built.resources
                .filter((r) => r.type === KMS_KEY)
                .map(nameOf)
                .sort(),
            [`acme-alerts-${OTHER_REGION}`, `acme-alerts-${TEST_REGION}`].sort(),
            "SSE-S3: only the alert topics have keys",
        );
    });

    it("puts each resource in its region's provider: a counterpart's in its bucket region, the rest in the stack's", () => {
        const providerOf = (type: string, name: string) => (resource(built, type, name).provider ?? "").split("::")[3];
        assert.deepStrictEqual(
            [providerOf(T.bucket, "acme-initech-egress"), providerOf(T.bucket, `acme-logs-${OTHER_REGION}`), providerOf("aws:sns/topic:Topic", `acme-alerts-${OTHER_REGION}`)],
            [`acme-${OTHER_REGION}`, `acme-${OTHER_REGION}`, `acme-${OTHER_REGION}`],
        );
        assert.deepStrictEqual(
            [
                providerOf(T.bucket, "acme-globex-egress"),
                providerOf(T.bucket, "acme-sailthru-drop"),
                providerOf(T.role, "acme-fivetran-sync-writer"),
                providerOf(T.role, "acme-globex-batch-replication"),
                providerOf(T.trail, "acme-data-events"),
            ],
            Array(5).fill(`acme-${TEST_REGION}`),
        );
        assert.strictEqual(providerOf(T.role, "acme-initech-batch-replication"), `acme-${OTHER_REGION}`, "a link's batch role is in its bucket region's provider (IAM is global)");
    });

    it("replicates to the counterpart that handed over, and waits for the one that has not", () => {
        assert.deepStrictEqual(built.resources.filter((r) => r.type === T.replication).map(nameOf), ["acme-globex-egress"]);
        assert.deepStrictEqual([built.component.links.globex.replicating, built.component.links.initech.replicating], [true, false]);
    });

    it("registers the alert topics, the links, the vendor drops, the service destinations and the audit record", () => {
        const dataBuckets: [string, string][] = [
            ["acme-to-globex", TEST_REGION],
            ["acme-from-globex", TEST_REGION],
            ["acme-to-initech", OTHER_REGION],
            ["acme-from-initech", OTHER_REGION],
            ["acme-sailthru-drop", TEST_REGION],
            ["acme-fivetran-dest", TEST_REGION],
        ];
        const logBuckets: Record<string, string> = { [TEST_REGION]: "acme-logs-eu-west-2", [OTHER_REGION]: "acme-logs-us-east-1" };
        assert.deepStrictEqual(outputsRegisteredBy(built), {
            alertTopics: { [TEST_REGION]: topicArn(TEST_REGION), [OTHER_REGION]: topicArn(OTHER_REGION) },
            links: {
                globex: { ...expectedLink(COUNTERPARTS[0]), replication: "active", ingressGrant: "active" },
                initech: { ...expectedLink(COUNTERPARTS[1]), replication: "pending", ingressGrant: "pending" },
            },
            vendorDrops: { sailthru: { bucketName: "acme-sailthru-drop", bucketArn: bucketArn("acme-sailthru-drop"), prefix: "" } },
            serviceDestinations: { fivetran: { bucketName: "acme-fivetran-dest", bucketArn: bucketArn("acme-fivetran-dest"), roleArn: roleArn("acme-fivetran-writer") } },
            audit: {
                logBuckets,
                accessLogs: Object.fromEntries(dataBuckets.map(([name, region]) => [name, { region, logBucket: logBuckets[region], prefix: accessLogTargetPrefix(name) }])),
                trail: { mode: "create", name: TRAIL, arn: TRAIL_ARN, logPrefix: `${CLOUDTRAIL_PREFIX}/AWSLogs/${TEST_ACCOUNT_ID}/CloudTrail/` },
            },
        });
        assert.deepStrictEqual(built.plan.warnings, []);
    });

    it("refuses a counterpart in a region it has no provider for", async () => {
        await assert.rejects(
            buildAlone(() => new Publisher("acme", { ...sideArgs({ [TEST_REGION]: new aws.Provider(`acme-${TEST_REGION}`, { region: TEST_REGION as aws.Region }) }) })),
            new RegExp(`no AWS provider for region ${OTHER_REGION}`),
        );
    });
});

describe("Partner (ExchangeSide), built alone", () => {
    let built: ComponentBuild<ExchangeSide>;
    before(async () => {
        built = await buildSide(Partner, {
            counterparts: [{ ...COUNTERPARTS[0], encryption: "SSE-KMS" }],
            vendorDrops: [],
            serviceDestinations: [],
            encryption: "SSE-KMS",
            audit: { logBucketNames: { [TEST_REGION]: "acme-logs-eu-west-2" }, logRetentionDays: 365, trail: { mode: "extend", trailName: "org-trail" } },
            monitoring: { replicationTimeControl: false, subscriptions: [], topicNames: { [TEST_REGION]: "acme-replication-alerts" }, alarmNamePrefix: "acme-replication-" },
        });
    });

    it("is the same machinery under its own type token, with no trail of its own when extending one", () => {
        assert.strictEqual(built.resources[0].type, "transfer:side:Partner");
        assert.deepStrictEqual(childrenOf(built), [
            `transfer:audit:LogBucket acme-logs-${TEST_REGION}`,
            "transfer:link:CounterpartLink acme-globex",
            `transfer:monitoring:ReplicationAlerts acme-alerts-${TEST_REGION}`,
        ]);
    });

    it("registers the link's keys with SSE-KMS, and the selector to add to the extended trail", () => {
        const outputs = outputsRegisteredBy(built) as { links: Record<string, Record<string, unknown>>; audit: Record<string, unknown> };
        assert.deepStrictEqual(
            [outputs.links.globex.egressKmsKeyArn, outputs.links.globex.ingressKmsKeyArn],
            [resource(built, KMS_KEY, "acme-globex-egress").outputs.arn, resource(built, KMS_KEY, "acme-globex-ingress").outputs.arn],
        );
        assert.deepStrictEqual(outputs.audit.trail, { mode: "extend", name: "org-trail", arn: `arn:aws:cloudtrail:${TEST_REGION}:${TEST_ACCOUNT_ID}:trail/org-trail` });
        assert.ok(outputs.audit.trailEventSelector, "the selector to merge into the extended trail");
    });
});

describe("ExchangeSide with a different encryption per link", () => {
    let built: ComponentBuild<ExchangeSide>;
    const GLOBEX_KEY = `arn:aws:kms:${TEST_REGION}:${GLOBEX}:key/0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c`;
    before(async () => {
        // The stack's default is SSE-S3; globex's link alone is SSE-KMS, and so is its ingress.
        const globex: CounterpartSpec = { ...COUNTERPARTS[0], encryption: "SSE-KMS", endpoints: { ...COUNTERPARTS[0].endpoints, ingressKmsKeyArn: GLOBEX_KEY } };
        const initech: CounterpartSpec = { ...COUNTERPARTS[1], bucketRegion: TEST_REGION };
        built = await buildSide(Publisher, {
            counterparts: [globex, initech],
            vendorDrops: [],
            serviceDestinations: [],
            encryption: "SSE-S3",
            audit: { logBucketNames: { [TEST_REGION]: "acme-logs-eu-west-2" }, logRetentionDays: 365, trail: { mode: "off" } },
            monitoring: { replicationTimeControl: false, subscriptions: [], topicNames: { [TEST_REGION]: "acme-replication-alerts" }, alarmNamePrefix: "acme-replication-" },
        });
    });

    it("gives the SSE-KMS link's two buckets a key each, and the SSE-S3 link's none", () => {
        const keys = built.resources
            .filter((r) => r.type === KMS_KEY && r.parent !== undefined && !nameOf(r).startsWith("acme-alerts"))
            .map(nameOf)
            .sort();
        assert.deepStrictEqual(keys, ["acme-globex-egress", "acme-globex-ingress"]);
        const outputs = outputsRegisteredBy(built) as { links: Record<string, Record<string, unknown>> };
        assert.ok(outputs.links.globex.ingressKmsKeyArn);
        assert.strictEqual(outputs.links.initech.ingressKmsKeyArn, undefined);
        assert.strictEqual(outputs.links.initech.egressKmsKeyArn, undefined);
    });

    it("encrypts each link's buckets by its own setting, and selects SSE-KMS objects only on the SSE-KMS link's rule", () => {
        const algorithm = (bucket: string) =>
            (resource(built, T.encryption, bucket).inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[])[0].applyServerSideEncryptionByDefault
                .sseAlgorithm;
        assert.deepStrictEqual(["acme-globex-egress", "acme-globex-ingress", "acme-initech-egress", "acme-initech-ingress"].map(algorithm), [
            "aws:kms",
            "aws:kms",
            "AES256",
            "AES256",
        ]);
        const [rule] = resource(built, T.replication, "acme-globex-egress").inputs.rules as Record<string, unknown>[];
        assert.deepStrictEqual(rule.sourceSelectionCriteria, { sseKmsEncryptedObjects: { status: "Enabled" } });
        assert.deepStrictEqual((rule.destination as Record<string, unknown>).encryptionConfiguration, { replicaKmsKeyId: GLOBEX_KEY });
    });

    it("grants each link's Batch Replication role a KMS key only when the link is SSE-KMS", () => {
        const decrypts = (link: string) =>
            (
                JSON.parse(resource(built, T.rolePolicy, `acme-${link}-batch-replication`).inputs.policy as string) as { Statement: { Sid: string; Resource: unknown }[] }
            ).Statement.filter((s) => s.Sid.startsWith("DecryptSourceObjects")).map((s) => s.Resource);
        assert.deepStrictEqual(decrypts("globex"), [resource(built, KMS_KEY, "acme-globex-egress").outputs.arn]);
        assert.deepStrictEqual(decrypts("initech"), []);
    });
});
