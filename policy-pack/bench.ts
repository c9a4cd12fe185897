// `npx ts-node --transpile-only policy-pack/bench.ts`
//
// Two figures the pack promises: what it adds to the cold start of a policy-pack
// process (over loading @pulumi/policy itself), and how long one evaluation of
// every policy takes over 10,000 resources. `runPolicyBench` returns them for the
// project's `npm run bench`; nothing here asserts, timings belong to the bench.

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluateResources, ExportResource } from "./offline";

export interface BenchFigure {
    name: string;
    value: number;
    unit: string;
    target: number;
}

const PACK_DIR = __dirname;

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds a fresh Node process spends on each require, in order. */
function timeRequires(modules: string[]): number[] {
    const script = `const laps = []; for (const m of ${JSON.stringify(modules)}) { const t = process.hrtime.bigint(); require(m); laps.push(Number(process.hrtime.bigint() - t) / 1e6); } process.stdout.write(JSON.stringify(laps));`;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: PACK_DIR, encoding: "utf8" });
    if (r.status !== 0) {
        throw new Error(`timing child failed: ${r.stderr}`);
    }
    return JSON.parse(r.stdout) as number[];
}

function sourcesOf(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            return e.name === "node_modules" || e.name === "bin" ? [] : sourcesOf(p);
        }
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
    });
}

/**
 * The pack as it ships: `npm ci` runs its `prepare` script, which compiles the
 * sources to bin/, and PulumiPolicy's Node host loads that JavaScript. Emit the
 * current sources the same way into a scratch directory, so the figure never
 * measures a stale build.
 */
export function emitJavaScript(outDir: string, ts: typeof import("typescript") = require(require.resolve("typescript", { paths: [PACK_DIR] }))): void {
    const config = ts.readConfigFile(path.join(PACK_DIR, "tsconfig.json"), ts.sys.readFile).config;
    const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, PACK_DIR);
    for (const file of sourcesOf(PACK_DIR)) {
        const out = path.join(outDir, path.relative(PACK_DIR, file)).replace(/\.ts$/, ".js");
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, ts.transpileModule(fs.readFileSync(file, "utf8"), { compilerOptions: { ...options, sourceMap: false }, fileName: file }).outputText);
    }
}

/**
 * Cold start, in fresh processes: the time to require @pulumi/policy, and the time
 * the pack's policies then add (what the pack's index does before constructing the
 * PolicyPack). Medians over `runs` processes; the first, cache-warming run is dropped.
 */
