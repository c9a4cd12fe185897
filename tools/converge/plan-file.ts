/**
 * Pulumi update plans (`pulumi preview --save-plan <file>`), read as far as
 * converge needs them: the operations planned per resource and the inputs they
 * change, so that a fresh preview can be compared with the reviewed one before
 * anything is changed. The format is `apitype.DeploymentPlanV1`
 * (pulumi/pulumi sdk/go/common/apitype/plan.go): `manifest.time`, and
 * `resourcePlans` by URN, each with its `steps` and `goal.inputDiff`.
 */
import { isInputError, readInputFile } from "../../infra/input/file";
import { parseJsonInput } from "../../infra/input/json";
import { isDeepStrictEqual } from "util";
import { z } from "zod";

const diffSchema = z
    .object({
        adds: z.record(z.string(), z.unknown()).optional(),
        deletes: z.array(z.string()).optional(),
        updates: z.record(z.string(), z.unknown()).optional(),
    })
    .partial();

const planSchema = z.object({
    manifest: z.object({ time: z.string() }).loose(),
    resourcePlans: z
        .record(
            z.string(),
            z
                .object({
                    steps: z.array(z.string()).optional(),
                    goal: z.object({ inputDiff: diffSchema.optional(), protect: z.boolean().optional() }).loose().optional(),
                })
                .loose(),
        )
        .optional(),
});

/** What a plan would do to one resource. */
export interface PlannedChange {
    /** The operations, in order (`create`, `update`, `delete`, `replace`, ...); `same` steps are dropped. */
    steps: string[];
    /** The input properties it adds, updates and deletes, with secrets' ciphertexts masked. */
    inputs: { adds: Record<string, unknown>; updates: Record<string, unknown>; deletes: string[] };
    protect: boolean;
}

export interface UpdatePlan {
    file: string;
    /** When the preview that wrote it ran. */
    time: Date;
    /** The resources it changes, by URN; a resource whose only step is `same` is left out. */
    changes: Map<string, PlannedChange>;
}

/** Pulumi's signature key of a serialized secret (sdk/go/common/resource/sig): its ciphertext differs on every encryption. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

function maskSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(maskSecrets);
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (SECRET_SIGNATURE in record && "ciphertext" in record) return "[secret]";
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskSecrets(v)]));
    }
    return value;
}

export class PlanFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanFileError";
    }
}

export function readUpdatePlan(file: string): UpdatePlan {
    let json: unknown;
    try {
        // Reviewed plans arrive as a workflow's artifacts: read as every file from outside is (infra/input).
        const fix = "give the file `pulumi preview --save-plan` writes";
        json = parseJsonInput(readInputFile(file, "update plan", fix), { file, kind: "update plan", fix });
    } catch (err) {
        if (!isInputError(err)) throw err;
        throw new PlanFileError(err.message);
    }
    const parsed = planSchema.safeParse(json);
    if (!parsed.success) {
        throw new PlanFileError(
            `${file}: not an update plan (${parsed.error.issues[0].path.join(".") || "(file)"}: ${parsed.error.issues[0].message}); expected the file \`pulumi preview --save-plan\` writes`,
        );
    }
    const time = new Date(parsed.data.manifest.time);
    if (Number.isNaN(time.getTime())) throw new PlanFileError(`${file}: manifest.time "${parsed.data.manifest.time}" is not a time`);
    const changes = new Map<string, PlannedChange>();
    for (const [urn, plan] of Object.entries(parsed.data.resourcePlans ?? {})) {
        const steps = (plan.steps ?? []).filter((step) => step !== "same");
        if (!steps.length) continue;
        const diff = plan.goal?.inputDiff ?? {};
        changes.set(urn, {
            steps,
            inputs: {
                adds: maskSecrets(diff.adds ?? {}) as Record<string, unknown>,
                updates: maskSecrets(diff.updates ?? {}) as Record<string, unknown>,
                deletes: [...(diff.deletes ?? [])].sort(),
            },
            protect: plan.goal?.protect ?? false,
        });
    }
    return { file, time, changes };
}

/** The last segment of a URN, `<type>::<name>`, for messages. */
export function shortUrn(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? `${parts[2].split("$").pop()}::${parts.slice(3).join("::")}` : urn;
}

/** How `fresh` differs from `reviewed`, one line per resource; empty when they plan the same operations with the same inputs. */
export function planDifferences(reviewed: UpdatePlan, fresh: UpdatePlan): string[] {
    const lines: string[] = [];
    const urns = [...new Set([...reviewed.changes.keys(), ...fresh.changes.keys()])].sort();
    for (const urn of urns) {
        const before = reviewed.changes.get(urn);
        const now = fresh.changes.get(urn);
        const name = shortUrn(urn);
        if (!before) lines.push(`+ ${name}: ${now!.steps.join(", ")} (not in the reviewed plan)`);
        else if (!now) lines.push(`- ${name}: ${before.steps.join(", ")} was reviewed, no longer planned`);
        else if (!isDeepStrictEqual(before.steps, now.steps)) lines.push(`~ ${name}: reviewed ${before.steps.join(", ")}, now ${now.steps.join(", ")}`);
        else if (!isDeepStrictEqual(before.inputs, now.inputs) || before.protect !== now.protect) {
            const keys = [
                ...new Set([
                    ...Object.keys(before.inputs.adds),
                    ...Object.keys(now.inputs.adds),
                    ...Object.keys(before.inputs.updates),
                    ...Object.keys(now.inputs.updates),
                    ...before.inputs.deletes,
                    ...now.inputs.deletes,
                ]),
            ]
                .filter((key) => !isDeepStrictEqual(valueIn(before, key), valueIn(now, key)))
                .sort();
            lines.push(`~ ${name}: ${now.steps.join(", ")} with other values than reviewed (${keys.join(", ") || "protect"})`);
        }
    }
    return lines;
}

function valueIn(change: PlannedChange, key: string): unknown {
    if (key in change.inputs.adds) return ["add", change.inputs.adds[key]];
    if (key in change.inputs.updates) return ["update", change.inputs.updates[key]];
    return change.inputs.deletes.includes(key) ? ["delete"] : undefined;
}
