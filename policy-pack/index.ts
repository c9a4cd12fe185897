// The CrossGuard entry point: `pulumi preview --policy-pack policy-pack` loads the
// compiled bin/index.js (package.json "main"; `npm ci` builds it through the
// `prepare` script), and constructing the PolicyPack starts the analyzer's gRPC
// server. Nothing else may import this file: tests and the offline checker use
// ./policies.

import * as fs from "fs";
import * as path from "path";
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// A bin/ older than the sources would enforce yesterday's rules without a word.
function warnIfStale(): void {
    if (path.basename(__dirname) !== "bin") {
        return;
    }
    const root = path.dirname(__dirname);
    const walk = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
            if (e.isDirectory()) {
                return e.name === "node_modules" || e.name === "bin" ? [] : walk(path.join(dir, e.name));
            }
            return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path.join(dir, e.name)] : [];
        });
    for (const src of walk(root)) {
        const js = path.join(__dirname, path.relative(root, src)).replace(/\.ts$/, ".js");
        if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(src).mtimeMs) {
            console.error(
                `s3-transfer-guard: ${path.relative(root, src)} changed since the pack was built; run \`npm run build --prefix policy-pack\` to enforce the current rules.`,
            );
            return;
        }
    }
}

warnIfStale();

new PolicyPack("s3-transfer-guard", {
    description:
        "Blocks unsafe S3 file-exchange setups in programs of either AWS provider: plain HTTP, public access as S3 defines it, replication without versioning, ownership hand-over or what its destination requires, encryption S3 would refuse or the stack forbids, over-broad replication roles and AWS hard limits; advises on missing access logs and loose log delivery grants.",
    provider: "aws",
    tags: ["s3", "replication", "security"],
    policies: [...policies],
});
