/**
 * What every kind of subject does with a template's parsed selectors: name
 * the principals and resources they select for it, the context S3 gives KMS,
 * and the decision expected of it. Each kind of subject is one module beside
 * this one.
 */
import type { Decision, Known, RequestPrincipal, RequestResource, Scope, SideFacts, SubjectKind } from "../model";
import { isKnown } from "../model";
import { accountRootPrincipal, adminPrincipal } from "../principals";
import { bucketResource, bucketResources } from "../resources";
import type { Template, TemplateForm } from "../schema";
import type { ConditionTerm, PrincipalSelector, ResourceSelector, ViaSelector } from "../selectors";
import { anonymousPrincipal } from "@cloud-copilot/iam-simulate";

/** Fills a selector's placeholders for one variant of a template. */
export type Fill = (text: string) => string;

export abstract class Expander {
    abstract readonly kind: SubjectKind;
    /** The scopes of the templates about this kind of subject. */
    abstract readonly scopes: readonly Scope[];

    /** `name`: the subject's, for its rows (the counterpart of a link, the vendor, the service, the log bucket). */
    constructor(
        readonly name: string,
        protected readonly own: SideFacts,
        protected readonly unrelatedAccountId: string,
    ) {}

    get partition(): string {
        return this.own.partition;
    }

    covers(scope: Scope): boolean {
        return this.scopes.includes(scope);
    }
    /** The template is expanded once per variable set (the sides of a link, the data buckets logging into a log bucket). */
    abstract variants(t: Template, form: TemplateForm): Record<string, string>[];
    /** The principals a selector names (it may name several, or none where it does not apply), or why they cannot be named. */
    abstract principals(selector: PrincipalSelector, vars: Record<string, string>): RequestPrincipal[] | string;
    abstract resources(selector: ResourceSelector, action: string, fill: Fill): RequestResource[] | string;

    kmsVia(selector: ViaSelector, _key: RequestResource, _fill: Fill): Record<string, string> | string {
        throw new Error(`unreachable: via ${selector.kind} in a ${this.kind} template`);
    }

    /** A scope's named condition (validated by the grammar). */
    protected condition(term: ConditionTerm): Known<boolean> {
        throw new Error(`unreachable: condition ${term.name} in a ${this.kind} template`);
    }

    expected(t: Template, form: TemplateForm): Known<Decision> {
        if (typeof t.expected === "string") return { value: t.expected };
        let all = true;
        for (const term of form.condition ?? []) {
            const holds = this.condition(term);
            if (!isKnown(holds)) return holds;
            all &&= holds.value !== term.negated;
        }
        return { value: all ? t.expected.then : t.expected.else };
    }

    pending(_principal: RequestPrincipal, _resource: RequestResource): string | undefined {
        return undefined;
    }

    /** The principals every scope knows: anonymous, unrelatedAccount, accountRoot(own), admin(own). */
    protected common(selector: PrincipalSelector): RequestPrincipal[] {
        const own = this.own;
        switch (selector.kind) {
            case "anonymous":
                return [{ label: "anonymous", caller: anonymousPrincipal, identity: { value: [] }, permissionBoundaries: [], context: {} }];
            case "unrelatedAccount":
                return [adminPrincipal(this.partition, this.unrelatedAccountId, "unrelated account admin role")];
            case "accountRoot":
                if (selector.of === "own") return [accountRootPrincipal(this.partition, own.accountId!, own.party, "own")];
                break;
            case "admin":
                if (selector.of === "own") return [adminPrincipal(this.partition, own.accountId!, `${own.party} admin role`, "own")];
                break;
        }
        throw new Error(`unreachable: principal ${JSON.stringify(selector)} in a ${this.kind} template`);
    }

    /** The subject's own bucket (`drop`, `destination`, `logBucket`), or every other bucket of this side, or an object in each. */
    protected subjectBuckets(selector: ResourceSelector, subjectArn: string, fill: Fill): RequestResource[] | string {
        const key = "key" in selector && selector.key !== undefined ? fill(selector.key) : undefined;
        if (selector.kind === "otherBuckets") return this.otherBuckets(subjectArn, key);
        if (selector.kind !== "subject") throw new Error(`unreachable: resource ${JSON.stringify(selector)} in a ${this.kind} template`);
        const resource = bucketResource(this.own, "own", subjectArn, key, false);
        return typeof resource === "string" ? resource : [resource];
    }

    /** Every bucket of this side but the subject's. */
    protected otherBuckets(subjectArn: string, key: string | undefined): RequestResource[] | string {
        const arns = (this.own.policies?.buckets ?? []).map((b) => b.arn).filter((arn) => arn !== subjectArn);
        return bucketResources(this.own, "own", arns, key);
    }
}
