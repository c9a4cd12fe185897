import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { oncePer } from "../../policy-pack/lib/once";
import { coversEveryAddress } from "../../policy-pack/lib/conditions";
import { pinsCaller } from "../../policy-pack/lib/conditions";
import { coversAllObjects, coversBucket, documentSize, globMatch, readDocument, Statement } from "../../policy-pack/lib/policy-document";
import { stackIndexFor } from "../../policy-pack/lib/stack-index";
import {
    bucketNameFromRef,
    decodeExportValue,
    rawProps,
    readBool,
    readList,
    readObject,
    readString,
    roleNameFromRef,
    UNKNOWN,
    UNKNOWN_SENTINELS,
} from "../../policy-pack/lib/values";
import { toPolicyResources } from "../../policy-pack/offline";
import { compliantStack, find, res, T, U, urn, v6SplitStack } from "./fixtures";

const PACK = path.join(__dirname, "..", "..", "policy-pack");

// @pulumi/policy's proxy module loads in milliseconds (the package index pulls in
// @pulumi/pulumi), and is what CrossGuard wraps every resource's props with.
const proxy: { unknownCheckingProxy<T>(o: T): T } = require(require.resolve("@pulumi/policy/proxy", { paths: [PACK] }));

describe("policy-pack lib: values", () => {
    it("knows exactly the unknown sentinels @pulumi/policy sends", () => {
        const src = fs.readFileSync(require.resolve("@pulumi/policy/proxy", { paths: [PACK] }), "utf8");
        const theirs = [...src.matchAll(/exports\.unknown\w+Value = "([0-9a-f-]{36})"/g)].map((m) => m[1]).sort();
        assert.strictEqual(theirs.length, 7);
        assert.deepStrictEqual([...UNKNOWN_SENTINELS].sort(), theirs);
    });

    it("reads raw props behind CrossGuard's unknown-checking proxy without throwing", () => {
        const props = proxy.unknownCheckingProxy({ bucket: U, versioningConfiguration: { status: U } });
        assert.throws(() => (props as { bucket: unknown }).bucket, /can't be known during preview/);
        const raw = rawProps(props);
        assert.strictEqual(raw.bucket, U);
        assert.strictEqual(readString(raw.bucket), UNKNOWN);
        assert.deepStrictEqual(rawProps({ a: 1 }), { a: 1 });
    });

    it("reads strings, booleans, lists and objects with absent and unknown kept apart", () => {
        assert.strictEqual(readString(undefined), undefined);
        assert.strictEqual(readString(""), undefined);
        assert.strictEqual(readString(`arn:aws:s3:::${U}/*`), UNKNOWN);
        assert.strictEqual(readBool("false"), false);
        assert.strictEqual(readBool(true), true);
        assert.strictEqual(readBool("1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"), UNKNOWN);
        assert.deepStrictEqual(readList("s3:*"), ["s3:*"]);
        assert.strictEqual(readList("6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"), UNKNOWN);
        assert.deepStrictEqual(readObject([{ enabled: true }]), { enabled: true });
        assert.strictEqual(readObject([]), undefined);
    });

    it("decodes secrets of a stack export and treats encrypted ones as unknown", () => {
        const sig = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
        assert.deepStrictEqual(decodeExportValue({ policy: { ...sig, plaintext: JSON.stringify("{}") } }), { policy: "{}" });
        assert.deepStrictEqual(decodeExportValue({ policy: { ...sig, ciphertext: "xyz" } }), { policy: U });
    });

    it("names buckets and roles from ARNs", () => {
        assert.strictEqual(bucketNameFromRef("arn:aws:s3:::b1/*"), "b1");
        assert.strictEqual(bucketNameFromRef("b1"), "b1");
        assert.strictEqual(roleNameFromRef("arn:aws:iam::111111111111:role/service/r1"), "r1");
    });
});

describe("policy-pack lib: policy documents", () => {
    const statement = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b", Condition: { Bool: { "aws:SecureTransport": false } } };

    function first(v: unknown): Statement {
        const d = readDocument(v);
        assert.strictEqual(d.state, "known");
        return (d as { statements: Statement[] }).statements[0];
    }

    it("reads the same statement from a JSON string and from an object", () => {
        const fromString = first(JSON.stringify({ Statement: [statement] }));
        const fromObject = first({ Statement: statement });
        assert.deepStrictEqual(fromString, fromObject);
        assert.deepStrictEqual(fromObject.actions, ["s3:*"]);
        assert.deepStrictEqual(fromObject.resources, ["arn:aws:s3:::b"]);
        assert.deepStrictEqual(fromObject.conditions, [{ operator: "Bool", op: "bool", key: "aws:securetransport", values: [false] }]);
    });

    it("reads principals given as *, {AWS: *}, lists and services", () => {
        assert.strictEqual(first({ Statement: { ...statement, Principal: "*" } }).principal?.wildcard, true);
        assert.strictEqual(first({ Statement: { ...statement, Principal: { AWS: "*" } } }).principal?.wildcard, true);
        assert.strictEqual(first({ Statement: { ...statement, Principal: { AWS: ["arn:aws:iam::1:root", "*"] } } }).principal?.wildcard, true);
        const svc = first({ Statement: { ...statement, Principal: { Service: ["s3.amazonaws.com"] } } }).principal;
        assert.strictEqual(svc?.wildcard, false);
        assert.deepStrictEqual(svc?.service, ["s3.amazonaws.com"]);
    });

    it("tells absent, unknown and invalid documents apart", () => {
        assert.strictEqual(readDocument(undefined).state, "absent");
        assert.strictEqual(readDocument(U).state, "unknown");
        assert.strictEqual(readDocument(`{"Statement": [{"Resource": "${U}"`).state, "unknown");
        assert.strictEqual(readDocument("{not json").state, "invalid");
        assert.strictEqual(readDocument({ Version: "2012-10-17" }).state, "invalid");
    });

    it("keeps unknown values inside a known document as UNKNOWN", () => {
        const s = first({ Statement: { ...statement, Resource: [`arn:aws:s3:::${U}`, "arn:aws:s3:::b/*"] } });
        assert.deepStrictEqual(s.resources, [UNKNOWN, "arn:aws:s3:::b/*"]);
    });

    it("matches IAM wildcards and bucket/object coverage", () => {
        assert.ok(globMatch("arn:aws:s3:::b*", "arn:aws:s3:::b/x"));
        assert.ok(!globMatch("arn:aws:s3:::b", "arn:aws:s3:::bb"));
        assert.ok(coversBucket("arn:aws:s3:::b", "b", "aws"));
        assert.ok(!coversBucket("arn:aws:s3:::b/*", "b", "aws"));
        assert.ok(coversAllObjects("arn:aws:s3:::b/*", "b", "aws"));
        assert.ok(coversAllObjects("arn:aws:s3:::*", "b", "aws"));
        assert.ok(coversAllObjects("*", "b", "aws"));
        assert.ok(!coversAllObjects("arn:aws:s3:::b/in/*", "b", "aws"));
        assert.ok(!coversAllObjects("arn:aws:s3:::other/*", "b", "aws"));
    });

    it("recognises conditions that pin a wildcard principal", () => {
        const conds = (c: unknown) => first({ Statement: { ...statement, Condition: c } }).conditions;
        assert.strictEqual(pinsCaller(conds({ StringEquals: { "aws:PrincipalOrgID": "o-abc" } })), true);
        assert.strictEqual(pinsCaller(conds({ StringEquals: { "AWS:SourceVpce": ["vpce-1"] } })), true);
        assert.strictEqual(pinsCaller(conds({ StringNotEquals: { "aws:PrincipalAccount": "1" } })), false);
        assert.strictEqual(pinsCaller(conds({ StringLike: { "aws:PrincipalAccount": "*" } })), false);
        assert.strictEqual(pinsCaller(conds({ StringEquals: { "aws:PrincipalAccount": U } })), UNKNOWN);
    });

    it("measures documents as AWS does and bounds unknown strings", () => {
        const pretty = JSON.stringify({ Statement: [statement] }, null, 4);
        const known = readDocument(pretty);
        assert.strictEqual(known.state, "known");
        if (known.state !== "known") return;
        assert.deepStrictEqual(documentSize(known, "chars"), { min: JSON.stringify({ Statement: [statement] }).length, max: JSON.stringify({ Statement: [statement] }).length });
        const partial = readDocument({ Statement: [{ ...statement, Resource: U }] });
        if (partial.state !== "known") throw new Error("expected known");
        const size = documentSize(partial, "bytes");
        assert.strictEqual(size.max, size.min + 2048);
        const unbounded = readDocument({ Statement: [{ ...statement, Resource: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2" }] });
        if (unbounded.state !== "known") throw new Error("expected known");
        assert.strictEqual(documentSize(unbounded, "bytes").max, undefined);
    });
});

describe("policy-pack lib: stack index", () => {
    const index = (stack: ReturnType<typeof compliantStack>) => stackIndexFor(toPolicyResources(stack));
    const settingsOf = (stack: ReturnType<typeof compliantStack>, bucketLogical: string) => {
        const b = index(stack).buckets.find((x) => x.res.name === bucketLogical);
        assert.ok(b);
        return b.settings;
    };

    it("correlates every split setting with its bucket by name", () => {
        const s = settingsOf(compliantStack(), "egress");
        assert.deepStrictEqual(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.map((r) => r.name)])), {
            versioning: ["egress-versioning"],
            encryption: ["egress-encryption"],
            publicAccessBlock: ["egress-public-access-block"],
            ownership: ["egress-ownership"],
            policy: ["egress-policy"],
            acl: [],
            replication: ["egress-replication"],
            logging: ["egress-logging"],
            requestPayment: [],
        });
    });

    it("correlates the v6 V2 tokens the same way", () => {
        const s = settingsOf(v6SplitStack(), "egress");
        assert.deepStrictEqual(
            s.versioning.map((r) => r.type),
            [T.versioningV2],
        );
        assert.deepStrictEqual(
            s.encryption.map((r) => r.type),
            [T.sseV2],
        );
    });

    it("falls back to propertyDependencies.bucket when the bucket input is unknown", () => {
        const stack = compliantStack();
        const v = find(stack, "egress-versioning");
        v.inputs.bucket = U;
        // Depending on both buckets, only the property dependency says which one it configures.
        v.dependencies = [urn(T.bucket, "ingress"), urn(T.bucket, "egress")];
        assert.deepStrictEqual(
            settingsOf(stack, "egress").versioning.map((r) => r.name),
            ["egress-versioning"],
        );
    });

    it("falls back to a lone bucket among the dependencies when propertyDependencies are missing", () => {
        const stack = compliantStack();
        const v = find(stack, "egress-versioning");
        v.inputs.bucket = U;
        v.propertyDependencies = {};
        assert.deepStrictEqual(
            settingsOf(stack, "egress").versioning.map((r) => r.name),
            ["egress-versioning"],
        );
    });

    it("matches by bucket ARN and by physical id", () => {
        const stack = compliantStack();
        const v = find(stack, "egress-versioning");
        v.inputs.bucket = "arn:aws:s3:::pub-egress";
        v.propertyDependencies = {};
        v.dependencies = [];
        const bucket = find(stack, "egress");
        bucket.inputs.bucket = U;
        const s = settingsOf(stack, "egress");
        assert.deepStrictEqual(
            s.versioning.map((r) => r.name),
            ["egress-versioning"],
        );
    });

    it("keeps settings of other buckets and unresolvable ones apart", () => {
        const stack = compliantStack();
        stack.push(res(T.policy, "elsewhere", { bucket: "someone-elses", policy: "{}" }));
        stack.push(res(T.versioning, "floating", { bucket: U, versioningConfiguration: { status: "Enabled" } }));
        const idx = index(stack);
        assert.deepStrictEqual(
            idx.external.policy.map((r) => r.name),
            ["elsewhere"],
        );
        assert.deepStrictEqual(
            idx.unresolved.versioning.map((r) => r.name),
            ["floating"],
        );
        assert.strictEqual(idx.bucketByUrn.get(urn(T.bucket, "egress"))?.settings.versioning.length, 1);
    });

    it("links roles with their RolePolicy", () => {
        const role = index(compliantStack()).roles()[0];
        assert.deepStrictEqual(
            role.rolePolicies.map((r) => r.name),
            ["replication-permissions"],
        );
    });

    it("builds one index per resource list", () => {
        const list = toPolicyResources(compliantStack());
        assert.strictEqual(stackIndexFor(list), stackIndexFor(list));
        assert.notStrictEqual(stackIndexFor(list), stackIndexFor([...list]));
    });

    it("computes a view once per key, and again for another key (oncePer)", () => {
        const seen: object[] = [];
        const view = oncePer((key: object) => {
            seen.push(key);
            return { of: key };
        });
        const [a, b] = [{}, {}];
        assert.strictEqual(view(a), view(a));
        assert.notStrictEqual(view(a), view(b));
        assert.deepStrictEqual(seen, [a, b]);
    });
});

describe("coversEveryAddress", () => {
    it("is true only when the ranges leave no IPv4 (or no IPv6) address out", () => {
        assert.strictEqual(coversEveryAddress(["0.0.0.0/0"]), true);
        assert.strictEqual(coversEveryAddress(["0.0.0.0/1", "128.0.0.0/1"]), true);
        assert.strictEqual(coversEveryAddress(["128.0.0.0/1", "10.0.0.0/8", "0.0.0.0/1"]), true, "in any order, overlaps allowed");
        assert.strictEqual(coversEveryAddress(["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/3"]), true);
        assert.strictEqual(coversEveryAddress(["0.0.0.0/1", "128.0.0.0/2", "224.0.0.0/3"]), false, "192.0.0.0/3 is missing");
        assert.strictEqual(coversEveryAddress(["::/1", "8000::/1"]), true);
        assert.strictEqual(coversEveryAddress(["::/1", "8000::/1", "203.0.113.0/24"]), true);
        assert.strictEqual(coversEveryAddress(["2001:db8::/32", "203.0.113.7"]), false);
        assert.strictEqual(coversEveryAddress(["0.0.0.0/1", "not-an-ip", "128.0.0.0/33"]), false, "unreadable values cover nothing");
    });
});
