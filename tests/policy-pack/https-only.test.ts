import * as assert from "assert";
import type { ExportResource } from "../../policy-pack/offline";
import { httpsOnly } from "../../policy-pack/policies/https-only";
import {
    assertAllCompliant,
    assertOneViolation,
    assertUndecided,
    COMPLIANT_FORMS,
    compliantStack,
    decide,
    doc,
    find,
    httpsStatement,
    inGovCloud,
    legacyStack,
    reported,
    res,
    T,
    tlsStatement,
    U,
    urn,
    v2InlineStack,
    without,
} from "./fixtures";

const POLICY_URN = urn(T.policy, "egress-policy");
const BUCKET_URN = urn(T.bucket, "egress");

/** The compliant stack with the egress bucket policy's HTTPS statement replaced. */
function withHttps(statement: Record<string, unknown>) {
    const stack = compliantStack();
    find(stack, "egress-policy").inputs.policy = doc(statement, tlsStatement("pub-egress"));
    return stack;
}

describe("s3-transfer-https-only", () => {
    describe("compliant", () => {
        for (const [name, build] of COMPLIANT_FORMS) {
            it(name, () => assertAllCompliant(decide(httpsOnly, build())));
        }

        for (const [name, condition] of [
            ["Bool with boolean false", { Bool: { "aws:SecureTransport": false } }],
            ["Bool with ['false']", { Bool: { "aws:SecureTransport": ["false"] } }],
            ["BoolIfExists", { BoolIfExists: { "aws:SecureTransport": "false" } }],
            ["key in lower case", { Bool: { "aws:securetransport": "false" } }],
        ] as const) {
            it(`condition spelled ${name}`, () => assertAllCompliant(decide(httpsOnly, withHttps({ ...httpsStatement("pub-egress"), Condition: condition }))));
        }

        it("Action * as a list, Principal {AWS: '*'}, one wildcard Resource", () =>
            assertAllCompliant(decide(httpsOnly, withHttps({ ...httpsStatement("pub-egress"), Action: ["*"], Principal: { AWS: "*" }, Resource: "arn:aws:s3:::pub-egress*" }))));

        it("a BucketPolicy decides over the bucket's own policy output (a copy read back after refresh)", () => {
            const stack = compliantStack();
            find(stack, "egress").inputs.policy = "";
            assertAllCompliant(decide(httpsOnly, stack));
            find(stack, "egress").inputs.policy = doc(tlsStatement("pub-egress"));
            assertAllCompliant(decide(httpsOnly, stack));
        });

        it("bucket and objects denied by two statements", () => {
            const s = httpsStatement("pub-egress");
            const stack = compliantStack();
            find(stack, "egress-policy").inputs.policy = doc({ ...s, Resource: "arn:aws:s3:::pub-egress" }, { ...s, Sid: "Objects", Resource: "arn:aws:s3:::pub-egress/*" });
            assertAllCompliant(decide(httpsOnly, stack));
        });
    });

    describe("violations", () => {
        it("split BucketPolicy without the statement", () => {
            const stack = compliantStack();
            find(stack, "egress-policy").inputs.policy = doc(tlsStatement("pub-egress"));
            assertOneViolation(decide(httpsOnly, stack), POLICY_URN, 'bucket "pub-egress"', "the bucket and its objects", "aws:SecureTransport");
        });

        it("no bucket policy at all", () => {
            assertOneViolation(decide(httpsOnly, without(compliantStack(), "egress-policy")), BUCKET_URN, 'Bucket "pub-egress" has no bucket policy');
        });

        it("objects not covered", () =>
            assertOneViolation(decide(httpsOnly, withHttps({ ...httpsStatement("pub-egress"), Resource: "arn:aws:s3:::pub-egress" })), POLICY_URN, "its objects (bucket/*)"));

        it("bucket not covered", () =>
            assertOneViolation(decide(httpsOnly, withHttps({ ...httpsStatement("pub-egress"), Resource: "arn:aws:s3:::pub-egress/*" })), POLICY_URN, "on the bucket."));

        it("objects covered only under a prefix", () =>
            assertOneViolation(
                decide(httpsOnly, withHttps({ ...httpsStatement("pub-egress"), Resource: ["arn:aws:s3:::pub-egress", "arn:aws:s3:::pub-egress/in/*"] })),
                POLICY_URN,
                "its objects",
            ));

        for (const [name, change] of [
            ["a named principal", { Principal: { AWS: "arn:aws:iam::111111111111:root" } }],
            ["some actions only", { Action: ["s3:GetObject", "s3:PutObject"] }],
            ["SecureTransport true", { Condition: { Bool: { "aws:SecureTransport": "true" } } }],
            ["a narrowing extra condition", { Condition: { Bool: { "aws:SecureTransport": "false" }, StringEquals: { "aws:PrincipalAccount": "1" } } }],
            ["Effect Allow", { Effect: "Allow" }],
            ["a StringEquals operator", { Condition: { StringEquals: { "aws:SecureTransport": "false" } } }],
        ] as const) {
            it(`deny with ${name}`, () => assertOneViolation(decide(httpsOnly, withHttps({ ...httpsStatement("pub-egress"), ...change })), POLICY_URN, "pub-egress"));
        }

        it("legacy inline object policy without the statement", () => {
            const stack = legacyStack();
            find(stack, "egress").inputs.policy = { Version: "2012-10-17", Statement: [tlsStatement("pub-egress")] };
            assertOneViolation(decide(httpsOnly, stack), BUCKET_URN, "inline on Bucket");
        });

        it("BucketV2 inline string policy with the wrong condition", () => {
            const stack = v2InlineStack();
            find(stack, "egress").inputs.policy = doc({ ...httpsStatement("pub-egress"), Condition: { Bool: { "aws:SecureTransport": "true" } } });
            assertOneViolation(decide(httpsOnly, stack), urn(T.bucketV2, "egress"), "inline on BucketV2");
        });

        it("a second BucketPolicy on the same bucket that lacks the statement", () => {
            const stack = compliantStack();
            stack.push(res(T.policy, "egress-policy-2", { bucket: "pub-egress", policy: doc(tlsStatement("pub-egress")) }));
            assertOneViolation(decide(httpsOnly, stack), urn(T.policy, "egress-policy-2"), "overwrite each other");
        });

        it("a policy that is not JSON", () => {
            const stack = compliantStack();
            find(stack, "egress-policy").inputs.policy = "{ nope";
            assertOneViolation(decide(httpsOnly, stack), POLICY_URN, "not valid JSON");
        });

        it("is reported through the policy object with the bucket's name", () => {
            const stack = compliantStack();
            find(stack, "egress-policy").inputs.policy = doc(tlsStatement("pub-egress"));
            const v = reported(httpsOnly, stack);
            assert.deepStrictEqual(
                v.map((x) => [x.policy, x.enforcementLevel, x.urn]),
                [["s3-transfer-https-only", "mandatory", POLICY_URN]],
            );
            assert.match(v[0].message, /pub-egress/);
        });
    });

    describe("unknown values", () => {
        it("policy document unknown until apply", () => {
            const stack = compliantStack();
            find(stack, "egress-policy").inputs.policy = U;
            assertUndecided(decide(httpsOnly, stack), BUCKET_URN);
        });

        it("bucket ARN unknown inside a known document", () => {
            const stack = withHttps({ ...httpsStatement("pub-egress"), Resource: [`arn:aws:s3:::${U}`, `arn:aws:s3:::${U}/*`] });
            assertUndecided(decide(httpsOnly, stack), BUCKET_URN);
        });

        it("condition value unknown", () =>
            assertUndecided(decide(httpsOnly, withHttps({ ...httpsStatement("pub-egress"), Condition: { Bool: { "aws:SecureTransport": U } } })), BUCKET_URN));

        it("inline policy unknown (a computed output) and no BucketPolicy", () => {
            const stack = without(compliantStack(), "egress-policy");
            find(stack, "egress").inputs.policy = U;
            assertUndecided(decide(httpsOnly, stack), BUCKET_URN);
        });

        it("a BucketPolicy whose bucket is unknown may be the missing one", () => {
            const stack = without(compliantStack(), "egress-policy");
            stack.push(res(T.policy, "floating", { bucket: U, policy: doc(httpsStatement("x")) }));
            assertUndecided(decide(httpsOnly, stack), BUCKET_URN);
        });

        it("a required policy input missing (mocks drop unknowns) reads as unknown", () => {
            const stack = compliantStack();
            delete find(stack, "egress-policy").inputs.policy;
            assertUndecided(decide(httpsOnly, stack), BUCKET_URN);
        });

        it("bucket name unknown but the policy correlated by URN and written with wildcards", () => {
            const stack = compliantStack();
            find(stack, "egress").inputs.bucket = U;
            delete find(stack, "egress").id;
            const p = find(stack, "egress-policy");
            p.inputs.bucket = U;
            p.inputs.policy = doc({ ...httpsStatement("x"), Resource: ["arn:aws:s3:::*"] });
            const ds = decide(httpsOnly, stack).filter((d) => d.urn === BUCKET_URN);
            assert.deepStrictEqual(
                ds.map((d) => d.outcome),
                ["compliant"],
            );
        });
    });
});

