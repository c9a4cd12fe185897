// `npm run check -- <export.json> [--json] [--config policy-config.json]`
//
// Runs the pack over a `pulumi stack export` (with or without --show-secrets) or
// `pulumi preview --json` file of this or any other Pulumi AWS program, without
// the Pulumi engine. Prints how many resources it judged; an export without
// resources says so instead of passing. Exit status: 0 when no mandatory violation
// is found, 1 when one is, 2 on a usage error or an unreadable or invalid file
// (named, with the fix), before anything is judged.

import * as fs from "fs";
import { readStdinSync } from "./lib/stdin";
import { checkExport, EvaluateOptions, ExportCheck, packPolicyList, resourcesFromExport, Violation } from "./offline";

const USAGE = `Usage: npm run check -- <export.json | -> [--json] [--config <policy-config.json>]

  <export.json>   output of \`pulumi stack export [--show-secrets]\` or \`pulumi preview --json\` ("-" reads stdin)
  --json          print {"resources", "judged", "violations": [{"policy", "enforcementLevel", "urn", "message"}]}
  --config FILE   per-policy config, as for \`pulumi preview --policy-pack-config\`,
                  e.g. {"s3-transfer-minimum-tls": "mandatory", "s3-transfer-acls-disabled": {"requireExplicitOwnershipControls": false}}

Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 a usage error or an unreadable or invalid file.`;

const EXPORT_FIX = "Write it with `pulumi stack export --file <file>` (add --show-secrets to judge secret values) or `pulumi preview --json > <file>`.";

export interface CliIO {
    out: (line: string) => void;
    err: (line: string) => void;
    readFile: (path: string) => string;
}

// Standard output is written once, at the end: a report of 10,000 resources is
// thousands of lines, and a write per line costs a system call each.
const pending: string[] = [];
const flush = () => {
    if (pending.length > 0) {
        process.stdout.write(`${pending.join("\n")}\n`);
        pending.length = 0;
    }
};

const defaultIO: CliIO = {
    out: (l) => {
        pending.push(l);
    },
    err: (l) => process.stderr.write(`${l}\n`),
    // Not fs.readFileSync(0): a non-blocking pipe makes it throw EAGAIN while a slow writer is between pieces (lib/stdin.ts).
    readFile: (p) => (p === "-" ? readStdinSync() : fs.readFileSync(p, "utf8")),
};

const shown = (file: string) => (file === "-" ? "standard input" : file);

function formatText(check: ExportCheck, file: string): string[] {
    const lines: string[] = [];
    if (check.judged === 0) {
        lines.push(
            `${shown(file)} has no resources to judge (${check.resources} in the export, none an AWS resource): nothing was checked. A stack that was created and never deployed exports none; export a deployed stack or run \`pulumi preview --json\`.`,
        );
        return lines;
    }
    const violations = check.violations;
    for (const v of violations) {
        lines.push(`${v.enforcementLevel.toUpperCase().padEnd(9)} ${v.policy}`);
        lines.push(`          ${v.urn}`);
        lines.push(`          ${v.message}`);
    }
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = violations.length - mandatory;
    const judged = `Judged ${check.judged} resource${check.judged === 1 ? "" : "s"} of ${shown(file)}`;
    lines.push(violations.length === 0 ? `${judged}: no violations.` : `${judged}: ${mandatory} mandatory and ${advisory} advisory violation(s).`);
    return lines;
}

class InputError extends Error {}

function read(io: CliIO, file: string, what: string): string {
    try {
        return io.readFile(file);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new InputError(
            `cannot read ${what} ${shown(file)} (${code ?? (e as Error).message}). Check the path${what === "export" ? `, or write the file: ${EXPORT_FIX.charAt(0).toLowerCase()}${EXPORT_FIX.slice(1)}` : "."}`,
        );
    }
}

function parse(text: string, file: string, fix: string): unknown {
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new InputError(`${shown(file)} is not valid JSON (${(e as Error).message}). ${fix}`);
    }
}

/** Runs the CLI; returns the exit status. */
export function main(argv: string[], io: CliIO = defaultIO): number {
    try {
        return run(argv, io);
    } finally {
        if (io === defaultIO) {
            flush();
        }
    }
}

function run(argv: string[], io: CliIO): number {
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
                io.err(`--config needs a file.\n${USAGE}`);
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
    let check: ExportCheck;
    try {
        if (configFile !== undefined) {
            const config = parse(read(io, configFile, "policy config"), configFile, 'It holds one entry per policy, e.g. {"s3-transfer-minimum-tls": "mandatory"}.');
            if (config === null || typeof config !== "object" || Array.isArray(config)) {
                throw new InputError(`${configFile} is not a JSON object of policy names. Write it as {"<policy name>": "<level>" | {"enforcementLevel": "<level>", ...}}.`);
            }
            options.config = config as EvaluateOptions["config"];
            const known = new Set(packPolicyList().map((p) => p.name));
            for (const name of Object.keys(config)) {
                if (!known.has(name)) {
                    io.err(`warning: ${configFile} configures unknown policy "${name}"`);
                }
            }
        }
        const parsed = parse(read(io, file, "export"), file, EXPORT_FIX);
        try {
            resourcesFromExport(parsed);
        } catch (e) {
            throw new InputError(`${shown(file)}: ${(e as Error).message} ${EXPORT_FIX}`);
        }
        check = checkExport(parsed, options);
    } catch (e) {
        io.err(`error: ${(e as Error).message}`);
        return 2;
    }
    if (json) {
        io.out(JSON.stringify({ resources: check.resources, judged: check.judged, violations: check.violations }, null, 2));
    } else {
        for (const l of formatText(check, file)) {
            io.out(l);
        }
    }
    return check.violations.some((v: Violation) => v.enforcementLevel === "mandatory") ? 1 : 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
