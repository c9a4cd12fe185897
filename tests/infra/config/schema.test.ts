/** Each validation rule: a bad value is rejected with its key and a fix, before anything is planned. */
import * as assert from "assert";
import { ConfigError, formatProblems } from "../../../infra/config/errors";
import { qualifiedStackName } from "../../../infra/config/rules";
import { parseSideConfig, sameAccountWarnings } from "../../../infra/config/schema";

const partner = { name: "cdlx", stack: "organization/s3-transfer/partner-prod" };

function publisherConfig(overrides: Record<string, unknown> = {}, partners: unknown[] = [partner]): Record<string, string> {
    const raw: Record<string, unknown> = {
        "aws:region": "us-east-1",
        "s3-transfer:side": "publisher",
        "s3-transfer:name": "acme-bank",
        "s3-transfer:accountId": "111122223333",
        "s3-transfer:partners": partners,
        ...overrides,
    };
    return Object.fromEntries(
        Object.entries(raw)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

function problemsOf(raw: Record<string, string>): { key: string; problem: string; fix: string }[] {
    return problemsOfStack(raw, "prod");
}

function problemsOfStack(raw: Record<string, string>, stack: string): { key: string; problem: string; fix: string }[] {
    try {
        parseSideConfig(raw, stack);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.problems;
    }
    assert.fail("expected the config to be rejected");
}

function assertRejected(raw: Record<string, string>, key: string, problem: RegExp, fix: RegExp = /./): void {
    const problems = problemsOf(raw);
    const found = problems.find((p) => p.key === key);
    assert.ok(found, `expected a problem for ${key}, got ${JSON.stringify(problems)}`);
    assert.match(found.problem, problem);
    assert.match(found.fix, fix);
}

describe("stack config validation", () => {
    it("accepts a valid publisher config and derives names and defaults", () => {
        const config = parseSideConfig(publisherConfig(), "prod");
        assert.deepStrictEqual(config, {
            side: "publisher",
            name: "acme-bank",
            bucketPrefix: "acme-bank-prod",
            roleNamePrefix: "acme-bank",
            accountId: "111122223333",
            region: "us-east-1",
            partition: "aws",
            encryption: "SSE-S3",
            noncurrentVersionExpirationDays: 30,
            deleteMarkerReplication: false,
            protectBuckets: true,
            replicationTrustConditions: false,
            batchTrustConditions: false,
            vendorDrops: [],
            serviceDestinations: [],
            audit: { logBucketNames: { "us-east-1": "acme-bank-prod-logs-us-east-1" }, logRetentionDays: 365, trail: { mode: "off" } },
            monitoring: {
                replicationTimeControl: false,
                subscriptions: [],
                topicNames: { "us-east-1": "acme-bank-prod-replication-alerts-us-east-1" },
                alarmNamePrefix: "acme-bank-prod-replication-",
            },
            counterparts: [
                {
                    name: "cdlx",
                    state: "active",
                    root: "acme-bank",
                    fileNamePrefix: "CDLX",
                    encryption: "SSE-S3",
                    egressBucketName: "acme-bank-prod-cdlx-egress",
                    ingressBucketName: "acme-bank-prod-cdlx-ingress",
                    replicationRoleName: "acme-bank-to-cdlx-replication",
                    batchReplicationRoleName: "acme-bank-to-cdlx-batch",
                    bucketRegion: "us-east-1",
                    source: { kind: "stack", stack: "organization/s3-transfer/partner-prod" },
                    configKey: "s3-transfer:partners[0]",
                },
            ],
        });
    });

    it("defaults a partner's root to the publisher's name", () => {
        const config = parseSideConfig(
            publisherConfig({
                "s3-transfer:side": "partner",
                "s3-transfer:name": "cdlx",
                "s3-transfer:partners": undefined,
                "s3-transfer:publishers": [{ name: "acme-bank", accountId: "444455556666" }],
            }),
            "partner-prod",
        );
        assert.strictEqual(config.counterparts[0].root, "acme-bank");
        assert.deepStrictEqual(config.counterparts[0].source, {
            kind: "handover",
            accountId: "444455556666",
            region: undefined,
            ingressBucketArn: undefined,
            replicationRoleArn: undefined,
            ingressKmsKeyArn: undefined,
            replicatesDeleteMarkers: false,
        });
    });

    it("maps China and GovCloud regions to their partitions", () => {
        assert.strictEqual(parseSideConfig(publisherConfig({ "aws:region": "cn-north-1" }), "prod").partition, "aws-cn");
        assert.strictEqual(parseSideConfig(publisherConfig({ "aws:region": "us-gov-west-1" }), "prod").partition, "aws-us-gov");
    });

    it("requires side, name, account and region", () => {
        const problems = problemsOf({});
        assert.deepStrictEqual(
            problems.map((p) => p.key),
            ["s3-transfer:side", "s3-transfer:name", "s3-transfer:accountId", "aws:region"],
        );
        for (const p of problems) assert.match(p.fix, /pulumi config set/);
    });

    it("rejects an unknown side", () => assertRejected(publisherConfig({ "s3-transfer:side": "consumer" }), "s3-transfer:side", /must be publisher or partner, got "consumer"/));
    it("rejects an account ID that is not 12 digits", () =>
        assertRejected(
            publisherConfig({ "s3-transfer:accountId": "12345" }),
            "s3-transfer:accountId",
            /12-digit AWS account ID, got "12345"/,
            /pulumi config set s3-transfer:accountId/,
        ));
    it("rejects a malformed region", () => assertRejected(publisherConfig({ "aws:region": "useast1" }), "aws:region", /AWS region such as us-east-1/));
    it("rejects an uppercase party name", () => assertRejected(publisherConfig({ "s3-transfer:name": "Acme" }), "s3-transfer:name", /lowercase/));
    it("rejects a typo'd transfer key", () =>
        assertRejected(publisherConfig({ "s3-transfer:acountId": "1" }), "s3-transfer:acountId", /not a setting of this program/, /pulumi config rm s3-transfer:acountId/));
    it("rejects noncurrent expiry out of range", () =>
        assertRejected(publisherConfig({ "s3-transfer:noncurrentVersionExpirationDays": "0" }), "s3-transfer:noncurrentVersionExpirationDays", /from 1 to 3650, got "0"/));
    it("rejects a non-boolean flag", () =>
        assertRejected(publisherConfig({ "s3-transfer:deleteMarkerReplication": "yes" }), "s3-transfer:deleteMarkerReplication", /true or false, got "yes"/));
    it("rejects the other side's list key", () =>
        assertRejected(
            publisherConfig({ "s3-transfer:publishers": [partner] }),
            "s3-transfer:publishers",
            /is for the other side; a publisher lists its counterparts in s3-transfer:partners/,
        ));
    it("requires at least one counterpart", () => assertRejected(publisherConfig({}, []), "s3-transfer:partners", /at least one partner/));
    it("rejects an unknown field in a counterpart", () =>
        assertRejected(publisherConfig({}, [{ ...partner, acount: "1" }]), "s3-transfer:partners[0].acount", /^is not a field of a partner entry \(its fields: name, stack, /));
    it("rejects a counterpart account ID that is not 12 digits", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "4444" }]),
            "s3-transfer:partners[0].accountId",
            /12-digit/,
            /pulumi config set --path 's3-transfer:partners\[0\].accountId'/,
        ));
    it("rejects a malformed stack reference", () =>
        assertRejected(publisherConfig({}, [{ name: "cdlx", stack: "org/partner-prod" }]), "s3-transfer:partners[0].stack", /<stack>.*<organization>\/<project>\/<stack>/));
    it("accepts a bare stack name of this project, which the backend's organization qualifies", () => {
        const config = parseSideConfig(publisherConfig({}, [{ name: "cdlx", stack: "partner-prod" }]), "prod");
        assert.deepStrictEqual(config.counterparts[0].source, { kind: "stack", stack: "partner-prod" });
        assert.strictEqual(qualifiedStackName("partner-prod", "acme-corp", "s3-transfer"), "acme-corp/s3-transfer/partner-prod");
        assert.strictEqual(qualifiedStackName("other-org/s3-transfer/partner-prod", "acme-corp", "s3-transfer"), "other-org/s3-transfer/partner-prod");
    });
    for (const [field, arn] of [
        ["replicationRoleArn", "arn:aws-us-gov:iam::444455556666:role/r"],
        ["ingressKmsKeyArn", "arn:aws-cn:kms:cn-north-1:444455556666:key/0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c"],
    ] as const) {
        it(`rejects a handed-over ${field} in another partition than the stack's`, () =>
            assertRejected(
                publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", [field]: arn }]),
                `s3-transfer:partners[0].${field}`,
                /^is in partition aws-(us-gov|cn), not aws; replication cannot cross partitions$/,
                new RegExp(`^ask cdlx for the ${field} of its account in aws, then: pulumi config set --path 's3-transfer:partners\\[0\\]\\.${field}' <arn>$`),
            ));
    }
    it("rejects a vendor or service principal in another partition than the stack's", () => {
        const raw = publisherConfig({
            "s3-transfer:vendorDrops": [{ name: "sailthru", principalArn: "arn:aws-cn:iam::099647660399:role/sc-event-stream-production" }],
            "s3-transfer:serviceDestinations": [{ name: "datasync", servicePrincipalArn: "arn:aws-us-gov:iam::313131313131:role/data-sync-service", externalId: "acme-7f3a9c2e" }],
        });
        assertRejected(raw, "s3-transfer:vendorDrops[0].principalArn", /is in partition aws-cn, but this stack's region us-east-1 is in aws/);
        assertRejected(raw, "s3-transfer:serviceDestinations[0].servicePrincipalArn", /is in partition aws-us-gov/);
    });
    it("takes a counterpart state, active by default, and rejects an unknown one", () => {
        assert.strictEqual(parseSideConfig(publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", state: "offboarding" }]), "prod").counterparts[0].state, "offboarding");
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", state: "gone" }]),
            "s3-transfer:partners[0].state",
            /must be one of active, offboarding, retired/,
        );
    });
    it("keeps the Batch Replication trust unconditioned unless s3-transfer:batchTrustConditions opts in", () => {
        assert.strictEqual(parseSideConfig(publisherConfig(), "prod").batchTrustConditions, false);
        assert.strictEqual(parseSideConfig(publisherConfig({ "s3-transfer:batchTrustConditions": "true" }), "prod").batchTrustConditions, true);
        assertRejected(publisherConfig({ "s3-transfer:batchTrustConditions": "on" }), "s3-transfer:batchTrustConditions", /must be true or false/);
    });

    it("gives vendor drops and service destinations a state, active unless config says offboarding or retired", () => {
        const vendor = { name: "sailthru", principalArn: "arn:aws:iam::099647660399:root" };
        const service = { name: "sync", servicePrincipalArn: "arn:aws:iam::313131313131:role/s", externalId: "ext-123" };
        const config = parseSideConfig(
            publisherConfig(
                { "s3-transfer:vendorDrops": [vendor, { ...vendor, name: "other", state: "retired" }], "s3-transfer:serviceDestinations": [{ ...service, state: "offboarding" }] },
                [],
            ),
            "prod",
        );
        assert.deepStrictEqual(
            [...config.vendorDrops, ...config.serviceDestinations].map((e) => [e.name, e.state]),
            [
                ["sailthru", "active"],
                ["other", "retired"],
                ["sync", "offboarding"],
            ],
        );
        assertRejected(
            publisherConfig({ "s3-transfer:vendorDrops": [{ ...vendor, state: "gone" }] }, []),
            "s3-transfer:vendorDrops[0].state",
            /must be one of active, offboarding, retired/,
        );
    });

    it("keeps the replication trust unconditioned unless s3-transfer:replicationTrustConditions opts in", () => {
        assert.strictEqual(parseSideConfig(publisherConfig({ "s3-transfer:replicationTrustConditions": "true" }), "prod").replicationTrustConditions, true);
        assertRejected(publisherConfig({ "s3-transfer:replicationTrustConditions": "yes" }), "s3-transfer:replicationTrustConditions", /must be true or false/);
    });
    it("rejects a bucket ARN with a key", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", ingressBucketArn: "arn:aws:s3:::bucket/key" }]),
            "s3-transfer:partners[0].ingressBucketArn",
            /S3 bucket ARN/,
        ));
    it("rejects a bucket ARN whose name breaks S3 rules", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", ingressBucketArn: "arn:aws:s3:::Bad_Bucket" }]),
            "s3-transfer:partners[0].ingressBucketArn",
            /^bucket name "Bad_Bucket" has upper-case letters; S3 bucket names are lower case; has "_", which S3 does not allow/,
        ));
    it("rejects a role ARN that is a user", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", replicationRoleArn: "arn:aws:iam::444455556666:user/x" }]),
            "s3-transfer:partners[0].replicationRoleArn",
            /IAM role ARN/,
        ));
    it("rejects a role ARN from another account than the counterpart's", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", replicationRoleArn: "arn:aws:iam::999999999999:role/r" }]),
            "s3-transfer:partners[0].replicationRoleArn",
            /^belongs to account 999999999999, not to the counterpart's account 444455556666$/,
            /^check s3-transfer:partners\[0\]\.accountId, .* against what cdlx handed over, then: pulumi config set --path 's3-transfer:partners\[0\]\.replicationRoleArn' <arn>$/,
        ));
    it("rejects a bucket ARN in another partition", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", ingressBucketArn: "arn:aws-cn:s3:::their-bucket" }]),
            "s3-transfer:partners[0].ingressBucketArn",
            /partition aws-cn.*cannot cross partitions/,
        ));
    it("requires an account ID when there is no stack reference", () =>
        assertRejected(publisherConfig({}, [{ name: "cdlx" }]), "s3-transfer:partners[0].accountId", /required when no stack reference/));
    it("rejects a stack reference together with handed-over fields", () =>
        assertRejected(publisherConfig({}, [{ ...partner, accountId: "444455556666" }]), "s3-transfer:partners[0].stack", /set together with accountId/));
    it("rejects a side naming itself as its own counterpart", () =>
        assertRejected(publisherConfig({}, [{ name: "acme-bank", accountId: "444455556666" }]), "s3-transfer:partners[0].name", /names this side itself/));
    it("rejects a counterpart in this stack's own account", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "111122223333" }]),
            "s3-transfer:partners[0].accountId",
            /^is this stack's own account 111122223333; replication here is cross-account$/,
            /pulumi config set --path 's3-transfer:partners\[0\]\.accountId'/,
        ));
    it("rejects a handed-over region of another partition", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", region: "cn-north-1" }]),
            "s3-transfer:partners[0].region",
            /^cn-north-1 is in partition aws-cn, not aws; replication cannot cross partitions$/,
            /pulumi config set --path 's3-transfer:partners\[0\]\.region' <region>/,
        ));
    it("rejects a handed-over key in another region than the counterpart's", () =>
        assertRejected(
            publisherConfig({ "s3-transfer:encryption": "SSE-KMS" }, [
                { name: "cdlx", accountId: "444455556666", region: "us-east-1", ingressKmsKeyArn: "arn:aws:kms:eu-west-1:444455556666:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" },
            ]),
            "s3-transfer:partners[0].ingressKmsKeyArn",
            /^is a key in eu-west-1, but the counterpart's bucket is in us-east-1/,
        ));
    it("rejects a handed-over key on an SSE-S3 side: both sides of a link use one encryption", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", ingressKmsKeyArn: "arn:aws:kms:us-east-1:444455556666:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" }]),
            "s3-transfer:partners[0].ingressKmsKeyArn",
            /^says cdlx's ingress bucket is SSE-KMS, but this link uses SSE-S3/,
            /^make this link SSE-KMS as theirs is: pulumi config set --path 's3-transfer:partners\[0\]\.encryption' SSE-KMS {3}\(only this link changes; or, if they use SSE-S3, remove the key: pulumi config rm --path 's3-transfer:partners\[0\]\.ingressKmsKeyArn'\)$/,
        ));
    it("on an SSE-KMS side, refuses a handed-over ingress bucket without its key, and leaves a hand-over of neither pending", () => {
        const bucketOnly = { name: "cdlx", accountId: "444455556666", ingressBucketArn: "arn:aws:s3:::cdlx-prod-acme-bank-ingress" };
        assertRejected(
            publisherConfig({ "s3-transfer:encryption": "SSE-KMS" }, [bucketOnly]),
            "s3-transfer:partners[0].ingressKmsKeyArn",
            /^is missing, but the ingress bucket is given and this link uses SSE-KMS/,
            /pulumi config set --path 's3-transfer:partners\[0\]\.ingressKmsKeyArn' <arn>.*leave s3-transfer:partners\[0\]\.ingressBucketArn out until the key comes/,
        );
        // Neither handed over yet: accepted, and the plan warns that replication waits for the bucket.
        const pending = parseSideConfig(publisherConfig({ "s3-transfer:encryption": "SSE-KMS" }, [{ name: "cdlx", accountId: "444455556666" }]), "prod");
        assert.strictEqual(pending.counterparts[0].source.kind, "handover");
        // On an SSE-S3 side the bucket alone is complete.
        assert.strictEqual(parseSideConfig(publisherConfig({}, [bucketOnly]), "prod").counterparts[0].source.kind, "handover");
    });
    it("rejects duplicate counterpart names", () =>
        assertRejected(
            publisherConfig({}, [partner, { name: "cdlx", accountId: "444455556666" }]),
            "s3-transfer:partners[1].name",
            /"cdlx" is listed twice \(also at s3-transfer:partners\[0\]\)/,
        ));
    it("rejects two counterparts sharing a bucket name", () =>
        assertRejected(
            publisherConfig({}, [partner, { name: "other", accountId: "444455556666", egressBucketName: "acme-bank-prod-cdlx-egress" }]),
            "s3-transfer:partners[1]",
            /bucket name "acme-bank-prod-cdlx-egress" is also used by s3-transfer:partners\[0\]/,
        ));
    it("rejects a bucket name with dots", () =>
        assertRejected(
            publisherConfig({}, [{ ...partner, ingressBucketName: "acme.ingress" }]),
            "s3-transfer:partners[0].ingressBucketName",
            /has dots, which break the wildcard TLS certificate/,
            /'s3-transfer:partners\[0\]\.ingressBucketName' acme-ingress$/,
        ));
    it("rejects an IP-shaped or reserved bucket name", () => {
        assertRejected(publisherConfig({}, [{ ...partner, ingressBucketName: "xn--acme" }]), "s3-transfer:partners[0].ingressBucketName", /starts with "xn--", which S3 reserves/);
        assertRejected(
            publisherConfig({}, [{ ...partner, egressBucketName: "acme-s3alias" }]),
            "s3-transfer:partners[0].egressBucketName",
            /ends with "-s3alias", which S3 reserves for access point aliases/,
        );
        assertRejected(publisherConfig({}, [{ ...partner, egressBucketName: "10.0.0.1" }]), "s3-transfer:partners[0].egressBucketName", /is formatted as an IP address/);
    });
    it("rejects a prefix that makes the log bucket's name over 63 characters once, at the prefix, saying how short it must be", () =>
        assertRejected(
            publisherConfig({ "s3-transfer:bucketPrefix": "a".repeat(60) }),
            "s3-transfer:bucketPrefix",
            /^"a{60}" makes bucket names longer than S3's 63 characters: "a{60}-logs-us-east-1" \(75\)$/,
            /^shorten s3-transfer:bucketPrefix to at most 48 characters/,
        ));
    it("rejects a root with a leading slash or a dot segment", () => {
        assertRejected(publisherConfig({}, [{ ...partner, root: "/acme" }]), "s3-transfer:partners[0].root", /without leading or trailing/);
        assertRejected(publisherConfig({}, [{ ...partner, root: "a/../b" }]), "s3-transfer:partners[0].root", /"\.\."/);
    });
    it("rejects an unknown encryption", () =>
        assertRejected(publisherConfig({ "s3-transfer:encryption": "SSE-C" }), "s3-transfer:encryption", /must be SSE-S3 or SSE-KMS, got "SSE-C"/));
    it("rejects object expiry out of range", () => assertRejected(publisherConfig({ "s3-transfer:expirationDays": "-1" }), "s3-transfer:expirationDays", /from 1 to 3650/));
    it("rejects a KMS alias where a key ARN is needed", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", ingressKmsKeyArn: "arn:aws:kms:us-east-1:444455556666:alias/s3" }]),
            "s3-transfer:partners[0].ingressKmsKeyArn",
            /KMS key ARN/,
        ));
    it("rejects a handed-over KMS key from another account", () =>
        assertRejected(
            publisherConfig({}, [{ name: "cdlx", accountId: "444455556666", ingressKmsKeyArn: "arn:aws:kms:us-east-1:999999999999:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" }]),
            "s3-transfer:partners[0].ingressKmsKeyArn",
            /belongs to account 999999999999/,
        ));
    it("rejects a malformed bucket region", () =>
        assertRejected(publisherConfig({}, [{ ...partner, bucketRegion: "europe" }]), "s3-transfer:partners[0].bucketRegion", /AWS region/));
    it("rejects a vendor principal that is not an IAM principal", () =>
        assertRejected(
            publisherConfig({ "s3-transfer:vendorDrops": [{ name: "sailthru", principalArn: "arn:aws:s3:::bucket" }] }),
            "s3-transfer:vendorDrops[0].principalArn",
            /IAM principal ARN/,
        ));
    it("rejects a vendor drop without a principal", () =>
        assertRejected(publisherConfig({ "s3-transfer:vendorDrops": [{ name: "sailthru" }] }), "s3-transfer:vendorDrops[0].principalArn", /./));
    it("rejects a malformed external ID", () =>
        assertRejected(
            publisherConfig({ "s3-transfer:serviceDestinations": [{ name: "sync", servicePrincipalArn: "arn:aws:iam::313131313131:role/s", externalId: "has space" }] }),
            "s3-transfer:serviceDestinations[0].externalId",
            /2 to 1224 characters/,
        ));
    it("rejects a vendor drop sharing a counterpart's name", () =>
        assertRejected(
            publisherConfig({ "s3-transfer:vendorDrops": [{ name: "cdlx", principalArn: "arn:aws:iam::099647660399:root" }] }),
            "s3-transfer:vendorDrops[0].name",
            /"cdlx" is listed twice/,
        ));
    it("rejects an alert subscription over plain HTTP", () =>
        assertRejected(
            publisherConfig({ "s3-transfer:alertSubscriptions": [{ protocol: "https", endpoint: "http://hooks.example.com/x" }] }),
            "s3-transfer:alertSubscriptions[0].endpoint",
            /https:\/\/ URL/,
        ));
    it("rejects an alert subscription by SMS", () =>
        assertRejected(publisherConfig({ "s3-transfer:alertSubscriptions": [{ protocol: "sms", endpoint: "+15550100" }] }), "s3-transfer:alertSubscriptions[0].protocol", /./));
    it("accepts a side with only a vendor drop", () => {
        const config = parseSideConfig(publisherConfig({ "s3-transfer:vendorDrops": [{ name: "sailthru", principalArn: "arn:aws:iam::099647660399:root" }] }, []), "prod");
        assert.deepStrictEqual(config.vendorDrops, [
            {
                name: "sailthru",
                bucketName: "acme-bank-prod-sailthru-drop",
                principalArn: "arn:aws:iam::099647660399:root",
                allowDelete: true,
                accessConfirmation: true,
                state: "active",
                configKey: "s3-transfer:vendorDrops[0]",
            },
        ]);
    });
    it("keeps a vendor drop's prefix only when config chooses one (Data Exporter's path)", () => {
        const config = parseSideConfig(
            publisherConfig({ "s3-transfer:vendorDrops": [{ name: "exporter", principalArn: "arn:aws:iam::728023223659:user/integ", prefix: "data-exporter" }] }, []),
            "prod",
        );
        assert.strictEqual(config.vendorDrops[0].prefix, "data-exporter");
    });
    it("keeps a service destination's connection test pending until config says it passed", () => {
        const service = { name: "sync", servicePrincipalArn: "arn:aws:iam::313131313131:role/s", externalId: "ext-123" };
        assert.strictEqual(parseSideConfig(publisherConfig({ "s3-transfer:serviceDestinations": [service] }, []), "prod").serviceDestinations[0].connectionTestPending, true);
        assert.strictEqual(
            parseSideConfig(publisherConfig({ "s3-transfer:serviceDestinations": [{ ...service, connectionTestPending: false }] }, []), "prod").serviceDestinations[0]
                .connectionTestPending,
            false,
        );
    });
    it("reports every problem at once, each with its key and fix", () => {
        const problems = problemsOf(publisherConfig({ "s3-transfer:accountId": "x", "aws:region": "y" }, [{ name: "cdlx", accountId: "z" }]));
        assert.deepStrictEqual(
            problems.map((p) => p.key),
            ["s3-transfer:accountId", "aws:region", "s3-transfer:partners[0].accountId"],
        );
        assert.match(formatProblems(problems), /^Invalid stack configuration \(3 problems\):\n {2}- s3-transfer:accountId: .*\n {4}fix: /);
    });
});

