import * as assert from "assert";
import { logDeliveryGrant } from "../../policy-pack/policies/log-delivery-grant";
import {
    ACCOUNT,
    asV6,
    assertAllCompliant,
    assertOneViolation,
    assertUndecided,
    bucketWithSettings,
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
} from "./fixtures";

const LOGS_POLICY_URN = urn(T.policy, "logs-policy");
const LOGS_URN = urn(T.bucket, "logs");
const SOURCE_ARNS = ["arn:aws:s3:::pub-egress", "arn:aws:s3:::pub-ingress"];
const LOG_DELIVERY_GROUP = "http://acs.amazonaws.com/groups/s3/LogDelivery";

/** The log bucket stack with the grant statement's Condition (or whole statement) replaced. */
function withGrant(change: (grant: Record<string, any>) => void) {
    const stack = logBucketStack();
    const grant: Record<string, any> = logDeliveryStatement("pub-logs", ["pub-egress", "pub-ingress"]);
    change(grant);
    find(stack, "logs-policy").inputs.policy = doc(httpsStatement("pub-logs"), tlsStatement("pub-logs"), grant);
    return stack;
}

const withCondition = (condition: Record<string, unknown> | undefined) =>
    withGrant((g) => {
        if (condition === undefined) delete g.Condition;
        else g.Condition = condition;
    });

