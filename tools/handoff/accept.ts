/**
 * Accepts a counterpart's hand-over file into a stack's config: checks its
 * fingerprint against the one read over a second channel, validates it with the
 * published schema and with the config rules, refuses an unconfirmed change of
 * destination, and rewrites `Pulumi.<stack>.yaml` keeping its comments and order.
 */
import { createTwoFilesPatch } from "diff";
import * as fs from "fs";
import { Document, isMap, isSeq, YAMLMap, YAMLSeq } from "yaml";
import { ConfigProblem, isConfigError } from "../../infra/config/errors";
import { fixInFile } from "../../infra/config/keys";
import { partitionOf, rootPrefixProblem } from "../../infra/config/rules";
import { COUNTERPARTS_KEY, OwnSideConfig, parseOwnSide, parseSideConfig } from "../../infra/config/schema";
import { loadStackFile, StackFile } from "../../infra/config/stack-file";
import { standInProblem } from "../../infra/contract/assigned";
import { ArrivingEndpoints, DESTINATION_FIELDS, destinationFingerprint, EndpointField, endpointProblems } from "../../infra/contract/endpoints";
import { HandoverDocument } from "../../infra/handoff/document";
import { fingerprintOf, parseFingerprint } from "../../infra/handoff/fingerprint";
import { handoverSchemaProblems } from "../../infra/handoff/schema";
import { isInputError, readInputFile } from "../../infra/input/file";
import { parseJsonInput } from "../../infra/input/json";
import { capList, elide } from "../../infra/input/messages";

/** One reason to refuse, naming the file and key, and the fix. */
export interface AcceptProblem {
    key: string;
    problem: string;
    fix: string;
}

