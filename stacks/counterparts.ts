/**
 * Resolves what each counterpart has handed over: from its stack (a
 * StackReference to a stack of this program) or from plain config. All of it
 * is read and checked before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { CounterpartEndpoints } from "../infra/components/counterpart-link";
import { CounterpartSpec } from "../infra/components/exchange-side";
import { ConfigError, ConfigProblem } from "../infra/config/errors";
import { accountIdProblem, parseBucketArn, parseKmsKeyArn, parseRoleArn, qualifiedStackName, regionProblem } from "../infra/config/rules";
import { CounterpartConfig, CounterpartSource, SideConfig } from "../infra/config/schema";
import { Destination, DESTINATION_FIELDS, destinationFingerprint, parseFingerprint } from "../infra/handoff/fingerprint";

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

/** The stack outputs of the other side that this side reads (see stacks/index.ts). */
interface PeerStackOutputs {
    side?: unknown;
    partyName?: unknown;
    accountId?: unknown;
    region?: unknown;
    links?: unknown;
}

async function readStackOutputs(ref: pulumi.StackReference): Promise<PeerStackOutputs> {
    const names = ["side", "partyName", "accountId", "region", "links"] as const;
    const details = await Promise.all(names.map((n) => ref.getOutputDetails(n)));
    return Object.fromEntries(names.map((n, i) => [n, details[i].value ?? details[i].secretValue]));
}

function specFor(counterpart: CounterpartConfig, endpoints: CounterpartEndpoints): CounterpartSpec {
    const { source: _source, configKey: _configKey, acceptedHandover: _accepted, ...named } = counterpart;
    return { ...named, endpoints };
}

/** With SSE-KMS here, replicas need the counterpart's ingress key; say so rather than skip silently. */
function kmsPending(counterpart: CounterpartConfig, own: SideConfig, endpoints: CounterpartEndpoints, how: string): string[] {
    return own.encryption === "SSE-KMS" && endpoints.ingressBucketArn && !endpoints.ingressKmsKeyArn
        ? [`replication to ${counterpart.name} waits for the KMS key of their ingress bucket (transfer:encryption is SSE-KMS here): ${how}`]
        : [];
}

function fromHandover(counterpart: CounterpartConfig, own: SideConfig): Resolution {
    if (counterpart.source.kind !== "handover") throw new Error("not a handover");
    const { accountId, region, ingressBucketArn, replicationRoleArn, ingressKmsKeyArn, replicatesDeleteMarkers } = counterpart.source;
    const keyArn = ingressKmsKeyArn ? parseKmsKeyArn(ingressKmsKeyArn) : undefined;
    // The key's ARN names the destination region for certain; the hand-over's region field is the fallback.
    const ingressRegion = keyArn && typeof keyArn !== "string" ? keyArn.region : region;
    const endpoints: CounterpartEndpoints = { accountId, ingressBucketArn, ingressRegion, ingressKmsKeyArn, replicationRoleArn, ...(replicatesDeleteMarkers ? { replicatesDeleteMarkers } : {}) };
    const pending: string[] = kmsPending(counterpart, own, endpoints, `pulumi config set --path '${counterpart.configKey}.ingressKmsKeyArn' <arn>`);
    if (!ingressBucketArn) {
        pending.push(`replication to ${counterpart.name} waits for their ingress bucket ARN: pulumi config set --path '${counterpart.configKey}.ingressBucketArn' <arn>`);
    }
    if (!replicationRoleArn) {
        pending.push(`${counterpart.name} cannot replicate into ${counterpart.ingressBucketName} until their role ARN is set: pulumi config set --path '${counterpart.configKey}.replicationRoleArn' <arn>`);
    }
    return { spec: specFor(counterpart, endpoints), region: ingressRegion, pending };
}

/**
 * Checks the outputs of the counterpart's stack. Absent outputs mean the other
 * side has not deployed yet (pending); outputs that are present but wrong are
 * config errors, reported against the stack reference's key.
 */
