/**
 * The program under its own guard: the real policy pack over every planned
 * stack and example finds nothing, and each protection of the program, broken
 * one at a time in the plan, is caught by the policy that guards it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluateResources } from "../../policy-pack/offline";
import { Plan, PlannedResource } from "../../tools/plan/engine";
import { ALL_STACKS, dataBuckets, forBucket, linksOf, one, plan, T } from "../helpers/plans";

const EXAMPLES = path.join(__dirname, "..", "..", "stacks", "examples");
const exampleNames = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith(".yaml")).map((f) => f.replace(/\.yaml$/, ""));
const exampleOptions = (name: string) => ({ stack: name, configFile: path.join(EXAMPLES, `${name}.yaml`) });

/**
 * The one note the pack owes a plan: a replication role whose s3.amazonaws.com
 * trust carries aws:SourceAccount/aws:SourceArn, which AWS does not document for
 * live replication (the program's opt-in; its default is the documented trust).
 */
function expectedNotes(p: Plan): string[] {
    return p.resources
        .filter((r) => r.type === T.role)
        .filter((r) => {
            const trust = JSON.parse(r.inputs.assumeRolePolicy as string) as { Statement: { Principal?: { Service?: unknown }; Condition?: Record<string, Record<string, unknown>> }[] };
            return trust.Statement.some(
                (st) =>
                    ([] as unknown[]).concat(st.Principal?.Service ?? []).includes("s3.amazonaws.com") &&
                    Object.values(st.Condition ?? {}).some((block) => Object.keys(block).some((k) => /^aws:source(account|arn)$/i.test(k))),
            );
        })
        .map((r) => `advisory s3-transfer-replication-trust-source on ${r.urn}`);
}

/**
 * Issue 12 finding 1, as a fact of the plan: a replication role whose rule
 * re-encrypts with a replica key while the source has S3 Bucket Keys on, and whose
 * policy has no statement allowing kms:Decrypt on that key. AWS: "To use
 * replication with an S3 Bucket Key, the AWS KMS key policy for the KMS key that's
 * used to encrypt the object replica must include the kms:Decrypt permission"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
 * The program's fix lands on another branch; until then the pack must report it.
 */
function expectedBucketKeyFindings(p: Plan): string[] {
    const out: string[] = [];
    for (const replication of p.resources.filter((r) => r.type === T.replication)) {
        const source = replication.inputs.bucket as string;
        const encryption = p.resources.find((r) => r.type === T.encryption && r.inputs.bucket === source);
        const bucketKeys = ((encryption?.inputs.rules as { bucketKeyEnabled?: boolean }[] | undefined) ?? []).some((r) => r.bucketKeyEnabled === true);
        const roleName = String(replication.inputs.role).split("/").pop();
        const role = p.resources.find((r) => r.type === T.role && r.inputs.name === roleName);
        const statements = p.resources
            .filter((r) => r.type === T.rolePolicy && (r.inputs.role === roleName || r.inputs.role === replication.inputs.role))
            .flatMap((r) => JSON.parse(r.inputs.policy as string).Statement as { Effect: string; Action: string | string[]; Resource: string | string[] }[]);
        for (const rule of replication.inputs.rules as { destination: { encryptionConfiguration?: { replicaKmsKeyId?: string } } }[]) {
            const key = rule.destination.encryptionConfiguration?.replicaKmsKeyId;
            const decrypts = statements.some((st) => st.Effect === "Allow" && ([] as string[]).concat(st.Action).includes("kms:Decrypt") && ([] as string[]).concat(st.Resource).includes(key ?? ""));
            if (key && bucketKeys && role && !decrypts) {
                out.push(`mandatory s3-transfer-replication-role-permissions on ${role.urn}`);
            }
        }
    }
    return out;
}

/**
 * Issue 12 finding 5, as facts of the plan: an SSE-KMS bucket whose policy has no
 * Deny with a Null test of the KMS key id ("true"), and a replicating bucket whose
 * policy has no Deny with a Null test of the SSE-C algorithm ("false"). S3 uses
 * aws/s3 for aws:kms without a key id (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html)
 * and replicates SSE-C objects (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html).
 * The program's fix lands on another branch; until then the pack advises it.
 */
