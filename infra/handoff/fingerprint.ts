/**
 * The fingerprint of a hand-over: SHA-256 of its canonical form (RFC 8785, the
 * JSON Canonicalization Scheme), so that key order, indentation and line
 * endings do not change it, and every value does. It is read aloud over a
 * second channel (a call), so it is shown in groups of four hex digits; a
 * reader's grouping and case are tolerated, nothing else.
 */
import canonicalize from "canonicalize";
import { createHash } from "crypto";
import { iJsonValueProblem } from "../input/json";

/**
 * RFC 8785 canonical JSON text of a value. The scheme is defined for I-JSON
 * (https://www.rfc-editor.org/rfc/rfc8785#section-3): a value outside it (a
 * non-finite number, a lone surrogate, nesting no reader takes) is an error
 * naming where it is, never a bare throw or a stack overflow of the serializer.
 * Hand-overs read from files are I-JSON already (infra/input/json.ts).
 */
export function canonicalForm(value: unknown): string {
    const problem = iJsonValueProblem(value);
    if (problem) throw new Error(`has no canonical form (RFC 8785): ${problem.pointer || "/"} ${problem.problem}`);
    const text = canonicalize(value);
    if (text === undefined) throw new Error("a hand-over must be a JSON value");
    return text;
}

/** The full SHA-256 (64 hex digits) in 16 groups of 4, e.g. `3f2a-9c1b-…`. */
export function formatFingerprint(hex: string): string {
    return hex.match(/.{4}/g)!.join("-");
}

/** The fingerprint of a JSON value, formatted for reading aloud. */
export function fingerprintOf(value: unknown): string {
    return formatFingerprint(createHash("sha256").update(canonicalForm(value), "utf8").digest("hex"));
}

const SEPARATORS = /[\s\-:.]/g;

/**
 * A fingerprint as someone typed it after hearing it: spaces, hyphens, colons
 * or dots between digits and upper case are accepted; a missing, extra or
 * wrong digit is not. Returns the formatted fingerprint, or a problem.
 */
export function parseFingerprint(text: string): { fingerprint: string } | { problem: string } {
    const hex = text
        .trim()
        .replace(/^sha-?256:/i, "")
        .replace(SEPARATORS, "")
        .toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex)) {
        const digits = hex.replace(/[^0-9a-f]/g, "").length;
        return {
            problem: `must be the 64 hex digits of a SHA-256 fingerprint (in any grouping), got "${text}" (${digits} hex digit${digits === 1 ? "" : "s"}${/[^0-9a-f]/.test(hex) ? " and other characters" : ""})`,
        };
    }
    return { fingerprint: formatFingerprint(hex) };
}

/** For config validation: undefined when the value is a fingerprint in any accepted form. */
export function fingerprintProblem(text: string): string | undefined {
    const parsed = parseFingerprint(text);
    return "problem" in parsed ? parsed.problem : undefined;
}
