/**
 * The commands a page shows, or a command prints as a next step, picked out
 * of the text so that a test can run each one: every line of a shell code
 * block, every `npm run ...` in a Mermaid diagram, and every inline code span
 * that is a command (`npm run plan -- --stack prod`, `pulumi up ...`). A
 * usage synopsis (`(--stack <name> | --config <file>)`, `[--json <file>]`) is
 * a description, not a command, and is left out.
 */

export interface ShownCommand {
    /** Where it is shown: a page and line, or a command's output. */
    where: string;
    /** The command, one of a pipeline or `&&` chain, without comments or leading VAR=value. */
    text: string;
}

const PROGRAMS = /^(npm|npx|pulumi|aws|node) /;

/** `a && b | c ; d` -> its commands; quotes are kept together. */
function splitChain(line: string): string[] {
    const parts: string[] = [];
    let current = "";
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quote) {
            current += c;
            if (c === quote) quote = undefined;
        } else if (c === "'" || c === '"') {
            quote = c;
            current += c;
        } else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) {
            break;
        } else if (line.startsWith("&&", i) || line.startsWith("||", i)) {
            parts.push(current);
            current = "";
            i++;
        } else if (c === "|" || c === ";") {
            parts.push(current);
            current = "";
        } else current += c;
    }
    parts.push(current);
    return parts.map((p) => p.trim().replace(/^(?:[A-Z_][A-Z0-9_]*=\S+\s+)+/, "")).filter(Boolean);
}

/** A synopsis describes a command's forms; it is not a command to run. */
const isSynopsis = (text: string) => /\(--[\w-]+ <[^>]+> \|/.test(text) || /\[--[\w-]+/.test(text);

/** The commands in a Markdown page, with their page and line (a paragraph's first line, for prose). */
export function commandsInMarkdown(markdown: string, page: string): ShownCommand[] {
    const found: ShownCommand[] = [];
    const lines = markdown.split("\n");
    let fence: string | undefined;
    // Prose is read a paragraph at a time: an inline code span may run over a line break.
    let paragraph: { start: number; text: string[] } | undefined;
    // A shell line that ends in a backslash goes on on the next line: one command, shown where it starts.
    let continued: { where: string; text: string } | undefined;
    const flush = () => {
        if (paragraph) found.push(...commandsInText(paragraph.text.join(" "), `${page}:${paragraph.start}`));
        paragraph = undefined;
    };
    lines.forEach((line, i) => {
        const where = `${page}:${i + 1}`;
        const opening = /^\s*```(\w*)/.exec(line);
        if (opening) {
            flush();
            fence = fence === undefined ? opening[1] || "text" : undefined;
            return;
        }
        if (fence === "sh" || fence === "bash" || fence === "shell") {
            const joined = continued ? { where: continued.where, text: `${continued.text} ${line.trim()}` } : { where, text: line.trim() };
            if (joined.text.endsWith("\\")) {
                continued = { where: joined.where, text: joined.text.slice(0, -1).trim() };
                return;
            }
            continued = undefined;
            for (const text of splitChain(joined.text)) if (PROGRAMS.test(text) && !isSynopsis(text)) found.push({ where: joined.where, text });
            return;
        }
        if (fence === "mermaid") {
            for (const [, text] of line.matchAll(/(npm run [^()]*?)(?=\)|$)/g)) if (!isSynopsis(text)) found.push({ where, text: text.trim() });
            return;
        }
        if (fence !== undefined) return;
        if (!line.trim() || /^\s*(#|\||- |\d+\. )/.test(line)) flush();
        if (!line.trim()) return;
        paragraph ??= { start: i + 1, text: [] };
        paragraph.text.push(line.trim());
    });
    flush();
    return found;
}

/**
 * The commands in a line of prose or of a command's output: each inline code
 * span that is one, and an unquoted `npm run <script> -- ...` up to the end of
 * its clause (a closing parenthesis, a semicolon, or the end of the line).
 */
export function commandsInText(text: string, where: string): ShownCommand[] {
    const found: ShownCommand[] = [];
    const spans = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    for (const span of spans) {
        if (isSynopsis(span)) continue;
        for (const command of splitChain(span)) {
            if (PROGRAMS.test(command) && command.includes(" ") && !isSynopsis(command)) found.push({ where, text: command });
        }
    }
    const unquoted = text.replace(/`[^`]*`/g, "");
    for (const [, command] of unquoted.matchAll(/((?:npm run [\w:-]+ -- |pulumi (?:config|up|preview|stack) )[^();`]*?)(?=[);]|, (?:then|and|or)\b|\.(?:\s|$)|$)/g)) {
        const trimmed = command.trim().replace(/[.,]$/, "");
        if (!isSynopsis(trimmed)) found.push({ where, text: trimmed });
    }
    return found;
}

/** A command's words, as a POSIX shell splits them (quotes removed). */
export function words(command: string): string[] {
    const out: string[] = [];
    // A placeholder may hold a space (`<receiver stack>`): it is one word.
    for (const [, single, double, bare] of command.matchAll(/'([^']*)'|"([^"]*)"|((?:[^\s<]*<[^>]+>)+\S*|\S+)/g)) out.push(single ?? double ?? bare);
    return out;
}
