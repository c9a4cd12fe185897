/** docs/configuration.md is the config model's, as it stands now (npm run docs:config regenerates it). */
import * as assert from "assert";
import * as fs from "fs";
import { configurationPage } from "../../../infra/config/docs";
import { ENTRY_FIELDS, KNOWN_KEYS } from "../../../infra/config/keys";
import { CONFIGURATION_PAGE } from "../../../tools/docs-config";

describe("docs/configuration.md", () => {
    it("is generated from the config model (npm run docs:config regenerates it)", () => {
        assert.strictEqual(fs.readFileSync(CONFIGURATION_PAGE, "utf8"), configurationPage());
    });
    it("documents every key and every entry field", () => {
        const page = configurationPage();
        for (const key of KNOWN_KEYS) assert.ok(page.includes(`| \`${key}\` |`), key);
        for (const fields of Object.values(ENTRY_FIELDS)) for (const field of Object.keys(fields)) assert.ok(page.includes(`| \`${field}\` |`), field);
    });
});