function expectedUploadDenyNotes(p: Plan): string[] {
    const out: string[] = [];
    const hasNull = (bucket: string, key: string, value: string) => {
        const policy = p.resources.find((r) => r.type === T.policy && r.inputs.bucket === bucket);
        const statements = policy ? (JSON.parse(policy.inputs.policy as string).Statement as { Effect: string; Condition?: { Null?: Record<string, string> } }[]) : [];
        return statements.some((st) => st.Effect === "Deny" && st.Condition?.Null?.[key] === value);
    };
    const urnOf = (bucket: string) => (p.resources.find((r) => r.type === T.policy && r.inputs.bucket === bucket) ?? p.resources.find((r) => r.type === T.bucket && r.inputs.bucket === bucket))!.urn;
    for (const enc of p.resources.filter((r) => r.type === T.encryption)) {
        const kms = (enc.inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[]).some((r) => r.applyServerSideEncryptionByDefault.sseAlgorithm.startsWith("aws:kms"));
        const bucket = enc.inputs.bucket as string;
        if (kms && !hasNull(bucket, "s3:x-amz-server-side-encryption-aws-kms-key-id", "true")) {
            out.push(`advisory s3-transfer-encryption-upload-denies on ${urnOf(bucket)}`);
        }
    }
    for (const replication of p.resources.filter((r) => r.type === T.replication)) {
        const bucket = replication.inputs.bucket as string;
        if (!hasNull(bucket, "s3:x-amz-server-side-encryption-customer-algorithm", "false")) {
            out.push(`advisory s3-transfer-encryption-upload-denies on ${urnOf(bucket)}`);
        }
    }
    return out;
}

function notes(p: Plan): string[] {
    const brief = new Set(["s3-transfer-replication-trust-source", "s3-transfer-replication-role-permissions", "s3-transfer-encryption-upload-denies"]);
    return evaluateResources(p.resources)
        .map((v) => (brief.has(v.policy) ? `${v.enforcementLevel} ${v.policy} on ${v.urn}` : `${v.enforcementLevel} ${v.policy}: ${v.message}`))
        .sort();
}

const expected = (p: Plan) => [...expectedNotes(p), ...expectedBucketKeyFindings(p), ...expectedUploadDenyNotes(p)].sort();

function editDocument(r: PlannedResource, input: string, edit: (doc: { Statement: Record<string, unknown>[] }) => void): void {
    const doc = JSON.parse(r.inputs[input] as string);
    edit(doc);
    r.inputs[input] = JSON.stringify(doc);
}

/** The policies that fire on a copy of the plan broken by `breakIt`, at which level. */
async function firedAfter(options: string | { stack: string; configFile: string }, breakIt: (p: Plan) => void): Promise<Set<string>> {
    const broken = structuredClone(await plan(options));
    breakIt(broken);
    return new Set(evaluateResources(broken.resources).map((v) => `${v.enforcementLevel} ${v.policy}`));
}

const egressOf = (p: Plan) => Object.values(linksOf(p))[0].egressBucketName;
const ingressOf = (p: Plan) => Object.values(linksOf(p))[0].ingressBucketName;
const without = (p: Plan, r: PlannedResource) => {
    p.resources = p.resources.filter((x) => x.urn !== r.urn);
    for (const x of p.resources) x.dependencies = x.dependencies.filter((d) => d !== r.urn);
};

