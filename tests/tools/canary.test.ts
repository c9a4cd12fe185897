/**
 * `npm run canary` against a mocked S3 (aws-sdk-client-mock) and a fake
 * clock: each outcome an operator can meet, its exit code, what was written,
 * polled and deleted, and the latency as the clock measured it. `--stack`
 * names a stack of the tests' own project root (tests/fixtures/stacks/),
 * never of the repository's: the outputs are doubles of a deployed stack.
 */
import * as assert from "assert";
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { parseFileKey } from "../../infra/naming/file-key";
import { CanaryDeps, runCanary } from "../../tools/canary/index";
import { PulumiResult } from "../../tools/canary/outputs";
import { CanaryReport } from "../../tools/canary/report";
import { LinkResult } from "../../tools/canary/run-link";
import { classifyS3Error, createS3Client, enforceHttps } from "../../tools/canary/s3";
import { runScript } from "../helpers/cli";
import { FIXTURE_STACKS } from "../helpers/plans";

/** 2026-11-23T09:00:00Z */
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

type Link = Record<string, unknown>;

function link(name: string, overrides: Link = {}): Link {
    return {
        root: "acme-bank",
        region: "us-east-1",
        egressBucketName: `acme-bank-prod-${name}-egress`,
        egressBucketArn: `arn:aws:s3:::acme-bank-prod-${name}-egress`,
        ingressBucketName: `acme-bank-prod-${name}-ingress`,
        ingressBucketArn: `arn:aws:s3:::acme-bank-prod-${name}-ingress`,
        replicationRoleArn: `arn:aws:iam::111122223333:role/acme-bank-to-${name}-replication`,
        deleteMarkerReplication: false,
        replication: "active",
        ingressGrant: "active",
        ...overrides,
    };
}

/** The shape `pulumi stack output --json` prints for this program (see `npm run plan -- --stack prod`). */
function stackOutputs(links: Record<string, Link> = { cdlx: link("cdlx") }): Record<string, unknown> {
    return {
        side: "publisher",
        partyName: "acme-bank",
        accountId: "111122223333",
        region: "us-east-1",
        links,
        vendorDrops: {},
        serviceDestinations: {},
        audit: { logBuckets: { "us-east-1": "acme-bank-prod-logs-us-east-1" }, accessLogs: {} },
        alertTopics: { "us-east-1": "arn:aws:sns:us-east-1:111122223333:acme-bank-prod-replication-alerts-us-east-1" },
        handoff: "# Hand-off\n",
    };
}

interface Harness {
    deps: CanaryDeps;
    stdout: string[];
    stderr: string[];
    sleeps: number[];
    pulumiCalls: string[][];
    clients: { region: string; client: S3Client }[];
    /** Moves the fake clock, as time spent inside a request would. */
    advance: (ms: number) => void;
    now: () => number;
}

function harness(options: { outputs?: Record<string, unknown>; files?: Record<string, string>; signal?: AbortSignal; onSleep?: (ms: number) => void } = {}): Harness {
    let t = T0;
    const h: Omit<Harness, "deps"> = { stdout: [], stderr: [], sleeps: [], pulumiCalls: [], clients: [], advance: (ms) => (t += ms), now: () => t };
    const deps: CanaryDeps = {
        runPulumi: (args): PulumiResult => {
            h.pulumiCalls.push(args);
            return { status: 0, stdout: JSON.stringify(options.outputs ?? stackOutputs()), stderr: "" };
        },
        readFile: (file) => {
            const text = options.files?.[file];
            if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: "ENOENT" });
            return text;
        },
        clientFor: (region) => {
            const client = createS3Client(region);
            h.clients.push({ region, client });
            return client;
        },
        clock: {
            now: () => t,
            // Links poll concurrently: a sleeper wakes at its own deadline, never later than the clock already is.
            sleep: async (ms) => {
                h.sleeps.push(ms);
                options.onSleep?.(ms);
                const wake = t + ms;
                await Promise.resolve();
                t = Math.max(t, wake);
            },
        },
        stdout: (text) => h.stdout.push(text),
        stderr: (text) => h.stderr.push(text),
        root: FIXTURE_STACKS,
        ...(options.signal ? { signal: options.signal } : {}),
    };
    return { ...h, deps };
}

