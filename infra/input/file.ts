/**
 * Files given by the user (a stack file, a hand-over, an export, a matrix) are
 * input from outside: read only when they are regular files, only up to a
 * size far above any real one, and only as UTF-8 text. A FIFO or a device
 * given where a file is expected would block or never end; a file of
 * gigabytes would take the machine's memory before any check could refuse it.
 * Every refusal is an `InputError` naming the file and the fix, which the
 * command-line runner prints and exits 2 on.
 *
 * Nothing here imports more than Node's `fs` and the message helpers: the runner loads it to start.
 */
import * as fs from "fs";
import { elide } from "./messages";

/** What a command reads from outside; each kind has its own size limit (INPUT_LIMITS). */
export type InputKind = "stack file" | "project file" | "hand-over" | "stack outputs" | "plan export" | "update plan" | "access matrix" | "standard input";

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * The largest input of each kind that is read, with what a real one weighs.
 * A limit is far above any real file (hundreds of times), so it only stops
 * what no person or tool of ours writes; docs/development.md lists them.
 */
export const INPUT_LIMITS: Record<InputKind, { bytes: number; real: string }> = {
    "stack file": { bytes: 2 * MiB, real: "a stack with 300 SSE-KMS counterparts, every field filled in, is about 250 KiB" },
    "project file": { bytes: 1 * MiB, real: "Pulumi.yaml is about 3 KiB" },
    "hand-over": { bytes: 1 * MiB, real: "a hand-over is under 1 KiB" },
    "stack outputs": { bytes: 64 * MiB, real: "the outputs of a stack with 300 SSE-KMS counterparts are about 4 MiB" },
    "plan export": { bytes: 256 * MiB, real: "the plan of a stack with 300 SSE-KMS counterparts is about 25 MiB" },
    "update plan": { bytes: 256 * MiB, real: "a saved plan holds each resource's goal inputs, less than the stack's plan export" },
    "access matrix": { bytes: 4 * MiB, real: "the expected access matrix is about 40 KiB" },
    "standard input": { bytes: 256 * MiB, real: "an `aws s3 ls` listing of a million keys is about 100 MiB" },
};

/** The deepest nesting of lists and mappings read from outside: a hand-over nests 3 levels, a stack file 5, an export about 20. */
export const MAX_INPUT_DEPTH = 256;

/** One problem with a file from outside: the command prints it and exits 2, having written nothing. */
export class InputError extends Error {
    constructor(
        /** The file as given (or `standard input`). */
        readonly file: string,
        readonly problem: string,
        readonly fix: string,
        /** Where in the file: a JSON pointer (`/from/accountId`) or a YAML key, when the problem has a place. */
        readonly at?: string,
        /** The 1-based line, when known. */
        readonly line?: number,
    ) {
        super(`${file}${line ? `:${line}` : ""}: ${at ? `${elide(at)}: ` : ""}${problem}\n  fix: ${fix}`);
        this.name = "InputError";
    }
}

/** True for an InputError, also across duplicated module instances (the runner loads this module on its own). */
export function isInputError(err: unknown): err is InputError {
    return err instanceof InputError || (err instanceof Error && err.name === "InputError" && "problem" in err && "fix" in err);
}

/** "8 MiB", "1 MiB", "512 KiB": a limit as the messages and docs state it. */
export function formatBytes(bytes: number): string {
    if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
    if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
    return `${bytes.toLocaleString("en-US")} bytes`;
}

/** What a file is, when it is not a regular file: what the message calls it. */
function notRegular(stat: fs.Stats): string | undefined {
    if (stat.isFile()) return undefined;
    if (stat.isDirectory()) return "a directory";
    if (stat.isFIFO()) return "a named pipe (FIFO)";
    if (stat.isCharacterDevice()) return "a character device";
    if (stat.isBlockDevice()) return "a block device";
    if (stat.isSocket()) return "a socket";
    return "not a regular file";
}

/** Why a path cannot be read as an input file, or undefined when it can: for checks made before a command does any work. */
export function unreadableInput(file: string): string | undefined {
    let stat: fs.Stats;
    try {
        fs.accessSync(file, fs.constants.R_OK);
        stat = fs.statSync(file);
    } catch (err) {
        const { code } = err as NodeJS.ErrnoException;
        return code === "ENOENT" ? "ENOENT: no such file" : (err as Error).message;
    }
    const what = notRegular(stat);
    return what ? `it is ${what}, not a regular file` : undefined;
}

const tooLarge = (file: string, kind: InputKind, size: string) =>
    new InputError(
        file,
        `is ${size}, more than the limit of ${formatBytes(INPUT_LIMITS[kind].bytes)} for the ${kind} (${INPUT_LIMITS[kind].real}); it is not read`,
        `give the ${kind} itself: this is not one, or it was changed on the way`,
    );

/**
 * Text of a file, decoded as UTF-8 without its byte-order mark, or an
 * InputError. Opened without blocking (O_NONBLOCK), so that a FIFO with no
 * writer is refused at once rather than waited on; then only a regular file
 * is read, and at most one byte more than its kind's limit.
 */
export function readInputFile(file: string, kind: InputKind, fix = `check the path of the ${kind}`): string {
    let fd: number;
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (err) {
        const { code } = err as NodeJS.ErrnoException;
        const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? (err as Error).message})`;
        throw new InputError(file, why, fix);
    }
    try {
        const stat = fs.fstatSync(fd);
        const what = notRegular(stat);
        if (what) throw new InputError(file, `is ${what}, not a regular file: input is read only from regular files`, `save the ${kind} to a file and give that file`);
        const limit = INPUT_LIMITS[kind].bytes;
        if (stat.size > limit) throw tooLarge(file, kind, formatBytes(stat.size));
        // The file may grow between fstat and read: read one byte past the limit to know.
        const buffer = Buffer.alloc(Math.min(stat.size, limit) + 1);
        let length = 0;
        for (;;) {
            const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
            if (n === 0) break;
            length += n;
            if (length > limit) throw tooLarge(file, kind, `more than ${formatBytes(limit)}`);
            if (length === buffer.length) break;
        }
        return decodeUtf8(buffer.subarray(0, length), file);
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * UTF-8 text without a leading byte-order mark. A BOM is dropped: YAML 1.2
 * allows one at the start of a stream (https://yaml.org/spec/1.2.2/#52-character-encodings),
 * and RFC 8259 lets a JSON parser ignore it (https://www.rfc-editor.org/rfc/rfc8259#section-8.1);
 * what a hand-over's fingerprint covers is its value, which a BOM does not change.
 * Any other encoding is refused by name: RFC 8259 requires UTF-8 between systems,
 * and so does I-JSON (https://www.rfc-editor.org/rfc/rfc7493#section-2.1).
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
        throw new InputError(file, `is UTF-16 (it starts with a UTF-16 byte-order mark); input must be UTF-8`, "save it as UTF-8 (most editors: Save with Encoding > UTF-8)");
    }
    try {
        // ignoreBOM false: the decoder drops a leading UTF-8 BOM (https://encoding.spec.whatwg.org/#interface-textdecoder).
        return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
        throw new InputError(file, `is not UTF-8 text; input must be UTF-8`, "save it as UTF-8 (most editors: Save with Encoding > UTF-8)");
    }
}
