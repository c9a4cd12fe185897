/**
 * The stacks of this repository, read from its `Pulumi.<stack>.yaml` files:
 * which stacks read which by stack reference, the groups that must be deployed
 * together (a stack and every stack it references, transitively), the order
 * inside each group, and which groups are pre-production. Every workflow and
 * `npm run converge` take the stacks from here, so a team adding, removing or
 * renaming stacks edits no workflow.
 *
 * Rules (docs/deploy.md, "The stacks of this repository"):
 * - A counterpart entry with `stack: <s>` (or `<organization>/s3-transfer/<s>`)
 *   reads stack `<s>` of this project: `Pulumi.<s>.yaml` must exist, be of the
 *   other side, and list this stack's party back. A fully qualified reference to
 *   another project is outside this repository: listed, never created here.
 * - Stacks joined by references form a group, deployed publishers first, then
 *   partners (each by name); a stack without references is a group of its own.
 * - A stack is pre-production when one of the words of its name (split at `-`,
 *   `_` and `.`) is a pre-production word (`preprod`, `staging`, `canary`, ...);
 *   every other stack is production. A group is one tier: a pre-production stack
 *   that reads a production one is refused.
 * Anything inconsistent is a ConfigError (exit 2) naming the file, key and fix.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, ConfigProblem } from "../../infra/config/errors";
import { configKey, COUNTERPARTS_KEY, didYouMean, SIDES } from "../../infra/config/keys";
import { stackNameProblem } from "../../infra/config/rules";
import { loadStackFile, StackFile } from "../../infra/config/stack-file";

export const TIERS = ["preproduction", "production"] as const;
export type Tier = (typeof TIERS)[number];

/**
 * Words that make a stack name pre-production. Anything else is production, the
 * safe default: a stack nobody marked is deployed after the pre-production gate,
 * in its own protected environment.
 */
export const PREPRODUCTION_WORDS = [
    "preprod",
    "preproduction",
    "pre",
    "nonprod",
    "staging",
    "stage",
    "stg",
    "uat",
    "qa",
    "test",
    "testing",
    "dev",
    "development",
    "sandbox",
    "canary",
    "integration",
] as const;

export function tierOf(stack: string): Tier {
    const words = stack.toLowerCase().split(/[-_.]+/);
    return words.some((word) => (PREPRODUCTION_WORDS as readonly string[]).includes(word)) ? "preproduction" : "production";
}

export interface InventoryStack {
    name: string;
    /** The stack file, relative to the repository's root. */
    file: string;
    side: (typeof SIDES)[number];
    /** `s3-transfer:name`. */
    party: string;
    tier: Tier;
    /** The stacks of this repository it reads by stack reference. */
    references: string[];
    /** Fully qualified references to another project's stacks: they must exist; nothing here creates them. */
    externalReferences: string[];
    /** The group it is deployed with (the group's name). */
    group: string;
    /** `s3-transfer:batchTrustConditions`: the deploy runs a Batch Replication job over its canary objects before production. */
    batchTrustConditions: boolean;
}

export interface DeployGroup {
    /** The first stack of the group, which names it (`npm run converge -- --pair <name>`). */
    name: string;
    tier: Tier;
    /** In deploy order: publishers, then partners, each by name. */
    stacks: string[];
}

export interface Inventory {
    project: string;
    stacks: InventoryStack[];
    groups: DeployGroup[];
}

const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

