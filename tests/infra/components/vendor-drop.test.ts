/** VendorDrop built alone: one SecureBucket with the vendor's documented grants, and its key grant with SSE-KMS. */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { VendorDrop, VendorDropArgs } from "../../../infra/components/vendor-drop";
import { secureTransportStatements } from "../../../infra/policies/bucket-policy";
import { vendorWriteStatements } from "../../../infra/policies/direct-access";
import { arns, policyDocument } from "../../../infra/policies/document";
import { keyAdministrationStatement, uploadEncryptionStatements, vendorKeyGrantStatements } from "../../../infra/policies/kms";
import { T } from "../../helpers/plans";
import { assertTree, buildAlone, ComponentBuild, outputsRegisteredBy, policyOf, promiseOf, resource, TEST_ACCOUNT_ID, TEST_PARTITION, TEST_REGION } from "../../helpers/components";
import { dataBucketSettings, KMS_KEY, secureBucketTree } from "./fixtures";

const BUCKET = "acme-sailthru-drop";
const BUCKET_ARN = arns.bucket(TEST_PARTITION, BUCKET);
const VENDOR = "arn:aws:iam::777788889999:role/sailthru-writer";
const COMPONENT = "transfer:vendor:VendorDrop drop";

function buildDrop(change: Partial<VendorDropArgs>): Promise<ComponentBuild<VendorDrop>> {
    return buildAlone(
        () =>
            new VendorDrop("drop", {
                ...dataBucketSettings(),
                vendorName: "sailthru-connect",
                bucketName: BUCKET,
                region: TEST_REGION,
                principalArn: VENDOR,
                prefix: undefined,
                allowDelete: true,
                accessConfirmation: true,
                encryption: "SSE-S3",
                ...change,
            }),
    );
}

describe("VendorDrop, built alone", () => {
    describe("with SSE-S3, the whole bucket the vendor's", () => {
        let built: ComponentBuild<VendorDrop>;
        before(async () => {
            built = await buildDrop({});
        });

        it("is one logged, kept SecureBucket under it, named after it", () => {
            assertTree(built, [COMPONENT, ...secureBucketTree("drop", COMPONENT, { kms: false, logged: true, protect: true })]);
        });

        it("registers the bucket's name", () => {
            assert.deepStrictEqual(outputsRegisteredBy(built), { bucketName: BUCKET });
        });

        it("wires the vendor's grants the builder returns, Sids from the vendor's name", () => {
            assert.deepStrictEqual(
                policyOf(resource(built, T.policy, "drop")),
                policyDocument([
                    ...secureTransportStatements(BUCKET_ARN),
                    ...uploadEncryptionStatements(BUCKET_ARN, undefined),
                    ...vendorWriteStatements({
                        sidName: "sailthruconnect",
                        bucketArn: BUCKET_ARN,
                        principalArn: VENDOR,
                        prefix: undefined,
                        allowDelete: true,
                        accessConfirmation: true,
                    }),
                ]),
            );
        });
    });

    describe("with SSE-KMS under a prefix, without deletes or the confirmation object", () => {
        let built: ComponentBuild<VendorDrop>;
        let keyArn: string;
        before(async () => {
            built = await buildDrop({ encryption: "SSE-KMS", prefix: "exports", allowDelete: false, accessConfirmation: false, protectBuckets: false });
            keyArn = await promiseOf(built.component.bucket.kmsKeyArn as pulumi.Output<string>);
        });

        it("adds the bucket's key; unprotected, everything is still retained", () => {
            assertTree(built, [COMPONENT, ...secureBucketTree("drop", COMPONENT, { kms: true, logged: true, protect: false })]);
        });

        it("registers the key's ARN too", () => {
            assert.deepStrictEqual(outputsRegisteredBy(built), { bucketName: BUCKET, kmsKeyArn: keyArn });
        });

        it("grants the vendor the key for multipart uploads, and the narrowed writes", () => {
            assert.deepStrictEqual(
                policyOf(resource(built, KMS_KEY, "drop")),
                policyDocument([
                    keyAdministrationStatement(TEST_PARTITION, TEST_ACCOUNT_ID),
                    ...vendorKeyGrantStatements({ sid: "sailthruconnectMultipartUpload", principalArn: VENDOR, region: TEST_REGION, bucketArn: BUCKET_ARN }),
                ]),
            );
            assert.deepStrictEqual(
                policyOf(resource(built, T.policy, "drop")),
                policyDocument([
                    ...secureTransportStatements(BUCKET_ARN),
                    ...uploadEncryptionStatements(BUCKET_ARN, keyArn),
                    ...vendorWriteStatements({
                        sidName: "sailthruconnect",
                        bucketArn: BUCKET_ARN,
                        principalArn: VENDOR,
                        prefix: "exports",
                        allowDelete: false,
                        accessConfirmation: false,
                    }),
                ]),
            );
        });
    });
});
