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
const exampleNames = fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""));
const exampleOptions = (name: string) => ({ stack: name, configFile: path.join(EXAMPLES, `${name}.yaml`) });
/** The live-replication role and its policy, not the side's Batch Replication role (`<name>-batch-replication`, policy `batch-replicate`). */
/** A live-replication role or its policy, not a link's Batch Replication role (`<name>-to-<counterpart>-batch`) or its `batch-replicate` policy. */
const liveReplication = (r: PlannedResource) => r.inputs.name !== "batch-replicate" && !String(r.inputs.name).endsWith("-batch");

/**
 * The one note the pack owes a plan: a role whose s3.amazonaws.com (live
 * replication) or batchoperations.s3.amazonaws.com (Batch Replication) trust
 * carries aws:SourceAccount/aws:SourceArn, which AWS does not document for
 * either (the program's opt-ins; its default is the documented trust).
 */
function expectedNotes(p: Plan): string[] {
    return p.resources
        .filter((r) => r.type === T.role)
        .filter((r) => {
            const trust = JSON.parse(r.inputs.assumeRolePolicy as string) as {
                Statement: { Principal?: { Service?: unknown }; Condition?: Record<string, Record<string, unknown>> }[];
            };
            return trust.Statement.some(
                (st) =>
                    ([] as unknown[]).concat(st.Principal?.Service ?? []).some((service) => service === "s3.amazonaws.com" || service === "batchoperations.s3.amazonaws.com") &&
                    Object.values(st.Condition ?? {}).some((block) => Object.keys(block).some((k) => /^aws:source(account|arn)$/i.test(k))),
            );
        })
        .map((r) => `advisory s3-transfer-replication-trust-source on ${r.urn}`);
}

function notes(p: Plan): string[] {
    const brief = new Set(["s3-transfer-replication-trust-source"]);
    return evaluateResources(p.resources)
        .map((v) => (brief.has(v.policy) ? `${v.enforcementLevel} ${v.policy} on ${v.urn}` : `${v.enforcementLevel} ${v.policy}: ${v.message}`))
        .sort();
}

