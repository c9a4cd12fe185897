/**
 * Resolves what each counterpart has handed over: from its stack (a
 * StackReference to a stack of this program) or from plain config. All of it
 * is read and checked before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { CounterpartEndpoints } from "../infra/components/counterpart-link";
import { CounterpartSpec } from "../infra/components/exchange-side";
import { ConfigError, ConfigProblem } from "../infra/config/errors";
import { configKey, COUNTERPARTS_KEY } from "../infra/config/keys";
import { parseKmsKeyArn, qualifiedStackName } from "../infra/config/rules";
import { ArrivingEndpoints, Destination, DESTINATION_FIELDS, destinationFingerprint, endpointProblems } from "../infra/contract/endpoints";
import { LinkOutputsSchema, OutputProblem, parseOutputs, PEER_OUTPUTS, StackOutputsSchema } from "../infra/contract/outputs";
import { CounterpartConfig, CounterpartSource, sameAccountWarnings, SideConfig } from "../infra/config/schema";
import { parseFingerprint } from "../infra/handoff/fingerprint";

export interface ResolvedCounterpart {
    spec: CounterpartSpec;
    /** The counterpart's region, when known. */
    region?: string;
    /** What is still missing, and what to run to complete it. Empty when the link is complete. */
    pending: string[];
    /** How the counterpart's details reach us. */
    via: CounterpartSource["kind"];
    /** Warnings that do not stop the update, e.g. a destination changed since the accepted hand-over. */
    warnings: string[];
}

/** What the hand-over says, before we note how it arrived. */
type Resolution = Omit<ResolvedCounterpart, "via" | "warnings">;

/** The outputs of a counterpart's stack, as its StackReference reads them: unchecked until parsed with the contract. */
type PeerStackOutputs = Partial<Record<(typeof PEER_OUTPUTS)[number], unknown>>;

async function readStackOutputs(ref: pulumi.StackReference): Promise<PeerStackOutputs> {
    const details = await Promise.all(PEER_OUTPUTS.map((n) => ref.getOutputDetails(n)));
    return Object.fromEntries(PEER_OUTPUTS.map((n, i) => [n, details[i].value ?? details[i].secretValue]));
}

/** What this side reads of the counterpart's stack; the rest of its outputs may be of an older or newer program. */
const PeerSchema = StackOutputsSchema.pick({ side: true, partyName: true, accountId: true, region: true });
/** The fields of the counterpart's link to us that this side uses (an older stack may lack the others). */
const PeerLinkSchema = LinkOutputsSchema.pick({
    state: true,
    root: true,
    region: true,
    ingressBucketArn: true,
    replicationRoleArn: true,
    ingressKmsKeyArn: true,
    deleteMarkerReplication: true,
})
    // A stack of a program older than counterpart states has every link active.
    .partial({ state: true });

function specFor(counterpart: CounterpartConfig, endpoints: CounterpartEndpoints): CounterpartSpec {
    const { source: _source, configKey: _configKey, acceptedHandover: _accepted, ...named } = counterpart;
    return { ...named, endpoints };
}

/** A hand-over written in config: parseSideConfig has checked it with the endpoint rules (infra/contract/endpoints.ts). */
function fromHandover(counterpart: CounterpartConfig): Resolution {
    if (counterpart.source.kind !== "handover") throw new Error("not a handover");
    const { accountId, region, ingressBucketArn, replicationRoleArn, ingressKmsKeyArn, replicatesDeleteMarkers } = counterpart.source;
    const set = (field: string) => `pulumi config set --path '${counterpart.configKey}.${field}' <${field === "region" ? "region" : "arn"}>`;
    const keyArn = ingressKmsKeyArn ? parseKmsKeyArn(ingressKmsKeyArn) : undefined;
    // The key's ARN names the destination region for certain; the hand-over's region field is the fallback.
    const ingressRegion = keyArn && typeof keyArn !== "string" ? keyArn.region : region;
    const endpoints: CounterpartEndpoints = {
        accountId,
        ingressBucketArn,
        ingressRegion,
        ingressKmsKeyArn,
        replicationRoleArn,
        replicatesDeleteMarkers,
    };
    const pending: string[] = [];
    // With SSE-KMS here, the key comes with the bucket (the endpoint rules refuse one without the other).
    if (!ingressBucketArn) {
        pending.push(`replication to ${counterpart.name} waits for their ingress bucket ARN: ${set("ingressBucketArn")}`);
    }
    if (!replicationRoleArn) {
        pending.push(`${counterpart.name} cannot replicate into ${counterpart.ingressBucketName} until their role ARN is set: ${set("replicationRoleArn")}`);
    }
    return { spec: specFor(counterpart, endpoints), region: ingressRegion, pending };
}