function fromStackOutputs(counterpart: CounterpartConfig, own: SideConfig, stack: string, outputs: PeerStackOutputs, problems: ConfigProblem[]): Resolution {
    const key = `${counterpart.configKey}.stack`;
    const waiting = (what: string): Resolution => ({
        spec: specFor(counterpart, { accountId: typeof outputs.accountId === "string" ? outputs.accountId : "" }),
        pending: [`${what}; after that, run \`pulumi up\` on this stack again to start replication and admit their role`],
    });
    if (outputs.side === undefined && outputs.links === undefined) {
        // The engine reads a stack created with `pulumi stack init` but never deployed as empty outputs.
        return waiting(`stack ${stack} exists but has no outputs yet (never deployed): run \`pulumi up\` on ${stack}`);
    }
    const fail = (message: string, fix: string): Resolution => {
        problems.push({ key, problem: `stack ${stack} ${message}`, fix });
        return waiting("invalid");
    };
    const expectedSide = own.side === "publisher" ? "partner" : "publisher";
    if (outputs.side !== expectedSide) return fail(`is a ${String(outputs.side)} stack; a ${own.side} exchanges with a ${expectedSide}`, `point ${key} at ${counterpart.name}'s ${expectedSide} stack`);
    if (outputs.partyName !== counterpart.name) return fail(`belongs to "${String(outputs.partyName)}", not to "${counterpart.name}"`, `set ${counterpart.configKey}.name to "${String(outputs.partyName)}" or point ${key} at ${counterpart.name}'s stack`);
    if (typeof outputs.accountId !== "string" || accountIdProblem(outputs.accountId)) return fail(`exports an invalid accountId ${JSON.stringify(outputs.accountId)}`, `run \`pulumi up\` on ${stack} with a valid transfer:accountId`);
    if (outputs.accountId === own.accountId) return fail(`is in this stack's own account ${own.accountId}; replication here is cross-account`, `deploy ${stack} to ${counterpart.name}'s own account`);
    const region = typeof outputs.region === "string" && !regionProblem(outputs.region) ? outputs.region : undefined;

    const links = (outputs.links ?? {}) as Record<string, Record<string, unknown>>;
    const link = links[own.name];
    if (!link) {
        return waiting(`stack ${stack} does not list "${own.name}" yet: add it to ${own.side === "publisher" ? "transfer:publishers" : "transfer:partners"} there and run \`pulumi up\` on ${stack}`);
    }
    if (link.root !== counterpart.root) {
        return fail(`exchanges files under root "${String(link.root)}" but this stack uses "${counterpart.root}"`, `agree on one root: pulumi config set --path '${counterpart.configKey}.root' ${String(link.root)}   (or change it there)`);
    }
    const ingressBucketArn = typeof link.ingressBucketArn === "string" ? link.ingressBucketArn : "";
    const replicationRoleArn = typeof link.replicationRoleArn === "string" ? link.replicationRoleArn : "";
    const bucketArn = parseBucketArn(ingressBucketArn);
    if (typeof bucketArn === "string") return fail(`exports an ingress bucket ARN that ${bucketArn}`, `run \`pulumi up\` on ${stack}`);
    const roleArn = parseRoleArn(replicationRoleArn);
    if (typeof roleArn === "string") return fail(`exports a replication role ARN that ${roleArn}`, `run \`pulumi up\` on ${stack}`);
    if (roleArn.accountId !== outputs.accountId) return fail(`exports a replication role in account ${roleArn.accountId}, not its own account ${outputs.accountId}`, `run \`pulumi up\` on ${stack}`);
    if (bucketArn.partition !== own.partition) return fail(`is in partition ${bucketArn.partition}, this stack in ${own.partition}; replication cannot cross partitions`, `deploy both sides in one partition`);
    if (roleArn.partition !== own.partition) return fail(`exports a replication role in partition ${roleArn.partition}, this stack is in ${own.partition}; IAM cannot cross partitions`, `deploy both sides in one partition`);
    const ingressKmsKeyArn = typeof link.ingressKmsKeyArn === "string" ? link.ingressKmsKeyArn : undefined;
    if (ingressKmsKeyArn !== undefined) {
        const keyArn = parseKmsKeyArn(ingressKmsKeyArn);
        if (typeof keyArn === "string") return fail(`exports an ingress KMS key ARN that ${keyArn}`, `run \`pulumi up\` on ${stack}`);
        if (keyArn.partition !== own.partition) return fail(`exports an ingress KMS key in partition ${keyArn.partition}, this stack is in ${own.partition}; KMS cannot cross partitions`, `deploy both sides in one partition`);
    }
    if (own.encryption === "SSE-KMS" && !ingressKmsKeyArn) {
        return fail(`has an SSE-S3 ingress bucket, but transfer:encryption is SSE-KMS here and SSE-KMS files can only be replicated into a bucket with a KMS key`, `set transfer:encryption to SSE-KMS on ${stack} too (or SSE-S3 here)`);
    }
    const linkRegion = typeof link.region === "string" && !regionProblem(link.region) ? link.region : region;

    return {
        spec: specFor(counterpart, {
            accountId: outputs.accountId,
            ingressBucketArn,
            ingressRegion: linkRegion,
            ingressKmsKeyArn,
            replicationRoleArn,
            replicatesDeleteMarkers: link.deleteMarkerReplication === true,
        }),
        region: linkRegion,
        pending: [],
    };
}

