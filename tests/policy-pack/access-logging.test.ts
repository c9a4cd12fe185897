import * as assert from "assert";
import { evaluateResources } from "../../policy-pack/offline";
import { accessLogging } from "../../policy-pack/policies/access-logging";
import {
    bucketWithSettings,
    CENTRAL_LOG_BUCKET,
    compliantStack,
    doc,
    find,
    legacyStack,
    logBucketStack,
    logDeliveryStatement,
    logsPolicy,
    res,
    T,
    U,
    unknownEverywhere,
    urn,
    URN,
    v2InlineStack,
    v6SplitStack,
    without,
    withoutLogDeliveryGrant,
    withPolicy,
} from "./fixtures";
import { assertAllCompliant, forPolicy, outcomesOn } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(accessLogging);

/** The compliant stack and a bucket "pub-logs" that receives the logs of buckets outside the stack (its policy admits the logging service). */
function withForeignLogBucket() {
    return withPolicy("logs-policy", logsPolicy(logDeliveryStatement("pub-logs", ["other-stack-data"])), [...compliantStack(), ...bucketWithSettings("pub-logs", "logs")]);
}

describe("s3-transfer-access-logging", () => {
    describe("compliant", () => {
        itIsCompliantIn([
            ["split BucketLogging (v7)", compliantStack],
            ["split BucketLoggingV2 (v6)", v6SplitStack],
            ["legacy inline loggings list on aws:s3/bucket:Bucket (v5/v6)", legacyStack],
            ["inline loggings list on BucketV2", v2InlineStack],
            ["into a log bucket of its own, which is exempt", logBucketStack],
        ] as const);

        it("inline logging object on the v7 aws:s3/bucket:Bucket", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.loggings;
            find(stack, "egress").inputs.logging = { targetBucket: CENTRAL_LOG_BUCKET, targetPrefix: "pub-egress/" };
            compliant(stack);
        });

        it("the log target is exempt, found by name, and by propertyDependencies when its name is unknown", () => {
            const byName = withoutLogDeliveryGrant();
            for (const l of ["egress-logging", "ingress-logging"]) find(byName, l).propertyDependencies = { bucket: find(byName, l).propertyDependencies?.bucket ?? [] };
            assert.deepStrictEqual(outcomesOn(decide(byName), URN.logs), ["not-applicable"]);
            const byUrn = withoutLogDeliveryGrant();
            for (const l of ["egress-logging", "ingress-logging"]) find(byUrn, l).inputs.targetBucket = U;
            find(byUrn, "logs").inputs.bucket = U;
            const ds = decide(byUrn);
            assertAllCompliant(ds);
            assert.match(ds.find((d) => d.urn === URN.logs)?.message ?? "", /log target of bucket "pub-egress" and 1 more/);
        });

        it("a log target found by its ARN", () => {
            const stack = withoutLogDeliveryGrant();
            find(stack, "egress-logging").inputs.targetBucket = "arn:aws:s3:::pub-logs";
            find(stack, "ingress-logging").inputs.targetBucket = CENTRAL_LOG_BUCKET;
            for (const l of ["egress-logging", "ingress-logging"]) find(stack, l).propertyDependencies = {};
            assert.deepStrictEqual(outcomesOn(decide(stack), URN.logs), ["not-applicable"]);
        });

        it("a bucket whose policy admits the logging service is a log bucket for buckets elsewhere", () => {
            const ds = decide(withForeignLogBucket());
            assertAllCompliant(ds);
            assert.deepStrictEqual(outcomesOn(ds, URN.logs), ["not-applicable"]);
        });

        it("so is a legacy bucket with the log-delivery-write ACL", () => {
            const stack = [...compliantStack(), res(T.bucket, "logs", { bucket: "pub-logs", acl: "log-delivery-write" })];
            assert.deepStrictEqual(outcomesOn(decide(stack), URN.logs), ["not-applicable"]);
        });

        it("a bucket matched by exemptBuckets", () => {
            const stack = [...compliantStack(), ...bucketWithSettings("pub-static-site", "static")];
            violation(stack, urn(T.bucket, "static"), 'Bucket "pub-static-site"');
            assert.deepStrictEqual(outcomesOn(decide(stack, { exemptBuckets: ["pub-static-*"] }), urn(T.bucket, "static")), ["not-applicable"]);
        });
    });

    describe("violations", () => {
        it("v7: a data bucket without BucketLogging", () =>
            violation(without(compliantStack(), "egress-logging"), URN.egress, 'Bucket "pub-egress"', "no server access logging", "aws.s3.BucketLogging"));

        it("v6: a data bucket without BucketLoggingV2", () => violation(without(v6SplitStack(), "egress-logging"), urn(T.bucketV2, "egress"), 'Bucket "pub-egress"'));

        it("legacy aws:s3/bucket:Bucket without inline logging", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.loggings;
            violation(stack, URN.egress, "pub-egress");
        });

        it("BucketV2 with an empty loggings list", () => {
            const stack = v2InlineStack();
            find(stack, "egress").inputs.loggings = [];
            violation(stack, urn(T.bucketV2, "egress"), "pub-egress");
        });

        it("a data bucket is not exempt because another bucket is a log target", () => violation(without(logBucketStack(), "egress-logging"), URN.egress, "pub-egress"));

        for (const target of ["pub-egress", "arn:aws:s3:::pub-egress"]) {
            it(`a BucketLogging into its own bucket (${target})`, () => {
                const stack = compliantStack();
                find(stack, "egress-logging").inputs.targetBucket = target;
                violation(stack, URN.egressLogging, 'Bucket "pub-egress"', "into itself", "separate log bucket");
            });
        }

        it("an inline logging block into its own bucket", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.loggings = [{ targetBucket: "pub-egress", targetPrefix: "logs/" }];
            violation(stack, URN.egress, "into itself");
        });

        it("a log bucket that logs into itself is not exempt", () => {
            const stack = logBucketStack();
            stack.push(res(T.logging, "logs-logging", { bucket: "pub-logs", targetBucket: "pub-logs", targetPrefix: "self/" }));
            violation(stack, urn(T.logging, "logs-logging"), 'Bucket "pub-logs"', "into itself");
        });

        it("a BucketLogging of a bucket outside the stack into itself", () => {
            const stack = compliantStack();
            stack.push(res(T.loggingV2, "theirs", { bucket: "someone-elses", targetBucket: "someone-elses", targetPrefix: "x/" }));
            violation(stack, urn(T.loggingV2, "theirs"), 'Bucket "someone-elses"', "into itself");
        });

        it("is reported at advisory level by default, and at mandatory when configured so", () => {
            const stack = without(compliantStack(), "egress-logging");
            assert.deepStrictEqual(
                reported(stack).map((v) => [v.enforcementLevel, v.urn]),
                [["advisory", URN.egress]],
            );
            assert.deepStrictEqual(
                reported(stack, { enforcementLevel: "mandatory" }).map((v) => [v.enforcementLevel, v.urn]),
                [["mandatory", URN.egress]],
            );
            const viaPackConfig = evaluateResources(stack, { config: { "s3-transfer-access-logging": "mandatory" } }).filter((v) => v.policy === "s3-transfer-access-logging");
            assert.deepStrictEqual(
                viaPackConfig.map((v) => v.enforcementLevel),
                ["mandatory"],
            );
        });
    });

    describe("unknown values", () => {
        it("a targetBucket unknown until apply still means the bucket is logged", () => {
            const stack = compliantStack();
            find(stack, "egress-logging").inputs.targetBucket = U;
            compliant(stack);
        });

        it("a BucketLogging's bucket unknown, correlated through propertyDependencies", () => {
            const stack = compliantStack();
            find(stack, "egress-logging").inputs.bucket = U;
            compliant(stack);
        });

        it("a BucketLogging whose bucket cannot be correlated may be the missing one", () => {
            const stack = compliantStack();
            const l = find(stack, "egress-logging");
            l.inputs.bucket = U;
            l.propertyDependencies = {};
            l.dependencies = [URN.egress, urn(T.bucket, "ingress")];
            undecided(stack, URN.egress);
        });

        it("a bucket without logging may be the target of a BucketLogging whose targetBucket is unknown and untraceable", () => {
            const stack = withoutLogDeliveryGrant();
            for (const l of ["egress-logging", "ingress-logging"]) {
                find(stack, l).inputs.targetBucket = U;
                find(stack, l).propertyDependencies = { bucket: find(stack, l).propertyDependencies?.bucket ?? [] };
            }
            undecided(stack, URN.logs);
        });

        it("a target known only to derive from the logged bucket itself may be that bucket", () => {
            const stack = compliantStack();
            const l = find(stack, "egress-logging");
            l.inputs.targetBucket = U;
            l.propertyDependencies = { ...l.propertyDependencies, targetBucket: [URN.egress] };
            undecided(stack, URN.egress);
        });

        it("an inline logging output unknown during preview, with no BucketLogging", () => {
            const stack = without(compliantStack(), "egress-logging");
            find(stack, "egress").inputs.logging = U;
            undecided(stack, URN.egress);
        });

        it("a bucket whose unknown policy may make it a log bucket", () => {
            const stack = withPolicy("logs-policy", U, withForeignLogBucket());
            undecided(stack, URN.logs);
        });

        it("a BucketPolicy whose bucket is unknown and that admits the logging service may make an unlogged bucket a log bucket", () => {
            const stack = without(compliantStack(), "egress-logging");
            stack.push(res(T.policy, "floating-policy", { bucket: U, policy: doc(logDeliveryStatement("pub-logs", ["pub-ingress"])) }));
            undecided(stack, URN.egress);
        });

        it("a first preview with every string unknown: no violation", () => {
            for (const build of [compliantStack, logBucketStack, legacyStack, v2InlineStack, v6SplitStack]) {
                const ds = decide(unknownEverywhere(build()));
                assert.deepStrictEqual(
                    ds.filter((d) => d.outcome === "violation"),
                    [],
                    build.name,
                );
            }
        });
    });
});
