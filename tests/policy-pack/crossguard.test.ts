// End to end through @pulumi/policy's own analyzer server: start the pack in a
// child process (never in this one: constructing the PolicyPack serves gRPC) and
// call it the way the Pulumi engine does, with unknown values as the engine sends
// them and props behind the library's unknown-checking proxy.

import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { emitJavaScript } from "../../policy-pack/bench";
import type { ExportResource } from "../../policy-pack/offline";
import {
    accountProvider,
    compliantStack,
    doc,
    find,
    httpsStatement,
    logBucketStack,
    logDeliveryStatement,
    nativeStack,
    NURN,
    PARTNER_ACCOUNT,
    providerRef,
    res,
    T,
    tlsStatement,
    unknownEverywhere,
    URN,
    without,
} from "./fixtures";

const PACK = path.join(__dirname, "..", "..", "policy-pack");
const load = (m: string) => require(require.resolve(m, { paths: [PACK] }));

describe("policy pack over CrossGuard's gRPC protocol", function () {
    this.timeout(30_000);
    let child: ChildProcess;
    let scratch: string;
    let client: any;
    let pb: any;
    let structpb: any;

    before(async () => {
        const grpc = load("@grpc/grpc-js");
        const services = load("@pulumi/pulumi/proto/analyzer_grpc_pb");
        pb = load("@pulumi/pulumi/proto/analyzer_pb");
        structpb = load("google-protobuf/google/protobuf/struct_pb");
        // Compiled from the current sources (as `npm ci` builds bin/), so the test
        // never runs a stale build; NODE_PATH lets it find the pack's dependencies.
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-grpc-"));
        // The TypeScript instance ts-node already warmed up in this process.
        emitJavaScript(scratch, require("typescript"));
        child = spawn(process.execPath, [path.join(scratch, "index.js")], {
            cwd: PACK,
            env: { ...process.env, NODE_PATH: path.join(PACK, "node_modules") },
        });
        const port = await new Promise<string>((resolve, reject) => {
            let err = "";
            child.stderr?.on("data", (d) => (err += d));
            child.stdout?.once("data", (d) => resolve(String(d).trim()));
            child.once("exit", (code) => reject(new Error(`pack exited with ${code}: ${err}`)));
        });
        client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        child?.kill();
        fs.rmSync(scratch, { recursive: true, force: true });
    });

    const call = (method: string, request: unknown): Promise<any> =>
        new Promise((resolve, reject) => client[method](request, (e: Error | null, v: unknown) => (e ? reject(e) : resolve(v))));

    function resource(r: ExportResource, Kind: any) {
        const ar = new Kind();
        ar.setUrn(r.urn);
        ar.setType(r.type);
        ar.setName(r.urn.split("::").pop());
        ar.setProperties(structpb.Struct.fromJavaScript(r.inputs ?? {}));
        const opts = new pb.AnalyzerResourceOptions();
        opts.setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
        ar.setOptions(opts);
        return ar;
    }

    /** The stack through AnalyzeStack; `withoutProviderResources` leaves the provider resources out of the list, sending each only with its resources. */
    async function analyzeStack(stack: ExportResource[], withoutProviderResources = false) {
        const req = new pb.AnalyzeStackRequest();
        for (const r of stack) {
            if (withoutProviderResources && r.type.startsWith("pulumi:providers:")) {
                continue;
            }
            const ar = resource(r, pb.AnalyzerResource);
            // The engine sends each resource's provider with it (its URN, type and inputs).
            const provider = r.provider ? stack.find((x) => `${x.urn}::${x.id}` === r.provider) : undefined;
            if (provider) {
                const pr = new pb.AnalyzerProviderResource();
                pr.setUrn(provider.urn);
                pr.setType(provider.type);
                pr.setName(provider.urn.split("::").pop());
                pr.setProperties(structpb.Struct.fromJavaScript(provider.inputs ?? {}));
                ar.setProvider(pr);
            }
            ar.setDependenciesList(r.dependencies ?? []);
            for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
                const deps = new pb.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                ar.getPropertydependenciesMap().set(k, deps);
            }
            req.addResources(ar);
        }
        const resp = await call("analyzeStack", req);
        return resp.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), urn: d.getUrn(), message: d.getMessage() }));
    }

    it("announces the pack's policies with their levels", async () => {
        const info = await call("getAnalyzerInfo", new (load("google-protobuf/google/protobuf/empty_pb").Empty)());
        const MANDATORY = pb.EnforcementLevel.MANDATORY;
        assert.deepStrictEqual(
            info
                .getPoliciesList()
                .filter((p: any) => p.getEnforcementlevel() === MANDATORY)
                .map((p: any) => p.getName()),
            [
                "s3-transfer-https-only",
                "s3-transfer-no-public-access",
                "s3-transfer-replication-requires-versioning",
                "s3-transfer-replication-requirements",
                "s3-transfer-default-encryption",
                "s3-transfer-replication-owner-and-kms",
                "s3-transfer-replication-role-least-privilege",
                "s3-transfer-replication-role-permissions",
                "s3-transfer-aws-hard-limits",
            ],
        );
    });

    it("passes a compliant stack", async () => assert.deepStrictEqual(await analyzeStack(compliantStack()), []));

    // Pulumi's AWSGuard reads only the bucket's inline logging, so it flags every
    // bucket of such a program, the log bucket included.
    it("passes a v7 program that logs through BucketLogging into a log bucket of its own", async () => assert.deepStrictEqual(await analyzeStack(logBucketStack()), []));

    it("reports an unlogged data bucket and an unpinned log delivery grant, at advisory level", async () => {
        const stack = without(logBucketStack(), "egress-logging");
        const grant = logDeliveryStatement("pub-logs", ["pub-ingress"]);
        delete grant.Condition;
        find(stack, "logs-policy").inputs.policy = doc(httpsStatement("pub-logs"), tlsStatement("pub-logs"), grant);
        const ds = await analyzeStack(stack);
        assert.deepStrictEqual(
            ds.map((d: { policy: string; level: number; urn: string }) => [d.policy, d.level, d.urn]),
            [
                ["s3-transfer-access-logging", pb.EnforcementLevel.ADVISORY, URN.egress],
                ["s3-transfer-log-delivery-grant", pb.EnforcementLevel.ADVISORY, URN.logsPolicy],
            ],
        );
    });

    it("with every string unknown, reports the one known violation and advisory notes, never a 'can't run'", async () => {
        const stack = unknownEverywhere(compliantStack());
        find(stack, "egress-public-access-block").inputs.blockPublicPolicy = false;
        const ds = await analyzeStack(stack);
        const mandatory = ds.filter((d: { level: number }) => d.level === pb.EnforcementLevel.MANDATORY);
        assert.deepStrictEqual(
            mandatory.map((d: { policy: string; urn: string }) => [d.policy, d.urn]),
            [["s3-transfer-no-public-access", URN.egressPublicAccessBlock]],
        );
        assert.ok(ds.some((d: { policy: string }) => d.policy === "s3-transfer-preview-undecided"));
        assert.ok(ds.every((d: { message: string }) => !/can't run policy/.test(d.message)));
    });

    it("passes a compliant @pulumi/aws-native program", async () => assert.deepStrictEqual(await analyzeStack(nativeStack()), []));

    it("decides accounts from the providers the engine sends: an account-level block through a provider for another account covers no bucket here", async () => {
        const stack = nativeStack();
        const partner = accountProvider("partner", PARTNER_ACCOUNT);
        delete find(stack, "egress").inputs.publicAccessBlockConfiguration;
        stack.push(partner, {
            ...res(T.accountPab, "account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
            provider: providerRef(partner),
        });
        for (const withoutProviderResources of [false, true]) {
            const mandatory = (await analyzeStack(stack, withoutProviderResources)).filter((d: { level: number }) => d.level === pb.EnforcementLevel.MANDATORY);
            assert.deepStrictEqual(
                mandatory.map((d: { policy: string; urn: string }) => [d.policy, d.urn]),
                [["s3-transfer-no-public-access", NURN.egress]],
            );
            assert.match(mandatory[0].message, /covers nothing here/);
        }
    });

    it("runs resource policies on each resource's inputs", async () => {
        const role = find(compliantStack(), "replication-role");
        role.inputs.assumeRolePolicy = JSON.stringify({
            Statement: [
                { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } },
            ],
        });
        const resp = await call("analyze", resource(role, pb.AnalyzeRequest));
        assert.deepStrictEqual(
            resp.getDiagnosticsList().map((d: any) => d.getPolicyname()),
            ["s3-transfer-replication-trust-source"],
        );
    });
});
