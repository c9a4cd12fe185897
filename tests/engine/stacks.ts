/** The stacks the engine tests deploy, found from the repository's files, never listed by hand. */
import * as fs from "fs";
import * as path from "path";
import { COUNTERPARTS_KEY, configKey } from "../../infra/config/keys";
import { PROJECT_ROOT } from "../../tools/root";
import { readStackConfig } from "../../tools/plan/project";

export interface StackSource {
    /** The stack name the engine deploys it under. */
    stack: string;
    /** The config file, relative to the repository root. */
    file: string;
}

/** Every root stack file (`Pulumi.<stack>.yaml`). */
export function rootStacks(): StackSource[] {
    return fs
        .readdirSync(PROJECT_ROOT)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ stack: m[1], file: m[0] }))
        .sort((a, b) => a.stack.localeCompare(b.stack));
}

/** Every example config (stacks/examples/<name>.yaml), deployed as stack <name>. */
export function exampleStacks(): StackSource[] {
    const dir = path.join(PROJECT_ROOT, "stacks", "examples");
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => ({ stack: path.basename(f, ".yaml"), file: path.join("stacks", "examples", f) }));
}

/** The stacks a stack file references by name (`stack:` of its counterparts), bare or qualified. */
export function referencedStacks(source: StackSource): string[] {
    const config = readStackConfig(path.join(PROJECT_ROOT, source.file));
    const side = config[configKey("side")] as keyof typeof COUNTERPARTS_KEY;
    const entries = JSON.parse(config[COUNTERPARTS_KEY[side]] ?? "[]") as { stack?: string }[];
    return entries
        .map((e) => e.stack)
        .filter((s): s is string => typeof s === "string")
        .map((s) => s.split("/").pop() as string);
}

/**
 * The stacks deployed together: each stack with every stack of the same list it references,
 * transitively (as `npm run stacks` groups the root stacks), publishers first, then partners,
 * each by name; a stack that references none of the list is a group of its own.
 */
export function deployGroups(sources: StackSource[]): StackSource[][] {
    const byName = new Map(sources.map((s) => [s.stack, s]));
    const neighbours = new Map(sources.map((s) => [s.stack, new Set<string>()]));
    for (const source of sources) {
        for (const other of referencedStacks(source).filter((name) => byName.has(name) && name !== source.stack)) {
            neighbours.get(source.stack)!.add(other);
            neighbours.get(other)!.add(source.stack);
        }
    }
    const side = (s: StackSource) => readStackConfig(path.join(PROJECT_ROOT, s.file))[configKey("side")];
    const grouped = new Set<string>();
    const groups: StackSource[][] = [];
    for (const source of sources) {
        if (grouped.has(source.stack)) continue;
        const members = [source.stack];
        grouped.add(source.stack);
        for (let i = 0; i < members.length; i++) {
            for (const next of neighbours.get(members[i])!) {
                if (grouped.has(next)) continue;
                grouped.add(next);
                members.push(next);
            }
        }
        const rank = (s: StackSource) => (side(s) === "publisher" ? 0 : 1);
        groups.push(members.map((name) => byName.get(name)!).sort((a, b) => rank(a) - rank(b) || a.stack.localeCompare(b.stack)));
    }
    return groups;
}

/** The first root stack that reads no other stack (its counterparts by hand-over), else the first root stack. */
export function standaloneRootStack(): StackSource {
    const stacks = rootStacks();
    return stacks.find((s) => referencedStacks(s).length === 0) ?? stacks[0];
}

/** Pairs of stacks of one list that reference each other: [publisher, partner]. */
function pairsOf(stacks: StackSource[]): [StackSource, StackSource][] {
    const side = (s: StackSource) => readStackConfig(path.join(PROJECT_ROOT, s.file))[configKey("side")];
    return stacks
        .filter((s) => side(s) === "publisher")
        .flatMap((publisher) =>
            stacks
                .filter((partner) => side(partner) === "partner" && referencedStacks(publisher).includes(partner.stack) && referencedStacks(partner).includes(publisher.stack))
                .map((partner): [StackSource, StackSource] => [publisher, partner]),
        );
}

/** Pairs of root stacks that reference each other: [publisher, partner]. */
export function rootPairs(): [StackSource, StackSource][] {
    return pairsOf(rootStacks());
}

/**
 * The pair the engine tests deploy: the team's first pair of root stacks, or, when the team runs
 * none (every counterpart by hand-over), the first pair of examples (stacks/examples/), which the
 * tests write into their copy of the project as root stack files.
 */
export function pairForEngineTests(): [StackSource, StackSource] {
    const pair = rootPairs()[0] ?? pairsOf(exampleStacks())[0];
    if (!pair) throw new Error("no two root stacks, and no two examples, reference each other: the engine tests of a pair need one");
    return pair;
}