function s3Error(name: string, httpStatusCode: number, message: string): S3ServiceException {
    return new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? "server" : "client", $metadata: { httpStatusCode }, message });
}

/** What the SDK throws for a 403 to HEAD: no body, so no code and no message. */
const headForbidden = (): S3ServiceException => s3Error("Unknown", 403, "UnknownError");

async function runJson(args: string[], h: Harness): Promise<{ code: number; report: CanaryReport; link: (name: string) => LinkResult }> {
    const code = await runCanary([...args, "--json"], h.deps);
    assert.strictEqual(h.stdout.length, 1, `one report on stdout; stderr: ${h.stderr.join("")}`);
    const report = JSON.parse(h.stdout[0]) as CanaryReport;
    const linkOf = (name: string): LinkResult => {
        const found = report.links.find((l) => l.counterpart === name);
        assert.ok(found, `no result for ${name}`);
        return found;
    };
    return { code, report, link: linkOf };
}

describe("npm run canary", () => {
    const s3 = mockClient(S3Client);
    beforeEach(() => {
        s3.reset();
        s3.on(PutObjectCommand).resolves({ VersionId: "v-canary-1", ETag: '"e"' });
        s3.on(DeleteObjectCommand).resolves({});
    });
    after(() => s3.restore());

    const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const heads = () => s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input);
    const deletes = () => s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input);

    describe("completed", () => {
        it("measures the latency from the PutObject response to the first COMPLETED, on the injected clock", async () => {
            const h = harness();
            // The upload itself takes 400 ms: not part of the replication latency.
            s3.on(PutObjectCommand).callsFake(() => {
                h.advance(400);
                return { VersionId: "v-canary-1" };
            });
            s3.on(HeadObjectCommand).resolvesOnce({ ReplicationStatus: "PENDING" }).resolvesOnce({ ReplicationStatus: "PENDING" }).resolves({ ReplicationStatus: "COMPLETED" });
            const { code, report, link: result } = await runJson(["--stack", "prod"], h);

            assert.strictEqual(code, 0);
            assert.strictEqual(report.exitCode, 0);
            assert.deepStrictEqual(h.pulumiCalls, [["stack", "output", "--json", "--stack", "prod"]]);
            const r = result("cdlx");
            assert.strictEqual(r.status, "completed");
            assert.strictEqual(r.replicationStatus, "COMPLETED");
            // Polls at +0 (PENDING), +5 s (PENDING), +11.25 s (COMPLETED): interval 5 s, then 5 s x 1.25.
            assert.deepStrictEqual(h.sleeps, [5000, 6250]);
            assert.strictEqual(r.latencyMs, 11_250);
            assert.strictEqual(r.notBeforeMs, 5000);
            assert.strictEqual(r.pollGranularityMs, 6250);
            assert.strictEqual(r.polls, 3);
            assert.strictEqual(report.summary.completed, 1);
        });

        it("writes one JSONL line under the link's root, named by the file-naming convention, without naming a KMS key", async () => {
            const h = harness({
                outputs: stackOutputs({ cdlx: link("cdlx", { egressKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }) }),
            });
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "COMPLETED" });
            const { code } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 0);

            const [put, ...more] = puts();
            assert.strictEqual(more.length, 0);
            assert.strictEqual(put.Bucket, "acme-bank-prod-cdlx-egress");
            assert.strictEqual(put.ExpectedBucketOwner, "111122223333");
            const parsed = parseFileKey(put.Key!, { root: "acme-bank" });
            assert.ok(parsed.ok, parsed.ok ? "" : parsed.reason);
            // Outputs without the link's fileNamePrefix are a program's from before it: every key then started with CDLX_.
            assert.deepStrictEqual(parsed.parts, { root: "acme-bank", prefix: "CDLX", fileType: "canary", date: "2026-11-23", epoch: T0 / 1000, part: 1, partCount: 1 });
            for (const header of ["ServerSideEncryption", "SSEKMSKeyId", "SSEKMSEncryptionContext", "BucketKeyEnabled"] as const) {
                assert.strictEqual(put[header], undefined, `${header} must be left to the bucket's default encryption`);
            }
            const body = String(put.Body);
            assert.strictEqual(body.split("\n").length, 2, "one line, newline-terminated");
            assert.deepStrictEqual(JSON.parse(body), { canary: true, stack: "prod", party: "acme-bank", link: "cdlx", writtenAt: "2026-11-23T09:00:00.000Z" });

            for (const head of heads()) assert.deepStrictEqual(head, { Bucket: put.Bucket, Key: put.Key, VersionId: "v-canary-1", ExpectedBucketOwner: "111122223333" });
        });

        it("names the canary object with the link's own file-name prefix from the outputs", async () => {
            const h = harness({ outputs: stackOutputs({ globex: link("globex", { fileNamePrefix: "GLOBEX" }) }) });
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "COMPLETED" });
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 0);
            const [put] = puts();
            assert.match(put.Key!, /^acme-bank\/2026-11-23\/GLOBEX_canary_20261123_\d+_1of1\.jsonl$/);
            assert.match(result("globex").replica?.note ?? "", /keys match acme-bank\/\*\/GLOBEX_canary_\*/);
        });

        it("reports the replica the counterpart keeps, and prints the latency in the text report", async () => {
            const h = harness();
            s3.on(HeadObjectCommand).resolvesOnce({ ReplicationStatus: "PENDING" }).resolves({ ReplicationStatus: "COMPLETED" });
            const code = await runCanary(["--stack", "prod"], h.deps);
            assert.strictEqual(code, 0);
            const text = h.stdout.join("");
            assert.match(text, /cdlx\s+COMPLETED\s+replicated in 5\.0 s \(between 0\.0 s and 5\.0 s: poll granularity 5\.0 s, 2 polls\)/);
            assert.match(text, /replica: acme-bank\/2026-11-23\/CDLX_canary_20261123_\d+_1of1\.jsonl: the replica in cdlx's ingress bucket stays/);
            assert.match(text, /result: 1 completed; exit 0/);
        });
    });

    describe("cleanup", () => {
        it("deletes exactly the version it wrote, from the egress bucket", async () => {
            const h = harness();
            s3.on(PutObjectCommand).resolves({ VersionId: "3HL4kqtJvjVBH40Nrjfkd" });
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "COMPLETED" });
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 0);
            assert.deepStrictEqual(deletes(), [
                { Bucket: "acme-bank-prod-cdlx-egress", Key: puts()[0].Key, VersionId: "3HL4kqtJvjVBH40Nrjfkd", ExpectedBucketOwner: "111122223333" },
            ]);
            assert.strictEqual(result("cdlx").cleanup.action, "deleted");
            assert.ok(result("cdlx").replica, "the counterpart's replica is reported");
        });

        it("--keep deletes nothing and says how to delete the version later", async () => {
            const h = harness();
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "COMPLETED" });
            const { code, link: result } = await runJson(["--stack", "prod", "--keep"], h);
            assert.strictEqual(code, 0);
            assert.deepStrictEqual(deletes(), []);
            const { cleanup } = result("cdlx");
            assert.strictEqual(cleanup.action, "kept");
            assert.match(cleanup.command ?? "", /aws s3api delete-object --region us-east-1 --bucket acme-bank-prod-cdlx-egress --key 'acme-bank\/.*' --version-id 'v-canary-1'/);
        });

        it("a failed delete is a warning: the link still passes", async () => {
            const h = harness();
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "COMPLETED" });
            s3.on(DeleteObjectCommand).rejects(s3Error("AccessDenied", 403, "Access Denied"));
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 0);
            const r = result("cdlx");
            assert.strictEqual(r.status, "completed");
            assert.strictEqual(r.cleanup.action, "failed");
            assert.match(r.cleanup.detail, /s3:DeleteObjectVersion on arn:aws:s3:::acme-bank-prod-cdlx-egress\/acme-bank\/\* is missing/);
            assert.match(r.warnings.join("\n"), /cleanup failed/);
        });
    });

    describe("failures", () => {
        it("FAILED: exit 1 with the permission chain to check, and the version is deleted", async () => {
            const h = harness();
            s3.on(HeadObjectCommand).resolvesOnce({ ReplicationStatus: "PENDING" }).resolves({ ReplicationStatus: "FAILED" });
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 1);
            const r = result("cdlx");
            assert.strictEqual(r.status, "failed");
            assert.strictEqual(r.replicationStatus, "FAILED");
            assert.strictEqual(r.latencyMs, undefined);
            const hints = r.hints.join("\n");
            assert.match(hints, /ingress bucket policy admits arn:aws:iam::111122223333:role\/acme-bank-to-cdlx-replication/);
            assert.match(hints, /versioning/);
            assert.match(hints, /key policy/);
            assert.match(hints, /docs\/operations.md, "A failed replication"/);
            assert.deepStrictEqual(
                deletes().map((d) => d.VersionId),
                ["v-canary-1"],
            );
            assert.strictEqual(r.replica, undefined, "nothing reached the counterpart");
        });

        it("times out at --timeout, polling with backoff up to the deadline, and leaves the pending version in place", async () => {
            const h = harness();
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "PENDING" });
            const { code, link: result } = await runJson(["--stack", "prod", "--timeout", "20", "--interval", "5"], h);
            assert.strictEqual(code, 1);
            const r = result("cdlx");
            assert.strictEqual(r.status, "timed-out");
            assert.strictEqual(r.replicationStatus, "PENDING");
            // 5, 6.25, 7.813 s, then only what is left until the deadline, where the last poll happens.
            assert.deepStrictEqual(h.sleeps, [5000, 6250, 7813, 937]);
            assert.strictEqual(r.polls, 5);
            assert.strictEqual(r.elapsedMs, 20_000);
            assert.match(r.reason, /still PENDING after 20\.0 s \(--timeout 20\)/);
            // Deleting a version S3 has not replicated yet would make its replication fail.
            assert.deepStrictEqual(deletes(), []);
            assert.strictEqual(r.cleanup.action, "left");
            assert.match(r.cleanup.command ?? "", /--version-id 'v-canary-1'/);
        });

        it("the poll interval grows gently and stops growing at 30 s", async () => {
            const h = harness();
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "PENDING" });
            const { code } = await runJson(["--stack", "prod", "--timeout", "300"], h);
            assert.strictEqual(code, 1);
            assert.strictEqual(
                h.sleeps.reduce((a, b) => a + b, 0),
                300_000,
            );
            for (let i = 1; i < h.sleeps.length - 1; i++) assert.ok(h.sleeps[i] >= h.sleeps[i - 1], `sleep ${i} shrank: ${h.sleeps}`);
            assert.strictEqual(Math.max(...h.sleeps), 30_000);
        });

        it("a transient HEAD error is polled through, not a verdict", async () => {
            const h = harness();
            s3.on(HeadObjectCommand)
                .resolvesOnce({ ReplicationStatus: "PENDING" })
                .rejectsOnce(s3Error("Unknown", 503, "UnknownError"))
                .resolves({ ReplicationStatus: "COMPLETED" });
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 0);
            assert.strictEqual(result("cdlx").polls, 3);
            assert.match(h.stderr.join(""), /HeadObject failed \(Unknown: HTTP 503 without an error body\); polling on/);
        });

        it("no replication status: the rule does not match the key, with the root to compare", async () => {
            const h = harness();
            s3.on(HeadObjectCommand).resolves({ ContentLength: 120 });
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 1);
            const r = result("cdlx");
            assert.strictEqual(r.status, "failed");
            assert.strictEqual(r.replicationStatus, null);
            assert.strictEqual(r.polls, 1, "S3 sets PENDING at write time: one HEAD is enough");
            assert.match(r.reason, /no enabled replication rule of acme-bank-prod-cdlx-egress matches acme-bank\/2026-11-23\/CDLX_canary_/);
            assert.match(r.hints.join("\n"), /prefix "acme-bank\/".*aws s3api get-bucket-replication --bucket acme-bank-prod-cdlx-egress/);
            assert.deepStrictEqual(deletes().length, 1, "an object that will never replicate is deleted");
        });
    });

    describe("access denied", () => {
        it("on PutObject: exit 1, names the bucket, the action and every permission the canary needs; nothing else is tried", async () => {
            const h = harness({
                outputs: stackOutputs({ cdlx: link("cdlx", { egressKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e" }) }),
            });
            s3.on(PutObjectCommand).rejects(s3Error("AccessDenied", 403, "User: arn:aws:sts::111122223333:assumed-role/ops/me is not authorized to perform: s3:PutObject"));
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 1);
            const r = result("cdlx");
            assert.strictEqual(r.status, "denied");
            assert.strictEqual(r.error?.operation, "PutObject");
            assert.match(r.reason, /PutObject on s3:\/\/acme-bank-prod-cdlx-egress\/acme-bank\/.* needs s3:PutObject/);
            assert.match(r.reason, /not authorized to perform: s3:PutObject/, "AWS's own message is kept");
            const hint = r.hints.join("\n");
            for (const action of ["s3:PutObject", "s3:GetObject,", "s3:GetObjectVersion", "s3:DeleteObjectVersion"]) assert.ok(hint.includes(action), `${action} in ${hint}`);
            assert.match(hint, /on arn:aws:s3:::acme-bank-prod-cdlx-egress\/acme-bank\/\*/);
            assert.match(hint, /kms:GenerateDataKey on arn:aws:kms:us-east-1:111122223333:key\/1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/);
            assert.match(hint, /account 111122223333/);
            assert.deepStrictEqual([heads().length, deletes().length], [0, 0]);
            assert.strictEqual(r.cleanup.action, "none");
        });

        it("on HeadObject (a bodiless 403): exit 1, names s3:GetObjectVersion, and leaves the version whose status is unknown", async () => {
            const h = harness();
            s3.on(HeadObjectCommand).rejects(headForbidden());
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 1);
            const r = result("cdlx");
            assert.strictEqual(r.status, "denied");
            assert.strictEqual(r.error?.operation, "HeadObject");
            assert.strictEqual(r.error?.httpStatus, 403);
            assert.match(r.reason, /HeadObject on s3:\/\/acme-bank-prod-cdlx-egress\/acme-bank\/.*\?versionId=v-canary-1 needs s3:GetObjectVersion/);
            assert.match(r.hints.join("\n"), /s3:DeleteObjectVersion on arn:aws:s3:::acme-bank-prod-cdlx-egress\/acme-bank\/\*/);
            assert.match(r.hints.join("\n"), /no error body/);
            assert.strictEqual(r.polls, 1, "a denial is not retried");
            assert.deepStrictEqual(deletes(), []);
            assert.strictEqual(r.cleanup.action, "left");
        });

        it("missing credentials are an error, not a denial", async () => {
            const h = harness();
            s3.on(PutObjectCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 1);
            assert.strictEqual(result("cdlx").status, "error");
            assert.match(result("cdlx").hints.join(" "), /aws sts get-caller-identity/);
        });
    });

    describe("links", () => {
        it("skips a pending link without touching its bucket, and passes on the active one", async () => {
            const h = harness({ outputs: stackOutputs({ cdlx: link("cdlx"), northwind: link("northwind", { replication: "pending", ingressGrant: "pending" }) }) });
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "COMPLETED" });
            const { code, report, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 0);
            assert.strictEqual(result("northwind").status, "skipped");
            assert.match(result("northwind").reason, /replication is pending/);
            assert.strictEqual(result("cdlx").status, "completed");
            assert.deepStrictEqual(report.summary, { completed: 1, failed: 0, "timed-out": 0, denied: 0, error: 0, interrupted: 0, skipped: 1 });
            const buckets = s3.calls().map((c) => (c.args[0].input as { Bucket: string }).Bucket);
            assert.ok(buckets.length > 0 && buckets.every((b) => b === "acme-bank-prod-cdlx-egress"), buckets.join(", "));
        });

        it("only pending links: nothing is written, exit 2", async () => {
            const h = harness({ outputs: stackOutputs({ northwind: link("northwind", { replication: "pending" }) }) });
            const code = await runCanary(["--stack", "prod"], h.deps);
            assert.strictEqual(code, 2);
            assert.strictEqual(s3.calls().length, 0);
            assert.match(h.stderr.join(""), /no active link to check in prod \(northwind pending\)/);
        });

        it("--counterpart checks only the named links, on one client per region", async () => {
            const h = harness({
                outputs: stackOutputs({
                    cdlx: link("cdlx"),
                    globex: link("globex", { region: "eu-west-1" }),
                    initech: link("initech", { region: "eu-west-1" }),
                    umbrella: link("umbrella"),
                }),
            });
            const regionOfCall: Record<string, string> = {};
            s3.on(HeadObjectCommand).callsFake(async (input: { Bucket: string }, getClient: () => S3Client) => {
                regionOfCall[input.Bucket] = await getClient().config.region();
                return { ReplicationStatus: "COMPLETED" };
            });
            const { code, report } = await runJson(["--stack", "prod", "--counterpart", "globex", "--counterpart", "initech", "--counterpart", "cdlx"], h);
            assert.strictEqual(code, 0);
            assert.deepStrictEqual(
                report.links.map((l) => l.counterpart),
                ["globex", "initech", "cdlx"],
            );
            assert.deepStrictEqual(h.clients.map((c) => c.region).sort(), ["eu-west-1", "us-east-1"]);
            assert.deepStrictEqual(regionOfCall, {
                "acme-bank-prod-globex-egress": "eu-west-1",
                "acme-bank-prod-initech-egress": "eu-west-1",
                "acme-bank-prod-cdlx-egress": "us-east-1",
            });
        });

        it("one failing link fails the run, the others still report", async () => {
            const h = harness({ outputs: stackOutputs({ cdlx: link("cdlx"), globex: link("globex") }) });
            s3.on(HeadObjectCommand, { Bucket: "acme-bank-prod-cdlx-egress" }).resolves({ ReplicationStatus: "COMPLETED" });
            s3.on(HeadObjectCommand, { Bucket: "acme-bank-prod-globex-egress" }).resolves({ ReplicationStatus: "FAILED" });
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 1);
            assert.deepStrictEqual([result("cdlx").status, result("globex").status], ["completed", "failed"]);
        });

        it("an interruption stops polling, reports, exits 130 and deletes nothing pending", async () => {
            const controller = new AbortController();
            const h = harness({ signal: controller.signal, onSleep: () => controller.abort() });
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "PENDING" });
            const { code, link: result } = await runJson(["--stack", "prod"], h);
            assert.strictEqual(code, 130);
            assert.strictEqual(result("cdlx").status, "interrupted");
            assert.strictEqual(result("cdlx").cleanup.action, "left");
            assert.deepStrictEqual(deletes(), []);
        });
    });

    describe("outputs and options", () => {
        it("--outputs reads the stack outputs from a file, without pulumi", async () => {
            const h = harness({ files: { "prod-outputs.json": JSON.stringify(stackOutputs({ "from-file": link("from-file") })) } });
            h.deps.runPulumi = () => assert.fail("pulumi must not run when --outputs is given");
            s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "COMPLETED" });
            const { code, report, link: result } = await runJson(["--outputs", "prod-outputs.json"], h);
            assert.strictEqual(code, 0);
            assert.strictEqual(report.outputsFile, "prod-outputs.json");
            assert.strictEqual(report.stack, null);
            assert.strictEqual(result("from-file").status, "completed");
            assert.strictEqual(puts()[0].Bucket, "acme-bank-prod-from-file-egress");
        });

        const usageErrors: [string, string[], RegExp][] = [
            ["no stack or outputs", [], /--stack <name> or --outputs <file> is required/],
            ["unknown option", ["--stack", "prod", "--stak", "x"], /Unknown option '--stak'/],
            ["missing value", ["--stack", "prod", "--timeout"], /Option '--timeout <value>' argument missing/],
            ["empty value", ["--stack", "prod", "--counterpart", ""], /Option '--counterpart <value>' is empty/],
            ["stray argument", ["prod"], /Unexpected argument 'prod'/],
            [
                "--config alone, an example: refused, naming the stack to give instead",
                ["--config", "stacks/examples/sse-kms.yaml"],
                /--config plans offline and knows no deployed stack; .*give --stack <name> \(or --outputs <file>\) .*\(e\.g\. --stack sse-kms\)/,
            ],
            ["an unreadable --config", ["--config", "stacks/examples/nope.yaml"], /--config stacks\/examples\/nope\.yaml: cannot read it \(ENOENT/],
            ["non-numeric --timeout", ["--stack", "prod", "--timeout", "15m"], /--timeout must be a number of seconds from 1 to 86400, got "15m" \(e\.g\. --timeout 900\)/],
            ["zero --interval", ["--stack", "prod", "--interval", "0"], /--interval must be a number of seconds from 1/],
            ["--interval above --timeout", ["--stack", "prod", "--timeout", "10", "--interval", "30"], /--interval 30 is longer than --timeout 10/],
            ["unknown --counterpart", ["--stack", "prod", "--counterpart", "globex"], /--counterpart globex: no such link in prod; its links are: cdlx/],
            ["unreadable --outputs", ["--outputs", "missing.json"], /--outputs missing.json: cannot read it \(ENOENT/],
            ["--outputs that is not JSON", ["--outputs", "bad.json"], /--outputs bad.json: not JSON/],
            ["--outputs of another shape", ["--outputs", "other.json"], /(?=[^]*- links\.cdlx\.egressBucketName: )(?=[^]*- accountId: must be a 12-digit AWS account ID)/],
            ["a stack never deployed", ["--outputs", "empty.json"], /has it been deployed/],
        ];
        for (const [name, args, message] of usageErrors) {
            it(`exit 2: ${name}`, async () => {
                const broken = stackOutputs();
                delete (broken.links as Record<string, Link>).cdlx.egressBucketName;
                broken.accountId = "1111-2222-3333";
                const h = harness({ files: { "bad.json": "Outputs:\n  side: publisher\n", "other.json": JSON.stringify(broken), "empty.json": "{}\n" } });
                const code = await runCanary(args, h.deps);
                assert.strictEqual(code, 2, h.stderr.join(""));
                assert.match(h.stderr.join(""), message);
                assert.match(h.stderr.join(""), /\nusage: npm run canary -- /, "the usage follows the message");
                assert.deepStrictEqual(h.stdout, []);
                assert.strictEqual(s3.calls().length, 0, "nothing reaches S3");
            });
        }

        it("exit 2 when pulumi is not installed or fails, with what to do", async () => {
            const missing = harness();
            missing.deps.runPulumi = () => ({ status: null, stdout: "", stderr: "", error: Object.assign(new Error("spawnSync pulumi ENOENT"), { code: "ENOENT" }) });
            assert.strictEqual(await runCanary(["--stack", "prod"], missing.deps), 2);
            assert.match(missing.stderr.join(""), /pulumi CLI is not installed.*--outputs outputs\.json/);

            const failing = harness();
            failing.deps.runPulumi = () => ({ status: 255, stdout: "", stderr: "error: no stack named 'prod' found\n" });
            assert.strictEqual(await runCanary(["--stack", "prod"], failing.deps), 2);
            assert.match(failing.stderr.join(""), /exited 255: error: no stack named 'prod' found/);
        });

        it("takes the stack names every command takes: a qualified name is handed to pulumi as given; an unknown one lists the project's, before pulumi runs", async () => {
            const qualified = harness();
            await runCanary(["--stack", "organization/s3-transfer/prod"], qualified.deps);
            assert.deepStrictEqual(qualified.pulumiCalls[0], ["stack", "output", "--json", "--stack", "organization/s3-transfer/prod"]);
            const typo = harness();
            assert.strictEqual(await runCanary(["--stack", "prd"], typo.deps), 2);
            assert.match(typo.stderr.join(""), /^--stack prd: this project has no stack "prd" \(no Pulumi\.prd\.yaml\); did you mean prod\?\nthe stacks of this project: /);
            assert.deepStrictEqual(typo.pulumiCalls, []);
        });

        it("--help and -h print the usage with the exit codes and exit 0, reading no outputs", async () => {
            for (const flag of ["--help", "-h"]) {
                const h = harness();
                assert.strictEqual(await runCanary(["--stack", "prod", flag], h.deps), 0);
                assert.match(h.stdout.join(""), /^usage: npm run canary -- \(--stack <name> \| --outputs <file>\)/);
                assert.match(h.stdout.join(""), /exit status: 0 every checked link COMPLETED; 1 .*; 2 usage/s);
                assert.deepStrictEqual(h.stderr, []);
                assert.deepStrictEqual(h.pulumiCalls, []);
            }
        });
    });
});

