/**
 * The S3 key convention of the partner setup guide,
 *
 *     {root}/{YYYY-MM-DD}/CDLX_<file-type>_<YYYYMMDD>_<epoch>_<i>of<n>.jsonl
 *
 * as pure functions, with the file-name prefix (`CDLX` in CDLX's guide) a
 * property of each link: `{root}/{YYYY-MM-DD}/<PREFIX>_<file-type>_...`. The
 * guide gives only that template; the grammar decided here, and why, is in
 * docs/file-naming.md. This module must not import Pulumi: producers' tooling
 * (tools/key.ts) loads it on every call.
 */
import { rootPrefixProblem } from "../config/rules";

export interface FileKeyParts {
    /** `{Root}`: the prefix agreed between the two parties, without its trailing "/". */
    root: string;
    /** `<PREFIX>`: the link's file-name prefix, before the first `_` (`CDLX` in CDLX's guide). */
    prefix: string;
    /** `<file-type>`, e.g. `transactions`. */
    fileType: string;
    /** The file's date, `YYYY-MM-DD`: the folder, and `<date>` once its dashes are removed. */
    date: string;
    /** `<epoch>`, Unix seconds. */
    epoch: number;
    /** `<i>`: this file's 1-based position in its batch. */
    part: number;
    /** `<n>`: how many files the batch has. */
    partCount: number;
}

export type ParsedFileKey = { ok: true; parts: FileKeyParts } | { ok: false; reason: string };

/**
 * The prefix CDLX's guide gives its files, and the one every key carried
 * before the prefix became a property of the link: outputs of a stack of that
 * program, which do not export a link's prefix, mean it.
 */
export const GUIDE_FILE_NAME_PREFIX = "CDLX";
export const MAX_FILE_NAME_PREFIX_LENGTH = 32;
export const FILE_EXTENSION = ".jsonl";
/** S3's own limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
export const MAX_FILE_TYPE_LENGTH = 64;
export const MAX_PART_COUNT = 10_000;
export const MIN_DATE = "2000-01-01";
export const MAX_DATE = "2099-12-31";
/** 2000-01-01T00:00:00Z. */
export const MIN_EPOCH = 946_684_800;
/** 2099-12-31T23:59:59Z. */
export const MAX_EPOCH = 4_102_444_799;

const GRAMMAR = "{root}/{YYYY-MM-DD}/<PREFIX>_<file-type>_<YYYYMMDD>_<epoch>_<i>of<n>.jsonl";

// Upper case, as the guide's `CDLX`, so that it never reads as a file type; `_` separates the fields.
const FILE_NAME_PREFIX = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/;

/** A link's file-name prefix: upper-case letters and digits, single hyphens between them, at most 32 characters. */
export function fileNamePrefixProblem(value: string): string | undefined {
    if (value.length > MAX_FILE_NAME_PREFIX_LENGTH) return `must be at most ${MAX_FILE_NAME_PREFIX_LENGTH} characters (has ${value.length})`;
    if (value.includes("_")) return `must not contain "_" (it separates the fields of the file name), got ${quote(value)}`;
    return FILE_NAME_PREFIX.test(value)
        ? undefined
        : `must be upper-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen (as CDLX), got ${quote(value)}`;
}

/**
 * A link's prefix unless its config names one: the partner's party name in
 * upper case, on both sides of the link, since the partner's guide sets the
 * convention (CDLX's gives `CDLX` for `cdlx`).
 */
export function defaultFileNamePrefix(partnerName: string): string {
    return partnerName.toUpperCase();
}

/** Thrown by the builders; `field` lets a caller (the CLI) point at its own option name. */
export class FileKeyPartError extends Error {
    constructor(
        readonly field: keyof FileKeyParts,
        readonly problem: string,
    ) {
        super(`invalid ${field}: ${problem}`);
        this.name = "FileKeyPartError";
    }
}

