/**
 * The values of a stack file as Pulumi reads them, which is not how a YAML 1.2
 * reader does. Pulumi decodes a stack file with go-yaml v3 into Go values
 * (sdk/go/common/resource/config/object.go, `object.UnmarshalYAML`), then hands
 * a program each top-level key as text: a string as it is, a number or boolean
 * as its JSON, a list or mapping as JSON (`object.MarshalString`), an empty
 * value as "" (pulumi/pulumi v3.276.0). So go-yaml v3's resolution of plain
 * (unquoted) scalars decides what the program gets (gopkg.in/yaml.v3
 * resolve.go, `resolve`):
 * - `true`, `True`, `TRUE` (and the same for false) are booleans; `yes`, `on`
 *   and the other YAML 1.1 words stay strings;
 * - `~`, `null`, `Null`, `NULL` and nothing are null;
 * - a scalar starting with a digit or sign is tried, underscores removed, as a
 *   Go integer literal of any base (`0x1F`, `0o17`, `0b101`, and a leading 0
 *   for octal: `0123` is 83), then as a float (`1e3`, `012345678901` with its
 *   8 and 9 is not octal, so it is the float 12345678901: the zero is gone);
 * - a scalar starting with four digits and `-` may be a timestamp, which
 *   Pulumi turns into Go's `time.Time.String()` text;
 * - `.inf` and `.nan` are floats JSON cannot hold: Pulumi refuses the file.
 * Quoted and block scalars are strings. The engine tier checks this against
 * `pulumi config --json` (tests/engine/config.test.ts).
 */
import { Document, isAlias, isMap, isScalar, isSeq, Node, Scalar } from "yaml";

/** A YAML float that JSON cannot hold; Pulumi fails the whole stack file on it. */
export class UnrepresentableValue extends Error {
    constructor(readonly source: string) {
        super(`json: unsupported value: ${/nan/i.test(source) ? "NaN" : source.startsWith("-") ? "-Inf" : "+Inf"}`);
    }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b, and 0 for octal), as go-yaml calls them; undefined when it fails. */
function goInteger(text: string): bigint | undefined {
    const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
    if (!match) return undefined;
    const [, sign, digits] = match;
    const prefixed = /^0[xXoObB]/.test(digits) ? digits.toLowerCase() : /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits;
    const magnitude = BigInt(prefixed);
    const value = sign === "-" ? -magnitude : magnitude;
    if (value >= INT64_MIN && value <= INT64_MAX) return value;
    return sign === "" && value <= UINT64_MAX ? value : undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** A timestamp in one of go-yaml v3's formats, as Go's time.Time.String() prints it; undefined when it is none. */
function goTimestamp(text: string): string | undefined {
    const match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|[ ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
    if (!match) return undefined;
    const [, year, month, day, t, hour, minute, second, fraction, zone] = match;
    // With T the zone is required (RFC 3339); with a space there is none; a date alone is UTC.
    if (hour !== undefined && (t !== undefined) !== (zone !== undefined)) return undefined;
    const two = (n: string | undefined) => (n ?? "0").padStart(2, "0");
    if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31 || Number(hour ?? 0) > 23 || Number(minute ?? 0) > 59 || Number(second ?? 0) > 59) {
        return undefined;
    }
    const frac = fraction ? `.${fraction.replace(/0+$/, "")}`.replace(/^\.$/, "") : "";
    const offset = zone === undefined || zone === "Z" ? undefined : zone.replace(":", "");
    // A zone of +00:00 or Z is UTC (where the local zone is UTC, as on CI runners); another offset has no name and prints as itself.
    const zoneText = offset === undefined || offset === "+0000" ? "+0000 UTC" : `${offset} ${offset}`;
    return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}${frac} ${zoneText}`;
}

/** A plain (unquoted) scalar as go-yaml v3 resolves it, with timestamps as Pulumi's text of them. */
export function goYamlPlainScalar(source: string): unknown {
    if (["true", "True", "TRUE"].includes(source)) return true;
    if (["false", "False", "FALSE"].includes(source)) return false;
    if (["", "~", "null", "Null", "NULL"].includes(source)) return null;
    if ([".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"].includes(source)) throw new UnrepresentableValue(source);
    const first = source[0];
    if (first === ".") {
        const value = /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(source) ? Number(source) : NaN;
        return Number.isFinite(value) ? value : source;
    }
    if (!/[-+0-9]/.test(first)) return source;
    const timestamp = goTimestamp(source);
    if (timestamp !== undefined) return timestamp;
    const plain = source.replace(/_/g, "");
    const integer = goInteger(plain);
    if (integer !== undefined) return Number.isSafeInteger(Number(integer)) ? Number(integer) : integer;
    if (YAML_STYLE_FLOAT.test(plain)) {
        const value = Number(plain);
        // Go's ParseFloat fails on a value out of range (1e400): go-yaml then keeps the text.
        if (Number.isFinite(value)) return value;
    }
    return source;
}

/** The Go value of a node as Pulumi's config reader decodes it (aliases followed; a mapping's keys as text). */
export function goYamlValue(node: unknown, doc: Document): unknown {
    if (isAlias(node)) return goYamlValue(node.resolve(doc), doc);
    if (isScalar(node)) {
        // An explicit tag (`!!str 0123`) decides, as it does in go-yaml; the yaml package has applied it.
        if (node.type === Scalar.PLAIN && !node.tag && typeof node.source === "string") return goYamlPlainScalar(node.source);
        return node.value;
    }
    if (isMap(node)) {
        const entries = node.items.map((pair) => [String(goYamlValue(pair.key, doc) ?? ""), goYamlValue(pair.value, doc)] as const);
        return Object.fromEntries(entries);
    }
    if (isSeq(node)) return node.items.map((item) => goYamlValue(item, doc));
    return (node as Node | null | undefined) == null ? null : node;
}

/** JSON as Go's encoding/json writes it: mapping keys sorted; 64-bit integers exact. */
export function goJson(value: unknown): string {
    if (typeof value === "bigint") return value.toString();
    if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        return `{${Object.keys(record)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${goJson(record[key])}`)
            .join(",")}}`;
    }
    return JSON.stringify(value);
}

/** The text Pulumi hands a program for a top-level key: a string as it is, null as "", anything else as JSON. */
export function pulumiConfigText(value: unknown): string {
    if (value === null) return "";
    return typeof value === "string" ? value : goJson(value);
}
