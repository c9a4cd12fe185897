/**
 * npm run accept-handoff: a hand-over accepted with its fingerprint plans what
 * the stack reference plans; a tampered file, an unconfirmed change of
 * destination and bad input are refused with exit 2 before anything is written.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { HandoverDocument } from "../../infra/handoff/document";
import { destinationFingerprint } from "../../infra/contract/endpoints";
import { fingerprintOf } from "../../infra/handoff/fingerprint";
import { acceptHandover, AcceptOptions, HandoverRefused } from "../../tools/handoff/accept";
import { Plan } from "../../tools/plan/engine";
import { plan, planUncached } from "../helpers/plans";
import { runTool } from "../helpers/cli";
import { asDeployed } from "../helpers/handovers";

const ROOT = path.join(__dirname, "..", "..");
/** A pair of the tests' own (tests/fixtures/stacks/), joined by stack references, as one team runs both stacks in one backend. */
const PUBLISHER = "handoff-pair";
const PARTNER = "handoff-pair-partner";
const PUBLISHER_FILE = path.join(ROOT, "tests", "fixtures", "handoff", `${PUBLISHER}.yaml`);
const PARTNER_FILE = path.join(ROOT, "tests", "fixtures", "handoff", `${PARTNER}.yaml`);
const PROD_REF = `organization/s3-transfer/${PUBLISHER}`;
const PARTNER_REF = `organization/s3-transfer/${PARTNER}`;

let dir: string;
const tmp = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
};

function runAccept(args: string[]) {
    return runTool("accept-handoff", args);
}

/** The partner's config with its publisher entry reduced to name and root: no stack reference. */
function partnerWithoutReference(extra = ""): string {
    const text = fs.readFileSync(PARTNER_FILE, "utf8");
    const reduced = text.replace(new RegExp(`^ +stack: ${PUBLISHER}\n`, "m"), "");
    assert.notStrictEqual(reduced, text, `${PARTNER_FILE} no longer references ${PUBLISHER} as this test expects`);
    return reduced.replace("config:\n", `config:\n${extra}`);
}

/** The pair planned as both sides see it once both are deployed: each reads the other's outputs. */
async function planPair(publisherFile = PUBLISHER_FILE, partnerFile = PARTNER_FILE): Promise<{ publisher: Plan; partner: Plan }> {
    const partnerFirst = await planUncached({ stack: PARTNER, configFile: partnerFile, stackOutputs: { [PROD_REF]: {} } });
    const publisher = await planUncached({ stack: PUBLISHER, configFile: publisherFile, stackOutputs: { [PARTNER_REF]: partnerFirst.outputs } });
    const partner = await planUncached({ stack: PARTNER, configFile: partnerFile, stackOutputs: { [PROD_REF]: publisher.outputs } });
    return { publisher, partner };
}

