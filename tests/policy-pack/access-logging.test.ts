import * as assert from "assert";
import { evaluateResources } from "../../policy-pack/offline";
import { accessLogging } from "../../policy-pack/policies/access-logging";
import {
    assertAllCompliant,
    assertOneViolation,
    assertUndecided,
    bucketWithSettings,
    CENTRAL_LOG_BUCKET,
    compliantStack,
    decide,
    doc,
    find,
    httpsStatement,
    legacyStack,
    logBucketStack,
    logDeliveryStatement,
    reported,
    res,
    T,
    tlsStatement,
    U,
    unknownEverywhere,
    urn,
    v2InlineStack,
    v6SplitStack,
    without,
} from "./fixtures";

const EGRESS_URN = urn(T.bucket, "egress");
const LOGS_URN = urn(T.bucket, "logs");
const EGRESS_LOGGING_URN = urn(T.logging, "egress-logging");

const outcomeOn = (decisions: ReturnType<typeof decide>, onUrn: string) => decisions.filter((d) => d.urn === onUrn).map((d) => d.outcome);

/** Only the BucketLoggings then mark pub-logs as a log bucket: its policy no longer admits the logging service. */
function withoutGrant(stack: ReturnType<typeof logBucketStack>) {
    find(stack, "logs-policy").inputs.policy = doc(httpsStatement("pub-logs"), tlsStatement("pub-logs"));
    return stack;
}

/** The compliant stack and a bucket "pub-logs" that receives the logs of buckets outside the stack (its policy admits the logging service). */
function withForeignLogBucket() {
    const stack = [...compliantStack(), ...bucketWithSettings("pub-logs", "logs")];
    find(stack, "logs-policy").inputs.policy = doc(httpsStatement("pub-logs"), tlsStatement("pub-logs"), logDeliveryStatement("pub-logs", ["other-stack-data"]));
    return stack;
}