// A Resource ARN of another partition than the bucket's never matches it, so a
// Deny written with `arn:aws:` in GovCloud (or `arn:aws-us-gov:` in `aws`) denies
// nothing on the bucket; `arn:*:` matches every partition.
describe("s3-transfer-https-only: partitions, in every form", () => {
    /** The egress policy's HTTPS statement rewritten by `edit`, in the stack's own form. */
    function rewriteHttps(stack: ExportResource[], edit: (arn: string) => string): string {
        const holder = stack.find((r) => r.urn.endsWith("::egress-policy")) ?? find(stack, "egress");
        const inputs = holder.inputs as Record<string, any>;
        const d = typeof inputs.policy === "string" ? JSON.parse(inputs.policy) : inputs.policy;
        for (const st of d.Statement) {
            if (st.Sid === "DenyInsecureTransport") {
                st.Resource = ([] as string[]).concat(st.Resource).map(edit);
            }
        }
        inputs.policy = typeof inputs.policy === "string" ? JSON.stringify(d) : d;
        return holder.urn;
    }

    for (const [form, build] of COMPLIANT_FORMS) {
        it(`${form}: in GovCloud, compliant with its own partition's ARNs`, () => assertAllCompliant(decide(httpsOnly, inGovCloud(build()))));

        it(`${form}: in GovCloud, a deny written with arn:aws: covers nothing`, () => {
            const stack = inGovCloud(build());
            const on = rewriteHttps(stack, (a) => a.replace("arn:aws-us-gov:", "arn:aws:"));
            assertOneViolation(decide(httpsOnly, stack), on, "the bucket and its objects");
        });

        it(`${form}: in aws, a deny written with arn:aws-us-gov: covers nothing`, () => {
            // The stack's partition is its provider's region's.
            const stack = build().filter((r) => r.type !== T.provider);
            stack.unshift(res(T.provider, "default_7_48_0", { region: "eu-west-1" }, { id: "prov-1" }));
            const on = rewriteHttps(stack, (a) => a.replace("arn:aws:", "arn:aws-us-gov:"));
            assertOneViolation(decide(httpsOnly, stack), on, "the bucket and its objects");
        });

        it(`${form}: a wildcard partition covers the bucket in any partition`, () => {
            const stack = inGovCloud(build());
            rewriteHttps(stack, (a) => a.replace("arn:aws-us-gov:", "arn:*:"));
            assertAllCompliant(decide(httpsOnly, stack));
        });
    }
});
