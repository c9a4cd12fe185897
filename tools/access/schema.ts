/**
 * The schema of expected-matrix.yaml: its shape (zod), and the grammar of
 * each template's selectors for its scope (selectors.ts). A template is the
 * product of its lists: every principal x action x resource x transport is
 * one request. Loading parses every selector once, so a typo fails when the
 * file loads, with its file, line and key, and not as a silent zero rows.
 */
import * as path from "path";
import YAML, { LineCounter } from "yaml";
import { z } from "zod";
import { ConfigError, ConfigProblem, formatProblems } from "../../infra/config/errors";
import { isInputError, readInputFile } from "../../infra/input/file";
import { parseYamlInput, YamlInput } from "../../infra/input/yaml";
import { PROJECT_ROOT } from "../root";
import { DECISIONS, SCOPES, SideRef, TRANSPORTS } from "./model";
import { ConditionTerm, conditionNames, GRAMMARS, PrincipalSelector, ResourceSelector, ScopeGrammar, ViaSelector } from "./selectors";

export const DEFAULT_MATRIX_FILE = path.join(PROJECT_ROOT, "tools", "access", "expected-matrix.yaml");

const decision = z.enum(DECISIONS, {
    error: `a decision is one of ${DECISIONS.join(", ")} (in the simulator's words: ExplicitlyDenied is a Deny statement that matched, ImplicitlyDenied no Allow, or only one of two accounts allowing a cross-account request)`,
});
const templateSchema = z.strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/),
    /** One of the file's `kinds`: the heading the template's rows appear under. */
    kind: z.string(),
    /**
     * The kind of subject it is expanded against: each counterpart link (this side is `own`, the other `counterpart`),
     * each vendor drop, each service destination, each data bucket whose access logs the plan delivers into a log bucket
     * (accessLog), each log bucket (logBucket).
     */
    scope: z.enum(SCOPES).default("link"),
    /** Link templates only: written once for both directions, `{side}` being the side it is about and `{other}` the other. */
    sides: z
        .array(z.enum(["own", "counterpart"]))
        .min(1)
        .optional(),
    principals: z.array(z.string()).min(1),
    actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, "an action is service:Name")).min(1),
    resources: z.array(z.string()).min(1),
    transports: z.array(z.enum(TRANSPORTS)).min(1).default(["tls1.2"]),
    /** For KMS actions: the object whose encryption S3 asks KMS for (sets kms:ViaService and the encryption context); without it the caller calls KMS directly. */
    via: z.string().optional(),
    /** Context keys the caller's request carries beyond those of its principal and transport (s3:prefix, sts:ExternalId...). */
    context: z.record(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9:_/-]+$/, "a context key is service:Name"), z.string()).optional(),
    /** In the simulator's words; `if` is conditions of the scope joined by " and ", each may be preceded by "not ". */
    expected: z.union([decision, z.strictObject({ if: z.string(), then: decision, else: decision })], {
        error: `expected is one of ${DECISIONS.join(", ")}, or { if: <conditions>, then: <decision>, else: <decision> }`,
    }),
});
const matrixSchema = z.strictObject({
    /** Object keys the templates name as {placeholders}; a file's name may hold the scope's placeholders. */
    files: z.record(z.string(), z.string()).default({}),
    /** Each kind of request, with the sentence its rows are introduced by. */
    kinds: z.record(z.string(), z.string()),
    templates: z.array(templateSchema).min(1),
});

/** A selector as written (what a row shows once filled), with what it selects. */
export interface Parsed<T> {
    text: string;
    selector: T;
}

/** A template's selectors for one of its sides (link templates with `sides`), or its only form. */
export interface TemplateForm {
    /** {side} and {other}, for a link template written for both directions. */
    vars: Record<string, string>;
    principals: Parsed<PrincipalSelector>[];
    resources: Parsed<ResourceSelector>[];
    via?: Parsed<ViaSelector>;
    condition?: ConditionTerm[];
}

