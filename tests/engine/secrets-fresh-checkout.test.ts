/**
 * A stack CI creates is opened by every later job, each from a fresh checkout: the real CLI,
 * a self-managed (file) backend, and an `awskms://` secrets provider served by a stand-in KMS.
 *
 * `pulumi stack init --secrets-provider awskms://...` keeps the provider and the KMS-encrypted data
 * key in two places: the stack's state (its initial deployment's `secrets_providers`) and the
 * `Pulumi.<stack>.yaml` of the checkout that ran it (pulumi/pulumi v3.276.0,
 * pkg/cmd/pulumi/stack/io.go, CreateStack). A fresh checkout's stack file has neither field, and the
 * CLI then takes the backend's default secrets manager, for a self-managed backend the passphrase
 * one (pkg/cmd/pulumi/stack/secrets.go, GetSecretsManager; pkg/backend/diy/backend.go,
 * DefaultSecretManager), unless PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER is set
 * (sdk/go/common/env/env.go, FallbackToStateSecretsManager; https://github.com/pulumi/pulumi/issues/16412).
 *
 * The stand-in KMS speaks the KMS JSON protocol (https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html,
 * API_Decrypt.html) for Encrypt and Decrypt, the two calls Pulumi's cloud secrets manager makes
 * (pkg/secrets/cloud/manager.go: the data key is generated locally and wrapped with Encrypt at
 * `stack init`, unwrapped with Decrypt by every later command); the CLI reaches it through the
 * provider URL's `endpoint` parameter (gocloud.dev/aws, V2ConfigFromURLParams). A ciphertext it did
 * not make is refused with InvalidCiphertextException, as KMS refuses one of another key.
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import YAML from "yaml";
import { PULUMI_CLI_ENV } from "../../tools/cli/pulumi-cli";
import { AutomationWorkspace } from "../../tools/converge/workspace";
import { AutomationDriftWorkspace } from "../../tools/drift/index";
import { PROJECT_ROOT } from "../../tools/root";
import { EngineWorkspace, requireEngine } from "./harness";
import { exampleStacks } from "./stacks";

const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/0d5f7c43-9a1e-4c8b-b7a2-5e3f1d9c8a61";

/** Encrypt and Decrypt of one symmetric key, as KMS answers them; every call is recorded by operation. */
class StandInKms {
    readonly calls: string[] = [];
    private readonly key = crypto.randomBytes(32);
    private constructor(private readonly server: http.Server) {}

    static async start(): Promise<StandInKms> {
        const server = http.createServer();
        const kms = new StandInKms(server);
        server.on("request", (req, res) => kms.handle(req, res));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return kms;
    }

