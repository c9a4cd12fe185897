/** The helper every component test builds with: a test never passes on a value the mocks invented, and runs do not mix. */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildAlone, outputsRegisteredBy, treeOf } from "../../helpers/components";

class Probe extends pulumi.ComponentResource {
    constructor(name: string, child: (parent: pulumi.Resource) => void) {
        super("test:index:Probe", name, {}, {});
        child(this);
        this.registerOutputs({ probed: name });
    }
}

describe("building a component alone", () => {
    it("fails on a resource type the mocks do not know", async () => {
        await assert.rejects(
            buildAlone(() => new Probe("p", (parent) => new aws.sqs.Queue("q", {}, { parent }))),
            /the offline plan does not mock resource type aws:sqs\/queue:Queue \(q\)/,
        );
    });

    it("fails on a function call the mocks do not know, saying which", async () => {
        // The SDK rethrows a mock's error as `new Error(err.details)` (runtime/invoke.js): the mocks set details.
        await assert.rejects(
            buildAlone(
                () =>
                    new Probe("p", () => {
                        aws.getCallerIdentityOutput();
                    }),
            ),
            /does not mock the function aws:index\/getCallerIdentity:getCallerIdentity/,
        );
    });

    it("records only its own run: the component, its children and what it registered", async () => {
        await buildAlone(() => new Probe("first", (parent) => new aws.s3.Bucket("first", { bucket: "first-bucket" }, { parent })));
        const second = await buildAlone(() => new Probe("second", (parent) => new aws.s3.Bucket("second", { bucket: "second-bucket" }, { parent })));
        assert.deepStrictEqual(treeOf(second), ["aws:s3/bucket:Bucket second < test:index:Probe second", "test:index:Probe second"]);
        assert.deepStrictEqual(outputsRegisteredBy(second), { probed: "second" });
    });
});