export type Template = z.infer<typeof templateSchema> & { forms: TemplateForm[] };
export type ExpectedMatrix = Omit<z.infer<typeof matrixSchema>, "templates"> & { templates: Template[] };

/** The placeholders of a text, and of the files it names, in turn (a file's name may hold placeholders). */
function placeholdersOf(text: string, files: Record<string, string>, depth = 0): string[] {
    const names = [...text.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
    if (depth >= 2) return names;
    return names.flatMap((name) => (Object.hasOwn(files, name) ? [name, ...placeholdersOf(files[name], files, depth + 1)] : [name]));
}

const otherSide = (side: SideRef): SideRef => (side === "own" ? "counterpart" : "own");
const fillSides = (text: string, vars: Record<string, string>) => text.replace(/\{(side|other)\}/g, (whole, name: string) => vars[name] ?? whole);

interface Problem {
    path: (string | number)[];
    problem: string;
    fix: string;
}

/** Parses one template's selectors for each of its forms, or says what is wrong where. */
function parseTemplate(t: z.infer<typeof templateSchema>, at: number, matrix: z.infer<typeof matrixSchema>, problems: Problem[]): TemplateForm[] {
    const here = (...rest: (string | number)[]) => ["templates", at, ...rest];
    const report = (where: (string | number)[], problem: string, fix: string) => problems.push({ path: where, problem: `${t.id}: ${problem}`, fix });
    const grammar: ScopeGrammar = GRAMMARS[t.scope];
    if (!(t.kind in matrix.kinds))
        report(here("kind"), `kind "${t.kind}" is not listed under kinds`, `add ${t.kind} to kinds, or use one of ${Object.keys(matrix.kinds).join(", ")}`);
    if (t.sides && t.scope !== "link") report(here("sides"), "sides applies to link templates only", "remove sides");
    const texts: [string, (string | number)[]][] = [
        ...t.principals.map((p, i): [string, (string | number)[]] => [p, here("principals", i)]),
        ...t.resources.map((r, i): [string, (string | number)[]] => [r, here("resources", i)]),
        ...(t.via !== undefined ? [[t.via, here("via")] as [string, (string | number)[]]] : []),
        ...(typeof t.expected === "object" ? [[t.expected.if, here("expected", "if")] as [string, (string | number)[]]] : []),
        ...Object.entries(t.context ?? {}).map(([key, value]): [string, (string | number)[]] => [value, here("context", key)]),
    ];
    const sided = t.scope === "link" && t.sides !== undefined;
    if (texts.some(([text]) => /\{(side|other)\}/.test(text)) && !sided)
        report(here(), "uses {side}/{other} without sides", "add sides: [own, counterpart] (or the one it is about)");
    const known = new Set([...Object.keys(matrix.files), ...grammar.placeholders, ...(sided ? ["side", "other"] : [])]);
    for (const [text, where] of texts) {
        for (const name of placeholdersOf(text, matrix.files)) {
            if (!known.has(name) && !(name === "side" || name === "other")) report(where, `unknown placeholder {${name}} in "${text}"`, `use one of {${[...known].join("}, {")}}`);
        }
    }
    if (t.via !== undefined && !t.actions.every((a) => a.startsWith("kms:"))) report(here("via"), "via applies to kms: actions only", "remove via, or list kms: actions only");

    const sides: (SideRef | undefined)[] = sided ? t.sides! : [undefined];
    return sides.map((side) => {
        const vars: Record<string, string> = side ? { side, other: otherSide(side) } : {};
        const parse = <T>(text: string, where: (string | number)[], parser: ((s: string) => T | undefined) | undefined, what: string, help: string | undefined): Parsed<T> => {
            const selector = parser?.(fillSides(text, vars));
            if (!selector)
                report(
                    where,
                    `${what} "${text}" is not ${help ? (what === "principal" || what === "resource" ? `one of ${help}` : help) : `available in scope ${t.scope}`}`,
                    `write one of the ${t.scope} ${what}s`,
                );
            return { text, selector: selector as T };
        };
        const condition =
            typeof t.expected === "object"
                ? conditionNames(fillSides(t.expected.if, vars)).map(({ name, negated }) => ({ ...(grammar.condition?.(name) ?? { name }), negated }))
                : undefined;
        if (typeof t.expected === "object" && !conditionNames(fillSides(t.expected.if, vars)).every(({ name }) => grammar.condition?.(name))) {
            report(here("expected", "if"), `condition "${t.expected.if}" is not ${grammar.conditionHelp ?? `available in scope ${t.scope}`}`, "use the scope's conditions");
        }
        return {
            vars,
            principals: t.principals.map((p, i) => parse(p, here("principals", i), grammar.principal, "principal", grammar.principalHelp)),
            resources: t.resources.map((r, i) => parse(r, here("resources", i), grammar.resource, "resource", grammar.resourceHelp)),
            ...(t.via !== undefined ? { via: parse(t.via, here("via"), grammar.via, "via", grammar.viaHelp) } : {}),
            ...(condition ? { condition } : {}),
        };
    });
}

/** A bad matrix file: exit 2 with each problem's file, line, key and fix. */
export class MatrixFileError extends ConfigError {
    constructor(file: string, problems: ConfigProblem[]) {
        super(problems);
        this.message = formatProblems(problems).replace(/^Invalid stack configuration/, `Invalid expected matrix ${file}`);
    }
}

/** The 1-based line of the node at `at`, or of its nearest enclosing node. */
function lineOf(doc: YAML.Document, lines: LineCounter, at: (string | number)[]): number | undefined {
    for (let n = at.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) return lines.linePos(range[0]).line;
    }
    return undefined;
}

