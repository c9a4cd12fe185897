/**
 * What a change does, read offline as `pulumi preview` shows it: the
 * resources the new plan adds, removes, replaces and updates against an
 * earlier plan exported with `npm run plan -- --json` (or a `pulumi stack
 * export`), with what would fail the `up`:
 * - deleting a protected resource fails (pulumi/pulumi pkg/resource/deploy/step.go,
 *   DeleteStep.Apply: "cannot be deleted because it is protected");
 * - replacing one that is protected before and after fails too
 *   (step_generator.go: "unable to replace resource ... as it is currently marked for protection");
 * - a resource that leaves with `retainOnDelete` leaves the stack and stays in AWS (DeleteStep.Apply).
 * Replacements are decided from the properties that force one (replacement.ts).
 */
import { isDeepStrictEqual } from "util";
import type { PlannedResource } from "./engine";
import { REPLACED_ON_CHANGE } from "./replacement";

export type ChangeKind = "create" | "update" | "replace" | "delete";

export interface Change {
    kind: ChangeKind;
    urn: string;
    type: string;
    name: string;
    /** The input properties that differ (for a replacement: those that force it, with the old and new value when short). */
    properties: string[];
    /** The name AWS knows it by (a bucket's, a role's), when the inputs give one. */
    physicalName?: string;
    /** Why the `up` would fail on this change, if it would. */
    fails?: string;
    /** What else to know: a retained resource that stays in AWS, a type whose replacement the plan cannot tell. */
    note?: string;
}

/** An earlier plan or export, as the diff reads it. */
export interface ExportedResource {
    urn: string;
    type: string;
    custom?: boolean;
    provider?: string;
    protect?: boolean;
    retainOnDelete?: boolean;
    inputs?: Record<string, unknown>;
}

const nameOf = (urn: string) => urn.split("::").pop() ?? urn;

/** The name AWS knows a resource by, from the inputs that carry it. */
function physicalNameOf(type: string, inputs: Record<string, unknown> | undefined): string | undefined {
    const value = type === "aws:s3/bucket:Bucket" ? inputs?.bucket : type === "aws:iam/role:Role" ? inputs?.name : undefined;
    return typeof value === "string" ? value : undefined;
}

/** A property and, when both are short strings, its old and new value: what a reviewer needs to see why a resource is replaced. */
function shown(property: string, before: Record<string, unknown>, after: Record<string, unknown>): string {
    const [a, b] = [before[property], after[property]];
    return typeof a === "string" && typeof b === "string" && a.length + b.length < 160 ? `${property}: ${a} -> ${b}` : property;
}

/** The stack an export is of, from its root resource's URN (`urn:pulumi:<stack>::<project>::pulumi:pulumi:Stack::…`). */
export function stackOfExport(resources: ExportedResource[]): { stack: string; project: string } | undefined {
    const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const match = root && /^urn:pulumi:([^:]+)::([^:]+)::/.exec(root.urn);
    return match ? { stack: match[1], project: match[2] } : undefined;
}

/** The region of the provider a resource names (`<provider urn>::<id>`), from the provider's inputs. */
function providerRegions(resources: ExportedResource[]): Map<string, unknown> {
    return new Map(resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r.inputs?.region]));
}

function providerUrn(ref: string | undefined): string | undefined {
    return ref?.split("::").slice(0, -1).join("::");
}

/** Every input property that differs between two resources' inputs, by name. */
function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((n) => !n.startsWith("__"));
    return names.filter((n) => !isDeepStrictEqual(before[n], after[n])).sort();
}

/** The changes from `earlier` to `now`, in the order `pulumi preview` lists steps: creates and updates in program order, then deletes. */
export function diffPlans(earlier: ExportedResource[], now: PlannedResource[]): Change[] {
    const before = new Map(earlier.map((r) => [r.urn, r]));
    const oldRegions = providerRegions(earlier);
    const newRegions = providerRegions(now);
    const changes: Change[] = [];
    for (const r of now) {
        if (!r.custom || r.external) continue;
        const old = before.get(r.urn);
        const physicalName = physicalNameOf(r.type, r.inputs);
        const base = { urn: r.urn, type: r.type, name: nameOf(r.urn), ...(physicalName ? { physicalName } : {}) };
        if (!old) {
            changes.push({ kind: "create", ...base, properties: [] });
            continue;
        }
        if (r.type.startsWith("pulumi:providers:")) continue;
        const properties = changedProperties(old.inputs ?? {}, r.inputs);
        const forcing = REPLACED_ON_CHANGE[r.type];
        const replacing = properties.filter((p) => forcing?.includes(p)).map((p) => shown(p, old.inputs ?? {}, r.inputs));
        const oldRegion = oldRegions.get(providerUrn(old.provider) ?? "");
        const newRegion = newRegions.get(providerUrn(r.provider) ?? "");
        const moved = old.provider !== r.provider && oldRegion !== undefined && newRegion !== undefined && oldRegion !== newRegion;
        if (moved) replacing.push(`provider region ${String(oldRegion)} -> ${String(newRegion)}`);
        if (replacing.length) {
            changes.push({
                kind: "replace",
                ...base,
                properties: replacing,
                // Replacing deletes the old resource; the engine refuses while it is protected before and after.
                ...(old.protect && r.protect ? { fails: "protected: a replacement deletes it, and the engine refuses to replace a protected resource" } : {}),
            });
        } else if (properties.length) {
            changes.push({
                kind: "update",
                ...base,
                properties,
                ...(forcing ? {} : { note: "the plan does not know which properties of this type force a replacement" }),
            });
        }
    }
    const present = new Set(now.map((r) => r.urn));
    for (const old of earlier) {
        if (present.has(old.urn) || old.custom === false || old.type.startsWith("pulumi:providers:") || old.type === "pulumi:pulumi:Stack") continue;
        const physicalName = physicalNameOf(old.type, old.inputs);
        changes.push({
            kind: "delete",
            urn: old.urn,
            type: old.type,
            name: nameOf(old.urn),
            ...(physicalName ? { physicalName } : {}),
            properties: [],
            ...(old.protect
                ? { fails: "protected: the engine refuses to delete it (unprotect it first: state retired, or pulumi state unprotect)" }
                : old.retainOnDelete
                  ? { note: "retained: it leaves the stack and stays in AWS" }
                  : {}),
        });
    }
    return changes;
}

const SIGN: Record<ChangeKind, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

/** The changes as `pulumi preview` would list them, with a count and what would fail the `up`. */
export function formatDiff(changes: Change[], from: string): string {
    const lines = [`Changes from ${from}:`];
    if (!changes.length) lines.push("  (none: the plan makes the same resources with the same inputs)");
    for (const c of changes) {
        const detail = c.properties.length ? `  [${c.properties.join(", ")}]` : "";
        const physical = c.physicalName && c.physicalName !== c.name && !c.properties.some((p) => p.includes(c.physicalName!)) ? ` (${c.physicalName})` : "";
        lines.push(`  ${SIGN[c.kind].padEnd(2)} ${c.kind.padEnd(7)} ${c.type}  ${c.name}${physical}${detail}`);
        if (c.fails) lines.push(`        FAILS THE UP: ${c.fails}`);
        if (c.note) lines.push(`        (${c.note})`);
    }
    const count = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).length;
    const failing = changes.filter((c) => c.fails).length;
    lines.push(
        `${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ${count("delete")} to delete` +
            (failing ? `; ${failing} would fail the up` : ""),
    );
    return lines.join("\n");
}
