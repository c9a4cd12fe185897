/**
 * `npm run batch-replicate` against a mocked S3 Control client
 * (aws-sdk-client-mock): the job it prints for a link, the request it sends
 * with --start, and exit 2 with the fix for each bad input, before anything
 * is created.
 */
import * as assert from "assert";
import * as path from "path";
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { CreateJobCommand, DescribeJobCommand, S3ControlClient, S3ControlServiceException } from "@aws-sdk/client-s3-control";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { BatchDeps, runBatchReplicate } from "../../tools/batch/index";
import { PulumiResult } from "../../tools/canary/outputs";
import { FIXTURE_STACKS, plan } from "../helpers/plans";

const ROOT = path.resolve(__dirname, "..", "..");
const SSE_KMS = path.join(ROOT, "stacks", "examples", "sse-kms.yaml");

interface Run {
    code: number;
    stdout: string;
    stderr: string;
    pulumiArgs: string[][];
    clients: string[];
}

/** A clock that only moves when the command sleeps: polling costs no wall time, and timeouts are exact. */
function fakeClock(start = Date.parse("2026-03-02T10:00:00Z")) {
    let now = start;
    return {
        now: () => now,
        sleep: (ms: number) => {
            now += ms;
            return Promise.resolve();
        },
    };
}

async function run(argv: string[], overrides: Partial<BatchDeps> & { outputs?: unknown } = {}): Promise<Run> {
    const result: Run = { code: -1, stdout: "", stderr: "", pulumiArgs: [], clients: [] };
    const outputs = overrides.outputs ?? (await plan("prod")).outputs;
    const deps: BatchDeps = {
        runPulumi: (args): PulumiResult => {
            result.pulumiArgs.push(args);
            return { status: 0, stdout: JSON.stringify(outputs), stderr: "" };
        },
        readFile: (file) => {
            if (file === "outputs.json") return JSON.stringify(outputs);
            if (file === SSE_KMS) return "config: {}";
            throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: "ENOENT" });
        },
        planConfig: async (stack, configFile) => (await plan({ stack, configFile })).outputs,
        clientFor: (region) => {
            result.clients.push(region);
            return new S3ControlClient({ region, credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } });
        },
        s3For: (region) => {
            result.clients.push(`s3 ${region}`);
            return new S3Client({ region, credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } });
        },
        clock: fakeClock(),
        newToken: () => "00000000-0000-4000-8000-000000000000",
        stdout: (text) => {
            result.stdout += text;
        },
        stderr: (text) => {
            result.stderr += text;
        },
        // `--stack prod` is the fixture's (its outputs are the fixture's plan), never a team's stack at the root.
        root: FIXTURE_STACKS,
        ...overrides,
    };
    result.code = await runBatchReplicate(argv, deps);
    return result;
}