/** The root stack files' stack names, sorted. */
export function stackFileNames(root: string): string[] {
    return fs
        .readdirSync(root)
        .map((file) => STACK_FILE.exec(file)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
}

interface Reference {
    /** The config key of the entry's `stack` field, e.g. `s3-transfer:partners[0].stack`. */
    key: string;
    /** The entry's `name`: the counterpart's party name. */
    entryName: string | undefined;
    value: string;
}

interface ReadStack {
    name: string;
    stackFile: StackFile;
    relativeFile: string;
    side: string | undefined;
    party: string | undefined;
    /** Every counterpart entry's name, by stack reference or by hand-over. */
    counterpartNames: string[];
    references: Reference[];
    batchTrustConditions: boolean;
}

function readStack(root: string, name: string): ReadStack {
    const relativeFile = `Pulumi.${name}.yaml`;
    const stackFile = loadStackFile(path.join(root, relativeFile));
    const { config } = stackFile;
    const references: Reference[] = [];
    const counterpartNames: string[] = [];
    // Both lists, whatever the side says: a list on the wrong side is the config model's error, and its references still pair.
    for (const listKey of Object.values(COUNTERPARTS_KEY)) {
        const entries = parseList(config[listKey]);
        entries.forEach((entry, index) => {
            if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return;
            const { name: entryName, stack } = entry as { name?: unknown; stack?: unknown };
            if (typeof entryName === "string") counterpartNames.push(entryName);
            if (typeof stack === "string") {
                references.push({ key: `${listKey}[${index}].stack`, entryName: typeof entryName === "string" ? entryName : undefined, value: stack });
            }
        });
    }
    return {
        name,
        stackFile,
        relativeFile,
        side: config[configKey("side")],
        party: config[configKey("name")],
        counterpartNames,
        references,
        batchTrustConditions: config[configKey("batchTrustConditions")] === "true",
    };
}

function parseList(text: string | undefined): unknown[] {
    if (text === undefined) return [];
    try {
        const value: unknown = JSON.parse(text);
        return Array.isArray(value) ? value : [];
    } catch {
        return [];
    }
}

/** `partner-prod` and `<org>/<this project>/partner-prod` name stack `partner-prod` here; `<org>/<other project>/x` is outside. */
function resolveReference(value: string, project: string): { local: string } | { external: string } {
    const parts = value.split("/");
    if (parts.length === 1) return { local: value };
    return parts[1] === project ? { local: parts[2] } : { external: value };
}

/**
 * The inventory of the stack files in `root` (the repository's root), or a
 * ConfigError listing every inconsistency.
 */
export function readInventory(root: string, project: string): Inventory {
    const names = stackFileNames(root);
    const read = new Map(names.map((name) => [name, readStack(root, name)]));
    const problems: ConfigProblem[] = [];
    const at = (stack: ReadStack, key: string) => {
        const line = stack.stackFile.lineOf(key);
        return { file: stack.relativeFile, ...(line ? { line } : {}) };
    };

    for (const stack of read.values()) {
        if (!(SIDES as readonly string[]).includes(stack.side ?? "")) {
            problems.push({
                key: configKey("side"),
                problem: `must be ${SIDES.join(" or ")}, got ${stack.side === undefined ? "nothing" : JSON.stringify(stack.side)}: the deploy order of a group depends on it`,
                fix: `set ${configKey("side")}: publisher (or partner) in ${stack.relativeFile}`,
                ...at(stack, configKey("side")),
            });
        }
        if (stack.party === undefined) {
            problems.push({
                key: configKey("name"),
                problem: "is not set: the stacks that read this one find their link under it",
                fix: `set ${configKey("name")}: <your party's name> in ${stack.relativeFile}`,
                ...at(stack, configKey("name")),
            });
        }
    }

    const edges = new Map<string, Set<string>>(names.map((name) => [name, new Set<string>()]));
    const local = new Map<string, string[]>(names.map((name) => [name, []]));
    const external = new Map<string, string[]>(names.map((name) => [name, []]));
    for (const stack of read.values()) {
        for (const reference of stack.references) {
            const syntax = stackNameProblem(reference.value);
            if (syntax) {
                problems.push({
                    key: reference.key,
                    problem: syntax,
                    fix: `name a stack of this project, e.g. stack: ${names.find((n) => n !== stack.name) ?? "partner-prod"}`,
                    ...at(stack, reference.key),
                });
                continue;
            }
            const target = resolveReference(reference.value, project);
            if ("external" in target) {
                external.get(stack.name)!.push(target.external);
                continue;
            }
            const other = read.get(target.local);
            if (target.local === stack.name) {
                problems.push({ key: reference.key, problem: `names this stack itself (${reference.value})`, fix: "name the counterpart's stack", ...at(stack, reference.key) });
                continue;
            }
            if (!other) {
                problems.push({
                    key: reference.key,
                    problem: `names stack ${target.local} of this project, but there is no Pulumi.${target.local}.yaml in the repository (stacks here: ${names.join(", ")})${nearest(target.local, names)}`,
                    fix: `add Pulumi.${target.local}.yaml for the counterpart's stack, correct the name, or, if another company runs that side, replace stack with the hand-over fields (npm run accept-handoff)`,
                    ...at(stack, reference.key),
                });
                continue;
            }
            local.get(stack.name)!.push(other.name);
            edges.get(stack.name)!.add(other.name);
            edges.get(other.name)!.add(stack.name);
            if (stack.side !== undefined && stack.side === other.side) {
                problems.push({
                    key: reference.key,
                    problem: `names ${other.name}, which is a ${other.side} like this stack: a ${stack.side} exchanges files with the other side only`,
                    fix: `name a stack whose ${configKey("side")} is ${stack.side === "publisher" ? "partner" : "publisher"}`,
                    ...at(stack, reference.key),
                });
            }
            if (reference.entryName !== undefined && other.party !== undefined && reference.entryName !== other.party) {
                problems.push({
                    key: reference.key.replace(/\.stack$/, ".name"),
                    problem: `is "${reference.entryName}", but the referenced stack ${other.name} is party "${other.party}" (its ${configKey("name")})`,
                    fix: `set name: ${other.party} on this entry, or reference the stack of ${reference.entryName}`,
                    ...at(stack, reference.key.replace(/\.stack$/, ".name")),
                });
            }
            if (stack.party !== undefined && !other.counterpartNames.includes(stack.party)) {
                problems.push({
                    key: reference.key,
                    problem: `names ${other.name}, which lists no counterpart named "${stack.party}" (this stack's ${configKey("name")}): its link to us would stay pending for ever`,
                    fix: `add an entry named ${stack.party} (with stack: ${stack.name}) to ${COUNTERPARTS_KEY[other.side === "partner" ? "partner" : "publisher"]} in ${other.relativeFile}`,
                    ...at(stack, reference.key),
                });
            }
            if (tierOf(stack.name) !== tierOf(other.name)) {
                problems.push({
                    key: reference.key,
                    problem: `joins ${tierOf(stack.name)} stack ${stack.name} to ${tierOf(other.name)} stack ${other.name}: pre-production must never exchange files with production, and the pre-production gate would deploy them together`,
                    fix: `reference a ${tierOf(stack.name)} stack, or rename one of the two (pre-production words: ${PREPRODUCTION_WORDS.join(", ")})`,
                    ...at(stack, reference.key),
                });
            }
        }
    }
    if (problems.length) throw new ConfigError(problems);

    const groups: DeployGroup[] = [];
    const groupOf = new Map<string, string>();
    for (const name of names) {
        if (groupOf.has(name)) continue;
        const members = new Set<string>([name]);
        const queue = [name];
        for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
            for (const next of edges.get(at)!) {
                if (members.has(next)) continue;
                members.add(next);
                queue.push(next);
            }
        }
        const ordered = [...members].sort((a, b) => sideRank(read.get(a)!) - sideRank(read.get(b)!) || a.localeCompare(b));
        for (const member of ordered) groupOf.set(member, ordered[0]);
        groups.push({ name: ordered[0], tier: tierOf(ordered[0]), stacks: ordered });
    }
    groups.sort((a, b) => a.name.localeCompare(b.name));

    const stacks: InventoryStack[] = names.map((name) => {
        const stack = read.get(name)!;
        return {
            name,
            file: stack.relativeFile,
            side: stack.side as InventoryStack["side"],
            party: stack.party!,
            tier: tierOf(name),
            references: [...new Set(local.get(name)!)].sort(),
            externalReferences: [...new Set(external.get(name)!)].sort(),
            group: groupOf.get(name)!,
            batchTrustConditions: stack.batchTrustConditions,
        };
    });
    return { project, stacks, groups };
}

/** Publishers first: on a pair's first deploy, the side that goes first creates its buckets and role, and the other completes. */
function sideRank(stack: ReadStack): number {
    return stack.side === "publisher" ? 0 : 1;
}

/** `; did you mean x?` when a name is a slip of one that exists. */
function nearest(given: string, names: string[]): string {
    const guess = didYouMean(given, names);
    return guess ? `; did you mean ${guess}?` : "";
}

/** The group a stack belongs to, or a message listing the stacks there are (and the nearest). */
export function groupOfStack(inventory: Inventory, stack: string): DeployGroup | string {
    const entry = inventory.stacks.find((s) => s.name === stack);
    const names = inventory.stacks.map((s) => s.name);
    if (!entry) return `no stack ${stack} in this repository (no Pulumi.${stack}.yaml); its stacks are: ${names.join(", ") || "(none)"}${nearest(stack, names)}`;
    return inventory.groups.find((g) => g.name === entry.group)!;
}
