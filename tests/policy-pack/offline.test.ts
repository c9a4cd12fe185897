import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, readRegularFile } from "../../policy-pack/check";
import { evaluateExport, evaluateResources, ExportResource, resourcesFromExport, toPolicyResources } from "../../policy-pack/offline";
import { compliantStack, find, res, T, U, urn, withPolicy, without } from "./fixtures";

const PAB_URN = urn(T.bucket, "egress");

/** The compliant stack with one mandatory violation (no public access block) and one advisory one (no ownership controls). */
function failingStack(): ExportResource[] {
    return without(compliantStack(), "egress-public-access-block", "ingress-ownership");
}

function asExport(resources: ExportResource[]) {
    return { version: 3, deployment: { manifest: { time: "2025-01-01T00:00:00Z" }, resources } };
}

describe("offline checker API", () => {
    it("reports {policy, enforcementLevel, urn, message} for a stack export", () => {
        const v = evaluateExport(asExport(failingStack()));
        assert.deepStrictEqual(
            v.map((x) => [x.policy, x.enforcementLevel, x.urn]),
            [
                ["s3-transfer-no-public-access", "mandatory", PAB_URN],
                ["s3-transfer-acls-disabled", "advisory", urn(T.bucket, "ingress")],
            ],
        );
        assert.deepStrictEqual(Object.keys(v[0]).sort(), ["enforcementLevel", "message", "policy", "urn"]);
        assert.match(v[0].message, /pub-egress/);
    });

    it("accepts the export as JSON text, its deployment, a bare array and preview --json steps", () => {
        const stack = failingStack();
        const expected = evaluateResources(stack);
        assert.deepStrictEqual(evaluateExport(JSON.stringify(asExport(stack))), expected);
        assert.deepStrictEqual(evaluateExport(asExport(stack).deployment), expected);
        assert.deepStrictEqual(evaluateExport(stack), expected);
        const steps = stack.map((r) => ({ op: "create", urn: r.urn, newState: r }));
        steps.push({ op: "delete", urn: "urn:x", newState: res(T.bucket, "gone", {}) });
        assert.deepStrictEqual(evaluateExport({ steps }), expected);
    });

    it("rejects what is not an export", () => {
        assert.throws(() => evaluateExport({ hello: 1 }), /Not a stack export/);
        assert.throws(() => evaluateExport("{"), SyntaxError);
    });

    it("skips pending deletions and read (external) resources", () => {
        const stack = failingStack();
        stack.push(res(T.bucket, "leaving", { bucket: "old" }, { delete: true }));
        stack.push(res(T.bucket, "theirs", { bucket: "partner-ingress" }, { external: true }));
        assert.deepStrictEqual(evaluateResources(stack), evaluateResources(failingStack()));
    });

    it("does not run resource policies on the stack, providers or components", () => {
        const trustless = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] });
        const stack = compliantStack();
        stack.push({ urn: urn("transfer:side:Publisher", "pub"), type: T.role, custom: false, inputs: { assumeRolePolicy: trustless } });
        stack.push({ urn: urn("pulumi:providers:aws", "p2"), type: "pulumi:providers:aws", custom: true, inputs: { assumeRolePolicy: trustless } });
        assert.deepStrictEqual(
            evaluateResources(stack).filter((v) => v.policy === "s3-transfer-replication-trust-source"),
            [],
        );
    });

    it("builds CrossGuard's PolicyResource objects: names, parents, dependencies, provider, isType", () => {
        const stack = compliantStack();
        const parentUrn = urn("transfer:storage:SecureBucket", "egress");
        stack.push({ urn: parentUrn, type: "transfer:storage:SecureBucket", custom: false });
        find(stack, "egress").parent = parentUrn;
        find(stack, "egress").provider = `${urn(T.provider, "default_7_48_0")}::prov-1`;
        const prs = toPolicyResources(stack);
        const bucket = prs.find((r) => r.urn === urn(T.bucket, "egress"));
        const versioning = prs.find((r) => r.urn === urn(T.versioning, "egress-versioning"));
        assert.ok(bucket && versioning);
        assert.strictEqual(bucket.name, "egress");
        assert.strictEqual(bucket.parent?.type, "transfer:storage:SecureBucket");
        assert.deepStrictEqual(bucket.provider?.props, { region: "eu-west-1" });
        assert.strictEqual(versioning.dependencies[0], bucket);
        assert.strictEqual(versioning.propertyDependencies.bucket[0], bucket);
        const BucketClass = { __pulumiType: T.bucket } as unknown as new () => never;
        assert.ok(bucket.isType(BucketClass));
        assert.ok(!versioning.isType(BucketClass));
        assert.strictEqual(bucket.asType(BucketClass as never), bucket.props);
    });

    it("decodes secret inputs of an export", () => {
        const stack = compliantStack();
        const p = find(stack, "egress-policy");
        p.inputs.policy = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(p.inputs.policy) };
        assert.deepStrictEqual(evaluateResources(stack), []);
    });

    describe("enforcement levels and config", () => {
        it("disables a policy", () => {
            const v = evaluateResources(failingStack(), { config: { "s3-transfer-no-public-access": { enforcementLevel: "disabled" } } });
            assert.deepStrictEqual(
                v.map((x) => x.policy),
                ["s3-transfer-acls-disabled"],
            );
        });

        it("raises an advisory policy to mandatory with the string shorthand", () => {
            const v = evaluateResources(failingStack(), { config: { "s3-transfer-acls-disabled": "mandatory" } });
            assert.deepStrictEqual(
                v.map((x) => x.enforcementLevel),
                ["mandatory", "mandatory"],
            );
        });

        it("reports remediate as mandatory, as CrossGuard does for validations", () => {
            const v = evaluateResources(failingStack(), { config: { "s3-transfer-acls-disabled": { enforcementLevel: "remediate" } } });
            assert.strictEqual(v[1].enforcementLevel, "mandatory");
        });

        it("passes policy properties through getConfig", () => {
            const v = evaluateResources(without(compliantStack(), "egress-ownership"), {
                config: { "s3-transfer-acls-disabled": { requireExplicitOwnershipControls: false } },
            });
            assert.deepStrictEqual(v, []);
        });
    });
});

