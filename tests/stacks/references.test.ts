/**
 * Stack references as the engine resolves them, and the offline plan's mocks
 * behaving the same way, so that a first deploy that would fail fails here.
 *
 * pulumi/pulumi, pkg/backend/backend.go, backendClient.GetStackOutputs
 * (https://github.com/pulumi/pulumi/blob/master/pkg/backend/backend.go):
 * `if s == nil { return nil, errors.Errorf("unknown stack %q", name) }`, and a
 * stack without a root resource (created, never deployed) returns
 * `resource.PropertyMap{}`. The builtin provider's readStackReference
 * (pkg/resource/deploy/builtins.go) returns that error, which fails the update.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { isConfigError } from "../../infra/config/errors";
import { unknownStackError } from "../../tools/plan/mocks";
import { ALL_STACKS, fixtureFile, linksOf, ofType, planUncached, T } from "../helpers/plans";

const ROOT = path.join(__dirname, "..", "..");

describe("stack references, as the engine resolves them", () => {
    it("a reference to a stack that was never created fails the plan with the engine's `unknown stack` error", async () => {
        await assert.rejects(
            planUncached({ stack: "prod", stackOutputs: {} }),
            (err: unknown) => err instanceof Error && err.message.includes(unknownStackError("organization/s3-transfer/partner-prod").message),
        );
        assert.strictEqual(unknownStackError("o/p/s").message, 'unknown stack "o/p/s"');
    });

    it("a stack created with `pulumi stack init` and never deployed reads as empty outputs: the link waits and says what to run", async () => {
        const p = await planUncached({ stack: "prod", stackOutputs: { "organization/s3-transfer/partner-prod": {} } });
        assert.deepStrictEqual(p.stackReferences, [{ name: "organization/s3-transfer/partner-prod", resolved: false }]);
        assert.strictEqual(ofType(p, T.replication).length, 0);
        assert.strictEqual(linksOf(p).cdlx.replication, "pending");
        assert.match(p.warnings.join("\n"), /exists but has no outputs yet \(never deployed\): run `pulumi up` on organization\/s3-transfer\/partner-prod/);
    });

    it("a reference the plan cannot know to exist is a config error naming the key, its line and both ways out", async () => {
        const file = path.join(ROOT, "stacks", "examples", "handover.yaml");
        const text = fs.readFileSync(file, "utf8").replace(/    - name: marketco\n      accountId: "555566667777"\n/, "    - name: marketco\n      stack: partner-staging\n");
        const variant = path.join(fs.mkdtempSync(path.join(require("os").tmpdir(), "refs-")), "handover.yaml");
        fs.writeFileSync(variant, text);
        await assert.rejects(planUncached({ stack: "handover", configFile: variant }), (err: unknown) => {
            assert.ok(isConfigError(err), String(err));
            const [problem] = err.problems;
            assert.strictEqual(problem.key, "s3-transfer:partners[1].stack");
            assert.strictEqual(problem.file, variant);
            assert.strictEqual(problem.line, text.split("\n").findIndex((l) => l.includes("stack: partner-staging")) + 1);
            assert.match(problem.problem, /`pulumi up` fails with `unknown stack "organization\/s3-transfer\/partner-staging"`/);
            assert.match(problem.fix, /pulumi stack init organization\/s3-transfer\/partner-staging --secrets-provider/);
            assert.match(problem.fix, /hand-over fields/);
            return true;
        });
    });

    it("a bare stack name is qualified with the backend's organization, never a literal", async () => {
        const p = await planUncached({ stack: "prod", organization: "acme-corp", referenceDepth: 0 });
        assert.deepStrictEqual(
            p.stackReferences.map((r) => r.name),
            ["acme-corp/s3-transfer/partner-prod"],
        );
    });

    for (const stack of ALL_STACKS) {
        it(`Pulumi.${stack}.yaml names its counterpart's stack without a hard-coded organization`, () => {
            const text = fs.readFileSync(fixtureFile(stack), "utf8");
            assert.doesNotMatch(text, /stack:\s*\S+\/\S+/);
            assert.match(text, /stack:\s*[a-z-]+\s*$/m);
        });
    }
});
