/**
 * YAML from outside (a stack file, Pulumi.yaml, the access matrix), read with
 * the `yaml` package's guards on and every one of them turned into a refusal
 * naming the file, the line and the fix:
 * - a key twice in one mapping (YAML 1.2 requires unique keys,
 *   https://yaml.org/spec/1.2.2/#3211-nodes; `uniqueKeys`);
 * - aliases that expand past `maxAliasCount` (its default, 100: an "alias
 *   bomb" or billion-laughs document, https://eemeli.org/yaml/#tojs-options),
 *   which the library throws as a bare ReferenceError from `toJS`;
 * - nesting so deep that the library's composer runs out of stack
 *   (`RESOURCE_EXHAUSTION`), or deeper than MAX_INPUT_DEPTH once read.
 */
import { Document, LineCounter, parseDocument, YAMLError } from "yaml";
import { InputError, MAX_INPUT_DEPTH } from "./file";
import { deeperThan } from "./json";
import { elide } from "./messages";

export interface YamlSource {
    /** The file as given, for messages. */
    file: string;
    /** What it is (`stack file`), for messages. */
    kind: string;
}

export interface YamlInput {
    doc: Document.Parsed;
    lines: LineCounter;
    /** The document as plain values (`doc.toJS()`). */
    value: unknown;
}

/** The key at or above a line (`  a: 2` -> `a`), for duplicate-key and syntax messages. */
export function keyAtLine(text: string, line: number): string | undefined {
    const lines = text.split(/\r?\n/, line);
    // A syntax error may point past its key (at an unclosed bracket's end): take the nearest key above.
    for (let n = line; n >= 1; n--) {
        const found = /^\s*(?:-\s+)?(?:"([^"]*)"|'([^']*)'|([^\s#'"][^#]*?))\s*:(?:\s|$)/.exec(lines[n - 1] ?? "");
        const key = found?.[1] ?? found?.[2] ?? found?.[3];
        if (key) return key;
    }
    return undefined;
}

/** The first problem of a parsed document as a refusal: where it is, what, and the fix. */
function yamlProblem(text: string, source: YamlSource, error: YAMLError): InputError {
    const line = error.linePos?.[0].line;
    const at = line ? keyAtLine(text, line) : undefined;
    const shown = at === undefined ? undefined : elide(at);
    switch (error.code) {
        case "DUPLICATE_KEY":
            return new InputError(
                source.file,
                "is set twice in the same mapping; YAML keys must be unique (https://yaml.org/spec/1.2.2/#3211-nodes), and Pulumi would refuse the file",
                `keep one of the two "${shown}" entries in ${source.file} and delete the other`,
                at,
                line,
            );
        case "RESOURCE_EXHAUSTION":
            return new InputError(
                source.file,
                `nests lists and mappings deeper than a ${source.kind} can (more than ${MAX_INPUT_DEPTH} levels); no ${source.kind} nests more than a few`,
                `write the ${source.kind} without the deep nesting at line ${line ?? "?"}`,
                at,
                line,
            );
        default:
            return new InputError(
                source.file,
                `is not valid YAML: ${elide(error.message.split("\n")[0].replace(/:$/, ""))}`,
                `fix the YAML syntax at line ${line ?? "?"} of ${source.file} (indentation, quotes, brackets)`,
                at ?? "(file)",
                line,
            );
    }
}

/** A YAML document from outside, with its plain value; an InputError for the first problem. */
export function parseYamlInput(text: string, source: YamlSource): YamlInput {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
    const [error] = doc.errors;
    if (error) throw yamlProblem(text, source, error);
    let value: unknown;
    try {
        value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
        if (!(err instanceof ReferenceError)) throw err;
        throw new InputError(
            source.file,
            /Excessive alias count/.test(err.message)
                ? "uses YAML aliases (*name) that expand past the yaml library's limit of 100 (maxAliasCount), the guard against alias bombs (https://eemeli.org/yaml/#tojs-options); it is not read"
                : `has an alias that cannot be resolved: ${elide(err.message)}`,
            `write the values out in ${source.file} instead of through anchors (&name) and aliases (*name)`,
            "(file)",
        );
    }
    const deep = deeperThan(value, MAX_INPUT_DEPTH);
    if (deep) {
        throw new InputError(
            source.file,
            `nests lists and mappings more than ${MAX_INPUT_DEPTH} levels deep; no ${source.kind} nests more than a few`,
            `write the ${source.kind} without the deep nesting under ${elide(deep)}`,
            deep,
        );
    }
    return { doc, lines, value };
}
