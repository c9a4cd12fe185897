/**
 * The access matrix of the example setups: a vendor writing into its drop, a
 * data-sync service writing through a role, SSE-KMS and cross-region
 * hand-overs, the log buckets of each, and the hand-off sheet's statements
 * applied to the partner's bucket. Every decision is
 * @cloud-copilot/iam-simulate's; a design broken in one place fails exactly
 * the requests that place governs.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { parseSideConfig } from "../../infra/config/schema";
import { cli } from "../../tools/access";
import { AccessMatrixResult, AccessRow, evaluatePlans, handoversFromConfig, loadExpectedMatrix, sideFromPlan } from "../../tools/access/index";
import { CollectedPolicies } from "../../tools/access/collect";
import { expandMatrix, LinkFacts } from "../../tools/access/matrix";
import { simulateRequest } from "../../tools/access/simulate";
import { Plan, PlannedResource } from "../../tools/plan/engine";
import { readStackConfig } from "../../tools/plan/project";
import { documentOf, forBucket, linksOf, one, plan, T } from "../helpers/plans";

const ROOT = path.join(__dirname, "..", "..");
const example = (name: string) => path.join(ROOT, "stacks", "examples", `${name}.yaml`);
const matrix = loadExpectedMatrix();
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "access-setups-"));

/** A copy of a config with some keys changed: the variants the examples do not cover. */
function variant(source: string, name: string, change: (config: Record<string, unknown>) => void): string {
    const parsed = YAML.parse(fs.readFileSync(source, "utf8"));
    change(parsed.config);
    const file = path.join(TMP, `${name}.yaml`);
    fs.writeFileSync(file, YAML.stringify(parsed));
    return file;
}

const VARIANTS = {
    // Once the connection test has passed, the destination is append-only; a prefix confines the writes.
    serviceTested: variant(example("service-role"), "service-tested", (c) => {
        (c["s3-transfer:serviceDestinations"] as Record<string, unknown>[])[0].connectionTestPending = false;
        (c["s3-transfer:serviceDestinations"] as Record<string, unknown>[])[0].prefix = "inbound";
    }),
    vendorSseS3: variant(example("vendor-write"), "vendor-sse-s3", (c) => {
        c["s3-transfer:encryption"] = "SSE-S3";
    }),
    trail: variant(example("vendor-write"), "vendor-write-trail", (c) => {
        c["s3-transfer:auditTrail"] = "create";
    }),
    // marketco as it will be once it hands over its ingress bucket: the name substituted for the sheet's placeholder.
    marketcoHandedOver: variant(example("handover"), "handover-marketco", (c) => {
        const marketco = (c["s3-transfer:partners"] as Record<string, unknown>[]).find((p) => p.name === "marketco")!;
        marketco.ingressBucketArn = "arn:aws:s3:::marketco-inbound-acme-bank";
    }),
};

const stackOf = (configFile: string) => path.basename(configFile, ".yaml");

/** Evaluates a config's plan (a copy, changed by `mutate`), with its hand-overs and its intent for vendors and services. */
async function evaluate(configFile: string, mutate?: (p: Plan) => void): Promise<AccessMatrixResult> {
    const stack = stackOf(configFile);
    const planned = await plan({ stack, configFile });
    const p = mutate ? structuredClone(planned) : planned;
    mutate?.(p);
    const raw = readStackConfig(configFile);
    return evaluatePlans({ plan: p, handovers: handoversFromConfig(raw, stack), config: parseSideConfig(raw, stack), matrix });
}

function rows(result: AccessMatrixResult, match: Partial<AccessRow>): AccessRow[] {
    return result.rows.filter((r) => Object.entries(match).every(([k, v]) => r[k as keyof AccessRow] === v));
}

const describeRow = (r: AccessRow) => `${r.template}: ${r.principal} ${r.action} ${r.resource} ${r.transport}${r.requestKeys ? ` ${JSON.stringify(r.requestKeys)}` : ""}`;
const mismatchKeys = (result: AccessMatrixResult) => result.mismatches.map(describeRow).sort();

function editDocument(r: PlannedResource, input: string, edit: (doc: { Statement: Record<string, unknown>[] }) => void): void {
    const doc = documentOf(r, input);
    edit(doc);
    r.inputs[input] = JSON.stringify(doc);
}

const statement = (doc: { Statement: Record<string, unknown>[] }, sid: string) => {
    const found = doc.Statement.find((s) => s.Sid === sid);
    assert.ok(found, `no statement ${sid}`);
    return found;
};

