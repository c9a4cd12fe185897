/**
 * The repository's own stacks, the root's `Pulumi.<stack>.yaml`: a team's
 * configuration, not the program's fixtures. They are found from the
 * repository, never named, and checked only by properties that hold for any
 * valid configuration (tests/helpers/repository.ts): each plans, passes the
 * policy pack, keeps what holds data, keeps its access matrix and hands each
 * counterpart a hand-over the counterpart's tools accept. The exact documents
 * the program builds are asserted on fixtures (tests/fixtures/stacks/) and
 * examples (stacks/examples/).
 *
 * The second half proves the split: copies of the root's stacks with a
 * counterpart added, removed or renamed, and with a stack added, removed or
 * renamed, keep every property; so a team's everyday change never breaks a
 * test unless the change is really wrong.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { partitionOf } from "../../infra/config/rules";
import { PROJECT_ROOT } from "../../tools/root";
import {
    assertAccessKept,
    assertDataKept,
    assertHandoversRoundTrip,
    assertPassesPack,
    assertStackProperties,
    counterpartList,
    PlannedStack,
    planStack,
    repositoryStacks,
    RepositoryStack,
} from "../helpers/repository";

const committed = repositoryStacks(PROJECT_ROOT);

describe("the repository's own stacks (root Pulumi.<stack>.yaml), by properties alone", () => {
    it("there is at least one stack to deploy", () => {
        assert.ok(committed.length > 0, "no Pulumi.<stack>.yaml at the root");
    });

    for (const stack of committed) {
        describe(`stack ${stack.stack}`, () => {
            let planned: PlannedStack;
            before(async () => {
                planned = await planStack(stack);
            });
            it("plans, with every stack it references", () => assert.ok(planned.plan.resources.length > 0));
            it("passes the policy pack (no mandatory violation)", () => assertPassesPack(planned));
            it("keeps what holds data: every data bucket retained, protected and versioned", () => assertDataKept(planned));
            it("hands each counterpart a valid hand-over of its link alone, which the counterpart accepts and plans into replication to us", () =>
                assertHandoversRoundTrip(planned));
            it("keeps its access matrix: every decided request as designed", () => assertAccessKept(stack));
        });
    }
});

// ---- the proof: a team's everyday changes, on copies of the root's stacks ----

interface StackCopy {
    folder: string;
    stacks: RepositoryStack[];
}

/** A copy of the root's stack files (and nothing else) in a temporary folder. */
function copyOfRoot(): StackCopy {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "team-stacks-"));
    for (const { file } of committed) fs.copyFileSync(file, path.join(folder, path.basename(file)));
    return { folder, stacks: repositoryStacks(folder) };
}

