// `npm run check -- <export.json> [--json] [--config policy-config.json]`
//
// Runs the pack over a `pulumi stack export` (with or without --show-secrets) or
// `pulumi preview --json` file of this or any other Pulumi AWS program, without
// the Pulumi engine. Prints how many resources it judged; an export without
// resources says so instead of passing. Exit status: 0 when no mandatory violation
// is found, 1 when one is, 2 on a usage error or an unreadable or invalid file
// (named, with the fix), before anything is judged.
//
// What it reads comes from outside, and is refused (exit 2, nothing judged) when it
// is not what it claims: a path that is not a regular file (a FIFO would block
// forever), a file larger than the pack reads, JSON with duplicate names, numbers
// beyond a double or nesting deeper than any export has, a file that is not an
// export or a preview, and a policy configuration with a level, policy or property
// Pulumi or this pack does not know.

import * as fs from "fs";
import { policyConfigProblems } from "./lib/policy-config";
import { InputTooLarge, readStdin } from "./lib/stdin";
import { parseStrictJson, StrictJsonError } from "./lib/strict-json";
import { checkExport, EvaluateOptions, ExportCheck, exportShapeProblem, Violation } from "./offline";
import { policies } from "./policies";

const USAGE = `Usage: npm run check -- <export.json | -> [--json] [--config <policy-config.json>]

  <export.json>   output of \`pulumi stack export [--show-secrets]\` or \`pulumi preview --json\` ("-" reads stdin)
  --json          print {"resources", "judged", "violations": [{"policy", "enforcementLevel", "urn", "message"}]}
  --config FILE   per-policy config, as for \`pulumi preview --policy-pack-config\`,
                  e.g. {"s3-transfer-minimum-tls": "mandatory", "s3-transfer-acls-disabled": {"requireExplicitOwnershipControls": false}}

Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 a usage error or an unreadable or invalid file.`;

const EXPORT_FIX = "Write it with `pulumi stack export --file <file>` (add --show-secrets to judge secret values) or `pulumi preview --json > <file>`.";

/** The largest export the checker reads (an export of 10,000 resources is a few MB). */
export const MAX_EXPORT_BYTES = 256 * 1024 * 1024;
/** The largest policy configuration it reads. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** The deepest nesting of JSON it reads (exports nest a few dozen levels at most). */
export const MAX_JSON_DEPTH = 256;

export interface CliIO {
    out: (line: string) => void;
    err: (line: string) => void;
    /** A file's text, refused past `limitBytes` or when the path is not a regular file. */
    readFile: (path: string, limitBytes: number) => string;
    /** Standard input's text, refused past `limitBytes`. */
    readStdin: (limitBytes: number) => Promise<string>;
}

class InputError extends Error {}

/**
 * A regular file's text, at most `limitBytes`. Opened without blocking, so that a
 * FIFO (or a device) given as the path is refused at once instead of waiting for a
 * writer forever; the size is known before anything is read.
 */
export function readRegularFile(path: string, limitBytes: number): string {
    const fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
        const stat = fs.fstatSync(fd);
        if (!stat.isFile()) {
            throw new InputError(`is not a regular file (${stat.isFIFO() ? "a FIFO" : stat.isDirectory() ? "a directory" : "a device or socket"})`);
        }
        if (stat.size > limitBytes) {
            throw new InputTooLarge(`is ${stat.size} bytes, more than the ${limitBytes} the checker reads`);
        }
        return fs.readFileSync(fd, "utf8");
    } finally {
        fs.closeSync(fd);
    }
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
    readFile: readRegularFile,
    readStdin: (limit) => readStdin(limit),
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

async function read(io: CliIO, file: string, what: string, limit: number): Promise<string> {
    const fix = what === "export" ? `; ${EXPORT_FIX.charAt(0).toLowerCase()}${EXPORT_FIX.slice(1)}` : ".";
    try {
        return file === "-" ? await io.readStdin(limit) : io.readFile(file, limit);
    } catch (e) {
        if (e instanceof InputTooLarge) {
            throw new InputError(
                `${what} ${shown(file)} ${e.message === `more than ${limit} bytes` ? `is more than the ${limit} bytes the checker reads` : e.message}. Check that it is the file you meant${fix}`,
            );
        }
        if (e instanceof InputError) {
            throw new InputError(`${what} ${shown(file)} ${e.message}: give the path of a file${file === "-" ? "" : `, or "-" to read standard input`}${fix}`);
        }
        const code = (e as NodeJS.ErrnoException).code;
        throw new InputError(`cannot read ${what} ${shown(file)} (${code ?? (e as Error).message}). Check the path${fix}`);
    }
}

function parse(text: string, file: string, fix: string): unknown {
    // RFC 8259 lets a parser ignore a byte order mark, which some editors write.
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    try {
        return parseStrictJson(body, { maxDepth: MAX_JSON_DEPTH });
    } catch (e) {
        if (e instanceof StrictJsonError) {
            throw new InputError(`${shown(file)} is refused: ${e.message}, at line ${e.line}, column ${e.column} (JSON Pointer ${e.pointer || "/"}). ${fix}`);
        }
        throw new InputError(`${shown(file)} is not valid JSON (${(e as Error).message}). ${fix}`);
    }
}

/** Runs the CLI; resolves to the exit status. */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
    try {
        return await run(argv, io);
    } finally {
        if (io === defaultIO) {
            flush();
        }
    }
}

async function run(argv: string[], io: CliIO): Promise<number> {
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
            const text = await read(io, configFile, "policy config", MAX_CONFIG_BYTES);
            // Pulumi takes an empty file for no configuration.
            if (text.trim() !== "") {
                const config = parse(text, configFile, 'It holds one entry per policy, e.g. {"s3-transfer-minimum-tls": "mandatory"}.');
                const problems = policyConfigProblems(config, policies);
                if (problems.length > 0) {
                    throw new InputError(`${configFile} is not a policy configuration this pack accepts: ${problems.join("; ")}.`);
                }
                options.config = config as EvaluateOptions["config"];
            }
        }
        const parsed = parse(await read(io, file, "export", MAX_EXPORT_BYTES), file, EXPORT_FIX);
        const problem = exportShapeProblem(parsed);
        if (problem !== undefined) {
            throw new InputError(`${shown(file)} is not an export: ${problem}. ${EXPORT_FIX}`);
        }
        check = checkExport(parsed, options);
    } catch (e) {
        if (!(e instanceof InputError)) {
            throw e;
        }
        io.err(`error: ${e.message}`);
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
    main(process.argv.slice(2)).then(
        (status) => {
            process.exitCode = status;
        },
        (e: unknown) => {
            // A fault of the checker itself, not of its input: say so, with what to report.
            process.stderr.write(`error: the checker failed (${(e as Error).message}); this is a bug of the policy pack, please report it with the command you ran.\n`);
            process.exitCode = 2;
        },
    );
}
