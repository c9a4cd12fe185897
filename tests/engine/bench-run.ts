/**
 * The engine half of `npm run bench`: `pulumi preview` and `pulumi up` of one stack of this
 * project against the stand-in aws provider, each from a fresh local backend, the stacks it
 * references created (not deployed) as in a first deploy. Prints `{"preview": s, "up": s}`.
 * tools/bench.ts runs it in its own process (ts-node), so the tools never import the tests.
 */
import { EngineWorkspace } from "./harness";
import { referencedStacks, rootStacks } from "./stacks";

async function timed(run: () => Promise<{ status: number | null; output: string }>): Promise<number> {
    const started = process.hrtime.bigint();
    const result = await run();
    if (result.status !== 0) throw new Error(result.output);
    return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function benchEngine(stack: string): Promise<{ preview: number; up: number }> {
    const source = rootStacks().find((s) => s.stack === stack);
    if (!source) throw new Error(`no Pulumi.${stack}.yaml`);
    const ws = await EngineWorkspace.create();
    try {
        for (const s of [source, ...rootStacks().filter((r) => referencedStacks(source).includes(r.stack))]) {
            ws.useConfig(s.stack, s.file);
            await ws.initStack(s.stack);
        }
        const preview = await timed(() => ws.preview(stack));
        const up = await timed(() => ws.up(stack));
        return { preview, up };
    } finally {
        ws.dispose();
    }
}

if (require.main === module) {
    benchEngine(process.argv[2] ?? rootStacks()[0].stack).then(
        (figures) => process.stdout.write(JSON.stringify(figures)),
        (err) => {
            console.error(err);
            process.exit(1);
        },
    );
}
