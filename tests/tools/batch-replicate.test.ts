/**
 * `npm run batch-replicate` against a mocked S3 Control client
 * (aws-sdk-client-mock): the job it prints for a link, the request it sends
 * with --start, and exit 2 with the fix for each bad input, before anything
 * is created.
 */
import * as assert from "assert";
import * as path from "path";
import { CreateJobCommand, S3ControlClient, S3ControlServiceException } from "@aws-sdk/client-s3-control";
import { mockClient } from "aws-sdk-client-mock";
import { BatchDeps, runBatchReplicate } from "../../tools/batch/index";
import { PulumiResult } from "../../tools/canary/outputs";
import { plan } from "../helpers/plans";

const ROOT = path.resolve(__dirname, "..", "..");
const SSE_KMS = path.join(ROOT, "stacks", "examples", "sse-kms.yaml");

interface Run {
    code: number;
    stdout: string;
    stderr: string;
    pulumiArgs: string[][];
    clients: string[];
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
        newToken: () => "00000000-0000-4000-8000-000000000000",
        stdout: (text) => {
            result.stdout += text;
        },
        stderr: (text) => {
            result.stderr += text;
        },
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
            planConfig: async () => {
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
