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

const WS = new Uint8Array(128);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) {
    WS[c] = 1;
}

const LITERAL = /true|false|null/y;

const pointerStep = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * The value of `text`, or a StrictJsonError saying where it breaks one of the rules
 * above; a SyntaxError (JSON.parse's own) when it is not JSON at all.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions): unknown {
    scan(text, options);
    return JSON.parse(text);
}

function scan(text: string, { maxDepth }: StrictJsonOptions): void {
    let i = 0;
    const n = text.length;
    // The open containers, innermost last, in flat arrays (exports hold hundreds of
    // thousands of small objects): whether each is an object, how many members or
    // elements it has so far, where its member names start in `names` (a name stays
    // there until its object closes), and, once it has many, a set of them.
    let depth = 0;
    const isObject = new Uint8Array(maxDepth + 1);
    const counts = new Int32Array(maxDepth + 1);
    const namesFrom = new Int32Array(maxDepth + 1);
    const sets: (Set<string> | undefined)[] = [];
    const names: string[] = [];
    // path[k]: the name or index being read in container k, for messages.
    const path: (string | number)[] = [];
    const pointer = () =>
        depth === 0
            ? ""
            : `/${path
                  .slice(0, depth)
                  .map((p) => (typeof p === "number" ? String(p) : pointerStep(p)))
                  .join("/")}`;
    const syntax = (): never => {
        // Not JSON at all: JSON.parse says where and why, as it would have.
        JSON.parse(text);
        throw new SyntaxError(`Unexpected token in JSON at position ${i}`);
    };
    const fail = (message: string, at: number, where: string): never => {
        let line = 1;
        let lineStart = 0;
        for (let k = text.indexOf("\n"); k !== -1 && k < at; k = text.indexOf("\n", k + 1)) {
            line++;
            lineStart = k + 1;
        }
        throw new StrictJsonError(message, line, at - lineStart + 1, where);
    };
    const skipWs = () => {
        while (i < n) {
            const c = text.charCodeAt(i);
            if (c >= 128 || WS[c] !== 1) {
                break;
            }
            i++;
        }
    };
    // The scan only needs each string's extent (JSON.parse checks its content after):
    // its closing quote is the next quote unless a backslash comes first. The next
    // backslash of the text is looked up once and reused until passed, so the
    // scan stays linear.
    let backslash = text.indexOf("\\");
    const skipString = (): boolean => {
        // At the opening quote; true when the string holds an escape.
        let j = i + 1;
        let escaped = false;
        for (;;) {
            const quote = text.indexOf('"', j);
            if (quote === -1) {
                syntax();
            }
            if (backslash !== -1 && backslash < j) {
                backslash = text.indexOf("\\", j);
            }
            if (backslash === -1 || backslash > quote) {
                i = quote + 1;
                return escaped;
            }
            escaped = true;
            j = backslash + 2;
            backslash = text.indexOf("\\", j);
        }
    };
    const readName = (): string => {
        const start = i + 1;
        const escaped = skipString();
        const raw = text.slice(start, i - 1);
        return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
    };
    // A value is expected at i: a scalar is read whole, a container is opened.
    const value = (): void => {
        skipWs();
        const c = text.charCodeAt(i);
        if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
            if (depth >= maxDepth) {
                fail(`it nests arrays and objects deeper than ${maxDepth} levels`, i, pointer());
            }
            isObject[depth] = c === 0x7b ? 1 : 0;
            counts[depth] = 0;
            namesFrom[depth] = names.length;
            sets[depth] = undefined;
            depth++;
            i++;
            return;
        }
        if (c === 0x22 /* " */) {
            skipString();
            return;
        }
        if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
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
                fail(`the number ${text.slice(start, Math.min(i, start + 40))} is beyond what a double holds (I-JSON, RFC 7493 section 2.2)`, start, pointer());
            }
            return;
        }
        LITERAL.lastIndex = i;
        if (LITERAL.test(text)) {
            i = LITERAL.lastIndex;
            return;
        }
        syntax();
    };
    value();
    for (;;) {
        skipWs();
        if (depth === 0) {
            if (i !== n) {
                syntax();
            }
            return;
        }
        const top = depth - 1;
        const object = isObject[top] === 1;
        const c = text.charCodeAt(i);
        if (c === (object ? 0x7d /* } */ : 0x5d) /* ] */) {
            names.length = namesFrom[top];
            sets[top] = undefined;
            depth--;
            i++;
            continue;
        }
        if (counts[top] > 0) {
            if (c !== 0x2c /* , */) {
                syntax();
            }
            i++;
            skipWs();
        }
        if (object) {
            if (text.charCodeAt(i) !== 0x22) {
                syntax();
            }
            const at = i;
            const name = readName();
            path[top] = name;
            const set = sets[top];
            let duplicate: boolean;
            if (set !== undefined) {
                duplicate = set.has(name);
                set.add(name);
            } else {
                duplicate = false;
                for (let k = namesFrom[top]; k < names.length; k++) {
                    if (names[k] === name) {
                        duplicate = true;
                        break;
                    }
                }
                names.push(name);
                if (names.length - namesFrom[top] > 16) {
                    sets[top] = new Set(names.slice(namesFrom[top]));
                }
            }
            if (duplicate) {
                fail(
                    `the name "${name.length > 60 ? `${name.slice(0, 60)}…` : name}" appears twice in one object (I-JSON, RFC 7493 section 2.3: a reader that keeps the first value sees another document)`,
                    at,
                    pointer(),
                );
            }
            skipWs();
            if (text.charCodeAt(i) !== 0x3a /* : */) {
                syntax();
            }
            i++;
        } else {
            path[top] = counts[top];
        }
        counts[top]++;
        value();
    }
}
