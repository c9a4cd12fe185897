// All of standard input, read synchronously, for `npm run check -- -`.
//
// Once anything in the process touches `process.stdin` (a preload, a wrapper), a
// pipe is non-blocking, and read(2) answers EAGAIN while a slow writer
// (`pulumi stack export | npm run check -- -`) has not written its next piece:
// `fs.readFileSync(0)` throws then (https://github.com/nodejs/help/issues/2663).
// EAGAIN means "nothing yet", not "end of file": wait a little and read again.
// The pack is self-contained, so this is its own copy of the program's
// tools/stdin.ts rather than an import of it.

import * as fs from "fs";

export function readStdinSync(fd = 0): string {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
        let n: number;
        try {
            n = fs.readSync(fd, buffer, 0, buffer.length, null);
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === "EAGAIN") {
                Atomics.wait(pause, 0, 0, 10);
                continue;
            }
            if (code === "EOF") {
                break;
            }
            throw err;
        }
        if (n === 0) {
            break;
        }
        chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString("utf8");
}
