/**
 * npm run handoff: what is sent to one counterpart holds its link and nothing
 * of any other (in every format the command writes), and never a value AWS
 * assigns at creation that the offline plan had to make up.
 * Runs on fixtures of the tests (tests/fixtures/stacks/), never on a team's stacks.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { isStandIn } from "../../infra/contract/assigned";
import { HandoverDocument } from "../../infra/handoff/document";
import { fingerprintOf } from "../../infra/handoff/fingerprint";
import { handoverSchemaProblems } from "../../infra/handoff/schema";
import { Plan } from "../../tools/plan/engine";
import { Run, runScript, runTool } from "../helpers/cli";
import { asDeployed } from "../helpers/handovers";
import { linksOf, plan } from "../helpers/plans";

const ROOT = path.join(__dirname, "..", "..");
const SEVERAL = "tests/fixtures/handoff/handoff-several.yaml";
const KMS = "tests/fixtures/handoff/handoff-kms.yaml";
/** npm run handoff in this process; with an environment of its own (no Pulumi CLI, no AWS credentials), as a process. */
const run = (args: string[], env?: NodeJS.ProcessEnv): Promise<Run> => (env ? Promise.resolve(runScript("handoff", args, { env })) : runTool("handoff", args));
const planOf = (file: string) => plan({ stack: path.basename(file, ".yaml"), configFile: path.join(ROOT, file) });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "handoff-"));

/** Everything that identifies one counterpart's link: its config entry's values and what our stack makes for it alone. */
function identifiers(file: string, p: Plan): Record<string, string[]> {
    const entries = (YAML.parse(fs.readFileSync(path.join(ROOT, file), "utf8")).config["s3-transfer:partners"] as Record<string, unknown>[]).map((e) => ({
        name: String(e.name),
        // A region is where a bucket is, not whose: our own links may share it.
        values: Object.entries(e)
            .filter(([key]) => key !== "region")
            .map(([, v]) => String(v)),
    }));
    const links = linksOf(p);
    const all = Object.fromEntries(
        entries.map(({ name, values }) => {
            const { state: _state, region: _region, deleteMarkerReplication: _d, replication: _r, ingressGrant: _g, ...ours } = links[name];
            return [name, [...values, ...Object.values(ours).map(String)]];
        }),
    );
    // A value two links share (our account, the side's batch replication role) is nobody's alone.
    const owners = new Map<string, number>();
    for (const values of Object.values(all)) for (const v of new Set(values)) owners.set(v, (owners.get(v) ?? 0) + 1);
    return Object.fromEntries(Object.entries(all).map(([name, values]) => [name, [...new Set(values)].filter((v) => owners.get(v) === 1)]));
}

/** Fails naming every identifier of another counterpart that the text sent to `to` carries. */
function assertOnlyItsOwn(text: string, to: string, ids: Record<string, string[]>, what: string): void {
    const leaked = Object.entries(ids)
        .filter(([name]) => name !== to)
        .flatMap(([name, values]) => values.filter((v) => text.includes(v)).map((v) => `${name}: ${v}`));
    assert.deepStrictEqual(leaked, [], `${what} for ${to} carries another counterpart's details`);
    for (const own of ids[to]) assert.ok(own.length > 0);
}