describe("npm run canary: transport", () => {
    const recorded = (): { requests: { protocol: string; hostname: string }[]; handler: { handle: (request: { protocol: string; hostname: string }) => Promise<never> } } => {
        const requests: { protocol: string; hostname: string }[] = [];
        return {
            requests,
            handler: {
                handle: (request) => {
                    requests.push({ protocol: request.protocol, hostname: request.hostname });
                    return Promise.reject(Object.assign(new Error("recorded, not sent"), { name: "Recorded" }));
                },
            },
        };
    };
    const credentials = { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "example" };

    it("the client goes to S3 over HTTPS even when the environment names an http:// endpoint", async () => {
        const saved = process.env.AWS_ENDPOINT_URL_S3;
        process.env.AWS_ENDPOINT_URL_S3 = "http://127.0.0.1:9";
        try {
            const { requests, handler } = recorded();
            const client = createS3Client("eu-west-1", { credentials, maxAttempts: 1, requestHandler: handler as never });
            await assert.rejects(client.send(new HeadObjectCommand({ Bucket: "acme-bank-prod-cdlx-egress", Key: "k" })), /recorded, not sent/);
            assert.deepStrictEqual(requests, [{ protocol: "https:", hostname: "acme-bank-prod-cdlx-egress.s3.eu-west-1.amazonaws.com" }]);
        } finally {
            if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
            else process.env.AWS_ENDPOINT_URL_S3 = saved;
        }
    });

    it("an http:// request is refused before it is sent", async () => {
        const { requests, handler } = recorded();
        const client = enforceHttps(
            new S3Client({ region: "us-east-1", endpoint: "http://127.0.0.1:9", forcePathStyle: true, credentials, maxAttempts: 1, requestHandler: handler as never }),
        );
        const failure = await client.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: "x" })).then(() => assert.fail("sent"), classifyS3Error);
        assert.strictEqual(failure.kind, "insecure");
        assert.deepStrictEqual(requests, []);
    });

    it("the SDK's bodiless 403 to HEAD is classified as a denial", async () => {
        const client = createS3Client("us-east-1", {
            credentials,
            maxAttempts: 1,
            requestHandler: { handle: () => Promise.resolve({ response: { statusCode: 403, reason: "Forbidden", headers: {}, body: Buffer.alloc(0) } }) } as never,
        });
        const failure = await client.send(new HeadObjectCommand({ Bucket: "b", Key: "k", VersionId: "v" })).then(() => assert.fail("no error"), classifyS3Error);
        assert.deepStrictEqual([failure.kind, failure.httpStatus], ["denied", 403]);
    });

    it("the CLI propagates a usage error as exit 2", function () {
        this.timeout(60_000);
        // --outputs: the process runs from the repository's root, whose stacks are a team's.
        const r = runScript("canary", ["--outputs", "outputs.json", "--timeout", "soon"]);
        assert.strictEqual(r.status, 2, r.stderr);
        assert.match(r.stderr, /--timeout must be a number of seconds/);
        assert.strictEqual(r.stdout, "");
    });
});
