// Block Public Access as S3 applies it: "the most restrictive combination of the
// bucket-level and account-level settings" (and, through an access point or
// Multi-Region Access Point, theirs too), with the account of each resource decided
// from the provider that deploys it.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/multi-region-access-point-block-public-access.html
// https://www.pulumi.com/registry/packages/aws/api-docs/s3/accountpublicaccessblock/
import * as assert from "assert";
import type { ExportResource } from "../../policy-pack/offline";
import { noPublicAccess } from "../../policy-pack/policies";
import {
    ACCOUNT,
    accountProvider,
    compliantStack,
    doc,
    find,
    N,
    nativeAccessPoint,
    nativeDocument,
    nativeMultiRegionAccessPoint,
    nativeStack,
    NURN,
    PARTNER_ACCOUNT,
    provider,
    providerRef,
    res,
    T,
    U,
    urn,
    URN,
    without,
} from "./fixtures";
import { forPolicy } from "./harness";

const { decide, compliant, violation, undecided } = forPolicy(noPublicAccess);

const ALL = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

/** The compliant stack whose egress block leaves `off` false, with an account-level block of `flags` through `via` (the default provider when absent). */
function withAccountBlock(off: string[], flags: Record<string, unknown>, via?: ExportResource, extra: Record<string, unknown> = {}): ExportResource[] {
    const stack = compliantStack();
    for (const f of off) {
        find(stack, "egress-public-access-block").inputs[f] = false;
    }
    if (via) {
        stack.push(via);
    }
    stack.push(res(T.accountPab, "account", { ...flags, ...extra }, via ? { provider: providerRef(via) } : {}));
    return stack;
}

describe("Block Public Access: the account's and the bucket's settings combined", () => {
    it("compliant: the bucket's block lacks two flags the program's account-level block for the same account sets", () =>
        compliant(withAccountBlock(["blockPublicPolicy", "restrictPublicBuckets"], ALL)));

    it("compliant: a native bucket's publicAccessBlockConfiguration lacks two flags a classic account-level block sets (both through default providers, one set of credentials)", () => {
        const stack = nativeStack();
        find(stack, "egress").inputs.publicAccessBlockConfiguration = { blockPublicAcls: true, ignorePublicAcls: true };
        stack.push(res(T.accountPab, "account", ALL));
        compliant(stack);
    });

    it("violation: neither level sets restrictPublicBuckets; the message names both levels", () => {
        const v = violation(
            withAccountBlock(["restrictPublicBuckets"], { ...ALL, restrictPublicBuckets: false }),
            URN.egressPublicAccessBlock,
            '"restrictPublicBuckets"',
            "account-level block",
        );
        assert.match(v.message, /most restrictive combination/);
    });

    it("violation: an account-level block through a provider for another account covers nothing here", () => {
        const partner = accountProvider("partner", PARTNER_ACCOUNT);
        const v = violation(
            withAccountBlock(["blockPublicPolicy"], ALL, partner),
            URN.egressPublicAccessBlock,
            '"blockPublicPolicy"',
            `account ${PARTNER_ACCOUNT}`,
            "covers nothing here",
        );
        assert.match(v.message, /provider "partner"/);
    });

    it("compliant: the same block through a provider for the bucket's own account (allowedAccountIds on the bucket's provider, assumeRoles on the block's)", () => {
        const own = provider(T.provider, "own", { region: "eu-west-1", allowedAccountIds: JSON.stringify([ACCOUNT]) });
        const stack = withAccountBlock(["blockPublicPolicy"], ALL, accountProvider("admin", ACCOUNT));
        stack.push(own);
        for (const r of stack.filter((x) => x.type.startsWith("aws:s3/") && x.type !== T.accountPab)) {
            r.provider = providerRef(own);
        }
        compliant(stack);
    });

    it("compliant: accountId on the block, through the bucket's own provider", () => compliant(withAccountBlock(["blockPublicPolicy"], ALL, undefined, { accountId: ACCOUNT })));

    it("violation: two account-level blocks for one account overwrite each other, so the program has one of them, not the better", () => {
        const stack = withAccountBlock(["ignorePublicAcls"], ALL);
        stack.push(res(T.accountPab, "account-2", { ...ALL, ignorePublicAcls: false }));
        violation(stack, URN.egressPublicAccessBlock, '"ignorePublicAcls"');
    });

    it("violation: two BucketPublicAccessBlocks on one bucket overwrite each other too", () => {
        const stack = compliantStack();
        stack.push(res(T.pab, "egress-public-access-block-2", { bucket: "pub-egress", ...ALL, blockPublicAcls: false }));
        violation(stack, URN.egressPublicAccessBlock, '"blockPublicAcls"');
    });

    it("undecided: the account-level block's provider assumes a role whose ARN is unknown until apply", () => {
        const unknown = provider(T.provider, "later", { region: "eu-west-1", assumeRoles: U });
        undecided(withAccountBlock(["blockPublicPolicy"], ALL, unknown), URN.egress);
    });

    it("violation: with acceptAccountLevelBlock false, only the bucket's own block counts", () => {
        const ds = decide(withAccountBlock(["blockPublicPolicy"], ALL), { acceptAccountLevelBlock: false });
        assert.deepStrictEqual(
            ds.filter((d) => d.outcome === "violation").map((d) => d.urn),
            [URN.egressPublicAccessBlock],
        );
    });

    it("a native bucket deployed through a provider for another account is not covered by the default provider's account-level block", () => {
        const stack = nativeStack();
        const partner = accountProvider("partner", PARTNER_ACCOUNT, N.provider);
        stack.push(partner);
        const egress = find(stack, "egress");
        egress.provider = providerRef(partner);
        delete egress.inputs.publicAccessBlockConfiguration;
        stack.push(res(T.accountPab, "account", ALL));
        violation(stack, NURN.egress, "has no Block Public Access configuration", "covers nothing here");
    });
});

