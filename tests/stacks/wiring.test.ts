/** The two sides wired end to end: through stack references, through written hand-over, and before the other side exists. */
import * as assert from "assert";
import * as path from "path";
import { isConfigError } from "../../infra/config/errors";
import { Plan } from "../../tools/plan/engine";
import { dataBuckets, documentOf, forBucket, linksOf, ofType, one, plan, planUncached, STACK_PAIRS, T } from "../helpers/plans";

function ingressGrants(p: Plan, ingressBucketName: string): Record<string, unknown>[] {
    return documentOf(forBucket(p, T.policy, ingressBucketName)).Statement.filter((s) => s.Effect === "Allow");
}

function expectedGrants(ingressArn: string, root: string, senderAccount: string, senderRoleArn: string): Record<string, unknown>[] {
    const condition = { StringEquals: { "aws:PrincipalArn": senderRoleArn } };
    const principal = { AWS: `arn:aws:iam::${senderAccount}:root` };
    return [
        // The whole account reads versioning: PutBucketReplication may check it with the deployer's credentials.
        { Sid: `CounterpartReadsVersioning${senderAccount}`, Effect: "Allow", Principal: principal, Action: "s3:GetBucketVersioning", Resource: ingressArn },
        {
            Sid: `ReplicationWriteReplicas${senderAccount}`,
            Effect: "Allow",
            Principal: principal,
            Action: ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
            Resource: `${ingressArn}/${root}/*`,
            Condition: condition,
        },
    ];
}

/** Asserts that `sender` replicates into `receiver`'s ingress and `receiver` admits exactly `sender`'s role. */
function assertDirection(sender: Plan, receiver: Plan): void {
    const senderLink = linksOf(sender)[receiver.outputs.partyName as string];
    const receiverLink = linksOf(receiver)[sender.outputs.partyName as string];
    const rule = (forBucket(sender, T.replication, senderLink.egressBucketName).inputs.rules as { destination: Record<string, unknown> }[])[0];
    assert.strictEqual(rule.destination.bucket, receiverLink.ingressBucketArn);
    assert.strictEqual(rule.destination.account, receiver.outputs.accountId);
    assert.deepStrictEqual(
        ingressGrants(receiver, receiverLink.ingressBucketName),
        expectedGrants(receiverLink.ingressBucketArn, receiverLink.root, sender.outputs.accountId as string, senderLink.replicationRoleArn),
    );
}

