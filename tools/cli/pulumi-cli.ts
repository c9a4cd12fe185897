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
