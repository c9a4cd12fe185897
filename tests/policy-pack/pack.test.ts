import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { ReportViolation, ResourceValidationArgs, StackValidationArgs, TransferPolicy } from "../../policy-pack/lib/policy-kit";
import { TYPES } from "../../policy-pack/lib/types";
import { policies } from "../../policy-pack/policies";
import { MANDATORY_POLICIES, previewUndecided } from "../../policy-pack/policies/preview-undecided";
import { evaluateResources, toPolicyResources } from "../../policy-pack/offline";
import { compliantStack, find, legacyStack, logBucketStack, unknownEverywhere, v2InlineStack, v6SplitStack } from "./fixtures";

const PACK = path.join(__dirname, "..", "..", "policy-pack");
const proxy: { unknownCheckingProxy<T>(o: T): T } = require(require.resolve("@pulumi/policy/proxy", { paths: [PACK] }));

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" || e.name === "bin" ? [] : sources(p);
        return e.name.endsWith(".ts") ? [p] : [];
    });
}

describe("policy pack", () => {
    it("has exactly these policies, in this order, at these levels", () => {
        assert.deepStrictEqual(
            policies.map((p) => [p.name, p.enforcementLevel]),
            [
                ["s3-transfer-https-only", "mandatory"],
                ["s3-transfer-no-public-access", "mandatory"],
                ["s3-transfer-replication-requires-versioning", "mandatory"],
                ["s3-transfer-replication-requirements", "mandatory"],
                ["s3-transfer-default-encryption", "mandatory"],
                ["s3-transfer-replication-owner-and-kms", "mandatory"],
                ["s3-transfer-replication-role-least-privilege", "mandatory"],
                ["s3-transfer-replication-role-permissions", "mandatory"],
                ["s3-transfer-aws-hard-limits", "mandatory"],
                ["s3-transfer-minimum-tls", "advisory"],
                ["s3-transfer-replication-trust-source", "advisory"],
                ["s3-transfer-cross-account-external-id", "advisory"],
                ["s3-transfer-acls-disabled", "advisory"],
                ["s3-transfer-replication-depends-on-versioning", "advisory"],
                ["s3-transfer-access-logging", "advisory"],
                ["s3-transfer-log-delivery-grant", "advisory"],
                ["s3-transfer-encryption-upload-denies", "advisory"],
                ["s3-transfer-preview-undecided", "advisory"],
            ],
        );
    });

    it("takes its mandatory policies from the one list whose undecided checks preview-undecided reports by default", () => {
        assert.deepStrictEqual(
            policies.filter((p) => p.enforcementLevel === "mandatory"),
            [...MANDATORY_POLICIES],
        );
        assert.deepStrictEqual(
            previewUndecided.defaults.policies,
            MANDATORY_POLICIES.map((p) => p.name),
        );
    });

    it("checks cross-resource rules in stack policies and single resources in resource policies", () => {
        assert.deepStrictEqual(
            policies.filter((p) => p.kind === "resource").map((p) => p.name),
            ["s3-transfer-replication-trust-source", "s3-transfer-cross-account-external-id"],
        );
        for (const p of policies) {
            assert.strictEqual(typeof (p.kind === "stack" ? p.validateStack : p.validateResource), "function", p.name);
        }
    });

    it("describes every policy and documents each config property with the default the code uses", () => {
        for (const p of policies) {
            assert.ok(p.description.length >= 60, `${p.name} needs a description a user can act on`);
            assert.ok(p.remediationSteps && p.remediationSteps.length > 20, `${p.name} needs remediation steps`);
            const schema = p.configSchema?.properties ?? {};
            assert.deepStrictEqual(Object.keys(schema).sort(), Object.keys(p.defaults).sort(), `${p.name}: schema and defaults disagree`);
            for (const [k, s] of Object.entries(schema)) {
                assert.deepStrictEqual(typeof s === "object" ? s.default : undefined, (p.defaults as Record<string, unknown>)[k], `${p.name}.${k} default`);
            }
        }
    });

    it("keeps one policy per file under policies/, each listed once", () => {
        const dir = path.join(PACK, "policies");
        const files = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts");
        const listed = new Set<TransferPolicy>(policies);
        const found: string[] = [];
        for (const f of files) {
            const mod = require(path.join(dir, f)) as Record<string, unknown>;
            const own = Object.values(mod).filter((v): v is TransferPolicy => typeof v === "object" && v !== null && "kind" in v && listed.has(v as TransferPolicy));
            assert.strictEqual(own.length, 1, `${f} must export exactly one policy`);
            assert.strictEqual(own[0].name, `s3-transfer-${f.replace(/\.ts$/, "")}`, `${f} is named after its policy`);
            found.push(own[0].name);
        }
        assert.deepStrictEqual(found.sort(), policies.map((p) => p.name).sort());
    });

    it("constructs the PolicyPack only in index.ts, and loads no Pulumi runtime elsewhere", () => {
        for (const file of sources(PACK)) {
            const rel = path.relative(PACK, file);
            const text = fs.readFileSync(file, "utf8");
            if (rel === "index.ts") {
                assert.match(text, /new PolicyPack\(/);
                continue;
            }
            assert.doesNotMatch(text, /new PolicyPack\(/, rel);
            const runtimeImports = [...text.matchAll(/^import (?!type )[^;]*from "(@pulumi\/[^"]+)"/gm)].map((m) => m[1]);
            assert.deepStrictEqual(runtimeImports, [], `${rel} must import @pulumi packages as types only`);
            assert.doesNotMatch(text, /require\("@pulumi\//, rel);
        }
    });

    // `pulumi policy publish` runs `npm pack` in the pack's folder (pulumi/pulumi,
    // sdk/nodejs/npm: npmManager.Pack) and uploads the tarball, which the service
    // installs and runs by package.json "main"; PulumiPolicy.yaml needs `runtime`
    // (https://www.pulumi.com/docs/discovery-governance/reference/policy-project-file/).
    it("packs for `pulumi policy publish`: npm pack holds PulumiPolicy.yaml, package.json, the built main, the sources to rebuild it, and no node_modules", () => {
        const { execFileSync } = require("child_process") as typeof import("child_process");
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PACK, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        const files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
        const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
        for (const f of ["PulumiPolicy.yaml", "package.json", "README.md", "CHANGELOG.md", "tsconfig.json", "index.ts", "lib/aws-managed-policies.generated.ts"]) {
            assert.ok(files.includes(f), `${f} missing from the published pack`);
        }
        if (fs.existsSync(path.join(PACK, pkg.main))) {
            assert.ok(files.includes(pkg.main), `${pkg.main} (package.json main) missing from the published pack`);
        }
        assert.ok(!files.some((f) => f.startsWith("node_modules/")));
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
        assert.doesNotMatch(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8"), /^version:/m, "the version lives in package.json only");
        assert.match(
            fs.readFileSync(path.join(PACK, "CHANGELOG.md"), "utf8"),
            new RegExp(`^## ${pkg.version.replace(/\./g, "\\.")}\\b`, "m"),
            "CHANGELOG.md has an entry for the version",
        );
    });

    it("is a self-contained nodejs policy pack", () => {
        assert.match(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
        const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
        // The host loads compiled JavaScript (fast cold start); `npm ci` builds it.
        assert.strictEqual(pkg.main, "bin/index.js");
        assert.strictEqual(pkg.scripts.prepare, "tsc -p .");
        const tsconfig = JSON.parse(fs.readFileSync(path.join(PACK, "tsconfig.json"), "utf8"));
        assert.strictEqual(tsconfig.compilerOptions.outDir, "bin");
        assert.ok(pkg.dependencies["@pulumi/policy"]);
        for (const file of sources(PACK)) {
            assert.doesNotMatch(fs.readFileSync(file, "utf8"), /from "\.\.\/(infra|stacks|tools|index)/, `${path.relative(PACK, file)} must not import the program`);
        }
    });

    it("never throws on malformed properties (each input replaced by junk, one at a time)", () => {
        const junk: unknown[] = [null, 7, "x", [], {}, [null], { Statement: "x" }, true];
        for (const build of [compliantStack, legacyStack, v2InlineStack, logBucketStack]) {
            const base = build();
            for (let i = 0; i < base.length; i++) {
                for (const key of Object.keys(base[i].inputs ?? {})) {
                    for (const value of junk) {
                        const stack = build();
                        (stack[i].inputs as Record<string, unknown>)[key] = value;
                        assert.doesNotThrow(() => evaluateResources(stack), `${base[i].urn} ${key} = ${JSON.stringify(value)}`);
                    }
                }
            }
        }
    });

    describe("behind CrossGuard's unknown-checking proxy", () => {
        // CrossGuard wraps props in a proxy that throws on the first unknown value it
        // meets; a policy that trips it is skipped with a "can't run" note, which for
        // a stack policy would silence it for the whole stack.
        // Awaited: a policy may be async, and a rejection it returns must fail the test, not vanish.
        async function runAll(stack: ReturnType<typeof compliantStack>) {
            const reports: { policy: string; level: string; urn?: string }[] = [];
            const resources = toPolicyResources(stack).map((r) => ({ ...r, props: proxy.unknownCheckingProxy(r.props) }));
            for (const p of policies) {
                const report: ReportViolation = (_message, urn) => reports.push({ policy: p.name, level: p.enforcementLevel ?? "advisory", urn });
                const notApplicable = (reason?: string): never => {
                    throw Object.assign(new Error(reason), { notApplicable: true });
                };
                const guard = async (fn: () => void | Promise<void>) => {
                    try {
                        await fn();
                    } catch (e) {
                        if (!(e as { notApplicable?: boolean }).notApplicable) throw e;
                    }
                };
                if (p.kind === "stack") {
                    const args = { resources, stackTags: new Map(), getConfig: () => ({}), notApplicable } as unknown as StackValidationArgs;
                    await guard(() => p.validateStack(args, report));
                } else {
                    for (const r of resources) {
                        const args = { ...r, stackTags: new Map(), getConfig: () => ({}), notApplicable } as unknown as ResourceValidationArgs;
                        await guard(() => (p.validateResource as (a: ResourceValidationArgs, r: ReportViolation) => void | Promise<void>)(args, report));
                    }
                }
            }
            return reports;
        }

        for (const [name, build] of [
            ["v7 split", compliantStack],
            ["v6 tokens", v6SplitStack],
            ["legacy inline", legacyStack],
            ["BucketV2 inline", v2InlineStack],
            ["v7 split with its own log bucket", logBucketStack],
        ] as const) {
            it(`${name}: every string unknown, no policy throws or fails mandatory`, async () => {
                const reports = await runAll(unknownEverywhere(build()));
                assert.deepStrictEqual(
                    reports.filter((r) => r.level === "mandatory"),
                    [],
                );
            });

            it(`${name}: known values are judged through the proxy`, async () => assert.deepStrictEqual(await runAll(build()), []));
        }

        it("a violation is still found when other values are unknown", async () => {
            const stack = unknownEverywhere(compliantStack());
            find(stack, "egress-public-access-block").inputs.blockPublicPolicy = false;
            assert.deepStrictEqual(
                (await runAll(stack)).filter((r) => r.level === "mandatory").map((r) => r.policy),
                ["s3-transfer-no-public-access"],
            );
        });
    });
});

describe("policy pack README", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "policy-pack", "README.md"), "utf8");

    it('says exactly which resource types of which provider it reads ("Resource types it reads" lists every token of lib/types.ts, and no other)', () => {
        const section = readme.slice(readme.indexOf("### Resource types it reads"), readme.indexOf("## Running it"));
        const listed = [...section.matchAll(/`((?:aws|aws-native|pulumi):[^`\s]+)`/g)].map((m) => m[1]);
        const tokens = Object.values(TYPES).flat();
        assert.deepStrictEqual([...new Set(listed)].sort(), [...new Set(tokens)].sort());
    });

    it("has a row for every policy in its table of policies, and its version is package.json's", () => {
        for (const p of policies) assert.ok(readme.includes(`| \`${p.name}\` | ${p.enforcementLevel} |`), `${p.name} has no row`);
        const version = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policy-pack", "package.json"), "utf8")) as { version: string }).version;
        assert.ok(readme.includes(`Version **${version}**`));
    });
});
