/**
 * npm run handoff -- (--stack <name> | --config <file>) [--counterpart <name>] [--format markdown|json] [--out <file>]
 *
 * Prints the hand-over of a stack, offline, from its plan (references resolved
 * as `npm run plan` does): the Markdown hand-off sheet (the stack output
 * `handoff`), or with --format json the machine-readable hand-over for one
 * counterpart (the stack output `handovers.<name>`, docs/handover.md). The
 * fingerprint of each hand-over goes to standard error: read it to the
 * counterpart over a second channel.
 */
import type { HandoverDocument } from "../infra/handoff/document";
import { assertWritable, main, oneOf, STACK_OPTIONS, stackTarget, UsageError, writeOutputFile } from "./cli/runner";

main({
    name: "handoff",
    usage: "usage: npm run handoff -- (--stack <name> | --config <file>) [--counterpart <name>] [--format markdown|json] [--out <file>]",
    options: { ...STACK_OPTIONS, out: { type: "string" }, counterpart: { type: "string" }, format: { type: "string" } },
    async run({ values }) {
        const { stack } = stackTarget(values);
        const format = oneOf("--format", values.format ?? "markdown", ["markdown", "json"] as const);
        if (values.out) assertWritable("--out", values.out);
        // Loaded only now, so that --help and a usage error answer without loading the SDKs.
        const [{ planProjectStack }, { fingerprintOf }] = await Promise.all([import("./plan/project"), import("../infra/handoff/fingerprint")]);
        const { plan } = await planProjectStack({ stack, configFile: values.config });
        const handovers = plan.outputs.handovers as Record<string, HandoverDocument>;
        const names = Object.keys(handovers);
        if (values.counterpart !== undefined && !names.includes(values.counterpart)) {
            console.error(`--counterpart: stack ${stack} has no counterpart "${values.counterpart}"\nfix: use one of ${names.join(", ") || "(none: add one to its config)"}`);
            return 2;
        }
        let text: string;
        let shown: string[];
        if (format === "json") {
            const name = values.counterpart ?? (names.length === 1 ? names[0] : undefined);
            if (!name) throw new UsageError(`--counterpart is required with --format json: stack ${stack} has ${names.length} counterparts (${names.join(", ")})`);
            text = `${JSON.stringify(handovers[name], null, 2)}\n`;
            shown = [name];
        } else {
            text = String(plan.outputs.handoff);
            shown = values.counterpart ? [values.counterpart] : names;
        }
        // Written first: a fingerprint is shown only for a hand-over that exists.
        if (values.out) writeOutputFile("--out", values.out, text);
        else process.stdout.write(text);
        // The fingerprint ends its line, so that it reads (and copies) on its own.
        console.error("read each fingerprint to its counterpart over a call, not by the channel the file goes by:");
        for (const name of shown) console.error(`hand-over fingerprint for ${name}: ${fingerprintOf(handovers[name])}`);
        return 0;
    },
});
