/**
 * npm run docs:config
 *
 * Regenerates docs/configuration.md from the config model (infra/config/keys.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { configurationPage } from "../infra/config/docs";
import { main } from "./cli/runner";
import { PROJECT_ROOT } from "./root";

export const CONFIGURATION_PAGE = path.join(PROJECT_ROOT, "docs", "configuration.md");

if (require.main === module) {
    main({
        name: "docs:config",
        usage: "usage: npm run docs:config\n\nRegenerates docs/configuration.md from the config model (infra/config/keys.ts).",
        options: {},
        async run() {
            fs.writeFileSync(CONFIGURATION_PAGE, configurationPage());
            console.log("docs/configuration.md: regenerated from infra/config/keys.ts");
            return 0;
        },
    });
}
