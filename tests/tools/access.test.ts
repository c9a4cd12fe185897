/**
 * The access matrix: every stack's planned policies give the expected
 * decisions, and a design that is broken in one place fails on exactly the
 * requests that place governs. Decisions are @cloud-copilot/iam-simulate's.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { cli } from "../../tools/access";
import { batchReplicationTrustPolicy } from "../../infra/policies/batch-replication";
import { keySource } from "../../tools/access/context-sources";
import { contextKeysSection } from "../../tools/access/format";
import { AccessMatrixResult, AccessRow, evaluatePlans, handoversFromConfig, linkFacts, loadExpectedMatrix } from "../../tools/access/index";
import { expandMatrix } from "../../tools/access/matrix";
import { simulateRequest } from "../../tools/access/simulate";
import { Plan, PlannedResource } from "../../tools/plan/engine";
import { readStackConfig } from "../../tools/plan/project";
import { ALL_STACKS, fixtureFile, linksOf, plan, T } from "../helpers/plans";

const COUNTERPART: Record<string, string> = {
    prod: "partner-prod",
    "partner-prod": "prod",
    preprod: "partner-preprod",
    "partner-preprod": "preprod",
};

/** Requests per kind that a stack with one link must at least make: fewer means templates stopped expanding. */
const MIN_ROWS: Record<string, number> = {
    replication: 28,
    transport: 38,
    "least-privilege": 68,
    "counterpart-account": 60,
    outsiders: 60,
    owner: 12,
    trust: 20,
    kms: 18,
    audit: 55,
};

const matrix = loadExpectedMatrix();

type Mutation = (own: Plan, theirs: Plan) => void;

/** Evaluates a stack against copies of the cached plans, changed by `mutate`. */
async function evaluate(stack: string, mutate?: Mutation): Promise<AccessMatrixResult> {
    const own = structuredClone(await plan(stack));
    const theirs = structuredClone(await plan(COUNTERPART[stack]));
    mutate?.(own, theirs);
    return evaluatePlans({ plan: own, referenced: [theirs], matrix });
}

function resource(p: Plan, token: string, predicate: (r: PlannedResource) => boolean): PlannedResource {
    const found = p.resources.filter((r) => r.type === token && predicate(r));
    assert.strictEqual(found.length, 1, `expected one ${token}`);
    return found[0];
}

function editPolicy(r: PlannedResource, edit: (doc: { Statement: Record<string, unknown>[] }) => void): void {
    const doc = JSON.parse(r.inputs.policy as string);
    edit(doc);
    r.inputs.policy = JSON.stringify(doc);
}

const link = (p: Plan) => Object.values(linksOf(p))[0];
const ingressPolicy = (p: Plan) => resource(p, T.policy, (r) => r.inputs.bucket === link(p).ingressBucketName);
const replicationPermissions = (p: Plan) => resource(p, T.rolePolicy, (r) => link(p).replicationRoleArn.endsWith(`/${String(r.inputs.role)}`));
const ingressBlock = (p: Plan) => resource(p, T.publicAccessBlock, (r) => r.inputs.bucket === link(p).ingressBucketName);

function rows(result: AccessMatrixResult, match: Partial<AccessRow>): AccessRow[] {
    return result.rows.filter((r) => Object.entries(match).every(([k, v]) => r[k as keyof AccessRow] === v));
}

function mismatchKeys(result: AccessMatrixResult): string[] {
    return result.mismatches.map((r) => `${r.principal} ${r.action} ${r.resource} ${r.transport}`).sort();
}

/** The plan as with s3-transfer:batchTrustConditions on: every Batch Replication role's trust pinned to this account's jobs. */
function conditionBatchTrust(own: Plan): void {
    const accountId = own.outputs.accountId as string;
    for (const link of Object.values(linksOf(own))) {
        if (!link.batchReplicationRoleArn) continue;
        const role = resource(own, T.role, (r) => r.outputs.arn === link.batchReplicationRoleArn);
        role.inputs.assumeRolePolicy = JSON.stringify(batchReplicationTrustPolicy({ partition: "aws", accountId, sourceConditions: true }));
    }
}

