/**
 * Plans stacks for tests, once per stack per process: plans are
 * deterministic, and each costs a full run of the program under mocks.
 *
 * A stack named without a config file is a test fixture of
 * tests/fixtures/stacks/, never the repository's own Pulumi.<stack>.yaml: the
 * tests of the program assert exact documents of configs that belong to them,
 * and a team's own stacks are checked by properties alone
 * (tests/stacks/committed.test.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { z } from "zod";
import { AuditOutputsSchema, describeOutputProblems, LinkOutputs, parseOutputs, StackOutputsSchema } from "../../infra/contract/outputs";
import { Plan, PlannedResource } from "../../tools/plan/engine";
import { planProjectStack, ProjectPlanOptions } from "../../tools/plan/project";

/** The folder of the fixture stacks: two pairs one team runs in one backend (its README says which). */
export const FIXTURE_STACKS = path.join(__dirname, "..", "fixtures", "stacks");

/** A fixture stack's file, `tests/fixtures/stacks/Pulumi.<stack>.yaml`. */
export function fixtureFile(stack: string): string {
    return path.join(FIXTURE_STACKS, `Pulumi.${stack}.yaml`);
}

export const PUBLISHER_STACKS = ["prod", "preprod"] as const;
export const PARTNER_STACKS = ["partner-prod", "partner-preprod"] as const;
export const ALL_STACKS = [...PUBLISHER_STACKS, ...PARTNER_STACKS] as const;
/** Each publisher stack with the partner stack it exchanges with. */
export const STACK_PAIRS = [
    ["prod", "partner-prod"],
    ["preprod", "partner-preprod"],
] as const;

const cache = new Map<string, Promise<Plan>>();

/** Plans are run one after another: Pulumi's runtime state is process-global. */
let queue: Promise<unknown> = Promise.resolve();

/** Runs `run` after every run queued before it, so no two programs share Pulumi's mocks at once. */
export function serially<T>(run: () => Promise<T>): Promise<T> {
    const result = queue.then(run);
    queue = result.catch(() => undefined);
    return result;
}

/** The options with the fixture's file when they name a stack alone. */
function withFixture(options: ProjectPlanOptions): ProjectPlanOptions {
    return options.configFile ? options : { ...options, configFile: fixtureFile(options.stack) };
}

export function plan(options: ProjectPlanOptions | string): Promise<Plan> {
    const opts = withFixture(typeof options === "string" ? { stack: options } : options);
    const key = JSON.stringify(opts);
    let planned = cache.get(key);
    if (!planned) {
        planned = serially(() => planProjectStack(opts)).then((r) => r.plan);
        // Failed plans are not cached: a test expecting an error must see it each time.
        planned.catch(() => cache.delete(key));
        cache.set(key, planned);
    }
    return planned;
}

/** Runs a plan outside the cache, for tests that expect it to fail. */
export function planUncached(options: ProjectPlanOptions): Promise<Plan> {
    return serially(() => planProjectStack(withFixture(options))).then((r) => r.plan);
}

export function ofType(p: Plan, token: string): PlannedResource[] {
    return p.resources.filter((r) => r.type === token);
}

/** The side's log buckets, by the names the stack exports. */
export function logBucketNames(p: Plan): string[] {
    return Object.values(outputsPart(p, LogBucketsPart).audit.logBuckets);
}

/** Buckets that hold exchanged files: every bucket but the log buckets. */
export function dataBuckets(p: Plan): PlannedResource[] {
    const logs = new Set(logBucketNames(p));
    return ofType(p, T.bucket).filter((b) => !logs.has(b.inputs.bucket as string));
}

export function one(p: Plan, token: string, predicate: (r: PlannedResource) => boolean = () => true): PlannedResource {
    const found = ofType(p, token).filter(predicate);
    assert.strictEqual(found.length, 1, `expected exactly one ${token}, found ${found.length}`);
    return found[0];
}

/** The resource whose `bucket` input names the given bucket. */
export function forBucket(p: Plan, token: string, bucketName: string): PlannedResource {
    return one(p, token, (r) => r.inputs.bucket === bucketName);
}

export function documentOf(r: PlannedResource, input = "policy"): { Statement: Record<string, unknown>[] } {
    const value = r.inputs[input];
    assert.strictEqual(typeof value, "string", `${r.urn} ${input} must be a JSON string`);
    return JSON.parse(value as string);
}

/** A part of a plan's outputs, parsed with the stack-output contract: a plan that does not fit it fails the test naming the output. */
function outputsPart<T extends z.ZodType>(p: Plan, schema: T): z.infer<T> {
    const parsed = parseOutputs(schema, p.outputs);
    if (parsed.problems) assert.fail(describeOutputProblems(`plan of stack ${p.stack}`, parsed));
    return parsed.outputs;
}

const LinksPart = StackOutputsSchema.pick({ links: true });
const LogBucketsPart = z.object({ audit: AuditOutputsSchema.pick({ logBuckets: true }) });

export function linksOf(p: Plan): Record<string, LinkOutputs> {
    return outputsPart(p, LinksPart).links;
}

export const T = {
    bucket: "aws:s3/bucket:Bucket",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    logging: "aws:s3/bucketLogging:BucketLogging",
    trail: "aws:cloudtrail/trail:Trail",
} as const;

/**
 * A copy of a stack file with its config changed, in a temporary folder with
 * copies of the stack files beside it, so that its stack references resolve to
 * the same stacks as the original's do.
 */
export function configVariant(source: string, change: (config: Record<string, unknown>) => void): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "variant-"));
    for (const sibling of fs.readdirSync(path.dirname(source))) {
        if (sibling.endsWith(".yaml")) fs.copyFileSync(path.join(path.dirname(source), sibling), path.join(folder, sibling));
    }
    const parsed = YAML.parse(fs.readFileSync(source, "utf8"));
    change(parsed.config);
    const file = path.join(folder, path.basename(source));
    fs.writeFileSync(file, YAML.stringify(parsed));
    return file;
}

/**
 * The two statements every bucket policy of this program opens with, spelled
 * out as AWS documents them (aws:SecureTransport; s3:TlsVersion), so that each
 * test of a planned bucket policy asserts the same literal document.
 */
export function expectedTransportDenies(bucketArn: string): Record<string, unknown>[] {
    return [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyOutdatedTls",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        },
    ];
}
