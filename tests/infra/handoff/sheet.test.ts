/**
 * The hand-off sheet: one per counterpart, filled in from the stack, and its
 * statements the same as the program's own. On the tests' fixtures
 * (tests/fixtures/stacks/) and the examples, never a team's stacks.
 */
import * as assert from "assert";
import * as path from "path";
import { HandoffInput, HandoffLink, renderHandoffSheet } from "../../../infra/handoff/sheet";
import { Plan } from "../../../tools/plan/engine";
import { runTool } from "../../helpers/cli";
import { configVariant, documentOf, forBucket, linksOf, plan, planUncached } from "../../helpers/plans";

const ROOT = path.join(__dirname, "..", "..", "..");
const fixture = (name: string) => path.join(ROOT, "tests", "fixtures", "handoff", `${name}.yaml`);
const example = (name: string) => path.join(ROOT, "stacks", "examples", `${name}.yaml`);
const sheetOf = (p: Plan, counterpart: string) => (p.outputs.handoff as Record<string, string>)[counterpart];

/** The JSON blocks of the sheet, in order. */
function jsonBlocks(sheet: string): Record<string, unknown>[] {
    return [...sheet.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]));
}

describe("partner hand-off sheet", () => {
    let several: Plan;
    let partner: Plan;
    let byReference: Plan;
    before(async () => {
        several = await plan({ stack: "handoff-several", configFile: fixture("handoff-several") });
        partner = await plan({ stack: "handoff-partner", configFile: fixture("handoff-partner") });
        // One team, both stacks in one backend: the reference reads the partner's (planned) outputs.
        byReference = await plan({
            stack: "handoff-by-reference",
            configFile: fixture("handoff-by-reference"),
            stackOutputs: { "organization/s3-transfer/handoff-partner": partner.outputs },
        });
    });

    it("fills in every field the setup guide exchanges, from the stack and what the counterpart handed over", () => {
        const sheet = sheetOf(several, "northwind-loyalty");
        const link = linksOf(several)["northwind-loyalty"];
        for (const expected of [
            "# S3 file exchange hand-off: acme-bank (publisher, stack handoff-several) for northwind-loyalty\n",
            "| AWS account ID | `111122223333` |",
            `| Source S3 bucket ARN (our egress) | \`${link.egressBucketArn}\` |`,
            `| Source IAM role ARN used for replication | \`${link.replicationRoleArn}\` |`,
            `| Destination S3 bucket ARN (our ingress, for your files) | \`${link.ingressBucketArn}\` |`,
            "| S3 encryption | SSE-S3 (default S3 encryption) |",
            "| File path | `acme-northwind/{YYYY-MM-DD}/NORTHWIND-LOYALTY_<file-type>_<date>_<epoch>_<i>of<n>.jsonl` (only `acme-northwind/` replicates) |",
            "| AWS account ID | `210000000001` |",
            "| Destination S3 bucket ARN (your ingress) | `arn:aws:s3:::northwind-inbound-from-acme` |",
            "| IAM role ARN you replicate to us with | `arn:aws:iam::210000000001:role/northwind-loyalty-to-acme-bank-replication` |",
            "Counterpart details come by written hand-over.",
        ]) {
            assert.ok(sheet.includes(expected), `hand-off lacks: ${expected}`);
        }
        assert.match(
            sheet,
            /```mermaid\nflowchart LR\n[\s\S]*OE -- "acme-northwind\/… by acme-bank-to-northwind-loyalty-replication, owner := northwind-loyalty" --> TI\n {2}TE -- "acme-northwind\/… by northwind-loyalty-to-acme-bank-replication, owner := acme-bank" --> OI\n```/,
        );
        assert.strictEqual(sheet.match(/^## /gm)?.length, 1, "one link: this counterpart's");
    });

    it("says when the counterpart's details come by stack reference", () => {
        const sheet = sheetOf(byReference, "northwind-loyalty");
        assert.ok(sheet.includes("Counterpart details come by stack reference."));
        assert.ok(sheet.includes(`| Destination S3 bucket ARN (your ingress) | \`${linksOf(partner)["acme-bank"].ingressBucketArn}\` |`));
    });

    it("tells the partner to add exactly the transport denies and grant that the partner's own stack puts on its ingress bucket", () => {
        const [bucketPolicy] = jsonBlocks(sheetOf(several, "northwind-loyalty")) as { Statement: unknown[] }[];
        const theirs = linksOf(partner)["acme-bank"];
        // The encryption deny depends on the partner's own choice of SSE-S3 or SSE-KMS, which the sheet cannot know.
        const encryptionDenies = new Set(["DenyKmsUploads", "DenyOtherKmsKeys", "DenyKmsWithoutKeyId"]);
        const applied = documentOf(forBucket(partner, "aws:s3/bucketPolicy:BucketPolicy", theirs.ingressBucketName)).Statement.filter(
            (st) => !encryptionDenies.has(st.Sid as string),
        );
        assert.deepStrictEqual(bucketPolicy.Statement, applied);
    });

    it("gives a partner without this program a role it can use, and placeholders only where we know nothing", async () => {
        const handover = await plan({ stack: "handover", configFile: example("handover") });
        const pending = sheetOf(handover, "marketco");
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
        const roleActions = async (configFile: string) => {
            const p = await planUncached({ stack: "handover", configFile });
            const [, , permissions] = jsonBlocks(sheetOf(p, "loyaltyco")) as { Statement: { Action: string | string[] }[] }[];
            return permissions.Statement.flatMap((st) => ([] as string[]).concat(st.Action));
        };
        assert.ok(!(await roleActions(example("handover"))).includes("s3:ReplicateDelete"));
        const markers = configVariant(example("handover"), (c) => {
            (c["s3-transfer:partners"] as Record<string, unknown>[])[0].replicatesDeleteMarkers = true;
        });
        assert.ok((await roleActions(markers)).includes("s3:ReplicateDelete"));
    });

    it("with SSE-KMS, adds the key-policy grant (in the region the partner's key ARN names), and our key once AWS has assigned it", async () => {
        const kms = await plan({ stack: "sse-kms", configFile: example("sse-kms") });
        const link = linksOf(kms).cdlx as unknown as Record<string, string>;
        const blocks = jsonBlocks(sheetOf(kms, "cdlx"));
        assert.deepStrictEqual(blocks[1], {
            Sid: "ReplicationEncryptsReplicas111122223333",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            // kms:Decrypt too: replicas keep S3 Bucket Keys (S3 User Guide, replication-config-for-kms-objects).
            Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalArn": link.replicationRoleArn, "kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "111122223333" } },
        });
        // The offline plan's key is a stand-in: the sheet leaves its place to the key AWS will create.
        const [, , , permissions] = blocks as { Statement: { Sid: string; Resource: unknown }[] }[];
        assert.strictEqual(permissions.Statement.find((st) => st.Sid === "EncryptReplicas")?.Resource, "<OUR_INGRESS_KMS_KEY_ARN>");
    });

    it("once deployed, shows our real ingress key, with the hand-over's fingerprint", () => {
        const input: HandoffInput = { stack: "prod", side: "publisher", partyName: "acme-bank", accountId: "111122223333", partition: "aws", links: [] };
        const key = "arn:aws:kms:us-east-1:111122223333:key/5a9b7c3d-1e2f-4a6b-8c0d-9e8f7a6b5c4d";
        const link: HandoffLink = {
            counterpart: "cdlx",
            root: "acme-bank",
            region: "us-east-1",
            encryption: "SSE-KMS",
            fileNamePrefix: "CDLX",
            egressBucketArn: "arn:aws:s3:::acme-bank-prod-cdlx-egress",
            ingressBucketArn: "arn:aws:s3:::acme-bank-prod-cdlx-ingress",
            replicationRoleArn: "arn:aws:iam::111122223333:role/acme-bank-to-cdlx-replication",
            egressKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
            ingressKmsKeyArn: key,
            deleteMarkerReplication: false,
            replication: "pending",
            ingressGrant: "pending",
            theirs: { via: "written hand-over", accountId: "444455556666", replicatesDeleteMarkers: false },
        };
        const sheet = renderHandoffSheet(input, link);
        assert.ok(sheet.includes(`| KMS key ARN of our ingress bucket (encrypt your replicas with it) | \`${key}\` |`));
        assert.match(sheet, /\*\*Hand-over fingerprint: `[0-9a-f-]{79}`\*\*/);
        assert.ok(sheet.includes(`replica KMS key \`${key}\``));
        assert.ok(!sheet.includes("<OUR_INGRESS_KMS_KEY_ARN>"));
    });

    it("prints the counterpart's sheet from npm run handoff", async () => {
        const result = await runTool("handoff", ["--config", "tests/fixtures/handoff/handoff-several.yaml", "--counterpart", "bluebird-data"]);
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout, sheetOf(several, "bluebird-data"));
    });
});