/**
 * `pulumi preview` warns when where a counterpart's files go (account, region,
 * ingress bucket, role or key) is no longer what was accepted with its last
 * verified hand-over: a config edit or a referenced stack changed it unconfirmed.
 */
function destinationWarnings(counterpart: CounterpartConfig, endpoints: CounterpartEndpoints): string[] {
    const accepted = counterpart.acceptedHandover;
    if (!accepted) return [];
    const now: Destination = { accountId: endpoints.accountId, region: endpoints.ingressRegion, ingressBucketArn: endpoints.ingressBucketArn, replicationRoleArn: endpoints.replicationRoleArn, ingressKmsKeyArn: endpoints.ingressKmsKeyArn };
    if (destinationFingerprint(now) === parseFingerprintOrSelf(accepted.destination)) return [];
    const shown = DESTINATION_FIELDS.map((f) => `${f}=${now[f] ?? "(none)"}`).join(", ");
    return [`the destination of ${counterpart.name} changed since the hand-over accepted with fingerprint ${accepted.fingerprint} (${counterpart.configKey}.acceptedHandover): it is now ${shown}. Unless ${counterpart.name} confirmed this change over a second channel, do not run \`pulumi up\`; if they did, accept their new hand-over: npm run accept-handoff -- --stack <stack> --file <file> --fingerprint <digest> --confirm-change --write`];
}

function parseFingerprintOrSelf(text: string): string {
    const parsed = parseFingerprint(text);
    return "fingerprint" in parsed ? parsed.fingerprint : text;
}

/** Reads every counterpart's hand-over; throws a ConfigError naming the keys when any is wrong. */
export async function resolveCounterparts(config: SideConfig): Promise<ResolvedCounterpart[]> {
    const problems: ConfigProblem[] = [];
    const resolved = await Promise.all(config.counterparts.map(async (counterpart): Promise<ResolvedCounterpart> => {
        const via = counterpart.source.kind;
        let resolution: Resolution;
        if (counterpart.source.kind === "handover") {
            resolution = fromHandover(counterpart, config);
        } else {
            // A bare stack name is one of this project in the deploying backend's own organization.
            const stack = qualifiedStackName(counterpart.source.stack, pulumi.getOrganization(), pulumi.getProject());
            resolution = fromStackOutputs(counterpart, config, stack, await readStackOutputs(new pulumi.StackReference(stack, { name: stack })), problems);
        }
        return { ...resolution, via, warnings: destinationWarnings(counterpart, resolution.spec.endpoints) };
    }));
    if (problems.length) throw new ConfigError(problems);
    return resolved;
}
