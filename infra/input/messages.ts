/**
 * Messages about input from outside stay readable whatever the input: a value
 * is echoed whole only when it is short, and a list of problems shows its
 * first ones and says how many more there are. One bad entry repeated 100,000
 * times, or a name of 5 MB, must not print megabytes.
 */

/** Longest value echoed whole: a bucket name has at most 63 characters, an ARN about 100. */
export const MAX_ECHOED_CHARS = 200;

/** Most problems one refusal lists; the rest are counted. A real file with this many problems is being started over anyway. */
export const MAX_PROBLEMS_SHOWN = 50;

/** A value as a message shows it, without quotes: itself when short, else its start and end with its length. */
export function elide(text: string, max = MAX_ECHOED_CHARS): string {
    if (text.length <= max) return text;
    const head = Math.ceil((max * 2) / 3);
    const tail = max - head;
    return `${text.slice(0, head)}…${text.slice(text.length - tail)} (${text.length.toLocaleString("en-US")} characters)`;
}

/** A value quoted for a message (`"acme-bank"`), shortened as `elide` does. */
export function quote(text: string, max = MAX_ECHOED_CHARS): string {
    if (text.length <= max) return `"${text}"`;
    const shortened = elide(text, max);
    const cut = shortened.lastIndexOf(" (");
    return `"${shortened.slice(0, cut)}"${shortened.slice(cut)}`;
}

/**
 * The first MAX_PROBLEMS_SHOWN items of a list, each rendered, and a last line
 * that counts the others: `… and 99,950 more problems not shown; fix those above and run again`.
 */
export function capList<T>(items: readonly T[], render: (item: T) => string, noun = "problem", max = MAX_PROBLEMS_SHOWN): string[] {
    const shown = items.slice(0, max).map(render);
    const rest = items.length - shown.length;
    return rest > 0 ? [...shown, `  … and ${rest.toLocaleString("en-US")} more ${noun}${rest === 1 ? "" : "s"} not shown; fix those above and run again`] : shown;
}
