/**
 * `npm run canary`: the whole command as a function of its arguments and
 * its effects (pulumi, files, S3 clients, clock, output), so that tests run
 * every path against mocked S3 without waiting.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { Command, Io, ProjectRootDeps, runCommand, UsageError } from "../cli/runner";
import { CanaryOptions, canaryOptions, OPTIONS, USAGE } from "./options";
import { defaultOutputsDeps, loadStackOutputs, OutputsDeps } from "./outputs";
import { CanaryReport, exitCodeOf, EXIT_USAGE, formatReport, reportJson, summarize } from "./report";
import { Clock, LinkResult, runLink, skippedLink } from "./run-link";
import { createS3Client } from "./s3";

/** `stderr` takes errors and progress: stdout stays the report alone, parseable with --json. */
export interface CanaryDeps extends OutputsDeps, Io, ProjectRootDeps {
    /** One client per region; called once per region. */
    clientFor: (region: string) => S3Client;
    clock: Clock;
    /** Aborting stops polling; the links still report, and nothing pending is deleted. */
    signal?: AbortSignal;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
            if (signal?.aborted) return resolve();
            const done = (): void => {
                clearTimeout(timer);
                signal?.removeEventListener("abort", done);
                resolve();
            };
            const timer = setTimeout(done, ms);
            signal?.addEventListener("abort", done, { once: true });
        }),
};

export function defaultCanaryDeps(signal?: AbortSignal): CanaryDeps {
    return {
        ...defaultOutputsDeps,
        clientFor: (region) => createS3Client(region),
        clock: realClock,
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        ...(signal ? { signal } : {}),
    };
}

/** The command, its effects injected: `main` runs it on the process, tests on mocked S3 and a fake clock. */
export function canaryCommand(deps: CanaryDeps): Command<typeof OPTIONS> {
    return { name: "canary", usage: USAGE, options: OPTIONS, run: ({ values }) => canary(canaryOptions(values, deps.root), deps) };
}

/** Returns the exit code; writes the report to deps.stdout, and every failure to deps.stderr. */
export function runCanary(argv: string[], deps: CanaryDeps): Promise<number> {
    return runCommand(canaryCommand(deps), argv, deps);
}

async function canary(options: CanaryOptions, deps: CanaryDeps): Promise<number> {
    const outputs = loadStackOutputs(options, deps);
    const label = options.stack ?? options.outputsFile ?? "";
    const names = Object.keys(outputs.links).sort();
    const unknown = options.counterparts.filter((c) => !(c in outputs.links));
    if (unknown.length) throw new UsageError(`--counterpart ${unknown.join(", ")}: no such link in ${label}; its links are: ${names.join(", ") || "(none)"}`);
    const chosen = options.counterparts.length ? options.counterparts : names;
    if (!chosen.length) {
        deps.stderr(`canary: ${label} has no links: nothing to check\n`);
        return EXIT_USAGE;
    }

    const startedAt = new Date(deps.clock.now()).toISOString();
    const clients = new Map<string, S3Client>();
    const clientFor = (region: string): S3Client => {
        let client = clients.get(region);
        if (!client) {
            client = deps.clientFor(region);
            clients.set(region, client);
        }
        return client;
    };
    let links: LinkResult[];
    try {
        // In parallel: each link waits on S3, and one slow link must not hold up the verdict on the others.
        links = await Promise.all(
            chosen.map((counterpart) => {
                const link = outputs.links[counterpart];
                if (link.replication !== "active") return Promise.resolve(skippedLink(counterpart, link));
                return runLink({
                    stack: options.stack ?? null,
                    partyName: outputs.partyName,
                    accountId: outputs.accountId,
                    counterpart,
                    link,
                    client: clientFor(link.region),
                    clock: deps.clock,
                    timeoutMs: options.timeoutMs,
                    intervalMs: options.intervalMs,
                    keep: options.keep,
                    ...(deps.signal ? { signal: deps.signal } : {}),
                    log: (line) => deps.stderr(`${line}\n`),
                });
            }),
        );
    } finally {
        for (const client of clients.values()) client.destroy();
    }

    const checked = links.filter((l) => l.status !== "skipped");
    // A canary that checks nothing must not pass silently, run after run.
    const exitCode = checked.length ? exitCodeOf(links) : EXIT_USAGE;
    const report: CanaryReport = {
        stack: options.stack ?? null,
        outputsFile: options.outputsFile ?? null,
        partyName: outputs.partyName,
        side: outputs.side,
        accountId: outputs.accountId,
        startedAt,
        timeoutSeconds: options.timeoutMs / 1000,
        intervalSeconds: options.intervalMs / 1000,
        keep: options.keep,
        links,
        summary: summarize(links),
        exitCode,
    };
    deps.stdout(options.json ? reportJson(report) : formatReport(report));
    if (!checked.length) deps.stderr(`canary: no active link to check in ${label} (${links.map((l) => l.counterpart).join(", ")} pending); nothing was written\n`);
    return exitCode;
}
