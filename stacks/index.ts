import * as pulumi from "@pulumi/pulumi";
import { assertProjectName } from "../infra/config/project-name";
import { parseSideConfig } from "../infra/config/schema";
import { resolveCounterparts } from "./counterparts";
import { partnerStack } from "./partner";
import { publisherStack } from "./publisher";
import { SideOutputs } from "./side";

/**
 * The Pulumi CLIs this program runs under: from the version CI installs
 * (.pulumi-version, the same as the SDK in package-lock.json) up to the next
 * major. A CLI older than the SDK may lack what the SDK asks of it; the engine
 * answers this check before anything is registered.
 */
export const SUPPORTED_PULUMI_CLI = ">=3.276.0 <4.0.0";

/**
 * The whole program: validate config, read what counterparts handed over, then
 * build the side that `s3-transfer:side` names. Nothing is registered until both
 * checks have passed.
 */
export async function main(): Promise<SideOutputs> {
    // Under the offline plan's mocks there is no engine to ask, and this resolves at once.
    await pulumi.runtime.requirePulumiVersion(SUPPORTED_PULUMI_CLI);
    assertProjectName(pulumi.getProject());
    const config = parseSideConfig(pulumi.runtime.allConfig(), pulumi.getStack());
    const counterparts = await resolveCounterparts(config);
    return config.side === "publisher" ? publisherStack(config, counterparts) : partnerStack(config, counterparts);
}
