// Uploads the counterpart could never read: aws:kms without a key id lands under
// aws/s3 (S3 API PutObject, x-amz-server-side-encryption-aws-kms-key-id), and
// SSE-C objects replicate into replicas readable only with the uploader's key.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
import * as assert from "assert";
import { encryptionUploadDenies } from "../../policy-pack/policies/encryption-upload-denies";
import { ExportResource } from "../../policy-pack/offline";
import { compliantStack, doc, find, httpsStatement, legacyStack, nativeStack, SOURCE_KEY, tlsStatement, U, URN, v2InlineStack, v6SplitStack, withPolicy } from "./fixtures";
import { forPolicy, only } from "./harness";

const { decide, reported, compliant, violation, undecided } = forPolicy(encryptionUploadDenies);

const KEY_ID = "s3:x-amz-server-side-encryption-aws-kms-key-id";
const SSE_C = "s3:x-amz-server-side-encryption-customer-algorithm";
const put = (bucket: string, condition: Record<string, unknown>, action: unknown = "s3:PutObject") => ({
    Effect: "Deny",
    Principal: "*",
    Action: action,
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: condition,
});
const KMS_DENY = (b: string) => put(b, { StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" }, Null: { [KEY_ID]: "true" } });
const SSEC_DENY = (b: string) => put(b, { Null: { [SSE_C]: "false" } });

/** The compliant stack with SSE-KMS on egress and both denies in its policy (and the SSE-C deny on ingress, which does not replicate). */
function protectedStack(extra: (b: string) => Record<string, unknown>[] = (b) => [KMS_DENY(b), SSEC_DENY(b)]): ExportResource[] {
    const stack = compliantStack();
    find(stack, "egress-encryption").inputs.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: SOURCE_KEY }, bucketKeyEnabled: true }];
    find(stack, "egress-policy").inputs.policy = doc(httpsStatement("pub-egress"), tlsStatement("pub-egress"), ...extra("pub-egress"));
    return stack;
}

