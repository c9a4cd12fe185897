import * as assert from "assert";
import type { ExportResource } from "../../policy-pack/offline";
import { httpsOnly } from "../../policy-pack/policies/https-only";
import {
    COMPLIANT_FORMS,
    compliantStack,
    doc,
    find,
    httpsStatement,
    inGovCloud,
    legacyStack,
    res,
    T,
    tlsStatement,
    U,
    urn,
    URN,
    v2InlineStack,
    without,
    withPolicy,
} from "./fixtures";
import { forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(httpsOnly);

/** The compliant stack with the egress bucket policy's HTTPS statement replaced. */
function withHttps(statement: Record<string, unknown>) {
    return withPolicy("egress-policy", doc(statement, tlsStatement("pub-egress")));
}

describe("s3-transfer-https-only", () => {
    describe("compliant", () => {
        itIsCompliantIn(COMPLIANT_FORMS);

        for (const [name, condition] of [
            ["Bool with boolean false", { Bool: { "aws:SecureTransport": false } }],
            ["Bool with ['false']", { Bool: { "aws:SecureTransport": ["false"] } }],
            ["BoolIfExists", { BoolIfExists: { "aws:SecureTransport": "false" } }],
            ["key in lower case", { Bool: { "aws:securetransport": "false" } }],
        ] as const) {
            it(`condition spelled ${name}`, () => compliant(withHttps({ ...httpsStatement("pub-egress"), Condition: condition })));
        }

        it("Action * as a list, Principal {AWS: '*'}, one wildcard Resource", () =>
            compliant(withHttps({ ...httpsStatement("pub-egress"), Action: ["*"], Principal: { AWS: "*" }, Resource: "arn:aws:s3:::pub-egress*" })));

        it("a BucketPolicy decides over the bucket's own policy output (a copy read back after refresh)", () => {
            const stack = withPolicy("egress", "");
            compliant(stack);
            find(stack, "egress").inputs.policy = doc(tlsStatement("pub-egress"));
            compliant(stack);
        });

        it("bucket and objects denied by two statements", () => {
            const s = httpsStatement("pub-egress");
            const stack = withPolicy("egress-policy", doc({ ...s, Resource: "arn:aws:s3:::pub-egress" }, { ...s, Sid: "Objects", Resource: "arn:aws:s3:::pub-egress/*" }));
            compliant(stack);
        });
    });

    describe("violations", () => {
        it("split BucketPolicy without the statement", () => {
            const stack = withPolicy("egress-policy", doc(tlsStatement("pub-egress")));
            violation(stack, URN.egressPolicy, 'bucket "pub-egress"', "the bucket and its objects", "aws:SecureTransport");
        });

        it("no bucket policy at all", () => {
            violation(without(compliantStack(), "egress-policy"), URN.egress, 'Bucket "pub-egress" has no bucket policy');
        });

        it("objects not covered", () => violation(withHttps({ ...httpsStatement("pub-egress"), Resource: "arn:aws:s3:::pub-egress" }), URN.egressPolicy, "its objects (bucket/*)"));

        it("bucket not covered", () => violation(withHttps({ ...httpsStatement("pub-egress"), Resource: "arn:aws:s3:::pub-egress/*" }), URN.egressPolicy, "on the bucket."));

        it("objects covered only under a prefix", () =>
            violation(withHttps({ ...httpsStatement("pub-egress"), Resource: ["arn:aws:s3:::pub-egress", "arn:aws:s3:::pub-egress/in/*"] }), URN.egressPolicy, "its objects"));

        for (const [name, change] of [
            ["a named principal", { Principal: { AWS: "arn:aws:iam::111111111111:root" } }],
            ["some actions only", { Action: ["s3:GetObject", "s3:PutObject"] }],
            ["SecureTransport true", { Condition: { Bool: { "aws:SecureTransport": "true" } } }],
            ["a narrowing extra condition", { Condition: { Bool: { "aws:SecureTransport": "false" }, StringEquals: { "aws:PrincipalAccount": "1" } } }],
            ["Effect Allow", { Effect: "Allow" }],
            ["a StringEquals operator", { Condition: { StringEquals: { "aws:SecureTransport": "false" } } }],
        ] as const) {
            it(`deny with ${name}`, () => violation(withHttps({ ...httpsStatement("pub-egress"), ...change }), URN.egressPolicy, "pub-egress"));
        }

        it("legacy inline object policy without the statement", () => {
            const stack = withPolicy("egress", { Version: "2012-10-17", Statement: [tlsStatement("pub-egress")] }, legacyStack());
            violation(stack, URN.egress, "inline on Bucket");
        });

        it("BucketV2 inline string policy with the wrong condition", () => {
            const stack = withPolicy("egress", doc({ ...httpsStatement("pub-egress"), Condition: { Bool: { "aws:SecureTransport": "true" } } }), v2InlineStack());
            violation(stack, urn(T.bucketV2, "egress"), "inline on BucketV2");
        });

        it("a second BucketPolicy on the same bucket that lacks the statement", () => {
            const stack = compliantStack();
            stack.push(res(T.policy, "egress-policy-2", { bucket: "pub-egress", policy: doc(tlsStatement("pub-egress")) }));
            violation(stack, urn(T.policy, "egress-policy-2"), "overwrite each other");
        });

        it("a policy that is not JSON", () => {
            const stack = withPolicy("egress-policy", "{ nope");
            violation(stack, URN.egressPolicy, "not valid JSON");
        });

        it("is reported through the policy object with the bucket's name", () => {
            const stack = withPolicy("egress-policy", doc(tlsStatement("pub-egress")));
            const v = reported(stack);
            assert.deepStrictEqual(
                v.map((x) => [x.policy, x.enforcementLevel, x.urn]),
                [["s3-transfer-https-only", "mandatory", URN.egressPolicy]],
            );
            assert.match(v[0].message, /pub-egress/);
        });
    });

    describe("unknown values", () => {
        it("policy document unknown until apply", () => {
            const stack = withPolicy("egress-policy", U);
            undecided(stack, URN.egress);
        });

        it("bucket ARN unknown inside a known document", () => {
            const stack = withHttps({ ...httpsStatement("pub-egress"), Resource: [`arn:aws:s3:::${U}`, `arn:aws:s3:::${U}/*`] });
            undecided(stack, URN.egress);
        });

        it("condition value unknown", () => undecided(withHttps({ ...httpsStatement("pub-egress"), Condition: { Bool: { "aws:SecureTransport": U } } }), URN.egress));

        it("inline policy unknown (a computed output) and no BucketPolicy", () => {
            const stack = without(compliantStack(), "egress-policy");
            find(stack, "egress").inputs.policy = U;
            undecided(stack, URN.egress);
        });

        it("a BucketPolicy whose bucket is unknown may be the missing one", () => {
            const stack = without(compliantStack(), "egress-policy");
            stack.push(res(T.policy, "floating", { bucket: U, policy: doc(httpsStatement("x")) }));
            undecided(stack, URN.egress);
        });

        it("a required policy input missing (mocks drop unknowns) reads as unknown", () => {
            const stack = compliantStack();
            delete find(stack, "egress-policy").inputs.policy;
            undecided(stack, URN.egress);
        });

        it("bucket name unknown but the policy correlated by URN and written with wildcards", () => {
            const stack = compliantStack();
            find(stack, "egress").inputs.bucket = U;
            delete find(stack, "egress").id;
            const p = find(stack, "egress-policy");
            p.inputs.bucket = U;
            p.inputs.policy = doc({ ...httpsStatement("x"), Resource: ["arn:aws:s3:::*"] });
            const ds = decide(stack).filter((d) => d.urn === URN.egress);
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
        it(`${form}: in GovCloud, compliant with its own partition's ARNs`, () => compliant(inGovCloud(build())));

        it(`${form}: in GovCloud, a deny written with arn:aws: covers nothing`, () => {
            const stack = inGovCloud(build());
            const on = rewriteHttps(stack, (a) => a.replace("arn:aws-us-gov:", "arn:aws:"));
            violation(stack, on, "the bucket and its objects");
        });

        it(`${form}: in aws, a deny written with arn:aws-us-gov: covers nothing`, () => {
            // The stack's partition is its provider's region's.
            const stack = build().filter((r) => r.type !== T.provider);
            stack.unshift(res(T.provider, "default_7_48_0", { region: "eu-west-1" }, { id: "prov-1" }));
            const on = rewriteHttps(stack, (a) => a.replace("arn:aws:", "arn:aws-us-gov:"));
            violation(stack, on, "the bucket and its objects");
        });

        it(`${form}: a wildcard partition covers the bucket in any partition`, () => {
            const stack = inGovCloud(build());
            rewriteHttps(stack, (a) => a.replace("arn:aws-us-gov:", "arn:*:"));
            compliant(stack);
        });
    }
});