describe("wiring between the two sides", () => {
    for (const [publisher, partner] of STACK_PAIRS) {
        describe(`${publisher} <-> ${partner} through stack references`, () => {
            it(`${publisher} replicates into ${partner}'s ingress, which admits exactly ${publisher}'s role`, async () => {
                assertDirection(await plan(publisher), await plan(partner));
            });
            it(`${partner} replicates into ${publisher}'s ingress, which admits exactly ${partner}'s role`, async () => {
                assertDirection(await plan(partner), await plan(publisher));
            });
            it("both sides agree on the root and are in different accounts", async () => {
                const [pub, par] = [await plan(publisher), await plan(partner)];
                assert.notStrictEqual(pub.outputs.accountId, par.outputs.accountId);
                assert.strictEqual(linksOf(pub)[par.outputs.partyName as string].root, linksOf(par)[pub.outputs.partyName as string].root);
            });
        });
    }

    describe("once both stacks exist, either side can go first, and two runs converge", () => {
        it("going first: buckets and role are created, replication and grants wait, and the warning says what to run", async () => {
            const first = await plan({ stack: "prod", referenceDepth: 0 });
            const link = linksOf(first).cdlx;
            assert.strictEqual(dataBuckets(first).length, 2);
            // The replication role, and the link's Batch Replication role with its policy.
            assert.deepStrictEqual(
                ofType(first, T.role)
                    .map((r) => r.inputs.name)
                    .sort(),
                ["acme-bank-to-cdlx-batch", "acme-bank-to-cdlx-replication"],
            );
            assert.strictEqual(ofType(first, T.replication).length, 0);
            assert.deepStrictEqual(
                ofType(first, T.rolePolicy).map((r) => r.inputs.name),
                ["batch-replicate"],
            );
            assert.deepStrictEqual(ingressGrants(first, link.ingressBucketName), []);
            assert.strictEqual(link.replication, "pending");
            assert.strictEqual(link.ingressGrant, "pending");
            assert.strictEqual(first.warnings.length, 1);
            assert.match(
                first.warnings[0],
                /stack organization\/s3-transfer\/partner-prod exists but has no outputs yet \(never deployed\): run `pulumi up` on organization\/s3-transfer\/partner-prod/,
            );
        });

        it("publisher first, then partner, then publisher again equals the fully wired plans", async () => {
            // Both stacks were created with `pulumi stack init`; neither is deployed yet.
            const pubFirst = await planUncached({ stack: "prod", stackOutputs: { "organization/s3-transfer/partner-prod": {} } });
            const partner = await planUncached({ stack: "partner-prod", stackOutputs: { "organization/s3-transfer/prod": pubFirst.outputs } });
            const pubAgain = await planUncached({ stack: "prod", stackOutputs: { "organization/s3-transfer/partner-prod": partner.outputs } });
            const strip = (p: Plan) => p.resources.map((r) => ({ urn: r.urn, inputs: r.type === "pulumi:pulumi:StackReference" ? undefined : r.inputs }));
            assert.deepStrictEqual(strip(pubAgain), strip(await plan("prod")));
            assert.deepStrictEqual(strip(partner), strip(await plan("partner-prod")));
            assertDirection(partner, pubAgain);
            assertDirection(pubAgain, partner);
        });

        it("a referenced stack that does not list us yet leaves the link pending and says where to add us", async () => {
            const partnerOutputs = { ...(await plan("partner-prod")).outputs, links: {} };
            const p = await planUncached({ stack: "prod", stackOutputs: { "organization/s3-transfer/partner-prod": partnerOutputs } });
            assert.strictEqual(ofType(p, T.replication).length, 0);
            assert.match(p.warnings.join("\n"), /does not list "acme-bank" yet: add it to s3-transfer:publishers there/);
        });
    });

    describe("stack outputs that cannot be right are config errors naming the reference", () => {
        const cases: [string, (o: Record<string, unknown>) => Record<string, unknown>, RegExp][] = [
            ["a stack of the same side", (o) => ({ ...o, side: "publisher" }), /is a publisher stack; a publisher exchanges with a partner/],
            ["another party's stack", (o) => ({ ...o, partyName: "other" }), /belongs to "other", not to "cdlx"/],
            [
                "a different root",
                (o) => ({ ...o, links: { "acme-bank": { ...(o.links as Record<string, object>)["acme-bank"], root: "elsewhere" } } }),
                /under root "elsewhere" but this stack uses "acme-bank"/,
            ],
            [
                "a malformed ingress ARN",
                (o) => ({ ...o, links: { "acme-bank": { ...(o.links as Record<string, object>)["acme-bank"], ingressBucketArn: "arn:aws:s3:::Bad_Bucket" } } }),
                /output links\.acme-bank\.ingressBucketArn: bucket name "Bad_Bucket"/,
            ],
            ["our own account", (o) => ({ ...o, accountId: "111122223333" }), /output accountId: is this stack's own account 111122223333/],
        ];
        for (const [what, mutate, message] of cases) {
            it(`rejects ${what}`, async () => {
                const outputs = mutate((await plan("partner-prod")).outputs);
                await assert.rejects(
                    planUncached({ stack: "prod", stackOutputs: { "organization/s3-transfer/partner-prod": outputs } }),
                    (err: unknown) => isConfigError(err) && err.problems[0].key === "s3-transfer:partners[0].stack" && message.test(err.problems[0].problem),
                );
            });
        }
    });

    describe("hand-over in writing, for a partner that does not run this program", () => {
        const configFile = path.join(__dirname, "..", "..", "stacks", "examples", "handover.yaml");

        it("replicates to the handed-over bucket and admits the handed-over role", async () => {
            const p = await plan({ stack: "handover", configFile });
            const link = linksOf(p).loyaltyco;
            const rule = (forBucket(p, T.replication, link.egressBucketName).inputs.rules as { destination: Record<string, unknown>; filter: unknown }[])[0];
            assert.strictEqual(rule.destination.bucket, "arn:aws:s3:::loyaltyco-inbound-acme");
            assert.strictEqual(rule.destination.account, "999988887777");
            assert.deepStrictEqual(rule.filter, { prefix: "acme-files/" });
            assert.deepStrictEqual(
                ingressGrants(p, link.ingressBucketName),
                expectedGrants(link.ingressBucketArn, "acme-files", "999988887777", "arn:aws:iam::999988887777:role/service-role/loyaltyco-outbound"),
            );
        });

        it("a counterpart that has handed over only its account gets buckets and a role, and warnings naming the missing keys", async () => {
            const p = await plan({ stack: "handover", configFile });
            const link = linksOf(p).marketco;
            assert.strictEqual(link.replication, "pending");
            assert.strictEqual(link.ingressGrant, "pending");
            assert.deepStrictEqual(ingressGrants(p, link.ingressBucketName), []);
            one(p, T.role, (r) => r.outputs.arn === link.replicationRoleArn);
            assert.deepStrictEqual(
                p.warnings.filter((w) => w.includes("s3-transfer:partners[1]")).map((w) => w.split(":")[0]),
                ["replication to marketco waits for their ingress bucket ARN", "marketco cannot replicate into acme-bank-handover-marketco-ingress until their role ARN is set"],
            );
        });
    });
});