describe("s3-transfer-access-logging", () => {
    describe("compliant", () => {
        for (const [name, build] of [
            ["split BucketLogging (v7)", compliantStack],
            ["split BucketLoggingV2 (v6)", v6SplitStack],
            ["legacy inline loggings list on aws:s3/bucket:Bucket (v5/v6)", legacyStack],
            ["inline loggings list on BucketV2", v2InlineStack],
            ["into a log bucket of its own, which is exempt", logBucketStack],
        ] as const) {
            it(name, () => assertAllCompliant(decide(accessLogging, build())));
        }

        it("inline logging object on the v7 aws:s3/bucket:Bucket", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.loggings;
            find(stack, "egress").inputs.logging = { targetBucket: CENTRAL_LOG_BUCKET, targetPrefix: "pub-egress/" };
            assertAllCompliant(decide(accessLogging, stack));
        });

        it("the log target is exempt, found by name, and by propertyDependencies when its name is unknown", () => {
            const byName = withoutGrant(logBucketStack());
            for (const l of ["egress-logging", "ingress-logging"]) find(byName, l).propertyDependencies = { bucket: find(byName, l).propertyDependencies?.bucket ?? [] };
            assert.deepStrictEqual(outcomeOn(decide(accessLogging, byName), LOGS_URN), ["not-applicable"]);
            const byUrn = withoutGrant(logBucketStack());
            for (const l of ["egress-logging", "ingress-logging"]) find(byUrn, l).inputs.targetBucket = U;
            find(byUrn, "logs").inputs.bucket = U;
            const ds = decide(accessLogging, byUrn);
            assertAllCompliant(ds);
            assert.match(ds.find((d) => d.urn === LOGS_URN)?.message ?? "", /log target of bucket "pub-egress" and 1 more/);
        });

        it("a log target found by its ARN", () => {
            const stack = withoutGrant(logBucketStack());
            find(stack, "egress-logging").inputs.targetBucket = "arn:aws:s3:::pub-logs";
            find(stack, "ingress-logging").inputs.targetBucket = CENTRAL_LOG_BUCKET;
            for (const l of ["egress-logging", "ingress-logging"]) find(stack, l).propertyDependencies = {};
            assert.deepStrictEqual(outcomeOn(decide(accessLogging, stack), LOGS_URN), ["not-applicable"]);
        });

        it("a bucket whose policy admits the logging service is a log bucket for buckets elsewhere", () => {
            const ds = decide(accessLogging, withForeignLogBucket());
            assertAllCompliant(ds);
            assert.deepStrictEqual(outcomeOn(ds, LOGS_URN), ["not-applicable"]);
        });

        it("so is a legacy bucket with the log-delivery-write ACL", () => {
            const stack = [...compliantStack(), res(T.bucket, "logs", { bucket: "pub-logs", acl: "log-delivery-write" })];
            assert.deepStrictEqual(outcomeOn(decide(accessLogging, stack), LOGS_URN), ["not-applicable"]);
        });

        it("a bucket matched by exemptBuckets", () => {
            const stack = [...compliantStack(), ...bucketWithSettings("pub-static-site", "static")];
            assertOneViolation(decide(accessLogging, stack), urn(T.bucket, "static"), 'Bucket "pub-static-site"');
            assert.deepStrictEqual(outcomeOn(decide(accessLogging, stack, { exemptBuckets: ["pub-static-*"] }), urn(T.bucket, "static")), ["not-applicable"]);
        });
    });

    describe("violations", () => {
        it("v7: a data bucket without BucketLogging", () =>
            assertOneViolation(
                decide(accessLogging, without(compliantStack(), "egress-logging")),
                EGRESS_URN,
                'Bucket "pub-egress"',
                "no server access logging",
                "aws.s3.BucketLogging",
            ));

        it("v6: a data bucket without BucketLoggingV2", () =>
            assertOneViolation(decide(accessLogging, without(v6SplitStack(), "egress-logging")), urn(T.bucketV2, "egress"), 'Bucket "pub-egress"'));

        it("legacy aws:s3/bucket:Bucket without inline logging", () => {
            const stack = legacyStack();
            delete find(stack, "egress").inputs.loggings;
            assertOneViolation(decide(accessLogging, stack), EGRESS_URN, "pub-egress");
        });

        it("BucketV2 with an empty loggings list", () => {
            const stack = v2InlineStack();
            find(stack, "egress").inputs.loggings = [];
            assertOneViolation(decide(accessLogging, stack), urn(T.bucketV2, "egress"), "pub-egress");
        });

        it("a data bucket is not exempt because another bucket is a log target", () =>
            assertOneViolation(decide(accessLogging, without(logBucketStack(), "egress-logging")), EGRESS_URN, "pub-egress"));

        for (const target of ["pub-egress", "arn:aws:s3:::pub-egress"]) {
            it(`a BucketLogging into its own bucket (${target})`, () => {
                const stack = compliantStack();
                find(stack, "egress-logging").inputs.targetBucket = target;
                assertOneViolation(decide(accessLogging, stack), EGRESS_LOGGING_URN, 'Bucket "pub-egress"', "into itself", "separate log bucket");
            });
        }

        it("an inline logging block into its own bucket", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.loggings = [{ targetBucket: "pub-egress", targetPrefix: "logs/" }];
            assertOneViolation(decide(accessLogging, stack), EGRESS_URN, "into itself");
        });

        it("a log bucket that logs into itself is not exempt", () => {
            const stack = logBucketStack();
            stack.push(res(T.logging, "logs-logging", { bucket: "pub-logs", targetBucket: "pub-logs", targetPrefix: "self/" }));
            assertOneViolation(decide(accessLogging, stack), urn(T.logging, "logs-logging"), 'Bucket "pub-logs"', "into itself");
        });

        it("a BucketLogging of a bucket outside the stack into itself", () => {
            const stack = compliantStack();
            stack.push(res(T.loggingV2, "theirs", { bucket: "someone-elses", targetBucket: "someone-elses", targetPrefix: "x/" }));
            assertOneViolation(decide(accessLogging, stack), urn(T.loggingV2, "theirs"), 'Bucket "someone-elses"', "into itself");
        });

        it("is reported at advisory level by default, and at mandatory when configured so", () => {
            const stack = without(compliantStack(), "egress-logging");
            assert.deepStrictEqual(
                reported(accessLogging, stack).map((v) => [v.enforcementLevel, v.urn]),
                [["advisory", EGRESS_URN]],
            );
            assert.deepStrictEqual(
                reported(accessLogging, stack, { enforcementLevel: "mandatory" }).map((v) => [v.enforcementLevel, v.urn]),
                [["mandatory", EGRESS_URN]],
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
            assertAllCompliant(decide(accessLogging, stack));
        });

        it("a BucketLogging's bucket unknown, correlated through propertyDependencies", () => {
            const stack = compliantStack();
            find(stack, "egress-logging").inputs.bucket = U;
            assertAllCompliant(decide(accessLogging, stack));
        });

        it("a BucketLogging whose bucket cannot be correlated may be the missing one", () => {
            const stack = compliantStack();
            const l = find(stack, "egress-logging");
            l.inputs.bucket = U;
            l.propertyDependencies = {};
            l.dependencies = [EGRESS_URN, urn(T.bucket, "ingress")];
            assertUndecided(decide(accessLogging, stack), EGRESS_URN);
        });

        it("a bucket without logging may be the target of a BucketLogging whose targetBucket is unknown and untraceable", () => {
            const stack = withoutGrant(logBucketStack());
            for (const l of ["egress-logging", "ingress-logging"]) {
                find(stack, l).inputs.targetBucket = U;
                find(stack, l).propertyDependencies = { bucket: find(stack, l).propertyDependencies?.bucket ?? [] };
            }
            assertUndecided(decide(accessLogging, stack), LOGS_URN);
        });

        it("a target known only to derive from the logged bucket itself may be that bucket", () => {
            const stack = compliantStack();
            const l = find(stack, "egress-logging");
            l.inputs.targetBucket = U;
            l.propertyDependencies = { ...l.propertyDependencies, targetBucket: [EGRESS_URN] };
            assertUndecided(decide(accessLogging, stack), EGRESS_URN);
        });

        it("an inline logging output unknown during preview, with no BucketLogging", () => {
            const stack = without(compliantStack(), "egress-logging");
            find(stack, "egress").inputs.logging = U;
            assertUndecided(decide(accessLogging, stack), EGRESS_URN);
        });

        it("a bucket whose unknown policy may make it a log bucket", () => {
            const stack = withForeignLogBucket();
            find(stack, "logs-policy").inputs.policy = U;
            assertUndecided(decide(accessLogging, stack), LOGS_URN);
        });

        it("a BucketPolicy whose bucket is unknown and that admits the logging service may make an unlogged bucket a log bucket", () => {
            const stack = without(compliantStack(), "egress-logging");
            stack.push(res(T.policy, "floating-policy", { bucket: U, policy: doc(logDeliveryStatement("pub-logs", ["pub-ingress"])) }));
            assertUndecided(decide(accessLogging, stack), EGRESS_URN);
        });

        it("a first preview with every string unknown: no violation", () => {
            for (const build of [compliantStack, logBucketStack, legacyStack, v2InlineStack, v6SplitStack]) {
                const ds = decide(accessLogging, unknownEverywhere(build()));
                assert.deepStrictEqual(
                    ds.filter((d) => d.outcome === "violation"),
                    [],
                    build.name,
                );
            }
        });
    });
});