/** Every resource of a plan but the stack references, by URN, with its inputs. */
function resourcesOf(p: Plan): Record<string, unknown> {
    return Object.fromEntries(p.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference").map((r) => [r.urn, r.inputs]));
}

function assertSamePlan(viaHandover: Plan, viaReference: Plan): void {
    const a = resourcesOf(viaHandover);
    const b = resourcesOf(viaReference);
    assert.deepStrictEqual(Object.keys(a).sort(), Object.keys(b).sort());
    for (const token of ["aws:s3/bucketReplicationConfig:BucketReplicationConfig", "aws:s3/bucketPolicy:BucketPolicy", "aws:iam/rolePolicy:RolePolicy", "aws:kms/key:Key"]) {
        const urns = Object.keys(b).filter((urn) => urn.includes(`::${token}::`));
        for (const urn of urns) assert.deepStrictEqual(a[urn], b[urn], urn);
    }
    assert.deepStrictEqual(a, b);
    assert.deepStrictEqual(viaHandover.warnings, viaReference.warnings);
}

const accept = (options: Partial<AcceptOptions> & Pick<AcceptOptions, "configFile" | "handoverFile" | "fingerprint">) =>
    acceptHandover({ stack: PARTNER, write: false, confirmChange: false, ...options });

function refused(fn: () => unknown): HandoverRefused {
    try {
        fn();
    } catch (err) {
        if (err instanceof HandoverRefused) return err;
        throw err;
    }
    assert.fail("was accepted");
}

describe("npm run accept-handoff", () => {
    let prod: Plan;
    let partner: Plan;
    let handover: HandoverDocument;
    let handoverFile: string;
    let fingerprint: string;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "accept-handoff-"));
        ({ publisher: prod, partner } = await planPair());
        handover = (prod.outputs.handovers as Record<string, HandoverDocument>).cdlx;
        handoverFile = tmp("prod-cdlx.json", `${JSON.stringify(handover, null, 2)}\n`);
        fingerprint = fingerprintOf(handover);
    });

    it("reads this side's own keys by the config model: old-namespace keys get the rename, a bad value its own fix, both in the stack file given", () => {
        const legacy = tmp("legacy.yaml", partnerWithoutReference().replaceAll("s3-transfer:", "transfer:"));
        const old = refused(() => accept({ configFile: legacy, handoverFile, fingerprint }));
        assert.strictEqual(old.problems.length, 1);
        assert.match(old.problems[0].problem, /in the namespace "transfer", which this program no longer reads/);
        assert.ok(old.problems[0].fix.includes(`sed -E -i.bak 's/^( *)transfer:/\\1s3-transfer:/' ${legacy}`), old.problems[0].fix);
        const badEncryption = tmp("bad-encryption.yaml", partnerWithoutReference("  s3-transfer:encryption: sse-kms\n"));
        const bad = refused(() => accept({ configFile: badEncryption, handoverFile, fingerprint }));
        assert.deepStrictEqual(
            bad.problems.map((p) => [p.key, p.fix]),
            [[`${badEncryption}: s3-transfer:encryption`, `pulumi config set --config-file ${badEncryption} s3-transfer:encryption SSE-KMS   (or SSE-S3)`]],
        );
    });

    it("round trip: the publisher's hand-over for cdlx, accepted into the partner's config without its stack reference, plans the same replication, ingress grant and roles as the reference", async () => {
        const configFile = tmp("partner-prod.yaml", partnerWithoutReference());
        const before = fs.readFileSync(configFile, "utf8");
        // The fingerprint as an operator types it after a call: upper case, in spaced groups.
        const result = await runAccept(["--config", configFile, "--file", handoverFile, "--fingerprint", fingerprint.toUpperCase().replace(/-/g, " "), "--write"]);
        assert.strictEqual(result.status, 0, result.stderr);
        assert.match(result.stdout, /^\+ {6}replicationRoleArn: arn:aws:iam::111122223333:role\/acme-bank-to-cdlx-replication$/m);
        const after = fs.readFileSync(configFile, "utf8");
        // Comments and the order of what was there are kept (the yaml package's Document API: https://eemeli.org/yaml/#documents).
        const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");
        const kept = lines(before);
        assert.deepStrictEqual(
            lines(after).filter((l) => kept.includes(l)),
            kept,
        );
        assert.ok(after.startsWith(before.slice(0, before.indexOf("config:"))));
        const entry = (YAML.parse(after).config["s3-transfer:publishers"] as Record<string, unknown>[])[0];
        assert.deepStrictEqual(entry.acceptedHandover && (entry.acceptedHandover as { fingerprint: string }).fingerprint, fingerprint);
        const viaHandover = await planUncached({ stack: PARTNER, configFile });
        assert.deepStrictEqual(viaHandover.stackReferences, []);
        assertSamePlan(viaHandover, partner);
    });

    it("round trip with SSE-KMS: the replica-key and source-key grants of both paths are the same", async () => {
        const kms = "  s3-transfer:encryption: SSE-KMS\n";
        const prodKmsFile = tmp("prod-kms.yaml", fs.readFileSync(PUBLISHER_FILE, "utf8").replace("config:\n", `config:\n${kms}`));
        // partner-prod exists but has not been deployed yet (pulumi stack init): prod plans its own side.
        const prodKms = await planUncached({ stack: PUBLISHER, configFile: prodKmsFile, stackOutputs: { [PARTNER_REF]: {} } });
        // The hand-over of the deployed stack: its keys are the ones AWS assigned, not the plan's stand-ins.
        const deployed = asDeployed(prodKms.outputs);
        const kmsHandover = (deployed.handovers as Record<string, HandoverDocument>).cdlx;
        assert.match(kmsHandover.link.ingressKmsKeyArn ?? "", /^arn:aws:kms:us-east-1:111122223333:key\/5e1a/);
        const viaReference = await planUncached({
            stack: PARTNER,
            configFile: tmp("partner-kms-ref.yaml", fs.readFileSync(PARTNER_FILE, "utf8").replace("config:\n", `config:\n${kms}`)),
            stackOutputs: { [PROD_REF]: deployed },
        });
        const configFile = tmp("partner-kms.yaml", partnerWithoutReference(kms));
        const file = tmp("prod-kms-cdlx.json", JSON.stringify(kmsHandover));
        accept({ configFile, handoverFile: file, fingerprint: fingerprintOf(kmsHandover), write: true });
        const viaHandover = await planUncached({ stack: PARTNER, configFile });
        const keys = viaHandover.resources.filter((r) => r.type === "aws:kms/key:Key");
        assert.ok(keys.length >= 2, "SSE-KMS plans a key per bucket");
        assertSamePlan(viaHandover, viaReference);
    });

    it("round trip with delete markers replicated: our ingress admits s3:ReplicateDelete on both paths", async () => {
        const markers = "  s3-transfer:deleteMarkerReplication: true\n";
        const prodFile = tmp("prod-markers.yaml", fs.readFileSync(PUBLISHER_FILE, "utf8").replace("config:\n", `config:\n${markers}`));
        const prodMarkers = await planUncached({ stack: PUBLISHER, configFile: prodFile, stackOutputs: { [PARTNER_REF]: {} } });
        const markersHandover = (prodMarkers.outputs.handovers as Record<string, HandoverDocument>).cdlx;
        assert.strictEqual(markersHandover.link.deleteMarkerReplication, true);
        const viaReference = await planUncached({ stack: PARTNER, configFile: PARTNER_FILE, stackOutputs: { [PROD_REF]: prodMarkers.outputs } });
        const configFile = tmp("partner-markers.yaml", partnerWithoutReference());
        accept({ configFile, handoverFile: tmp("markers.json", JSON.stringify(markersHandover)), fingerprint: fingerprintOf(markersHandover), write: true });
        const viaHandover = await planUncached({ stack: PARTNER, configFile });
        assert.ok(JSON.stringify(viaHandover.resources.filter((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy").map((r) => r.inputs)).includes("s3:ReplicateDelete"));
        assertSamePlan(viaHandover, viaReference);
    });

    it("config: the accepted hand-over's fingerprints are checked, and delete-marker replication is a hand-over field", async () => {
        const base = partnerWithoutReference().replace("root: acme-bank", 'root: acme-bank\n      accountId: "111122223333"');
        const bad = tmp("bad-accepted.yaml", base.replace("root: acme-bank", "root: acme-bank\n      acceptedHandover:\n        fingerprint: abcd\n        destination: abcd"));
        await assert.rejects(planUncached({ stack: PARTNER, configFile: bad }), /s3-transfer:publishers\[0\]\.acceptedHandover\.fingerprint: must be the 64 hex digits/);
        const both = tmp("stack-and-markers.yaml", fs.readFileSync(PARTNER_FILE, "utf8").replace("root: acme-bank", "root: acme-bank\n      replicatesDeleteMarkers: true"));
        await assert.rejects(planUncached({ stack: PARTNER, configFile: both }), /s3-transfer:publishers\[0\]\.stack: is set together with replicatesDeleteMarkers/);
    });

    it("refuses, with exit 2 and nothing written, a hand-over with any field changed after its fingerprint was read", async () => {
        const configFile = tmp("partner-tamper.yaml", partnerWithoutReference());
        const before = fs.readFileSync(configFile, "utf8");
        // Every leaf of the document, changed one at a time.
        const leaves: string[][] = [];
        const walk = (value: unknown, at: string[]) => {
            if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
            else leaves.push(at);
        };
        walk(handover, []);
        assert.ok(leaves.length >= 14, `only ${leaves.length} leaves`);
        const change = (v: unknown) => (typeof v === "boolean" ? !v : typeof v === "number" ? v + 1 : String(v).replace(/.$/, (c) => (c === "1" ? "2" : "1")));
        for (const leaf of [...leaves, ["needsBack"]]) {
            const copy = JSON.parse(JSON.stringify(handover));
            const parent = leaf.slice(0, -1).reduce((o, k) => o[k], copy);
            const last = leaf[leaf.length - 1];
            parent[last] = last === "needsBack" ? ["region"] : change(parent[last]);
            const file = tmp("tampered.json", JSON.stringify(copy, null, 2));
            const err = refused(() => accept({ configFile, handoverFile: file, fingerprint, write: true }));
            assert.match(err.message, /not the file the sender vouched for/, leaf.join("."));
        }
        // A field added, and the CLI's exit code.
        const added = tmp("added.json", JSON.stringify({ ...handover, to: { ...handover.to, note: "x" } }));
        const result = await runAccept(["--config", configFile, "--file", added, "--fingerprint", fingerprint, "--write"]);
        assert.strictEqual(result.status, 2, result.stderr);
        assert.match(result.stderr, new RegExp(`${added.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: does not have the fingerprint ${fingerprint} read to you`));
        assert.ok(!result.stderr.includes(fingerprintOf(JSON.parse(fs.readFileSync(added, "utf8")))), "the file's own fingerprint is never shown");
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
        assert.strictEqual(fs.readFileSync(configFile, "utf8"), before);
    });

    it("refuses a fingerprint with a digit missing, wrong or added, and accepts the same file reformatted", () => {
        const configFile = tmp("partner-fp.yaml", partnerWithoutReference());
        const hex = fingerprint.replace(/-/g, "");
        for (const typed of [hex.slice(0, 63), `${hex}a`, hex.slice(0, 32)]) {
            assert.match(refused(() => accept({ configFile, handoverFile, fingerprint: typed })).problems[0].key, /^--fingerprint$/);
        }
        const wrong = hex.replace(/^./, (c) => (c === "0" ? "1" : "0"));
        assert.match(refused(() => accept({ configFile, handoverFile, fingerprint: wrong })).message, /not the file the sender vouched for/);
        const reformatted = tmp(
            "reformatted.json",
            JSON.stringify(
                JSON.parse(
                    JSON.stringify({
                        needsBack: handover.needsBack,
                        link: handover.link,
                        to: handover.to,
                        from: handover.from,
                        version: handover.version,
                        $schema: handover.$schema,
                    }),
                ),
                null,
                8,
            ).replace(/\n/g, "\r\n"),
        );
        assert.ok(accept({ configFile, handoverFile: reformatted, fingerprint: hex.toUpperCase() }).diff.length > 0);
    });

    describe("a changed destination", () => {
        let configFile: string;
        let changed: HandoverDocument;
        let changedFile: string;
        before(() => {
            configFile = tmp("partner-change.yaml", partnerWithoutReference());
            accept({ configFile, handoverFile, fingerprint, write: true });
            changed = JSON.parse(JSON.stringify(handover));
            changed.from.accountId = "999900001111";
            changed.link.ingressBucketArn = "arn:aws:s3:::acme-bank-prod-cdlx-ingress-new";
            changed.link.replicationRoleArn = "arn:aws:iam::999900001111:role/acme-bank-to-cdlx-replication";
            changedFile = tmp("changed.json", JSON.stringify(changed, null, 2));
        });

        it("is refused without --confirm-change, even with its own correct fingerprint, showing old and new (exit 2)", async () => {
            const before = fs.readFileSync(configFile, "utf8");
            const result = await runAccept(["--config", configFile, "--file", changedFile, "--fingerprint", fingerprintOf(changed), "--write"]);
            assert.strictEqual(result.status, 2, result.stderr);
            for (const expected of [
                "s3-transfer:publishers[0].accountId: would change from 111122223333 to 999900001111",
                "s3-transfer:publishers[0].ingressBucketArn: would change from arn:aws:s3:::acme-bank-prod-cdlx-ingress to arn:aws:s3:::acme-bank-prod-cdlx-ingress-new",
                "s3-transfer:publishers[0].replicationRoleArn: would change from arn:aws:iam::111122223333:role/acme-bank-to-cdlx-replication to arn:aws:iam::999900001111:role/acme-bank-to-cdlx-replication",
                "--confirm-change",
            ])
                assert.ok(result.stderr.includes(expected), `stderr lacks ${expected}:\n${result.stderr}`);
            assert.strictEqual(fs.readFileSync(configFile, "utf8"), before);
        });

        it("a different KMS key is a change too", () => {
            const kmsConfig = tmp("partner-change-kms.yaml", partnerWithoutReference("  s3-transfer:encryption: SSE-KMS\n"));
            const withKey = {
                ...handover,
                link: { ...handover.link, encryption: "SSE-KMS" as const, ingressKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c" },
            };
            accept({ configFile: kmsConfig, handoverFile: tmp("with-key.json", JSON.stringify(withKey)), fingerprint: fingerprintOf(withKey), write: true });
            const otherKey = { ...withKey, link: { ...withKey.link, ingressKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555" } };
            const err = refused(() => accept({ configFile: kmsConfig, handoverFile: tmp("other-key.json", JSON.stringify(otherKey)), fingerprint: fingerprintOf(otherKey) }));
            assert.deepStrictEqual(
                err.problems.map((p) => p.key.split(": ")[1]),
                ["s3-transfer:publishers[0].ingressKmsKeyArn"],
            );
        });

        it("is accepted with --confirm-change, and then plans the new destination", async () => {
            const result = await runAccept(["--config", configFile, "--file", changedFile, "--fingerprint", fingerprintOf(changed), "--write", "--confirm-change"]);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.match(result.stderr, /confirmed change of s3-transfer:publishers\[0\]\.accountId: 111122223333 -> 999900001111/);
            const p = await planUncached({ stack: PARTNER, configFile });
            const replication = p.resources.find((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig")!;
            assert.strictEqual((replication.inputs.rules as { destination: { bucket: string; account: string } }[])[0].destination.bucket, changed.link.ingressBucketArn);
            assert.deepStrictEqual(
                p.warnings.filter((w) => w.includes("changed since the hand-over")),
                [],
            );
        });

        it("records what it accepted: the hand-over's fingerprint, the destination's, and the destination's values", () => {
            const accepted = tmp("partner-record.yaml", partnerWithoutReference());
            accept({ configFile: accepted, handoverFile, fingerprint, write: true });
            const entry = (YAML.parse(fs.readFileSync(accepted, "utf8")).config["s3-transfer:publishers"] as Record<string, unknown>[])[0];
            assert.deepStrictEqual(entry.acceptedHandover, {
                fingerprint,
                destination: destinationFingerprint({
                    accountId: "111122223333",
                    region: "us-east-1",
                    ingressBucketArn: handover.link.ingressBucketArn,
                    replicationRoleArn: handover.link.replicationRoleArn,
                }),
                values: { accountId: "111122223333", region: "us-east-1", ingressBucketArn: handover.link.ingressBucketArn, replicationRoleArn: handover.link.replicationRoleArn },
                party: handover.from.party,
            });
        });

        describe("edited into config by hand after acceptance, stops the update (exit 2 in npm run plan, a failing program under pulumi up)", () => {
            let accepted: string;
            let text: string;
            before(() => {
                accepted = tmp("partner-accepted.yaml", partnerWithoutReference());
                accept({ configFile: accepted, handoverFile, fingerprint, write: true });
                text = fs.readFileSync(accepted, "utf8");
            });

            it("plans as accepted while the entry is untouched", async () => {
                const untouched = await planUncached({ stack: PARTNER, configFile: accepted });
                assert.ok(untouched.resources.some((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig"));
            });

            for (const [field, from, to] of [
                ["replicationRoleArn", "role/acme-bank-to-cdlx-replication\n", "role/someone-else\n"],
                ["ingressBucketArn", "arn:aws:s3:::acme-bank-prod-cdlx-ingress\n", "arn:aws:s3:::attacker-bucket\n"],
            ] as const) {
                it(`a changed ${field} names the field, the accepted and the current value, and how to accept a new hand-over`, async () => {
                    // The plan runs the program itself: its ConfigError is what fails pulumi preview and pulumi up
                    // (https://www.pulumi.com/docs/iac/concepts/config/: a program that throws fails the update).
                    const line = text.split("\n").find((l) => l.trim().startsWith(`${field}:`))!;
                    const edited = tmp(`partner-edited-${field}.yaml`, text.replace(line, line.replace(from.trim(), to.trim())));
                    const accepted = line.split(": ")[1];
                    const current = line.replace(from.trim(), to.trim()).split(": ")[1];
                    await assert.rejects(planUncached({ stack: PARTNER, configFile: edited }), (err: Error) => {
                        assert.strictEqual(err.name, "ConfigError");
                        assert.ok(
                            err.message.includes(`s3-transfer:publishers[0].${field}: is ${current}, but the hand-over accepted with fingerprint ${fingerprint} says ${accepted}`),
                            err.message,
                        );
                        assert.ok(
                            err.message.includes(
                                `npm run accept-handoff -- --config ${edited} --file <their-handover.json> --fingerprint <the fingerprint they read you> --confirm-change --write`,
                            ),
                            err.message,
                        );
                        assert.ok(
                            err.message.includes(`otherwise restore it: pulumi config set --config-file ${edited} --path 's3-transfer:publishers[0].${field}' ${accepted}`),
                            err.message,
                        );
                        return true;
                    });
                    const cli = await runTool("plan", ["--config", edited]);
                    assert.strictEqual(cli.status, 2, cli.stdout);
                    assert.match(cli.stderr, new RegExp(`partner-edited-${field}\\.yaml:\\d+: s3-transfer:publishers\\[0\\]\\.${field}: is `));
                });
            }

            it("an entry renamed since names the field and the sender: the sender's accept-handoff refuses a hand-over to any name but its own", async () => {
                const renamed = tmp("partner-renamed.yaml", text.replace(/- name: (\S+)\n/, "- name: $1-renamed\n"));
                await assert.rejects(planUncached({ stack: PARTNER, configFile: renamed }), (err: Error) => {
                    assert.strictEqual(err.name, "ConfigError");
                    assert.match(
                        err.message,
                        /s3-transfer:publishers\[0\]\.name: is acme-bank-renamed, but the hand-over accepted with fingerprint \S+ came from acme-bank \(s3-transfer:publishers\[0\]\.acceptedHandover\.party\)/,
                    );
                    assert.match(err.message, /restore it: pulumi config set --config-file \S+ --path 's3-transfer:publishers\[0\]\.name' acme-bank/);
                    return true;
                });
            });

            it("a destination whose accepted values were edited too is still refused: the accepted fingerprint vouches for them", async () => {
                const edited = tmp("partner-edited-both.yaml", text.replaceAll("arn:aws:s3:::acme-bank-prod-cdlx-ingress\n", "arn:aws:s3:::attacker-bucket\n"));
                await assert.rejects(
                    planUncached({ stack: PARTNER, configFile: edited }),
                    /acceptedHandover: acme-bank's destination is no longer the one accepted with hand-over [^]*ingressBucketArn=arn:aws:s3:::attacker-bucket[^]*acceptedHandover\.values was changed too/,
                );
            });

            it("an entry accepted before the values were recorded is refused too, with the current values", async () => {
                const legacy = text.replace(/\n +values:\n(?: {10}.*\n)+/, "\n");
                assert.notStrictEqual(legacy, text);
                await planUncached({ stack: PARTNER, configFile: tmp("partner-legacy.yaml", legacy) });
                const edited = tmp("partner-legacy-edited.yaml", legacy.replace("arn:aws:s3:::acme-bank-prod-cdlx-ingress\n", "arn:aws:s3:::attacker-bucket\n"));
                await assert.rejects(
                    planUncached({ stack: PARTNER, configFile: edited }),
                    /destination is no longer the one accepted [^]*records only the accepted destination's fingerprint/,
                );
            });
        });
    });

    describe("refuses a value that cannot be real (exit 2)", () => {
        it("a hand-over written from an offline plan before the first up: the KMS keys are the plan's stand-ins", async () => {
            const kms = "  s3-transfer:encryption: SSE-KMS\n";
            const offline = await planUncached({
                stack: PUBLISHER,
                configFile: tmp("publisher-kms-offline.yaml", fs.readFileSync(PUBLISHER_FILE, "utf8").replace("config:\n", `config:\n${kms}`)),
                stackOutputs: { [PARTNER_REF]: {} },
            });
            const invented = (offline.outputs.handovers as Record<string, HandoverDocument>).cdlx;
            const configFile = tmp("partner-standin.yaml", partnerWithoutReference(kms));
            const before = fs.readFileSync(configFile, "utf8");
            const result = await runAccept(["--config", configFile, "--file", tmp("invented.json", JSON.stringify(invented)), "--fingerprint", fingerprintOf(invented), "--write"]);
            assert.strictEqual(result.status, 2, result.stderr);
            assert.match(result.stderr, /#\/link\/ingressKmsKeyArn: is the offline plan's stand-in for a KMS key that does not exist yet/);
            assert.match(result.stderr, /#\/link\/egressKmsKeyArn: is the offline plan's stand-in/);
            assert.match(
                result.stderr,
                /fix: ask acme-bank to run pulumi up, then send the hand-over of the deployed stack \(npm run handoff -- --stack handoff-pair --counterpart cdlx --format json --deployed\)/,
            );
            assert.strictEqual(fs.readFileSync(configFile, "utf8"), before);
        });

        for (const [what, keyId] of [
            ["a key ID that is no key ID KMS assigns", "abc"],
            ["an AWS documentation placeholder", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"],
            ["an alias in place of the key", "alias/acme"],
        ] as const) {
            it(`${what} (${keyId})`, () => {
                const kms = "  s3-transfer:encryption: SSE-KMS\n";
                const h = JSON.parse(JSON.stringify(handover));
                h.link.encryption = "SSE-KMS";
                h.link.ingressKmsKeyArn = keyId.startsWith("alias/") ? `arn:aws:kms:us-east-1:111122223333:${keyId}` : `arn:aws:kms:us-east-1:111122223333:key/${keyId}`;
                const err = refused(() =>
                    accept({
                        configFile: tmp("partner-shape.yaml", partnerWithoutReference(kms)),
                        handoverFile: tmp("shape.json", JSON.stringify(h)),
                        fingerprint: fingerprintOf(h),
                    }),
                );
                assert.ok(
                    err.problems.some((p) => p.key.endsWith("#/link/ingressKmsKeyArn")),
                    err.message,
                );
            });
        }
    });

    it("adds a new counterpart after the existing ones, and the config plans", async () => {
        const other = '    - name: other-bank\n      accountId: "123412341234"\n';
        const configFile = tmp("partner-new.yaml", fs.readFileSync(PARTNER_FILE, "utf8").replace(/  s3-transfer:publishers:\n[\s\S]*$/, `  s3-transfer:publishers:\n${other}`));
        const result = accept({ configFile, handoverFile, fingerprint, write: true });
        assert.strictEqual(result.entryKey, "s3-transfer:publishers[1]");
        assert.ok(result.newEntry);
        const entries = YAML.parse(fs.readFileSync(configFile, "utf8")).config["s3-transfer:publishers"] as { name: string }[];
        assert.deepStrictEqual(
            entries.map((e) => e.name),
            ["other-bank", "acme-bank"],
        );
        const p = await planUncached({ stack: PARTNER, configFile });
        assert.ok(
            p.resources.some((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig" && JSON.stringify(r.inputs).includes(handover.link.ingressBucketArn)),
        );
    });

    it("reads the reply a partner without this program fills in from our sheet's template, and completes its link", async () => {
        const example = path.join(ROOT, "stacks", "examples", "handover.yaml");
        const section = ((await plan({ stack: "handover", configFile: example })).outputs.handoff as Record<string, string>).marketco;
        const template = [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]).at(-1)!;
        const reply = JSON.parse(
            template
                .replace(/<YOUR_REGION>/g, "eu-west-1")
                .replace(/<YOUR_INGRESS_BUCKET>/g, "marketco-inbound-acme")
                .replace(/<YOUR_ACCOUNT_ID>/g, "555566667777")
                .replace(/<YOUR_REPLICATION_ROLE>/g, "marketco-outbound"),
        );
        const configFile = tmp("handover.yaml", fs.readFileSync(example, "utf8"));
        const before = await planUncached({ stack: "handover", configFile });
        assert.ok(
            before.warnings.some((w) => w.includes("marketco")),
            "marketco starts pending",
        );
        const result = acceptHandover({
            stack: "handover",
            configFile,
            handoverFile: tmp("marketco-reply.json", JSON.stringify(reply, null, 2)),
            fingerprint: fingerprintOf(reply),
            write: true,
            confirmChange: false,
        });
        assert.deepStrictEqual([result.entryKey, result.newEntry, result.changes], ["s3-transfer:partners[1]", false, []]);
        const after = await planUncached({ stack: "handover", configFile });
        assert.deepStrictEqual(
            after.warnings.filter((w) => w.includes("marketco")),
            [],
        );
        const links = after.outputs.links as Record<string, { replication: string; ingressGrant: string }>;
        assert.deepStrictEqual([links.marketco.replication, links.marketco.ingressGrant], ["active", "active"]);
        assert.ok(fs.readFileSync(configFile, "utf8").startsWith("# Who: a publisher whose partners do not run this program."));
    });

    it("without --write shows the diff and leaves the file alone; accepting the same hand-over twice changes nothing", () => {
        const configFile = tmp("partner-dry.yaml", partnerWithoutReference());
        const before = fs.readFileSync(configFile, "utf8");
        const dry = accept({ configFile, handoverFile, fingerprint });
        assert.ok(dry.diff.includes('+      accountId: "111122223333"'));
        assert.strictEqual(fs.readFileSync(configFile, "utf8"), before);
        accept({ configFile, handoverFile, fingerprint, write: true });
        assert.strictEqual(accept({ configFile, handoverFile, fingerprint, write: true }).diff, "");
    });

    it("checks the hand-over with the config rules: partition, accounts, role and key owners, key region, party, root and encryption", () => {
        const configFile = tmp("partner-rules.yaml", partnerWithoutReference());
        const cases: [string, (h: any) => void, RegExp][] = [
            [
                "a role from another partition",
                (h) => {
                    h.link.replicationRoleArn = "arn:aws-cn:iam::111122223333:role/acme-bank-to-cdlx-replication";
                },
                /#\/link\/replicationRoleArn: is in partition aws-cn, not aws/,
            ],
            [
                "a bucket from another partition",
                (h) => {
                    h.link.ingressBucketArn = "arn:aws-us-gov:s3:::acme-bank-prod-cdlx-ingress";
                },
                /#\/link\/ingressBucketArn: is in partition aws-us-gov, not aws/,
            ],
            [
                "a sender in another partition",
                (h) => {
                    h.from.partition = "aws-cn";
                },
                /#\/from\/partition: is aws-cn, but this stack's region us-east-1 is in aws/,
            ],
            [
                "a region of another partition",
                (h) => {
                    h.from.region = "cn-north-1";
                },
                /#\/from\/region: cn-north-1 is in partition aws-cn, not aws/,
            ],
            [
                "a role in another account",
                (h) => {
                    h.link.replicationRoleArn = "arn:aws:iam::999999999999:role/acme-bank-to-cdlx-replication";
                },
                /#\/link\/replicationRoleArn: belongs to account 999999999999, not to the counterpart's account 111122223333/,
            ],
            [
                "our own account",
                (h) => {
                    h.from.accountId = "444455556666";
                    h.link.replicationRoleArn = "arn:aws:iam::444455556666:role/r";
                },
                /#\/from\/accountId: is this stack's own account 444455556666/,
            ],
            [
                "another addressee",
                (h) => {
                    h.to.party = "loyaltyco";
                },
                /#\/to\/party: is for "loyaltyco", but this stack is "cdlx"/,
            ],
            [
                "the same side",
                (h) => {
                    h.from.side = "partner";
                },
                /#\/from\/side: is "partner"; a partner exchanges with a publisher/,
            ],
            [
                "another encryption",
                (h) => {
                    h.link.encryption = "SSE-KMS";
                    h.link.ingressKmsKeyArn = "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
                },
                /#\/link\/encryption: is SSE-KMS, but this link uses SSE-S3/,
            ],
            [
                "a bucket name S3 refuses",
                (h) => {
                    h.link.ingressBucketArn = "arn:aws:s3:::xn--bucket";
                },
                /#\/link\/ingressBucketArn: bucket name "xn--bucket" starts with "xn--", which S3 reserves/,
            ],
            [
                "an 11-digit account (schema)",
                (h) => {
                    h.from.accountId = "11112222333";
                },
                /#\/from\/accountId: must match pattern/,
            ],
        ];
        for (const [what, mutate, expected] of cases) {
            const h = JSON.parse(JSON.stringify(handover));
            mutate(h);
            const err = refused(() => accept({ configFile, handoverFile: tmp("rule.json", JSON.stringify(h)), fingerprint: fingerprintOf(h), write: true }));
            assert.match(err.message, expected, `${what}:\n${err.message}`);
            assert.ok(err.problems.every((p) => p.fix.length > 0));
        }
        const kmsConfig = tmp("partner-rules-kms.yaml", partnerWithoutReference("  s3-transfer:encryption: SSE-KMS\n"));
        const otherRegionKey = {
            ...handover,
            link: { ...handover.link, encryption: "SSE-KMS", ingressKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" },
        };
        // No AWS page found that states the same-region rule for general purpose buckets: the check is that a hand-over does not
        // contradict itself (the program takes the key's region as the destination's); the pre-production canary proves the pair.
        assert.match(
            refused(() => accept({ configFile: kmsConfig, handoverFile: tmp("key-region.json", JSON.stringify(otherRegionKey)), fingerprint: fingerprintOf(otherRegionKey) }))
                .message,
            /#\/link\/ingressKmsKeyArn: is a key in eu-west-1, but the counterpart's bucket is in us-east-1/,
        );
        const otherRoot = tmp("partner-root.yaml", partnerWithoutReference().replace("root: acme-bank", "root: acme-files"));
        assert.match(
            refused(() => accept({ configFile: otherRoot, handoverFile, fingerprint })).message,
            /#\/link\/root: is "acme-bank", but this stack exchanges with acme-bank under "acme-files"/,
        );
        assert.strictEqual(fs.readFileSync(configFile, "utf8"), partnerWithoutReference());
    });

    it("refuses to replace a stack reference silently", () => {
        const configFile = tmp("partner-ref.yaml", fs.readFileSync(PARTNER_FILE, "utf8"));
        assert.match(
            refused(() => accept({ configFile, handoverFile, fingerprint })).message,
            /s3-transfer:publishers\[0\]\.stack: is set[\s\S]*pulumi config rm --path 's3-transfer:publishers\[0\]\.stack'/,
        );
    });

    it("exits 2 naming the file, line or option on bad input, without a stack trace", async () => {
        const good = tmp("partner-good.yaml", partnerWithoutReference());
        const cases: [string[], RegExp][] = [
            [["--config", tmp("dup.yaml", "config:\n  s3-transfer:name: cdlx\n  s3-transfer:name: other\n")], /dup\.yaml:3: s3-transfer:name: is set twice in the same mapping/],
            [["--config", tmp("syntax.yaml", "config:\n  s3-transfer:name: [cdlx\n")], /syntax\.yaml:\d+: /],
            [["--config", path.join(dir, "missing.yaml")], /missing\.yaml: --stack: the stack file \S*missing\.yaml does not exist/],
            [
                ["--config", tmp("secret.yaml", `${partnerWithoutReference()}  s3-transfer:token:\n    secure: AAABAx\n`)],
                /secret\.yaml:\d+: s3-transfer:token: is an encrypted secret/,
            ],
            [["--config", good, "--file", path.join(dir, "missing.json")], /missing\.json: does not exist\n\s+fix: check the path given to --file/],
            [["--config", good, "--file", tmp("not.json", "{ nope")], /not\.json: is not JSON/],
            [["--config", good, "--fingerprint", "1234"], /--fingerprint: must be the 64 hex digits/],
            [["--config", good, "--bogus"], /Unknown option '--bogus'/],
        ];
        for (const [args, expected] of cases) {
            const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
            if (args.includes("--bogus")) continue;
            const err = refused(() =>
                accept({ configFile: option("--config", good), handoverFile: option("--file", handoverFile), fingerprint: option("--fingerprint", fingerprint) }),
            );
            assert.match(err.message, expected, args.join(" "));
        }
        // The CLI turns every refusal into exit 2 on standard error: one case of each kind of input.
        for (const [args, expected] of [cases[0], cases[5], cases[7]]) {
            const result = await runAccept([...args, ...(args.includes("--file") ? [] : ["--file", handoverFile]), "--fingerprint", fingerprint]);
            assert.strictEqual(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
            assert.match(result.stderr, expected);
            assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
        }
        const missing = await runAccept(["--config", good, "--file", handoverFile]);
        assert.strictEqual(missing.status, 2);
        assert.match(missing.stderr, /missing --fingerprint/);
    });
});
