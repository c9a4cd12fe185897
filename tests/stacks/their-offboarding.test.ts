/**
 * Offboarding reaches the other side. When a counterpart sets our link
 * offboarding (or retired), its ingress no longer admits our replication role,
 * so every object we replicate would fail and raise our failure alarm (a
 * destination that denies the role fails the replication:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-troubleshoot.html). Our side learns it from the counterpart's stack (its
 * `links.<us>.state` output) or from its hand-over (`link.state`), stops
 * replicating to it and revokes its grant, and its plan says so and what
 * records it in our config.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { HandoverDocument, handoverDocument } from "../../infra/handoff/document";
import { fingerprintOf } from "../../infra/handoff/fingerprint";
import { handoverSchemaProblems } from "../../infra/handoff/schema";
import { acceptHandover, HandoverRefused } from "../../tools/handoff/accept";
import { Plan } from "../../tools/plan/engine";
import { configVariant, documentOf, forBucket, linksOf, ofType, planUncached, T } from "../helpers/plans";

const SSE_KMS = path.join(__dirname, "..", "..", "stacks", "examples", "sse-kms.yaml");
const CDLX = "444455556666";
const PEER = "organization/s3-transfer/cdlx-prod";
const CDLX_INGRESS = "arn:aws:s3:::cdlx-prod-acme-bank-ingress";
const CDLX_KEY = "arn:aws:kms:us-east-1:444455556666:key/0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c";
const CDLX_ROLE = "arn:aws:iam::444455556666:role/cdlx-to-acme-bank-replication";

/** cdlx's stack, as its outputs say its link to acme-bank is (the stack-output contract's fields). */
function peerOutputs(state: string | undefined) {
    return {
        side: "partner",
        partyName: "cdlx",
        accountId: CDLX,
        region: "us-east-1",
        links: {
            "acme-bank": {
                ...(state ? { state } : {}),
                root: "acme-bank",
                region: "us-east-1",
                egressBucketName: "cdlx-prod-acme-bank-egress",
                egressBucketArn: "arn:aws:s3:::cdlx-prod-acme-bank-egress",
                ingressBucketName: "cdlx-prod-acme-bank-ingress",
                ingressBucketArn: CDLX_INGRESS,
                replicationRoleArn: CDLX_ROLE,
                ingressKmsKeyArn: CDLX_KEY,
                deleteMarkerReplication: false,
                replication: state && state !== "active" ? "pending" : "active",
                ingressGrant: state && state !== "active" ? "pending" : "active",
            },
        },
    };
}

const byReference = configVariant(SSE_KMS, (c) => {
    c["s3-transfer:partners"] = [{ name: "cdlx", stack: PEER, root: "acme-bank" }];
});

const grantsToCdlx = (p: Plan, ingress: string) => documentOf(forBucket(p, T.policy, ingress)).Statement.filter((s) => JSON.stringify(s.Principal ?? "").includes(CDLX));

describe("a counterpart offboards us through its stack", () => {
    for (const state of [undefined, "active"]) {
        it(`its link ${state ?? "without a state (an older program)"}: we replicate to it and admit it`, async () => {
            const p = await planUncached({ stack: "sse-kms", configFile: byReference, stackOutputs: { [PEER]: peerOutputs(state) } });
            const link = linksOf(p).cdlx;
            assert.deepStrictEqual([link.replication, link.ingressGrant], ["active", "active"]);
            assert.ok(grantsToCdlx(p, link.ingressBucketName).length > 0);
            assert.ok(!p.warnings.some((w) => /on its side/.test(w)));
        });
    }

    for (const state of ["offboarding", "retired"]) {
        it(`its link ${state}: this update stops our replication to it and our grant to it, keeps every protection, and says how to record it`, async () => {
            const p = await planUncached({ stack: "sse-kms", configFile: byReference, stackOutputs: { [PEER]: peerOutputs(state) } });
            const link = linksOf(p).cdlx;
            assert.deepStrictEqual([link.state, link.replication, link.ingressGrant, link.batchReplicationRoleArn], ["active", "pending", "pending", undefined]);
            assert.deepStrictEqual(ofType(p, T.replication), []);
            assert.deepStrictEqual(ofType(p, "aws:cloudwatch/metricAlarm:MetricAlarm"), []);
            assert.deepStrictEqual(grantsToCdlx(p, link.ingressBucketName), []);
            for (const b of ofType(p, T.bucket)) assert.deepStrictEqual([b.protect, b.retainOnDelete], [true, true], b.urn);
            assert.deepStrictEqual(
                p.warnings.filter((w) => /on its side/.test(w)),
                [
                    `cdlx has set this link ${state} on its side (stack ${PEER}): its ingress no longer admits our replication, so this update stops replicating to cdlx (rule, role permissions, alarm and notification removed) and no longer admits its role; our buckets keep every protection. To record it here: pulumi config set --path 's3-transfer:partners[0].state' offboarding`,
                ],
            );
        });
    }
});

