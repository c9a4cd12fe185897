import { Decision, decisionsOf, defineStackPolicy, TransferStackPolicy, violation } from "../lib/policy-kit";
import { StackIndex } from "../lib/stack-index";
import { awsHardLimits } from "./aws-hard-limits";
import { defaultEncryption } from "./default-encryption";
import { httpsOnly } from "./https-only";
import { noPublicAccess } from "./no-public-access";
import { replicationOwnerAndKms } from "./replication-owner-and-kms";
import { replicationRequiresVersioning } from "./replication-requires-versioning";
import { replicationRoleLeastPrivilege } from "./replication-role-least-privilege";

// A mandatory policy never fails on a value that is unknown until apply, and
// CrossGuard reports a violation at the policy's own level, so a mandatory policy
// cannot itself say "could not decide" without blocking the preview. This advisory
// policy says it for them: one note per resource, naming the checks preview could
// not settle, so a reviewer knows what `pulumi up` (which re-runs the pack on the
// real values) will decide.
export const UNDECIDED_SOURCES: ReadonlyArray<TransferStackPolicy<any>> = [
    httpsOnly,
    noPublicAccess,
    replicationRequiresVersioning,
    defaultEncryption,
    replicationOwnerAndKms,
    replicationRoleLeastPrivilege,
    awsHardLimits,
];

export interface PreviewUndecidedConfig {
    /** Names of the mandatory policies whose undecided checks to report. */
    policies: string[];
}

const ALL = UNDECIDED_SOURCES.map((p) => p.name);

export const previewUndecided = defineStackPolicy<PreviewUndecidedConfig>({
    name: "s3-transfer-preview-undecided",
    description:
        "Lists, per resource, the mandatory checks that preview could not decide because a value is unknown until apply; pulumi up re-runs the pack on the real values and enforces them.",
    enforcementLevel: "advisory",
    severity: "low",
    defaults: { policies: ALL },
    configSchema: {
        properties: {
            policies: {
                type: "array",
                items: { type: "string", enum: ALL },
                default: ALL,
                description: "Mandatory policies whose undecided checks are reported (drop those you disabled).",
            },
        },
    },
    remediationSteps: "Nothing to change: review the listed checks after `pulumi up`, or run `npm run check -- <stack export>` on the deployed state.",
    notApplicableReason: "Every check could be decided.",
    evaluate(index: StackIndex, config: PreviewUndecidedConfig): Decision[] {
        const wanted = new Set(config.policies);
        const byUrn = new Map<string, string[]>();
        for (const p of UNDECIDED_SOURCES) {
            if (!wanted.has(p.name)) {
                continue;
            }
            for (const d of decisionsOf(p, index, p.defaults)) {
                if (d.outcome !== "undecided") {
                    continue;
                }
                const notes = byUrn.get(d.urn) ?? [];
                notes.push(`[${p.name}] ${d.message}`);
                byUrn.set(d.urn, notes);
            }
        }
        return [...byUrn].map(([urn, notes]) =>
            violation(urn, `Preview could not decide ${notes.length} mandatory check(s); pulumi up will enforce them on the real values: ${notes.join(" ")}`),
        );
    },
});