describe("s3-transfer-encryption-upload-denies", () => {
    describe("compliant", () => {
        it("SSE-KMS bucket refusing aws:kms without a key id, replicating bucket refusing SSE-C (v7)", () => compliant(protectedStack()));

        it("the key-id deny as a negated test with no Null guard, key and operator in other cases, s3:Put* action", () =>
            compliant(protectedStack((b) => [put(b, { stringnotequals: { [KEY_ID.toUpperCase()]: SOURCE_KEY } }, "s3:Put*"), SSEC_DENY(b)])));

        it("legacy inline policy object and BucketV2 inline string", () => {
            compliant(legacyStack());
            compliant(v2InlineStack());
        });

        it("an SSE-S3 bucket that does not replicate needs neither", () => {
            const stack = compliantStack();
            for (const name of ["egress-policy", "ingress-policy"]) {
                const p = find(stack, name);
                p.inputs.policy = JSON.stringify({ Statement: JSON.parse(p.inputs.policy).Statement.filter((st: { Sid?: string }) => st.Sid !== "DenySseC") });
            }
            assert.deepStrictEqual(
                only(decide(stack), "violation").map((d) => d.urn),
                [URN.egressPolicy],
                "only the replicating egress bucket is judged",
            );
        });
    });

    describe("violations", () => {
        it("SSE-KMS without the key-id deny", () =>
            violation(
                protectedStack((b) => [SSEC_DENY(b)]),
                URN.egressPolicy,
                "aws/s3",
                `"${KEY_ID}": "true"`,
            ));

        it("the program's own 'other keys' deny keeps uploads without a key id allowed (Null false guard)", () =>
            violation(
                protectedStack((b) => [put(b, { StringNotEquals: { [KEY_ID]: SOURCE_KEY }, Null: { [KEY_ID]: "false" } }), SSEC_DENY(b)]),
                URN.egressPolicy,
                "aws/s3",
            ));

        it("the key-id deny narrowed by another condition does not count", () =>
            violation(
                protectedStack((b) => [put(b, { Null: { [KEY_ID]: "true" }, StringEquals: { "aws:PrincipalAccount": "333333333333" } }), SSEC_DENY(b)]),
                URN.egressPolicy,
                "aws/s3",
            ));

        const dropSseC = (v: unknown): unknown => {
            if (typeof v === "string" && v.includes('"DenySseC"')) {
                const d = JSON.parse(v);
                d.Statement = d.Statement.filter((st: { Sid?: string }) => st.Sid !== "DenySseC");
                return JSON.stringify(d);
            }
            if (v && typeof v === "object" && Array.isArray((v as { Statement?: unknown }).Statement)) {
                return { ...v, Statement: (v as { Statement: { Sid?: string }[] }).Statement.filter((st) => st.Sid !== "DenySseC") };
            }
            return v;
        };
        for (const [form, build] of [
            ["v7", compliantStack],
            ["v6 V2 tokens", v6SplitStack],
            ["legacy inline", legacyStack],
            ["BucketV2 inline", v2InlineStack],
        ] as const) {
            it(`${form}: a replicating bucket without the SSE-C deny`, () => {
                const stack = build();
                compliant(stack);
                for (const r of stack) if (r.inputs?.policy !== undefined) r.inputs.policy = dropSseC(r.inputs.policy);
                const ds = decide(stack);
                const v = only(ds, "violation").filter((d) => /SSE-C/.test(d.message));
                assert.strictEqual(v.length, 1);
                assert.match(v[0].message, new RegExp(`"${SSE_C}": "false"`));
            });
        }

        it("the fix names the stack's partition", () => {
            const stack: ExportResource[] = JSON.parse(JSON.stringify(compliantStack()).split("arn:aws:").join("arn:aws-us-gov:").split('"eu-west-1"').join('"us-gov-west-1"'));
            for (const r of stack) if (r.inputs?.policy !== undefined) r.inputs.policy = dropSseC(r.inputs.policy);
            const v = only(decide(stack), "violation");
            assert.ok(v.length > 0 && v.every((d) => d.message.includes("arn:aws-us-gov:s3:::pub-egress/*")), JSON.stringify(v));
        });

        it("is reported at advisory level", () => {
            const v = reported(protectedStack((b) => [SSEC_DENY(b)]));
            assert.deepStrictEqual(
                v.map((x) => [x.enforcementLevel, x.urn]),
                [["advisory", URN.egressPolicy]],
            );
        });
    });

    it("undecided while the policy is unknown", () => {
        const stack = withPolicy("egress-policy", U, protectedStack());
        undecided(stack, URN.egressPolicy);
    });
});

// S3 can block SSE-C uploads itself: an encryption rule's blockedEncryptionTypes ["SSE-C"]
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-s3-c-encryption-setting-faq.html).
describe("s3-transfer-encryption-upload-denies: SSE-C blocked by the encryption configuration", () => {
    const dropDeny = (stack: ExportResource[]) => {
        const p = find(stack, "egress-policy");
        const d = JSON.parse(p.inputs.policy);
        d.Statement = d.Statement.filter((s: { Sid?: string }) => s.Sid !== "DenySseC");
        p.inputs.policy = JSON.stringify(d);
        return stack;
    };
    it("compliant: a classic encryption rule with blockedEncryptionTypes SSE-C and no policy deny", () => {
        const stack = dropDeny(compliantStack());
        find(stack, "egress-encryption").inputs.rules[0].blockedEncryptionTypes = ["SSE-C"];
        compliant(stack);
    });
    it("compliant: the same on an aws-native bucket (blockedEncryptionTypes.encryptionType)", () => {
        const stack = nativeStack();
        const egress = find(stack, "egress");
        egress.inputs.bucketEncryption.serverSideEncryptionConfiguration[0].blockedEncryptionTypes = { encryptionType: ["SSE-C"] };
        const policy = find(stack, "egress-policy").inputs.policyDocument;
        policy.Statement = policy.Statement.filter((s: { Sid?: string }) => s.Sid !== "DenySseC");
        compliant(stack);
    });
    it("violation: neither the rule (blockedEncryptionTypes NONE) nor the policy refuses SSE-C", () => {
        const stack = dropDeny(compliantStack());
        find(stack, "egress-encryption").inputs.rules[0].blockedEncryptionTypes = ["NONE"];
        violation(stack, URN.egressPolicy, "neither its policy nor its encryption configuration refuses SSE-C");
    });
});