describe("npm run access: the access matrix", () => {
    before(async () => {
        for (const stack of [...ALL_STACKS, ...Object.values(COUNTERPART)]) await plan(stack);
    });

    for (const stack of ALL_STACKS) {
        it(`${stack}: every request gets its expected decision, with both sides' policies known`, async () => {
            const result = await evaluate(stack);
            assert.deepStrictEqual(mismatchKeys(result), []);
            assert.deepStrictEqual(
                result.rows.filter((r) => r.status !== "evaluated").map((r) => `${r.template}: ${r.note}`),
                [],
            );
            for (const [kind, min] of Object.entries(MIN_ROWS)) {
                const count = result.rows.filter((r) => r.kind === kind).length;
                assert.ok(count >= min, `${kind}: ${count} requests, expected at least ${min}`);
            }
            for (const decision of ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"]) {
                assert.ok(
                    result.rows.some((r) => r.decision === decision),
                    `no ${decision} row`,
                );
            }
        });
    }

    it("each request carries the context keys AWS sets, and no key a policy tests is dropped", async () => {
        const result = await evaluate("prod");
        for (const r of result.rows) {
            const what = `${r.principal} ${r.action} ${r.resource} ${r.transport}`;
            assert.strictEqual(r.context["aws:SecureTransport"], r.transport === "http" ? "false" : "true", what);
            if (r.action.startsWith("s3:")) assert.strictEqual(r.context["s3:TlsVersion"], r.transport === "http" ? undefined : r.transport.slice(3), what);
            if (r.principalArn) {
                assert.strictEqual(r.context["aws:PrincipalArn"], r.principalArn, what);
                assert.strictEqual(r.context["aws:PrincipalAccount"], r.principalArn.split(":")[4], what);
            }
            if (r.principal.startsWith("s3.amazonaws.com")) assert.match(r.context["aws:SourceAccount"], /^\d{12}$/, what);
            for (const key of r.ignoredContextKeys ?? [])
                assert.ok(!/^aws:(SecureTransport|PrincipalArn|PrincipalAccount|SourceAccount|SourceArn)$|^s3:TlsVersion$/.test(key), `${what} dropped ${key}`);
        }
    });

    it("a cross-account replication is allowed by both accounts' policies, each named as evidence", async () => {
        const result = await evaluate("prod");
        const replicate = rows(result, { template: "replicate-into-other-ingress", principal: "cdlx replication role", action: "s3:ReplicateObject", transport: "tls1.2" });
        assert.strictEqual(replicate.length, 1);
        assert.deepStrictEqual(replicate[0].evidence, [
            "Allow WriteReplicasToDestination in identity policy replicate-egress",
            "Allow ReplicationWriteReplicas444455556666 in acme-bank-prod-cdlx-ingress bucket policy",
        ]);
    });

    describe("breaking the design fails the rows it governs", () => {
        it("the replication role widened to s3:* on *: its own account's buckets open up, the other account's bucket policy still holds", async () => {
            const result = await evaluate("prod", (own) =>
                editPolicy(replicationPermissions(own), (doc) => {
                    doc.Statement = [{ Sid: "Everything", Effect: "Allow", Action: "s3:*", Resource: "*" }];
                }),
            );
            const failed = new Set(result.mismatches.map((r) => `${r.action} ${r.resource}`));
            for (const expected of [
                "s3:DeleteObject acme-bank-prod-cdlx-egress/acme-bank/2024-01-31/CDLX_orders_20240131_1706659200_1of2.jsonl",
                "s3:PutBucketPolicy acme-bank-prod-cdlx-egress",
                "s3:PutObject acme-bank-prod-cdlx-ingress/acme-bank/2024-01-31/CDLX_orders_20240131_1706659200_1of2.jsonl",
                "s3:GetObjectVersionForReplication acme-bank-prod-cdlx-egress/other-root/2024-01-31/CDLX_orders_20240131_1706659200_1of2.jsonl",
            ])
                assert.ok(failed.has(expected), `${expected} should now be allowed and fail`);
            assert.ok(result.mismatches.every((r) => r.principal === "acme-bank replication role" && r.decision === "Allowed"));
            // Cross-account, our identity policy alone cannot open the partner's bucket.
            const intoTheirs = rows(result, { principal: "acme-bank replication role", template: "no-reads-or-deletes-in-other-ingress" });
            assert.ok(intoTheirs.length >= 7 && intoTheirs.every((r) => r.ok && r.decision === "ImplicitlyDenied"));
        });

        it("the DenyInsecureTransport statement dropped from the ingress policy: exactly the plain-HTTP requests on that bucket fail", async () => {
            const result = await evaluate("prod", (own) =>
                editPolicy(ingressPolicy(own), (doc) => {
                    doc.Statement = doc.Statement.filter((s) => s.Sid !== "DenyInsecureTransport");
                }),
            );
            assert.ok(result.mismatches.length >= 5);
            for (const r of result.mismatches) {
                assert.strictEqual(r.transport, "http");
                assert.match(r.resource, /^acme-bank-prod-cdlx-ingress/);
            }
            assert.deepStrictEqual(
                rows(result, { principal: "cdlx replication role", action: "s3:ReplicateObject", transport: "http", template: "replicate-without-modern-tls" }).map(
                    (r) => r.decision,
                ),
                ["Allowed"],
            );
            // TLS 1.0/1.1 are still refused by DenyOutdatedTls.
            assert.ok(rows(result, { principal: "cdlx replication role", template: "replicate-without-modern-tls", transport: "tls1.1" }).every((r) => r.ok));
        });

        it("the aws:PrincipalArn condition dropped from the ingress grant: the partner's root and every other role may write replicas", async () => {
            const result = await evaluate("prod", (own) =>
                editPolicy(ingressPolicy(own), (doc) => {
                    for (const s of doc.Statement) if (s.Effect === "Allow") delete s.Condition;
                }),
            );
            assert.deepStrictEqual(
                [...new Set(result.mismatches.map((r) => `${r.principal} ${r.action}`))].sort(),
                // Not s3:GetBucketVersioning: the whole account may read (only) that, by design.
                ["cdlx account root", "cdlx admin role"]
                    .flatMap((p) => ["s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateObject", "s3:ReplicateTags"].map((a) => `${p} ${a}`))
                    .sort(),
            );
            assert.ok(result.mismatches.every((r) => r.decision === "Allowed" && r.resource.startsWith("acme-bank-prod-cdlx-ingress")));
        });

        it("the partner's role without its write permission: our bucket policy alone does not let it replicate", async () => {
            const result = await evaluate("prod", (_own, theirs) =>
                editPolicy(replicationPermissions(theirs), (doc) => {
                    doc.Statement = doc.Statement.filter((s) => s.Sid !== "WriteReplicasToDestination");
                }),
            );
            const replicate = rows(result, { template: "replicate-into-other-ingress", principal: "cdlx replication role" });
            assert.strictEqual(replicate.length, 6);
            for (const r of replicate) {
                assert.strictEqual(r.decision, "ImplicitlyDenied");
                assert.strictEqual(r.ok, false);
                assert.deepStrictEqual(r.evidence, ["no Allow in identity policies"]);
            }
        });
    });

    describe("which context keys AWS documents and which are assumed", () => {
        it("marks the rows that test a key AWS is only assumed to send: S3's source keys when it assumes a replication role", async () => {
            // As with s3-transfer:batchTrustConditions on: the opted-in trust tests the keys AWS does not say Batch Operations sends.
            const result = await evaluate("prod", (own) => conditionBatchTrust(own));
            const marked = result.rows.filter((r) => r.assumedContextKeys?.length);
            assert.ok(marked.length > 0);
            for (const r of marked) assert.match(r.principal, /^(s3|ec2|logging\.s3|batchoperations\.s3)\.amazonaws\.com for /, r.principal);
            // The Batch Operations trust's source keys are assumed too.
            assert.ok(marked.some((r) => r.template === "batch-operations-assumes-batch-role" && r.decision === "Allowed"));
            const [allowed] = rows(result, { template: marked.find((r) => r.decision === "Allowed")!.template, decision: "Allowed" });
            assert.deepStrictEqual([allowed.action, allowed.assumedContextKeys], ["sts:AssumeRole", ["aws:SourceAccount", "aws:SourceArn"]]);
            // Log delivery's source keys are documented: the grant that admits it rests on no assumption.
            assert.ok(result.rows.filter((r) => r.principal.startsWith("logging.s3.amazonaws.com") && r.decision === "Allowed").every((r) => !r.assumedContextKeys));
        });

        it("cites a documented source for the transport, principal, S3 and KMS keys, and says why where there is none", () => {
            for (const key of [
                "aws:SecureTransport",
                "s3:TlsVersion",
                "aws:PrincipalArn",
                "kms:ViaService",
                "kms:EncryptionContext:aws:s3:arn",
                "s3:prefix",
                "sts:ExternalId",
                "s3:x-amz-server-side-encryption-customer-algorithm",
            ]) {
                const source = keySource(key, {}, "s3:PutObject");
                assert.ok(source.documented && source.source.startsWith("https://docs.aws.amazon.com/"), key);
            }
            const logging = keySource("aws:SourceArn", { "aws:PrincipalServiceName": "logging.s3.amazonaws.com" }, "s3:PutObject");
            assert.ok(logging.documented);
            for (const service of ["s3.amazonaws.com", "batchoperations.s3.amazonaws.com"]) {
                const trust = keySource("aws:SourceArn", { "aws:PrincipalServiceName": service }, "sts:AssumeRole");
                assert.ok(!trust.documented && /no AWS source|not stated/.test(trust.why), service);
            }
        });

        it("lists every key the page's requests carry with its source, assumed ones only where a policy tests them", async () => {
            const section = contextKeysSection((await evaluate("prod", (own) => conditionBatchTrust(own))).rows).join("\n");
            assert.match(section, /\| `aws:SourceArn` \| s3\.amazonaws\.com on `sts:AssumeRole` \| \*\*assumed\*\*: AWS's replication guide/);
            assert.match(section, /\| `aws:SecureTransport` \| every request that carries it \| documented: https:\/\/docs\.aws\.amazon\.com\/IAM\//);
        });
    });

    describe("the Batch Replication role", () => {
        it("is assumed by Batch Operations as AWS documents (any job; which job gets it is iam:PassRole's decision), reads the egress replication and inventory configuration, and touches no data", async () => {
            // s3:InitiateReplication itself is not in the matrix: the simulator does not apply s3:TlsVersion to it (see expected-matrix.yaml).
            const result = await evaluate("prod");
            const decisions = (template: string) => [...new Set(rows(result, { template }).map((r) => r.decision))];
            assert.deepStrictEqual(decisions("batch-operations-assumes-batch-role"), ["Allowed"]);
            assert.deepStrictEqual(decisions("batch-operations-for-any-job-assumes-batch-role"), ["Allowed"]);
            for (const template of ["nobody-else-assumes-batch-role", "batch-role-nothing-else", "batch-role-no-bucket-changes"])
                assert.deepStrictEqual(decisions(template), ["ImplicitlyDenied"], template);
            assert.deepStrictEqual(decisions("batch-role-reads-replication-and-inventory"), ["Allowed"]);
            // Reads no object of its own egress either: initiating replication is not reading.
            assert.ok(rows(result, { template: "batch-role-nothing-else", action: "s3:GetObject" }).some((r) => r.resource.includes("-egress/")));
        });

        it("with the opt-in source conditions (s3-transfer:batchTrustConditions), another account's jobs can no longer assume it", async () => {
            const result = await evaluate("prod", (own) => conditionBatchTrust(own));
            assert.deepStrictEqual([...new Set(result.mismatches.map((r) => `${r.template}: ${r.principal}`))].sort(), [
                "batch-operations-for-any-job-assumes-batch-role: batchoperations.s3.amazonaws.com for cdlx, source a job in us-east-1",
                "batch-operations-for-any-job-assumes-batch-role: batchoperations.s3.amazonaws.com for unrelated account, source a job in us-east-1",
            ]);
            assert.ok(result.mismatches.every((r) => r.decision === "ImplicitlyDenied"));
        });
    });

    describe("the simulator decides", () => {
        it("a deny-all bucket policy flips an allowed replication to an explicit deny", async () => {
            const result = await evaluate("prod", (own) =>
                editPolicy(ingressPolicy(own), (doc) => {
                    doc.Statement.push({ Sid: "DenyAll", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" });
                }),
            );
            const [row] = rows(result, { template: "replicate-into-other-ingress", principal: "cdlx replication role", action: "s3:ReplicateObject", transport: "tls1.3" });
            assert.strictEqual(row.decision, "ExplicitlyDenied");
            assert.deepStrictEqual(row.evidence, ["Deny DenyAll in acme-bank-prod-cdlx-ingress bucket policy"]);
        });

        it("conditions are evaluated against the context keys: without aws:PrincipalArn no grant, without s3:TlsVersion no TLS floor", async () => {
            const [facts] = linkFacts({ plan: await plan("prod"), referenced: [await plan("partner-prod")] });
            const requests = expandMatrix(matrix, facts);
            const find = (template: string, transport: string) =>
                requests.find((r) => r.template === template && r.principal?.label === "cdlx replication role" && r.action === "s3:ReplicateObject" && r.transport === transport)!;

            const replicate = find("replicate-into-other-ingress", "tls1.2");
            assert.strictEqual((await simulateRequest(replicate)).decision, "Allowed");
            const { "aws:PrincipalArn": _dropped, ...withoutArn } = replicate.context;
            assert.strictEqual((await simulateRequest({ ...replicate, context: withoutArn })).decision, "ImplicitlyDenied");

            const oldTls = find("replicate-without-modern-tls", "tls1.1");
            assert.strictEqual((await simulateRequest(oldTls)).decision, "ExplicitlyDenied");
            const { "s3:TlsVersion": _tls, ...withoutTls } = oldTls.context;
            assert.strictEqual((await simulateRequest({ ...oldTls, context: withoutTls })).decision, "Allowed");
        });

        it("S3 Block Public Access (RestrictPublicBuckets) is applied from the plan to a bucket policy made public", async () => {
            const makePublic: Mutation = (own) =>
                editPolicy(ingressPolicy(own), (doc) => {
                    doc.Statement.push({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${link(own).ingressBucketArn}/*` });
                });
            const anonymousRead = {
                template: "outsiders-no-object-access",
                principal: "anonymous",
                action: "s3:GetObject",
                resource: "acme-bank-prod-cdlx-ingress/acme-bank/2024-01-31/CDLX_orders_20240131_1706659200_1of2.jsonl",
            };

            const blocked = rows(await evaluate("prod", makePublic), anonymousRead);
            assert.deepStrictEqual(
                blocked.map((r) => [r.decision, r.ok]),
                [["ExplicitlyDenied", false]],
            );
            assert.ok(
                blocked[0].evidence.some((e) => e.includes("S3 Block Public Access")),
                blocked[0].evidence.join("; "),
            );

            const open = rows(
                await evaluate("prod", (own, theirs) => {
                    makePublic(own, theirs);
                    ingressBlock(own).inputs.restrictPublicBuckets = false;
                }),
                anonymousRead,
            );
            assert.deepStrictEqual(
                open.map((r) => r.decision),
                ["Allowed"],
            );
        });
    });

    describe("a counterpart that hands over in writing", () => {
        const configFile = path.join(__dirname, "..", "..", "stacks", "examples", "handover.yaml");

        it("decides what this side's policies decide alone, and says why for the rest", async () => {
            const p = await plan({ stack: "handover", configFile });
            const result = await evaluatePlans({ plan: p, handovers: handoversFromConfig(readStackConfig(configFile), "handover"), matrix });
            assert.deepStrictEqual(mismatchKeys(result), []);
            assert.ok(result.notEvaluated.length > 0);
            for (const r of result.notEvaluated) assert.ok(r.note && r.note.length > 20, `${r.template} has no reason`);
            // Their role is allowed by our grant, but only their identity policy can make it so: never claimed.
            const theirReplication = rows(result, { link: "loyaltyco", template: "replicate-into-other-ingress", principal: "loyaltyco replication role" });
            assert.ok(theirReplication.length > 0 && theirReplication.every((r) => r.status === "not-evaluated" && /identity policies/.test(r.note!)));
            // What our policies deny whatever theirs say is decided, and marked as such.
            const partial = rows(result, { link: "loyaltyco", template: "no-reads-or-deletes-in-other-ingress", principal: "loyaltyco replication role" });
            assert.ok(partial.length >= 7 && partial.every((r) => r.status === "partial" && r.decision === "ImplicitlyDenied" && r.ok));
            // A counterpart that has handed over only its account: its link is pending, nothing about the grant is claimed.
            const pending = rows(result, { link: "marketco", template: "grant-names-only-the-role" });
            assert.ok(pending.length > 0 && pending.every((r) => r.status === "not-evaluated"));
            assert.ok(rows(result, { link: "marketco", template: "replicate-into-other-ingress" }).every((r) => r.status === "not-evaluated"));
        });
    });

    describe("the command", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "access-"));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("prints the matrix of prod as JSON and exits 0", async () => {
            let out = "";
            const code = await cli(["--config", fixtureFile("prod"), "--json"], (text) => {
                out += text;
            });
            assert.strictEqual(code, 0);
            const printed = JSON.parse(out) as AccessMatrixResult;
            assert.strictEqual(printed.stack, "prod");
            assert.deepStrictEqual(printed.referenced, ["partner-prod"]);
            assert.strictEqual(printed.mismatches.length, 0);
            assert.ok(printed.rows.length >= Object.values(MIN_ROWS).reduce((a, b) => a + b));
        });

        it("exits 1 and names the request when a decision differs from the expected one", async () => {
            const strict = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "tools", "access", "expected-matrix.yaml"), "utf8"));
            // A stricter design than the program's: the owner's own administrators may not read the ingress.
            strict.templates.push({
                id: "owner-may-not-read",
                kind: "owner",
                sides: ["own"],
                principals: ["admin({side})"],
                actions: ["s3:GetObject"],
                resources: ["ingress({side})/{root}/{file}"],
                expected: "ImplicitlyDenied",
            });
            const file = path.join(dir, "strict.yaml");
            fs.writeFileSync(file, YAML.stringify(strict));
            let out = "";
            const code = await cli(["--config", fixtureFile("prod"), "--matrix", file], (text) => {
                out += text;
            });
            assert.strictEqual(code, 1);
            assert.match(out, /1 not as expected/);
            assert.match(out, /acme-bank admin role `s3:GetObject` on `acme-bank-prod-cdlx-ingress\/acme-bank\/[^`]+` over tls1\.2: expected ImplicitlyDenied, got Allowed/);
        });

        it("exits 0 when every evaluated decision is as expected and lists by reason the requests it could not evaluate; --strict exits 1 on them", async () => {
            const example = path.join(__dirname, "..", "..", "stacks", "examples", "handover.yaml");
            let out = "";
            assert.strictEqual(
                await cli(["--config", example], (text) => {
                    out += text;
                }),
                0,
            );
            const counted = Number(/, (\d+) not evaluated\.$/m.exec(out)?.[1]);
            assert.ok(counted > 0, out);
            const listed = [...out.matchAll(/^- (\d+) requests?: (.+)$/gm)];
            assert.strictEqual(
                listed.reduce((sum, [, n]) => sum + Number(n), 0),
                counted,
                "every request not evaluated is counted under a reason",
            );
            assert.match(out, /\*\*Not evaluated\*\* \(\d+\), by reason:/);
            assert.strictEqual(await cli(["--config", example, "--strict"], () => undefined), 1);
        });

        it("--compact gives a principal-by-bucket grid per link: what each principal may do on each bucket", async () => {
            let out = "";
            assert.strictEqual(
                await cli(["--config", path.join(__dirname, "..", "..", "stacks", "examples", "sse-kms.yaml"), "--compact"], (text) => {
                    out += text;
                }),
                0,
            );
            const table = out.slice(out.indexOf("Link to **cdlx**"), out.indexOf("Log bucket"));
            const header = table.split("\n").find((l) => l.startsWith("| principal |"))!;
            const columns = header
                .split(" | ")
                .slice(1)
                .map((c) => c.replace(/[`| ]/g, ""));
            const row = (principal: string) => {
                const cells = table
                    .split("\n")
                    .find((l) => l.startsWith(`| ${principal} |`))!
                    .split("|")
                    .slice(2, -1)
                    .map((c) => c.trim());
                return Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
            };
            assert.deepStrictEqual([...columns].sort(), [
                "acme-bank-sse-kms-cdlx-egress",
                "acme-bank-sse-kms-cdlx-ingress",
                "acme-bank-sse-kms-logs-us-east-1",
                "cdlx-prod-acme-bank-ingress",
            ]);
            // Our replication role reads our egress (and decrypts it) to replicate; it may not touch our ingress.
            assert.strictEqual(row("acme-bank replication role")["acme-bank-sse-kms-cdlx-egress"], "LR");
            assert.strictEqual(row("acme-bank replication role")["acme-bank-sse-kms-cdlx-ingress"], "·");
            // In cdlx's ingress our own policy denies what is outside the root; whether it may write replicas
            // under the root rests on cdlx's bucket policy, which no plan here holds.
            assert.strictEqual(row("acme-bank replication role")["cdlx-prod-acme-bank-ingress"], "·?");
            assert.strictEqual(row("acme-bank admin role")["acme-bank-sse-kms-cdlx-ingress"], "RWD");
            assert.strictEqual(row("anonymous")["acme-bank-sse-kms-cdlx-egress"], "·");
            assert.match(out, /\*\*L\*\* list the bucket or read its settings, \*\*R\*\* read objects/);
        });

        it("refuses a matrix file with a principal it does not know", () => {
            const file = path.join(dir, "typo.yaml");
            fs.writeFileSync(
                file,
                YAML.stringify({
                    kinds: { trust: "t" },
                    templates: [{ id: "typo", kind: "trust", principals: ["anonymus"], actions: ["s3:GetObject"], resources: ["ingress(own)"], expected: "Allowed" }],
                }),
            );
            assert.throws(() => loadExpectedMatrix(file), /typo: principal "anonymus" is not one of/);
        });
    });
});
