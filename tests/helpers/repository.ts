/**
 * The properties every stack of a repository keeps, whatever counterparts it
 * holds: it plans, the policy pack finds no mandatory violation, what holds
 * data is protected, its access matrix has no request decided otherwise than
 * designed, and what it hands each counterpart is a valid hand-over that the
 * counterpart's `accept-handoff` takes and plans into a replication to us.
 *
 * These are the only tests of a team's own stacks (the root's
 * `Pulumi.<stack>.yaml`): a team adding, removing or renaming a counterpart
 * or a stack keeps them green unless its change is really wrong. The tests of
 * the program assert exact documents of fixtures instead (tests/fixtures/stacks/).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { COUNTERPARTS_KEY, parseSideConfig, SideConfig } from "../../infra/config/schema";
import { HandoverDocument } from "../../infra/handoff/document";
import { fingerprintOf } from "../../infra/handoff/fingerprint";
import { handoverSchemaProblems } from "../../infra/handoff/schema";
import { evaluateResources } from "../../policy-pack/offline";
import { accessMatrix } from "../../tools/access/index";
import { acceptHandover } from "../../tools/handoff/accept";
import { Plan } from "../../tools/plan/engine";
import { planProjectStack, readStackConfig } from "../../tools/plan/project";
import { asDeployed } from "./handovers";
import { dataBuckets, documentOf, forBucket, linksOf, ofType, serially, T } from "./plans";

/** A stack of a repository: its name and its `Pulumi.<stack>.yaml`. */
export interface RepositoryStack {
    stack: string;
    file: string;
}

/** The stacks of a folder as Pulumi finds them: every `Pulumi.<stack>.yaml` beside `Pulumi.yaml`. */
export function repositoryStacks(folder: string): RepositoryStack[] {
    return fs
        .readdirSync(folder)
        .map((name) => /^Pulumi\.(.+)\.ya?ml$/.exec(name))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ stack: m[1], file: path.join(folder, m[0]) }))
        .sort((a, b) => a.stack.localeCompare(b.stack));
}

export interface PlannedStack extends RepositoryStack {
    plan: Plan;
    /** The stacks it references, planned with it. */
    referenced: Plan[];
    config: SideConfig;
}

/** Plans a stack of the repository the way `npm run plan -- --stack <stack>` does, references included. */
export async function planStack(stack: RepositoryStack): Promise<PlannedStack> {
    const { plan, referenced } = await serially(() => planProjectStack({ stack: stack.stack, configFile: stack.file }));
    return { ...stack, plan, referenced, config: parseSideConfig(readStackConfig(stack.file), stack.stack, stack.file) };
}

/** The policy pack over the plan: nothing mandatory. */
export function assertPassesPack(planned: PlannedStack): void {
    const mandatory = evaluateResources(planned.plan.resources).filter((v) => v.enforcementLevel === "mandatory");
    assert.deepStrictEqual(
        mandatory.map((v) => `${v.policy}: ${v.message} (${v.urn})`),
        [],
        `${planned.file}: mandatory policy violations`,
    );
}

/**
 * Nothing that holds data can be deleted by a routine `pulumi up`: every data
 * bucket is retained on delete, and protected unless its link is retired or
 * the stack opted out with `protectBuckets: false`; every bucket is versioned.
 */
export function assertDataKept(planned: PlannedStack): void {
    const retired = new Set(
        Object.values(linksOf(planned.plan))
            .filter((l) => l.state === "retired")
            .flatMap((l) => [l.egressBucketName, l.ingressBucketName]),
    );
    for (const bucket of dataBuckets(planned.plan)) {
        const name = bucket.inputs.bucket as string;
        assert.strictEqual(bucket.retainOnDelete, true, `${planned.file}: ${name} must be retained on delete`);
        if (planned.config.protectBuckets && !retired.has(name)) assert.strictEqual(bucket.protect, true, `${planned.file}: ${name} must be protected`);
        assert.deepStrictEqual(forBucket(planned.plan, T.versioning, name).inputs.versioningConfiguration, { status: "Enabled" }, `${planned.file}: ${name} versioning`);
    }
}

/** Every request of the expected access matrix that the simulator can decide gets its designed decision. */
export async function assertAccessKept(stack: RepositoryStack): Promise<void> {
    const result = await serially(() => accessMatrix(stack.stack, { configFile: stack.file }));
    assert.deepStrictEqual(
        result.mismatches.map((r) => `${r.principal} ${r.action} ${r.resource} ${r.transport}: expected ${r.expected}, got ${r.decision ?? r.status} (${r.note ?? ""})`),
        [],
        `${stack.file}: access matrix`,
    );
    assert.ok(result.rows.length > 0, `${stack.file}: the access matrix made no request`);
}

