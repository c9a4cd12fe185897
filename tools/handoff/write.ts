/**
 * `npm run handoff`: what is sent to one counterpart, chosen so that it holds
 * that counterpart's link and nothing of any other, and never a value AWS has
 * not assigned yet (infra/contract/assigned.ts).
 *
 * Without --counterpart a stack with one counterpart writes that one's; a stack
 * with several refuses and lists them, because a single stream cannot be sent
 * to several companies: --out-dir writes one file per counterpart instead.
 */
import * as fs from "fs";
import * as path from "path";
import { standInProblem, standInsOf } from "../../infra/contract/assigned";
import { didYouMean } from "../../infra/config/keys";
import type { HandoverDocument } from "../../infra/handoff/document";
import { fingerprintOf } from "../../infra/handoff/fingerprint";
import { assertWritable, Io, StackTarget, stackTarget, UsageError, writeOutputFile } from "../cli/runner";
import { deployedStackArgs } from "../cli/stacks";
import { defaultOutputsDeps, OutputsDeps, readOutputsJson } from "../canary/outputs";

export const handoffUsage = `usage: npm run handoff -- (--stack <name> | --config <file>) [--counterpart <name>] [--format markdown|json]
                         [--out <file> | --out-dir <dir>] [--deployed | --outputs <file>]

Writes what one counterpart needs from this stack, and nothing of any other
counterpart: its hand-off sheet (Markdown, the default) or its machine-readable
hand-over (--format json, docs/handover.md). The hand-over's fingerprint goes to
stderr: read it to the counterpart over a call, not by the file's channel.
Offline from the stack's plan; a value AWS assigns when it creates a resource
(the KMS key ARNs of SSE-KMS buckets) exists only once the stack is deployed,
so such a hand-over comes from the deployed stack (--deployed or --outputs).

  --stack <name>        a stack of this project: prod, or <organization>/<project>/prod
  --config <file>       a stack config file; alone, an example named after its file
  --counterpart <name>  the counterpart to write for; needed when the stack has more
                        than one (without it and --out-dir, the command lists them
                        and exits 2)
  --format <format>     markdown (the sheet; default) or json (the hand-over)
  --out <file>          write to <file> instead of stdout, and say what was written
  --out-dir <dir>       write one file per counterpart (or for --counterpart alone)
                        into <dir>: <counterpart>.handoff.md, or with --format json
                        <counterpart>.handover.json
  --deployed            take the values from the deployed stack, with
                        pulumi stack output --json --stack <name>
  --outputs <file>      the same, from a file holding that command's output
  --help                print this help

exit status: 0 written; 1 a failure; 2 a usage or config error: an unknown
counterpart, several counterparts without --counterpart or --out-dir, outputs
that are not this program's, or a hand-over that needs a value AWS assigns at
creation from an offline plan (after pulumi up, add --deployed).`;

export interface HandoffRequest {
    stack?: string;
    config?: string;
    counterpart?: string;
    format: "markdown" | "json";
    out?: string;
    outDir?: string;
    /** Where the values come from: the offline plan, or the deployed stack (its outputs read with pulumi, or from a file). */
    source: "plan" | "deployed" | { outputsFile: string };
}

