// The pack's policies, in report order. Importing this module registers nothing:
// policy-pack/index.ts builds the PolicyPack from this list, and tests and the
// offline checker use it directly.

import type { TransferPolicy } from "../lib/policy-kit";
import { accessLogging } from "./access-logging";
import { aclsDisabled } from "./acls-disabled";
import { awsHardLimits } from "./aws-hard-limits";
import { crossAccountExternalId } from "./cross-account-external-id";
import { defaultEncryption } from "./default-encryption";
import { encryptionUploadDenies } from "./encryption-upload-denies";
import { httpsOnly } from "./https-only";
import { logDeliveryGrant } from "./log-delivery-grant";
import { minimumTls } from "./minimum-tls";
import { noPublicAccess } from "./no-public-access";
import { MANDATORY_POLICIES, previewUndecided } from "./preview-undecided";
import { replicationDependsOnVersioning } from "./replication-depends-on-versioning";
import { replicationOwnerAndKms } from "./replication-owner-and-kms";
import { replicationRequirements } from "./replication-requirements";
import { replicationRequiresVersioning } from "./replication-requires-versioning";
import { replicationRoleLeastPrivilege } from "./replication-role-least-privilege";
import { replicationRolePermissions } from "./replication-role-permissions";
import { replicationTrustSource } from "./replication-trust-source";

export const policies: ReadonlyArray<TransferPolicy> = [
    // Mandatory: the list whose undecided checks preview-undecided reports
    ...MANDATORY_POLICIES,
    // Advisory
    minimumTls,
    replicationTrustSource,
    crossAccountExternalId,
    aclsDisabled,
    replicationDependsOnVersioning,
    accessLogging,
    logDeliveryGrant,
    encryptionUploadDenies,
    previewUndecided,
];

export {
    accessLogging,
    aclsDisabled,
    awsHardLimits,
    crossAccountExternalId,
    defaultEncryption,
    encryptionUploadDenies,
    httpsOnly,
    logDeliveryGrant,
    minimumTls,
    noPublicAccess,
    previewUndecided,
    replicationDependsOnVersioning,
    replicationOwnerAndKms,
    replicationRequirements,
    replicationRequiresVersioning,
    replicationRoleLeastPrivilege,
    replicationRolePermissions,
    replicationTrustSource,
};
