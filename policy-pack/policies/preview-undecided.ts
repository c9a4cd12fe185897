import { AnyStackPolicy, Decision, defineStackPolicy, undecidedOf, violation } from "../lib/policy-kit";
import { StackIndex } from "../lib/stack-index";
import { accessLogging } from "./access-logging";
import { awsHardLimits } from "./aws-hard-limits";
import { defaultEncryption } from "./default-encryption";
import { httpsOnly } from "./https-only";
import { logDeliveryGrant } from "./log-delivery-grant";
import { noPublicAccess } from "./no-public-access";
import { replicationOwnerAndKms } from "./replication-owner-and-kms";
import { replicationRequirements } from "./replication-requirements";
import { replicationRequiresVersioning } from "./replication-requires-versioning";
import { replicationRoleLeastPrivilege } from "./replication-role-least-privilege";
import { replicationRolePermissions } from "./replication-role-permissions";

/**
 * The pack's mandatory policies, in report order. The pack lists them first
 * (index.ts); this policy reports their undecided checks by default.
 */
export const MANDATORY_POLICIES: ReadonlyArray<AnyStackPolicy> = [
    httpsOnly,
    noPublicAccess,
    replicationRequiresVersioning,
    replicationRequirements,
    defaultEncryption,
    replicationOwnerAndKms,
    replicationRoleLeastPrivilege,
    replicationRolePermissions,
    awsHardLimits,
];

// A mandatory policy never fails on a value that is unknown until apply, and
// CrossGuard reports a violation at the policy's own level, so a mandatory policy
// cannot itself say "could not decide" without blocking the preview. This advisory
// policy says it for them: one note per resource, naming the checks preview could
// not settle, so a reviewer knows what `pulumi up` (which re-runs the pack on the
// real values) will decide.
//
// The logging policies, advisory by default and raised to mandatory where an audit
// requires it, can be listed too but are not by default: this policy cannot see
// another policy's configured level, and advisory undecided checks block nothing.
export const UNDECIDED_SOURCES: ReadonlyArray<AnyStackPolicy> = [...MANDATORY_POLICIES, accessLogging, logDeliveryGrant];

export interface PreviewUndecidedConfig {
    /** Names of the policies, mandatory by default or raised to it, whose undecided checks to report. */
    policies: string[];
}

const ALL = UNDECIDED_SOURCES.map((p) => p.name);
const MANDATORY = MANDATORY_POLICIES.map((p) => p.name);

export const previewUndecided = defineStackPolicy<PreviewUndecidedConfig>({
    name: "s3-transfer-preview-undecided",
    description:
        "Lists, per resource, the mandatory checks that preview could not decide because a value is unknown until apply; pulumi up re-runs the pack on the real values and enforces them.",
    enforcementLevel: "advisory",
    severity: "low",
    defaults: { policies: MANDATORY },
    configSchema: {
        properties: {
            policies: {
                type: "array",
                items: { type: "string", enum: ALL },
                default: MANDATORY,
                description:
                    "Mandatory policies whose undecided checks are reported: drop those you disabled, and add s3-transfer-access-logging or s3-transfer-log-delivery-grant when you make them mandatory.",
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
            for (const d of undecidedOf(p, index, p.defaults)) {
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
