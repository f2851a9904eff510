/**
 * Coverage gaps (issue 17): the full demo city's grids (9,397) × units (605).
 *
 * - full: a CoverageMap built from nothing (every unit added, thresholds set);
 * - incremental: one unit moves (a random available unit of a random need, up to 2 km) or flips
 *   between available and busy, and the map is current again;
 * - naive: the same change, then every grid × every unit recomputed (`recomputeAll`, the same
 *   distance and ETA code), as an engine without the bookkeeping would.
 * Both runs interleave on the same sequence of changes, so the machine's noise falls on both.
 * Goal: incremental p99 < 5 ms and ≥ 50× the naive (median against median).
 *
 *   npx tsx bench/coverage.ts            (BENCH_COVERAGE_RUNS, default 300; naive every 10th)
 *
 * Results: a table, and JSON in bench/results/coverage-<time>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { generateDemoCity } from '@server/demo';
import { CoverageMap, type CoverageUnit } from '@server/rules/coverage';
import { COVERAGE_NEEDS, thresholdFor } from '@shared/coverage';
import { DEFAULT_COVERAGE_RULE } from '@server/rules/default-rules';

const RUNS = Number(process.env.BENCH_COVERAGE_RUNS ?? 300);
const NAIVE_EVERY = 10;
const SEED = 20260101;
const GOAL_P99_MS = 5;
const GOAL_RATIO = 50;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const t0 = process.hrtime.bigint();
  const city = generateDemoCity({ scale: 'full', seed: SEED });
  const grids = city.regions
    .filter((r) => r.level === 'grid')
    .map((r) => ({ code: r.code, lon: r.center[0], lat: r.center[1] }));
  const units: CoverageUnit[] = city.units.map((u) => ({
    id: u.id,
    kind: u.kind,
    lon: u.position[0],
    lat: u.position[1],
    available: u.status === 'available',
  }));
  console.log(`demo city: ${grids.length} grids, ${units.length} units (${ms(t0).toFixed(0)} ms to generate)`);

  const build = (): CoverageMap => {
    const m = new CoverageMap(grids);
    for (const u of units) m.update(u);
    for (const n of COVERAGE_NEEDS) m.setThresholds(n, (g) => thresholdFor(grids[g]!.code, n, DEFAULT_COVERAGE_RULE));
    m.drainFlips();
    return m;
  };
  const fullMs: number[] = [];
  let map = build();
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    map = build();
    fullMs.push(ms(t));
  }
  const gapsAtStart = [...map.gaps()].length;

  const random = rng(SEED);
  const current = new Map(units.map((u) => [u.id, { ...u }]));
  const change = (): CoverageUnit => {
    const u = units[Math.floor(random() * units.length)]!;
    const c = current.get(u.id)!;
    if (random() < 0.2) c.available = !c.available;
    else {
      const r = random() * 2_000;
      const a = random() * 2 * Math.PI;
      c.lon += (r * Math.sin(a)) / (111_320 * Math.cos((c.lat * Math.PI) / 180));
      c.lat += (r * Math.cos(a)) / 110_540;
    }
    return { ...c };
  };
  const naive = new CoverageMap(grids);
  for (const u of units) naive.update(u);
  for (const n of COVERAGE_NEEDS) naive.setThresholds(n, (g) => thresholdFor(grids[g]!.code, n, DEFAULT_COVERAGE_RULE));
  const incMs: number[] = [];
  const naiveMs: number[] = [];
  let flips = 0;
  for (let i = 0; i < 30; i++) map.update(change()); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const u = change();
    let t = process.hrtime.bigint();
    map.update(u);
    flips += map.drainFlips().length;
    incMs.push(ms(t));
    if (i % NAIVE_EVERY === 0) {
      t = process.hrtime.bigint();
      naive.update(u);
      naive.recomputeAll();
      naive.drainFlips();
      naiveMs.push(ms(t));
    }
  }
  const result = {
    grids: grids.length,
    units: units.length,
    gapsAtStart,
    fullBuildMs: { p50: pct(fullMs, 50), max: Math.max(...fullMs) },
    incremental: { runs: incMs.length, p50: pct(incMs, 50), p99: pct(incMs, 99), max: Math.max(...incMs) },
    naive: { runs: naiveMs.length, p50: pct(naiveMs, 50), p99: pct(naiveMs, 99) },
    ratioP50: pct(naiveMs, 50) / pct(incMs, 50),
    flipsPerChange: flips / RUNS,
    load: loadavg()[0] ?? 0,
  };
  const f = (x: number) => x.toFixed(3);
  console.log(`full build: p50 ${f(result.fullBuildMs.p50)} ms; gaps at start: ${gapsAtStart}`);
  console.log(
    `incremental (${incMs.length}): p50 ${f(result.incremental.p50)} p99 ${f(result.incremental.p99)} max ${f(result.incremental.max)} ms` +
      ` ${result.incremental.p99 < GOAL_P99_MS ? '✓' : '✗'} < ${GOAL_P99_MS} ms`,
  );
  console.log(`naive (${naiveMs.length}): p50 ${f(result.naive.p50)} p99 ${f(result.naive.p99)} ms`);
  console.log(
    `naive/incremental (p50): ${result.ratioP50.toFixed(0)}× ${result.ratioP50 >= GOAL_RATIO ? '✓' : '✗'} ≥ ${GOAL_RATIO}×; ` +
      `gap flips per change ${result.flipsPerChange.toFixed(2)}; load ${result.load.toFixed(2)}`,
  );
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/coverage-${startedAt.replace(/[:.]/g, '-')}.json`;
  await writeFile(file, JSON.stringify({ startedAt, command: 'npx tsx bench/coverage.ts', result }, null, 2));
  console.log(`→ ${file}`);
}

await main();