interface Documents {
    sheets: Record<string, string>;
    handovers: Record<string, HandoverDocument>;
    /** How the values were read, for messages: `the offline plan` or `--outputs <file>`. */
    origin: string;
    planned: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The sheets and hand-overs of deployed outputs, refused (exit 2) when they are not this program's. */
function fromOutputs(json: unknown, origin: string): Documents {
    const outputs = isRecord(json) ? json : {};
    if (!isRecord(outputs.handovers) || !isRecord(outputs.handoff)) {
        const { describeOutputProblems, parseOutputs, StackOutputsSchema } = require("../../infra/contract/outputs") as typeof import("../../infra/contract/outputs");
        const parsed = parseOutputs(StackOutputsSchema.pick({ handoff: true, handovers: true }), json);
        throw new UsageError(
            parsed.problems
                ? `${describeOutputProblems(origin, parsed)}\n(outputs of an older program carry one sheet for every counterpart: run pulumi up with this version first)`
                : `${origin}: not the outputs of this program's stack`,
        );
    }
    return { sheets: outputs.handoff as Record<string, string>, handovers: outputs.handovers as Record<string, HandoverDocument>, origin, planned: false };
}

async function documentsOf(request: HandoffRequest, target: StackTarget | undefined, deps: OutputsDeps): Promise<Documents> {
    if (request.source === "plan") {
        const { planProjectStack } = await import("../plan/project");
        const { plan } = await planProjectStack({ stack: target!.stack, configFile: request.config, organization: target!.organization });
        return {
            sheets: plan.outputs.handoff as Record<string, string>,
            handovers: plan.outputs.handovers as Record<string, HandoverDocument>,
            origin: "the offline plan",
            planned: true,
        };
    }
    const source = request.source === "deployed" ? { stack: target!.given ?? target!.stack } : { outputsFile: request.source.outputsFile };
    const { json, origin } = readOutputsJson(source, deps, (message) => new UsageError(message));
    return fromOutputs(json, origin);
}

/** The counterparts to write for, or a refusal that lists them. */
function chosen(request: HandoffRequest, names: string[], stackName: string): string[] {
    if (request.counterpart !== undefined) {
        if (names.includes(request.counterpart)) return [request.counterpart];
        const nearest = didYouMean(request.counterpart, names);
        throw new UsageError(
            `--counterpart ${request.counterpart}: stack ${stackName} has no counterpart "${request.counterpart}"${nearest ? `; did you mean ${nearest}?` : ""}\nits counterparts: ${names.join(", ") || "(none: add one to its config)"}`,
        );
    }
    if (names.length === 0) throw new UsageError(`stack ${stackName} has no counterparts, so there is nothing to hand over: add one to its config first`);
    if (names.length === 1 || request.outDir !== undefined) return names;
    throw new UsageError(
        `stack ${stackName} has ${names.length} counterparts (${names.join(", ")}), and each gets only its own ${request.format === "json" ? "hand-over" : "sheet"}: give --counterpart <name>, or --out-dir <dir> to write one file per counterpart`,
    );
}

/** Writes the sheets or hand-overs the request names; returns the exit status. */
export async function writeHandoff(request: HandoffRequest, io: Io, deps: OutputsDeps = defaultOutputsDeps): Promise<number> {
    // --outputs <file> alone is enough: the file is the deployed stack's; every other source names the stack.
    const outputsAlone = typeof request.source === "object" && request.stack === undefined && request.config === undefined;
    const target = outputsAlone ? undefined : stackTarget(request);
    if (request.out !== undefined) assertWritable("--out", request.out);
    if (request.outDir !== undefined) assertFolder(request.outDir);
    const docs = await documentsOf(request, target, deps);
    const stackName = target?.given ?? target?.stack ?? docs.origin;
    const names = chosen(request, Object.keys(docs.handovers), stackName);

    // A hand-over is a promise about where files go: one that names a key AWS has not created is refused before anything is written.
    const withStandIns = names.flatMap((name) => standInsOf(docs.handovers[name]).map((pointer) => ({ name, pointer })));
    if (request.format === "json" && withStandIns.length) {
        const again = (name: string) => `npm run handoff -- ${target ? deployedStackArgs(target) : "--stack <name>"} --counterpart ${name} --format json --deployed`;
        throw new UsageError(
            withStandIns
                .map(
                    ({ name, pointer }) =>
                        `hand-over for ${name}: ${pointer} ${standInProblem(pointer.endsWith("ingressKmsKeyArn") ? docs.handovers[name].link.ingressKmsKeyArn : docs.handovers[name].link.egressKmsKeyArn, target?.given ?? target?.stack)}`,
                )
                .join("\n") +
                `\nfix: run pulumi up on the stack, then write the hand-over from the deployed stack: ${again(withStandIns[0].name)} (or --outputs <file> with the output of pulumi stack output --json)`,
        );
    }

    const fileOf = (name: string) => path.join(request.outDir!, request.format === "json" ? `${name}.handover.json` : `${name}.handoff.md`);
    const textOf = (name: string) => (request.format === "json" ? `${JSON.stringify(docs.handovers[name], null, 2)}\n` : docs.sheets[name]);
    const what = (name: string) => `the ${request.format === "json" ? "hand-over" : "hand-off sheet"} for ${name}`;
    if (request.outDir !== undefined) {
        for (const name of names) {
            const text = textOf(name);
            writeOutputFile("--out-dir", fileOf(name), text);
            io.stdout(`wrote ${fileOf(name)}: ${what(name)} (${lines(text)} lines, from ${docs.origin})\n`);
        }
    } else if (request.out !== undefined) {
        const text = textOf(names[0]);
        writeOutputFile("--out", request.out, text);
        io.stdout(`wrote ${request.out}: ${what(names[0])} (${lines(text)} lines, from ${docs.origin})\n`);
    } else {
        io.stdout(textOf(names[0]));
    }

    // The fingerprint ends its line, so that it reads (and copies) on its own; none for a hand-over that cannot exist yet.
    const ready = names.filter((name) => !standInsOf(docs.handovers[name]).length);
    if (ready.length) io.stderr("read each fingerprint to its counterpart over a call, not by the channel the file goes by:\n");
    for (const name of ready) io.stderr(`hand-over fingerprint for ${name}: ${fingerprintOf(docs.handovers[name])}\n`);
    for (const name of names.filter((n) => !ready.includes(n))) {
        io.stderr(
            `no hand-over for ${name} yet: it carries a KMS key ARN that AWS assigns at the first pulumi up; then: npm run handoff -- ${target ? deployedStackArgs(target) : "--stack <name>"} --counterpart ${name} --format json --deployed\n`,
        );
    }
    return 0;
}

function lines(text: string): number {
    return text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
}

function assertFolder(dir: string): void {
    let isDir = false;
    try {
        isDir = fs.statSync(dir).isDirectory();
    } catch {
        /* refused below */
    }
    if (!isDir) throw new UsageError(`--out-dir ${dir}: not a folder that exists; fix: create it first (mkdir -p ${dir})`);
    assertWritable("--out-dir", path.join(dir, "handoff"));
}
