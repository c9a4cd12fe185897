// JSON read from outside (an export, a policy config) as I-JSON (RFC 7493) reads
// it: no duplicate member names, since a reader that keeps the first value sees
// another document than one that keeps the last (JSON.parse keeps the last); no
// number beyond what a double holds (`1e400` is Infinity to JSON.parse, and null
// once written back); and nesting bounded, so that no walk over the value can run
// out of stack. One linear scan checks all three before JSON.parse builds the value.
// https://www.rfc-editor.org/rfc/rfc7493#section-2.3 (names unique), #section-2.2 (numbers)

export class StrictJsonError extends Error {
    constructor(
        message: string,
        /** Where in the text, as 1-based line and column. */
        readonly line: number,
        readonly column: number,
        /** The JSON Pointer of the value concerned (RFC 6901). */
        readonly pointer: string,
    ) {
        super(message);
    }
}

export interface StrictJsonOptions {
    /** The deepest nesting of arrays and objects accepted. */
    maxDepth: number;
}

const LITERAL = /true|false|null/y;

const pointerStep = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * The value of `text`, or a StrictJsonError saying where it breaks one of the rules
 * above; a SyntaxError (JSON.parse's own) when it is not JSON at all.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions): unknown {
    scan(text, options.maxDepth);
    return JSON.parse(text);
}

/** Not JSON at all: JSON.parse says where and why, as it would have. */
function syntax(text: string, at: number): never {
    JSON.parse(text);
    throw new SyntaxError(`Unexpected token in JSON at position ${at}`);
}

function fail(text: string, message: string, at: number, path: (string | number)[], depth: number): never {
    let line = 1;
    let lineStart = 0;
    for (let k = text.indexOf("\n"); k !== -1 && k < at; k = text.indexOf("\n", k + 1)) {
        line++;
        lineStart = k + 1;
    }
    const pointer =
        depth === 0
            ? ""
            : `/${path
                  .slice(0, depth)
                  .map((p) => (typeof p === "number" ? String(p) : pointerStep(p)))
                  .join("/")}`;
    throw new StrictJsonError(message, line, at - lineStart + 1, pointer);
}

// The scan only needs each string's extent (JSON.parse checks its content after):
// its closing quote is the next quote unless a backslash comes first. The next
// backslash of the text is looked up once and reused until passed, so the scan
// stays linear. Set per scan (scans do not nest).
let nextBackslash = -1;
let lastEscaped = false;

/** The index just past the string whose opening quote is at `at`; lastEscaped says whether it holds an escape. */
function stringEnd(text: string, at: number): number {
    let j = at + 1;
    lastEscaped = false;
    for (;;) {
        const quote = text.indexOf('"', j);
        if (quote === -1) {
            syntax(text, at);
        }
        if (nextBackslash !== -1 && nextBackslash < j) {
            nextBackslash = text.indexOf("\\", j);
        }
        if (nextBackslash === -1 || nextBackslash > quote) {
            return quote + 1;
        }
        lastEscaped = true;
        j = nextBackslash + 2;
        nextBackslash = text.indexOf("\\", j);
    }
}

// One pass, as a loop over two states (a value is due; a value was just read), with
// the open containers in flat arrays: exports hold hundreds of thousands of small
// objects, and the scan should cost a fraction of JSON.parse.
function scan(text: string, maxDepth: number): void {
    const n = text.length;
    nextBackslash = text.indexOf("\\");
    let i = 0;
    let depth = 0;
    // Per open container: whether it is an object, how many members or elements it
    // has, where its member names start in `names` (a name stays there until its
    // object closes) and, once it has many, a set of them.
    const isObject = new Uint8Array(maxDepth + 1);
    const counts = new Int32Array(maxDepth + 1);
    const namesFrom = new Int32Array(maxDepth + 1);
    const sets: (Set<string> | undefined)[] = [];
    const names: string[] = [];
    // path[k]: the name or index being read in container k, for messages.
    const path: (string | number)[] = [];
    let valueDue = true;
    for (;;) {
        let c = text.charCodeAt(i);
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            c = text.charCodeAt(++i);
        }
        if (valueDue) {
            if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
                if (depth >= maxDepth) {
                    fail(text, `it nests arrays and objects deeper than ${maxDepth} levels`, i, path, depth);
                }
                isObject[depth] = c === 0x7b ? 1 : 0;
                counts[depth] = 0;
                namesFrom[depth] = names.length;
                sets[depth] = undefined;
                depth++;
                i++;
                valueDue = false;
                continue;
            }
            if (c === 0x22 /* " */) {
                i = stringEnd(text, i);
            } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
                // A number: its extent; only one with an exponent or hundreds of digits can leave a double's range.
                const start = i;
                let exponent = false;
                for (i++; i < n; i++) {
                    const d = text.charCodeAt(i);
                    if (d === 0x65 || d === 0x45) {
                        exponent = true;
                    } else if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x2b || d === 0x2d)) {
                        break;
                    }
                }
                if ((exponent || i - start > 300) && !Number.isFinite(Number(text.slice(start, i)))) {
                    fail(text, `the number ${text.slice(start, Math.min(i, start + 40))} is beyond what a double holds (I-JSON, RFC 7493 section 2.2)`, start, path, depth);
                }
            } else {
                LITERAL.lastIndex = i;
                if (!LITERAL.test(text)) {
                    syntax(text, i);
                }
                i = LITERAL.lastIndex;
            }
            valueDue = false;
            continue;
        }
        // A value was read, or a container opened: close it, or read the separator and the next name.
        if (depth === 0) {
            if (i !== n) {
                syntax(text, i);
            }
            return;
        }
        const top = depth - 1;
        const object = isObject[top] === 1;
        if (c === (object ? 0x7d /* } */ : 0x5d) /* ] */) {
            names.length = namesFrom[top];
            sets[top] = undefined;
            depth--;
            i++;
            continue;
        }
        if (counts[top] > 0) {
            if (c !== 0x2c /* , */) {
                syntax(text, i);
            }
            c = text.charCodeAt(++i);
            while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
                c = text.charCodeAt(++i);
            }
        }
        if (object) {
            if (c !== 0x22) {
                syntax(text, i);
            }
            const at = i;
            i = stringEnd(text, i);
            const raw = text.slice(at + 1, i - 1);
            const name = lastEscaped ? (JSON.parse(`"${raw}"`) as string) : raw;
            path[top] = name;
            const set = sets[top];
            let duplicate = false;
            if (set !== undefined) {
                duplicate = set.has(name);
                set.add(name);
            } else {
                const from = namesFrom[top];
                for (let k = from; k < names.length; k++) {
                    if (names[k] === name) {
                        duplicate = true;
                        break;
                    }
                }
                names.push(name);
                if (names.length - from > 16) {
                    sets[top] = new Set(names.slice(from));
                }
            }
            if (duplicate) {
                fail(
                    text,
                    `the name "${name.length > 60 ? `${name.slice(0, 60)}…` : name}" appears twice in one object (I-JSON, RFC 7493 section 2.3: a reader that keeps the first value sees another document)`,
                    at,
                    path,
                    depth,
                );
            }
            c = text.charCodeAt(i);
            while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
                c = text.charCodeAt(++i);
            }
            if (c !== 0x3a /* : */) {
                syntax(text, i);
            }
            i++;
        } else {
            path[top] = counts[top];
        }
        counts[top]++;
        valueDue = true;
    }
}
