/**
 * npm run accept-handoff -- (--stack <name> | --config <file>) --file <hand-over.json> --fingerprint <digest> [--write] [--confirm-change]
 *
 * Accepts a counterpart's hand-over into the stack's config (docs/handover.md):
 * refuses it unless its fingerprint is the one the sender read to you over a
 * second channel, validates it with the published schema and the config rules,
 * prints the config change as a diff, and with --write applies it to
 * Pulumi.<stack>.yaml keeping comments and order. A change of an already
 * accepted account, region, bucket, role or key also needs --confirm-change.
 */
import { defineCommand, main, STACK_OPTIONS, stackArgs, StackTarget, stackTarget, UsageError } from "./cli/runner";
import { deployedStackArgs } from "./cli/stacks";
import { acceptHandover, AcceptResult, HandoverRefused } from "./handoff/accept";

const USAGE = `usage: npm run accept-handoff -- (--stack <name> | --config <file>) --file <hand-over.json> --fingerprint <digest> [--write] [--confirm-change]

Accepts a counterpart's hand-over into the stack's config (docs/handover.md):
refuses it unless its fingerprint is the one the sender read to you over a
second channel, checks it with the published schema and the config rules
(values that cannot be real, such as a KMS key the sender has not created yet,
included), and prints the config change as a diff; --write applies it to the
stack file, keeping its comments and order.

  --stack <name>           a stack of this project: prod, or <organization>/<project>/prod
  --config <file>          the stack config file to change (alone, an example named after its file)
  --file <hand-over.json>  the hand-over file the counterpart sent
  --fingerprint <digest>   the fingerprint the sender read to you on a call (never one
                           taken from the message that brought the file)
  --write                  apply the change to the stack file (without it, only the diff)
  --confirm-change         accept a change of an already accepted account, region,
                           ingress bucket, role or key, once confirmed with the
                           counterpart over a second channel
  --help                   print this help

exit status: 0 accepted, or nothing to change; 1 a failure; 2 refused or a usage
error, naming the file, the key and the fix (nothing is written).`;

/** What to do once the hand-over is in config: deploy, then send ours, with commands that work as printed. */
function nextSteps(target: StackTarget, result: AcceptResult): string {
    const stack = `--stack ${target.given ?? target.stack}${target.explicitConfig ? ` --config-file ${target.configFile}` : ""}`;
    const out = `--out ${result.sender}-handover.json`;
    // With SSE-KMS our hand-over carries our keys' ARNs, which exist once pulumi up has created them.
    const handoff =
        result.encryption === "SSE-KMS"
            ? `npm run handoff -- ${deployedStackArgs(target)} --counterpart ${result.sender} --format json ${out} --deployed`
            : `npm run handoff -- ${stackArgs(target)} --counterpart ${result.sender} --format json ${out}`;
    return `Next: pulumi preview ${stack} --policy-pack policy-pack, then pulumi up ${stack} --policy-pack policy-pack; then send ${result.sender} our hand-over (${handoff}) and read them its fingerprint on a call.`;
}

/** The command, for the entry point below and for tests that run it in process. */
export const command = defineCommand({
    name: "accept-handoff",
    usage: USAGE,
    options: {
        ...STACK_OPTIONS,
        file: { type: "string" },
        fingerprint: { type: "string" },
        write: { type: "boolean" },
        "confirm-change": { type: "boolean" },
    },
    run({ values }, io) {
        const say = (text: string) => io.stderr(`${text}\n`);
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
            say(`fingerprint ${result.fingerprint} matches; the hand-over follows the schema and the config rules.`);
            for (const c of result.changes) say(`confirmed change of ${result.entryKey}.${c.field}: ${c.old} -> ${c.new}`);
            if (result.needsBack.length) say(`${result.sender} still needs from us: ${result.needsBack.join(", ")} (send our hand-over after pulumi up).`);
            if (!result.diff) {
                say(`${configFile} already holds this hand-over (${result.entryKey}); nothing to change.`);
                return 0;
            }
            io.stdout(result.diff);
            say(
                result.written
                    ? `wrote ${configFile} (${result.newEntry ? "new" : "updated"} ${result.entryKey}). ${nextSteps(target, result)}`
                    : `not written: re-run with --write to apply this change to ${configFile}.`,
            );
            return 0;
        } catch (err) {
            // A refusal names the file, key and fix already: the usage would only bury it.
            if (err instanceof HandoverRefused) {
                say(err.message);
                return 2;
            }
            throw err;
        }
    },
});

if (require.main === module) main(command);