// `_` separates the fields of the file name, so it cannot appear in one: a
// consumer splitting on `_` must find the type at index 1. Lowercase only, so
// one type has one spelling in a case-sensitive key space.
const FILE_TYPE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export function fileTypeProblem(value: string): string | undefined {
    if (value.length > MAX_FILE_TYPE_LENGTH) return `must be at most ${MAX_FILE_TYPE_LENGTH} characters (has ${value.length})`;
    if (value.includes("_")) return `must not contain "_" (it separates the fields of the file name), got ${quote(value)}`;
    return FILE_TYPE.test(value) ? undefined : `must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen, got ${quote(value)}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** `shown` is the date as the caller wrote it, so the message quotes what they typed. */
function calendarDateProblem(year: number, month: number, day: number, shown: string): string | undefined {
    if (month < 1 || month > 12) return `${quote(shown)} is not a calendar date (month ${pad2(month)})`;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
    if (day < 1 || day > days) return `${quote(shown)} is not a calendar date (${MONTHS[month - 1]} ${year} has ${days} days)`;
    const iso = `${year}-${pad2(month)}-${pad2(day)}`;
    if (iso < MIN_DATE || iso > MAX_DATE) return `${quote(shown)} is outside ${MIN_DATE}..${MAX_DATE}`;
    return undefined;
}

/** The folder form, `YYYY-MM-DD`. */
export function dateProblem(value: string): string | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return `must be YYYY-MM-DD, got ${quote(value)}`;
    return calendarDateProblem(Number(m[1]), Number(m[2]), Number(m[3]), value);
}

/** `shown` keeps the digits as written: a 25-digit epoch would print as 1e+24. */
export function epochProblem(value: number, shown = String(value)): string | undefined {
    // Infinity passes on to the range check: it is what a very long digit string parses to.
    if (Number.isNaN(value) || (Number.isFinite(value) && !Number.isInteger(value))) return `must be a whole number of Unix seconds, got ${shown}`;
    if (value < MIN_EPOCH) return `${shown} is before ${MIN_DATE}T00:00:00Z (${MIN_EPOCH})`;
    if (value > MAX_EPOCH) {
        // The usual producer mistake: JavaScript's Date.now() and Java's currentTimeMillis().
        const millis = value >= MIN_EPOCH * 1000 && value <= MAX_EPOCH * 1000 + 999 ? " (milliseconds? <epoch> is in seconds)" : "";
        return `${shown} is after ${MAX_DATE}T23:59:59Z (${MAX_EPOCH})${millis}`;
    }
    return undefined;
}

export function partProblem(
    part: number,
    partCount: number,
    shown = { part: String(part), partCount: String(partCount) },
): { field: "part" | "partCount"; problem: string } | undefined {
    const whole = (n: number): boolean => Number.isInteger(n) || n === Infinity;
    if (!whole(partCount) || partCount < 1) return { field: "partCount", problem: `part count must be a whole number of at least 1, got ${shown.partCount}` };
    if (partCount > MAX_PART_COUNT) return { field: "partCount", problem: `part count ${shown.partCount} exceeds the maximum ${MAX_PART_COUNT}` };
    if (!whole(part) || part < 1) return { field: "part", problem: `part index must be a whole number of at least 1, got ${shown.part}` };
    if (part > partCount) return { field: "part", problem: `part index ${shown.part} exceeds part count ${shown.partCount}` };
    return undefined;
}

/** The replication filter prefix of a root: every key of the convention starts with it. */
export function fileKeyPrefix(root: string): string {
    const problem = rootPrefixProblem(root);
    if (problem) throw new FileKeyPartError("root", problem);
    return `${root}/`;
}

export function buildFileKey(parts: FileKeyParts): string {
    const prefix = fileKeyPrefix(parts.root);
    const checks: [keyof FileKeyParts, string | undefined][] = [
        ["prefix", fileNamePrefixProblem(parts.prefix)],
        ["fileType", fileTypeProblem(parts.fileType)],
        ["date", dateProblem(parts.date)],
        ["epoch", epochProblem(parts.epoch)],
    ];
    for (const [field, problem] of checks) if (problem) throw new FileKeyPartError(field, problem);
    const partIssue = partProblem(parts.part, parts.partCount);
    if (partIssue) throw new FileKeyPartError(partIssue.field, partIssue.problem);
    const compactDate = parts.date.replace(/-/g, "");
    // Cannot exceed MAX_KEY_BYTES today (the root is ASCII and at most 512
    // characters), but the limit is S3's, so it is checked rather than assumed.
    const key = `${prefix}${parts.date}/${parts.prefix}_${parts.fileType}_${compactDate}_${parts.epoch}_${parts.part}of${parts.partCount}${FILE_EXTENSION}`;
    const bytes = Buffer.byteLength(key, "utf8");
    if (bytes > MAX_KEY_BYTES) throw new FileKeyPartError("root", `makes the key ${bytes} bytes long; S3 keys are at most ${MAX_KEY_BYTES}`);
    return key;
}

/** Every key of one batch, in part order: all share one epoch, so they sort and group together. */
export function batchKeys(batch: Omit<FileKeyParts, "part">): string[] {
    const issue = partProblem(1, batch.partCount);
    if (issue) throw new FileKeyPartError(issue.field, issue.problem);
    return Array.from({ length: batch.partCount }, (_, i) => buildFileKey({ ...batch, part: i + 1 }));
}

/**
 * Never throws on any `key`; throws only if `options.root` or
 * `options.prefix` is itself not valid, which is the caller's bug rather than
 * a bad key. With `root`, the key must sit directly under `{root}/`, as the
 * replication filter needs; with `prefix`, its file name must start with the
 * link's `<PREFIX>_`; without, any valid prefix is read.
 */
export function parseFileKey(key: string, options: { root?: string; prefix?: string } = {}): ParsedFileKey {
    if (options.root !== undefined) fileKeyPrefix(options.root);
    if (options.prefix !== undefined) {
        const problem = fileNamePrefixProblem(options.prefix);
        if (problem) throw new FileKeyPartError("prefix", problem);
    }
    if (typeof key !== "string") return { ok: false, reason: `key must be a string, got ${typeof key}` };
    const fail = (problem: string): ParsedFileKey => ({ ok: false, reason: `${problem} in ${quote(key)}` });

    // First, so that nothing below runs its regular expressions over megabytes.
    const bytes = Buffer.byteLength(key, "utf8");
    if (bytes > MAX_KEY_BYTES) return fail(`key is ${bytes} bytes long; S3 keys are at most ${MAX_KEY_BYTES}`);

    let segments = key.split("/");
    if (options.root !== undefined) {
        const prefix = `${options.root}/`;
        if (!key.startsWith(prefix)) return fail(`key does not start with the root prefix ${quote(prefix)}`);
        segments = key.slice(prefix.length).split("/");
        if (segments.length !== 2) {
            return fail(`expected ${quote(prefix)} then {YYYY-MM-DD}/<file name>, found ${segments.length} path segment(s) after the root`);
        }
        segments = [options.root, ...segments];
    } else if (segments.length < 3) {
        return fail(`expected ${GRAMMAR}, found ${segments.length} path segment(s) (the root is missing or the key is not in a date folder)`);
    }
    const fileName = segments[segments.length - 1];
    const folder = segments[segments.length - 2];
    const root = segments.slice(0, -2).join("/");

    const rootIssue = rootPrefixProblem(root);
    if (rootIssue) return fail(`root ${rootIssue}`);
    const folderIssue = dateProblem(folder);
    if (folderIssue) return fail(`date folder ${folderIssue}`);
    if (fileName === "") return fail(`key ends with "/" (a folder, not a file)`);
    if (!fileName.endsWith(FILE_EXTENSION)) return fail(`file name must end with "${FILE_EXTENSION}", got ${quote(fileName)}`);

    const fields = fileName.slice(0, -FILE_EXTENSION.length).split("_");
    if (options.prefix !== undefined) {
        if (fields[0] !== options.prefix) return fail(`file name must start with the link's prefix "${options.prefix}_", got ${quote(fileName)}`);
    } else {
        const prefixIssue = fields.length > 1 ? fileNamePrefixProblem(fields[0]) : `is missing (no "_" in ${quote(fileName)})`;
        if (prefixIssue) return fail(`file name prefix ${prefixIssue}`);
    }
    if (fields.length !== 5) {
        // Tell a type with underscores apart from a file name of the wrong shape:
        // only the former has well-formed date, epoch and part at its end.
        const tail = fields.slice(-3);
        if (fields.length > 5 && /^\d{8}$/.test(tail[0]) && /^\d+$/.test(tail[1]) && /^\d+of\d+$/.test(tail[2])) {
            return fail(`file-type ${quote(fields.slice(1, -3).join("_"))} must not contain "_" (it separates the fields of the file name)`);
        }
        return fail(`file name must have 5 "_"-separated fields <PREFIX>_<file-type>_<YYYYMMDD>_<epoch>_<i>of<n>, found ${fields.length}`);
    }
    const [prefixText, fileType, compactDate, epochText, partText] = fields;

    const typeIssue = fileTypeProblem(fileType);
    if (typeIssue) return fail(`file-type ${typeIssue}`);

    const dm = /^(\d{4})(\d{2})(\d{2})$/.exec(compactDate);
    if (!dm) return fail(`date in the file name must be YYYYMMDD, got ${quote(compactDate)}`);
    const dateIssue = calendarDateProblem(Number(dm[1]), Number(dm[2]), Number(dm[3]), compactDate);
    if (dateIssue) return fail(`date in the file name ${dateIssue}`);
    const date = `${dm[1]}-${dm[2]}-${dm[3]}`;
    if (date !== folder) return fail(`date in the file name ${quote(compactDate)} differs from the date folder ${quote(folder)}`);

    const epochIssue = digitsProblem("epoch", epochText) ?? epochProblem(Number(epochText), epochText);
    if (epochIssue) return fail(epochIssue.startsWith("epoch") ? epochIssue : `epoch ${epochIssue}`);

    const pm = /^(\d+)of(\d+)$/.exec(partText);
    if (!pm) return fail(`part must be <i>of<n> such as 1of2, got ${quote(partText)}`);
    const partDigits = digitsProblem("part index", pm[1]) ?? digitsProblem("part count", pm[2]);
    if (partDigits) return fail(partDigits);
    const index = Number(pm[1]);
    const count = Number(pm[2]);
    const partIssue = partProblem(index, count, { part: pm[1], partCount: pm[2] });
    if (partIssue) return fail(partIssue.problem);

    return { ok: true, parts: { root, prefix: prefixText, fileType, date, epoch: Number(epochText), part: index, partCount: count } };
}

/** Leading zeros would give one file two spellings, so only the canonical one is accepted. */
function digitsProblem(label: string, text: string): string | undefined {
    if (!/^\d+$/.test(text)) return `${label} must be digits only, got ${quote(text)}`;
    if (text.length > 1 && text.startsWith("0")) return `${label} must not have leading zeros, got ${quote(text)}`;
    return undefined;
}

function pad2(n: number): string {
    return String(n).padStart(2, "0");
}

/** JSON quoting escapes control characters, so a hostile key cannot drive the terminal. */
function quote(text: string): string {
    return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
