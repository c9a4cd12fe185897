import * as assert from "assert";
import { awsHardLimits, LIMITS } from "../../policy-pack/policies/aws-hard-limits";
import { COMPLIANT_FORMS, compliantStack, doc, find, httpsStatement, legacyStack, res, T, U, urn, URN, withPolicy } from "./fixtures";
import { assertAllCompliant, forPolicy } from "./harness";

const { decide, reported, compliant, violation, undecided, itIsCompliantIn } = forPolicy(awsHardLimits);

/** Allow statements, each `size`-ish characters, naming distinct partner roles. */
function grants(count: number, arn = (i: number) => `arn:aws:iam::222222222222:role/partner-role-${String(i).padStart(4, "0")}`): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => ({
        Sid: `Partner${i}`,
        Effect: "Allow",
        Principal: { AWS: arn(i) },
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: `arn:aws:s3:::pub-egress/partner-${i}/*`,
    }));
}

/** The bucket policy's compact size with `count` grants. */
function bucketPolicyBytes(count: number): number {
    return Buffer.byteLength(doc(httpsStatement("pub-egress"), ...grants(count)));
}

/** Smallest number of grants that takes the bucket policy over the limit. */
const OVER = (() => {
    let n = 1;
    while (bucketPolicyBytes(n) <= LIMITS.bucketPolicyBytes) n++;
    return n;
})();

function statementsOfChars(chars: number): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    let total = 0;
    for (let i = 0; total < chars; i++) {
        const s = { Sid: `S${i}`, Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::pub-egress/prefix-${i}/*` };
        out.push(s);
        total += JSON.stringify(s).length + 1;
    }
    return out;
}

describe("s3-transfer-aws-hard-limits", () => {
    describe("compliant", () => {
        itIsCompliantIn(COMPLIANT_FORMS);

        it("whitespace does not count: a pretty-printed policy just under the limit", () => {
            const body = { Version: "2012-10-17", Statement: [httpsStatement("pub-egress"), ...grants(OVER - 1)] };
            const pretty = JSON.stringify(body, null, 4);
            assert.ok(Buffer.byteLength(pretty) > LIMITS.bucketPolicyBytes, "fixture must exceed the limit only with whitespace");
            compliant(withPolicy("egress-policy", pretty));
        });

        it("unknown ARNs in a small document cannot reach the limit", () => compliant(withPolicy("egress-policy", doc(...grants(3, () => U)))));
    });

    describe("violations", () => {
        it("a BucketPolicy over 20 KB", () =>
            violation(withPolicy("egress-policy", doc(httpsStatement("pub-egress"), ...grants(OVER))), URN.egressPolicy, 'bucket "pub-egress"', "20480"));

        it("a legacy inline object policy over 20 KB", () => {
            const stack = withPolicy("egress", { Version: "2012-10-17", Statement: [httpsStatement("pub-egress"), ...grants(OVER)] }, legacyStack());
            violation(stack, URN.egress, "inline on Bucket");
        });

        it("over the limit even without the unknown parts", () =>
            violation(withPolicy("egress-policy", doc(...grants(OVER + 40, () => `arn:aws:iam::222222222222:role/${U}`))), URN.egressPolicy, "or more"));

        it("a managed IAM policy over 6,144 characters", () => {
            const stack = compliantStack();
            stack.push(res(T.iamPolicy, "big", { policy: doc(...statementsOfChars(LIMITS.managedPolicyChars)) }));
            violation(stack, urn(T.iamPolicy, "big"), "6144");
        });

        it("a role's inline policies over 10,240 characters in total, none over alone", () => {
            const stack = compliantStack();
            const half = doc(...statementsOfChars(LIMITS.roleInlineChars / 2));
            find(stack, "replication-permissions").inputs.policy = half;
            find(stack, "replication-role").inputs.inlinePolicies = [{ name: "extra", policy: half }];
            violation(stack, URN.replicationRole, "10240");
        });

        it("a RolePolicy is counted once when the role's inlinePolicies list it too", () => {
            const stack = compliantStack();
            const half = doc(...statementsOfChars(LIMITS.roleInlineChars / 2 + 100));
            find(stack, "replication-permissions").inputs.policy = half;
            find(stack, "replication-role").inputs.inlinePolicies = [{ name: "replicate", policy: half }];
            assertAllCompliant(decide(stack).filter((d) => d.urn === URN.replicationRole));
        });

        it("more than 1,000 replication rules", () => {
            const stack = compliantStack();
            const r = find(stack, "egress-replication");
            const rule = r.inputs.rules[0];
            r.inputs.rules = Array.from({ length: LIMITS.replicationRules + 1 }, (_, i) => ({ ...rule, id: `r${i}`, priority: i }));
            violation(stack, URN.egressReplication, "1001 rules");
        });

        it("is reported at mandatory level", () => {
            const v = reported(withPolicy("egress-policy", doc(httpsStatement("pub-egress"), ...grants(OVER))));
            assert.deepStrictEqual(
                v.map((x) => [x.enforcementLevel, x.urn]),
                [["mandatory", URN.egressPolicy]],
            );
        });
    });

    describe("unknown values", () => {
        it("a bucket policy unknown until apply", () => undecided(withPolicy("egress-policy", U), URN.egressPolicy));

        it("a document near the limit with unknown ARNs", () => {
            const known = grants(OVER - 2);
            const stack = withPolicy("egress-policy", doc(httpsStatement("pub-egress"), ...known, ...grants(2, () => U)));
            undecided(stack, URN.egressPolicy);
        });

        it("replication rules unknown", () => {
            const stack = compliantStack();
            find(stack, "egress-replication").inputs.rules = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
            undecided(stack, URN.egressReplication);
        });

        it("an inline policy unknown on a role", () => {
            const stack = withPolicy("replication-permissions", U);
            undecided(stack, URN.replicationRole);
        });
    });
});