describe("s3-transfer-log-delivery-grant", () => {
    describe("compliant", () => {
        it("a log bucket whose policy pins the logging service to our account and buckets", () => assertAllCompliant(decide(logDeliveryGrant, logBucketStack())));

        it("nothing to judge where no bucket receives logs or admits the logging service", () => assert.deepStrictEqual(decide(logDeliveryGrant, compliantStack()), []));

        for (const [name, condition] of [
            ["StringEquals account, ArnLike ARN list", { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": SOURCE_ARNS } }],
            ["StringLike account, ArnEquals ARN", { StringLike: { "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": SOURCE_ARNS[0] } }],
            ["ArnLike for both", { ArnLike: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::pub-*" } }],
            ["StringEquals for both, keys in lower case", { StringEquals: { "aws:sourceaccount": [ACCOUNT], "aws:sourcearn": SOURCE_ARNS } }],
            ["StringLike ARN, account as a JSON number", { StringEquals: { "aws:SourceAccount": Number(ACCOUNT) }, StringLike: { "aws:SourceArn": "arn:aws:s3:::pub-egress" } }],
        ] as const) {
            it(`condition spelled ${name}`, () => assertAllCompliant(decide(logDeliveryGrant, withCondition(condition))));
        }

        it("Service as a list", () =>
            assertAllCompliant(
                decide(
                    logDeliveryGrant,
                    withGrant((g) => (g.Principal = { Service: ["logging.s3.amazonaws.com"] })),
                ),
            ));
    });

    describe("violations", () => {
        it("a grant without aws:SourceAccount", () =>
            assertOneViolation(
                decide(logDeliveryGrant, withCondition({ ArnLike: { "aws:SourceArn": SOURCE_ARNS } })),
                LOGS_POLICY_URN,
                'bucket "pub-logs"',
                'statement "S3ServerAccessLogDelivery"',
                "without a pinning aws:SourceAccount condition",
                "another account",
            ));

        it("a grant without aws:SourceArn", () =>
            assertOneViolation(
                decide(logDeliveryGrant, withCondition({ StringEquals: { "aws:SourceAccount": ACCOUNT } })),
                LOGS_POLICY_URN,
                "without a pinning aws:SourceArn condition",
                "any bucket of the account",
            ));

        it("a grant without any condition", () =>
            assertOneViolation(
                decide(logDeliveryGrant, withCondition(undefined)),
                LOGS_POLICY_URN,
                "aws:SourceAccount or aws:SourceArn",
                '"aws:SourceAccount": "<your account ID>"',
            ));

        it("Service as a list, without conditions", () =>
            assertOneViolation(
                decide(
                    logDeliveryGrant,
                    withGrant((g) => {
                        g.Principal = { Service: ["cloudtrail.amazonaws.com", "logging.s3.amazonaws.com"] };
                        delete g.Condition;
                    }),
                ),
                LOGS_POLICY_URN,
                "aws:SourceAccount or aws:SourceArn",
            ));

        for (const [name, condition, missing] of [
            ["an account that is a wildcard", { StringLike: { "aws:SourceAccount": "*" }, ArnLike: { "aws:SourceArn": SOURCE_ARNS } }, "aws:SourceAccount"],
            ["an account that is not 12 digits", { StringEquals: { "aws:SourceAccount": "1111" }, ArnLike: { "aws:SourceArn": SOURCE_ARNS } }, "aws:SourceAccount"],
            ["a wildcard among the accounts", { StringLike: { "aws:SourceAccount": ["*", ACCOUNT] }, ArnLike: { "aws:SourceArn": SOURCE_ARNS } }, "aws:SourceAccount"],
            ["a source ARN of every bucket", { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } }, "aws:SourceArn"],
            ["a negated operator", { StringNotEquals: { "aws:SourceAccount": "999999999999" }, ArnLike: { "aws:SourceArn": SOURCE_ARNS } }, "aws:SourceAccount"],
            ["an IfExists operator", { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLikeIfExists: { "aws:SourceArn": SOURCE_ARNS } }, "aws:SourceArn"],
        ] as const) {
            it(`a condition with ${name}`, () => assertOneViolation(decide(logDeliveryGrant, withCondition(condition)), LOGS_POLICY_URN, `without a pinning ${missing} condition`));
        }

        it("a bucket that is no log target of this stack but admits the logging service", () => {
            const stack = [...compliantStack(), ...bucketWithSettings("pub-logs", "logs")];
            const grant: Record<string, unknown> = logDeliveryStatement("pub-logs", ["pub-egress"]);
            delete grant.Condition;
            find(stack, "logs-policy").inputs.policy = doc(httpsStatement("pub-logs"), tlsStatement("pub-logs"), grant);
            assertOneViolation(decide(logDeliveryGrant, stack), LOGS_POLICY_URN, 'bucket "pub-logs"');
        });

        it("a BucketPolicy of a bucket outside the stack", () => {
            const grant: Record<string, unknown> = logDeliveryStatement("central-logs", ["pub-egress"]);
            delete (grant.Condition as Record<string, unknown>).StringEquals;
            const stack = [...compliantStack(), res(T.policy, "central-policy", { bucket: "central-logs", policy: doc(grant) })];
            assertOneViolation(decide(logDeliveryGrant, stack), urn(T.policy, "central-policy"), "aws:SourceAccount");
        });

        it("the legacy log-delivery-write canned ACL on the bucket", () => {
            const stack = legacyStack();
            stack.push(res(T.bucket, "logs", { bucket: "pub-logs", acl: "log-delivery-write" }));
            assertOneViolation(decide(logDeliveryGrant, stack), LOGS_URN, 'Bucket "pub-logs"', '"log-delivery-write"', "BucketOwnerEnforced", "aws:SourceArn");
        });

        it("an inline grant to the LogDelivery group on a log target", () => {
            const stack = logBucketStack();
            find(stack, "logs").inputs.grants = [{ type: "Group", uri: LOG_DELIVERY_GROUP, permissions: ["WRITE", "READ_ACP"] }];
            assertOneViolation(decide(logDeliveryGrant, stack), LOGS_URN, "LogDelivery group");
        });

        for (const [type, inputs] of [
            [T.aclV2, { accessControlPolicy: { owner: { id: "o" }, grants: [{ grantee: { type: "Group", uri: LOG_DELIVERY_GROUP }, permission: "WRITE" }] } }],
            [T.acl, { acl: "log-delivery-write" }],
        ] as const) {
            it(`${type.split(":").pop()} granting log delivery`, () => {
                const stack = logBucketStack();
                stack.push(res(type, "logs-acl", { bucket: "pub-logs", ...inputs }));
                assertOneViolation(decide(logDeliveryGrant, stack), urn(type, "logs-acl"), 'Bucket "pub-logs"', "ACL");
            });
        }

        it("is reported at advisory level by default, and at mandatory when configured so", () => {
            const stack = withCondition(undefined);
            assert.deepStrictEqual(
                reported(logDeliveryGrant, stack).map((v) => [v.enforcementLevel, v.urn]),
                [["advisory", LOGS_POLICY_URN]],
            );
            assert.deepStrictEqual(
                reported(logDeliveryGrant, stack, { enforcementLevel: "mandatory" }).map((v) => v.enforcementLevel),
                ["mandatory"],
            );
        });
    });

    describe("unknown values", () => {
        it("the log target's policy document unknown", () => {
            const stack = logBucketStack();
            find(stack, "logs-policy").inputs.policy = U;
            assertUndecided(decide(logDeliveryGrant, stack), LOGS_POLICY_URN);
        });

        it("the source account unknown", () =>
            assertUndecided(decide(logDeliveryGrant, withCondition({ StringEquals: { "aws:SourceAccount": U }, ArnLike: { "aws:SourceArn": SOURCE_ARNS } })), LOGS_POLICY_URN));

        it("a source ARN rendered from an unknown bucket name", () =>
            assertUndecided(
                decide(logDeliveryGrant, withCondition({ StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": [SOURCE_ARNS[0], `arn:aws:s3:::${U}`] } })),
                LOGS_POLICY_URN,
            ));

        it("a known missing aws:SourceAccount is reported even when the source ARN is unknown", () =>
            assertOneViolation(decide(logDeliveryGrant, withCondition({ ArnLike: { "aws:SourceArn": `arn:aws:s3:::${U}` } })), LOGS_POLICY_URN, "aws:SourceAccount"));

        it("a BucketAcl of the log target unknown", () => {
            const stack = logBucketStack();
            stack.push(res(T.aclV2, "logs-acl", { bucket: "pub-logs", acl: U }));
            assertUndecided(decide(logDeliveryGrant, stack), urn(T.aclV2, "logs-acl"));
        });

        it("a first preview with every string unknown: no violation", () => {
            const ds = decide(logDeliveryGrant, unknownEverywhere(logBucketStack()));
            assert.deepStrictEqual(
                ds.filter((d) => d.outcome === "violation"),
                [],
            );
            assert.ok(ds.some((d) => d.outcome === "undecided"));
        });
    });
});

// A bucket that receives server access logs must admit the logging service: with
// ACLs disabled (BucketOwnerEnforced) only a bucket-policy grant to
// logging.s3.amazonaws.com does, and without one S3 delivers no log
// (enable-server-access-logging.html).
describe("s3-transfer-log-delivery-grant: a log target that admits no delivery, in every form", () => {
    /** The legacy inline program logging into a log bucket of its own, its policy an inline object. */
    function legacyLogStack(grant: boolean) {
        const stack = legacyStack();
        find(stack, "egress").inputs.loggings = [{ targetBucket: "pub-logs", targetPrefix: "pub-egress/" }];
        const statements = [httpsStatement("pub-logs"), tlsStatement("pub-logs"), ...(grant ? [logDeliveryStatement("pub-logs", ["pub-egress"])] : [])];
        stack.push(res(T.bucket, "logs", { bucket: "pub-logs", policy: { Version: "2012-10-17", Statement: statements } }));
        return stack;
    }
    const withoutGrant = (stack: ReturnType<typeof logBucketStack>) => {
        const p = find(stack, "logs-policy");
        p.inputs.policy = doc(httpsStatement("pub-logs"), tlsStatement("pub-logs"));
        return stack;
    };

    for (const [form, compliantBuild, violatingBuild, onUrn] of [
        ["split resources (v7)", logBucketStack, () => withoutGrant(logBucketStack()), LOGS_URN],
        ["split resources with the v6 V2 tokens", () => asV6(logBucketStack()), () => asV6(withoutGrant(logBucketStack())), urn(T.bucketV2, "logs")],
        ["legacy inline, policy as an object", () => legacyLogStack(true), () => legacyLogStack(false), LOGS_URN],
    ] as const) {
        it(`${form}: the log bucket's policy admits the logging service`, () => assertAllCompliant(decide(logDeliveryGrant, compliantBuild())));

        it(`${form}: no grant to the logging service and no ACL`, () =>
            assertOneViolation(
                decide(logDeliveryGrant, violatingBuild()),
                onUrn,
                "receives the access logs",
                "S3 delivers no log",
                "logging.s3.amazonaws.com",
                "arn:aws:s3:::pub-logs/",
            ));
    }
});