describe("npm run batch-replicate", () => {
    const s3control = mockClient(S3ControlClient);
    afterEach(() => s3control.reset());
    after(() => s3control.restore());

    it("prints the job of a link: AWS's S3-generated manifest of NONE and FAILED objects under the root, the link's Batch Replication role, manifest and report in the log bucket", async () => {
        const r = await run(["--stack", "prod", "--counterpart", "cdlx", "--json"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(r.pulumiArgs, [["stack", "output", "--json", "--stack", "prod"]]);
        const logs = "arn:aws:s3:::acme-bank-prod-logs-us-east-1";
        assert.deepStrictEqual(JSON.parse(r.stdout), {
            region: "us-east-1",
            request: {
                AccountId: "111122223333",
                ConfirmationRequired: false,
                Operation: { S3ReplicateObject: {} },
                ManifestGenerator: {
                    S3JobManifestGenerator: {
                        ExpectedBucketOwner: "111122223333",
                        SourceBucket: "arn:aws:s3:::acme-bank-prod-cdlx-egress",
                        EnableManifestOutput: true,
                        ManifestOutputLocation: {
                            ExpectedManifestBucketOwner: "111122223333",
                            Bucket: logs,
                            ManifestPrefix: "batch-replication/acme-bank-prod-cdlx-egress/manifests",
                            ManifestEncryption: { SSES3: {} },
                            ManifestFormat: "S3InventoryReport_CSV_20211130",
                        },
                        Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ["NONE", "FAILED"], KeyNameConstraint: { MatchAnyPrefix: ["acme-bank/"] } },
                    },
                },
                Report: {
                    Bucket: logs,
                    Prefix: "batch-replication/acme-bank-prod-cdlx-egress/reports",
                    Format: "Report_CSV_20180820",
                    Enabled: true,
                    ReportScope: "AllTasks",
                    ExpectedBucketOwner: "111122223333",
                },
                Priority: 10,
                RoleArn: "arn:aws:iam::111122223333:role/acme-bank-to-cdlx-batch",
                Description: "Batch Replication of NONE/FAILED objects under acme-bank/ from acme-bank-prod-cdlx-egress to cdlx",
                ClientRequestToken: "00000000-0000-4000-8000-000000000000",
            },
        });
        assert.strictEqual(s3control.calls().length, 0, "printing creates nothing");
    });

    it("the role and log bucket it names are the ones the plan makes and grants (the role may write there)", async () => {
        const p = await plan("prod");
        const r = await run(["--stack", "prod", "--counterpart", "cdlx", "--json"]);
        const { request } = JSON.parse(r.stdout);
        const role = p.resources.find((x) => x.type === "aws:iam/role:Role" && x.outputs.arn === request.RoleArn);
        assert.ok(role, "the plan makes the role the job runs with");
        const policy = p.resources.find((x) => x.type === "aws:iam/rolePolicy:RolePolicy" && x.inputs.role === role.inputs.name)!;
        const statements = JSON.parse(policy.inputs.policy as string).Statement as { Sid: string; Resource: string | string[] }[];
        const work = ([] as string[]).concat(statements.find((s) => s.Sid === "WriteManifestsAndReports")!.Resource);
        for (const prefix of [request.Report.Prefix, request.ManifestGenerator.S3JobManifestGenerator.ManifestOutputLocation.ManifestPrefix]) {
            assert.ok(
                work.some((w) => `${request.Report.Bucket}/${prefix}/x`.startsWith(w.replace(/\*$/, ""))),
                `${prefix} is outside ${work.join(", ")}`,
            );
        }
    });

    it("prints the aws s3control create-job command with the same request", async () => {
        const r = await run(["--stack", "prod", "--counterpart", "cdlx", "--status", "FAILED"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /^aws s3control create-job \\\n {2}--region us-east-1 \\\n {2}--account-id 111122223333 \\\n {2}--operation '\{"S3ReplicateObject":\{\}\}'/m);
        assert.match(r.stdout, /"ObjectReplicationStatuses":\["FAILED"\]/);
        assert.match(r.stdout, /--role-arn arn:aws:iam::111122223333:role\/acme-bank-to-cdlx-batch \\\n {2}--no-confirmation-required/);
    });

    it("with --start, creates the job in the egress bucket's region through the S3 Control client", async () => {
        s3control.on(CreateJobCommand).resolves({ JobId: "job-0001" });
        const r = await run(["--outputs", "outputs.json", "--counterpart", "cdlx", "--start", "--json"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(r.clients, ["us-east-1"]);
        const calls = s3control.commandCalls(CreateJobCommand);
        assert.strictEqual(calls.length, 1);
        assert.deepStrictEqual(calls[0].args[0].input, JSON.parse(r.stdout).request);
        assert.match(r.stderr, /created job job-0001 in us-east-1/);
    });

    it("exits 1 naming the permissions to check when AWS refuses the job", async () => {
        s3control.on(CreateJobCommand).rejects(new S3ControlServiceException({ name: "AccessDenied", $fault: "client", $metadata: {}, message: "Access Denied" }));
        const r = await run(["--stack", "prod", "--counterpart", "cdlx", "--start"]);
        assert.strictEqual(r.code, 1);
        assert.match(
            r.stderr,
            /AWS refused the job: AccessDenied: Access Denied\n\(check that your credentials may s3:CreateJob and iam:PassRole arn:aws:iam::111122223333:role\/acme-bank-to-cdlx-batch\)/,
        );
    });

    it("--help and -h print the usage on stdout and exit 0, reading no outputs", async () => {
        for (const flag of ["--help", "-h"]) {
            const r = await run(["--stack", "prod", flag]);
            assert.strictEqual(r.code, 0, r.stderr);
            assert.match(r.stdout, /^usage: npm run batch-replicate -- \(--stack <name> \| --outputs <file> \| --config <file>\) --counterpart <name>/);
            assert.match(r.stdout, /--status <status> .*\n.*repeat for several/);
            assert.strictEqual(r.stderr, "");
            assert.deepStrictEqual(r.pulumiArgs, []);
        }
    });

    it("repeated --status values are each included once, in the order given", async () => {
        const r = await run(["--stack", "prod", "--counterpart", "cdlx", "--status", "FAILED", "--status", "NONE", "--status", "FAILED", "--json"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(JSON.parse(r.stdout).request.ManifestGenerator.S3JobManifestGenerator.Filter.ObjectReplicationStatuses, ["FAILED", "NONE"]);
    });

    it("--config alone names the example as a stack called after its file, planned without pulumi", async () => {
        let planned: [string, string] | undefined;
        const r = await run(["--config", "stacks/examples/sse-kms.yaml", "--counterpart", "cdlx", "--json"], {
            planConfig: async (stack, configFile) => {
                planned = [stack, configFile];
                return (await plan({ stack, configFile: SSE_KMS })).outputs;
            },
        });
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(planned, ["sse-kms", "stacks/examples/sse-kms.yaml"]);
        assert.deepStrictEqual(r.pulumiArgs, []);
    });

    it("a config error in the planned file exits 2 with its file, key and fix", async () => {
        const { ConfigError } = await import("../../infra/config/errors");
        const r = await run(["--config", SSE_KMS, "--counterpart", "cdlx"], {
            planConfig: () => {
                throw new ConfigError([
                    { key: "s3-transfer:side", problem: "must be publisher or partner", fix: "pulumi config set s3-transfer:side publisher", file: SSE_KMS, line: 2 },
                ]);
            },
        });
        assert.strictEqual(r.code, 2, r.stderr);
        assert.match(r.stderr, /sse-kms\.yaml:2: s3-transfer:side: must be publisher or partner\n\s+fix: pulumi config set s3-transfer:side publisher/);
        assert.strictEqual(r.stdout, "");
    });

    it("plans an example config offline with --config, and prints its job", async () => {
        const r = await run(["--config", SSE_KMS, "--counterpart", "cdlx", "--json"]);
        assert.strictEqual(r.code, 0, r.stderr);
        const { request } = JSON.parse(r.stdout);
        assert.strictEqual(request.ManifestGenerator.S3JobManifestGenerator.SourceBucket, "arn:aws:s3:::acme-bank-sse-kms-cdlx-egress");
        assert.deepStrictEqual(r.pulumiArgs, []);
    });

    for (const [what, argv, message, overrides] of [
        ["no source", ["--counterpart", "cdlx"], /--stack <name>, --outputs <file> or --config <file> is required/, {}],
        ["no counterpart", ["--stack", "prod"], /--counterpart <name> is required/, {}],
        ["a missing value", ["--stack", "prod", "--counterpart"], /Option '--counterpart <value>' argument missing/, {}],
        ["an empty value", ["--stack", "", "--counterpart", "cdlx"], /Option '--stack <value>' is empty/, {}],
        ["a stray argument", ["prod", "--counterpart", "cdlx"], /Unexpected argument 'prod'/, {}],
        ["--outputs with --config", ["--outputs", "outputs.json", "--config", SSE_KMS, "--counterpart", "cdlx"], /give --outputs <file> or --config <file>, not both/, {}],
        ["an unknown option", ["--stack", "prod", "--counterpart", "cdlx", "--bucket", "x"], /Unknown option '--bucket'[^]*\nusage: npm run batch-replicate -- /, {}],
        ["an unknown status", ["--stack", "prod", "--counterpart", "cdlx", "--status", "PENDING"], /--status must be one of NONE, FAILED, COMPLETED, REPLICA, got "PENDING"/, {}],
        ["--start with --config", ["--config", SSE_KMS, "--counterpart", "cdlx", "--start"], /--start needs the deployed stack's outputs/, {}],
        ["a missing --config file", ["--config", "stacks/examples/nope.yaml", "--counterpart", "cdlx"], /--config stacks\/examples\/nope.yaml: cannot read it \(ENOENT/, {}],
        ["a missing --outputs file", ["--outputs", "nope.json", "--counterpart", "cdlx"], /--outputs nope.json: cannot read it/, {}],
        ["an unknown link", ["--stack", "prod", "--counterpart", "nobody"], /--counterpart nobody: --stack prod has no such link; its links are cdlx/, {}],
        ["a pending link", ["--stack", "prod", "--counterpart", "cdlx"], /replication to cdlx is pending/, { pending: true }],
        ["outputs without the role", ["--stack", "prod", "--counterpart", "cdlx"], /exports no batchReplicationRoleArn.*run `pulumi up` first/, { noRole: true }],
        ["an empty stack", ["--stack", "prod", "--counterpart", "cdlx"], /the stack has no outputs; has it been deployed/, { empty: true }],
    ] as [string, string[], RegExp, { pending?: boolean; noRole?: boolean; empty?: boolean }][]) {
        it(`exits 2 on ${what}, naming the fix, and creates nothing`, async () => {
            const base = (await plan("prod")).outputs as { links: Record<string, Record<string, unknown>> };
            const outputs = overrides.empty ? {} : structuredClone(base);
            if (overrides.pending) (outputs as typeof base).links.cdlx.replication = "pending";
            if (overrides.noRole) delete (outputs as typeof base).links.cdlx.batchReplicationRoleArn;
            const r = await run(argv, { outputs });
            assert.strictEqual(r.code, 2, r.stderr);
            assert.match(r.stderr, message);
            assert.match(r.stderr, /\nusage: npm run batch-replicate -- /, "the usage follows the message");
            assert.strictEqual(r.stdout, "");
            assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
            assert.strictEqual(s3control.calls().length, 0);
        });
    }
});

describe("npm run batch-replicate on an offboarded link", () => {
    it("exits 2 saying the counterpart is no longer replicated to, even from outputs that still name the role", async () => {
        const outputs = structuredClone((await plan("prod")).outputs) as { links: Record<string, Record<string, unknown>> };
        outputs.links.cdlx.state = "offboarding";
        const { batchJobFor } = await import("../../tools/batch/job");
        assert.throws(
            () => batchJobFor(outputs as never, "cdlx", ["NONE", "FAILED"], "--stack prod"),
            /cdlx is offboarding: replication to it has stopped and the Batch Replication role no longer covers its egress/,
        );
    });
});

/**
 * The pre-production batch canary (--canary --start): one canary object, a
 * one-line CSV manifest of it, a Batch Replication job run by the link's role,
 * waited for to its end. S3 and S3 Control are mocked with aws-sdk-client-mock;
 * what a CSV manifest holds and how the job reads it: S3 API, JobManifestSpec
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_JobManifestSpec.html),
 * JobManifestLocation (ObjectArn and ETag), DescribeJob's Status and
 * ProgressSummary (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_DescribeJob.html).
 */
describe("npm run batch-replicate --canary", () => {
    // Made when the suite starts: a mock made at load time would be undone by the suite above restoring its own.
    let s3: AwsClientStub<S3Client>;
    let s3control: AwsClientStub<S3ControlClient>;
    before(() => {
        s3 = mockClient(S3Client);
        s3control = mockClient(S3ControlClient);
    });
    afterEach(() => {
        s3.reset();
        s3control.reset();
    });
    after(() => {
        s3.restore();
        s3control.restore();
    });
    const example = async () => (await plan({ stack: "sse-kms", configFile: SSE_KMS })).outputs;
    const EGRESS = "acme-bank-sse-kms-cdlx-egress";
    const LOGS = "acme-bank-sse-kms-logs-us-east-1";
    const ROLE = "arn:aws:iam::111122223333:role/acme-bank-to-cdlx-batch";
    const CANARY_KEY = "acme-bank/2026-03-02/CDLX_canary_20260302_1772445600_1of1.jsonl";

    function replicated(): void {
        s3.on(PutObjectCommand, { Bucket: EGRESS }).resolves({ VersionId: "v-canary-1" });
        s3.on(HeadObjectCommand).resolvesOnce({ ReplicationStatus: "PENDING" }).resolves({ ReplicationStatus: "COMPLETED" });
        s3.on(PutObjectCommand, { Bucket: LOGS }).resolves({ ETag: '"0123456789abcdef0123456789abcdef"' });
        s3.on(DeleteObjectCommand).resolves({});
        s3control.on(CreateJobCommand).resolves({ JobId: "job-canary-1" });
    }
    const canary = (extra: string[] = [], outputs?: unknown) =>
        example().then((o) => run(["--outputs", "outputs.json", "--counterpart", "cdlx", "--canary", "--start", "--interval", "10", ...extra], { outputs: outputs ?? o }));

    it("passes when the job completes with the canary replicated: exit 0, and every request names the link's own bucket, prefix and role", async () => {
        replicated();
        s3control
            .on(DescribeJobCommand)
            .resolvesOnce({ Job: { Status: "Preparing" } })
            .resolves({ Job: { Status: "Complete", ProgressSummary: { TotalNumberOfTasks: 1, NumberOfTasksSucceeded: 1, NumberOfTasksFailed: 0 } } });
        const r = await canary(["--json"]);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        const [canaryPut, manifestPut] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
        assert.deepStrictEqual([canaryPut.Bucket, canaryPut.Key, canaryPut.ExpectedBucketOwner], [EGRESS, CANARY_KEY, "111122223333"]);
        assert.match(String(manifestPut.Key), /^batch-replication\/acme-bank-sse-kms-cdlx-egress\/canary\/2026-03-02T10-00-00-000Z\.csv$/);
        assert.strictEqual(manifestPut.Body, `${EGRESS},${CANARY_KEY},v-canary-1\n`);
        const [create] = s3control.commandCalls(CreateJobCommand).map((c) => c.args[0].input);
        assert.deepStrictEqual(create, {
            AccountId: "111122223333",
            ConfirmationRequired: false,
            Operation: { S3ReplicateObject: {} },
            Manifest: {
                Spec: { Format: "S3BatchOperations_CSV_20180820", Fields: ["Bucket", "Key", "VersionId"] },
                Location: { ObjectArn: `arn:aws:s3:::${LOGS}/${manifestPut.Key}`, ETag: "0123456789abcdef0123456789abcdef" },
            },
            Report: {
                Bucket: `arn:aws:s3:::${LOGS}`,
                Prefix: "batch-replication/acme-bank-sse-kms-cdlx-egress/canary/reports",
                Format: "Report_CSV_20180820",
                Enabled: true,
                ReportScope: "AllTasks",
                ExpectedBucketOwner: "111122223333",
            },
            Priority: 10,
            RoleArn: ROLE,
            Description: `Batch Replication canary: ${CANARY_KEY} from ${EGRESS} to cdlx`,
            ClientRequestToken: "00000000-0000-4000-8000-000000000000",
        });
        assert.deepStrictEqual(s3control.commandCalls(DescribeJobCommand)[0].args[0].input, { AccountId: "111122223333", JobId: "job-canary-1" });
        assert.deepStrictEqual(s3.commandCalls(DeleteObjectCommand)[0].args[0].input, {
            Bucket: EGRESS,
            Key: CANARY_KEY,
            VersionId: "v-canary-1",
            ExpectedBucketOwner: "111122223333",
        });
        const report = JSON.parse(r.stdout);
        assert.deepStrictEqual([report.verdict, report.canary.liveReplication, report.job.status, report.job.tasksSucceeded], ["passed", "COMPLETED", "Complete", 1]);
    });

    it("runs as docs/operations.md shows it, reading the stack's outputs with pulumi", async () => {
        replicated();
        s3control.on(DescribeJobCommand).resolves({ Job: { Status: "Complete", ProgressSummary: { NumberOfTasksSucceeded: 1, NumberOfTasksFailed: 0 } } });
        const r = await run(["--stack", "preprod", "--counterpart", "cdlx", "--canary", "--start"], { outputs: await example() });
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.deepStrictEqual(r.pulumiArgs, [["stack", "output", "--json", "--stack", "preprod"]]);
        assert.match(r.stdout, /^Batch Replication canary of cdlx \(us-east-1\): PASSED/);
    });

    it("the plan lets the link's role do exactly what the canary job asks: initiate the canary's replication, read the manifest, write the report", async () => {
        const p = await plan({ stack: "sse-kms", configFile: SSE_KMS });
        const role = p.resources.find((x) => x.type === "aws:iam/role:Role" && x.outputs.arn === ROLE)!;
        const statements = JSON.parse(p.resources.find((x) => x.type === "aws:iam/rolePolicy:RolePolicy" && x.inputs.role === role.inputs.name)!.inputs.policy as string)
            .Statement as {
            Action: string | string[];
            Resource: string;
        }[];
        const allows = (action: string, arn: string) =>
            statements.some((st) => ([] as string[]).concat(st.Action).includes(action) && arn.startsWith(st.Resource.replace(/\*$/, "")));
        assert.ok(allows("s3:InitiateReplication", `arn:aws:s3:::${EGRESS}/${CANARY_KEY}`));
        assert.ok(allows("s3:GetObject", `arn:aws:s3:::${LOGS}/batch-replication/${EGRESS}/canary/x.csv`));
        assert.ok(allows("s3:PutObject", `arn:aws:s3:::${LOGS}/batch-replication/${EGRESS}/canary/reports/job-1/results/x.csv`));
    });

    it("fails (exit 1) when the job fails, with its reasons and the trust-conditions hint, and still removes the settled canary", async () => {
        replicated();
        s3control.on(DescribeJobCommand).resolves({
            Job: {
                Status: "Failed",
                FailureReasons: [{ FailureCode: "AccessDenied", FailureReason: "Unable to assume the role" }],
                ProgressSummary: { NumberOfTasksSucceeded: 0, NumberOfTasksFailed: 0 },
            },
        });
        const r = await canary();
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /^Batch Replication canary of cdlx \(us-east-1\): FAILED/);
        assert.match(r.stdout, /job job-canary-1 ended Failed with 0 task\(s\) succeeded and 0 failed: AccessDenied: Unable to assume the role/);
        assert.match(r.stdout, /hint: a job that fails at once cannot assume arn:aws:iam::111122223333:role\/acme-bank-to-cdlx-batch: with s3-transfer:batchTrustConditions on/);
        assert.strictEqual(s3.commandCalls(DeleteObjectCommand).length, 1);
    });

    it("fails (exit 1) when the job completes but its task failed", async () => {
        replicated();
        s3control.on(DescribeJobCommand).resolves({ Job: { Status: "Complete", ProgressSummary: { NumberOfTasksSucceeded: 0, NumberOfTasksFailed: 1 } } });
        const r = await canary();
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /ended Complete with 0 task\(s\) succeeded and 1 failed/);
        assert.match(
            r.stdout,
            /failed tasks: the completion report is under s3:\/\/acme-bank-sse-kms-logs-us-east-1\/batch-replication\/acme-bank-sse-kms-cdlx-egress\/canary\/reports\//,
        );
    });

    it("fails (exit 1) at --timeout while the job still runs, saying how to follow it", async () => {
        replicated();
        s3control.on(DescribeJobCommand).resolves({ Job: { Status: "Active" } });
        const r = await canary(["--timeout", "120"]);
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /job job-canary-1 is still Active after 120 s \(--timeout 120\)/);
        assert.match(r.stdout, /follow it with aws s3control describe-job --region us-east-1 --account-id 111122223333 --job-id job-canary-1/);
    });

    it("creates no job while live replication has not settled, and leaves the version (deleting it would fail its replication)", async () => {
        s3.on(PutObjectCommand).resolves({ VersionId: "v-canary-1" });
        s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "PENDING" });
        const r = await canary(["--timeout", "60"]);
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /live replication of the canary is still PENDING after 60 s \(--timeout 60\); no job was created/);
        assert.strictEqual(s3control.commandCalls(CreateJobCommand).length, 0);
        assert.strictEqual(s3.commandCalls(DeleteObjectCommand).length, 0);
        assert.match(r.stdout, /cleanup: version v-canary-1 is left while its replication has not settled; delete it later with aws s3api delete-object/);
    });

    it("exits 1 naming the permissions when the canary cannot be written, and creates nothing", async () => {
        s3.on(PutObjectCommand).rejects(new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "Access Denied" }));
        const r = await canary();
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /PutObject of the canary s3:\/\/acme-bank-sse-kms-cdlx-egress\/acme-bank\/.* failed: AccessDenied \(HTTP 403\): Access Denied/);
        assert.match(r.stdout, /hint: the canary's credentials \(account 111122223333\) need s3:PutObject/);
        assert.strictEqual(s3control.calls().length, 0);
    });

    it("exits 1 when AWS refuses the job, deleting the settled canary", async () => {
        replicated();
        s3control
            .on(CreateJobCommand)
            .rejects(new S3ControlServiceException({ name: "AccessDenied", $fault: "client", $metadata: {}, message: "not authorized to perform: iam:PassRole" }));
        const r = await canary();
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /AWS refused the job: AccessDenied: not authorized to perform: iam:PassRole/);
        assert.strictEqual(s3control.commandCalls(DescribeJobCommand).length, 0);
        assert.strictEqual(s3.commandCalls(DeleteObjectCommand).length, 1);
    });

    it("without --start prints what it would do and touches nothing", async () => {
        const r = await run(["--config", SSE_KMS, "--counterpart", "cdlx", "--canary"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /^# The Batch Replication canary of cdlx \(region us-east-1\); nothing is written without --start/);
        assert.match(r.stdout, /run by arn:aws:iam::111122223333:role\/acme-bank-to-cdlx-batch/);
        assert.strictEqual(s3.calls().length + s3control.calls().length, 0);
    });

    for (const [what, argv, message] of [
        ["--status with --canary", ["--canary", "--status", "FAILED"], /--status is for the S3-generated manifest of a recovery job/],
        ["--timeout without --canary", ["--timeout", "60"], /--timeout is for --canary only/],
        ["a --timeout that is not whole seconds", ["--canary", "--timeout", "soon"], /--timeout must be whole seconds from 60 to 86400, got "soon"/],
        ["an --interval longer than --timeout", ["--canary", "--timeout", "60", "--interval", "90"], /--interval 90 is longer than --timeout 60/],
    ] as [string, string[], RegExp][]) {
        it(`exits 2 on ${what}, before anything is written`, async () => {
            const r = await run(["--outputs", "outputs.json", "--counterpart", "cdlx", "--start", ...argv], { outputs: await example() });
            assert.strictEqual(r.code, 2, r.stderr);
            assert.match(r.stderr, message);
            assert.strictEqual(s3.calls().length + s3control.calls().length, 0);
        });
    }

    it("exits 2 on a link the canary may not run for (offboarding), before anything is written", async () => {
        const outputs = structuredClone(await example()) as { links: Record<string, Record<string, unknown>> };
        outputs.links.cdlx.state = "offboarding";
        const r = await canary([], outputs);
        assert.strictEqual(r.code, 2);
        assert.match(r.stderr, /cdlx is offboarding/);
        assert.strictEqual(s3.calls().length + s3control.calls().length, 0);
    });
});