    get endpoint(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const operation = String(req.headers["x-amz-target"] ?? "").replace(/^TrentService\./, "");
            this.calls.push(operation);
            const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { Plaintext?: string; CiphertextBlob?: string };
            const answer = (status: number, json: object) => {
                res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
                res.end(JSON.stringify(json));
            };
            if (operation === "Encrypt" && body.Plaintext) {
                const iv = crypto.randomBytes(12);
                const cipher = crypto.createCipheriv("aes-256-gcm", this.key, iv);
                const sealed = Buffer.concat([cipher.update(Buffer.from(body.Plaintext, "base64")), cipher.final()]);
                answer(200, { CiphertextBlob: Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64"), KeyId: KEY_ARN, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
            } else if (operation === "Decrypt" && body.CiphertextBlob) {
                const blob = Buffer.from(body.CiphertextBlob, "base64");
                try {
                    const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, blob.subarray(0, 12));
                    decipher.setAuthTag(blob.subarray(12, 28));
                    const plaintext = Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
                    answer(200, { Plaintext: plaintext.toString("base64"), KeyId: KEY_ARN, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
                } catch {
                    answer(400, { __type: "InvalidCiphertextException", message: "" });
                }
            } else {
                answer(400, { __type: "UnsupportedOperationException", message: `the stand-in KMS does not do ${operation}` });
            }
        });
    }

    count(operation: string): number {
        return this.calls.filter((c) => c === operation).length;
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}

/** The operations of a change summary that change something. */
const changed = (summary: Record<string, number>) => Object.entries(summary).filter(([op, n]) => op !== "same" && n > 0);

/** A stand-alone example (no stack references): what is proved here is the secrets manager, not the pairing. */
const source = exampleStacks().find((s) => !fs.readFileSync(path.join(PROJECT_ROOT, s.file), "utf8").includes("stack:"))!;

describe("engine: a stack created in one checkout opens in a fresh one (self-managed backend, awskms secrets provider)", function () {
    this.timeout(15 * 60_000);
    let kms: StandInKms;
    let ws: EngineWorkspace;
    let secretsProvider: string;
    /** The fields `stack init` wrote into the creating checkout's stack file. */
    let createdFields: Record<string, string>;
    const stack = source.stack;

    /** The stack file as a fresh checkout has it: the committed config, no secrets fields. */
    const freshCheckout = () => ws.useConfig(stack, source.file);
    /** CI's environment: AWS credentials for KMS, and no passphrase (none is ever given to a workflow). */
    const ciEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
        PULUMI_CONFIG_PASSPHRASE: undefined,
        AWS_ACCESS_KEY_ID: "AKIASTANDINKMS000000",
        AWS_SECRET_ACCESS_KEY: "stand-in",
        AWS_EC2_METADATA_DISABLED: "true",
        ...extra,
    });
    /** The harness's environment without the passphrase, as plain strings for the Automation API. */
    const automationEnv = (): Record<string, string> =>
        Object.fromEntries(Object.entries({ ...ws.env, ...ciEnv() }).filter((e): e is [string, string] => typeof e[1] === "string"));

    before(async function () {
        requireEngine(this);
        kms = await StandInKms.start();
        secretsProvider = `awskms:///alias/pulumi-state?region=us-east-1&endpoint=${encodeURIComponent(kms.endpoint)}`;
        ws = await EngineWorkspace.create();
    });
    after(async () => {
        ws?.dispose();
        await kms?.stop();
    });

    it("the preview job: converge --create-only's stack creation records the provider and data key in its own checkout's stack file only", async () => {
        freshCheckout();
        const logged: string[] = [];
        const creating = new AutomationWorkspace({
            qualifiedName: (s) => ws.qualified(s),
            envFor: automationEnv,
            secretsProvider,
            policyPacks: [],
            workDir: ws.projectDir,
            log: (text) => logged.push(text),
        });
        assert.strictEqual(await creating.ensureStack(stack), true);
        assert.strictEqual(kms.count("Encrypt"), 1, "the data key is wrapped by KMS once, at creation");
        const written = YAML.parse(fs.readFileSync(ws.stackFile(stack), "utf8")) as Record<string, unknown>;
        assert.strictEqual(written.secretsprovider, secretsProvider);
        assert.match(String(written.encryptedkey), /^[A-Za-z0-9+/]+=*$/);
        createdFields = { secretsprovider: String(written.secretsprovider), encryptedkey: String(written.encryptedkey) };
        // What converge prints for the person who commits them (the manual path, below).
        assert.strictEqual(
            logged.join(""),
            `${stack}: created; commit these lines of Pulumi.${stack}.yaml so that a plain pulumi command in another checkout opens it:\n  secretsprovider: ${createdFields.secretsprovider}\n  encryptedkey: ${createdFields.encryptedkey}\n`,
        );
        const committed = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, source.file), "utf8")) as Record<string, unknown>;
        assert.ok(!("secretsprovider" in committed) && !("encryptedkey" in committed), `${source.file} as committed has no secrets fields`);
    });

    it("a later job's fresh checkout without PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: `get stack secrets manager: passphrase must be set`", async () => {
        freshCheckout();
        const plain = await ws.pulumi(["preview", "--stack", ws.qualified(stack)], { env: ciEnv() });
        assert.notStrictEqual(plain.status, 0, plain.output);
        assert.match(plain.output, /get stack secrets manager: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/);
    });

    it("the deploy job: converge (PULUMI_CLI_ENV) previews and deploys it from a fresh checkout, unwrapping the data key the state holds", async () => {
        freshCheckout();
        const decrypts = kms.count("Decrypt");
        const deploying = new AutomationWorkspace({ qualifiedName: (s) => ws.qualified(s), envFor: automationEnv, policyPacks: [], workDir: ws.projectDir, log: () => undefined });
        assert.strictEqual(await deploying.ensureStack(stack), false, "selected, not created again");
        const plan = path.join(ws.root, "plan.json");
        await deploying.preview(stack, plan);
        freshCheckout();
        await deploying.up(stack, plan);
        assert.ok(kms.count("Decrypt") > decrypts, "the state's data key was unwrapped by KMS");
        assert.strictEqual(kms.count("Encrypt"), 1, "no new data key: the stack keeps the one made at creation");
    });

    it("the drift job: drift (PULUMI_CLI_ENV) refreshes and previews the deployed stack from a fresh checkout", async () => {
        freshCheckout();
        const drift = new AutomationDriftWorkspace(() => undefined, { workDir: ws.projectDir, env: automationEnv() });
        assert.strictEqual(await drift.exists(ws.qualified(stack)), true);
        assert.deepStrictEqual(changed(await drift.refreshChanges(ws.qualified(stack), [])), []);
        assert.deepStrictEqual(changed(await drift.previewChanges(ws.qualified(stack))), []);
    });

    it("a person's plain pulumi command: works from a checkout whose stack file carries the fields the creation wrote (committed), with no fallback", async () => {
        assert.deepStrictEqual(PULUMI_CLI_ENV, { PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true" });
        freshCheckout();
        const withFields = { ...createdFields, ...(YAML.parse(fs.readFileSync(ws.stackFile(stack), "utf8")) as object) };
        fs.writeFileSync(ws.stackFile(stack), YAML.stringify(withFields));
        const run = await ws.pulumi(["preview", "--stack", ws.qualified(stack), "--expect-no-changes"], { env: ciEnv() });
        assert.strictEqual(run.status, 0, run.output);
    });
});
