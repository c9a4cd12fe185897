/**
 * JSON from outside, read as I-JSON (RFC 7493): the profile RFC 8785's
 * canonical form, and so a hand-over's fingerprint, is defined for. Besides
 * the syntax (`JSON.parse`), a document is refused when
 * - an object has a name twice (RFC 7493 section 2.3: "MUST NOT have duplicate
 *   names"): `JSON.parse` keeps the last value, and a reader that keeps the
 *   first sees another document with the same fingerprint;
 * - a number is beyond IEEE 754 double precision's range (section 2.2): `1e400`
 *   parses as Infinity, which has no canonical form (RFC 8785 section 3.2.2.3);
 * - a string holds a lone surrogate (section 2.1), which is not Unicode text;
 * - it nests deeper than MAX_INPUT_DEPTH, which no real input does and which
 *   would overflow the stack of every recursive reader after this one.
 * Every check is one pass over the text or the value.
 */
import { visit } from "jsonc-parser";
import { InputError, MAX_INPUT_DEPTH } from "./file";
import { quote } from "./messages";

/** A JSON pointer (RFC 6901) to a value: `/from/accountId`, `/needsBack/3`; "" is the whole document. */
export function jsonPointer(path: readonly (string | number)[]): string {
    return path.map((part) => `/${String(part).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A value met in a walk, with the way to it: a chain of parents, so that a path is built only for the one value a message names. */
interface Visit {
    value: unknown;
    key?: string | number;
    parent?: Visit;
    depth: number;
}

function pathOf(visit: Visit): (string | number)[] {
    const path: (string | number)[] = [];
    for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.push(at.key);
    return path.reverse();
}

/** Walks every value below `value`, depth first, without recursion (any depth is safe); stops at the first for which `check` returns something. */
function walk<T>(value: unknown, check: (visit: Visit) => T | undefined): T | undefined {
    const stack: Visit[] = [{ value, depth: 0 }];
    while (stack.length) {
        const visit = stack.pop()!;
        const found = check(visit);
        if (found !== undefined) return found;
        const here = visit.value;
        if (Array.isArray(here)) {
            for (let i = here.length - 1; i >= 0; i--) stack.push({ value: here[i], key: i, parent: visit, depth: visit.depth + 1 });
        } else if (here !== null && typeof here === "object") {
            for (const [key, item] of Object.entries(here)) stack.push({ value: item, key, parent: visit, depth: visit.depth + 1 });
        }
    }
    return undefined;
}

/** Where a value nests more than `max` lists and objects deep (a pointer to its first levels), or undefined. */
export function deeperThan(value: unknown, max: number): string | undefined {
    return walk(value, (visit) => (visit.depth >= max && visit.value !== null && typeof visit.value === "object" ? `${jsonPointer(pathOf(visit).slice(0, 8))}/…` : undefined));
}

/** The first way a parsed value departs from I-JSON's values (depth, numbers, strings), or undefined. */
export function iJsonValueProblem(value: unknown): { pointer: string; problem: string } | undefined {
    const deep = deeperThan(value, MAX_INPUT_DEPTH);
    if (deep) return { pointer: deep, problem: `nests lists and objects more than ${MAX_INPUT_DEPTH} levels deep; no input of this program nests more than a few` };
    return walk(value, (visit) => {
        const here = visit.value;
        if (typeof here === "number" && !Number.isFinite(here)) {
            return {
                pointer: jsonPointer(pathOf(visit)),
                problem:
                    "is a number beyond the range of IEEE 754 double precision (such as 1e400), which I-JSON forbids (https://www.rfc-editor.org/rfc/rfc7493#section-2.2) and no canonical form can hold (https://www.rfc-editor.org/rfc/rfc8785#section-3.2.2.3)",
            };
        }
        if (typeof here === "string" && LONE_SURROGATE.test(here)) {
            return {
                pointer: jsonPointer(pathOf(visit)),
                problem: "holds a lone UTF-16 surrogate (\\ud800 to \\udfff unpaired), which is not Unicode text (https://www.rfc-editor.org/rfc/rfc7493#section-2.1)",
            };
        }
        if (typeof visit.key === "string" && LONE_SURROGATE.test(visit.key)) {
            return {
                pointer: jsonPointer(pathOf(visit)),
                problem: "has a name with a lone UTF-16 surrogate, which is not Unicode text (https://www.rfc-editor.org/rfc/rfc7493#section-2.1)",
            };
        }
        return undefined;
    });
}

/** The names that appear twice in one object, with their pointers, in order; text must be JSON that parses and nests at most MAX_INPUT_DEPTH levels (jsonc-parser's visitor recurses). */
export function duplicateNames(text: string): { name: string; pointer: string }[] {
    const open: Set<string>[] = [];
    const found: { name: string; pointer: string }[] = [];
    visit(
        text,
        {
            onObjectBegin: () => void open.push(new Set()),
            onObjectEnd: () => void open.pop(),
            onObjectProperty: (name, _offset, _length, _line, _column, pathSupplier) => {
                const names = open[open.length - 1];
                if (names.has(name)) found.push({ name, pointer: jsonPointer([...pathSupplier(), name]) });
                names.add(name);
            },
        },
        { disallowComments: true, allowTrailingComma: false },
    );
    return found;
}

export interface JsonSource {
    /** The file as given, for messages. */
    file: string;
    /** What it is (`hand-over`), for messages. */
    kind: string;
    /** What to do instead, when the file is refused. */
    fix: string;
}

/** A JSON document from outside as its value, or an InputError naming the file, the pointer and the fix. */
export function parseJsonInput(text: string, source: JsonSource): unknown {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (err) {
        throw new InputError(source.file, `is not JSON: ${(err as Error).message}`, source.fix);
    }
    const problem = iJsonValueProblem(value);
    if (problem) throw new InputError(source.file, problem.problem, source.fix, problem.pointer || "/");
    const duplicates = duplicateNames(text);
    if (duplicates.length) {
        const [first] = duplicates;
        const more = duplicates.length > 1 ? ` (and ${duplicates.length - 1} more name${duplicates.length > 2 ? "s" : ""} given twice)` : "";
        throw new InputError(
            source.file,
            `has the name ${quote(first.name)} twice in one object${more}. I-JSON forbids duplicate names (https://www.rfc-editor.org/rfc/rfc7493#section-2.3): a reader that keeps the first value sees another ${source.kind} than one that keeps the last`,
            source.fix,
            first.pointer,
        );
    }
    return value;
}