describe("Multi-Region Access Points: their own block with their account's and their buckets', and their policies", () => {
    const MRAP = "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint";
    const MRAP_POLICY = "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy";
    const classic = (block?: Record<string, unknown>, policy?: unknown) => {
        const stack = compliantStack();
        stack.push(res(MRAP, "global", { details: { name: "pub-global", regions: [{ bucket: "pub-egress" }], ...(block ? { publicAccessBlock: block } : {}) } }));
        if (policy !== undefined) {
            stack.push(res(MRAP_POLICY, "global-policy", { details: { name: "pub-global", policy } }));
        }
        return stack;
    };
    const statement = (principal: unknown, condition?: unknown) => ({
        Effect: "Allow",
        Principal: principal,
        Action: "s3:GetObject",
        Resource: `arn:aws:s3::${ACCOUNT}:accesspoint/pub-global.mrap/object/*`,
        ...(condition ? { Condition: condition } : {}),
    });

    it("compliant: the default block and a policy naming the partner (classic and native)", () => {
        compliant(classic(undefined, doc(statement({ AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` }))));
        compliant([...nativeStack(), ...nativeMultiRegionAccessPoint({}, { Version: "2012-10-17", Statement: [statement({ AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` })] })]);
    });

    it("violation: a public Multi-Region Access Point policy (classic), with the note that its block refuses it", () => {
        const v = violation(classic(undefined, doc(statement("*"))), urn(MRAP_POLICY, "global-policy"), 'Multi-Region Access Point "pub-global"', "open to every principal");
        assert.match(v.message, /refuse this policy at deploy time/);
    });

    it("violation: a public native Multi-Region Access Point policy narrowed only by its own s3:DataAccessPointArn", () => {
        const policy = { Version: "2012-10-17", Statement: [statement("*", { StringLike: { "s3:DataAccessPointArn": `arn:aws:s3::${ACCOUNT}:accesspoint/*` } })] };
        violation([...nativeStack(), ...nativeMultiRegionAccessPoint({}, policy)], urn(N.mrapPolicy, "global-policy"), "open to every principal");
    });

    it("compliant: it turns a flag off that its bucket's block sets; violation once the bucket's is off too", () => {
        compliant(classic({ ...ALL, restrictPublicBuckets: false }));
        const stack = classic({ ...ALL, restrictPublicBuckets: false });
        find(stack, "egress-public-access-block").inputs.restrictPublicBuckets = false;
        const v = decide(stack).filter((d) => d.outcome === "violation");
        assert.deepStrictEqual(v.map((d) => d.urn).sort(), [URN.egressPublicAccessBlock, urn(MRAP, "global")].sort());
    });

    it("violation: a native Multi-Region Access Point with a given block that leaves a flag out (the API's false), over a native bucket without one", () => {
        const stack = [
            ...nativeStack(),
            ...nativeMultiRegionAccessPoint({ publicAccessBlockConfiguration: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true } }),
        ];
        find(stack, "egress").inputs.publicAccessBlockConfiguration = { ...ALL, restrictPublicBuckets: false };
        const v = decide(stack).filter((d) => d.outcome === "violation");
        assert.deepStrictEqual(v.map((d) => d.urn).sort(), [NURN.egress, urn(N.mrap, "global")].sort());
    });
});

describe("access points of either provider", () => {
    const AP = "aws:s3/accessPoint:AccessPoint";
    const anyone = (principal: unknown) => nativeDocument({ Effect: "Allow", Principal: principal, Action: "s3:GetObject", Resource: "*" });
    it("a native access point in a VPC is never public, whatever its policy", () =>
        compliant([...nativeStack(), nativeAccessPoint({ vpcConfiguration: { vpcId: "vpc-0abc" }, policy: anyone("*") })]));

    it("violation: a native Internet access point with a public policy", () =>
        violation([...nativeStack(), nativeAccessPoint({ policy: anyone({ AWS: "*" }) })], urn(N.accessPoint, "partner-ap"), "open to every principal", "refuse this policy"));

    it("compliant: a classic access point on a bucket outside the stack with the default block; violation when it turns a flag off (nothing else in the program sets it)", () => {
        const stack = without(compliantStack(), "egress-public-access-block");
        stack.push(res(AP, "theirs", { bucket: "someone-elses", name: "theirs" }));
        const onAp = (s: ExportResource[]) => decide(s).filter((d) => d.urn === urn(AP, "theirs"));
        assert.deepStrictEqual(
            onAp(stack).map((d) => d.outcome),
            ["compliant"],
        );
        find(stack, "theirs").inputs.publicAccessBlockConfiguration = { ...ALL, blockPublicPolicy: false };
        assert.deepStrictEqual(
            onAp(stack).map((d) => d.outcome),
            ["violation"],
        );
    });
});
