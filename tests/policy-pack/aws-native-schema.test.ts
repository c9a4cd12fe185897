// The @pulumi/aws-native property names the pack reads, and those its native
// fixtures use, are the package's own: aws-native-schema.json records the input
// property tree of each resource the pack reads, generated from the typings of
// @pulumi/aws-native by `npm run gen:native-schema --prefix policy-pack`
// (policy-pack/tools/gen-native-schema.ts). A name the typings do not have fails
// here, so a fixture cannot pass by spelling a property the provider never sends.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { NATIVE_PROPERTIES_READ } from "../../policy-pack/lib/native";
import { TYPES } from "../../policy-pack/lib/types";
import type { ExportResource } from "../../policy-pack/offline";
import { NATIVE_RESOURCES, Shape } from "../../policy-pack/tools/gen-native-schema";
import { accountProvider, N, nativeStack, nativeVariants } from "./fixtures";

const record = JSON.parse(fs.readFileSync(path.join(__dirname, "aws-native-schema.json"), "utf8")) as { version: string; types: Record<string, Shape> };

/** The paths of `value` that the shape does not have. */
function unknownPaths(value: unknown, shape: Shape, at: string): string[] {
    if (shape === "*" || value === null || typeof value !== "object") {
        return [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => unknownPaths(v, shape, `${at}[${i}]`));
    }
    return Object.entries(value).flatMap(([k, v]) => (k in shape ? unknownPaths(v, shape[k], at ? `${at}.${k}` : k) : [at ? `${at}.${k}` : k]));
}

function has(shape: Shape, pathText: string): boolean {
    let node: Shape = shape;
    for (const step of pathText.replace(/\[\]/g, "").split(".")) {
        if (node === "*") {
            return true;
        }
        if (!(step in node)) {
            return false;
        }
        node = node[step];
    }
    return true;
}

describe(`@pulumi/aws-native property names (recorded from @pulumi/aws-native ${record.version})`, () => {
    it("the record covers every native type token the pack reads", () => {
        const tokens = Object.values(TYPES)
            .flat()
            .filter((t) => t.startsWith("aws-native:") || t === N.provider);
        assert.deepStrictEqual([...tokens].sort(), Object.keys(NATIVE_RESOURCES).sort());
        assert.deepStrictEqual(Object.keys(record.types).sort(), Object.keys(NATIVE_RESOURCES).sort());
    });

    for (const [token, paths] of Object.entries(NATIVE_PROPERTIES_READ)) {
        it(`every property the pack reads of ${token} is in the package's typings`, () => {
            assert.deepStrictEqual(
                paths.filter((p) => !has(record.types[token], p)),
                [],
            );
        });
    }

    it("every native fixture writes only properties of the package's typings", () => {
        const fixtures: ExportResource[] = [...nativeStack(), accountProvider("partner", "222222222222", N.provider), ...nativeVariants()];
        const bad = fixtures
            .filter((r) => r.type in record.types)
            .flatMap((r) => unknownPaths(r.inputs ?? {}, record.types[r.type], "").map((p) => `${r.type} ${r.urn.split("::").pop()}: ${p}`));
        assert.deepStrictEqual(bad, []);
    });

    it("catches a misspelt property (the check can fail)", () => {
        assert.deepStrictEqual(unknownPaths({ publicAccessBlock: {} }, record.types["aws-native:s3:Bucket"], ""), ["publicAccessBlock"]);
        assert.deepStrictEqual(unknownPaths({ versioningConfiguration: { enabled: true } }, record.types["aws-native:s3:Bucket"], ""), ["versioningConfiguration.enabled"]);
    });
});
