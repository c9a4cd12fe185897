import * as assert from "assert";
import { logDeliveryGrant } from "../../policy-pack/policies/log-delivery-grant";
import {
    ACCOUNT,
    ACL_GROUP,
    asV6,
    bucketWithSettings,
    compliantStack,
    doc,
    find,
    groupAcl,
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
    withoutLogDeliveryGrant,
    withPolicy,
} from "./fixtures";
import { forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided } = forPolicy(logDeliveryGrant);

const SOURCE_ARNS = ["arn:aws:s3:::pub-egress", "arn:aws:s3:::pub-ingress"];

/** The log bucket stack with the grant statement's Condition (or whole statement) replaced. */
function withGrant(change: (grant: Record<string, any>) => void) {
    const stack = logBucketStack();
    const grant: Record<string, any> = logDeliveryStatement("pub-logs", ["pub-egress", "pub-ingress"]);
    change(grant);
    return withPolicy("logs-policy", logsPolicy(grant), stack);
}

const withCondition = (condition: Record<string, unknown> | undefined) =>
    withGrant((g) => {
        if (condition === undefined) delete g.Condition;
        else g.Condition = condition;
    });

describe("s3-transfer-log-delivery-grant", () => {
    describe("compliant", () => {
        it("a log bucket whose policy pins the logging service to our account and buckets", () => compliant(logBucketStack()));

        it("nothing to judge where no bucket receives logs or admits the logging service", () => assert.deepStrictEqual(decide(compliantStack()), []));

        for (const [name, condition] of [
            ["StringEquals account, ArnLike ARN list", { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": SOURCE_ARNS } }],
            ["StringLike account, ArnEquals ARN", { StringLike: { "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": SOURCE_ARNS[0] } }],
            ["ArnLike for both", { ArnLike: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::pub-*" } }],
            ["StringEquals for both, keys in lower case", { StringEquals: { "aws:sourceaccount": [ACCOUNT], "aws:sourcearn": SOURCE_ARNS } }],
            ["StringLike ARN, account as a JSON number", { StringEquals: { "aws:SourceAccount": Number(ACCOUNT) }, StringLike: { "aws:SourceArn": "arn:aws:s3:::pub-egress" } }],
        ] as const) {
            it(`condition spelled ${name}`, () => compliant(withCondition(condition)));
        }

        it("Service as a list", () => compliant(withGrant((g) => (g.Principal = { Service: ["logging.s3.amazonaws.com"] }))));
    });

    describe("violations", () => {
        it("a grant without aws:SourceAccount", () =>
            violation(
                withCondition({ ArnLike: { "aws:SourceArn": SOURCE_ARNS } }),
                URN.logsPolicy,
                'bucket "pub-logs"',
                'statement "S3ServerAccessLogDelivery"',
                "without a pinning aws:SourceAccount condition",
                "another account",
            ));

        it("a grant without aws:SourceArn", () =>
            violation(withCondition({ StringEquals: { "aws:SourceAccount": ACCOUNT } }), URN.logsPolicy, "without a pinning aws:SourceArn condition", "any bucket of the account"));

        it("a grant without any condition", () =>
            violation(withCondition(undefined), URN.logsPolicy, "aws:SourceAccount or aws:SourceArn", '"aws:SourceAccount": "<your account ID>"'));

        it("Service as a list, without conditions", () =>
            violation(
                withGrant((g) => {
                    g.Principal = { Service: ["cloudtrail.amazonaws.com", "logging.s3.amazonaws.com"] };
                    delete g.Condition;
                }),
                URN.logsPolicy,
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
            it(`a condition with ${name}`, () => violation(withCondition(condition), URN.logsPolicy, `without a pinning ${missing} condition`));
        }

        it("a bucket that is no log target of this stack but admits the logging service", () => {
            const stack = [...compliantStack(), ...bucketWithSettings("pub-logs", "logs")];
            const grant: Record<string, unknown> = logDeliveryStatement("pub-logs", ["pub-egress"]);
            delete grant.Condition;
            withPolicy("logs-policy", logsPolicy(grant), stack);
            violation(stack, URN.logsPolicy, 'bucket "pub-logs"');
        });

        it("a BucketPolicy of a bucket outside the stack", () => {
            const grant: Record<string, unknown> = logDeliveryStatement("central-logs", ["pub-egress"]);
            delete (grant.Condition as Record<string, unknown>).StringEquals;
            const stack = [...compliantStack(), res(T.policy, "central-policy", { bucket: "central-logs", policy: doc(grant) })];
            violation(stack, urn(T.policy, "central-policy"), "aws:SourceAccount");
        });

        it("the legacy log-delivery-write canned ACL on the bucket", () => {
            const stack = legacyStack();
            stack.push(res(T.bucket, "logs", { bucket: "pub-logs", acl: "log-delivery-write" }));
            violation(stack, URN.logs, 'Bucket "pub-logs"', '"log-delivery-write"', "BucketOwnerEnforced", "aws:SourceArn");
        });

        it("an inline grant to the LogDelivery group on a log target", () => {
            const stack = logBucketStack();
            find(stack, "logs").inputs.grants = [{ type: "Group", uri: ACL_GROUP.logDelivery, permissions: ["WRITE", "READ_ACP"] }];
            violation(stack, URN.logs, "LogDelivery group");
        });

        for (const acl of [groupAcl("logs-acl", "pub-logs", ACL_GROUP.logDelivery, "WRITE"), res(T.acl, "logs-acl", { bucket: "pub-logs", acl: "log-delivery-write" })]) {
            it(`${acl.type.split(":").pop()} granting log delivery`, () => violation([...logBucketStack(), acl], acl.urn, 'Bucket "pub-logs"', "ACL"));
        }

        it("is reported at advisory level by default, and at mandatory when configured so", () => {
            const stack = withCondition(undefined);
            assert.deepStrictEqual(
                reported(stack).map((v) => [v.enforcementLevel, v.urn]),
                [["advisory", URN.logsPolicy]],
            );
            assert.deepStrictEqual(
                reported(stack, { enforcementLevel: "mandatory" }).map((v) => v.enforcementLevel),
                ["mandatory"],
            );
        });
    });

    describe("unknown values", () => {
        it("the log target's policy document unknown", () => {
            const stack = withPolicy("logs-policy", U, logBucketStack());
            undecided(stack, URN.logsPolicy);
        });

        it("the source account unknown", () => undecided(withCondition({ StringEquals: { "aws:SourceAccount": U }, ArnLike: { "aws:SourceArn": SOURCE_ARNS } }), URN.logsPolicy));

        it("a source ARN rendered from an unknown bucket name", () =>
            undecided(withCondition({ StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": [SOURCE_ARNS[0], `arn:aws:s3:::${U}`] } }), URN.logsPolicy));

        it("a known missing aws:SourceAccount is reported even when the source ARN is unknown", () =>
            violation(withCondition({ ArnLike: { "aws:SourceArn": `arn:aws:s3:::${U}` } }), URN.logsPolicy, "aws:SourceAccount"));

        it("a BucketAcl of the log target unknown", () => {
            const stack = logBucketStack();
            stack.push(res(T.aclV2, "logs-acl", { bucket: "pub-logs", acl: U }));
            undecided(stack, urn(T.aclV2, "logs-acl"));
        });

        it("a first preview with every string unknown: no violation", () => {
            const ds = decide(unknownEverywhere(logBucketStack()));
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
        const policy = JSON.parse(logsPolicy(...(grant ? [logDeliveryStatement("pub-logs", ["pub-egress"])] : [])));
        stack.push(res(T.bucket, "logs", { bucket: "pub-logs", policy }));
        return stack;
    }

    for (const [form, compliantBuild, violatingBuild, onUrn] of [
        ["split resources (v7)", logBucketStack, () => withoutLogDeliveryGrant(), URN.logs],
        ["split resources with the v6 V2 tokens", () => asV6(logBucketStack()), () => asV6(withoutLogDeliveryGrant()), urn(T.bucketV2, "logs")],
        ["legacy inline, policy as an object", () => legacyLogStack(true), () => legacyLogStack(false), URN.logs],
    ] as const) {
        it(`${form}: the log bucket's policy admits the logging service`, () => compliant(compliantBuild()));

        it(`${form}: no grant to the logging service and no ACL`, () =>
            violation(violatingBuild(), onUrn, "receives the access logs", "S3 delivers no log", "logging.s3.amazonaws.com", "arn:aws:s3:::pub-logs/"));
    }
});
