// A policy pack configuration (`--policy-pack-config`, `npm run check -- --config`)
// read as Pulumi reads it, and stricter where Pulumi is silent: a CI gate must not
// turn green because of a typo.
//
// As Pulumi does (pkg/resource/analyzer/config.go, parsePolicyPackConfig and
// ReconcilePolicyPackConfig): each entry is an enforcement level, or an object with
// an optional `enforcementLevel` and the policy's own properties, validated against
// its configSchema; `all` sets the level of every policy, and a policy's own level
// overrides it. The levels are the four Pulumi documents: advisory, mandatory,
// remediate and disabled (https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/).
// Beyond Pulumi, which ignores them: a name that is no policy of this pack, and a
// property a policy does not take, are refused too.

import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** The key that sets the level of every policy. */
export const ALL_POLICIES = "all";

export interface ConfigurablePolicy {
    name: string;
    configSchema?: PolicyConfigSchema;
}

const quote = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

function levelProblem(where: string, value: unknown): string | undefined {
    if (typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value)) {
        return undefined;
    }
    const close = typeof value === "string" ? ENFORCEMENT_LEVELS.find((l) => l === value.trim().toLowerCase()) : undefined;
    return `${where} is ${typeof value === "string" ? quote(value) : (JSON.stringify(value) ?? String(value))}, which is not an enforcement level: use one of ${ENFORCEMENT_LEVELS.map((l) => `"${l}"`).join(", ")}${close ? ` (levels are lower case: "${close}")` : ""}`;
}

/**
 * What is wrong with a policy configuration, one line per problem (empty when it
 * is one Pulumi and this pack accept). `config` is the parsed JSON file.
 */
export function policyConfigProblems(config: unknown, policies: readonly ConfigurablePolicy[]): string[] {
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        return [
            `it is ${Array.isArray(config) ? "a JSON array" : JSON.stringify(config)}, not an object of policy names: write it as {"<policy name>": "<level>" | {"enforcementLevel": "<level>", ...properties}}`,
        ];
    }
    const byName = new Map(policies.map((p) => [p.name, p]));
    const problems: string[] = [];
    // Loaded only when a configuration is validated: the checker's start-up and the
    // CrossGuard host never pay for it.
    const { default: Ajv } = require("ajv") as typeof import("ajv");
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const [name, entry] of Object.entries(config)) {
        const policy = byName.get(name);
        if (name !== ALL_POLICIES && policy === undefined) {
            problems.push(`${quote(name)} is not a policy of this pack (its policies: ${[...byName.keys()].join(", ")}; or "${ALL_POLICIES}" for every policy)`);
            continue;
        }
        if (typeof entry === "string") {
            const p = levelProblem(`the level of ${quote(name)}`, entry);
            if (p) problems.push(p);
            continue;
        }
        if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
            problems.push(`the entry of ${quote(name)} is ${JSON.stringify(entry)}: give an enforcement level or an object {"enforcementLevel": "<level>", ...properties}`);
            continue;
        }
        const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
        if ("enforcementLevel" in entry) {
            const p = levelProblem(`enforcementLevel of ${quote(name)}`, enforcementLevel);
            if (p) problems.push(p);
        }
        const schema = name === ALL_POLICIES ? undefined : policy?.configSchema;
        const known = Object.keys(schema?.properties ?? {});
        for (const key of Object.keys(properties)) {
            if (!known.includes(key)) {
                problems.push(
                    `${quote(name)} has no property ${quote(key)}${known.length > 0 ? ` (it takes ${known.map((k) => `"${k}"`).join(", ")} and "enforcementLevel")` : ` (it takes only "enforcementLevel")`}`,
                );
            }
        }
        if (schema && Object.keys(properties).every((k) => known.includes(k))) {
            const validate = ajv.compile({ type: "object", properties: schema.properties ?? {}, ...(schema.required ? { required: schema.required } : {}) });
            if (!validate(properties)) {
                for (const e of validate.errors ?? []) {
                    problems.push(
                        `${quote(name)}${e.instancePath.replace(/\//g, ".")} ${e.message}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")})` : ""}`,
                    );
                }
            }
        }
    }
    return problems;
}
