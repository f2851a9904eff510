/**
 * Loaded into the hub under test by bench/startup.ts (`node --import tsx --import <this> server/main.ts`),
 * so the same event-loop figures come out of any commit of the hub, the baseline included.
 * On SIGUSR2 it writes one line `@@loop {"maxMs":…,"p99Ms":…,"meanMs":…}` to stderr and starts over:
 * the bench signals once when the first /healthz answers (what came before is module loading,
 * with no port open) and once at the end of its window.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.on('SIGUSR2', () => {
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  process.stderr.write(
    `@@loop ${JSON.stringify({ maxMs: ms(h.max), p99Ms: ms(h.percentile(99)), meanMs: ms(h.mean) })}\n`,
  );
  h.reset();
});