function readConfig(file: string): Record<string, unknown> {
    return (YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

function writeConfig(file: string, config: Record<string, unknown>): void {
    fs.writeFileSync(file, YAML.stringify({ config }));
}

function editConfig(file: string, edit: (config: Record<string, unknown>) => void): void {
    const config = readConfig(file);
    edit(config);
    writeConfig(file, config);
}

/** The stacks a stack's counterparts reference (bare names, as the root writes them). */
function referencesOf(file: string): string[] {
    const config = readConfig(file);
    return counterpartList(config).flatMap((c) => (typeof c.stack === "string" ? [c.stack.split("/").pop()!] : []));
}

/** An account ID that no stack of the copy uses, for a counterpart or stack added to it. */
function unusedAccount(copy: StackCopy): string {
    const text = copy.stacks.map((s) => fs.readFileSync(s.file, "utf8")).join("\n");
    return ["999988887777", "989898989898", "979797979797"].find((a) => !text.includes(a))!;
}

/** A counterpart as a company that does not run this program hands it over: identifiers only. */
function handedOverCounterpart(name: string, accountId: string, region: string): Record<string, unknown> {
    const partition = partitionOf(region);
    return {
        name,
        accountId,
        region,
        ingressBucketArn: `arn:${partition}:s3:::${name}-inbound-test`,
        replicationRoleArn: `arn:${partition}:iam::${accountId}:role/${name}-replication`,
    };
}

async function assertEveryStackKeepsItsProperties(copy: StackCopy): Promise<void> {
    for (const stack of repositoryStacks(copy.folder)) await assertStackProperties(stack);
}

describe("a team's everyday change to its stacks keeps every property green", function () {
    // Each case plans every stack of a copy, with its access matrix and hand-over round trips.
    this.timeout(600_000);

    it("adding a counterpart, as the docs describe, to a stack", async () => {
        const copy = copyOfRoot();
        const [target] = copy.stacks;
        editConfig(target.file, (config) => {
            counterpartList(config).push(handedOverCounterpart("northwind-loyalty", unusedAccount(copy), config["aws:region"] as string));
        });
        await assertEveryStackKeepsItsProperties(copy);
    });

    it("adding an SSE-KMS counterpart to a stack, beside its others (encryption is each link's own)", async () => {
        const copy = copyOfRoot();
        const [target] = copy.stacks;
        editConfig(target.file, (config) => {
            const region = config["aws:region"] as string;
            const entry = handedOverCounterpart("contoso-data", unusedAccount(copy), region);
            entry.encryption = "SSE-KMS";
            entry.ingressKmsKeyArn = `arn:${partitionOf(region)}:kms:${region}:${entry.accountId as string}:key/1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b`;
            counterpartList(config).push(entry);
        });
        await assertEveryStackKeepsItsProperties(copy);
    });

    it("removing a counterpart from a stack that keeps another", async () => {
        const copy = copyOfRoot();
        const [target] = copy.stacks;
        editConfig(target.file, (config) => {
            const list = counterpartList(config);
            list.push(handedOverCounterpart("northwind-loyalty", unusedAccount(copy), config["aws:region"] as string));
            list.shift();
        });
        await assertEveryStackKeepsItsProperties(copy);
    });

    it("renaming a counterpart that comes by hand-over (it renamed itself, and its new hand-over was accepted)", async function () {
        const copy = copyOfRoot();
        const target = copy.stacks.find((s) => counterpartList(readConfig(s.file)).some((c) => c.stack === undefined));
        if (!target) this.skip();
        editConfig(target!.file, (config) => {
            const entry = counterpartList(config).find((c) => c.stack === undefined)!;
            // The root stays what it was, as a renamed entry that keeps exchanging the same files would.
            entry.root ??= config["s3-transfer:side"] === "publisher" ? config["s3-transfer:name"] : entry.name;
            entry.name = `${String(entry.name)}-renamed`.slice(0, 32);
            // What accepting its new hand-over records: the same destination, from the new name.
            const accepted = entry.acceptedHandover as { party?: string } | undefined;
            if (accepted?.party !== undefined) accepted.party = entry.name as string;
        });
        await assertEveryStackKeepsItsProperties(copy);
    });

    it("renaming a stack, and the references to it", async () => {
        const copy = copyOfRoot();
        const referenced = copy.stacks.find((s) => copy.stacks.some((o) => referencesOf(o.file).includes(s.stack))) ?? copy.stacks[0];
        const renamed = `${referenced.stack}-renamed`;
        fs.renameSync(referenced.file, path.join(copy.folder, `Pulumi.${renamed}.yaml`));
        for (const stack of repositoryStacks(copy.folder)) {
            editConfig(stack.file, (config) => {
                for (const entry of counterpartList(config)) if (entry.stack === referenced.stack) entry.stack = renamed;
            });
        }
        await assertEveryStackKeepsItsProperties(copy);
    });

    it("adding a stack in an account of its own, and removing one that no other stack references", async () => {
        const copy = copyOfRoot();
        const [first] = copy.stacks;
        const added = path.join(copy.folder, "Pulumi.second.yaml");
        const config = readConfig(first.file);
        config["s3-transfer:accountId"] = unusedAccount(copy);
        // Its counterparts come by hand-over: a stack reference would be answered by a stack that does not list it.
        const list = counterpartList(config);
        list.splice(0, list.length, handedOverCounterpart("northwind", "969696969696", config["aws:region"] as string));
        writeConfig(added, config);
        const unreferenced = copy.stacks.find((s) => !copy.stacks.some((o) => referencesOf(o.file).includes(s.stack)));
        if (unreferenced) fs.rmSync(unreferenced.file);
        await assertEveryStackKeepsItsProperties(copy);
    });

    it("a change that is really wrong still fails: an accepted counterpart renamed by hand (its accept-handoff would refuse our hand-over)", async function () {
        const copy = copyOfRoot();
        const accepted = (c: Record<string, unknown>) => (c.acceptedHandover as { party?: string } | undefined)?.party !== undefined;
        const target = copy.stacks.find((s) => counterpartList(readConfig(s.file)).some(accepted));
        if (!target) this.skip();
        editConfig(target!.file, (config) => {
            const entry = counterpartList(config).find(accepted)!;
            entry.name = `${String(entry.name)}-renamed`.slice(0, 32);
        });
        await assert.rejects(
            planStack(repositoryStacks(copy.folder).find((s) => s.stack === target!.stack)!),
            /\.name: is [a-z0-9-]+-renamed, but the hand-over accepted with fingerprint .* came from /,
        );
    });

    it("a change that is really wrong still fails: a counterpart handing over a role of another account", async () => {
        const copy = copyOfRoot();
        const [target] = copy.stacks;
        editConfig(target.file, (config) => {
            const entry = handedOverCounterpart("northwind-loyalty", unusedAccount(copy), config["aws:region"] as string);
            entry.replicationRoleArn = `arn:${partitionOf(config["aws:region"] as string)}:iam::969696969696:role/northwind-replication`;
            counterpartList(config).push(entry);
        });
        await assert.rejects(planStack(repositoryStacks(copy.folder)[0]), /replicationRoleArn: belongs to account 969696969696, not to the counterpart's account/);
    });
});
