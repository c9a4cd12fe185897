/**
 * npm run key -- build|parse|check ...   (see USAGE, and docs/file-naming.md)
 *
 * The file-naming convention for producers: build the keys of a batch before
 * uploading, and check what is already in a bucket (`aws s3 ls --recursive`
 * output can be piped in as it is).
 * Exit 0: done, every key valid; 1: some key invalid; 2: usage error.
 */
import { rootPrefixProblem } from "../infra/config/rules";
import { batchKeys, buildFileKey, FileKeyPartError, FileKeyParts, fileNamePrefixProblem, parseFileKey, ParsedFileKey } from "../infra/naming/file-key";
import { CommandGroup, Io, main, STACK_OPTIONS, stackTarget, subcommand, UsageError, wholeNumber } from "./cli/runner";
import { PROJECT_ROOT } from "./root";
import { readStdin } from "./stdin";

const USAGE = `usage: npm run key -- <command> [options]

  build <link> --type <file-type> --date <YYYY-MM-DD> [--epoch <unix-seconds>]
        (--part <i> --of <n> | --of <n> --all | --parts <n>) [--json]
      Print the key of one file, or every key of a batch, one per line.
      --epoch defaults to now. Exit 2 if a value breaks the convention.

  parse [<link>] [--json] [--] [key...]
      Print each valid key with its parts as a JSON line; the reason for each
      invalid key goes to stderr.

  check [<link>] [--json] [--] [key...]
      Print the reason for each invalid key, and a count on stderr.

  <link> is the link whose keys these are, by its root and file-name prefix:
    (--stack <name> | --config <file>) --counterpart <name>
                  the link's root and fileNamePrefix, from the stack's config
    --root <root> --prefix <PREFIX>
                  given as they are (parse and check take either or both)
  build needs both; parse and check then also require every key to sit
  directly under <root>/ (the prefix replication copies) and to start with
  <PREFIX>_. Without a link they read any valid root and prefix.

  parse and check read keys from stdin, one per line, when none are given;
  lines of "aws s3 ls --recursive" output are read as the key they list.
  --json  one JSON object per key on stdout: {"key","ok":true,"parts"} or
          {"key","ok":false,"reason"}.
  --help  (or help, or -h) print this usage, before or after the command.

exit status: 0 all keys valid, 1 some key invalid, 2 usage error.`;

/** The options that name a link: its stack and counterpart, or its root and prefix as they are. */
const LINK_OPTIONS = { ...STACK_OPTIONS, counterpart: { type: "string" }, root: { type: "string" }, prefix: { type: "string" } } as const;

interface LinkNaming {
    root?: string;
    prefix?: string;
}

/**
 * The root and file-name prefix the options name: the link of `--counterpart`
 * in the stack's config (read as the plan reads it), or `--root`/`--prefix`
 * as given, each checked as the config checks it.
 */
export async function linkNaming(values: { stack?: string; config?: string; counterpart?: string; root?: string; prefix?: string }): Promise<LinkNaming> {
    const byStack = values.stack !== undefined || values.config !== undefined;
    if (byStack || values.counterpart !== undefined) {
        if (values.root !== undefined || values.prefix !== undefined)
            throw new UsageError("give the link by --stack/--config with --counterpart, or by --root and --prefix, not both");
        if (!byStack) throw new UsageError("--counterpart <name> names a link of a stack: give --stack <name> or --config <file> too");
        const target = stackTarget(values);
        // Loaded only with a stack: building and checking keys alone stays quick.
        const [{ loadProjectFile }, { loadSideConfig }] = await Promise.all([import("../infra/config/project-file"), import("./plan/side-config")]);
        const { config } = loadSideConfig(loadProjectFile(PROJECT_ROOT), target.stack, target.configFile, target.explicitConfig ? "--config" : undefined);
        const names = config.counterparts.map((c) => c.name);
        if (values.counterpart === undefined) throw new UsageError(`--counterpart <name> is required with a stack: one of ${names.join(", ")}`);
        const link = config.counterparts.find((c) => c.name === values.counterpart);
        if (!link) throw new UsageError(`--counterpart ${values.counterpart}: stack ${target.stack} has no such counterpart; its counterparts are ${names.join(", ")}`);
        return { root: link.root, prefix: link.fileNamePrefix };
    }
    const rootProblem = values.root !== undefined ? rootPrefixProblem(values.root) : undefined;
    if (rootProblem) throw new UsageError(`--root: ${rootProblem}`);
    const prefixProblem = values.prefix !== undefined ? fileNamePrefixProblem(values.prefix) : undefined;
    if (prefixProblem) throw new UsageError(`--prefix: ${prefixProblem}`);
    return { ...(values.root !== undefined ? { root: values.root } : {}), ...(values.prefix !== undefined ? { prefix: values.prefix } : {}) };
}

/** Build errors name the option the user typed, not the field of FileKeyParts. */
const OPTION_OF: Record<keyof FileKeyParts, string> = {
    root: "--root",
    prefix: "--prefix",
    fileType: "--type",
    date: "--date",
    epoch: "--epoch",
    part: "--part",
    partCount: "--of/--parts",
};

