/** The S3 client the canary uses, and what its errors mean to an operator. */
import { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";

/** The error an http:// request is refused with, before it is signed or sent. */
export class InsecureEndpointError extends Error {
    constructor(url: string) {
        super(`refusing to send an S3 request over ${url}: the canary talks to S3 over HTTPS only (the buckets deny plain HTTP anyway)`);
        this.name = "InsecureEndpointError";
    }
}

/**
 * Last line of defence for HTTPS: whatever resolved the endpoint (a profile's
 * endpoint_url, an SDK change), a request that is not https is never sent.
 */
export function enforceHttps(client: S3Client): S3Client {
    client.middlewareStack.add(
        (next) => async (args) => {
            const request = args.request as { protocol?: string; hostname?: string; path?: string } | undefined;
            if (request && request.protocol !== "https:") {
                throw new InsecureEndpointError(`${request.protocol ?? "?"}//${request.hostname ?? "?"}${request.path ?? ""}`);
            }
            return next(args);
        },
        { step: "finalizeRequest", name: "canaryHttpsOnly", priority: "high" },
    );
    return client;
}

/** Only what a test needs to replace; the endpoint cannot be among it. */
export type S3ClientOverrides = Pick<S3ClientConfig, "credentials" | "requestHandler" | "maxAttempts">;

/**
 * One client per region, with the SDK's default credential chain (env, SSO,
 * profile, container and instance roles). Endpoint URLs from the environment
 * or the shared config file (AWS_ENDPOINT_URL_S3, endpoint_url) are ignored,
 * as they could point the canary at http:// or at something that is not S3.
 */
export function createS3Client(region: string, overrides: S3ClientOverrides = {}): S3Client {
    return enforceHttps(new S3Client({ ...overrides, region, tls: true, ignoreConfiguredEndpointUrls: true }));
}

export type S3ErrorKind =
    /** 403 from S3 or KMS: the caller lacks a permission, or the bucket's owner is not the expected account. */
    | "denied"
    /** No credentials, or S3 does not accept them: nothing about the link is known. */
    | "credentials"
    | "no-such-bucket"
    /** The object version is gone (404 on HEAD). */
    | "not-found"
    /** The bucket is in another region than the outputs say. */
    | "wrong-region"
    | "insecure"
    /** Throttling, 5xx or a network error that outlived the SDK's retries: worth another poll. */
    | "transient"
    | "other";

export interface S3Failure {
    kind: S3ErrorKind;
    /** The error code (`AccessDenied`), or the SDK's name for a bodiless HEAD response. */
    code: string;
    httpStatus?: number;
    message: string;
}

const CREDENTIAL_CODES = new Set([
    "CredentialsProviderError",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "ExpiredTokenException",
]);
const DENIED_CODES = new Set(["AccessDenied", "Forbidden", "AllAccessDisabled", "AccessDeniedException"]);
const TRANSIENT_CODES = new Set(["SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "InternalError", "ServiceUnavailable", "TimeoutError"]);
const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH"]);

export function classifyS3Error(err: unknown): S3Failure {
    const e = (err ?? {}) as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const code = e.Code ?? e.name ?? "Error";
    const httpStatus = e.$metadata?.httpStatusCode;
    const message = e.message && e.message !== "UnknownError" ? e.message : httpStatus ? `HTTP ${httpStatus} without an error body` : code;
    const failure = (kind: S3ErrorKind): S3Failure => ({ kind, code, ...(httpStatus !== undefined ? { httpStatus } : {}), message });
    if (err instanceof InsecureEndpointError) return failure("insecure");
    // Credential codes before the 403 test: S3 answers a bad key or signature with 403 too.
    if (CREDENTIAL_CODES.has(code)) return failure("credentials");
    // A 403 too, but about the local clock; AWS's message says so.
    if (code === "RequestTimeTooSkewed") return failure("other");
    if (DENIED_CODES.has(code) || httpStatus === 403) return failure("denied");
    if (code === "NoSuchBucket") return failure("no-such-bucket");
    if (code === "PermanentRedirect" || code === "AuthorizationHeaderMalformed" || code === "IllegalLocationConstraintException" || httpStatus === 301) {
        return failure("wrong-region");
    }
    if (code === "NotFound" || code === "NoSuchKey" || code === "NoSuchVersion" || httpStatus === 404) return failure("not-found");
    if (TRANSIENT_CODES.has(code) || (httpStatus !== undefined && httpStatus >= 500) || httpStatus === 429 || (e.code !== undefined && NETWORK_CODES.has(e.code))) {
        return failure("transient");
    }
    return failure("other");
}