describe("npm run handoff", () => {
    describe("sends each counterpart its own link and nothing of any other", () => {
        let several: Plan;
        let ids: Record<string, string[]>;
        before(async () => {
            several = await planOf(SEVERAL);
            ids = identifiers(SEVERAL, several);
        });

        it("the fixture has several counterparts at every stage, each with details of its own", () => {
            assert.deepStrictEqual(Object.keys(ids), ["northwind-loyalty", "bluebird-data", "coral-media"]);
            for (const values of Object.values(ids)) assert.ok(values.length >= 5, values.join(", "));
        });

        for (const format of ["markdown", "json"] as const) {
            it(`--format ${format}: each counterpart's ${format === "json" ? "hand-over" : "sheet (with its reply template)"}`, async () => {
                for (const name of Object.keys(ids)) {
                    const r = await run(["--config", SEVERAL, "--counterpart", name, "--format", format]);
                    assert.strictEqual(r.status, 0, r.stderr);
                    assertOnlyItsOwn(r.stdout, name, ids, format);
                    assertOnlyItsOwn(r.stderr, name, ids, `${format} (stderr)`);
                    assert.ok(r.stdout.includes(name));
                    if (format === "json") assert.deepStrictEqual(handoverSchemaProblems(JSON.parse(r.stdout)), []);
                    else assert.ok(r.stdout.includes('"$schema": "urn:s3-transfer:handover:v1"'), "the sheet carries the reply template");
                }
            });
        }

        it("the stack output handoff holds one sheet per counterpart, each the one the command prints", () => {
            const sheets = several.outputs.handoff as Record<string, string>;
            assert.deepStrictEqual(Object.keys(sheets), Object.keys(ids));
            for (const [name, sheet] of Object.entries(sheets)) {
                assertOnlyItsOwn(sheet, name, ids, "the stack output handoff");
                assert.strictEqual(sheet.match(/^## /gm)?.length, 1, `one link section in ${name}'s sheet`);
            }
        });

        for (const format of ["markdown", "json"] as const) {
            it(`--out-dir writes one ${format} file per counterpart, says what it wrote, and each file is its own`, async () => {
                const dir = tmp();
                const r = await run(["--config", SEVERAL, "--format", format, "--out-dir", dir]);
                assert.strictEqual(r.status, 0, r.stderr);
                const ext = format === "json" ? "handover.json" : "handoff.md";
                assert.deepStrictEqual(
                    fs.readdirSync(dir).sort(),
                    Object.keys(ids)
                        .map((n) => `${n}.${ext}`)
                        .sort(),
                );
                for (const name of Object.keys(ids)) {
                    const file = path.join(dir, `${name}.${ext}`);
                    assert.match(
                        r.stdout,
                        new RegExp(
                            `^wrote ${file.replace(/[.\\/]/g, "\\$&")}: the ${format === "json" ? "hand-over" : "hand-off sheet"} for ${name} \\(\\d+ lines, from the offline plan\\)$`,
                            "m",
                        ),
                    );
                    assertOnlyItsOwn(fs.readFileSync(file, "utf8"), name, ids, `${ext}`);
                }
                // One fingerprint line per hand-over, each naming its counterpart.
                for (const name of Object.keys(ids)) {
                    const handover = (several.outputs.handovers as Record<string, HandoverDocument>)[name];
                    assert.ok(r.stderr.includes(`hand-over fingerprint for ${name}: ${fingerprintOf(handover)}\n`), r.stderr);
                }
            });
        }

        it("without --counterpart on a stack with several, writes nothing and lists them (exit 2); with one, writes that one's", async () => {
            for (const format of ["markdown", "json"]) {
                const r = await run(["--config", SEVERAL, "--format", format]);
                assert.strictEqual(r.status, 2);
                assert.strictEqual(r.stdout, "");
                assert.match(
                    r.stderr,
                    /^stack handoff-several has 3 counterparts \(northwind-loyalty, bluebird-data, coral-media\), and each gets only its own (sheet|hand-over): give --counterpart <name>, or --out-dir <dir>/,
                );
            }
            const one = await run(["--config", "stacks/examples/sse-kms.yaml"]);
            assert.strictEqual(one.status, 0, one.stderr);
            assert.match(one.stdout, /^# S3 file exchange hand-off: acme-bank \(publisher, stack sse-kms\) for cdlx\n/);
        });

        it("an unknown counterpart exits 2 with the stack's counterparts and the nearest name", async () => {
            const r = await run(["--config", SEVERAL, "--counterpart", "northwind-loyalti", "--format", "json"]);
            assert.strictEqual(r.status, 2);
            assert.strictEqual(r.stdout, "");
            assert.match(
                r.stderr,
                /^--counterpart northwind-loyalti: stack handoff-several has no counterpart "northwind-loyalti"; did you mean northwind-loyalty\?\nits counterparts: northwind-loyalty, bluebird-data, coral-media\n/,
            );
        });

        it("--out writes the hand-over, says what it wrote and where, and the sheet's fingerprint is the file's", async () => {
            const out = path.join(tmp(), "northwind.json");
            const r = await run(["--config", SEVERAL, "--counterpart", "northwind-loyalty", "--format", "json", "--out", out]);
            assert.strictEqual(r.status, 0, r.stderr);
            const text = fs.readFileSync(out, "utf8");
            assert.strictEqual(r.stdout, `wrote ${out}: the hand-over for northwind-loyalty (${text.split("\n").length - 1} lines, from the offline plan)\n`);
            const written = JSON.parse(text) as HandoverDocument;
            assert.deepStrictEqual(written, (several.outputs.handovers as Record<string, HandoverDocument>)["northwind-loyalty"]);
            const sheet = (several.outputs.handoff as Record<string, string>)["northwind-loyalty"];
            assert.ok(sheet.includes(`**Hand-over fingerprint: \`${fingerprintOf(written)}\`**`));
            assert.ok(r.stderr.endsWith(`hand-over fingerprint for northwind-loyalty: ${fingerprintOf(written)}\n`), r.stderr);
        });
    });

    describe("never hands over a value AWS has not assigned yet", () => {
        let kms: Plan;
        before(async () => {
            kms = await planOf(KMS);
        });

        it("the offline plan's KMS keys are stand-ins, which no reader takes for real keys", () => {
            for (const link of Object.values(linksOf(kms))) {
                assert.ok(isStandIn(link.ingressKmsKeyArn!) && isStandIn(link.egressKmsKeyArn!), JSON.stringify(link));
            }
        });

        it("--format json before the first up: exit 2, nothing written, pointing at pulumi stack output after pulumi up", async () => {
            const out = path.join(tmp(), "h.json");
            const r = await run(["--config", KMS, "--counterpart", "northwind-loyalty", "--format", "json", "--out", out]);
            assert.strictEqual(r.status, 2);
            assert.strictEqual(r.stdout, "");
            assert.ok(!fs.existsSync(out));
            assert.match(r.stderr, /^hand-over for northwind-loyalty: \/link\/egressKmsKeyArn is the offline plan's stand-in for a KMS key that does not exist yet/);
            assert.match(
                r.stderr,
                /\/link\/ingressKmsKeyArn is the offline plan's stand-in .* after it, take it from the deployed stack \(`pulumi stack output --json --stack handoff-kms`\)/,
            );
            assert.match(
                r.stderr,
                /\nfix: run pulumi up on the stack, then write the hand-over from the deployed stack: npm run handoff -- .* --counterpart northwind-loyalty --format json --deployed/,
            );
        });

        it("the sheet before the first up says what comes after it, with no invented key and no fingerprint", async () => {
            for (const name of ["northwind-loyalty", "bluebird-data"]) {
                const r = await run(["--config", KMS, "--counterpart", name]);
                assert.strictEqual(r.status, 0, r.stderr);
                assert.ok(!r.stdout.includes("00000000-0000-0000-0000-"), "no stand-in key ID in the sheet");
                for (const link of Object.values(linksOf(kms))) assert.ok(!r.stdout.includes(link.ingressKmsKeyArn!) && !r.stdout.includes(link.egressKmsKeyArn!));
                assert.match(
                    r.stdout,
                    /\| KMS key ARN of our ingress bucket \(encrypt your replicas with it\) \| \*\*after our first `pulumi up`\*\*: assigned by AWS when `pulumi up` creates the key/,
                );
                assert.match(r.stdout, /\*\*Hand-over: after our first `pulumi up`\.\*\*/);
                assert.ok(!r.stdout.includes("Hand-over fingerprint"));
                assert.match(r.stdout, /replica KMS key `<OUR_INGRESS_KMS_KEY_ARN>`/);
                assert.strictEqual(
                    r.stderr,
                    `no hand-over for ${name} yet: it carries a KMS key ARN that AWS assigns at the first pulumi up; then: npm run handoff -- --stack handoff-kms --config ${KMS} --counterpart ${name} --format json --deployed\n`,
                );
            }
        });

        it("--outputs (the deployed stack's pulumi stack output --json): writes the real hand-over, only the counterpart's, with its fingerprint", async () => {
            // The deployed stack's outputs: what AWS assigned in place of each stand-in.
            const deployed = asDeployed(kms.outputs as { handovers: Record<string, HandoverDocument> } & Record<string, unknown>);
            const file = path.join(tmp(), "outputs.json");
            fs.writeFileSync(file, JSON.stringify(deployed));
            const ids = identifiers(KMS, { ...kms, outputs: deployed });
            for (const name of ["northwind-loyalty", "bluebird-data"]) {
                const r = await run(["--stack", "handoff-kms", "--config", KMS, "--outputs", file, "--counterpart", name, "--format", "json"]);
                assert.strictEqual(r.status, 0, r.stderr);
                const written = JSON.parse(r.stdout) as HandoverDocument;
                assert.deepStrictEqual(written, deployed.handovers[name]);
                assert.deepStrictEqual(handoverSchemaProblems(written), []);
                assert.ok(!isStandIn(written.link.ingressKmsKeyArn!));
                assertOnlyItsOwn(r.stdout, name, ids, "deployed hand-over");
                assert.ok(r.stderr.endsWith(`hand-over fingerprint for ${name}: ${fingerprintOf(written)}\n`));
            }
        });

        it("--outputs of a program that wrote one sheet for every counterpart is refused, saying to deploy this version", async () => {
            const file = path.join(tmp(), "old.json");
            fs.writeFileSync(file, JSON.stringify({ ...kms.outputs, handoff: "# one sheet for all\n" }));
            const r = await run(["--outputs", file, "--counterpart", "bluebird-data"]);
            assert.strictEqual(r.status, 2);
            assert.match(r.stderr, /^--outputs .*old\.json: not the outputs of this program's stack[^]*handoff: must be an object[^]*run pulumi up with this version first/);
        });

        it("--deployed asks the Pulumi CLI for the stack's outputs (here, where none is installed, it says so: exit 2)", async () => {
            const empty = tmp();
            const r = await run(["--stack", "handoff-kms", "--config", KMS, "--counterpart", "bluebird-data", "--format", "json", "--deployed"], {
                ...process.env,
                PATH: `${path.dirname(process.execPath)}${path.delimiter}${empty}`,
            });
            assert.strictEqual(r.status, 2);
            assert.match(
                r.stderr,
                /^--stack handoff-kms: the pulumi CLI is not installed or not on PATH; install it, or run `pulumi stack output --json --stack handoff-kms > outputs\.json`/,
            );
        });
    });
});
