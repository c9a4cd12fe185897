// Whether a bucket policy denies every caller every S3 action on both the bucket and
// all of its objects under a given condition: the shape of the HTTPS-only and the
// minimum-TLS statements. Answers true, false or UNKNOWN (a value it depends on is
// not known yet).

import { ConditionEntry, coversAllObjects, coversBucket, DocumentState, isEveryone, isFullS3Action, Statement } from "./policy-document";
import { Read, UNKNOWN, Unknown } from "./values";

export type Tri = boolean | Unknown;

export function or3(a: Tri, b: Tri): Tri {
    if (a === true || b === true) {
        return true;
    }
    return a === UNKNOWN || b === UNKNOWN ? UNKNOWN : false;
}

export function and3(a: Tri, b: Tri): Tri {
    if (a === false || b === false) {
        return false;
    }
    return a === UNKNOWN || b === UNKNOWN ? UNKNOWN : true;
}

export interface Coverage {
    bucket: Tri;
    objects: Tri;
}

/** Does the statement match the condition we look for, and nothing narrower? */
export type ConditionMatcher = (conditions: ConditionEntry[]) => Tri;

function statementApplies(s: Statement, matcher: ConditionMatcher): Tri {
    if (s.effect === UNKNOWN) {
        return UNKNOWN;
    }
    if (s.effect !== "Deny" || s.notPrincipal !== undefined || s.notActions !== undefined) {
        return false;
    }
    // A wildcard is written literally; an unknown principal is some resource's ARN.
    if (!isEveryone(s.principal)) {
        return false;
    }
    let actions: Tri = false;
    if (s.actions === UNKNOWN) {
        actions = UNKNOWN;
    } else {
        for (const a of s.actions ?? []) {
            actions = or3(actions, a === UNKNOWN ? UNKNOWN : isFullS3Action(a));
        }
    }
    const conds: Tri = s.conditions === UNKNOWN ? UNKNOWN : matcher(s.conditions);
    return and3(actions, conds);
}

/** `partition` is the bucket's: a Resource ARN of another partition does not cover it. */
export function denyCoverage(doc: DocumentState & { state: "known" }, bucketName: Read<string>, matcher: ConditionMatcher, partition: string): Coverage {
    let bucket: Tri = false;
    let objects: Tri = false;
    for (const s of doc.statements) {
        if (s.notResources !== undefined) {
            continue;
        }
        const applies = statementApplies(s, matcher);
        if (applies === false) {
            continue;
        }
        let b: Tri = false;
        let o: Tri = false;
        if (s.resources === UNKNOWN) {
            b = UNKNOWN;
            o = UNKNOWN;
        } else {
            for (const r of s.resources ?? []) {
                if (r === UNKNOWN) {
                    b = or3(b, UNKNOWN);
                    o = or3(o, UNKNOWN);
                } else if (typeof bucketName === "string") {
                    b = or3(b, coversBucket(r, bucketName, partition));
                    o = or3(o, coversAllObjects(r, bucketName, partition));
                } else {
                    // Without the bucket's name only a pattern that covers every
                    // bucket proves coverage; anything else may or may not be it.
                    const everyBucket = r === "*" || new RegExp(`^arn:(\\*|${partition}):s3:::\\*$`).test(r);
                    b = or3(b, everyBucket ? true : UNKNOWN);
                    o = or3(o, everyBucket ? true : UNKNOWN);
                }
            }
        }
        bucket = or3(bucket, and3(applies, b));
        objects = or3(objects, and3(applies, o));
    }
    return { bucket, objects };
}