const build = subcommand({
    options: {
        ...LINK_OPTIONS,
        type: { type: "string" },
        date: { type: "string" },
        epoch: { type: "string" },
        part: { type: "string" },
        of: { type: "string" },
        parts: { type: "string" },
        all: { type: "boolean" },
        json: { type: "boolean" },
    },
    async run({ values }, io) {
        const link = await linkNaming(values);
        if (link.root === undefined) throw new UsageError("--root is required (or name the link with --stack <name> --counterpart <name>)");
        if (link.prefix === undefined)
            throw new UsageError("--prefix is required: the link's file-name prefix, e.g. CDLX (or name the link with --stack <name> --counterpart <name>)");
        for (const name of ["type", "date"] as const) {
            if (values[name] === undefined) throw new UsageError(`--${name} is required`);
        }
        if (values.parts !== undefined && (values.of !== undefined || values.part !== undefined || values.all)) {
            throw new UsageError("--parts <n> is short for --of <n> --all: give it alone");
        }
        if (values.parts === undefined && values.of === undefined) throw new UsageError("give --part <i> --of <n>, --of <n> --all, or --parts <n>");
        if (values.of !== undefined && (values.part === undefined) === !values.all) throw new UsageError("with --of <n>, give exactly one of --part <i> and --all");
        if (values.part !== undefined && values.of === undefined) throw new UsageError("--part <i> needs --of <n>");

        const common = {
            root: link.root,
            prefix: link.prefix,
            fileType: values.type!,
            date: values.date!,
            epoch: values.epoch === undefined ? Math.floor(Date.now() / 1000) : wholeNumber("--epoch", values.epoch),
            partCount: wholeNumber(values.parts !== undefined ? "--parts" : "--of", (values.parts ?? values.of)!),
        };
        let keys: string[];
        try {
            keys = values.part !== undefined ? [buildFileKey({ ...common, part: wholeNumber("--part", values.part) })] : batchKeys(common);
        } catch (err) {
            if (err instanceof FileKeyPartError) throw new UsageError(`${OPTION_OF[err.field]}: ${err.problem}`);
            throw err;
        }
        for (const key of keys) {
            if (!values.json) {
                io.stdout(`${key}\n`);
                continue;
            }
            const parsed = parseFileKey(key);
            // A key built here that does not parse back is a bug in file-key.ts: fail loudly.
            if (!parsed.ok) throw new Error(`built an invalid key: ${parsed.reason}`);
            io.stdout(`${JSON.stringify({ key, parts: parsed.parts })}\n`);
        }
        return 0;
    },
});

/** `parse` or `check`, reading keys from the arguments or else from `stdinText`. */
function inspect(command: "parse" | "check", stdinText: StdinText) {
    return subcommand({
        options: { ...LINK_OPTIONS, json: { type: "boolean" } },
        allowPositionals: true,
        async run({ values, positionals }, io) {
            const link = await linkNaming(values);
            let keys = positionals;
            if (keys.length === 0) {
                const text = await stdinText();
                // Waiting on a terminal for keys nobody is going to pipe in would look like a hang.
                if (text === undefined) throw new UsageError(`${command}: give keys as arguments or pipe them in, one per line`);
                keys = keysFromListing(text);
            }
            let invalid = 0;
            for (const key of keys) {
                const result: ParsedFileKey = parseFileKey(key, link);
                if (!result.ok) invalid++;
                if (values.json) {
                    io.stdout(`${JSON.stringify(result.ok ? { key, ok: true, parts: result.parts } : { key, ok: false, reason: result.reason })}\n`);
                } else if (!result.ok) {
                    (command === "parse" ? io.stderr : io.stdout)(`invalid: ${result.reason}\n`);
                } else if (command === "parse") {
                    io.stdout(`${JSON.stringify({ key, ...result.parts })}\n`);
                }
            }
            if (command === "check" && !values.json) io.stderr(`${keys.length} key(s) checked, ${invalid} invalid\n`);
            return invalid ? 1 : 0;
        },
    });
}

/** The text piped in on stdin, once it has ended, or undefined when stdin is a terminal. */
export type StdinText = () => Promise<string | undefined>;

const processStdin: StdinText = async () => (process.stdin.isTTY ? undefined : readStdin());

/** `npm run key`, reading piped keys with `stdinText` (the process's stdin by default). */
export function keyCommand(stdinText: StdinText = processStdin): CommandGroup {
    return { name: "key", usage: USAGE, commands: { build, parse: inspect("parse", stdinText), check: inspect("check", stdinText) } };
}

/**
 * One key per line. A line of `aws s3 ls` (`<date> <time> <size> <key>`) gives
 * its key, and its `PRE <folder>/` lines are skipped: no valid key has spaces,
 * so neither form can be mistaken for a key. Blank lines are skipped; nothing
 * else is trimmed, since a stray space is part of what a key got wrong.
 */
export function keysFromListing(text: string): string[] {
    const keys: string[] = [];
    for (const raw of text.split("\n")) {
        const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        if (line.trim() === "" || /^\s+PRE \S.*\/$/.test(line)) continue;
        const listed = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} +\d+ (.+)$/.exec(line);
        keys.push(listed ? listed[1] : line);
    }
    return keys;
}

/** The command, for the entry point below and for tests that run it in process with their own standard input. */
export function command(_io: Io, stdinText?: StdinText): CommandGroup {
    return keyCommand(stdinText);
}

if (require.main === module) main(keyCommand());