/**
 * Where a referenced stack's config is, for fixes: its `Pulumi.<stack>.yaml`
 * when it is a stack of this project planned from this repository, else its
 * config wherever its owner keeps it.
 */
function configOf(stack: string): string {
    const [project, name] = stack.split("/").slice(-2);
    const file = `Pulumi.${name}.yaml`;
    return project === pulumi.getProject() && fs.existsSync(path.join(process.cwd(), file)) ? file : `the config of ${stack}`;
}

/**
 * Checks the outputs of the counterpart's stack. Absent outputs mean the other
 * side has not deployed yet (pending); outputs that are present but wrong are
 * config errors, reported against the stack reference's key and naming that
 * stack, with a fix in that stack's config.
 */
function fromStackOutputs(counterpart: CounterpartConfig, own: SideConfig, stack: string, outputs: PeerStackOutputs, problems: ConfigProblem[]): Resolution {
    const key = `${counterpart.configKey}.stack`;
    const waiting = (what: string): Resolution => ({
        spec: specFor(counterpart, { accountId: typeof outputs.accountId === "string" ? outputs.accountId : "", replicatesDeleteMarkers: false }),
        pending: [`${what}; after that, run \`pulumi up\` on this stack again to start replication and admit their role`],
    });
    if (outputs.side === undefined && outputs.links === undefined) {
        // The engine reads a stack created with `pulumi stack init` but never deployed as empty outputs.
        return waiting(`stack ${stack} exists but has no outputs yet (never deployed): run \`pulumi up\` on ${stack}`);
    }
    const theirConfig = configOf(stack);
    const redeploy = `correct it in ${theirConfig} and run \`pulumi up\` on ${stack}`;
    const fail = (message: string, fix: string): Resolution => {
        problems.push({ key, problem: `stack ${stack} ${message}`, fix });
        return waiting("invalid");
    };
    const failParse = (parse: { problems: OutputProblem[] }, prefix = ""): Resolution => {
        for (const p of parse.problems) problems.push({ key, problem: `stack ${stack}, output ${prefix}${p.output}: ${p.problem}`, fix: redeploy });
        return waiting("invalid");
    };
    const peer = parseOutputs(PeerSchema, outputs);
    if (peer.problems) return failParse(peer);
    const expectedSide = own.side === "publisher" ? "partner" : "publisher";
    if (peer.outputs.side !== expectedSide)
        return fail(`is a ${peer.outputs.side} stack; a ${own.side} exchanges with a ${expectedSide}`, `point ${key} at ${counterpart.name}'s ${expectedSide} stack`);
    if (peer.outputs.partyName !== counterpart.name)
        return fail(
            `belongs to "${peer.outputs.partyName}", not to "${counterpart.name}"`,
            `set ${counterpart.configKey}.name to "${peer.outputs.partyName}" or point ${key} at ${counterpart.name}'s stack`,
        );

    const links = outputs.links ?? {};
    if (links === null || typeof links !== "object" || Array.isArray(links))
        return failParse({ problems: [{ output: "links", problem: `must be an object, got ${JSON.stringify(links)}` }] });
    const raw = (links as Record<string, unknown>)[own.name];
    if (raw === undefined) {
        return waiting(
            `stack ${stack} does not list "${own.name}" yet: add it to ${COUNTERPARTS_KEY[own.side === "publisher" ? "partner" : "publisher"]} there and run \`pulumi up\` on ${stack}`,
        );
    }
    const parsedLink = parseOutputs(PeerLinkSchema, raw);
    if (parsedLink.problems) return failParse(parsedLink, `links.${own.name}.`);
    const link = parsedLink.outputs;
    if (link.root !== counterpart.root) {
        return fail(
            `exchanges files under root "${link.root}" but this stack uses "${counterpart.root}"`,
            `agree on one root: pulumi config set --path '${counterpart.configKey}.root' ${link.root}   (or change it there)`,
        );
    }
    // A deployed stack exports a link's ingress key exactly when the link's buckets are SSE-KMS.
    const theirEncryption = link.ingressKmsKeyArn ? "SSE-KMS" : "SSE-S3";
    const arriving: ArrivingEndpoints = {
        accountId: peer.outputs.accountId,
        region: link.region,
        ingressBucketArn: link.ingressBucketArn,
        replicationRoleArn: link.replicationRoleArn,
        ingressKmsKeyArn: link.ingressKmsKeyArn,
        encryption: theirEncryption,
    };
    // Outputs of a referenced stack are a deployment's, or in an offline plan that stack's plan: its keys' stand-ins are allowed.
    const found = endpointProblems(arriving, { accountId: own.accountId, partition: own.partition, encryption: counterpart.encryption }, { standIns: "allow" });
    if (found.length) {
        for (const { field, rule, problem } of found) {
            const output = field === "accountId" ? "accountId" : field === "encryption" ? `links.${own.name} (the encryption of its ingress bucket)` : `links.${own.name}.${field}`;
            const fix =
                rule === "encryption"
                    ? `agree on one encryption for this link: pulumi config set --path '${counterpart.configKey}.encryption' ${theirEncryption} here (this link alone), or make their link to ${own.name} ${counterpart.encryption} in ${theirConfig} (its entry's encryption, or ${configKey("encryption")}) and run \`pulumi up\` on ${stack}`
                    : rule === "own-account"
                      ? `deploy ${stack} to ${counterpart.name}'s own account`
                      : redeploy;
            problems.push({ key, problem: `stack ${stack}, output ${output}: ${problem}`, fix });
        }
        return waiting("invalid");
    }

    return {
        spec: specFor(counterpart, {
            accountId: peer.outputs.accountId,
            ingressBucketArn: link.ingressBucketArn,
            ingressRegion: link.region,
            ingressKmsKeyArn: link.ingressKmsKeyArn,
            replicationRoleArn: link.replicationRoleArn,
            replicatesDeleteMarkers: link.deleteMarkerReplication,
            ...(link.state ? { theirState: link.state } : {}),
        }),
        region: link.region,
        pending: [],
    };
}

