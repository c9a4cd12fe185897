/**
 * docs/configuration.md, generated from the config model (keys.ts) by
 * `npm run docs:config`; tests/infra/config/docs.test.ts keeps it current.
 */
import {
    ALERT_SUBSCRIPTION_FIELDS,
    configKey,
    COUNTERPART_FIELDS,
    FieldSpec,
    fullKey,
    KeySpec,
    LEGACY_NAMESPACE,
    NAMESPACE,
    SERVICE_DESTINATION_FIELDS,
    TOP_LEVEL_KEYS,
    undeclaredReason,
    VENDOR_DROP_FIELDS,
} from "./keys";

const cell = (text: string) => text.replace(/\|/g, "\\|");

function defaultOf(spec: { required?: true; default?: unknown; defaultDoc?: string }): string {
    if (spec.defaultDoc) return spec.defaultDoc;
    if (spec.required) return "";
    if (spec.default === undefined || typeof spec.default === "function") return "";
    return `\`${Array.isArray(spec.default) ? "[]" : String(spec.default)}\``;
}

function fieldTable(fields: Record<string, FieldSpec>): string {
    const rows = Object.entries(fields).map(([name, spec]) => `| \`${name}\` | ${spec.required ? "yes" : "no"} | ${cell(defaultOf(spec))} | ${cell(spec.doc)} |`);
    return ["| field | required | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

function undeclaredList(): string {
    return (TOP_LEVEL_KEYS as readonly KeySpec[])
        .map((spec) => [fullKey(spec.key), undeclaredReason(spec)] as const)
        .filter(([, reason]) => reason)
        .map(([key, reason]) => `- \`${key}\`: ${reason}`)
        .join("\n");
}

export function configurationPage(): string {
    const keys = (TOP_LEVEL_KEYS as readonly KeySpec[]).map(
        (spec) => `| \`${fullKey(spec.key)}\` | ${spec.required ? "yes" : "no"} | ${cell(defaultOf(spec as { default?: unknown }))} | ${cell(spec.doc)} |`,
    );
    return `<!-- Generated from infra/config/keys.ts by npm run docs:config; edit the table there, not this page. -->
# Configuration reference

All keys are validated together before any resource is created; every
problem is reported with its key and the \`pulumi config\` command that fixes it,
and a misspelt key or field is answered with the one it most likely meant.
The offline commands (\`npm run plan\`, \`handoff\`, \`access\`, \`audit-query\`) also
name the stack file and the key's line, and exit 2 on a bad file: a YAML syntax
error, a key set twice, a missing \`--config\` file, one that is not a regular
file or is larger than 2 MiB, an alias bomb, or an encrypted \`secure:\` value
(they cannot decrypt it, and no key of this program is secret); see
[input from outside](development.md#input-from-outside). A problem is reported
once, at its cause: a bucket name derived from \`bucketPrefix\` is not blamed
again for a name already refused, and each S3 naming rule a name breaks is said
in its own words with a fix for that rule
([bucket naming rules](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)).
Two counterparts in one account get a warning, not an error: one company may
run two parties.

Every key of this program is \`${NAMESPACE}:<key>\`: the namespace is the
project's name (\`name:\` in Pulumi.yaml), so \`pulumi config set side publisher\`
writes \`${NAMESPACE}:side\`, and Pulumi.yaml can declare the keys (below).

Account IDs are text: quote them in YAML. Pulumi reads an unquoted ID as a
YAML number, so \`s3-transfer:accountId: 012345678901\` reaches the program as
\`12345678901\`, as the real CLI shows it, and so does a counterpart's
\`accountId\` in a list entry. A number is read as text when its 12 digits
survive, and refused with "write it in quotes" when YAML dropped a leading
zero (an unquoted \`012345678901\` becomes 11 digits). Pulumi's YAML reader
takes an unquoted 0 and octal digits for an octal number (\`012345670123\` is
1402433619): then no ID is offered, only "write it in quotes". A top-level ID
of 11 digits arrives as text, which cannot tell how it was written: it is
refused as 11 digits, with the hint to quote it, and no other number offered.

| key | required | default | meaning |
|---|---|---|---|
${keys.join("\n")}

A side lists its counterparts in \`${configKey("partners")}\` (a publisher) or \`${configKey("publishers")}\` (a partner), never both.

## Declared in Pulumi.yaml

Pulumi.yaml's \`config:\` block declares each key Pulumi can type, with its
description and constant default, so that \`pulumi config\` lists the defaults
and Pulumi refuses a stack without \`side\`, \`name\` or \`accountId\` before the
program runs; its \`template:\` block makes \`pulumi new\` ask for those and the
region. \`npm run docs:config\` writes both blocks from the config model, and
\`npm run plan\` applies them as the engine does (defaults, required keys,
types). Not declared, and checked by the program alone:

${undeclaredList()}

## Upgrading from \`${LEGACY_NAMESPACE}:\` keys

Before the keys took the project's name they were \`${LEGACY_NAMESPACE}:<key>\`. A stack
file still on them is refused as a whole, naming every old key and its new
name, and nothing is planned or created. Rename them in each stack file, then
check \`npm run plan -- --stack <stack>\` plans the same resources as before
(the keys' names are not part of any resource, so it does):

\`\`\`sh
sed -E -i.bak 's/^( *)${LEGACY_NAMESPACE}:/\\1${NAMESPACE}:/' Pulumi.<stack>.yaml   # GNU and BSD sed; then delete the .bak
\`\`\`

\`pulumi up\` on a stack still on the old keys stops before the program runs,
with Pulumi's "Stack '<stack>' is missing configuration values 'accountId',
'name' and 'side'" (they are declared under the new names); \`npm run plan\`
names the rename instead.

## Counterpart fields

Each entry of \`${configKey("partners")}\` / \`${configKey("publishers")}\` comes either by stack reference (\`stack\`) or by hand-over (the fields marked hand-over).

${fieldTable(COUNTERPART_FIELDS)}

### Encryption per link

A counterpart's \`encryption\` is its link's own: one stack can exchange with a
partner on SSE-S3 and with another on SSE-KMS. Both sides of one link use the
same encryption (SSE-KMS replicas are encrypted with the other side's ingress
key, which an SSE-S3 side does not have), so each entry follows its
counterpart: an SSE-KMS link gets a customer managed key for each of its two
buckets, the key grants and the replica-key rule its replication needs, and its
sheet and hand-over say SSE-KMS; an SSE-S3 link gets none of that. The stack's
\`${NAMESPACE}:encryption\` is the default of every entry that does not set one,
and the encryption of vendor drops and service destinations. When a counterpart
hands over another encryption than its entry's, the plan names the entry's
field to set (\`pulumi config set --path '<entry>.encryption' SSE-KMS\`, where
\`<entry>\` is the entry as the plan's table names it),
which changes this link alone; \`accept-handoff\` writes the field for a new
entry whose hand-over differs from the stack's default.

## Two stacks in one account

S3 bucket names are unique across all accounts, and IAM role names, SNS topic
names, CloudWatch alarm names and CloudTrail trail names are unique within an
account (or its region). Bucket, topic and alarm names start with
\`${NAMESPACE}:bucketPrefix\`, which defaults to \`<name>-<stack>\`, so two stacks
differ there by default. IAM role names start with
\`${NAMESPACE}:roleNamePrefix\`, which defaults to the party name, and the trail
is \`${NAMESPACE}:auditTrailName\`, \`<name>-transfer-data-events\` by default: two
stacks of one party in one account (a second region, a second line of
business) would create the same roles, and the second \`pulumi up\` would fail
with \`EntityAlreadyExists\`.

The program does not rename roles to avoid that: a counterpart's bucket and
key policies name our replication role by its ARN (\`aws:PrincipalArn\`), so a
derived rename of a deployed stack's roles would stop its live replication
until every counterpart had granted the new ARN. Instead \`npm run plan\` reads
every \`Pulumi.<stack>.yaml\` beside the stack it plans, and refuses (exit 2)
when two of them would create the same name in one account (or the same
bucket anywhere), naming both stacks, the account, every colliding name and
the key that separates them. Set it on the stack that is not deployed yet,
e.g. \`pulumi config set ${NAMESPACE}:roleNamePrefix acme-bank-eu\`; existing
stacks keep their names, since the defaults are the names they were deployed
with. The tests of a repository's own stacks plan each of them, so a
colliding pair fails \`npm test\` before it reaches \`pulumi up\`. Stacks of
other repositories or backends in the same account are not visible to the
plan: give them their own prefixes.

## Vendor drop fields

Each entry of \`${configKey("vendorDrops")}\`:

${fieldTable(VENDOR_DROP_FIELDS)}

## Service destination fields

Each entry of \`${configKey("serviceDestinations")}\`:

${fieldTable(SERVICE_DESTINATION_FIELDS)}

## Alert subscription fields

Each entry of \`${configKey("alertSubscriptions")}\`:

${fieldTable(ALERT_SUBSCRIPTION_FIELDS)}

## Adding a setting

Every key is one entry in \`infra/config/keys.ts\`: its schema, default, fix and
the line of this page. A setting passed as it is to the components (as
\`${NAMESPACE}:encryption\` is) takes two edits:

1. an entry in \`TOP_LEVEL_KEYS\` with \`passThrough: true\`, its schema and its
   default (or a field in the entry's field table, for a per-entry setting);
2. the field in the Args of the component that uses it, read there.

Validation, the known-key list, "did you mean", the fix, the typed
\`SideConfig\`, the arguments every component is given (\`passThroughSettings\`)
and this page follow; \`npm run docs:config\` regenerates it.
`;
}
