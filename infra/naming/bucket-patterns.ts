/**
 * Bucket names as the few prefixes that cover them, so that a document naming
 * a side's buckets (a log bucket's grant, an alert topic's policy, a trail's
 * data-event selector) does not grow with every counterpart: S3, SNS and
 * CloudTrail cap each of those documents (docs/resources.md, "Quotas").
 *
 * Names the side derives all start with `<bucketPrefix>-`; below that floor
 * they are grouped by the character where they part from the names that must
 * stay out (a log bucket must never be selected by a trail that delivers into
 * it), and each group is written as the longest prefix its names share. A name
 * outside the floor (an overridden bucket name) is kept whole: a prefix shorter
 * than the side's own would admit buckets of the account that are not the side's.
 */

/** What covers a set of bucket names: whole names, and prefixes (each at least the floor). */
export interface BucketCover {
    names: string[];
    prefixes: string[];
}

/** Names end with "/" here, so that no name is a prefix of another and a whole name is told from a prefix. */
const END = "/";

function longestCommonPrefix(values: string[]): string {
    let prefix = values[0];
    for (const value of values) {
        let i = 0;
        while (i < prefix.length && i < value.length && prefix[i] === value[i]) i++;
        prefix = prefix.slice(0, i);
    }
    return prefix;
}

/** Groups `values` by their character at `at` (every value is longer than `at`: each ends with END). */
function byCharAt(values: string[], at: number): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const value of values) {
        const key = value[at];
        groups.set(key, [...(groups.get(key) ?? []), value]);
    }
    return groups;
}

/** The fewest prefixes of `names` (all sharing their first `depth` characters) that are prefixes of no `excluded`. */
function cover(names: string[], excluded: string[], depth: number): string[] {
    const shared = longestCommonPrefix(names);
    const inTheWay = excluded.filter((e) => e.startsWith(shared));
    if (!inTheWay.length) return [shared];
    // An excluded name shares all of `shared`: part the names at the next character.
    const at = Math.max(depth, shared.length);
    const away = byCharAt(inTheWay, at);
    return [...byCharAt(names, at)].flatMap(([char, group]) => cover(group, away.get(char) ?? [], at + 1));
}

/**
 * The cover of `names`: every name is whole or starts with one of the
 * prefixes, no `excluded` name does, and every prefix starts with `floor`.
 * Deterministic (sorted), so a plan does not churn.
 */
export function coverBucketNames(names: readonly string[], options: { floor: string; excluding: readonly string[] }): BucketCover {
    const unique = [...new Set(names)];
    const under = unique.filter((n) => n.startsWith(options.floor)).map((n) => n + END);
    const whole = unique.filter((n) => !n.startsWith(options.floor));
    const excluded = options.excluding.filter((e) => !unique.includes(e)).map((e) => e + END);
    const found = under.length ? cover(under, excluded, options.floor.length) : [];
    return {
        names: [...whole, ...found.filter((p) => p.endsWith(END)).map((p) => p.slice(0, -END.length))].sort(),
        prefixes: found.filter((p) => !p.endsWith(END)).sort(),
    };
}

/** Whether a bucket name is covered. */
export function covers(cover: BucketCover, name: string): boolean {
    return cover.names.includes(name) || cover.prefixes.some((p) => name.startsWith(p));
}

/** As `aws:SourceArn` values for ArnLike: a whole name's bucket ARN, a prefix with `*`. */
export function bucketArnPatterns(partition: string, cover: BucketCover): string[] {
    return [...cover.names.map((n) => `arn:${partition}:s3:::${n}`), ...cover.prefixes.map((p) => `arn:${partition}:s3:::${p}*`)].sort();
}

/**
 * As object-ARN prefixes for a CloudTrail `resources.ARN` StartsWith (which takes
 * no wildcard): a whole name as `<bucket ARN>/`, every object of that bucket.
 */
export function objectArnPrefixes(partition: string, cover: BucketCover): string[] {
    return [...cover.names.map((n) => `arn:${partition}:s3:::${n}/`), ...cover.prefixes.map((p) => `arn:${partition}:s3:::${p}`)].sort();
}
