/**
 * Whether the Pulumi CLI can be started, for the commands that drive it
 * (directly, or through the Automation API, which runs `pulumi version` first
 * and fails with a bare ENOENT when there is none).
 */
import { spawnSync } from "child_process";

/** Why `pulumi` cannot be run here, in words a person can act on; undefined when it runs. */
export function pulumiCliMissing(run: typeof spawnSync = spawnSync): string | undefined {
    const r = run("pulumi", ["version"], { encoding: "utf8" });
    if (!r.error) return undefined;
    return (r.error as NodeJS.ErrnoException).code === "ENOENT"
        ? "the pulumi CLI is not installed or not on PATH; install the version in .pulumi-version (https://www.pulumi.com/docs/install/) and log in to the stacks' backend"
        : `could not run pulumi (${r.error.message})`;
}

/**
 * What every command that drives the Pulumi CLI adds to the CLI's environment
 * (converge, drift), so that they work from a fresh checkout.
 *
 * A stack created elsewhere (by CI's preview, `npm run converge -- --create-only`)
 * has its secrets provider and encrypted data key in the backend's state and in
 * the `Pulumi.<stack>.yaml` of the checkout that created it, which nobody may have
 * committed. From a stack file without them the CLI falls back to the backend's
 * default secrets manager, the passphrase one for a self-managed backend, and
 * fails: `get stack secrets manager: passphrase must be set`
 * (pulumi/pulumi v3.276.0, pkg/cmd/pulumi/stack/secrets.go, GetSecretsManager;
 * pkg/backend/diy/backend.go, DefaultSecretManager). With this variable it uses
 * the secrets manager recorded in the stack's state instead (sdk/go/common/env,
 * FallbackToStateSecretsManager; https://github.com/pulumi/pulumi/issues/16412).
 * A stack file that does carry the fields still wins. `pulumi stack output`
 * (canary, batch-replicate) reads the state with the state's own secrets
 * manager and needs no fallback.
 */
export const PULUMI_CLI_ENV: Readonly<Record<string, string>> = { PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true" };
