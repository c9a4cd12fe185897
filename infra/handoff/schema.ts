/**
 * Validates a hand-over against its published JSON Schema
 * (docs/handover.schema.json, JSON Schema draft-07, which every validator
 * reads), with Ajv. The schema is safe for untrusted data by Ajv's own
 * measure (its json-schema-secure meta-schema, https://ajv.js.org/security.html):
 * every pattern has a maxLength, and `needsBack` is typed and bounded, so that
 * `uniqueItems` is checked in one pass; the problems are de-duplicated in one
 * pass too, so a hostile file is refused in linear time.
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
// Imported (not read at run time) so that a compiled build carries the schema with it.
import publishedSchema from "../../docs/handover.schema.json";

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
    compiled ??= new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(publishedSchema);
    return compiled;
}

export interface SchemaProblem {
    /** JSON pointer of the offending value, e.g. `/link/replicationRoleArn` (empty: the whole document). */
    pointer: string;
    problem: string;
}

function describe(error: ErrorObject): SchemaProblem {
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "required") return { pointer: `${error.instancePath}/${String(params.missingProperty)}`, problem: "is required" };
    if (error.keyword === "additionalProperties")
        return { pointer: `${error.instancePath}/${String(params.additionalProperty)}`, problem: "is not a field of a version 1 hand-over" };
    if (error.keyword === "enum") return { pointer: error.instancePath, problem: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    if (error.keyword === "const") return { pointer: error.instancePath, problem: `must be ${JSON.stringify(params.allowedValue)}` };
    if (error.keyword === "not" && error.instancePath === "/link") return { pointer: "/link", problem: "has a KMS key ARN, but encryption is SSE-S3" };
    return { pointer: error.instancePath, problem: error.message ?? error.keyword };
}

/** Every way the value departs from the schema; empty when it is a valid hand-over. */
export function handoverSchemaProblems(value: unknown): SchemaProblem[] {
    const validate = validator();
    if (validate(value)) return [];
    // `if`/`then` reports twice (the failed `then` and the `if` that chose it); keep the specific one.
    const seen = new Set<string>();
    // A list with too many items is one problem: what each extra item gets wrong follows from it.
    const overfull = new Set((validate.errors ?? []).filter((e) => e.keyword === "maxItems").map((e) => e.instancePath));
    return (validate.errors ?? [])
        .filter((e) => e.keyword !== "if" && !overfull.has(e.instancePath.slice(0, e.instancePath.lastIndexOf("/"))))
        .map(describe)
        .filter((p) => {
            const key = JSON.stringify([p.pointer, p.problem]);
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
        });
}
