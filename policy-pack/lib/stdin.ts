// All of standard input, for `npm run check -- -`, read through node:stream/consumers:
// the stream waits for a slow writer (`pulumi stack export | npm run check -- -`)
// however the pipe is set up, with no busy-wait. What is read is bounded: a writer
// that never stops is refused once it passes the limit.
// https://nodejs.org/api/webstreams.html#utility-consumers

import { text } from "node:stream/consumers";

export class InputTooLarge extends Error {}

async function* bounded(stream: AsyncIterable<Buffer | string>, limitBytes: number): AsyncGenerator<Buffer | string> {
    let read = 0;
    for await (const chunk of stream) {
        read += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
        if (read > limitBytes) {
            throw new InputTooLarge(`more than ${limitBytes} bytes`);
        }
        yield chunk;
    }
}

/** Standard input (or `stream`) as text, refused with InputTooLarge past `limitBytes`. */
export function readStdin(limitBytes: number, stream: AsyncIterable<Buffer | string> = process.stdin): Promise<string> {
    return text(bounded(stream, limitBytes));
}