describe("one bad value is one problem", () => {
    it("a refused encryption does not also fail the counterpart's key against the default it fell back to", () => {
        const handover = { name: "cdlx", accountId: "444455556666", ingressKmsKeyArn: "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab" };
        const problems = problemsOf(publisherConfig({ "s3-transfer:encryption": "sse-kms" }, [handover]));
        assert.deepStrictEqual(
            problems.map((p) => p.key),
            ["s3-transfer:encryption"],
        );
    });
    it("a refused region does not also fail every handed-over ARN's partition", () => {
        const handover = { name: "cdlx", accountId: "444455556666", ingressBucketArn: "arn:aws:s3:::cdlx-ingress" };
        assert.deepStrictEqual(
            problemsOf(publisherConfig({ "aws:region": "useast1" }, [handover])).map((p) => p.key),
            ["aws:region"],
        );
    });
    it("a counterpart list that is not a list is not also an empty one", () => {
        const raw = { ...publisherConfig(), "s3-transfer:partners": "foo" };
        assert.deepStrictEqual(
            problemsOf(raw).map((p) => [p.key, p.problem]),
            [["s3-transfer:partners", "must be a YAML list of objects in the stack file"]],
        );
    });
    it("a refused name is the one problem: the bucket and role names derived from it are not blamed again", () => {
        const handover = { name: "cdlx", accountId: "444455556666" };
        assert.deepStrictEqual(
            problemsOf(publisherConfig({ "s3-transfer:name": "Acme-Bank" }, [handover])).map((p) => [p.key, p.problem]),
            [["s3-transfer:name", 'must be 2 to 32 lowercase letters, digits or single hyphens, starting with a letter, got "Acme-Bank"']],
        );
    });
    it("a prefix that breaks a naming rule is one problem at the prefix, with a prefix S3 accepts (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)", () => {
        const handover = { name: "cdlx", accountId: "444455556666" };
        for (const [prefix, problem, fix] of [
            ["xn--acme", /^"xn--acme" starts with "xn--", which S3 reserves .*; it starts every bucket name this stack derives/, "pulumi config set s3-transfer:bucketPrefix acme"],
            [
                "sthree",
                /^"sthree" starts with "sthree-", which S3 reserves/,
                "pulumi config set s3-transfer:bucketPrefix <lower-case letters, digits and hyphens, starting with a letter or digit>",
            ],
            ["Acme.Bank", /^"Acme\.Bank" has upper-case letters; S3 bucket names are lower case; has dots, which break/, "pulumi config set s3-transfer:bucketPrefix acme-bank"],
        ] as const) {
            const problems = problemsOf(publisherConfig({ "s3-transfer:bucketPrefix": prefix }, [handover]));
            assert.deepStrictEqual(
                problems.map((p) => p.key),
                ["s3-transfer:bucketPrefix"],
                prefix,
            );
            assert.match(problems[0].problem, problem);
            assert.strictEqual(problems[0].fix, fix);
        }
    });
    it("a default prefix that a stack name makes invalid is one problem at the prefix, saying where it comes from", () => {
        const problems = problemsOfStack(publisherConfig({}, [{ name: "cdlx", accountId: "444455556666" }]), "Prod");
        assert.deepStrictEqual(
            problems.map((p) => [p.key, p.fix]),
            [["s3-transfer:bucketPrefix", "pulumi config set s3-transfer:bucketPrefix acme-bank-prod"]],
        );
        assert.match(problems[0].problem, /^is not set, so it is <name>-<stack>, "acme-bank-Prod", which has upper-case letters/);
    });
    it("an entry whose derived bucket names are too long is one problem at the entry, naming both fields and how short the prefix must be", () => {
        const name = "c".repeat(32);
        const problems = problemsOf(publisherConfig({ "s3-transfer:bucketPrefix": "acme-bank-production-2026" }, [{ name, accountId: "444455556666" }]));
        assert.deepStrictEqual(
            problems.map((p) => [p.key, p.fix]),
            [
                [
                    "s3-transfer:partners[0]",
                    "set s3-transfer:partners[0].egressBucketName and s3-transfer:partners[0].ingressBucketName to names of at most 63 characters, or shorten s3-transfer:bucketPrefix to at most 22 characters (pulumi config set s3-transfer:bucketPrefix <shorter prefix>)",
                ],
            ],
        );
        assert.match(
            problems[0].problem,
            /^derives bucket names longer than S3's 63 characters from s3-transfer:bucketPrefix and its name: "acme-bank-production-2026-c{32}-egress" \(65\), "acme-bank-production-2026-c{32}-ingress" \(66\)$/,
        );
    });
    it("an upper-case bucket name is told to use lower case, with its lower-case name as the fix, never 'without dots'", () => {
        const problems = problemsOf(publisherConfig({}, [{ ...partner, egressBucketName: "Acme-Egress" }]));
        assert.deepStrictEqual(
            problems.map((p) => [p.key, p.fix]),
            [["s3-transfer:partners[0].egressBucketName", "pulumi config set --path 's3-transfer:partners[0].egressBucketName' acme-egress"]],
        );
        assert.match(problems[0].problem, /^bucket name "Acme-Egress" has upper-case letters; S3 bucket names are lower case \(https:/);
    });
});

describe("two counterparts in one account", () => {
    it("are warned about once per account, at the second entry, not refused: one company may run two parties", () => {
        const warnings = sameAccountWarnings([
            { name: "cdlx", configKey: "s3-transfer:partners[0]", accountId: "444455556666" },
            { name: "cdlx-test", configKey: "s3-transfer:partners[1]", accountId: "444455556666" },
            { name: "other", configKey: "s3-transfer:partners[2]", accountId: "555566667777" },
            { name: "pending", configKey: "s3-transfer:partners[3]", accountId: "" },
        ]);
        assert.deepStrictEqual(
            [...warnings],
            [
                [
                    "s3-transfer:partners[1]",
                    "s3-transfer:partners[1].accountId: cdlx-test (s3-transfer:partners[1]) is in account 444455556666, as cdlx (s3-transfer:partners[0]) is: fine when one company runs these parties; otherwise correct the entry that names the wrong account",
                ],
            ],
        );
        const many = sameAccountWarnings(Array.from({ length: 9 }, (_, i) => ({ name: `p${i}`, configKey: `s3-transfer:partners[${i}]`, accountId: "444455556666" })));
        assert.deepStrictEqual([...many.keys()], ["s3-transfer:partners[1]"]);
        assert.match(many.get("s3-transfer:partners[1]")!, /: p1 \(s3-transfer:partners\[1\]\), .*p5 \(s3-transfer:partners\[5\]\) and 3 more are in account 444455556666, as p0 /);
        assert.doesNotThrow(() =>
            parseSideConfig(
                publisherConfig({}, [
                    { name: "cdlx", accountId: "444455556666" },
                    { name: "cdlx-test", accountId: "444455556666" },
                ]),
                "prod",
            ),
        );
    });
});