/** The counterpart's own account and region, as this stack knows them (hand-over in config, or its planned stack). */
function counterpartIdentity(planned: PlannedStack, name: string): { accountId: string; region: string } | undefined {
    const entry = planned.config.counterparts.find((c) => c.name === name);
    if (!entry) return undefined;
    if (entry.source.kind === "handover") return { accountId: entry.source.accountId, region: entry.source.region ?? planned.config.region };
    const theirs = planned.referenced.find((p) => p.outputs.partyName === name);
    return theirs ? { accountId: theirs.outputs.accountId as string, region: theirs.outputs.region as string } : undefined;
}

/**
 * What the stack hands each counterpart: a hand-over that follows the
 * published schema, carries nothing of any other counterpart, and that the
 * counterpart's `accept-handoff` takes into a fresh stack of its own, whose
 * plan then replicates into our ingress and admits our role into its ingress.
 */
export async function assertHandoversRoundTrip(planned: PlannedStack): Promise<void> {
    const handovers = (planned.plan.outputs.handovers ?? {}) as Record<string, HandoverDocument>;
    const links = linksOf(planned.plan);
    assert.deepStrictEqual(Object.keys(handovers).sort(), Object.keys(links).sort(), `${planned.file}: one hand-over per link`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "round-trip-"));
    try {
        for (const [name, planDocument] of Object.entries(handovers)) {
            const what = `${planned.file}: hand-over to ${name}`;
            // An SSE-KMS hand-over carries key IDs that AWS assigns at the first `pulumi up`: the plan's are
            // stand-ins, which accept-handoff refuses (tests/tools/handoff-*.test.ts). What the counterpart
            // receives is the deployed stack's (`npm run handoff -- --deployed`): the plan's with real-shaped IDs.
            const document = asDeployed(planDocument);
            assert.deepStrictEqual(handoverSchemaProblems(document), [], what);
            assert.strictEqual(document.to.party, name, what);
            assert.strictEqual(document.from.party, planned.config.name, what);
            const text = JSON.stringify(document);
            for (const other of planned.config.counterparts.filter((c) => c.name !== name)) {
                for (const detail of [other.egressBucketName, other.ingressBucketName, other.replicationRoleName])
                    assert.ok(!text.includes(detail), `${what} names ${detail}, which is ${other.name}'s`);
            }

            const identity = counterpartIdentity(planned, name);
            if (!identity || identity.accountId === "") continue;
            const side = planned.config.side === "publisher" ? "partner" : "publisher";
            const stack = "round-trip";
            const configFile = path.join(dir, `Pulumi.${stack}.yaml`);
            fs.writeFileSync(
                configFile,
                YAML.stringify({
                    config: {
                        "aws:region": identity.region,
                        "s3-transfer:side": side,
                        "s3-transfer:name": name,
                        "s3-transfer:accountId": identity.accountId,
                        "s3-transfer:encryption": document.link.encryption,
                        // Short, so that any counterpart's name fits S3's 63 characters.
                        "s3-transfer:bucketPrefix": stack,
                    },
                }),
            );
            const handoverFile = path.join(dir, `${name}.json`);
            fs.writeFileSync(handoverFile, `${JSON.stringify(document, null, 2)}\n`);
            const accepted = acceptHandover({ configFile, stack, handoverFile, fingerprint: fingerprintOf(document), write: true, confirmChange: false });
            assert.ok(accepted.written, what);

            const { plan: theirs } = await serially(() => planProjectStack({ stack, configFile }));
            const theirLink = linksOf(theirs)[planned.config.name];
            assert.ok(theirLink, `${what}: the counterpart's plan has no link to ${planned.config.name}`);
            const [rule] = forBucket(theirs, T.replication, theirLink.egressBucketName).inputs.rules as { destination: Record<string, unknown> }[];
            assert.strictEqual(rule.destination.bucket, document.link.ingressBucketArn, `${what}: their replication goes to our ingress`);
            assert.strictEqual(rule.destination.account, planned.config.accountId, `${what}: their replication hands ownership to our account`);
            const grants = documentOf(forBucket(theirs, T.policy, theirLink.ingressBucketName)).Statement.filter((s) => s.Effect === "Allow");
            assert.ok(
                grants.some((s) => JSON.stringify(s.Condition ?? {}).includes(document.link.replicationRoleArn)),
                `${what}: their ingress admits our role ${document.link.replicationRoleArn}`,
            );
            assert.strictEqual(ofType(theirs, T.replication).length, 1, what);
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Every property of one stack, in the order a reader would look for the cause. */
export async function assertStackProperties(stack: RepositoryStack): Promise<void> {
    const planned = await planStack(stack);
    assertPassesPack(planned);
    assertDataKept(planned);
    await assertHandoversRoundTrip(planned);
    await assertAccessKept(stack);
}

/** The counterpart list of a parsed stack file's config, by the side the file says it is. */
export function counterpartList(config: Record<string, unknown>): Record<string, unknown>[] {
    const side = config["s3-transfer:side"] as "publisher" | "partner";
    const key = COUNTERPARTS_KEY[side];
    config[key] ??= [];
    return config[key] as Record<string, unknown>[];
}
