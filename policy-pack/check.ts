// `npm run check -- <export.json> [--json] [--config policy-config.json]`
//
// Runs the pack over a `pulumi stack export` (or `pulumi preview --json`) file of
// this or any other Pulumi AWS program, without the Pulumi engine. Exit status: 0
// when no mandatory violation is found, 1 when one is, 2 on a usage or input error.

import * as fs from "fs";
import { evaluateExport, EvaluateOptions, packPolicyList, Violation } from "./offline";

const USAGE = `Usage: npm run check -- <export.json | -> [--json] [--config <policy-config.json>]

  <export.json>   output of \`pulumi stack export\` or \`pulumi preview --json\` ("-" reads stdin)
  --json          print {"violations": [{"policy", "enforcementLevel", "urn", "message"}]}
  --config FILE   per-policy config, as for \`pulumi preview --policy-pack-config\`,
                  e.g. {"s3-transfer-minimum-tls": "mandatory", "s3-transfer-acls-disabled": {"requireExplicitOwnershipControls": false}}`;

export interface CliIO {
    out: (line: string) => void;
    err: (line: string) => void;
    readFile: (path: string) => string;
}

const defaultIO: CliIO = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    readFile: (p) => fs.readFileSync(p === "-" ? 0 : p, "utf8"),
};

function formatText(violations: Violation[]): string[] {
    const lines: string[] = [];
    for (const v of violations) {
        lines.push(`${v.enforcementLevel.toUpperCase().padEnd(9)} ${v.policy}`);
        lines.push(`          ${v.urn}`);
        lines.push(`          ${v.message}`);
    }
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = violations.length - mandatory;
    lines.push(violations.length === 0 ? "No violations." : `${mandatory} mandatory and ${advisory} advisory violation(s).`);
    return lines;
}

/** Runs the CLI; returns the exit status. */
export function main(argv: string[], io: CliIO = defaultIO): number {
    let file: string | undefined;
    let json = false;
    let configFile: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") {
            json = true;
        } else if (a === "--config") {
            configFile = argv[++i];
            if (configFile === undefined) {
                io.err(USAGE);
                return 2;
            }
        } else if (a === "-h" || a === "--help") {
            io.out(USAGE);
            return 0;
        } else if (a.startsWith("--")) {
            io.err(`Unknown option ${a}\n${USAGE}`);
            return 2;
        } else if (file === undefined) {
            file = a;
        } else {
            io.err(`Only one export file is accepted.\n${USAGE}`);
            return 2;
        }
    }
    if (file === undefined) {
        io.err(USAGE);
        return 2;
    }
    const options: EvaluateOptions = {};
    let violations: Violation[];
    try {
        if (configFile !== undefined) {
            options.config = JSON.parse(io.readFile(configFile));
            const known = new Set(packPolicyList().map((p) => p.name));
            for (const name of Object.keys(options.config ?? {})) {
                if (!known.has(name)) {
                    io.err(`warning: ${configFile} configures unknown policy "${name}"`);
                }
            }
        }
        violations = evaluateExport(io.readFile(file), options);
    } catch (e) {
        io.err(`error: ${(e as Error).message}`);
        return 2;
    }
    if (json) {
        io.out(JSON.stringify({ violations }, null, 2));
    } else {
        for (const l of formatText(violations)) {
            io.out(l);
        }
    }
    return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
