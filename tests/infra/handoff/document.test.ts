/** The machine-readable hand-over: every stack's and example's validates against the published schema, and the sheet carries its fingerprint and the reply template. */
import Ajv from "ajv";
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HANDOVER_SCHEMA_ID, HandoverDocument } from "../../../infra/handoff/document";
import { fingerprintOf } from "../../../infra/handoff/fingerprint";
import { handoverSchemaProblems } from "../../../infra/handoff/schema";
import { FINGERPRINT_COMMAND } from "../../../infra/handoff/sheet";
import { Plan } from "../../../tools/plan/engine";
import { prodHandoverForCdlx } from "../../helpers/handovers";
import { ALL_STACKS, linksOf, plan } from "../../helpers/plans";

const ROOT = path.join(__dirname, "..", "..", "..");
const HANDOVER_SCHEMA_FILE = path.join(ROOT, "docs", "handover.schema.json");
const EXAMPLES = fs.readdirSync(path.join(ROOT, "stacks", "examples")).filter((f) => f.endsWith(".yaml"));

const planOf = (name: string): Promise<Plan> =>
    ALL_STACKS.includes(name as (typeof ALL_STACKS)[number]) ? plan(name) : plan({ stack: name, configFile: path.join(ROOT, "stacks", "examples", `${name}.yaml`) });
const handoversOf = (p: Plan) => p.outputs.handovers as Record<string, HandoverDocument>;
const jsonBlocks = (text: string) => [...text.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]));

/** A hand-over to break one field at a time. */
const valid = (): HandoverDocument => prodHandoverForCdlx("SSE-KMS");

