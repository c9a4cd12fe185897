/**
 * All of standard input as text, read with Node's own stream consumer
 * (`node:stream/consumers`, https://nodejs.org/api/webstreams.html#utility-consumers):
 * it resolves at end of input however late the writer is, on a pipe, a file
 * or a socket. `fs.readFileSync(0)` cannot be used: once anything has touched
 * `process.stdin`, a pipe is non-blocking and a read before the writer has
 * written throws EAGAIN (https://github.com/nodejs/help/issues/2663).
 *
 * Bounded like every input from outside (infra/input/file.ts): more than the
 * limit of standard input is refused, not held in memory.
 */
import { text } from "node:stream/consumers";
import { formatBytes, INPUT_LIMITS, InputError } from "../infra/input/file";

/** Passes the chunks of a stream on, refusing the one that takes the total past `limit` bytes. */
async function* atMost(input: AsyncIterable<Buffer | string>, limit: number): AsyncGenerator<Buffer | string> {
    let total = 0;
    for await (const chunk of input) {
        total += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
        if (total > limit) {
            throw new InputError(
                "standard input",
                `is more than the limit of ${formatBytes(limit)} for standard input (${INPUT_LIMITS["standard input"].real}); it is not read further`,
                "pipe in the listing itself, or split it and check each part",
            );
        }
        yield chunk;
    }
}

/** Standard input (or `input`) to its end, as UTF-8 text; an InputError past `limit` bytes. */
export function readStdin(input: AsyncIterable<Buffer | string> = process.stdin, limit = INPUT_LIMITS["standard input"].bytes): Promise<string> {
    return text(atMost(input, limit));
}
