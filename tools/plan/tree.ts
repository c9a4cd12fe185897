import { PlannedResource } from "./engine";

/** The resource tree, indented by parent, as `pulumi preview` shows it. */
export function formatTree(resources: PlannedResource[]): string {
    const children = new Map<string, PlannedResource[]>();
    for (const r of resources) {
        const key = r.parent ?? "";
        children.set(key, [...(children.get(key) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (parent: string, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const name = r.urn.split("::").pop();
            const flags = [r.protect ? "protected" : "", r.external ? "read" : ""].filter(Boolean).join(", ");
            lines.push(`${"  ".repeat(depth)}${r.type}  ${name}${flags ? `  (${flags})` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk("", 0);
    return lines.join("\n");
}
