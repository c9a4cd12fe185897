/**
 * What converge does to stacks, as an interface: the real one drives the
 * Pulumi CLI through the Automation API (`@pulumi/pulumi/automation`); tests
 * use a double of it to check the order and the stopping rules without AWS.
 */
import { spawn } from "child_process";
import * as automation from "@pulumi/pulumi/automation";
import { PULUMI_CLI_ENV } from "../cli/pulumi-cli";
import { PROJECT_ROOT } from "../root";
import { toolArgv } from "../scripts";

export interface PairWorkspace {
    /** Selects the stack, creating it first (with the secrets provider) when the backend has none: true when created. */
    ensureStack(stack: string): Promise<boolean>;
    /** The stack's outputs as plain values, as `pulumi stack output --json` prints them ({} for a stack never deployed). */
    outputs(stack: string): Promise<Record<string, unknown>>;
    /** When the stack's last update started, or undefined when it was never updated. */
    lastUpdate(stack: string): Promise<Date | undefined>;
    /** `pulumi preview --save-plan <planFile>` with the policy pack; rejects when the preview fails (nothing is changed). */
    preview(stack: string, planFile: string): Promise<void>;
    /** `pulumi up --plan <planFile>` with the policy pack: the update, held to that plan; rejects when it fails. */
    up(stack: string, planFile: string): Promise<void>;
    /** Runs `npm run <script> -- <args>` with the stack's credentials; resolves to its exit status. */
    runTool(stack: string, script: string, args: string[]): Promise<number>;
}

export interface AutomationOptions {
    /** The name the backend knows the stack by (`<org>/<stack>` or `<stack>`). */
    qualifiedName: (stack: string) => string;
    /** Environment variables of the stack's commands (its AWS profile). */
    envFor: (stack: string) => Record<string, string>;
    /** `--secrets-provider` of the stacks converge creates. */
    secretsProvider?: string;
    policyPacks: string[];
    /** The project folder (default: this checkout). */
    workDir?: string;
    /** Where the CLI's output goes, line by line as it comes. */
    log: (text: string) => void;
}

/** The Automation API's workspace, one per stack so that each runs with its own environment. */
export class AutomationWorkspace implements PairWorkspace {
    private readonly stacks = new Map<string, Promise<automation.Stack>>();

    constructor(private readonly options: AutomationOptions) {}

    /** The stack's environment (its AWS profile) for the CLI and the tools converge runs, from any checkout (PULUMI_CLI_ENV). */
    cliEnv(stack: string): Record<string, string> {
        return { ...PULUMI_CLI_ENV, ...this.options.envFor(stack) };
    }

    private workspace(stack: string): Promise<automation.LocalWorkspace> {
        return automation.LocalWorkspace.create({
            workDir: this.options.workDir ?? PROJECT_ROOT,
            envVars: this.cliEnv(stack),
            ...(this.options.secretsProvider ? { secretsProvider: this.options.secretsProvider } : {}),
        });
    }

    async ensureStack(stack: string): Promise<boolean> {
        const workspace = await this.workspace(stack);
        const name = this.options.qualifiedName(stack);
        let created = false;
        const selected = automation.Stack.select(name, workspace).catch(async (err: unknown) => {
            if (!(err instanceof automation.StackNotFoundError)) throw err;
            try {
                const made = await automation.Stack.create(name, workspace);
                created = true;
                await this.reportSecretsFields(stack, name, workspace);
                return made;
            } catch (createErr) {
                // Another job (the preview of the other side) created it meanwhile: select what it made.
                if (createErr instanceof automation.StackAlreadyExistsError) return automation.Stack.select(name, workspace);
                throw createErr;
            }
        });
        this.stacks.set(stack, selected);
        await selected;
        return created;
    }

    /**
     * `stack init` wrote the stack's secrets provider and data key into this
     * checkout's stack file only: print them to commit (docs/deploy.md, "Secrets
     * of stacks CI creates"). Until they are, converge and drift open the stack
     * through the copy kept in its state (PULUMI_CLI_ENV).
     */
    private async reportSecretsFields(stack: string, name: string, workspace: automation.LocalWorkspace): Promise<void> {
        const settings = await workspace.stackSettings(name);
        const fields = Object.entries({ secretsprovider: settings.secretsProvider, encryptedkey: settings.encryptedKey, encryptionsalt: settings.encryptionSalt }).filter(
            (field): field is [string, string] => typeof field[1] === "string" && field[1] !== "",
        );
        if (!fields.length) return;
        this.options.log(
            `${stack}: created; commit these lines of Pulumi.${stack}.yaml so that a plain pulumi command in another checkout opens it:\n${fields.map(([key, value]) => `  ${key}: ${value}\n`).join("")}`,
        );
    }

    private stack(stack: string): Promise<automation.Stack> {
        const selected = this.stacks.get(stack);
        if (!selected) throw new Error(`converge: ${stack} was not selected before use`);
        return selected;
    }

    async outputs(stack: string): Promise<Record<string, unknown>> {
        const outputs = await (await this.stack(stack)).outputs();
        return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
    }

    async lastUpdate(stack: string): Promise<Date | undefined> {
        const history = await (await this.stack(stack)).history(10);
        const update = history.find((entry) => entry.kind === "update");
        return update ? new Date(update.startTime) : undefined;
    }

    async preview(stack: string, planFile: string): Promise<void> {
        await (await this.stack(stack)).preview({ plan: planFile, policyPacks: this.options.policyPacks, onOutput: this.options.log, diff: true });
    }

    async up(stack: string, planFile: string): Promise<void> {
        await (await this.stack(stack)).up({ plan: planFile, policyPacks: this.options.policyPacks, onOutput: this.options.log });
    }

    runTool(stack: string, script: string, args: string[]): Promise<number> {
        return new Promise((resolve, reject) => {
            const child = spawn(process.execPath, [...toolArgv(script), ...args], {
                cwd: PROJECT_ROOT,
                env: { ...process.env, ...this.cliEnv(stack) },
                stdio: ["ignore", "pipe", "pipe"],
            });
            child.stdout.setEncoding("utf8").on("data", this.options.log);
            child.stderr.setEncoding("utf8").on("data", this.options.log);
            child.on("error", reject);
            child.on("close", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
        });
    }
}
