/** A referenced stack's outputs go through the contract and the endpoint rules: a problem names that stack, its output, and a fix in its own file. */
import * as assert from "assert";
import { ConfigError, isConfigError } from "../../../infra/config/errors";
import { FIXTURE_STACKS, plan, planUncached } from "../../helpers/plans";

const PARTNER = "organization/s3-transfer/partner-prod";

async function refusal(mutate: (outputs: Record<string, any>) => void): Promise<ConfigError> {
    const outputs = JSON.parse(JSON.stringify((await plan("partner-prod")).outputs));
    mutate(outputs);
    // As `pulumi up` runs the program in the project's folder, where the stacks' files are.
    const cwd = process.cwd();
    process.chdir(FIXTURE_STACKS);
    try {
        await planUncached({ stack: "prod", stackOutputs: { [PARTNER]: outputs } });
    } catch (err) {
        if (isConfigError(err)) return err;
        throw err;
    } finally {
        process.chdir(cwd);
    }
    return assert.fail("the plan was expected to be refused");
}

describe("referenced stack outputs", () => {
    it("a malformed output is named by its path in that stack, and the fix changes that stack's Pulumi.<stack>.yaml", async () => {
        const err = await refusal((o) => {
            o.links["acme-bank"].region = 42;
        });
        assert.strictEqual(err.problems.length, 1);
        assert.strictEqual(err.problems[0].key, "s3-transfer:partners[0].stack");
        assert.strictEqual(err.problems[0].problem, `stack ${PARTNER}, output links.acme-bank.region: must be a string, got 42`);
        assert.strictEqual(err.problems[0].fix, `correct it in Pulumi.partner-prod.yaml and run \`pulumi up\` on ${PARTNER}`);
    });

    it("a missing output says so", async () => {
        const err = await refusal((o) => {
            delete o.links["acme-bank"].replicationRoleArn;
        });
        assert.strictEqual(err.problems[0].problem, `stack ${PARTNER}, output links.acme-bank.replicationRoleArn: is missing`);
    });

    it("the rules of a hand-over apply: a key of another account than the stack's is refused, as in a hand-over file", async () => {
        const err = await refusal((o) => {
            o.links["acme-bank"].ingressKmsKeyArn = "arn:aws:kms:us-east-1:999999999999:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
        });
        assert.match(
            err.problems.map((p) => p.problem).join("\n"),
            /output links\.acme-bank\.ingressKmsKeyArn: belongs to account 999999999999, not to the counterpart's account 444455556666/,
        );
    });

    it("an SSE-KMS counterpart of an SSE-S3 link is refused, with the fix on this link's own entry first, then in the counterpart's file", async () => {
        const err = await refusal((o) => {
            o.links["acme-bank"].ingressKmsKeyArn = "arn:aws:kms:us-east-1:444455556666:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
        });
        assert.match(err.problems[0].problem, /the encryption of its ingress bucket\): is SSE-KMS, but this link uses SSE-S3/);
        assert.match(
            err.problems[0].fix,
            /^agree on one encryption for this link: pulumi config set --path 's3-transfer:partners\[0\]\.encryption' SSE-KMS here \(this link alone\)/,
        );
        assert.match(err.problems[0].fix, /or make their link to acme-bank SSE-S3 in Pulumi\.partner-prod\.yaml/);
    });
});
