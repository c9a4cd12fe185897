// IAM's wildcard match for ARNs and string conditions: `*` any run of characters,
// `?` exactly one (IAM User Guide, reference_policies_elements_resource,
// "Including wildcard characters in the resource ARN").

/** IAM wildcard match (`*` any run, `?` one character). */
export function globMatch(pattern: string, text: string): boolean {
    let p = 0;
    let t = 0;
    let star = -1;
    let mark = 0;
    while (t < text.length) {
        if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
            p++;
            t++;
        } else if (p < pattern.length && pattern[p] === "*") {
            star = p++;
            mark = t;
        } else if (star !== -1) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.length && pattern[p] === "*") {
        p++;
    }
    return p === pattern.length;
}
