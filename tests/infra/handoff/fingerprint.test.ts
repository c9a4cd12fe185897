/** The hand-over fingerprint: SHA-256 of the RFC 8785 canonical form, read aloud in groups. */
import * as assert from "assert";
import { createHash } from "crypto";
import fc from "fast-check";
import { destinationFingerprint } from "../../../infra/contract/endpoints";
import { canonicalForm, fingerprintOf, formatFingerprint, parseFingerprint } from "../../../infra/handoff/fingerprint";

const sample = {
    $schema: "urn:s3-transfer:handover:v1",
    version: 1,
    from: { party: "acme-bank", accountId: "111122223333" },
    link: { deleteMarkerReplication: false },
    needsBack: ["region"],
};

describe("hand-over fingerprint", () => {
    it("canonicalises as RFC 8785 does (the RFC's own example, section 3.2.2)", () => {
        // https://www.rfc-editor.org/rfc/rfc8785#section-3.2.2
        const input = JSON.parse(
            '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
        );
        assert.strictEqual(canonicalForm(input), '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
    });

    it("is the full SHA-256 of the canonical form, in 16 groups of 4 hex digits", () => {
        const hex = createHash("sha256").update(canonicalForm(sample)).digest("hex");
        assert.strictEqual(fingerprintOf(sample), hex.match(/.{4}/g)!.join("-"));
        assert.match(fingerprintOf(sample), /^[0-9a-f]{4}(-[0-9a-f]{4}){15}$/);
    });

    it("does not depend on key order, indentation or line endings, only on values", () => {
        const reordered = JSON.parse(
            JSON.stringify(
                { needsBack: sample.needsBack, link: sample.link, from: { accountId: "111122223333", party: "acme-bank" }, version: 1, $schema: sample.$schema },
                null,
                4,
            ).replace(/\n/g, "\r\n"),
        );
        assert.strictEqual(fingerprintOf(reordered), fingerprintOf(sample));
    });

    it("changes with any change of any value (property)", () => {
        fc.assert(
            fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
                fc.pre(canonicalForm(a) !== canonicalForm(b));
                return fingerprintOf({ x: a }) !== fingerprintOf({ x: b });
            }),
            { numRuns: 300 },
        );
    });

    it("accepts the grouping and case a reader types, nothing else", () => {
        const fp = fingerprintOf(sample);
        const hex = fp.replace(/-/g, "");
        for (const typed of [
            fp,
            fp.toUpperCase(),
            hex,
            fp.replace(/-/g, " "),
            hex.match(/.{2}/g)!.join(":"),
            ` ${hex.match(/.{8}/g)!.join("  ")} `,
            `SHA256:${hex}`,
            hex.match(/.{4}/g)!.join("."),
        ]) {
            assert.deepStrictEqual(parseFingerprint(typed), { fingerprint: fp }, typed);
        }
        const flipped = (i: number) => hex.slice(0, i) + (hex[i] === "0" ? "1" : "0") + hex.slice(i + 1);
        for (const typed of [hex.slice(0, 32), hex.slice(0, 63), `${hex}0`, hex.replace(/0/, "o"), `${hex.slice(0, 10)}g${hex.slice(11)}`, "", `sha1:${hex}`]) {
            assert.ok("problem" in parseFingerprint(typed), `accepted ${JSON.stringify(typed)}`);
        }
        for (let i = 0; i < 64; i += 7) assert.notStrictEqual((parseFingerprint(flipped(i)) as { fingerprint: string }).fingerprint, fp);
    });

    it("formats what it parses back to itself", () => {
        fc.assert(
            fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), (hex) => (parseFingerprint(formatFingerprint(hex)) as { fingerprint: string }).fingerprint === formatFingerprint(hex)),
        );
    });

    it("fingerprints a destination by its values, ignoring absent ones", () => {
        const destination = { accountId: "111122223333", ingressBucketArn: "arn:aws:s3:::b" };
        assert.strictEqual(destinationFingerprint({ ...destination, region: undefined }), destinationFingerprint(destination));
        assert.notStrictEqual(destinationFingerprint({ ...destination, replicationRoleArn: "arn:aws:iam::111122223333:role/r" }), destinationFingerprint(destination));
        assert.notStrictEqual(destinationFingerprint({ ...destination, accountId: "111122223334" }), destinationFingerprint(destination));
    });
});