/**
 * The counterpart is offboarding (or has retired) its link to us: its ingress
 * no longer admits our role, so our replication to it would only fail and
 * raise alarms. The link stops replicating and admitting them at this `up`
 * (CounterpartLink reads `theirState`); the plan says so and what records it here.
 */
function theirOffboardingWarnings(counterpart: CounterpartConfig, endpoints: CounterpartEndpoints, via: string): string[] {
    const theirs = endpoints.theirState;
    if (!theirs || theirs === "active" || counterpart.state !== "active") return [];
    return [
        `${counterpart.name} has set this link ${theirs} on its side (${via}): its ingress no longer admits our replication, so this update stops replicating to ${counterpart.name} (rule, role permissions, alarm and notification removed) and no longer admits its role; our buckets keep every protection. To record it here: pulumi config set --path '${counterpart.configKey}.state' offboarding`,
    ];
}

/**
 * Where a counterpart's files go and whose role we admit (account, region,
 * ingress bucket, role, key) must be what was accepted with its last verified
 * hand-over: an entry changed since (by hand, `pulumi config set`, or a
 * referenced stack) stops the update, naming each changed field with its
 * accepted and current value, and the way to accept a new hand-over. Nothing
 * of the link is planned until the entry and its accepted hand-over agree.
 */
