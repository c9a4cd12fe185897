/**
 * Validates a hand-over against its published JSON Schema
 * (docs/handover.schema.json, JSON Schema draft-07, which every validator
 * reads), with Ajv.
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
    const problems = (validate.errors ?? []).filter((e) => e.keyword !== "if").map(describe);
    return problems.filter((p, i) => problems.findIndex((q) => q.pointer === p.pointer && q.problem === p.problem) === i);
}
