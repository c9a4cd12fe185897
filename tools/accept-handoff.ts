/**
 * npm run accept-handoff -- (--stack <name> | --config <file>) --file <hand-over.json> --fingerprint <digest> [--write] [--confirm-change]
 *
 * Accepts a counterpart's hand-over into the stack's config (docs/handover.md):
 * refuses it unless its fingerprint is the one the sender read to you over a
 * second channel, validates it with the published schema and the config rules,
 * prints the config change as a diff, and with --write applies it to
 * Pulumi.<stack>.yaml keeping comments and order. A change of an already
 * accepted account, region, bucket, role or key also needs --confirm-change.
 * Exit 0: accepted (or nothing to change); 2: refused, with the key and the fix.
 */
import { main, STACK_OPTIONS, stackArgs, stackTarget, UsageError } from "./cli/runner";
import { acceptHandover, HandoverRefused } from "./handoff/accept";

main({
    name: "accept-handoff",
    usage: "usage: npm run accept-handoff -- (--stack <name> | --config <file>) --file <hand-over.json> --fingerprint <digest> [--write] [--confirm-change]",
    options: {
        ...STACK_OPTIONS,
        file: { type: "string" },
        fingerprint: { type: "string" },
        write: { type: "boolean" },
        "confirm-change": { type: "boolean" },
    },
    run({ values }) {
        const missing = [
            ...(!values.stack && !values.config ? ["--stack (or --config)"] : []),
            ...(!values.file ? ["--file"] : []),
            ...(!values.fingerprint ? ["--fingerprint (the digest the sender read to you; never take it from the file's own message)"] : []),
        ];
        if (missing.length) throw new UsageError(`missing ${missing.join(", ")}`);
        const target = stackTarget(values);
        const { configFile } = target;
        try {
            const result = acceptHandover({
                configFile,
                stack: target.stack,
                handoverFile: values.file!,
                fingerprint: values.fingerprint!,
                write: values.write === true,
                confirmChange: values["confirm-change"] === true,
            });
            console.error(`fingerprint ${result.fingerprint} matches; the hand-over follows the schema and the config rules.`);
            for (const c of result.changes) console.error(`confirmed change of ${result.entryKey}.${c.field}: ${c.old} -> ${c.new}`);
            if (result.needsBack.length) console.error(`${result.sender} still needs from us: ${result.needsBack.join(", ")} (send our hand-over after pulumi up).`);
            if (!result.diff) {
                console.error(`${configFile} already holds this hand-over (${result.entryKey}); nothing to change.`);
                return 0;
            }
            process.stdout.write(result.diff);
            console.error(
                result.written
                    ? `wrote ${configFile} (${result.newEntry ? "new" : "updated"} ${result.entryKey}). Next: pulumi preview, pulumi up, then send them our hand-over (npm run handoff -- ${stackArgs(target)} --format json) and read them its fingerprint.`
                    : `not written: re-run with --write to apply this change to ${configFile}.`,
            );
            return 0;
        } catch (err) {
            // A refusal names the file, key and fix already: the usage would only bury it.
            if (err instanceof HandoverRefused) {
                console.error(err.message);
                return 2;
            }
            throw err;
        }
    },
});
