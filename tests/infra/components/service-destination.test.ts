/** ServiceDestination built alone: a SecureBucket and the role a data-sync service assumes to write into it. */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ServiceDestination, ServiceDestinationArgs } from "../../../infra/components/service-destination";
import { serviceTrustPolicy, serviceWritePolicy } from "../../../infra/policies/direct-access";
import { arns } from "../../../infra/policies/document";
import { T } from "../../helpers/plans";
import { assertTree, buildAlone, ComponentBuild, outputsRegisteredBy, policyOf, promiseOf, resource, TEST_ACCOUNT_ID, TEST_PARTITION, TEST_REGION } from "../../helpers/components";
import { dataBucketSettings, secureBucketTree } from "./fixtures";

const BUCKET = "acme-fivetran-dest";
const BUCKET_ARN = arns.bucket(TEST_PARTITION, BUCKET);
const ROLE = "acme-fivetran-writer";
const SERVICE = "arn:aws:iam::834469178297:root";
const EXTERNAL_ID = "acme-connection-1";
const COMPONENT = "transfer:service:ServiceDestination sync";

function buildDestination(change: Partial<ServiceDestinationArgs>): Promise<ComponentBuild<ServiceDestination>> {
    return buildAlone(
        () =>
            new ServiceDestination("sync", {
                ...dataBucketSettings(),
                bucketName: BUCKET,
                roleName: ROLE,
                region: TEST_REGION,
                servicePrincipalArn: SERVICE,
                externalId: EXTERNAL_ID,
                prefix: "fivetran",
                connectionTestPending: true,
                encryption: "SSE-S3",
                ...change,
            }),
    );
}

const treeWith = (kms: boolean) => [
    COMPONENT,
    ...secureBucketTree("sync", COMPONENT, { kms, logged: true, protect: true }),
    `${T.role} sync-writer < ${COMPONENT}`,
    `${T.rolePolicy} sync-writer < ${COMPONENT}`,
];

describe("ServiceDestination, built alone", () => {
    describe("with SSE-S3 and the connection test pending", () => {
        let built: ComponentBuild<ServiceDestination>;
        before(async () => {
            built = await buildDestination({});
        });

        it("registers the kept bucket and the writer role with its policy under it, named after it", () => {
            assertTree(built, treeWith(false));
        });

        it("registers the bucket's name and the role's ARN", () => {
            assert.deepStrictEqual(outputsRegisteredBy(built), { bucketName: BUCKET, roleArn: arns.role(TEST_PARTITION, TEST_ACCOUNT_ID, ROLE) });
        });

        it("wires the trust and write policies the builders return, deletes allowed for the test", () => {
            const role = resource(built, T.role, "sync-writer");
            assert.deepStrictEqual([role.inputs.name, role.inputs.maxSessionDuration], [ROLE, 3600]);
            assert.deepStrictEqual(policyOf(role, "assumeRolePolicy"), serviceTrustPolicy({ servicePrincipalArn: SERVICE, externalId: EXTERNAL_ID }));
            const permissions = resource(built, T.rolePolicy, "sync-writer");
            assert.deepStrictEqual([permissions.inputs.role, permissions.inputs.name], [ROLE, "write-destination"]);
            assert.deepStrictEqual(
                policyOf(permissions),
                serviceWritePolicy({ bucketArn: BUCKET_ARN, prefix: "fivetran", connectionTestPending: true, kmsKeyArn: undefined, region: TEST_REGION }),
            );
        });

        it("warns that the service may still delete, and says how to make it append-only", () => {
            assert.deepStrictEqual(built.plan.warnings.filter((w) => w.startsWith(`${BUCKET}:`)).length, 1);
            assert.match(built.plan.warnings[0], /set connectionTestPending: false on this service destination and run pulumi up/);
        });
    });

    describe("with SSE-KMS once the connection test has passed", () => {
        let built: ComponentBuild<ServiceDestination>;
        let keyArn: string;
        before(async () => {
            built = await buildDestination({ encryption: "SSE-KMS", connectionTestPending: false });
            keyArn = await promiseOf(built.component.bucket.kmsKeyArn as pulumi.Output<string>);
        });

        it("adds the bucket's key, and registers its ARN", () => {
            assertTree(built, treeWith(true));
            assert.deepStrictEqual(outputsRegisteredBy(built), { bucketName: BUCKET, roleArn: arns.role(TEST_PARTITION, TEST_ACCOUNT_ID, ROLE), kmsKeyArn: keyArn });
        });

        it("lets the role use the key and write append-only, and warns of nothing", () => {
            assert.deepStrictEqual(
                policyOf(resource(built, T.rolePolicy, "sync-writer")),
                serviceWritePolicy({ bucketArn: BUCKET_ARN, prefix: "fivetran", connectionTestPending: false, kmsKeyArn: keyArn, region: TEST_REGION }),
            );
            assert.deepStrictEqual(built.plan.warnings, []);
        });
    });
});