/** Refusal: the CLI prints it and exits 2. Nothing has been written. */
export class HandoverRefused extends Error {
    constructor(
        readonly problems: AcceptProblem[],
        readonly heading = "Hand-over refused",
    ) {
        const lines = capList(problems, (p) => `  - ${elide(p.key)}: ${p.problem}\n    fix: ${p.fix}`);
        super(`${heading} (${problems.length.toLocaleString("en-US")} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
        this.name = "HandoverRefused";
    }
}

export interface AcceptOptions {
    /** The stack config file to update. */
    configFile: string;
    /** The stack's name (for messages and the config rules). */
    stack: string;
    handoverFile: string;
    /** The fingerprint as the operator heard and typed it. */
    fingerprint: string;
    write: boolean;
    confirmChange: boolean;
}

export interface DestinationChange {
    field: (typeof DESTINATION_FIELDS)[number];
    old: string;
    new: string;
}

export interface AcceptResult {
    /** The counterpart entry's config key, e.g. `s3-transfer:publishers[0]`. */
    entryKey: string;
    newEntry: boolean;
    changes: DestinationChange[];
    /** Unified diff of the config file; empty when nothing changes. */
    diff: string;
    before: string;
    after: string;
    written: boolean;
    fingerprint: string;
    /** The sender, and what it says it still needs from us. */
    sender: string;
    /** The link's encryption, as the hand-over (checked equal to ours) says. */
    encryption: HandoverDocument["link"]["encryption"];
    needsBack: string[];
}

const refuse = (key: string, problem: string, fix: string): never => {
    throw new HandoverRefused([{ key, problem, fix }]);
};

/**
 * The stack file, read and checked as every tool reads one (infra/config/stack-file.ts: the
 * file, line, key and fix of a bad file), with its YAML document for rewriting in place.
 */
export function readStackFile(file: string): { stackFile: StackFile; doc: Document.Parsed } {
    try {
        const stackFile = loadStackFile(file);
        return { stackFile, doc: stackFile.doc };
    } catch (err) {
        throw refusedByConfig(err, file);
    }
}

/**
 * A hand-over file's value, read as outside input (infra/input: a regular file of at most
 * 1 MiB, UTF-8, I-JSON: no duplicate names, no number beyond double precision, no deep
 * nesting), so that its canonical form, and so its fingerprint, is defined.
 */
export function readHandover(file: string): unknown {
    const resend = "do not use it; ask the sender for the file `npm run handoff -- --format json` wrote, unchanged, and its fingerprint over a call";
    try {
        return parseJsonInput(readInputFile(file, "hand-over", "check the path given to --file"), { file, kind: "hand-over", fix: resend });
    } catch (err) {
        if (!isInputError(err)) throw err;
        throw new HandoverRefused([{ key: err.at ? pointerKey(file, err.at) : file, problem: err.problem, fix: err.fix }]);
    }
}

const pointerKey = (file: string, pointer: string) => `${file}#${pointer || "/"}`;

/** The hand-over's values as a counterpart entry of our config. */
function entryValues(handover: HandoverDocument): Omit<ArrivingEndpoints, "encryption"> & { replicatesDeleteMarkers: boolean } {
    return {
        accountId: handover.from.accountId,
        region: handover.from.region,
        ingressBucketArn: handover.link.ingressBucketArn,
        replicationRoleArn: handover.link.replicationRoleArn,
        ingressKmsKeyArn: handover.link.ingressKmsKeyArn,
        replicatesDeleteMarkers: handover.link.deleteMarkerReplication,
    };
}

/** The destination as accepted, recorded beside its fingerprint so that a later change names its field. */
function acceptedValues(values: ReturnType<typeof entryValues>): Record<string, string> {
    return Object.fromEntries(DESTINATION_FIELDS.flatMap((field) => (values[field] ? [[field, values[field]!]] : [])));
}

/** Where each hand-over field lives in the file, for messages. */
const FIELD_POINTERS: Record<EndpointField, string> = {
    accountId: "/from/accountId",
    region: "/from/region",
    ingressBucketArn: "/link/ingressBucketArn",
    replicationRoleArn: "/link/replicationRoleArn",
    ingressKmsKeyArn: "/link/ingressKmsKeyArn",
    encryption: "/link/encryption",
};

/** This side as its config says, by the config model's own rules (old-namespace keys, defaults, values). */
function ownSide(raw: Record<string, string>, stack: string, file: string): OwnSideConfig {
    try {
        return parseOwnSide(raw, stack, file);
    } catch (err) {
        throw refusedByConfig(err, file, "Hand-over refused: fix this stack's config first");
    }
}

/** A config problem as a refusal's problem, keyed by the file (and line) it is in. */
const inConfigFile = (p: ConfigProblem, file: string): AcceptProblem => ({ key: `${p.file ?? file}${p.line ? `:${p.line}` : ""}: ${p.key}`, problem: p.problem, fix: p.fix });

/** What the receiver asks of a sender whose hand-over carries a wrong value. */
const RESEND = "ask the sender to check it and send a new hand-over (and read its new fingerprint)";

/** A config error as a refusal, each problem keyed by the file (and line) it is in; any other error as it is. */
function refusedByConfig(err: unknown, file: string, heading?: string): unknown {
    if (!isConfigError(err)) return err;
    return new HandoverRefused(
        err.problems.map((p) => inConfigFile(p, file)),
        heading,
    );
}

/** The hand-over field each field of a counterpart entry is written from. */
const ENTRY_FIELD_POINTERS: Record<string, string> = {
    ...FIELD_POINTERS,
    name: "/from/party",
    root: "/link/root",
    replicatesDeleteMarkers: "/link/deleteMarkerReplication",
};

/**
 * A refusal of the config a hand-over implies: each problem of a field the
 * hand-over wrote (`written`) is blamed on that field of the hand-over
 * (`/link/root`), whose sender must fix it; the rest on the receiver's config.
 */
function refusedImpliedConfig(err: unknown, where: { file: string; configFile: string; entryKey: string; written: string[] }): unknown {
    if (!isConfigError(err)) return err;
    const problems = err.problems.map((p): AcceptProblem => {
        const field = p.key.startsWith(`${where.entryKey}.`) ? p.key.slice(where.entryKey.length + 1) : undefined;
        const pointer = field !== undefined && where.written.includes(field) ? ENTRY_FIELD_POINTERS[field] : undefined;
        return pointer ? { key: pointerKey(where.file, pointer), problem: p.problem, fix: RESEND } : inConfigFile(p, where.configFile);
    });
    return new HandoverRefused(problems, "Hand-over refused: the config it implies is invalid");
}

/**
 * The hand-over's own consistency and its fit with our side, with the config
 * rules' checks of identifiers. `link` is our existing entry for the sender,
 * whose encryption (its own, or the stack's) the hand-over must match; a new
 * entry takes the hand-over's.
 */
function checkAgainstOwn(
    handover: HandoverDocument,
    own: OwnSideConfig,
    link: { key: string; encryption: OwnSideConfig["encryption"] } | undefined,
    file: string,
    configFile: string,
): AcceptProblem[] {
    const problems: AcceptProblem[] = [];
    const at = (pointer: string, problem: string, fix: string) => problems.push({ key: pointerKey(file, pointer), problem, fix });
    const otherSide = own.side === "publisher" ? "partner" : "publisher";
    if (handover.to.party !== own.name)
        at(
            "/to/party",
            `is for "${handover.to.party}", but this stack is "${own.name}" (s3-transfer:name in ${configFile})`,
            "accept it into the stack of the party it is addressed to, or ask the sender to address it to you",
        );
    if (handover.from.side !== otherSide) at("/from/side", `is "${handover.from.side}"; a ${own.side} exchanges with a ${otherSide}`, RESEND);
    if (handover.from.party === own.name) at("/from/party", `names this side itself ("${own.name}")`, RESEND);
    // The sender's root must be one the config rules accept before it is compared with ours or offered as a fix.
    const rootProblem = rootPrefixProblem(handover.link.root);
    if (rootProblem) at("/link/root", rootProblem, RESEND);
    const partition = partitionOf(own.region);
    if (handover.from.partition !== partition)
        at("/from/partition", `is ${handover.from.partition}, but this stack's region ${own.region} is in ${partition}; replication cannot cross partitions`, RESEND);
    // The sender's egress key is informational, but a stand-in there too says the file came from an offline plan.
    const egressKey = handover.link.egressKmsKeyArn;
    const egressStandIn = egressKey !== undefined ? standInProblem(egressKey, handover.from.stack) : undefined;
    if (egressStandIn) at("/link/egressKmsKeyArn", egressStandIn, standInFix(handover));
    for (const { field, rule, problem } of endpointProblems(
        { ...entryValues(handover), encryption: handover.link.encryption },
        { accountId: own.accountId, partition, encryption: link?.encryption ?? handover.link.encryption },
    )) {
        if (field === "encryption") {
            at(
                FIELD_POINTERS.encryption,
                `${problem} (${link!.key}.encryption, or s3-transfer:encryption, in ${configFile})`,
                `agree on one encryption for this link with ${handover.from.party}: pulumi config set --path '${link!.key}.encryption' ${handover.link.encryption} (this link alone), then accept again; or ask them to use ${link!.encryption}`,
            );
        } else {
            at(FIELD_POINTERS[field], problem, rule === "stand-in" ? standInFix(handover) : RESEND);
        }
    }
    return problems;
}

/** What the sender does about a hand-over written before its keys existed. */
function standInFix(handover: HandoverDocument): string {
    const stack = handover.from.stack ? `--stack ${handover.from.stack} ` : "";
    return `ask ${handover.from.party} to run pulumi up, then send the hand-over of the deployed stack (npm run handoff -- ${stack}--counterpart ${handover.to.party} --format json --deployed) and read you its new fingerprint`;
}

/** The counterpart list's key as the file writes it: with the namespace, or bare (Pulumi reads a bare key as the project's). */
function writtenKey(doc: Document, key: string): string {
    const bare = key.slice(key.indexOf(":") + 1);
    return doc.hasIn(["config", key]) || !doc.hasIn(["config", bare]) ? key : bare;
}

function listNode(doc: Document, listKey: string): YAMLSeq | undefined {
    const node = doc.getIn(["config", writtenKey(doc, listKey)], true);
    if (node === undefined) return undefined;
    if (!isSeq(node)) return refuse(listKey, "is not a list", `edit the stack file so that ${listKey} is a list`);
    return node;
}

const text = (node: YAMLMap, field: string): string | undefined => {
    const value = node.get(field);
    return value === undefined || value === null ? undefined : String(value);
};

/** Checks and, with `write`, applies a hand-over. Throws HandoverRefused on any problem, before writing. */
export function acceptHandover(options: AcceptOptions): AcceptResult {
    const { configFile, handoverFile: file } = options;
    const heard = parseFingerprint(options.fingerprint);
    if ("problem" in heard)
        refuse("--fingerprint", heard.problem, "type the fingerprint the sender read to you (groups of four hex digits; spaces, hyphens and case do not matter)");
    const { stackFile, doc } = readStackFile(configFile);
    const raw = stackFile.config;
    const value = readHandover(file);

    // The fingerprint first: a file that is not the one the sender vouched for is not read further.
    const actual = fingerprintOf(value);
    const expected = (heard as { fingerprint: string }).fingerprint;
    if (actual !== expected) {
        // The file's own fingerprint is not shown: it must come from the sender, never be copied from here.
        refuse(
            file,
            `does not have the fingerprint ${expected} read to you: it is not the file the sender vouched for (changed on the way, or another file)`,
            "do not use it; ask the sender to send the hand-over again and read its fingerprint to you over a call (not by the channel the file came by)",
        );
    }
    const schemaProblems = handoverSchemaProblems(value);
    if (schemaProblems.length) {
        throw new HandoverRefused(
            schemaProblems.map((p) => ({
                key: pointerKey(file, p.pointer),
                problem: p.problem,
                fix: "ask the sender for a hand-over that follows docs/handover.schema.json (npm run handoff -- --format json writes one)",
            })),
            "Hand-over refused: it does not follow the published schema",
        );
    }
    const handover = value as HandoverDocument;
    const own = ownSide(raw, options.stack, configFile);
    const listKey = COUNTERPARTS_KEY[own.side];
    const seq = listNode(doc, listKey);
    const index = seq ? seq.items.findIndex((item) => isMap(item) && item.get("name") === handover.from.party) : -1;
    const entryKey = `${listKey}[${index < 0 ? (seq?.items.length ?? 0) : index}]`;
    const existing = index >= 0 ? (seq!.items[index] as YAMLMap) : undefined;
    // The entry's encryption as config reads it; a wrong value is the config's own problem, reported below.
    const entryEncryption = existing ? text(existing, "encryption") : undefined;
    const link = existing ? { key: entryKey, encryption: entryEncryption === "SSE-S3" || entryEncryption === "SSE-KMS" ? entryEncryption : own.encryption } : undefined;
    const ownProblems = checkAgainstOwn(handover, own, link, file, configFile);
    if (ownProblems.length) throw new HandoverRefused(ownProblems.map((p) => ({ ...p, fix: fixInFile(p.fix, configFile, options.stack) })));
    const publisherName = own.side === "publisher" ? own.name : handover.from.party;
    const values = entryValues(handover);

    if (existing) {
        if (existing.get("stack") !== undefined) {
            refuse(
                `${configFile}: ${entryKey}.stack`,
                `is set: ${handover.from.party}'s values come by stack reference, which a hand-over does not replace silently`,
                `if ${handover.from.party} no longer shares your Pulumi backend, remove the reference (pulumi config rm --path '${entryKey}.stack') and accept again`,
            );
        }
        const root = text(existing, "root") ?? publisherName;
        if (root !== handover.link.root) {
            refuse(
                pointerKey(file, "/link/root"),
                `is "${handover.link.root}", but this stack exchanges with ${handover.from.party} under "${root}" (${entryKey}.root)`,
                `agree on one root with ${handover.from.party}; to take theirs: pulumi config set --path '${entryKey}.root' ${handover.link.root}`,
            );
        }
    }

    // A sender ending the link: our side stops replicating to it (our entry goes offboarding); nothing new starts from it.
    const ending = handover.link.state !== undefined && handover.link.state !== "active";
    if (ending && !existing) {
        refuse(
            pointerKey(file, "/link/state"),
            `is "${handover.link.state}": ${handover.from.party} is ending a link that ${configFile} does not have`,
            `nothing to accept; if ${handover.from.party} meant to start a link, ask for a hand-over of an active one`,
        );
    }
    const ownState = existing ? (text(existing, "state") ?? "active") : "active";

    const changes: DestinationChange[] = existing
        ? DESTINATION_FIELDS.flatMap((field) => {
              const old = text(existing, field);
              const next = values[field];
              return old !== undefined && old !== next ? [{ field, old, new: next ?? "(none)" }] : [];
          })
        : [];
    if (changes.length && !options.confirmChange) {
        throw new HandoverRefused(
            changes.map((c) => ({
                key: `${configFile}: ${entryKey}.${c.field}`,
                problem: `would change from ${c.old} to ${c.new}`,
                fix: `confirm the change with ${handover.from.party} over a second channel (a call to a number you already had, not one from the message), then re-run with --confirm-change`,
            })),
            `Hand-over refused: it changes where files for ${handover.from.party} go or whom we admit`,
        );
    }

    const before = doc.toString();
    const entry: Record<string, unknown> = {
        accountId: values.accountId,
        region: values.region,
        ingressBucketArn: values.ingressBucketArn,
        replicationRoleArn: values.replicationRoleArn,
        ingressKmsKeyArn: values.ingressKmsKeyArn,
        replicatesDeleteMarkers: values.replicatesDeleteMarkers || undefined,
        acceptedHandover: { fingerprint: actual, destination: destinationFingerprint(values), values: acceptedValues(values), party: handover.from.party },
        ...(ending && ownState === "active" ? { state: "offboarding" } : {}),
    };
    if (existing) {
        for (const [field, fieldValue] of Object.entries(entry)) {
            if (fieldValue === undefined) existing.delete(field);
            else existing.set(field, doc.createNode(fieldValue));
        }
    } else {
        const created = {
            name: handover.from.party,
            ...(handover.link.root !== publisherName ? { root: handover.link.root } : {}),
            // A new link takes the sender's encryption; the stack's default stays for the others.
            ...(handover.link.encryption !== own.encryption ? { encryption: handover.link.encryption } : {}),
            ...Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)),
        };
        if (seq) seq.add(doc.createNode(created));
        else doc.setIn(["config", writtenKey(doc, listKey)], doc.createNode([created]));
    }
    const after = doc.toString();

    // The config the hand-over implies must pass the same rules as any config.
    try {
        // Only the counterpart list changed: the rest is the config as loadStackFile read it.
        const entries = (doc.toJS() as { config: Record<string, unknown> }).config[writtenKey(doc, listKey)];
        parseSideConfig({ ...raw, [listKey]: JSON.stringify(entries) }, options.stack, configFile);
    } catch (err) {
        throw refusedImpliedConfig(err, {
            file,
            configFile,
            entryKey,
            written: existing ? Object.keys(entry) : ["name", "root", ...Object.keys(entry)],
        });
    }

    const diff = before === after ? "" : createTwoFilesPatch(configFile, configFile, before, after, "now", "with the hand-over");
    if (options.write && diff) fs.writeFileSync(configFile, after);
    return {
        entryKey,
        newEntry: !existing,
        changes,
        diff,
        before,
        after,
        written: options.write && !!diff,
        fingerprint: actual,
        sender: handover.from.party,
        encryption: handover.link.encryption,
        needsBack: handover.needsBack,
    };
}
