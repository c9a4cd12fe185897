// AWS partitions and the ARN shapes the policies match. Every ARN pattern of the
// pack goes through here, so that a bucket, key or role in GovCloud, China, the
// ISO regions or the European Sovereign Cloud is matched like one in `aws`, and a
// fix a message suggests is written in the resource's own partition (S3 rejects
// an `arn:aws:` ARN in `aws-us-gov`).
//
// The table mirrors the AWS SDK's partitions.json (`id`, `regionRegex`);
// tests/policy-pack/arns.test.ts compares it with the copy in @aws-sdk/core.
// https://github.com/aws/aws-sdk-js-v3/blob/main/packages/util-endpoints/src/lib/aws/partitions.json
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html

import { globMatch } from "./glob";

export const PARTITIONS: ReadonlyArray<{ id: string; regionRegex: RegExp }> = [
    { id: "aws", regionRegex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/ },
    { id: "aws-cn", regionRegex: /^cn-\w+-\d+$/ },
    { id: "aws-eusc", regionRegex: /^eusc-(de)-\w+-\d+$/ },
    { id: "aws-iso", regionRegex: /^us-iso-\w+-\d+$/ },
    { id: "aws-iso-b", regionRegex: /^us-isob-\w+-\d+$/ },
    { id: "aws-iso-e", regionRegex: /^eu-isoe-\w+-\d+$/ },
    { id: "aws-iso-f", regionRegex: /^us-isof-\w+-\d+$/ },
    { id: "aws-us-gov", regionRegex: /^us-gov-\w+-\d+$/ },
];

export const PARTITION_IDS: readonly string[] = PARTITIONS.map((p) => p.id);

/** The partition of a region, or undefined for a name no partition claims. */
export function partitionOfRegion(region: string): string | undefined {
    return PARTITIONS.find((p) => p.regionRegex.test(region))?.id;
}

/** The partition an ARN names (`arn:aws-us-gov:s3:::x` → `aws-us-gov`), if it is one we know. */
export function partitionOfArn(arn: string): string | undefined {
    const m = /^arn:([^:]+):/.exec(arn);
    return m && PARTITION_IDS.includes(m[1]) ? m[1] : undefined;
}

/** The first known partition named by an ARN anywhere in this text (a policy document, say). */
export function partitionIn(text: string): string | undefined {
    const re = /arn:([a-z-]+):/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
        if (PARTITION_IDS.includes(m[1])) {
            return m[1];
        }
    }
    return undefined;
}

/** ARN shapes, in a given partition. */
export const arns = {
    bucket: (partition: string, bucket: string) => `arn:${partition}:s3:::${bucket}`,
    objects: (partition: string, bucket: string) => `arn:${partition}:s3:::${bucket}/*`,
    accountRoot: (partition: string, account: string) => `arn:${partition}:iam::${account}:root`,
};

/** The bucket name in an S3 ARN of any partition (`arn:aws-cn:s3:::name/key` → `name`), or the input itself. */
export function bucketNameFromRef(ref: string): string {
    const m = /^arn:[^:]+:s3:::([^/]+)/.exec(ref);
    return m ? m[1] : ref;
}

/** The partitions a pattern can match: the one it names, or all when that part has a wildcard. */
function partitionsOf(pattern: string): readonly string[] {
    const m = /^arn:([^:]*):/.exec(pattern);
    if (!m) {
        return PARTITION_IDS;
    }
    if (/[*?]/.test(m[1])) {
        return PARTITION_IDS;
    }
    return PARTITION_IDS.includes(m[1]) ? [m[1]] : [];
}

/**
 * The partitions in which a pattern can match a bucket of this partition: that
 * one, when the pattern names it or has a wildcard there; none otherwise. An ARN
 * of another partition never matches a resource in AWS (`arn:aws:s3:::b` does
 * not name the GovCloud bucket `b`), so it must not count as covering it.
 */
function inPartition(pattern: string, partition: string): readonly string[] {
    return partitionsOf(pattern).includes(partition) ? [partition] : [];
}

/** Does this Resource pattern match the bucket's own ARN in the bucket's partition? */
export function coversBucket(pattern: string, bucketName: string, partition: string): boolean {
    if (pattern === "*") {
        return true;
    }
    return inPartition(pattern, partition).some((p) => {
        const arn = arns.bucket(p, bucketName);
        return pattern === arn || globMatch(pattern, arn);
    });
}

/**
 * Does this Resource pattern match every object of the bucket, in the bucket's
 * partition? True when it ends in `*` and what precedes that star matches a
 * prefix of `arn:<partition>:s3:::name/`.
 */
export function coversAllObjects(pattern: string, bucketName: string, bucketPartition: string): boolean {
    if (!pattern.endsWith("*")) {
        return false;
    }
    const head = pattern.slice(0, -1);
    for (const partition of inPartition(pattern, bucketPartition)) {
        const prefix = `arn:${partition}:s3:::${bucketName}/`;
        if (head === prefix) {
            return true;
        }
        for (let k = 0; k <= prefix.length; k++) {
            if (globMatch(head, prefix.slice(0, k))) {
                return true;
            }
        }
    }
    return false;
}

// Two bucket names with no character in common: a pattern matching both names no
// bucket in particular.
const PROBES = ["a", "9.0-1"];

/**
 * A Resource pattern that names every bucket or every object of every bucket,
 * however it is spelled: `*`, `arn:aws:s3:::*`, `arn:*:s3:::*`, the objects of
 * every bucket (a star, a slash and a star after `arn:aws:s3:::`),
 * `arn:aws-us-gov:s3:::*`, `arn:*:*:*:*:*`, `arn:aws:s3:::*?`…
 */
export function namesEveryBucket(pattern: string): boolean {
    if (pattern === "*") {
        return true;
    }
    return partitionsOf(pattern).some((p) => PROBES.every((b) => globMatch(pattern, arns.bucket(p, b))) || PROBES.every((b) => globMatch(pattern, `${arns.bucket(p, b)}/${b}`)));
}
