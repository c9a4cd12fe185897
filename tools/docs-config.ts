/**
 * npm run docs:config
 *
 * Regenerates docs/configuration.md from the config model (infra/config/keys.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { configurationPage } from "../infra/config/docs";
import { PROJECT_ROOT } from "./root";

export const CONFIGURATION_PAGE = path.join(PROJECT_ROOT, "docs", "configuration.md");

if (require.main === module) {
    fs.writeFileSync(CONFIGURATION_PAGE, configurationPage());
    console.log("docs/configuration.md: regenerated from infra/config/keys.ts");
}
