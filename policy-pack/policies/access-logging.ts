import { admitsLogDelivery, LoggingDecl, loggingView, sendersLabel, sourceLabel, targetLabel } from "../lib/access-logging";
import { describe } from "../lib/bucket-settings";
import { globMatch } from "../lib/policy-document";
import { compliant, Decision, defineStackPolicy, notApplicable, undecided, violation } from "../lib/policy-kit";
import { BucketEntry, StackIndex } from "../lib/stack-index";

export interface AccessLoggingConfig {
    /** Bucket names (`*` and `?` wildcards) that need no access logs of their own. */
    exemptBuckets: string[];
}

const where = (d: LoggingDecl) => describe(d.declaredOn, d.form);

function selfLogging(d: LoggingDecl): Decision {
    return violation(
        d.declaredOn.urn,
        `${sourceLabel(d)} delivers its access logs into itself (${where(d)}): S3 then logs its own log deliveries, without end. Set targetBucket to a separate log bucket in the same account and region, one that logs nowhere.`,
    );
}

function fix(b: BucketEntry): string {
    const name = typeof b.name === "string" ? b.name : "<bucket>";
    return `Add an aws.s3.BucketLogging with bucket "${name}", targetBucket a log bucket in the same account and region (not this bucket) and targetPrefix "${name}/"; the log bucket's policy must allow logging.s3.amazonaws.com s3:PutObject with aws:SourceAccount and aws:SourceArn conditions.`;
}

export const accessLogging = defineStackPolicy<AccessLoggingConfig>({
    name: "s3-transfer-access-logging",
    description:
        "Every S3 bucket that holds data delivers server access logs (BucketLogging, BucketLoggingV2 or the legacy inline logging) to a separate log bucket, so each request for a file leaves a record; the log buckets themselves are exempt, and no bucket logs into itself.",
    enforcementLevel: "advisory",
    severity: "medium",
    defaults: { exemptBuckets: [] },
    configSchema: {
        properties: {
            exemptBuckets: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    'Names of buckets that need no access logs of their own, with * and ? wildcards, e.g. ["*-central-logs"] for log buckets that receive the logs of other stacks\' buckets without a grant this stack can see.',
            },
        },
    },
    remediationSteps:
        'Add an aws.s3.BucketLogging({ bucket, targetBucket: <log bucket>, targetPrefix: "<bucket>/" }) per data bucket, and in the log bucket\'s policy allow logging.s3.amazonaws.com s3:PutObject with "StringEquals": {"aws:SourceAccount": "<account>"} and "ArnLike": {"aws:SourceArn": "arn:aws:s3:::<bucket>"}.',
    notApplicableReason: "The stack has no S3 bucket.",
    evaluate(index: StackIndex, config: AccessLoggingConfig): Decision[] {
        const view = loggingView(index);
        // CrossGuard validates config against the schema; the offline checker does not.
        const exempt = Array.isArray(config.exemptBuckets) ? config.exemptBuckets.filter((p): p is string => typeof p === "string") : [];
        const out: Decision[] = [];
        for (const b of index.buckets) {
            const decls = view.ofBucket.get(b) ?? [];
            const selfs = decls.filter((d) => d.self === true);
            if (selfs.length > 0) {
                out.push(...selfs.map(selfLogging));
                continue;
            }
            const maybeSelf = decls.find((d) => d.self !== false);
            if (maybeSelf) {
                out.push(
                    undecided(
                        b.res.urn,
                        `Cannot tell yet whether ${b.label} logs into itself: the targetBucket of ${where(maybeSelf)} is unknown until apply and derived from this bucket.`,
                    ),
                );
                continue;
            }
            if (decls.length > 0) {
                // An unknown target is still a target: the bucket is logged somewhere.
                out.push(compliant(b.res.urn, `${b.label} delivers access logs to ${targetLabel(decls[0])} (${where(decls[0])}).`));
                continue;
            }
            const senders = view.targets.get(b);
            if (senders) {
                out.push(notApplicable(b.res.urn, `${b.label} is the log target of ${sendersLabel(senders)} and needs no access logs of its own.`));
                continue;
            }
            if (typeof b.name === "string" && exempt.some((p) => globMatch(p, b.name as string))) {
                out.push(notApplicable(b.res.urn, `${b.label} is exempt by exemptBuckets.`));
                continue;
            }
            const admits = admitsLogDelivery(index, b);
            if (admits === true) {
                out.push(notApplicable(b.res.urn, `${b.label} admits log deliveries: it is a log bucket and needs no access logs of its own.`));
                continue;
            }
            const pending = [
                view.inlineUnknown.has(b) ? "its inline logging is unknown until apply" : undefined,
                index.unresolved.logging[0] ? `${describe(index.unresolved.logging[0], "split")} may log it once its bucket is known` : undefined,
                view.untraceableTargets[0] ? `it may be the log target of ${where(view.untraceableTargets[0])}, whose targetBucket is unknown until apply` : undefined,
                admits !== false ? "its policy or ACL is unknown until apply and may make it a log bucket" : undefined,
                typeof b.name !== "string" && exempt.length > 0 ? "its name, which exemptBuckets may match, is unknown until apply" : undefined,
            ].filter((p): p is string => p !== undefined);
            if (pending.length > 0) {
                out.push(undecided(b.res.urn, `Cannot tell yet whether ${b.label} needs access logging: ${pending.join("; ")}.`));
                continue;
            }
            out.push(violation(b.res.urn, `${b.label} has no server access logging, so requests for its files leave no record in S3. ${fix(b)}`));
        }
        // Declarations for buckets outside the stack (or not known yet) are only ever wrong by logging into themselves.
        for (const d of view.decls) {
            if (!d.source && d.self === true) {
                out.push(selfLogging(d));
            }
        }
        return out;
    },
});
