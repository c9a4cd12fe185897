/** docs/configuration.md is the config model's, as it stands now (npm run docs:config regenerates it). */
import * as assert from "assert";
import * as fs from "fs";
import { configurationPage } from "../../../infra/config/docs";
import { ENTRY_FIELDS, KNOWN_KEYS, projectConfigDeclarations } from "../../../infra/config/keys";
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

describe("Pulumi.yaml declarations from the config model", () => {
    it("declare every key of the namespace with its type, description and constant default", () => {
        const declared = projectConfigDeclarations();
        assert.deepStrictEqual(
            Object.keys(declared),
            KNOWN_KEYS.filter((k) => !k.startsWith("aws:")),
        );
        assert.deepStrictEqual(declared["s3-transfer:encryption"], { type: "string", description: declared["s3-transfer:encryption"].description, default: "SSE-S3" });
        assert.deepStrictEqual(declared["s3-transfer:noncurrentVersionExpirationDays"].default, 30);
        assert.strictEqual(declared["s3-transfer:bucketPrefix"].default, undefined, "a derived default is the program's, not Pulumi's");
        assert.strictEqual(declared["s3-transfer:partners"].type, "array");
        for (const d of Object.values(declared)) assert.ok(d.description.length > 10 && !d.description.includes("]("), d.description);
    });
});
