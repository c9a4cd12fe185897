import * as pulumi from "@pulumi/pulumi";
import { assertProjectName } from "../infra/config/project-name";
import { parseSideConfig } from "../infra/config/schema";
import { resolveCounterparts } from "./counterparts";
import { partnerStack } from "./partner";
import { publisherStack } from "./publisher";
import { SideOutputs } from "./side";

/**
 * The whole program: validate config, read what counterparts handed over, then
 * build the side that `s3-transfer:side` names. Nothing is registered until both
 * checks have passed.
 */
export async function main(): Promise<SideOutputs> {
    assertProjectName(pulumi.getProject());
    const config = parseSideConfig(pulumi.runtime.allConfig(), pulumi.getStack());
    const counterparts = await resolveCounterparts(config);
    return config.side === "publisher" ? publisherStack(config, counterparts) : partnerStack(config, counterparts);
}