describe("npm run check (policy-pack/check.ts)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), readFile: readRegularFile, readStdin: () => Promise.reject(new Error("no stdin here")) });
        return { code, out: out.join("\n"), err: err.join("\n") };
    }

    function write(name: string, value: unknown): string {
        const p = path.join(dir, name);
        fs.writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
        return p;
    }

    it("exits 0 and says so on a compliant export", async () => {
        const r = await run([write("ok.json", asExport(compliantStack()))]);
        assert.deepStrictEqual([r.code, r.out], [0, `Judged 17 resources of ${path.join(dir, "ok.json")}: no violations.`]);
    });

    it("says an export without resources judged nothing, instead of passing it", async () => {
        for (const [name, value] of [
            // `pulumi stack init` without an update exports a deployment with no resources key at all.
            ["never-deployed.json", { version: 3, deployment: { manifest: { time: "2025-01-01T00:00:00Z" }, secrets_providers: { type: "passphrase" } } }],
            ["empty.json", asExport([])],
            ["only-stack.json", asExport(compliantStack().filter((r) => r.type === T.stack || r.type === T.provider))],
            ["empty-preview.json", { steps: [], diagnostics: [] }],
        ] as const) {
            const r = await run([write(name, value)]);
            assert.strictEqual(r.code, 0, name);
            assert.match(r.out, /has no resources to judge/, name);
            assert.doesNotMatch(r.out, /no violations/i, name);
            const j = JSON.parse((await run([write(name, value), "--json"])).out);
            assert.strictEqual(j.judged, 0, name);
        }
    });

    it("judges `pulumi stack export --show-secrets` plaintext like any input, and an encrypted secret as unknown", async () => {
        const open = compliantStack();
        const policy = find(open, "ingress-policy");
        const secret = (v: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(v) });
        const publicDoc = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::pub-ingress/*" }] });
        policy.inputs.policy = secret(publicDoc);
        const r = await run([write("show-secrets.json", asExport(open))]);
        assert.strictEqual(r.code, 1);
        assert.match(r.out, /^MANDATORY +s3-transfer-no-public-access$/m);
        const sealed = compliantStack();
        find(sealed, "ingress-policy").inputs.policy = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "AAABAL..." };
        assert.doesNotMatch((await run([write("sealed.json", asExport(sealed))])).out, /MANDATORY/);
    });

    // A deployed stack's values are known: what its export does not show is a
    // secret, so the undecided note says to export with --show-secrets, not that
    // `pulumi up` will decide. A preview's unknowns are still "until apply".
    it("says an encrypted secret of a deployed stack's export needs --show-secrets, and a preview's unknown waits for apply", async () => {
        const sealed = compliantStack();
        find(sealed, "ingress-policy").inputs.policy = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "AAABAL..." };
        const deployed = (await run([write("sealed-deployed.json", asExport(sealed))])).out;
        assert.match(deployed, /^ADVISORY +s3-transfer-preview-undecided$/m);
        assert.match(deployed, /holds secret values it does not show \(exported without --show-secrets\)\. Export it again with `pulumi stack export --show-secrets/);
        assert.doesNotMatch(deployed, /pulumi up will enforce|unknown until apply/);

        const stack = withPolicy("ingress-policy", U);
        const preview = { steps: stack.map((r) => ({ op: "create", urn: r.urn, newState: r })) };
        const previewed = (await run([write("unknown-preview.json", preview)])).out;
        assert.match(previewed, /pulumi up will enforce them/);
        assert.doesNotMatch(previewed, /--show-secrets --file/);
    });

    it('reads `pulumi preview --json` steps, a "[secret]" placeholder as unknown', async () => {
        const stack = withPolicy("ingress-policy", "[secret]");
        const preview = { steps: stack.map((r) => ({ op: "create", urn: r.urn, newState: r })), changeSummary: { create: stack.length } };
        const r = await run([write("preview.json", preview)]);
        assert.strictEqual(r.code, 0);
        assert.match(r.out, /^Judged 17 resources/m);
    });

    it("exits 1 on a mandatory violation and prints policy, level, URN and message", async () => {
        const r = await run([write("bad.json", asExport(failingStack()))]);
        assert.strictEqual(r.code, 1);
        assert.match(r.out, /^MANDATORY +s3-transfer-no-public-access$/m);
        assert.ok(r.out.includes(PAB_URN));
        assert.match(r.out, /1 mandatory and 1 advisory violation\(s\)\.$/);
    });

    it("exits 0 when only advisory violations remain", async () => {
        const r = await run([write("advisory.json", asExport(without(compliantStack(), "ingress-ownership")))]);
        assert.strictEqual(r.code, 0);
        assert.match(r.out, /^ADVISORY +s3-transfer-acls-disabled$/m);
    });

    it("--json prints exactly {resources, judged, violations: [...]}", async () => {
        const r = await run([write("bad2.json", asExport(failingStack())), "--json"]);
        assert.strictEqual(r.code, 1);
        const parsed = JSON.parse(r.out);
        assert.deepStrictEqual(Object.keys(parsed), ["resources", "judged", "violations"]);
        assert.deepStrictEqual([parsed.resources, parsed.judged], [17, 15]);
        assert.deepStrictEqual(parsed.violations, evaluateExport(asExport(failingStack())));
    });

    it("--config applies per-policy levels", async () => {
        const cfg = write("cfg.json", { "s3-transfer-no-public-access": "advisory" });
        const r = await run([write("bad3.json", asExport(failingStack())), "--config", cfg]);
        assert.deepStrictEqual([r.code, r.err], [0, ""]);
    });

    it("exits 2 on usage and input errors", async () => {
        assert.strictEqual((await run([])).code, 2);
        assert.strictEqual((await run(["--bogus", "x"])).code, 2);
        assert.strictEqual((await run([write("a.json", []), write("b.json", [])])).code, 2);
    });

    it("exits 2 on an unreadable or invalid file, naming it and the fix, with no stack trace", async () => {
        const missing = path.join(dir, "missing.json");
        for (const [args, file, what] of [
            [[missing], missing, /cannot read export .*ENOENT/],
            [[write("notjson.json", "{")], path.join(dir, "notjson.json"), /is not valid JSON/],
            [[write("shape.json", { hello: 1 })], path.join(dir, "shape.json"), /is not an export: it is an object without a "deployment" \(its keys: hello\)/],
            [[write("ok2.json", asExport(compliantStack())), "--config", missing], missing, /cannot read policy config/],
            [
                [write("ok3.json", asExport(compliantStack())), "--config", write("cfg-bad.json", "[1]")],
                path.join(dir, "cfg-bad.json"),
                /a JSON array, not an object of policy names/,
            ],
        ] as const) {
            const r = await run([...args]);
            assert.strictEqual(r.code, 2, r.err);
            assert.ok(r.err.includes(file), r.err);
            assert.match(r.err, what);
            assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
            assert.strictEqual(r.out, "");
        }
        assert.match((await run([missing])).err, /pulumi stack export --file/);
    });

    it("runs as compiled JavaScript (what `npm run check` starts: policy-pack/bin/check.js), with exit codes 0, 1 and 2", () => {
        const { emitJavaScript } = require("../../policy-pack/bench") as typeof import("../../policy-pack/bench");
        const { spawnSync } = require("child_process") as typeof import("child_process");
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-bin-"));
        try {
            emitJavaScript(out);
            const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(out, "check.js"), ...args], { encoding: "utf8" });
            const ok = cli(write("bin-ok.json", asExport(compliantStack())));
            assert.deepStrictEqual([ok.status, ok.stdout.trim()], [0, `Judged 17 resources of ${path.join(dir, "bin-ok.json")}: no violations.`]);
            assert.strictEqual(cli(write("bin-bad.json", asExport(failingStack()))).status, 1);
            const missing = cli(path.join(dir, "bin-missing.json"));
            assert.strictEqual(missing.status, 2);
            assert.match(missing.stderr, /bin-missing\.json/);
            assert.doesNotMatch(missing.stderr, /\n\s+at /);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it("reads every resource of an export with hundreds of entries", () => {
        const stack = compliantStack();
        for (let i = 0; i < 200; i++) stack.push(res("aws:sns/topic:Topic", `t${i}`, { name: `t${i}` }));
        assert.strictEqual(resourcesFromExport(asExport(stack)).length, stack.length);
    });
});