const expected = (p: Plan) => expectedNotes(p).sort();

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
        it(`${stack}: no violation at any level, beyond the note on an opted-in conditioned trust`, async () => {
            const p = await plan(stack);
            assert.deepStrictEqual(notes(p), expected(p));
        });
    }
    for (const name of exampleNames) {
        it(`example ${name}: no violation at any level, beyond the note on an opted-in conditioned trust`, async () => {
            const p = await plan(exampleOptions(name));
            assert.deepStrictEqual(notes(p), expected(p));
        });
    }

    describe("each protection, broken in the plan, is caught", () => {
        const cases: [string, string, (p: Plan) => void][] = [
            ["egress versioning dropped", "mandatory s3-transfer-replication-requires-versioning", (p) => without(p, forBucket(p, T.versioning, egressOf(p)))],
            [
                "egress versioning suspended",
                "mandatory s3-transfer-replication-requires-versioning",
                (p) => {
                    forBucket(p, T.versioning, egressOf(p)).inputs.versioningConfiguration = { status: "Suspended" };
                },
            ],
            [
                "HTTPS-only deny dropped",
                "mandatory s3-transfer-https-only",
                (p) =>
                    editDocument(forBucket(p, T.policy, ingressOf(p)), "policy", (d) => {
                        d.Statement = d.Statement.filter((s) => s.Sid !== "DenyInsecureTransport");
                    }),
            ],
            [
                "HTTPS-only deny narrowed to the bucket",
                "mandatory s3-transfer-https-only",
                (p) =>
                    editDocument(forBucket(p, T.policy, egressOf(p)), "policy", (d) => {
                        d.Statement[0].Resource = (d.Statement[0].Resource as string[])[0];
                    }),
            ],
            [
                "TLS 1.2 deny dropped",
                "advisory s3-transfer-minimum-tls",
                (p) =>
                    editDocument(forBucket(p, T.policy, ingressOf(p)), "policy", (d) => {
                        d.Statement = d.Statement.filter((s) => s.Sid !== "DenyOutdatedTls");
                    }),
            ],
            [
                "Block Public Access weakened",
                "mandatory s3-transfer-no-public-access",
                (p) => {
                    forBucket(p, T.publicAccessBlock, ingressOf(p)).inputs.restrictPublicBuckets = false;
                },
            ],
            [
                "ingress grant opened to everyone",
                "mandatory s3-transfer-no-public-access",
                (p) =>
                    editDocument(forBucket(p, T.policy, ingressOf(p)), "policy", (d) => {
                        const grant = d.Statement.find((s) => s.Effect === "Allow")!;
                        grant.Principal = "*";
                        delete grant.Condition;
                    }),
            ],
            // Dropping the configuration is no break: S3 encrypts every bucket with SSE-S3, the algorithm the program declares
            // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html). A KMS key beside AES256 is:
            // S3 refuses it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html).
            [
                "default encryption given a KMS key beside AES256",
                "mandatory s3-transfer-default-encryption",
                (p) => {
                    const rule = (
                        forBucket(p, T.encryption, dataBuckets(p)[0].inputs.bucket as string).inputs.rules as { applyServerSideEncryptionByDefault: Record<string, unknown> }[]
                    )[0];
                    rule.applyServerSideEncryptionByDefault.kmsMasterKeyId = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
                },
            ],
            [
                "ownership not handed to the destination",
                "mandatory s3-transfer-replication-owner-and-kms",
                (p) => {
                    delete (forBucket(p, T.replication, egressOf(p)).inputs.rules as { destination: Record<string, unknown> }[])[0].destination.accessControlTranslation;
                },
            ],
            [
                "replication role widened to s3:*",
                "mandatory s3-transfer-replication-role-least-privilege",
                (p) =>
                    editDocument(one(p, T.rolePolicy, liveReplication), "policy", (d) => {
                        d.Statement[2].Action = "s3:*";
                    }),
            ],
            [
                "replication role on every resource",
                "mandatory s3-transfer-replication-role-least-privilege",
                (p) =>
                    editDocument(one(p, T.rolePolicy, liveReplication), "policy", (d) => {
                        d.Statement[1].Resource = "*";
                    }),
            ],
            [
                "replication trust conditioned on aws:SourceAccount (not confirmed by AWS)",
                "advisory s3-transfer-replication-trust-source",
                (p) =>
                    editDocument(one(p, T.role, liveReplication), "assumeRolePolicy", (d) => {
                        d.Statement[0].Condition = { StringEquals: { "aws:SourceAccount": "123456789012" } };
                    }),
            ],
            [
                "ACLs enabled",
                "advisory s3-transfer-acls-disabled",
                (p) => {
                    forBucket(p, T.ownership, ingressOf(p)).inputs.rule = { objectOwnership: "ObjectWriter" };
                },
            ],
            [
                "replication not waiting for versioning",
                "advisory s3-transfer-replication-depends-on-versioning",
                (p) => {
                    const versioning = forBucket(p, T.versioning, egressOf(p)).urn;
                    const replication = forBucket(p, T.replication, egressOf(p));
                    replication.dependencies = replication.dependencies.filter((d) => d !== versioning);
                },
            ],
            ["a data bucket's access logging dropped", "advisory s3-transfer-access-logging", (p) => without(p, forBucket(p, T.logging, ingressOf(p)))],
            [
                "log bucket grant without aws:SourceArn",
                "advisory s3-transfer-log-delivery-grant",
                (p) => {
                    const logBucket = Object.values((p.outputs.audit as { logBuckets: Record<string, string> }).logBuckets)[0];
                    editDocument(forBucket(p, T.policy, logBucket), "policy", (d) => {
                        const grant = d.Statement.find((st) => st.Sid === "S3ServerAccessLogDelivery")!;
                        delete (grant.Condition as Record<string, unknown>).ArnLike;
                    });
                },
            ],
            [
                "bucket policy over 20 KB",
                "mandatory s3-transfer-aws-hard-limits",
                (p) =>
                    editDocument(forBucket(p, T.policy, ingressOf(p)), "policy", (d) => {
                        d.Statement.push({
                            Sid: "Padding",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:DeleteBucket",
                            Resource: Array.from({ length: 700 }, (_, i) => `arn:aws:s3:::padding-bucket-${i}`),
                        });
                    }),
            ],
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
                editDocument(one(p, T.rolePolicy, liveReplication), "policy", (d) => {
                    for (const st of d.Statement) st.Action = ([] as string[]).concat(st.Action as string[]).filter((a) => a !== "s3:ReplicateDelete");
                });
            });
            assert.ok(fired.has("mandatory s3-transfer-replication-role-permissions"));
        });

        it("service role trusted by another account without an external ID: advisory s3-transfer-cross-account-external-id", async () => {
            const fired = await firedAfter(exampleOptions("service-role"), (p) =>
                editDocument(one(p, T.role, liveReplication), "assumeRolePolicy", (d) => {
                    delete d.Statement[0].Condition;
                }),
            );
            assert.ok(fired.has("advisory s3-transfer-cross-account-external-id"));
        });
    });
});
