/**
 * One log bucket of a side: `accessLog` templates are expanded once per data
 * bucket whose server access logs the plan delivers into it, `logBucket`
 * templates once per log bucket.
 */
import { arns, bucketNameOfArn, inAccount } from "../../../infra/policies/document";
import type { LogBucketFacts, RequestPrincipal, RequestResource } from "../model";
import { accountRootPrincipal, adminPrincipal, servicePrincipal } from "../principals";
import type { Template } from "../schema";
import type { LogSource, PrincipalSelector, ResourceSelector } from "../selectors";
import { Expander, Fill } from "./expander";

/** A bucket name of no party here: a source the log bucket has no reason to admit. */
const UNRELATED_BUCKET = "unrelated-bucket-of-no-party";

export class LogBucketExpander extends Expander {
    readonly kind = "logBucket";
    readonly scopes = ["accessLog", "logBucket"] as const;

    constructor(private readonly logs: LogBucketFacts) {
        super(logs.name, logs.own, logs.unrelatedAccountId);
    }

    /** accessLog templates once per data bucket logging here; logBucket templates once, with the first of them for log keys. */
    variants(t: Template): Record<string, string>[] {
        const { logs } = this;
        const trail = logs.trails[0];
        const base = {
            account: logs.own.accountId,
            region: logs.region,
            unrelatedAccount: logs.unrelatedAccountId,
            trailPrefix: trail?.keyPrefix ? `${trail.keyPrefix}/` : "",
        };
        const forSource = (l: { bucketArn: string; targetPrefix: string } | undefined) => ({
            ...base,
            sourceBucket: l ? bucketNameOfArn(l.bucketArn) : "",
            targetPrefix: l?.targetPrefix ?? "",
        });
        return t.scope === "accessLog" ? logs.logged.map(forSource) : [forSource(logs.logged[0])];
    }

    principals(selector: PrincipalSelector, vars: Record<string, string>): RequestPrincipal[] {
        const { logs, partition } = this;
        if (selector.kind === "service" && selector.source.kind === "named") {
            const { service, account: sourceSide } = selector;
            const account = sourceSide === "unrelated" ? this.unrelatedAccountId : logs.own.accountId;
            const on = sourceSide === "unrelated" ? "unrelated account" : logs.own.party;
            const bucket = (name: string) => arns.bucket(partition, name);
            const sources: Record<LogSource, () => string[]> = {
                source: () => [bucket(vars.sourceBucket)],
                logBucket: () => [logs.arn],
                loggedElsewhere: () => logs.loggedElsewhere,
                unrelatedBucket: () => [bucket(UNRELATED_BUCKET)],
                // Another trail's requests mean something only where a trail delivers here (they share its key prefix).
                trail: () => logs.trails.map((t) => inAccount(t.arn, account)),
                otherTrail: () => (logs.trails.length ? [arns.trail(partition, logs.region, account, "another-trail")] : []),
            };
            return sources[selector.source.name]().map((arn) => servicePrincipal(service, account, arn, on));
        }
        const counterparts = logs.counterparts.filter((c) => c.accountId);
        if (selector.kind === "accountRoot" && selector.of === "counterparts") {
            return counterparts.map((c) => accountRootPrincipal(partition, c.accountId!, c.party, "counterpart"));
        }
        if (selector.kind === "admin" && selector.of === "counterparts") {
            return counterparts.map((c) => adminPrincipal(partition, c.accountId!, `${c.party} admin role`, "counterpart"));
        }
        return this.common(selector);
    }

    resources(selector: ResourceSelector, _action: string, fill: Fill): RequestResource[] | string {
        return this.subjectBuckets(selector, this.logs.arn, fill);
    }
}