describe("machine-readable hand-over", () => {
    const names = [...ALL_STACKS, ...EXAMPLES.map((f) => f.replace(/\.yaml$/, ""))];

    it("is published as a JSON Schema whose $id every hand-over names in $schema", () => {
        const schema = JSON.parse(fs.readFileSync(HANDOVER_SCHEMA_FILE, "utf8"));
        assert.strictEqual(schema.$schema, "http://json-schema.org/draft-07/schema#");
        assert.strictEqual(schema.$id, HANDOVER_SCHEMA_ID);
        assert.deepStrictEqual(handoverSchemaProblems(valid()), []);
    });

    it("is safe for untrusted data by Ajv's own measure: every pattern has a maxLength, and needsBack is typed and bounded (https://ajv.js.org/security.html)", () => {
        const secure = new Ajv({ strict: false, allErrors: true }).compile(require("ajv/dist/refs/json-schema-secure.json"));
        const schema = JSON.parse(fs.readFileSync(HANDOVER_SCHEMA_FILE, "utf8"));
        assert.ok(secure(schema), JSON.stringify(secure.errors));
    });

    for (const name of names) {
        it(`of every counterpart of ${name} validates against the published schema and carries its link's values`, async () => {
            const p = await planOf(name);
            const handovers = handoversOf(p);
            const links = linksOf(p) as unknown as Record<string, Record<string, unknown>>;
            assert.deepStrictEqual(Object.keys(handovers).sort(), Object.keys(links).sort());
            for (const [counterpart, handover] of Object.entries(handovers)) {
                assert.deepStrictEqual(handoverSchemaProblems(handover), [], `${name} → ${counterpart}`);
                const link = links[counterpart];
                assert.strictEqual(handover.to.party, counterpart);
                assert.strictEqual(handover.from.accountId, p.outputs.accountId);
                assert.strictEqual(handover.from.region, link.region);
                assert.strictEqual(handover.link.ingressBucketArn, link.ingressBucketArn);
                assert.strictEqual(handover.link.replicationRoleArn, link.replicationRoleArn);
                assert.strictEqual(handover.link.ingressKmsKeyArn, link.ingressKmsKeyArn);
                assert.strictEqual(handover.link.root, link.root);
                assert.strictEqual(handover.link.deleteMarkerReplication, link.deleteMarkerReplication);
            }
        });
    }

    it("lists in needsBack exactly what the counterpart has not handed over yet", async () => {
        const handovers = handoversOf(await planOf("handover"));
        assert.deepStrictEqual(handovers.loyaltyco.needsBack, []);
        assert.deepStrictEqual(handovers.marketco.needsBack, ["region", "ingressBucketArn", "replicationRoleArn"]);
        const several = handoversOf(await plan({ stack: "handoff-several", configFile: path.join(ROOT, "tests", "fixtures", "handoff", "handoff-several.yaml") }));
        assert.deepStrictEqual(Object.fromEntries(Object.entries(several).map(([name, h]) => [name, h.needsBack])), {
            "northwind-loyalty": [],
            "bluebird-data": ["replicationRoleArn"],
            "coral-media": ["region", "ingressBucketArn", "replicationRoleArn"],
        });
    });

    it("is refused by the schema for each kind of malformed field", () => {
        const broken: [string, (h: any) => void, string][] = [
            [
                "an 11-digit account",
                (h) => {
                    h.from.accountId = "11112222333";
                },
                "/from/accountId",
            ],
            [
                "an unknown partition",
                (h) => {
                    h.from.partition = "aws-mars";
                },
                "/from/partition",
            ],
            [
                "a bucket ARN with a key",
                (h) => {
                    h.link.ingressBucketArn = "arn:aws:s3:::bucket/key";
                },
                "/link/ingressBucketArn",
            ],
            [
                "a user where a role belongs",
                (h) => {
                    h.link.replicationRoleArn = "arn:aws:iam::111122223333:user/x";
                },
                "/link/replicationRoleArn",
            ],
            [
                "a key alias where a key ARN belongs",
                (h) => {
                    h.link.ingressKmsKeyArn = "arn:aws:kms:us-east-1:111122223333:alias/aws/s3";
                },
                "/link/ingressKmsKeyArn",
            ],
            [
                "SSE-KMS without the ingress key",
                (h) => {
                    delete h.link.ingressKmsKeyArn;
                },
                "/link/ingressKmsKeyArn",
            ],
            [
                "SSE-S3 with a key",
                (h) => {
                    h.link.encryption = "SSE-S3";
                },
                "/link",
            ],
            [
                "an unknown field",
                (h) => {
                    h.link.externalId = "x";
                },
                "/link/externalId",
            ],
            [
                "another version",
                (h) => {
                    h.version = 2;
                },
                "/version",
            ],
            [
                "another schema",
                (h) => {
                    h.$schema = "urn:other";
                },
                "/$schema",
            ],
            [
                "a missing sender",
                (h) => {
                    delete h.from;
                },
                "/from",
            ],
            [
                "a string where a boolean belongs",
                (h) => {
                    h.link.deleteMarkerReplication = "false";
                },
                "/link/deleteMarkerReplication",
            ],
            [
                "a root with a trailing slash",
                (h) => {
                    h.link.root = "acme-bank/";
                },
                "/link/root",
            ],
            [
                "an unknown need",
                (h) => {
                    h.needsBack = ["password"];
                },
                "/needsBack/0",
            ],
        ];
        for (const [what, mutate, pointer] of broken) {
            const h = valid();
            mutate(h);
            const problems = handoverSchemaProblems(h);
            assert.ok(
                problems.some((p) => p.pointer === pointer),
                `${what}: expected a problem at ${pointer}, got ${JSON.stringify(problems)}`,
            );
        }
    });

    it("puts the fingerprint of each link's hand-over in that link's sheet, and only there", async () => {
        for (const p of [await planOf("handover"), await plan({ stack: "handoff-several", configFile: path.join(ROOT, "tests", "fixtures", "handoff", "handoff-several.yaml") })]) {
            const sheets = p.outputs.handoff as Record<string, string>;
            for (const [name, handover] of Object.entries(handoversOf(p))) {
                assert.ok(sheets[name].includes(`**Hand-over fingerprint: \`${fingerprintOf(handover)}\`**`), `${p.stack}: no fingerprint for ${name}`);
                for (const [other, sheet] of Object.entries(sheets))
                    if (other !== name) assert.ok(!sheet.includes(fingerprintOf(handover)), `${other}'s sheet has ${name}'s fingerprint`);
            }
        }
    });

    it("before the first up, gives no fingerprint for a hand-over that carries a KMS key ARN (AWS assigns it at creation)", async () => {
        const p = await planOf("sse-kms");
        const sheet = (p.outputs.handoff as Record<string, string>).cdlx;
        assert.ok(!sheet.includes(fingerprintOf(handoversOf(p).cdlx)));
        assert.match(sheet, /\*\*Hand-over: after our first `pulumi up`\.\*\*/);
    });

    it("gives a partner without this program a reply template that validates once its placeholders are filled, and not before", async () => {
        const p = await planOf("handover");
        const template = jsonBlocks((p.outputs.handoff as Record<string, string>).marketco).at(-1) as HandoverDocument;
        assert.deepStrictEqual(template.to, { party: "acme-bank" });
        assert.strictEqual(template.from.party, "marketco");
        assert.strictEqual(template.from.accountId, "555566667777", "what marketco already handed over is filled in");
        assert.ok(handoverSchemaProblems(template).length > 0, "placeholders must not pass");
        const filled = JSON.parse(
            JSON.stringify(template)
                .replace(/<YOUR_ACCOUNT_ID>/g, "555566667777")
                .replace(/<YOUR_REGION>/g, "eu-west-1")
                .replace(/<YOUR_INGRESS_BUCKET>/g, "marketco-inbound")
                .replace(/<YOUR_REPLICATION_ROLE>/g, "marketco-outbound"),
        );
        assert.deepStrictEqual(handoverSchemaProblems(filled), []);
    });

    it("tells a partner without this program a command that computes the same fingerprint (python3, RFC 8785 for this schema's values)", async function () {
        if (spawnSync("python3", ["--version"]).status !== 0) this.skip();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "handover-fp-"));
        for (const name of names) {
            for (const handover of Object.values(handoversOf(await planOf(name)))) {
                const file = path.join(dir, "handover-reply.json");
                fs.writeFileSync(file, JSON.stringify(handover, null, 3));
                const result = spawnSync("sh", ["-c", FINGERPRINT_COMMAND], { cwd: dir, encoding: "utf8" });
                assert.strictEqual(result.status, 0, result.stderr);
                assert.strictEqual(result.stdout.trim(), fingerprintOf(handover), `${name} → ${handover.to.party}`);
            }
        }
        assert.ok(((await planOf("handover")).outputs.handoff as Record<string, string>).marketco.includes(FINGERPRINT_COMMAND));
    });
});
