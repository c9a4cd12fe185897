/**
 * `npm run stacks`: the inventory of this repository's stacks (tools/stacks/inventory.ts),
 * as a table for people or as JSON for the workflows' matrices.
 */
import * as path from "path";
import { Command, Io, OptionSpecs, runCommand, unreadable, UsageError } from "../cli/runner";
import { PROJECT_ROOT } from "../root";
import { DeployGroup, Inventory, readInventory } from "./inventory";

export const USAGE = `usage: npm run stacks -- [--json] [--dir <repository>]

Lists the stacks of this repository from its Pulumi.<stack>.yaml files: the
stacks each one reads by stack reference, the groups deployed together (in
deploy order: publishers, then partners), and each group's tier (a stack whose
name has a pre-production word, such as preprod, staging or canary, is
pre-production; every other stack is production). See docs/deploy.md.

  --json              print one line of JSON: {project, stacks, groups, names,
                      preproduction, production}; the workflows take their
                      matrices from it
  --dir <repository>  read the stack files of another checkout (default: this one)
  --help              print this help

exit status: 0 listed; 2 usage error, or an inconsistent set of stacks (a
reference to a stack with no file, to a stack of the same side, to a stack that
does not list this one back, between pre-production and production), each
problem named with its file, key and fix.`;

export const OPTIONS = { json: { type: "boolean" }, dir: { type: "string" } } as const satisfies OptionSpecs;

/** The inventory with the lists the workflows use as matrices. */
export interface InventoryJson extends Inventory {
    names: string[];
    preproduction: DeployGroup[];
    production: DeployGroup[];
}

export function inventoryJson(inventory: Inventory): InventoryJson {
    return {
        ...inventory,
        names: inventory.stacks.map((s) => s.name),
        preproduction: inventory.groups.filter((g) => g.tier === "preproduction"),
        production: inventory.groups.filter((g) => g.tier === "production"),
    };
}

/** The project's name, from Pulumi.yaml: loaded only here, so that the inventory itself takes it as an argument. */
function projectNameIn(root: string): string {
    const { loadProjectFile } = require("../../infra/config/project-file") as typeof import("../../infra/config/project-file");
    return loadProjectFile(root).name;
}

export function loadInventory(root = PROJECT_ROOT): Inventory {
    return readInventory(root, projectNameIn(root));
}

function table(inventory: Inventory): string {
    const rows = inventory.groups.flatMap((group) =>
        group.stacks.map((name, i) => {
            const stack = inventory.stacks.find((s) => s.name === name)!;
            return [
                i === 0 ? group.name : "",
                i === 0 ? group.tier : "",
                `${i + 1}. ${name}`,
                `${stack.side} ${stack.party}`,
                stack.references.join(", ") || "-",
                stack.externalReferences.join(", ") || "-",
            ];
        }),
    );
    const header = ["group", "tier", "deploy order", "side", "reads", "reads outside this project"];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (cells: string[]) =>
        cells
            .map((cell, c) => cell.padEnd(widths[c]))
            .join("  ")
            .trimEnd();
    return [line(header), ...rows.map(line)].join("\n") + "\n";
}

export const stacksCommand: Command<typeof OPTIONS> = {
    name: "stacks",
    usage: USAGE,
    options: OPTIONS,
    run: ({ values }, io: Io) => {
        const root = values.dir === undefined ? PROJECT_ROOT : path.resolve(values.dir);
        const problem = unreadable(path.join(root, "Pulumi.yaml"));
        if (problem) throw new UsageError(`--dir ${values.dir}: no Pulumi.yaml there (${problem}); fix: name the root of a checkout of this project`);
        const inventory = loadInventory(root);
        io.stdout(values.json ? `${JSON.stringify(inventoryJson(inventory))}\n` : table(inventory));
        return 0;
    },
};

export function runStacks(argv: string[], io?: Io): Promise<number> {
    return runCommand(stacksCommand, argv, io);
}
