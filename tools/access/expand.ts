/**
 * Expands the templates of the expected matrix, for one subject, into
 * concrete requests carrying the principal, the resource, the context keys
 * AWS would set, and the policies the plans make for them. Each kind of
 * subject is a module of subjects/.
 */
import type { AccessRequest, LinkFacts, Subject, Transport } from "./model";
import { ExpectedMatrix, fillAll } from "./schema";
import { Expander } from "./subjects/expander";
import { LinkExpander } from "./subjects/link";
import { LogBucketExpander } from "./subjects/log-bucket";
import { ServiceDestinationExpander } from "./subjects/service-destination";
import { VendorDropExpander } from "./subjects/vendor-drop";

function expanderOf(subject: Subject): Expander {
    switch (subject.kind) {
        case "link":
            return new LinkExpander(subject.facts);
        case "vendorDrop":
            return new VendorDropExpander(subject.facts);
        case "serviceDestination":
            return new ServiceDestinationExpander(subject.facts);
        case "logBucket":
            return new LogBucketExpander(subject.facts);
    }
}

/** The context keys AWS sets on a request over a transport. `s3:TlsVersion` exists only on S3 requests over TLS. */
export function transportContext(action: string, transport: Transport): Record<string, string> {
    const tls = transport === "http" ? undefined : transport.slice("tls".length);
    return {
        "aws:SecureTransport": tls ? "true" : "false",
        ...(tls && action.startsWith("s3:") ? { "s3:TlsVersion": tls } : {}),
    };
}

/** The requests of the templates about one subject. */
export function expandSubject(matrix: ExpectedMatrix, subject: Subject): AccessRequest[] {
    const expander = expanderOf(subject);
    const requests: AccessRequest[] = [];
    for (const t of matrix.templates) {
        if (!expander.covers(t.scope)) continue;
        for (const form of t.forms) {
            for (const vars of expander.variants(t, form)) {
                const fill = (s: string) => fillAll(s, { ...matrix.files, ...vars });
                const expected = expander.expected(t, form);
                const extra = Object.fromEntries(Object.entries(t.context ?? {}).map(([key, value]) => [key, fill(value)]));
                for (const p of form.principals) {
                    const principalSpec = fill(p.text);
                    const principals = expander.principals(p.selector, vars);
                    for (const principal of typeof principals === "string" ? [principals] : principals) {
                        for (const action of t.actions) {
                            for (const r of form.resources) {
                                const resourceSpec = fill(r.text);
                                const resources = expander.resources(r.selector, action, fill);
                                for (const transport of t.transports) {
                                    const base = {
                                        kind: t.kind,
                                        template: t.id,
                                        link: expander.name,
                                        scope: expander.kind,
                                        principalSpec,
                                        resourceSpec,
                                        action,
                                        transport,
                                        expected,
                                        ...(t.context ? { requestKeys: extra } : {}),
                                    };
                                    const context = { ...transportContext(action, transport), ...extra };
                                    if (typeof principal === "string" || typeof resources === "string") {
                                        requests.push({ ...base, context, notEvaluable: typeof principal === "string" ? principal : (resources as string) });
                                        continue;
                                    }
                                    for (const resource of resources) {
                                        let why = expander.pending(principal, resource);
                                        const kms: Record<string, string> = {};
                                        if (action.startsWith("kms:") && principal.accountId && principal.role !== "service") kms["kms:CallerAccount"] = principal.accountId;
                                        if (form.via) {
                                            const via = expander.kmsVia(form.via.selector, resource, fill);
                                            if (typeof via === "string") why ??= via;
                                            else Object.assign(kms, via);
                                        }
                                        requests.push({
                                            ...base,
                                            principal,
                                            resource,
                                            context: { ...principal.context, ...context, ...kms },
                                            ...(why ? { notEvaluable: why } : {}),
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return requests;
}

/** The requests of the link templates for one link. */
export function expandMatrix(matrix: ExpectedMatrix, link: LinkFacts): AccessRequest[] {
    return expandSubject(matrix, { kind: "link", facts: link });
}