function destinationProblems(counterpart: CounterpartConfig, endpoints: CounterpartEndpoints, stack: string): ConfigProblem[] {
    const accepted = counterpart.acceptedHandover;
    if (!accepted) return [];
    const now: Destination = {
        accountId: endpoints.accountId,
        region: endpoints.ingressRegion,
        ingressBucketArn: endpoints.ingressBucketArn,
        replicationRoleArn: endpoints.replicationRoleArn,
        ingressKmsKeyArn: endpoints.ingressKmsKeyArn,
    };
    const vouched = parseFingerprintOrSelf(accepted.destination);
    const acceptKey = `${counterpart.configKey}.acceptedHandover`;
    const accept = (flags: string) => `npm run accept-handoff -- --stack ${stack} --file <their-handover.json> --fingerprint <the fingerprint they read you> ${flags}`;
    const acceptNew = `if ${counterpart.name} confirmed the change over a second channel (a call to a number you already had), accept their new hand-over: ${accept("--confirm-change --write")}`;
    // Our hand-over names the entry as its receiver (`to.party`), and theirs refuses one for any name but its own.
    const renamed: ConfigProblem[] =
        accepted.party !== undefined && accepted.party !== counterpart.name
            ? [
                  {
                      key: `${counterpart.configKey}.name`,
                      problem: `is ${counterpart.name}, but the hand-over accepted with fingerprint ${accepted.fingerprint} came from ${accepted.party} (${acceptKey}.party): renamed since, so ${accepted.party}'s accept-handoff would refuse our hand-over (it is for ${accepted.party} only) and every bucket name derived from it would change`,
                      fix: `restore it: pulumi config set --path '${counterpart.configKey}.name' ${accepted.party}; if ${accepted.party} renamed itself, accept its new hand-over: ${accept("--write")}`,
                  },
              ]
            : [];
    if (destinationFingerprint(now) === vouched) return renamed;
    // The accepted values name the changed fields only while the accepted fingerprint vouches for them.
    const values = accepted.values && destinationFingerprint(accepted.values) === vouched ? accepted.values : undefined;
    if (!values) {
        const shown = DESTINATION_FIELDS.map((f) => `${f}=${now[f] ?? "(none)"}`).join(", ");
        return [
            ...renamed,
            {
                key: acceptKey,
                problem: `${counterpart.name}'s destination is no longer the one accepted with hand-over ${accepted.fingerprint}: it is now ${shown}${accepted.values ? `, and ${acceptKey}.values was changed too` : " (this entry records only the accepted destination's fingerprint, not which field changed)"}`,
                fix: `${acceptNew}; otherwise restore the values you accepted`,
            },
        ];
    }
    return [
        ...renamed,
        ...DESTINATION_FIELDS.filter((f) => (now[f] ?? undefined) !== (values[f] ?? undefined)).map((f) => ({
            key: `${counterpart.configKey}.${f}`,
            problem: `is ${now[f] ?? "(none)"}, but the hand-over accepted with fingerprint ${accepted.fingerprint} says ${values[f] ?? "(none)"} (${acceptKey}): changed since, without a verified hand-over, so ${f === "replicationRoleArn" ? "a role nobody confirmed would be admitted to our ingress" : "files could go where nobody confirmed"}`,
            fix:
                values[f] === undefined
                    ? `${acceptNew}; otherwise remove it again: pulumi config rm --path '${counterpart.configKey}.${f}'`
                    : `${acceptNew}; otherwise restore it: pulumi config set --path '${counterpart.configKey}.${f}' ${values[f]}`,
        })),
    ];
}

function parseFingerprintOrSelf(text: string): string {
    const parsed = parseFingerprint(text);
    return "fingerprint" in parsed ? parsed.fingerprint : text;
}

/** Reads every counterpart's hand-over; throws a ConfigError naming the keys when any is wrong. */
export async function resolveCounterparts(config: SideConfig): Promise<ResolvedCounterpart[]> {
    const problems: ConfigProblem[] = [];
    const resolved = await Promise.all(
        config.counterparts.map(async (counterpart): Promise<ResolvedCounterpart> => {
            const via = counterpart.source.kind;
            let resolution: Resolution;
            if (counterpart.source.kind === "handover") {
                resolution = fromHandover(counterpart);
            } else {
                // A bare stack name is one of this project in the deploying backend's own organization.
                const stack = qualifiedStackName(counterpart.source.stack, pulumi.getOrganization(), pulumi.getProject());
                resolution = fromStackOutputs(counterpart, config, stack, await readStackOutputs(new pulumi.StackReference(stack, { name: stack })), problems);
            }
            problems.push(...destinationProblems(counterpart, resolution.spec.endpoints, pulumi.getStack()));
            const theirSide = counterpart.source.kind === "stack" ? `stack ${counterpart.source.stack}` : "its accepted hand-over";
            return { ...resolution, via, warnings: theirOffboardingWarnings(counterpart, resolution.spec.endpoints, theirSide) };
        }),
    );
    if (problems.length) throw new ConfigError(problems);
    const shared = sameAccountWarnings(resolved.map((r, i) => ({ name: r.spec.name, configKey: config.counterparts[i].configKey, accountId: r.spec.endpoints.accountId })));
    return resolved.map((r, i) => (shared.has(config.counterparts[i].configKey) ? { ...r, warnings: [...r.warnings, shared.get(config.counterparts[i].configKey)!] } : r));
}
