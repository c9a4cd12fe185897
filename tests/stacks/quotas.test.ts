/**
 * No AWS limit within reach of a realistic side: a publisher with 300 SSE-KMS
 * partners, bucket names of S3's full 63 characters and a trail of object
 * events plans with every document under its limit (tools/bench/quotas.ts
 * lists each limit with its AWS page). Planning 300 partners takes more than
 * a minute, so the test plans two sizes of the same generated side and
 * projects each document's growth per counterpart, to 1,000 counterparts so
 * that 300 is far from every limit; `npm run bench` prints the 300-partner
 * figures themselves.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { DOCUMENT_LIMITS, largestDocuments, selectorValues } from "../../tools/bench/quotas";
import { partnersConfig } from "../../tools/gen-partners";
import { Plan } from "../../tools/plan/engine";
import { planUncached } from "../helpers/plans";

/** The target is 300; gen-partners goes to 1,000, and so does the projection, so that 300 is far from every limit. */
const TARGET = 1000;
const SMALL = 2;
const LARGER = 12;

function generated(side: Side, count: number): Promise<Plan> {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "quotas-")), `${side}-${count}.yaml`);
    fs.writeFileSync(file, YAML.stringify(partnersConfig(count, { side, sseKms: true, bucketNameLength: 63, auditTrail: true })));
    return planUncached({ stack: `quotas-${side}-${count}`, configFile: file });
}

type Side = "publisher" | "partner";

// Both sides: a publisher with hundreds of partners, and a data partner that works with hundreds of publishers.
for (const side of ["publisher", "partner"] as const)
    describe(`AWS limits, for a ${side} side of up to ${TARGET} SSE-KMS counterparts with 63-character bucket names (theirs too)`, () => {
        let small: Plan;
        let larger: Plan;
        before(async () => {
            small = await generated(side, SMALL);
            larger = await generated(side, LARGER);
        });

        it("the generated side is the one the target names: SSE-KMS, 63-character bucket names (the counterparts' too), replicating, with a trail", () => {
            const buckets = larger.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => String(r.inputs.bucket));
            assert.strictEqual(Math.max(...buckets.map((b) => b.length)), 63);
            const destinations = larger.resources
                .filter((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
                .flatMap((r) => (r.inputs.rules as { destination: { bucket: string } }[]).map((rule) => rule.destination.bucket.split(":::")[1]));
            assert.ok(destinations.length > 0 && destinations.every((b) => b.length === 63), `the counterparts' buckets: ${destinations.join(", ")}`);
            assert.strictEqual(larger.resources.filter((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig").length, LARGER);
            assert.strictEqual(larger.resources.filter((r) => r.type === "aws:kms/key:Key" && r.urn.includes("SecureBucket")).length, 2 * LARGER);
            assert.strictEqual(larger.resources.filter((r) => r.type === "aws:cloudtrail/trail:Trail").length, 1);
        });

        for (const kind of Object.keys(DOCUMENT_LIMITS) as (keyof typeof DOCUMENT_LIMITS)[]) {
            const { kind: what, limit, unit, source } = DOCUMENT_LIMITS[kind];
            it(`${what}: under ${limit} ${unit} at ${TARGET} counterparts, projected from the growth between ${SMALL} and ${LARGER} (${source})`, () => {
                const at = (p: Plan) => largestDocuments(p).find((d) => d.kindId === kind)!;
                const [a, b] = [at(small), at(larger)];
                assert.ok(b.size <= limit, `${b.of}: ${b.size} ${unit} already at ${LARGER}`);
                const perCounterpart = Math.max(0, (b.size - a.size) / (LARGER - SMALL));
                const projected = Math.ceil(b.size + perCounterpart * (TARGET - LARGER));
                assert.ok(projected <= limit, `${what} grows by ${perCounterpart.toFixed(1)} ${unit} per counterpart: about ${projected} at ${TARGET}, over ${limit} (${b.of})`);
            });
        }

        it("counts what AWS counts: every value of every operator of every selector, the field's name aside", () => {
            assert.strictEqual(
                selectorValues([
                    {
                        fieldSelectors: [
                            { field: "eventCategory", equals: ["Data"] },
                            { field: "resources.ARN", startsWiths: ["a", "b"], notStartsWiths: ["c"] },
                        ],
                    },
                    { fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
                ]),
                5,
            );
        });
    });