describe("a counterpart offboards us through its hand-over", () => {
    let dir: string;
    const write = (name: string, content: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, content);
        return file;
    };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "their-offboarding-"));
    });
    /** cdlx's hand-over to acme-bank, the values sse-kms.yaml already holds, with the link's state. */
    const cdlxHandover = (state?: "offboarding" | "retired"): HandoverDocument =>
        handoverDocument({
            side: "partner",
            partyName: "cdlx",
            accountId: CDLX,
            partition: "aws",
            counterpart: "acme-bank",
            root: "acme-bank",
            region: "us-east-1",
            encryption: "SSE-KMS",
            deleteMarkerReplication: false,
            ingressBucketArn: CDLX_INGRESS,
            replicationRoleArn: CDLX_ROLE,
            ingressKmsKeyArn: CDLX_KEY,
            theirs: {},
            ...(state ? { state } : {}),
        });

    it("an active link's hand-over carries no state, so every hand-over made before states existed keeps its fingerprint; an ending one says so, within the published schema", () => {
        assert.strictEqual("state" in cdlxHandover().link, false);
        assert.strictEqual(cdlxHandover("offboarding").link.state, "offboarding");
        assert.deepStrictEqual(handoverSchemaProblems(cdlxHandover("retired")), []);
        assert.deepStrictEqual(handoverSchemaProblems({ ...cdlxHandover(), link: { ...cdlxHandover().link, state: "gone" } }), [
            { pointer: "/link/state", problem: 'must be one of "active", "offboarding", "retired"' },
        ]);
    });

    it("our own hand-over says offboarding while our entry is offboarding", async () => {
        const offboarding = configVariant(SSE_KMS, (c) => {
            (c["s3-transfer:partners"] as Record<string, unknown>[])[0].state = "offboarding";
        });
        const p = await planUncached({ stack: "sse-kms", configFile: offboarding });
        assert.strictEqual((p.outputs.handovers as Record<string, HandoverDocument>).cdlx.link.state, "offboarding");
    });

    it("accepting it sets our entry offboarding, and the plan then stops our replication to them and our grant to them", async () => {
        const configFile = write("sse-kms.yaml", fs.readFileSync(SSE_KMS, "utf8"));
        const handover = cdlxHandover("offboarding");
        const handoverFile = write("cdlx-offboarding.json", JSON.stringify(handover));
        const result = acceptHandover({ configFile, stack: "sse-kms", handoverFile, fingerprint: fingerprintOf(handover), write: true, confirmChange: false });
        assert.match(result.diff, /^\+ {6}state: offboarding$/m);
        const entry = (YAML.parse(fs.readFileSync(configFile, "utf8")).config["s3-transfer:partners"] as Record<string, unknown>[])[0];
        assert.strictEqual(entry.state, "offboarding");
        const p = await planUncached({ stack: "sse-kms", configFile });
        assert.deepStrictEqual(ofType(p, T.replication), []);
        assert.deepStrictEqual(grantsToCdlx(p, linksOf(p).cdlx.ingressBucketName), []);
        assert.match(p.warnings.join("\n"), /cdlx is offboarding: its grants are revoked and replication to it is stopped/);
    });

    it("never raises a retired entry back to offboarding, nor lowers ours when theirs is active again", () => {
        const retired = write(
            "retired.yaml",
            YAML.stringify(
                (() => {
                    const doc = YAML.parse(fs.readFileSync(SSE_KMS, "utf8"));
                    doc.config["s3-transfer:partners"][0].state = "retired";
                    return doc;
                })(),
            ),
        );
        for (const handover of [cdlxHandover("offboarding"), cdlxHandover()]) {
            const handoverFile = write("h.json", JSON.stringify(handover));
            const result = acceptHandover({ configFile: retired, stack: "sse-kms", handoverFile, fingerprint: fingerprintOf(handover), write: false, confirmChange: false });
            assert.doesNotMatch(result.diff, /state: (offboarding|active)/);
        }
    });

    it("refuses a hand-over that ends a link this stack does not have: there is nothing to start from it", () => {
        const handover = { ...cdlxHandover("offboarding"), from: { ...cdlxHandover().from, party: "newco" } };
        const handoverFile = write("newco.json", JSON.stringify(handover));
        const configFile = write("plain.yaml", fs.readFileSync(SSE_KMS, "utf8"));
        assert.throws(
            () => acceptHandover({ configFile, stack: "sse-kms", handoverFile, fingerprint: fingerprintOf(handover), write: true, confirmChange: false }),
            (err: unknown) =>
                err instanceof HandoverRefused &&
                err.problems.length === 1 &&
                err.problems[0].key === `${handoverFile}#/link/state` &&
                /newco is ending a link that .* does not have/.test(err.problems[0].problem),
        );
        assert.strictEqual(fs.readFileSync(configFile, "utf8"), fs.readFileSync(SSE_KMS, "utf8"), "nothing is written");
    });
});
