/**
 * One rule set for a counterpart's endpoints whichever way they arrive: the
 * same bad endpoints of acme-bank (prod), written in partner-prod's config, read
 * from prod's stack outputs, or accepted from prod's hand-over file, are refused
 * by the same rules of `endpointProblems`, in the same words, each path naming
 * its own location (a config key, the stack reference, a pointer in the file).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigProblem, isConfigError } from "../../../infra/config/errors";
import { Encryption, parseSideConfig } from "../../../infra/config/schema";
import { endpointProblems, EndpointRule } from "../../../infra/contract/endpoints";
import { LinkOutputs } from "../../../infra/contract/outputs";
import { HandoverDocument } from "../../../infra/handoff/document";
import { fingerprintOf } from "../../../infra/handoff/fingerprint";
import { acceptHandover, HandoverRefused } from "../../../tools/handoff/accept";
import { readStackConfig } from "../../../tools/plan/project";
import { Plan } from "../../../tools/plan/engine";
import { fixtureFile, plan, planUncached } from "../../helpers/plans";

const PARTNER_FILE = fixtureFile("partner-prod");
const PROD_REF = "organization/s3-transfer/prod";

/** What acme-bank hands cdlx, whichever way it travels. */
interface Endpoints {
    accountId: string;
    region: string;
    ingressBucketArn: string;
    replicationRoleArn: string;
    ingressKmsKeyArn?: string;
}

