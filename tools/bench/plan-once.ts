/**
 * Plans one config in a fresh process and prints {ms, maxRssMiB, resources} as
 * JSON: a fresh process so that peak memory is this plan's alone.
 */
import { planProjectStack } from "../plan/project";

async function measure(): Promise<void> {
    const [stack, configFile] = process.argv.slice(2);
    const started = process.hrtime.bigint();
    const { plan } = await planProjectStack({ stack, configFile: configFile || undefined });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(JSON.stringify({ ms, maxRssMiB, resources: plan.resources.length }));
}

measure().catch((err) => {
    console.error(err);
    process.exit(1);
});
