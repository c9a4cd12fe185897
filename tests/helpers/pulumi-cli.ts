/**
 * The Pulumi and AWS CLI commands this project's docs and hints use, with the
 * flags each takes: what a test checks a shown `pulumi ...` or `aws ...`
 * against, since neither CLI can run here. The Pulumi flags are those the
 * commands define in pulumi/pulumi (pkg/cmd/pulumi/..., read at commit
 * 1b5949891b: https://github.com/pulumi/pulumi/tree/master/pkg/cmd/pulumi), the
 * subset a person would type; the AWS commands are in the AWS CLI Command
 * Reference (https://docs.aws.amazon.com/cli/latest/reference/).
 */

export interface PulumiCommand {
    flags: string[];
    /** Where the command defines its flags. */
    source: string;
}

/** Flags every Pulumi command takes (pkg/cmd/pulumi/pulumi.go, PersistentFlags). */
export const PULUMI_GLOBAL_FLAGS = ["color", "cwd", "C", "non-interactive", "emoji", "e", "verbose", "v", "logtostderr", "fully-qualify-stack-names", "help", "h"];

const OPERATION = [
    "stack",
    "s",
    "config-file",
    "config",
    "c",
    "diff",
    "expect-no-changes",
    "json",
    "j",
    "message",
    "m",
    "parallel",
    "p",
    "policy-pack",
    "policy-pack-config",
    "refresh",
    "r",
    "replace",
    "show-config",
    "show-replacement-steps",
    "show-sames",
    "show-secrets",
    "skip-preview",
    "f",
    "suppress-outputs",
    "suppress-permalink",
    "target",
    "t",
    "target-dependents",
    "yes",
    "y",
];

export const PULUMI_COMMANDS: Record<string, PulumiCommand> = {
    login: { flags: ["cloud-url", "c", "default-org", "insecure", "local", "l"], source: "pkg/cmd/pulumi/auth/login.go" },
    // --plan is defined in up.go (hidden from --help unless PULUMI_EXPERIMENTAL is set), and the Automation API passes it.
    up: { flags: [...OPERATION, "plan"], source: "pkg/cmd/pulumi/operations/up.go" },
    preview: { flags: [...OPERATION, "save-plan"], source: "pkg/cmd/pulumi/operations/preview.go" },
    refresh: { flags: [...OPERATION, "preview-only", "exclude", "x"], source: "pkg/cmd/pulumi/operations/refresh.go" },
    import: {
        flags: [
            "parent",
            "provider",
            "properties",
            "file",
            "f",
            "out",
            "o",
            "generate-code",
            "message",
            "m",
            "stack",
            "s",
            "config-file",
            "diff",
            "preview-only",
            "skip-preview",
            "json",
            "j",
            "yes",
            "y",
            "protect",
            "from",
        ],
        source: "pkg/cmd/pulumi/operations/import.go",
    },
    destroy: { flags: [...OPERATION, "exclude-protected"], source: "pkg/cmd/pulumi/operations/destroy.go" },
    new: { flags: ["name", "n", "stack", "s", "yes", "y"], source: "pkg/cmd/pulumi/project/newcmd/new.go" },
    "stack init": { flags: ["secrets-provider", "stack", "s", "copy-config-from", "no-select"], source: "pkg/cmd/pulumi/stack/stack_new.go (init is its alias)" },
    "stack select": { flags: ["create", "c", "secrets-provider", "stack", "s"], source: "pkg/cmd/pulumi/stack/stack_select.go" },
    "stack ls": { flags: ["all", "a", "organization", "o", "project", "p", "tag", "t"], source: "pkg/cmd/pulumi/stack/stack_list.go (ls is its alias)" },
    "stack output": { flags: ["json", "j", "shell", "show-secrets", "stack", "s"], source: "pkg/cmd/pulumi/stack/stack_output.go" },
    "stack export": { flags: ["file", "show-secrets", "stack", "s", "version"], source: "pkg/cmd/pulumi/stack/stack_export.go" },
    "config set": { flags: ["config-file", "path", "plaintext", "secret", "stack", "s", "type"], source: "pkg/cmd/pulumi/config/config.go" },
    "config rm": { flags: ["config-file", "path", "stack", "s"], source: "pkg/cmd/pulumi/config/config.go" },
    "config get": { flags: ["config-file", "json", "j", "path", "stack", "s"], source: "pkg/cmd/pulumi/config/config.go" },
    config: { flags: ["config-file", "json", "j", "show-secrets", "stack", "s"], source: "pkg/cmd/pulumi/config/config.go" },
    "policy publish": { flags: [], source: "pkg/cmd/pulumi/policy/policy_publish.go" },
    "state unprotect": { flags: ["all", "stack", "s", "yes", "y"], source: "pkg/cmd/pulumi/state/state_unprotect.go" },
};

/** AWS CLI operations the docs show, by service (https://docs.aws.amazon.com/cli/latest/reference/<service>/<operation>.html). */
export const AWS_COMMANDS: Record<string, string[]> = {
    s3: ["ls"],
    s3api: ["delete-object", "head-object", "get-object", "put-bucket-logging"],
    s3control: ["create-job", "describe-job"],
    athena: ["start-query-execution"],
    cloudtrail: ["get-event-selectors", "put-event-selectors"],
    sts: ["get-caller-identity"],
    iam: ["update-role"],
};