/** Each case changes one value of prod's real endpoints, and names the rules it breaks, in order. */
const CASES: [string, Partial<Endpoints>, EndpointRule[]][] = [
    // The role's ARN still names acme-bank's account, so it no longer belongs to the counterpart's.
    ["cdlx's own account", { accountId: "444455556666" }, ["own-account", "owner"]],
    ["a region of another partition", { region: "cn-north-1" }, ["partition"]],
    ["an ingress bucket of another partition", { ingressBucketArn: "arn:aws-cn:s3:::acme-bank-prod-cdlx-ingress" }, ["partition"]],
    ["a role of another partition", { replicationRoleArn: "arn:aws-us-gov:iam::111122223333:role/acme-bank-to-cdlx-replication" }, ["partition"]],
    ["a role of another account", { replicationRoleArn: "arn:aws:iam::999999999999:role/acme-bank-to-cdlx-replication" }, ["owner"]],
    // cdlx is SSE-S3: a key says the other side is SSE-KMS.
    ["an ingress key towards an SSE-S3 side", { ingressKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0f6c2a1e-7b3d-4c8e-9a51-2d4e6f8a0b1c" }, ["encryption"]],
];

describe("one rule set for a counterpart's endpoints, whichever way they arrive", () => {
    let dir: string;
    let prod: Plan;
    let real: Endpoints;
    let handover: HandoverDocument;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "endpoint-paths-"));
        prod = await plan("prod");
        const link = (prod.outputs.links as Record<string, LinkOutputs>).cdlx;
        real = { accountId: prod.outputs.accountId as string, region: link.region, ingressBucketArn: link.ingressBucketArn, replicationRoleArn: link.replicationRoleArn };
        handover = (prod.outputs.handovers as Record<string, HandoverDocument>).cdlx;
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** partner-prod's stack file, with its own encryption, and without its reference to prod when `reference` is false. */
    function partnerFile(encryption: Encryption, reference: boolean): string {
        const text = fs.readFileSync(PARTNER_FILE, "utf8");
        const reduced = reference ? text : text.replace(/^ +stack: (?:organization\/s3-transfer\/)?prod\n/m, "");
        if (!reference) assert.notStrictEqual(reduced, text, "Pulumi.partner-prod.yaml no longer references prod as this test expects");
        const file = path.join(dir, `partner-prod-${encryption}-${reference}.yaml`);
        fs.writeFileSync(file, reduced.replace("config:\n", `config:\n  s3-transfer:encryption: ${encryption}\n`));
        return file;
    }

    /** partner-prod's config with acme-bank's endpoints written in its entry instead of the stack reference. */
    function viaConfig(endpoints: Endpoints, encryption: Encryption = "SSE-S3"): ConfigProblem[] {
        const raw = {
            ...readStackConfig(partnerFile(encryption, true)),
            "s3-transfer:publishers": JSON.stringify([{ name: "acme-bank", root: "acme-bank", ...endpoints }]),
        };
        try {
            parseSideConfig(raw, "partner-prod");
            return [];
        } catch (err) {
            assert.ok(isConfigError(err), String(err));
            return err.problems;
        }
    }

    /** partner-prod planned against prod's stack outputs carrying the endpoints. */
    async function viaStackOutputs(endpoints: Endpoints, encryption: Encryption = "SSE-S3"): Promise<ConfigProblem[]> {
        const { accountId, ...link } = endpoints;
        const links = prod.outputs.links as Record<string, LinkOutputs>;
        const outputs = { ...prod.outputs, accountId, links: { ...links, cdlx: { ...links.cdlx, ...link } } };
        try {
            await planUncached({ stack: "partner-prod", configFile: partnerFile(encryption, true), stackOutputs: { [PROD_REF]: outputs } });
            return [];
        } catch (err) {
            assert.ok(isConfigError(err), String(err));
            return err.problems;
        }
    }

    /** prod's hand-over file for cdlx carrying the endpoints, accepted into partner-prod without its stack reference. */
    function viaHandoverFile(endpoints: Endpoints, encryption: Encryption = "SSE-S3"): { key: string; problem: string }[] {
        const { accountId, region, ...link } = endpoints;
        const document = {
            ...handover,
            from: { ...handover.from, accountId, region },
            link: { ...handover.link, ...link, ...(link.ingressKmsKeyArn ? { encryption: "SSE-KMS" as const } : {}) },
        };
        const handoverFile = path.join(dir, "prod-cdlx.json");
        fs.writeFileSync(handoverFile, JSON.stringify(document));
        const configFile = partnerFile(encryption, false);
        try {
            acceptHandover({ configFile, stack: "partner-prod", handoverFile, fingerprint: fingerprintOf(document), write: false, confirmChange: false });
            return [];
        } catch (err) {
            assert.ok(err instanceof HandoverRefused, String(err));
            return err.problems;
        }
    }

    it("prod's real endpoints pass every way", async () => {
        assert.deepStrictEqual(viaConfig(real), []);
        assert.deepStrictEqual(await viaStackOutputs(real), []);
        assert.deepStrictEqual(viaHandoverFile(real), []);
    });

    for (const [what, change, rules] of CASES) {
        it(`${what}: refused by the same rules in the same words in config, through the stack reference and in a hand-over file`, async () => {
            const endpoints = { ...real, ...change };
            const expected = endpointProblems(
                { ...endpoints, ...(endpoints.ingressKmsKeyArn ? { encryption: "SSE-KMS" as const } : {}) },
                { accountId: "444455556666", partition: "aws", encryption: "SSE-S3" },
            );
            assert.deepStrictEqual(
                expected.map((p) => p.rule),
                rules,
            );
            const paths: [string, { key: string; problem: string }[], (field: string) => string][] = [
                ["config", viaConfig(endpoints), (field) => `s3-transfer:publishers[0].${field === "encryption" ? "ingressKmsKeyArn" : field}`],
                ["stack outputs", await viaStackOutputs(endpoints), () => "s3-transfer:publishers[0].stack"],
                ["hand-over file", viaHandoverFile(endpoints), (field) => `#/${field === "accountId" || field === "region" ? "from" : "link"}/${field}`],
            ];
            for (const [way, found, location] of paths) {
                assert.strictEqual(found.length, expected.length, `${way}: ${JSON.stringify(found)}`);
                expected.forEach(({ field, problem }, i) => {
                    assert.ok(found[i].key.endsWith(location(field)), `${way}: ${found[i].key} is not at ${location(field)}`);
                    assert.ok(found[i].problem.includes(problem), `${way}: "${found[i].problem}" does not say "${problem}"`);
                });
            }
        });
    }

    it("an ingress bucket without its key, towards an SSE-KMS side, is refused every way: config cannot tell the encryption (missing-key), prod's stack and file say SSE-S3 (encryption)", async () => {
        const own = { accountId: "444455556666", partition: "aws", encryption: "SSE-KMS" as const };
        const [missing] = endpointProblems(real, own);
        const [mismatch] = endpointProblems({ ...real, encryption: "SSE-S3" }, own);
        assert.deepStrictEqual([missing.rule, mismatch.rule], ["missing-key", "encryption"]);
        const config = viaConfig(real, "SSE-KMS");
        assert.deepStrictEqual(
            config.map((p) => [p.key, p.problem]),
            [["s3-transfer:publishers[0].ingressKmsKeyArn", missing.problem]],
        );
        const stack = await viaStackOutputs(real, "SSE-KMS");
        assert.strictEqual(stack.length, 1, JSON.stringify(stack));
        assert.ok(stack[0].problem.endsWith(`(the encryption of its ingress bucket): ${mismatch.problem}`), stack[0].problem);
        const file = viaHandoverFile(real, "SSE-KMS");
        assert.strictEqual(file.length, 1, JSON.stringify(file));
        assert.ok(file[0].key.endsWith("#/link/encryption") && file[0].problem.startsWith(mismatch.problem), JSON.stringify(file));
    });
});
