// The shape of a parsed policy document, on its own so that the modules that read
// documents (policy-document.ts) and those that judge their conditions
// (conditions.ts) both depend on it rather than on each other.

import type { Unknown } from "./values";

export type Val = string | Unknown;
export type CondVal = string | number | boolean | Unknown;

export interface Principals {
    /** `"*"`, `{"AWS": "*"}`, a list holding `"*"`, or an AWS principal ARN with a wildcard in it: anyone. */
    wildcard: boolean;
    aws: Val[];
    service: Val[];
    federated: Val[];
    canonicalUser: Val[];
    /** Part of the principal could not be read. */
    unknown: boolean;
}

export interface ConditionEntry {
    /** Operator as written, e.g. `BoolIfExists`. */
    operator: string;
    /** Lower-cased operator, e.g. `boolifexists`. */
    op: string;
    /** Lower-cased key: IAM condition keys are case-insensitive. */
    key: string;
    values: CondVal[];
}

export interface Statement {
    index: number;
    sid?: string;
    effect: "Allow" | "Deny" | Unknown | undefined;
    principal?: Principals;
    notPrincipal?: Principals;
    actions?: Val[] | Unknown;
    notActions?: Val[] | Unknown;
    resources?: Val[] | Unknown;
    notResources?: Val[] | Unknown;
    conditions: ConditionEntry[] | Unknown;
}

export type DocumentState =
    | { state: "absent" }
    | { state: "unknown" }
    | { state: "invalid"; reason: string }
    | {
          state: "known";
          statements: Statement[];
          /** Some value inside the document is unknown. */
          partial: boolean;
          /**
           * The document as AWS measures it (JSON without insignificant whitespace),
           * with unknown values left out: a lower bound of the real size.
           */
          minified: string;
          /** The parsed document, unknown values included. */
          raw: Record<string, unknown>;
      };
