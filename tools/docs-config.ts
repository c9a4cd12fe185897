/**
 * npm run docs:config
 *
 * Regenerates docs/configuration.md and Pulumi.yaml's key declarations
 * from the config model (infra/config/keys.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { configurationPage } from "../infra/config/docs";
import { projectFileText } from "../infra/config/project-file";
import { main } from "./cli/runner";
import { PROJECT_ROOT } from "./root";

export const CONFIGURATION_PAGE = path.join(PROJECT_ROOT, "docs", "configuration.md");
export const PROJECT_FILE = path.join(PROJECT_ROOT, "Pulumi.yaml");

if (require.main === module) {
    main({
        name: "docs:config",
        usage: "usage: npm run docs:config\n\nRegenerates docs/configuration.md and the config: and template: blocks of Pulumi.yaml from the config model (infra/config/keys.ts).\n\n  --help  print this help, and change nothing\n\nexit status: 0 regenerated; 1 a failure; 2 a usage error.",
        options: {},
        run() {
            fs.writeFileSync(CONFIGURATION_PAGE, configurationPage());
            fs.writeFileSync(PROJECT_FILE, projectFileText(fs.readFileSync(PROJECT_FILE, "utf8")));
            console.log("docs/configuration.md, Pulumi.yaml (config:, template:): regenerated from infra/config/keys.ts");
            return 0;
        },
    });
}
