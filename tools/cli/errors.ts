/** The runner's error for bad input on the command line: here, so that the runner and the stack resolver share it without importing each other. */

/** Bad input on the command line: exit 2, with the usage after the message. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}