const keyOf = (at: (string | number)[]) => at.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

export function loadExpectedMatrix(file = DEFAULT_MATRIX_FILE): ExpectedMatrix {
    let read: YamlInput;
    try {
        read = parseYamlInput(readInputFile(file, "access matrix", "name an existing matrix file with --matrix <file>"), { file, kind: "access matrix" });
    } catch (err) {
        if (!isInputError(err)) throw err;
        throw new MatrixFileError(file, [{ key: err.at ?? "(file)", problem: err.problem, fix: err.fix, file, ...(err.line ? { line: err.line } : {}) }]);
    }
    const { doc, lines } = read;
    const fail = (problems: Problem[]) =>
        new MatrixFileError(
            file,
            problems.map((p) => ({
                key: keyOf(p.path) || "(file)",
                problem: p.problem,
                fix: p.fix,
                file,
                ...(lineOf(doc, lines, p.path) ? { line: lineOf(doc, lines, p.path) } : {}),
            })),
        );
    const parsed = matrixSchema.safeParse(read.value);
    if (!parsed.success)
        throw fail(parsed.error.issues.map((i) => ({ path: i.path as (string | number)[], problem: i.message, fix: "see the file's schema in tools/access/schema.ts" })));
    const problems: Problem[] = [];
    const ids = new Map<string, number>();
    const templates = parsed.data.templates.map((t, at) => {
        if (ids.has(t.id))
            problems.push({ path: ["templates", at, "id"], problem: `${t.id}: id appears twice`, fix: `rename one of templates[${ids.get(t.id)}] and templates[${at}]` });
        ids.set(t.id, at);
        return { ...t, forms: parseTemplate(t, at, parsed.data, problems) };
    });
    if (problems.length) throw fail(problems.filter((p, i) => problems.findIndex((q) => keyOf(q.path) === keyOf(p.path) && q.problem === p.problem) === i));
    return { ...parsed.data, templates };
}

/** File names may hold placeholders ({root}, {targetPrefix}...), so substitute until nothing changes. */
export function fillAll(spec: string, vars: Record<string, string>): string {
    let out = spec;
    for (let i = 0; i < 3; i++) {
        const next = out.replace(/\{([A-Za-z]+)\}/g, (_whole, name: string) => {
            if (name in vars) return vars[name];
            throw new Error(`unknown placeholder {${name}} in "${spec}"`);
        });
        if (next === out) break;
        out = next;
    }
    return out;
}