/** Requests per new kind an example must at least make: fewer means templates stopped expanding. */
const MIN_ROWS: Record<string, Record<string, number>> = {
    "vendor-write": { "vendor-drop": 118, audit: 31 },
    "vendor-write-event-stream": { "vendor-drop": 80, audit: 31 },
    "vendor-write-data-exporter": { "vendor-drop": 90, audit: 31 },
    "service-role": { "service-destination": 45, audit: 31 },
    "sse-kms": { kms: 44, audit: 55 },
    "cross-region": { kms: 124, audit: 150 },
    handover: { kms: 41, audit: 87 },
};

describe("npm run access: the example setups", () => {
    before(async () => {
        for (const file of [...Object.keys(MIN_ROWS).map(example), ...Object.values(VARIANTS)]) await plan({ stack: stackOf(file), configFile: file });
        await plan("prod");
        await plan("partner-prod");
    });
    after(() => fs.rmSync(TMP, { recursive: true, force: true }));

    for (const [name, minimums] of Object.entries(MIN_ROWS)) {
        it(`${name}: every decided request gets its expected decision, and every undecided one says why`, async () => {
            const result = await evaluate(example(name));
            assert.deepStrictEqual(mismatchKeys(result), []);
            for (const [kind, min] of Object.entries(minimums)) {
                const count = rows(result, { kind }).length;
                assert.ok(count >= min, `${kind}: ${count} requests, expected at least ${min}`);
            }
            for (const r of result.notEvaluated) assert.ok(r.note && r.note.length > 20, `${describeRow(r)} has no reason`);
        });
    }

    describe("a vendor writing into its drop", () => {
        const vendor = "sailthru principal role/sc-event-stream-production";

        it("writes, deletes and lists its dedicated bucket and confirms access, each by a grant of our bucket policy; its own account's policy is assumed the worst and said so", async () => {
            const result = await evaluate(example("vendor-write"));
            const granted = (template: string, sid: string) => {
                const found = rows(result, { template, principal: vendor });
                assert.ok(found.length > 0, `no rows of ${template}`);
                for (const r of found) {
                    assert.strictEqual(r.decision, "Allowed", describeRow(r));
                    assert.ok(
                        r.evidence.some((e) => e.startsWith(`Allow ${sid} in `)),
                        `${describeRow(r)}: ${r.evidence.join("; ")}`,
                    );
                    assert.match(r.note ?? "", /identity policy is outside our plan, modelled as allowing everything/);
                }
            };
            granted("vendor-writes-its-files", "sailthruWriteObjects");
            granted("vendor-deletes-its-files", "sailthruWriteObjects");
            granted("vendor-lists-its-files", "sailthruListBucket");
            granted("vendor-lists-the-whole-bucket-only-when-dedicated", "sailthruListBucket");
            granted("vendor-confirms-access", "sailthruWriteObjects");
            // Event Stream's documented layout, at the top of the bucket.
            assert.ok(
                rows(result, { template: "vendor-writes-its-files" }).some((r) => r.resource.endsWith("/campaign_send/dt=20240131/client_id=3386/campaign_send_20240131_000.csv")),
            );
            assert.deepStrictEqual(
                rows(result, { template: "vendor-lists-its-files" }).map((r) => r.requestKeys),
                [{ "s3:prefix": "" }],
            );
        });

        it("leaves the key requests through S3 not evaluated, saying the simulator cannot evaluate the encryption-context condition, rather than dropping the condition", async () => {
            const result = await evaluate(example("vendor-write"));
            const undecided = [...new Set(result.notEvaluated.map((r) => r.template))].sort();
            assert.deepStrictEqual(undecided, ["vendor-account-no-key-use", "vendor-multipart-kms-through-s3", "vendor-no-key-administration"]);
            for (const r of result.notEvaluated) assert.match(r.note ?? "", /drops context key\(s\) kms:EncryptionContext:aws:s3:arn/, describeRow(r));
            const grant = statement(documentOf(one(await plan({ stack: "vendor-write", configFile: example("vendor-write") }), "aws:kms/key:Key")), "sailthruMultipartUpload");
            assert.deepStrictEqual((grant.Condition as Record<string, unknown>).StringLike, {
                "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::acme-retail-vendor-write-sailthru-drop", "arn:aws:s3:::acme-retail-vendor-write-sailthru-drop/*"],
            });
        });

        it("gets nothing else: no reads, no bucket changes, no direct key use, no other key, and nothing for its account's other principals", async () => {
            const result = await evaluate(example("vendor-write"));
            const decisions = (template: string) => [...new Set(rows(result, { template }).map((r) => r.decision))];
            for (const template of [
                "vendor-reads-nothing",
                "vendor-no-bucket-changes",
                "vendor-kms-only-through-s3",
                "vendor-account-gets-nothing",
                "vendor-nothing-on-other-buckets",
            ]) {
                assert.deepStrictEqual(decisions(template), ["ImplicitlyDenied"], template);
            }
            assert.deepStrictEqual(decisions("vendor-without-modern-tls"), ["ExplicitlyDenied"]);
            const [otherKey] = rows(result, { template: "vendor-names-no-other-key" });
            assert.deepStrictEqual(
                [otherKey.decision, otherKey.evidence[0]],
                ["ExplicitlyDenied", "Deny DenyOtherKmsKeys in acme-retail-vendor-write-sailthru-drop bucket policy"],
            );
            assert.deepStrictEqual([...new Set(rows(result, { template: "vendor-account-gets-nothing" }).map((r) => r.principal))].sort(), [
                "sailthru account root",
                "sailthru admin role",
                "sailthru's principal name in an unrelated account",
            ]);
        });

        it("with Event Stream only, the grant names the vendor's account root, so its account's principals are the vendor", async () => {
            const result = await evaluate(example("vendor-write-event-stream"));
            assert.deepStrictEqual(mismatchKeys(result), []);
            assert.deepStrictEqual(
                rows(result, { template: "vendor-writes-its-files" }).map((r) => [r.principal, r.decision]),
                Array(4).fill(["sailthru principal root", "Allowed"]),
            );
            assert.deepStrictEqual(
                [...new Set(rows(result, { template: "vendor-account-gets-nothing" }).map((r) => r.principal))],
                ["sailthru's principal name in an unrelated account"],
            );
        });

        it("with Data Exporter, at a path we chose: writes and lists only under it, and nowhere else", async () => {
            const result = await evaluate(example("vendor-write-data-exporter"));
            assert.deepStrictEqual(mismatchKeys(result), []);
            const decisions = (template: string) => [...new Set(rows(result, { template }).map((r) => r.decision))];
            assert.deepStrictEqual(decisions("vendor-writes-its-files"), ["Allowed"]);
            assert.deepStrictEqual(decisions("vendor-lists-its-files"), ["Allowed"]);
            for (const template of [
                "vendor-writes-nowhere-else",
                "vendor-deletes-nowhere-else",
                "vendor-deletes-its-files",
                "vendor-confirms-access",
                "vendor-lists-no-other-prefix",
                "vendor-lists-the-whole-bucket-only-when-dedicated",
                "vendor-lists-not-a-lookalike-prefix",
            ]) {
                assert.deepStrictEqual(decisions(template), ["ImplicitlyDenied"], template);
            }
            assert.deepStrictEqual(
                rows(result, { template: "vendor-lists-its-files" }).map((r) => r.requestKeys),
                [{ "s3:prefix": "data-exporter/" }],
            );
        });

        it("widening a prefixed vendor's write grant to the whole bucket fails exactly its writes outside the prefix", async () => {
            const drop = "acme-retail-vendor-write-data-exporter-sailthru-exporter-drop";
            const result = await evaluate(example("vendor-write-data-exporter"), (p) =>
                editDocument(forBucket(p, T.policy, drop), "policy", (doc) => {
                    statement(doc, "sailthruexporterWriteOwnPrefix").Resource = `arn:aws:s3:::${drop}/*`;
                }),
            );
            assert.deepStrictEqual(
                mismatchKeys(result),
                [
                    ...[
                        `${drop}/other-root/2024-01-31/CDLX_orders_20240131_1706659200_1of2.jsonl`,
                        `${drop}/CDLX_orders_20240131_1706659200_1of2.jsonl`,
                        `${drop}/data-exporter-other/2024-01-31/CDLX_orders_20240131_1706659200_1of2.jsonl`,
                    ].map((resource) => `vendor-writes-nowhere-else: sailthru-exporter principal user/integ s3:PutObject ${resource} tls1.2`),
                    `vendor-confirms-access: sailthru-exporter principal user/integ s3:PutObject ${drop}/_ACCESS_CONFIRMATION tls1.2`,
                ].sort(),
            );
            assert.ok(result.mismatches.every((r) => r.decision === "Allowed"));
        });

        it("on an SSE-S3 drop: no key requests, and an upload naming a key of the vendor's is refused", async () => {
            const result = await evaluate(VARIANTS.vendorSseS3);
            assert.deepStrictEqual(mismatchKeys(result), []);
            assert.deepStrictEqual(
                result.rows.filter((r) => r.action.startsWith("kms:")),
                [],
            );
            const [otherKey] = rows(result, { template: "vendor-names-no-other-key" });
            assert.deepStrictEqual(
                [otherKey.expected, otherKey.decision, otherKey.evidence[0]],
                ["ExplicitlyDenied", "ExplicitlyDenied", "Deny DenyKmsUploads in acme-retail-vendor-sse-s3-sailthru-drop bucket policy"],
            );
        });

        it("dropping kms:ViaService from the vendor's key grants fails exactly its direct calls to the key", async () => {
            const result = await evaluate(example("vendor-write"), (p) =>
                editDocument(one(p, "aws:kms/key:Key"), "policy", (doc) => {
                    delete statement(doc, "sailthruMultipartUpload").Condition;
                    delete statement(doc, "sailthruMultipartUploadDescribeKey").Condition;
                }),
            );
            assert.deepStrictEqual([...new Set(result.mismatches.map((r) => r.template))], ["vendor-kms-only-through-s3"]);
            assert.strictEqual(result.mismatches.length, 7);
            assert.ok(
                result.mismatches.every(
                    (r) => r.decision === "Allowed" && /Allow sailthruMultipartUpload(DescribeKey)? in acme-retail-sailthru-drop key policy/.test(r.evidence.join("\n")),
                ),
            );
        });
    });

    describe("a data-sync service writing through our role", () => {
        const service = "datasync principal role/data-sync-service";

        it("assumes the writer role only with its external ID, and the role writes, and deletes only while the connection test is pending", async () => {
            const result = await evaluate(example("service-role"));
            assert.deepStrictEqual(result.notEvaluated.map(describeRow), []);
            const assume = (template: string) => rows(result, { template, principal: service }).map((r) => r.decision);
            assert.deepStrictEqual(assume("service-assumes-writer-with-external-id"), ["Allowed"]);
            assert.deepStrictEqual(assume("service-needs-the-external-id"), ["ImplicitlyDenied"]);
            assert.deepStrictEqual(assume("service-without-external-id"), ["ImplicitlyDenied"]);
            assert.deepStrictEqual(
                rows(result, { template: "nobody-else-assumes-writer" }).map((r) => r.decision),
                Array(6).fill("ImplicitlyDenied"),
            );
            const [deletes] = rows(result, { template: "writer-deletes-only-while-testing" });
            assert.deepStrictEqual([deletes.expected, deletes.decision, deletes.evidence], ["Allowed", "Allowed", ["Allow WriteFiles in identity policy write-destination"]]);
            // No prefix configured: the whole bucket is the service's to write.
            assert.deepStrictEqual(
                rows(result, { template: "writer-only-under-prefix" }).map((r) => [r.expected, r.decision]),
                [["Allowed", "Allowed"]],
            );
        });

        it("once the test has passed (and with a prefix), the role may no longer delete, nor write outside its prefix", async () => {
            const result = await evaluate(VARIANTS.serviceTested);
            assert.deepStrictEqual(mismatchKeys(result), []);
            const [deletes] = rows(result, { template: "writer-deletes-only-while-testing" });
            assert.deepStrictEqual(
                [deletes.resource, deletes.expected, deletes.decision],
                ["acme-retail-service-tested-datasync-sync/inbound/2024-01-31/CDLX_orders_20240131_1706659200_1of2.jsonl", "ImplicitlyDenied", "ImplicitlyDenied"],
            );
            assert.deepStrictEqual(
                rows(result, { template: "writer-only-under-prefix" }).map((r) => r.decision),
                ["ImplicitlyDenied"],
            );
            assert.deepStrictEqual(
                rows(result, { template: "writer-puts-files" }).map((r) => r.decision),
                ["Allowed", "Allowed"],
            );
        });

        it("removing the external-ID condition fails exactly the assumptions with a wrong or no external ID", async () => {
            const result = await evaluate(example("service-role"), (p) =>
                editDocument(one(p, T.role), "assumeRolePolicy", (doc) => {
                    delete statement(doc, "DataSyncServiceWithExternalId").Condition;
                }),
            );
            assert.deepStrictEqual(mismatchKeys(result), [
                `service-needs-the-external-id: ${service} sts:AssumeRole role/acme-retail-datasync-sync-writer tls1.2 {"sts:ExternalId":"another-customers-acme-retail-7f3a9c2e"}`,
                `service-without-external-id: ${service} sts:AssumeRole role/acme-retail-datasync-sync-writer tls1.2`,
            ]);
            assert.ok(result.mismatches.every((r) => r.decision === "Allowed"));
        });
    });

    describe("audit logging", () => {
        it("the logging service delivers for our buckets only, into their own region's log bucket", async () => {
            const result = await evaluate(example("cross-region"));
            const delivered = rows(result, { template: "logging-delivers-access-logs" });
            assert.deepStrictEqual(delivered.map((r) => `${r.link} ${r.principal}`).sort(), [
                "acme-bank-cross-region-logs-eu-west-1 logging.s3.amazonaws.com for acme-bank, source acme-bank-cross-region-eurolink-egress",
                "acme-bank-cross-region-logs-eu-west-1 logging.s3.amazonaws.com for acme-bank, source acme-bank-cross-region-eurolink-ingress",
                "acme-bank-cross-region-logs-us-east-1 logging.s3.amazonaws.com for acme-bank, source acme-bank-cross-region-cdlx-egress",
                "acme-bank-cross-region-logs-us-east-1 logging.s3.amazonaws.com for acme-bank, source acme-bank-cross-region-cdlx-ingress",
            ]);
            assert.ok(delivered.every((r) => r.decision === "Allowed" && r.evidence[0].startsWith("Allow S3ServerAccessLogDelivery in ")));
            const refused = rows(result, { template: "logging-only-for-our-buckets" });
            // Per logged bucket: another account, the log bucket itself, the other region's two buckets, a bucket of no party.
            assert.strictEqual(refused.length, 4 * 5);
            assert.ok(refused.every((r) => r.status === "evaluated" && r.decision === "ImplicitlyDenied"));
        });

        it("the partner's account cannot read, delete or list our logs, and our own admin is refused without TLS", async () => {
            const result = await evaluatePlans({ plan: await plan("prod"), referenced: [await plan("partner-prod")], matrix });
            const logs = "acme-bank-prod-logs-us-east-1";
            const partner = rows(result, { link: logs }).filter((r) => r.principal.startsWith("cdlx "));
            assert.deepStrictEqual([...new Set(partner.map((r) => r.action))].sort(), [
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                "s3:GetBucketPolicy",
                "s3:GetObject",
                "s3:ListBucket",
                "s3:PutBucketPolicy",
                "s3:PutLifecycleConfiguration",
                "s3:PutObject",
            ]);
            assert.ok(partner.every((r) => r.status === "evaluated" && r.decision === "ImplicitlyDenied"));
            const [http] = rows(result, { template: "nobody-reads-logs-without-modern-tls", principal: "acme-bank admin role", transport: "http" });
            assert.deepStrictEqual([http.decision, http.evidence], ["ExplicitlyDenied", [`Deny DenyInsecureTransport in ${logs} bucket policy`]]);
        });

        it("with a trail of ours, CloudTrail delivers under its prefix for our account, and no other trail does", async () => {
            const plain = await evaluate(example("vendor-write"));
            assert.deepStrictEqual(
                plain.rows.filter((r) => r.principal.startsWith("cloudtrail.amazonaws.com")),
                [],
                "no trail, no CloudTrail requests",
            );

            const result = await evaluate(VARIANTS.trail);
            assert.deepStrictEqual(mismatchKeys(result), []);
            const trail = "arn:aws:cloudtrail:us-east-1:121212121212:trail/acme-retail-transfer-data-events";
            const [delivers] = rows(result, { template: "trail-delivers" });
            assert.strictEqual(delivers.context["aws:SourceArn"], trail);
            assert.strictEqual(
                delivers.resource,
                "acme-retail-vendor-write-trail-logs-us-east-1/cloudtrail/AWSLogs/121212121212/CloudTrail/us-east-1/2024/01/31/121212121212_CloudTrail_us-east-1_20240131T0000Z_0123456789abcdef.json.gz",
            );
            assert.deepStrictEqual(
                [delivers.decision, delivers.evidence],
                ["Allowed", ["Allow CloudTrailDelivery in acme-retail-vendor-write-trail-logs-us-east-1 bucket policy"]],
            );
            assert.deepStrictEqual(
                rows(result, { template: "trail-checks-acl" }).map((r) => r.decision),
                ["Allowed"],
            );
            const others = [...rows(result, { template: "only-our-trail-delivers" }), ...rows(result, { template: "only-our-trail-checks-acl" })];
            assert.deepStrictEqual(others.map((r) => r.context["aws:SourceArn"]).sort(), [
                "arn:aws:cloudtrail:us-east-1:121212121212:trail/another-trail",
                "arn:aws:cloudtrail:us-east-1:121212121212:trail/another-trail",
                "arn:aws:cloudtrail:us-east-1:210987654321:trail/acme-retail-transfer-data-events",
                "arn:aws:cloudtrail:us-east-1:210987654321:trail/acme-retail-transfer-data-events",
            ]);
            assert.ok(others.every((r) => r.decision === "ImplicitlyDenied"));
            assert.ok(rows(result, { template: "trail-delivers-only-its-own-files" }).every((r) => r.decision === "ImplicitlyDenied"));
            assert.deepStrictEqual(
                rows(result, { template: "trail-delivers-owned-by-us" }).map((r) => r.decision),
                ["ImplicitlyDenied"],
            );
        });

        it("removing aws:SourceArn from the logging grant fails exactly the deliveries for buckets it should not admit", async () => {
            const result = await evaluate(example("cross-region"), (p) => {
                for (const name of ["acme-bank-cross-region-logs-us-east-1", "acme-bank-cross-region-logs-eu-west-1"]) {
                    editDocument(forBucket(p, T.policy, name), "policy", (doc) => {
                        delete (statement(doc, "S3ServerAccessLogDelivery").Condition as Record<string, unknown>).ArnLike;
                    });
                }
            });
            assert.deepStrictEqual([...new Set(result.mismatches.map((r) => r.template))], ["logging-only-for-our-buckets"]);
            // Our account's log bucket, other region's buckets and a bucket of no party, per logged bucket; aws:SourceAccount still refuses another account.
            assert.strictEqual(result.mismatches.length, 4 * 4);
            assert.ok(result.mismatches.every((r) => r.decision === "Allowed" && r.principal.startsWith("logging.s3.amazonaws.com for acme-bank,")));
        });
    });

    describe("SSE-KMS hand-overs", () => {
        it("our ingress key admits the partner's replication role through S3 only, and no other principal of its account", async () => {
            const result = await evaluate(example("sse-kms"));
            const theirs = "cdlx replication role";
            // Our key policy allows it; whether their identity policy does is theirs to say.
            const encrypt = rows(result, { template: "encrypt-replicas-through-s3", principal: theirs });
            assert.strictEqual(encrypt.length, 2);
            for (const r of encrypt) {
                assert.strictEqual(r.status, "not-evaluated");
                assert.ok(r.evidence.includes("Allow ReplicationEncryptsReplicas444455556666 in acme-bank-cdlx-ingress key policy"), r.evidence.join("; "));
                assert.deepStrictEqual([r.context["kms:ViaService"], r.context["kms:CallerAccount"]], ["s3.us-east-1.amazonaws.com", "444455556666"]);
            }
            const direct = rows(result, { template: "keys-only-through-s3", principal: theirs, resource: "key acme-bank-cdlx-ingress" });
            assert.ok(direct.length === 3 && direct.every((r) => r.status === "partial" && r.decision === "ImplicitlyDenied" && r.ok));
            const others = rows(result, { template: "replica-key-names-only-the-role", resource: "key acme-bank-cdlx-ingress" });
            assert.deepStrictEqual(
                others.map((r) => `${r.principal} ${r.status} ${r.decision}`),
                ["cdlx account root", "cdlx account root", "cdlx admin role", "cdlx admin role"].map((p) => `${p} evaluated ImplicitlyDenied`),
            );
        });

        it("says honestly that the simulator cannot decide our role's encryption-context conditions", async () => {
            const result = await evaluate(example("sse-kms"));
            const ours = [
                ...rows(result, { template: "decrypt-source-through-s3", principal: "acme-bank replication role" }),
                ...rows(result, { template: "encrypt-replicas-through-s3", principal: "acme-bank replication role" }),
            ];
            assert.strictEqual(ours.length, 3);
            for (const r of ours) {
                assert.strictEqual(r.status, "not-evaluated");
                assert.strictEqual(r.decision, undefined);
                assert.match(r.note!, /drops context key\(s\) kms:EncryptionContext:aws:s3:arn/);
            }
        });

        it("removing aws:PrincipalArn from our replica-key grant fails exactly the partner's other principals using it through S3", async () => {
            const result = await evaluate(example("sse-kms"), (p) =>
                editDocument(
                    one(p, "aws:kms/key:Key", (r) => String(r.inputs.description).includes("cdlx-ingress")),
                    "policy",
                    (doc) => {
                        const conditions = (statement(doc, "ReplicationEncryptsReplicas444455556666").Condition as { StringEquals: Record<string, string> }).StringEquals;
                        delete conditions["aws:PrincipalArn"];
                    },
                ),
            );
            assert.deepStrictEqual(
                mismatchKeys(result),
                ["cdlx account root", "cdlx admin role"]
                    .flatMap((p) => ["kms:Encrypt", "kms:GenerateDataKey"].map((a) => `replica-key-names-only-the-role: ${p} ${a} key acme-bank-cdlx-ingress tls1.2`))
                    .sort(),
            );
        });
    });

    describe("the hand-off sheet's bucket policy, applied to the partner's ingress bucket", () => {
        /** The first JSON block of a counterpart's section: the statements for its ingress bucket. */
        function handoffBucketPolicy(sheet: string, counterpart: string): Record<string, unknown> {
            const start = sheet.indexOf(`↔ ${counterpart}\n`);
            assert.ok(start > 0, `no section for ${counterpart}`);
            const next = sheet.indexOf("\n## ", start);
            const block = /```json\n([\s\S]*?)\n```/.exec(sheet.slice(start, next < 0 ? undefined : next));
            assert.ok(block, `no JSON block for ${counterpart}`);
            return JSON.parse(block[1]);
        }

        /** Our side from its plan; the partner's ingress bucket holding exactly the sheet's document, as the sheet asks. */
        function linkWithHandoff(own: Plan, counterpart: string, partnerAccountId: string, ingressBucketArn: string, document: Record<string, unknown>): LinkFacts {
            const link = linksOf(own)[counterpart] as unknown as Parameters<typeof sideFromPlan>[1] & { root: string };
            const name = ingressBucketArn.split(":::")[1];
            const policies: CollectedPolicies = {
                stack: `hand-off sheet of ${own.stack}`,
                accountId: partnerAccountId,
                partition: "aws",
                roles: [],
                // The sheet asks for Block Public Access on.
                buckets: [
                    {
                        name,
                        arn: ingressBucketArn,
                        policies: [{ source: "hand-off sheet", name: `${name} bucket policy from the hand-off sheet`, document }],
                        restrictPublicBuckets: true,
                    },
                ],
                keys: [],
                trails: [],
                aliases: {},
            };
            return {
                name: counterpart,
                root: link.root,
                own: sideFromPlan(own, link, `plan of stack ${own.stack}`),
                counterpart: { party: counterpart, source: `hand-off sheet of ${own.stack}`, partition: "aws", accountId: partnerAccountId, policies, ingressBucketArn },
                unrelatedAccountId: "210987654321",
            };
        }

        /** Our role's (and our other principals') requests on the partner's ingress, as the main matrix writes them. */
        async function decide(
            facts: LinkFacts,
        ): Promise<{ template: string; principal: string; action: string; resource: string; transport: string; decision?: string; evidence: string[]; status: string }[]> {
            const templates = ["replicate-into-other-ingress", "replicate-without-modern-tls", "replicas-only-under-root", "grant-names-only-the-role"];
            const requests = expandMatrix(matrix, facts).filter((r) => templates.includes(r.template) && r.principal?.side === "own" && r.resource?.side === "counterpart");
            const decided = [];
            for (const r of requests) {
                const outcome = await simulateRequest(r);
                decided.push({
                    template: r.template,
                    principal: r.principal!.label,
                    action: r.action,
                    resource: r.resource!.label,
                    transport: r.transport,
                    decision: outcome.decision,
                    evidence: outcome.evidence,
                    status: outcome.status,
                });
            }
            return decided;
        }

        function assertAdmitsOnlyOurRole(decided: Awaited<ReturnType<typeof decide>>, bucket: string, root: string): void {
            const replicate = decided.filter((d) => d.template === "replicate-into-other-ingress");
            assert.strictEqual(replicate.length, 6);
            for (const d of replicate) {
                assert.deepStrictEqual([d.status, d.decision], ["evaluated", "Allowed"], `${d.action} ${d.transport}`);
                assert.ok(
                    d.evidence.some((e) => e === `Allow ReplicationWriteReplicas111122223333 in ${bucket} bucket policy from the hand-off sheet`),
                    d.evidence.join("; "),
                );
                assert.ok(d.resource.startsWith(`${bucket}/${root}/`));
            }
            const insecure = decided.filter((d) => d.template === "replicate-without-modern-tls");
            assert.deepStrictEqual([...new Set(insecure.map((d) => d.transport))].sort(), ["http", "tls1.0", "tls1.1"]);
            assert.ok(insecure.every((d) => d.decision === "ExplicitlyDenied"));
            assert.ok(
                insecure.filter((d) => d.transport === "http").every((d) => d.evidence[0] === `Deny DenyInsecureTransport in ${bucket} bucket policy from the hand-off sheet`),
            );
            const outside = decided.filter((d) => d.template === "replicas-only-under-root");
            assert.ok(outside.length === 2 && outside.every((d) => d.decision === "ImplicitlyDenied"));
            const others = decided.filter((d) => d.template === "grant-names-only-the-role");
            assert.deepStrictEqual([...new Set(others.map((d) => d.principal))].sort(), ["acme-bank account root", "acme-bank admin role"]);
            assert.ok(others.length === 12 && others.every((d) => d.status === "evaluated" && d.decision === "ImplicitlyDenied"));
        }

        it("prod: admits our replication role over TLS 1.2+ under the root, and nobody else of our account", async () => {
            const prod = await plan("prod");
            const partner = await plan("partner-prod");
            const theirs = linksOf(partner)["acme-bank"];
            const document = handoffBucketPolicy((prod.outputs.handoff as Record<string, string>).cdlx, "cdlx");
            const facts = linkWithHandoff(prod, "cdlx", String(partner.outputs.accountId), theirs.ingressBucketArn, document);
            assertAdmitsOnlyOurRole(await decide(facts), theirs.ingressBucketName, "acme-bank");
        });

        it("handover's marketco: the placeholder sheet, with the bucket name marketco hands over, admits our role once it replicates", async () => {
            const bucket = "marketco-inbound-acme-bank";
            const placeholder = handoffBucketPolicy(
                ((await plan({ stack: "handover", configFile: example("handover") })).outputs.handoff as Record<string, string>).marketco,
                "marketco",
            );
            assert.ok(JSON.stringify(placeholder).includes("<YOUR_INGRESS_BUCKET>"));
            const document = JSON.parse(JSON.stringify(placeholder).replaceAll("<YOUR_INGRESS_BUCKET>", bucket));
            const handedOver = await plan({ stack: stackOf(VARIANTS.marketcoHandedOver), configFile: VARIANTS.marketcoHandedOver });
            // The placeholder was the sheet's only gap: with the bucket known, the program writes the same statements.
            assert.deepStrictEqual(document, handoffBucketPolicy((handedOver.outputs.handoff as Record<string, string>).marketco, "marketco"));
            assert.strictEqual(linksOf(handedOver).marketco.replication, "active");
            const facts = linkWithHandoff(handedOver, "marketco", "555566667777", `arn:aws:s3:::${bucket}`, document);
            assertAdmitsOnlyOurRole(await decide(facts), bucket, "acme-bank");
        });
    });

    describe("the command and the matrix file", () => {
        it("prints a vendor drop's and a log bucket's rows from an example config, and exits 0", async () => {
            let out = "";
            const code = await cli(["--config", example("vendor-write"), "--full"], (text) => {
                out += text;
            });
            assert.strictEqual(code, 0);
            assert.match(out, /^Vendor drop \*\*sailthru\*\*$/m);
            assert.match(out, /^Log bucket \*\*acme-retail-vendor-write-logs-us-east-1\*\*$/m);
            assert.match(out, /`acme-retail-vendor-write-sailthru-drop` with `s3:prefix` = `` \| tls1\.2 \| Allowed \| Allowed \| yes/);
        });

        it("will not evaluate vendor drops or service destinations without the config that says what they may do", async () => {
            await assert.rejects(
                evaluatePlans({ plan: await plan({ stack: "vendor-write", configFile: example("vendor-write") }), matrix }),
                /makes vendor drops or service destinations \(sailthru\): pass the stack's parsed config/,
            );
        });

        it("refuses a template whose principals belong to another scope", () => {
            const file = path.join(TMP, "wrong-scope.yaml");
            fs.writeFileSync(
                file,
                YAML.stringify({
                    kinds: { "vendor-drop": "v" },
                    templates: [
                        {
                            id: "wrong",
                            kind: "vendor-drop",
                            scope: "vendorDrop",
                            principals: ["replicationRole(own)"],
                            actions: ["s3:PutObject"],
                            resources: ["drop/{prefix}/x"],
                            expected: "Allowed",
                        },
                    ],
                }),
            );
            assert.throws(() => loadExpectedMatrix(file), /wrong: principal "replicationRole\(own\)" is not one of vendor, vendor\(unrelated\)/);
        });
    });
});
