/** The stack-output contract: every stack and example exports outputs that parse with it, and a departure is named by its output. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { describeOutputProblems, LinkOutputsSchema, parseOutputs, PEER_OUTPUTS, StackOutputsSchema } from "../../../infra/contract/outputs";
import { Plan } from "../../../tools/plan/engine";
import { ALL_STACKS, plan } from "../../helpers/plans";

const EXAMPLES = path.join(__dirname, "..", "..", "..", "stacks", "examples");
const EXAMPLE_NAMES = fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""));

function parsedOrFail(p: Plan) {
    const parsed = parseOutputs(StackOutputsSchema, p.outputs);
    if (parsed.problems) assert.fail(describeOutputProblems(`stack ${p.stack}`, parsed));
    return parsed.outputs;
}

describe("stack-output contract", () => {
    describe("every stack and example exports exactly what the contract describes", () => {
        for (const stack of ALL_STACKS) {
            it(`stack ${stack}`, async () => {
                const p = await plan(stack);
                const outputs = parsedOrFail(p);
                // Nothing is exported that the contract does not describe: each output has one description.
                assert.deepStrictEqual(
                    Object.keys(p.outputs).sort(),
                    Object.keys(StackOutputsSchema.shape)
                        .filter((k) => k in p.outputs)
                        .sort(),
                );
                assert.deepStrictEqual(Object.keys(outputs).sort(), Object.keys(StackOutputsSchema.shape).sort());
            });
        }
        for (const name of EXAMPLE_NAMES) {
            it(`example ${name}`, async () => {
                const p = await plan({ stack: name, configFile: path.join(EXAMPLES, `${name}.yaml`) });
                parsedOrFail(p);
                for (const [counterpart, link] of Object.entries(p.outputs.links as Record<string, object>)) {
                    assert.deepStrictEqual(
                        Object.keys(link).filter((k) => !(k in LinkOutputsSchema.shape)),
                        [],
                        `links.${counterpart} exports a field the contract does not describe`,
                    );
                }
            });
        }
    });

    it("the outputs a counterpart's stack reads are part of the contract", () => {
        for (const name of PEER_OUTPUTS) assert.ok(name in StackOutputsSchema.shape, name);
    });

    it("names the output and the problem in the project's voice, never the validator's", async () => {
        const outputs = JSON.parse(JSON.stringify((await plan("prod")).outputs));
        outputs.accountId = 12345;
        delete outputs.links.cdlx.egressBucketArn;
        outputs.links.cdlx.region = "Mars";
        const parsed = parseOutputs(StackOutputsSchema, outputs);
        assert.ok(parsed.problems);
        assert.deepStrictEqual(parsed.problems, [
            { output: "accountId", problem: "must be a string, got 12345" },
            { output: "links.cdlx.region", problem: 'must be an AWS region such as us-east-1, got "Mars"' },
            { output: "links.cdlx.egressBucketArn", problem: "is missing" },
        ]);
        assert.doesNotMatch(describeOutputProblems("--outputs o.json", parsed), /Invalid input|expected/);
    });

    it("tells a never-deployed stack (no outputs) from a wrong one", () => {
        const parsed = parseOutputs(StackOutputsSchema, {});
        assert.ok(parsed.problems && parsed.empty);
        assert.strictEqual(describeOutputProblems("--stack prod", parsed), "--stack prod: the stack has no outputs; has it been deployed (`pulumi up`)?");
    });
});
