/** The hand-off sheet: filled in from the stack, and its statements the same as the program's own. */
import * as assert from "assert";
import * as path from "path";
import { Plan } from "../../../tools/plan/engine";
import { runScript } from "../../helpers/cli";
import { configVariant, documentOf, fixtureFile, forBucket, linksOf, plan, planUncached } from "../../helpers/plans";

const ROOT = path.join(__dirname, "..", "..", "..");

/** The JSON blocks of the sheet, in order. */
function jsonBlocks(sheet: string): Record<string, unknown>[] {
    return [...sheet.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]));
}

function section(sheet: string, counterpart: string): string {
    const start = sheet.indexOf(`↔ ${counterpart}\n`);
    assert.ok(start > 0, `no section for ${counterpart}`);
    const next = sheet.indexOf("\n## ", start);
    return sheet.slice(start, next < 0 ? undefined : next);
}

describe("partner hand-off sheet", () => {
    let prod: Plan;
    let partner: Plan;
    before(async () => {
        prod = await plan("prod");
        partner = await plan("partner-prod");
    });

    it("fills in every field the setup guide exchanges, from the stack", () => {
        const sheet = String(prod.outputs.handoff);
        const link = linksOf(prod).cdlx;
        const theirs = linksOf(partner)["acme-bank"];
        for (const expected of [
            "| AWS account ID | `111122223333` |",
            `| Source S3 bucket ARN (our egress) | \`${link.egressBucketArn}\` |`,
            `| Source IAM role ARN used for replication | \`${link.replicationRoleArn}\` |`,
            `| Destination S3 bucket ARN (our ingress, for your files) | \`${link.ingressBucketArn}\` |`,
            "| S3 encryption | SSE-S3 (default S3 encryption) |",
            "| File path | `acme-bank/{YYYY-MM-DD}/CDLX_<file-type>_<date>_<epoch>_<i>of<n>.jsonl` (only `acme-bank/` replicates) |",
            "| AWS account ID | `444455556666` |",
            `| Destination S3 bucket ARN (your ingress) | \`${theirs.ingressBucketArn}\` |`,
            `| IAM role ARN you replicate to us with | \`${theirs.replicationRoleArn}\` |`,
            "Counterpart details come by stack reference.",
        ]) {
            assert.ok(sheet.includes(expected), `hand-off lacks: ${expected}`);
        }
        assert.match(
            sheet,
            /```mermaid\nflowchart LR\n[\s\S]*OE -- "acme-bank\/… by acme-bank-to-cdlx-replication, owner := cdlx" --> TI\n {2}TE -- "acme-bank\/… by cdlx-to-acme-bank-replication, owner := acme-bank" --> OI\n```/,
        );
    });

    it("tells the partner to add exactly the transport denies and grant that the partner's own stack puts on its ingress bucket", () => {
        const [bucketPolicy] = jsonBlocks(String(prod.outputs.handoff)) as { Statement: unknown[] }[];
        const theirs = linksOf(partner)["acme-bank"];
        // The encryption deny depends on the partner's own choice of SSE-S3 or SSE-KMS, which the sheet cannot know.
        const encryptionDenies = new Set(["DenyKmsUploads", "DenyOtherKmsKeys", "DenyKmsWithoutKeyId"]);
        const applied = documentOf(forBucket(partner, "aws:s3/bucketPolicy:BucketPolicy", theirs.ingressBucketName)).Statement.filter(
            (st) => !encryptionDenies.has(st.Sid as string),
        );
        assert.deepStrictEqual(bucketPolicy.Statement, applied);
    });

    it("gives a partner without this program a role it can use, and placeholders only where we know nothing", async () => {
        const handover = await plan({ stack: "handover", configFile: path.join(ROOT, "stacks", "examples", "handover.yaml") });
        const pending = section(String(handover.outputs.handoff), "marketco");
        assert.match(pending, /\| Destination S3 bucket ARN \(your ingress\) \| \*\*pending\*\* \|/);
        assert.match(pending, /\| IAM role ARN you replicate to us with \| \*\*pending\*\* \|/);
        const [bucketPolicy, trust, permissions] = jsonBlocks(pending) as { Statement: Record<string, unknown>[] }[];
        assert.strictEqual(bucketPolicy.Statement[3].Resource, "arn:aws:s3:::<YOUR_INGRESS_BUCKET>");
        // The trust AWS documents for live replication: no source conditions, which AWS does not confirm S3 sends
        // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html).
        assert.deepStrictEqual(trust.Statement[0], { Sid: "S3ReplicationOnly", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" });
        assert.strictEqual(permissions.Statement[2].Resource, `${linksOf(handover).marketco.ingressBucketArn}/acme-bank/*`);
    });

    it("gives a counterpart that replicates delete markers a role with s3:ReplicateDelete, exactly as our ingress admits it", async () => {
        const example = path.join(ROOT, "stacks", "examples", "handover.yaml");
        const roleActions = async (configFile: string) => {
            const p = await planUncached({ stack: "handover", configFile });
            const [, , permissions] = jsonBlocks(section(String(p.outputs.handoff), "loyaltyco")) as { Statement: { Action: string | string[] }[] }[];
            return permissions.Statement.flatMap((st) => ([] as string[]).concat(st.Action));
        };
        assert.ok(!(await roleActions(example)).includes("s3:ReplicateDelete"));
        const markers = configVariant(example, (c) => {
            (c["s3-transfer:partners"] as Record<string, unknown>[])[0].replicatesDeleteMarkers = true;
        });
        assert.ok((await roleActions(markers)).includes("s3:ReplicateDelete"));
    });

    it("with SSE-KMS, adds the key-policy grant (in the region the partner's key ARN names) and our ingress key", async () => {
        const kms = await plan({ stack: "sse-kms", configFile: path.join(ROOT, "stacks", "examples", "sse-kms.yaml") });
        const sheet = String(kms.outputs.handoff);
        const link = linksOf(kms).cdlx as unknown as Record<string, string>;
        assert.ok(sheet.includes(`| KMS key ARN of our ingress bucket (encrypt your replicas with it) | \`${link.ingressKmsKeyArn}\` |`));
        const blocks = jsonBlocks(sheet);
        assert.deepStrictEqual(blocks[1], {
            Sid: "ReplicationEncryptsReplicas111122223333",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            // kms:Decrypt too: replicas keep S3 Bucket Keys (S3 User Guide, replication-config-for-kms-objects).
            Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalArn": link.replicationRoleArn, "kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "111122223333" } },
        });
    });

    it("prints the same sheet from npm run handoff", () => {
        const result = runScript("handoff", ["--config", fixtureFile("prod")]);
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout, String(prod.outputs.handoff));
    });
});