describe("the policy pack over the program's plans", () => {
    for (const stack of ALL_STACKS) {
        it(`${stack}: no violation at any level, beyond the notes on an opted-in conditioned trust and issue 12's findings 1 and 5`, async () => {
            const p = await plan(stack);
            assert.deepStrictEqual(notes(p), expected(p));
        });
    }
    for (const name of exampleNames) {
        it(`example ${name}: no violation at any level, beyond the notes on an opted-in conditioned trust and issue 12's findings 1 and 5`, async () => {
            const p = await plan(exampleOptions(name));
            assert.deepStrictEqual(notes(p), expected(p));
        });
    }

    describe("each protection, broken in the plan, is caught", () => {
        const cases: [string, string, (p: Plan) => void][] = [
            ["egress versioning dropped", "mandatory s3-transfer-replication-requires-versioning", (p) => without(p, forBucket(p, T.versioning, egressOf(p)))],
            ["egress versioning suspended", "mandatory s3-transfer-replication-requires-versioning", (p) => { forBucket(p, T.versioning, egressOf(p)).inputs.versioningConfiguration = { status: "Suspended" }; }],
            ["HTTPS-only deny dropped", "mandatory s3-transfer-https-only", (p) => editDocument(forBucket(p, T.policy, ingressOf(p)), "policy", (d) => { d.Statement = d.Statement.filter((s) => s.Sid !== "DenyInsecureTransport"); })],
            ["HTTPS-only deny narrowed to the bucket", "mandatory s3-transfer-https-only", (p) => editDocument(forBucket(p, T.policy, egressOf(p)), "policy", (d) => { d.Statement[0].Resource = (d.Statement[0].Resource as string[])[0]; })],
            ["TLS 1.2 deny dropped", "advisory s3-transfer-minimum-tls", (p) => editDocument(forBucket(p, T.policy, ingressOf(p)), "policy", (d) => { d.Statement = d.Statement.filter((s) => s.Sid !== "DenyOutdatedTls"); })],
            ["Block Public Access weakened", "mandatory s3-transfer-no-public-access", (p) => { forBucket(p, T.publicAccessBlock, ingressOf(p)).inputs.restrictPublicBuckets = false; }],
            ["ingress grant opened to everyone", "mandatory s3-transfer-no-public-access", (p) => editDocument(forBucket(p, T.policy, ingressOf(p)), "policy", (d) => { const grant = d.Statement.find((s) => s.Effect === "Allow")!; grant.Principal = "*"; delete grant.Condition; })],
            ["default encryption dropped", "mandatory s3-transfer-default-encryption", (p) => without(p, forBucket(p, T.encryption, dataBuckets(p)[0].inputs.bucket as string))],
            ["ownership not handed to the destination", "mandatory s3-transfer-replication-owner-and-kms", (p) => { delete (forBucket(p, T.replication, egressOf(p)).inputs.rules as { destination: Record<string, unknown> }[])[0].destination.accessControlTranslation; }],
            ["replication role widened to s3:*", "mandatory s3-transfer-replication-role-least-privilege", (p) => editDocument(one(p, T.rolePolicy), "policy", (d) => { d.Statement[2].Action = "s3:*"; })],
            ["replication role on every resource", "mandatory s3-transfer-replication-role-least-privilege", (p) => editDocument(one(p, T.rolePolicy), "policy", (d) => { d.Statement[1].Resource = "*"; })],
            ["replication trust conditioned on aws:SourceAccount (not confirmed by AWS)", "advisory s3-transfer-replication-trust-source", (p) => editDocument(one(p, T.role), "assumeRolePolicy", (d) => { d.Statement[0].Condition = { StringEquals: { "aws:SourceAccount": "123456789012" } }; })],
            ["ACLs enabled", "advisory s3-transfer-acls-disabled", (p) => { forBucket(p, T.ownership, ingressOf(p)).inputs.rule = { objectOwnership: "ObjectWriter" }; }],
            ["replication not waiting for versioning", "advisory s3-transfer-replication-depends-on-versioning", (p) => {
                const versioning = forBucket(p, T.versioning, egressOf(p)).urn;
                const replication = forBucket(p, T.replication, egressOf(p));
                replication.dependencies = replication.dependencies.filter((d) => d !== versioning);
            }],
            ["a data bucket's access logging dropped", "advisory s3-transfer-access-logging", (p) => without(p, forBucket(p, T.logging, ingressOf(p)))],
            ["log bucket grant without aws:SourceArn", "advisory s3-transfer-log-delivery-grant", (p) => {
                const logBucket = Object.values((p.outputs.audit as { logBuckets: Record<string, string> }).logBuckets)[0];
                editDocument(forBucket(p, T.policy, logBucket), "policy", (d) => {
                    const grant = d.Statement.find((st) => st.Sid === "S3ServerAccessLogDelivery")!;
                    delete (grant.Condition as Record<string, unknown>).ArnLike;
                });
            }],
            ["bucket policy over 20 KB", "mandatory s3-transfer-aws-hard-limits", (p) => editDocument(forBucket(p, T.policy, ingressOf(p)), "policy", (d) => {
                d.Statement.push({ Sid: "Padding", Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: Array.from({ length: 700 }, (_, i) => `arn:aws:s3:::padding-bucket-${i}`) });
            })],
        ];
        for (const [what, expected, breakIt] of cases) {
            it(`${what}: ${expected}`, async () => {
                assert.ok((await firedAfter("prod", breakIt)).has(expected));
            });
        }

        it("SSE-KMS replication without a replica key: mandatory s3-transfer-replication-owner-and-kms", async () => {
            const fired = await firedAfter(exampleOptions("sse-kms"), (p) => {
                delete (forBucket(p, T.replication, egressOf(p)).inputs.rules as { destination: Record<string, unknown> }[])[0].destination.encryptionConfiguration;
            });
            assert.ok(fired.has("mandatory s3-transfer-replication-owner-and-kms"));
        });

        it("the replication role's delete-marker permission dropped: mandatory s3-transfer-replication-role-permissions", async () => {
            const fired = await firedAfter("prod", (p) => {
                for (const r of p.resources.filter((x) => x.type === T.replication)) {
                    for (const rule of r.inputs.rules as { deleteMarkerReplication: { status: string } }[]) rule.deleteMarkerReplication = { status: "Enabled" };
                }
                editDocument(one(p, T.rolePolicy), "policy", (d) => {
                    for (const st of d.Statement) st.Action = ([] as string[]).concat(st.Action as string[]).filter((a) => a !== "s3:ReplicateDelete");
                });
            });
            assert.ok(fired.has("mandatory s3-transfer-replication-role-permissions"));
        });

        it("service role trusted by another account without an external ID: advisory s3-transfer-cross-account-external-id", async () => {
            const fired = await firedAfter(exampleOptions("service-role"), (p) => editDocument(one(p, T.role), "assumeRolePolicy", (d) => { delete d.Statement[0].Condition; }));
            assert.ok(fired.has("advisory s3-transfer-cross-account-external-id"));
        });
    });
});
