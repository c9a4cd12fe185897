/**
 * All of stdin, read synchronously. A pipe that a Node program made for a child
 * (a test's spawn, a wrapper script) can be in non-blocking mode, and then read(2)
 * answers EAGAIN while the writer has not written yet: fs.readFileSync(0) throws
 * instead of waiting (https://github.com/nodejs/help/issues/2663). EAGAIN means
 * "nothing yet", not "nothing": wait a little and read again, until end of file.
 */
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
            if (code === "EOF") break;
            throw err;
        }
        if (n === 0) break;
        chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString("utf8");
}
