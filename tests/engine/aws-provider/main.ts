/**
 * Entry point of the stand-in `pulumi-resource-aws` plugin (plugin/pulumi-resource-aws runs it; not bin/, which .gitignore keeps out of git).
 *
 * The Node.js provider SDK answers Configure itself and drops the configuration
 * (@pulumi/pulumi provider/server.js, `configure`), but the AWS provider's region and
 * allowedAccountIds decide ARNs and whether it may run at all. So before the SDK registers its
 * gRPC service, Configure is wrapped to hand the configuration to the stand-in first; every
 * other method is the SDK's.
 */
import * as path from "path";
import * as provider from "@pulumi/pulumi/provider";
import { StandInCloud } from "./cloud";
import { ProviderConfig, StandInAwsProvider } from "./provider";

type GrpcModule = typeof import("@grpc/grpc-js");
// The gRPC module the SDK itself loads, so the wrapper sits on the server it creates.
const grpc: GrpcModule = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));

interface ConfigureRequest {
    getVariablesMap(): { entries(): Iterable<[string, string]> };
    getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** Configure's inputs: `args` when the engine sends them, else the legacy `aws:config:<key>` variables; non-strings arrive JSON-encoded. */
export function providerConfigOf(request: ConfigureRequest): ProviderConfig {
    const values: Record<string, unknown> = { ...request.getArgs()?.toJavaScript() };
    for (const [key, value] of request.getVariablesMap().entries()) {
        const short = key.replace(/^aws:(config:)?/, "");
        if (!(short in values)) values[short] = value;
    }
    const decoded = (value: unknown): unknown => {
        if (typeof value !== "string") return value;
        try {
            return JSON.parse(value);
        } catch {
            return value;
        }
    };
    const allowed = decoded(values.allowedAccountIds);
    const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (typeof region !== "string" || !region) throw new Error("The stand-in aws provider needs a region: set aws:region or the provider's region");
    return { region, allowedAccountIds: Array.isArray(allowed) ? allowed.map(String) : [] };
}

export function serve(args: string[]): Promise<void> {
    const standIn = new StandInAwsProvider(StandInCloud.fromEnvironment(), process.env.STANDIN_AWS_ACCOUNT_ID || undefined);
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service, implementation) {
        const sdkConfigure = implementation.configure as import("@grpc/grpc-js").handleUnaryCall<ConfigureRequest, unknown>;
        const configure: import("@grpc/grpc-js").handleUnaryCall<ConfigureRequest, unknown> = (call, callback) => {
            try {
                standIn.configure(providerConfigOf(call.request));
            } catch (err) {
                callback({ code: grpc.status.FAILED_PRECONDITION, details: (err as Error).message });
                return;
            }
            sdkConfigure.call(implementation, call, callback);
        };
        implementation.configure = configure as import("@grpc/grpc-js").UntypedHandleCall;
        return addService.call(this, service, implementation);
    };
    return provider.main(standIn, args);
}

if (require.main === module) void serve(process.argv.slice(2));
