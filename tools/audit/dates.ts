/**
 * Date ranges for the queries, in UTC: S3 writes log times and the
 * partitioned prefix's dates in UTC, so "today" must be UTC's today or an
 * evening query west of Greenwich would miss the newest partition.
 */
import { parseFileKey } from "../../infra/naming/file-key";
import { DateRange } from "./sql";

/** Days the writes query covers by default, today included. */
export const DEFAULT_RANGE_DAYS = 7;
/**
 * Days either side of a key's date folder that its query covers: a file is
 * written on or soon after its date, replicated within minutes, and read and
 * resent over the following days.
 */
export const KEY_DATE_MARGIN_DAYS = 3;

const DAY_MS = 86_400_000;

export function isoDateProblem(value: string): string | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return `must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`;
    const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return formatDate(date) === value ? undefined : `${JSON.stringify(value)} is not a calendar date`;
}

function parseDate(value: string): Date {
    const problem = isoDateProblem(value);
    if (problem) throw new RangeError(problem);
    return new Date(`${value}T00:00:00Z`);
}

function formatDate(date: Date): string {
    return date.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
    return formatDate(new Date(parseDate(date).getTime() + days * DAY_MS));
}

export function utcToday(now: Date): string {
    return formatDate(now);
}

/**
 * The range from `--from`/`--to`; a missing end is filled in so that the
 * range is `DEFAULT_RANGE_DAYS` long and ends today at the latest.
 */
export function resolveRange(args: { from?: string; to?: string; now: Date; days?: number }): DateRange {
    const days = args.days ?? DEFAULT_RANGE_DAYS;
    if (args.from !== undefined) parseDate(args.from);
    if (args.to !== undefined) parseDate(args.to);
    const to = args.to ?? (args.from !== undefined ? minDate(addDays(args.from, days - 1), utcToday(args.now)) : utcToday(args.now));
    const from = args.from ?? addDays(to, -(days - 1));
    if (from > to) throw new RangeError(`--from ${from} is after --to ${to}`);
    return { from, to };
}

function minDate(a: string, b: string): string {
    return a < b ? a : b;
}

export interface KeyRange {
    range: DateRange;
    /** Why this range, for the reader of the queries. */
    reason: string;
}

/**
 * A key of the file-naming convention carries its date in its folder: its
 * query covers that date ± KEY_DATE_MARGIN_DAYS unless --from/--to say
 * otherwise. Any other key gets the default range.
 */
export function keyRange(args: { key?: string; from?: string; to?: string; now: Date }): KeyRange {
    if (args.from !== undefined || args.to !== undefined) {
        return { range: resolveRange(args), reason: "from --from/--to" };
    }
    if (args.key !== undefined) {
        const parsed = parseFileKey(args.key);
        if (parsed.ok) {
            const { date } = parsed.parts;
            return {
                range: { from: addDays(date, -KEY_DATE_MARGIN_DAYS), to: addDays(date, KEY_DATE_MARGIN_DAYS) },
                reason: `the key's date folder ${date} ± ${KEY_DATE_MARGIN_DAYS} days; widen it with --from/--to for later reads or deletions`,
            };
        }
        return {
            range: resolveRange({ now: args.now }),
            reason: `the last ${DEFAULT_RANGE_DAYS} days, as the key does not follow the file-naming convention, so its date is unknown (${parsed.reason})`,
        };
    }
    return { range: resolveRange({ now: args.now }), reason: `the last ${DEFAULT_RANGE_DAYS} days` };
}