export function measureColdStart(runs = 5): { policyMs: number; addedMs: number } {
    const policy = require.resolve("@pulumi/policy", { paths: [PACK_DIR] });
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-js-"));
    try {
        emitJavaScript(scratch);
        const ours = path.join(scratch, "policies", "index.js");
        timeRequires([policy, ours]);
        const base: number[] = [];
        const added: number[] = [];
        for (let i = 0; i < runs; i++) {
            const [p, o] = timeRequires([policy, ours]);
            base.push(p);
            added.push(o);
        }
        return { policyMs: median(base), addedMs: median(added) };
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

/**
 * A stack of `count` resources shaped like real transfer programs: buckets with
 * their split settings and access logging (half of them correlated only through
 * propertyDependencies, as in a first preview), replication with roles, every
 * fifth bucket written with @pulumi/aws-native (its settings on itself, its policy
 * and role native too), and unrelated resources.
 */
export function synthesizeStack(count = 10_000): ExportResource[] {
    const out: ExportResource[] = [];
    const u = (type: string, name: string) => `urn:pulumi:bench::bench::${type}::${name}`;
    const push = (type: string, name: string, inputs: Record<string, unknown>, deps: Record<string, string[]> = {}) => {
        out.push({ urn: u(type, name), type, custom: true, inputs, dependencies: [...new Set(Object.values(deps).flat())], propertyDependencies: deps });
    };
    for (let i = 0; out.length < count; i++) {
        if (i % 5 === 4) {
            pushNative(push, u, i);
            continue;
        }
        const name = `bucket-${i}`;
        const bucketUrn = u("aws:s3/bucket:Bucket", name);
        const ref = i % 2 === 0 ? name : "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const arn = `arn:aws:s3:::${name}`;
        push("aws:s3/bucket:Bucket", name, { bucket: name });
        push("aws:s3/bucketVersioning:BucketVersioning", `${name}-v`, { bucket: ref, versioningConfiguration: { status: "Enabled" } }, { bucket: [bucketUrn] });
        push(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            `${name}-sse`,
            { bucket: ref, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            { bucket: [bucketUrn] },
        );
        push(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            `${name}-pab`,
            { bucket: ref, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { bucket: [bucketUrn] },
        );
        push("aws:s3/bucketOwnershipControls:BucketOwnershipControls", `${name}-own`, { bucket: ref, rule: { objectOwnership: "BucketOwnerEnforced" } }, { bucket: [bucketUrn] });
        push("aws:s3/bucketLogging:BucketLogging", `${name}-log`, { bucket: ref, targetBucket: "central-access-logs", targetPrefix: `${name}/` }, { bucket: [bucketUrn] });
        push(
            "aws:s3/bucketPolicy:BucketPolicy",
            `${name}-policy`,
            {
                bucket: ref,
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
                        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
                        {
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:PutObject",
                            Resource: `${arn}/*`,
                            Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
                        },
                        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "s3:ReplicateObject", Resource: `${arn}/*` },
                    ],
                }),
            },
            { bucket: [bucketUrn] },
        );
        if (i % 2 === 0) {
            const role = `role-${i}`;
            const roleUrn = u("aws:iam/role:Role", role);
            push("aws:iam/role:Role", role, {
                name: role,
                assumeRolePolicy: JSON.stringify({
                    Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            });
            push(
                "aws:iam/rolePolicy:RolePolicy",
                `${role}-p`,
                {
                    role,
                    policy: JSON.stringify({
                        Statement: [{ Effect: "Allow", Action: ["s3:GetObjectVersionForReplication", "s3:ReplicateObject"], Resource: [`${arn}/*`, "arn:aws:s3:::dest/*"] }],
                    }),
                },
                { role: [roleUrn] },
            );
            push(
                "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
                `${name}-repl`,
                {
                    bucket: ref,
                    role: `arn:aws:iam::111111111111:role/${role}`,
                    rules: [
                        { id: "r", status: "Enabled", destination: { bucket: "arn:aws:s3:::dest", account: "222222222222", accessControlTranslation: { owner: "Destination" } } },
                    ],
                },
                { bucket: [bucketUrn], role: [roleUrn], versioning: [u("aws:s3/bucketVersioning:BucketVersioning", `${name}-v`)] },
            );
        }
        push("aws:sns/topic:Topic", `topic-${i}`, { name: `topic-${i}` });
    }
    return out.slice(0, count);
}

/** One aws-native publisher bucket with its settings declared on itself, its BucketPolicy and its replication role. */
function pushNative(
    push: (type: string, name: string, inputs: Record<string, unknown>, deps?: Record<string, string[]>) => void,
    u: (type: string, name: string) => string,
    i: number,
): void {
    const name = `native-${i}`;
    const arn = `arn:aws:s3:::${name}`;
    const role = `native-role-${i}`;
    const bucketUrn = u("aws-native:s3:Bucket", name);
    const document = (statements: Record<string, unknown>[]) => ({ Version: "2012-10-17", Statement: statements });
    push("aws-native:iam:Role", role, {
        roleName: role,
        assumeRolePolicyDocument: document([{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }]),
        policies: [
            {
                policyName: "replicate",
                policyDocument: document([
                    { Effect: "Allow", Action: "s3:GetReplicationConfiguration", Resource: arn },
                    { Effect: "Allow", Action: "s3:GetObjectVersionForReplication", Resource: `${arn}/*` },
                    { Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ObjectOwnerOverrideToBucketOwner"], Resource: "arn:aws:s3:::dest/*" },
                ]),
            },
        ],
    });
    push(
        "aws-native:s3:Bucket",
        name,
        {
            bucketName: name,
            versioningConfiguration: { status: "Enabled" },
            bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            publicAccessBlockConfiguration: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            ownershipControls: { rules: [{ objectOwnership: "BucketOwnerEnforced" }] },
            loggingConfiguration: { destinationBucketName: "central-access-logs", logFilePrefix: `${name}/` },
            replicationConfiguration: {
                role: `arn:aws:iam::111111111111:role/${role}`,
                rules: [
                    {
                        id: "r",
                        status: "Enabled",
                        priority: 1,
                        filter: { prefix: "" },
                        deleteMarkerReplication: { status: "Disabled" },
                        destination: { bucket: "arn:aws:s3:::dest", account: "222222222222", accessControlTranslation: { owner: "Destination" } },
                    },
                ],
            },
        },
        { replicationConfiguration: [u("aws-native:iam:Role", role)] },
    );
    push(
        "aws-native:s3:BucketPolicy",
        `${name}-policy`,
        {
            bucket: name,
            policyDocument: document([
                { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
                { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
            ]),
        },
        { bucket: [bucketUrn] },
    );
}

/** Seconds for one evaluation of every policy over `count` synthetic resources: first run and median of `runs`. */
export function measureEvaluation(count = 10_000, runs = 5): { firstS: number; medianS: number; violations: number } {
    const stack = synthesizeStack(count);
    const times: number[] = [];
    let violations = 0;
    for (let i = 0; i < runs; i++) {
        const t0 = process.hrtime.bigint();
        violations = evaluateResources(stack).length;
        times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    return { firstS: times[0], medianS: median(times), violations };
}

export function runPolicyBench(): BenchFigure[] {
    const cold = measureColdStart();
    const evaluation = measureEvaluation();
    return [
        { name: `cold start added to require('@pulumi/policy') (itself ${(cold.policyMs / 1000).toFixed(2)} s), median of 5`, value: cold.addedMs / 1000, unit: "s", target: 0.5 },
        { name: "evaluate 10,000 resources, first run", value: evaluation.firstS, unit: "s", target: 1 },
        { name: "evaluate 10,000 resources (median of 5)", value: evaluation.medianS, unit: "s", target: 1 },
    ];
}

if (require.main === module) {
    try {
        const figures = runPolicyBench();
        const width = Math.max(...figures.map((f) => f.name.length));
        for (const f of figures) {
            const ok = f.value < f.target ? "ok" : "MISSED";
            console.log(`${f.name.padEnd(width)}  ${f.value.toFixed(3).padStart(7)} ${f.unit}  target < ${f.target} ${f.unit}  ${ok}`);
        }
    } catch (err) {
        console.error(err);
        process.exitCode = 1;
    }
}
