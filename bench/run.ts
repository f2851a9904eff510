/**
 * `npm run bench`: full-scale figures, side by side with their baselines in one run.
 *  1. Seeding the full demo city into a fresh embedded database (generate + insert), and the
 *     time to ready on a later start of the same data.
 *  2. For every static layer: bytes on the wire and server time of the compact form against
 *     GeoJSON (the baseline), as ratios.
 * Results: printed as a table and written as JSON to bench/results/<timestamp>.json.
 * Settings: BENCH_SCALE (full|small, default full), BENCH_REPEAT (warm requests per form, default 5),
 * BENCH_DATABASE_URL (also seed a PostgreSQL server database, created and dropped by the run).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { pino } from 'pino';
import { createApp } from '../server/app';
import type { Config } from '../server/config';
import { generateDemoCity } from '../server/demo';
import { LAYER_NAMES, type LayerName } from '../shared/layers';
import { tempDir, tempPostgresDatabase } from '../tests/integration/helpers';

const scale = (process.env.BENCH_SCALE ?? 'full') as 'full' | 'small';
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
const seed = 20260101;

function cfg(over: Partial<Config>): Config {
  return { port: 0, host: '127.0.0.1', dataDir: '', databaseUrl: undefined, demoScale: scale, demoSeed: seed, logLevel: 'silent', staticDir: './dist', ...over };
}

async function timeToReady(config: Config) {
  const hub = createApp(config, { logger: pino({ level: 'silent' }) });
  const t0 = performance.now();
  const addr = await hub.listen();
  await hub.ready;
  return { hub, port: addr.port, ms: performance.now() - t0 };
}

function get(port: number, path: string, encoding: string): Promise<{ bytes: number; ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    request({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.byteLength));
      res.on('end', () => resolve({ bytes, ms: performance.now() - t0, status: res.statusCode ?? 0 }));
    })
      .on('error', reject)
      .end();
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const r1 = (x: number): number => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const results: Record<string, unknown> = { scale, seed, node: process.version, startedAt: new Date().toISOString() };

  // --- 1. generation alone, then seed (generate + insert) and restart on PGlite ---
  const tg = performance.now();
  const world = generateDemoCity({ scale, seed });
  const generateMs = performance.now() - tg;
  const counts = {
    cameras: world.cameras.length,
    grids: world.regions.filter((r) => r.level === 'grid').length,
    communities: world.regions.filter((r) => r.level === 'community').length,
    zones: world.zones.length,
    smartCommunities: world.smartCommunities.length,
    units: world.units.length,
  };
  const dir = await tempDir('cd-bench-');
  const first = await timeToReady(cfg({ dataDir: dir.path }));
  const heapAfterSeedMb = process.memoryUsage().heapUsed / 2 ** 20;
  await first.hub.close();
  const second = await timeToReady(cfg({ dataDir: dir.path }));
  results.seed = {
    counts,
    generateMs: r1(generateMs),
    pgliteFirstStartToReadyMs: r1(first.ms),
    pgliteLaterStartToReadyMs: r1(second.ms),
    heapAfterSeedMb: r1(heapAfterSeedMb),
  };
  console.log(`seed (${scale}): generate ${r1(generateMs)} ms; first start → ready ${r1(first.ms)} ms; later start → ready ${r1(second.ms)} ms`);

  if (process.env.BENCH_DATABASE_URL) {
    const pgdb = await tempPostgresDatabase(process.env.BENCH_DATABASE_URL);
    try {
      const pgFirst = await timeToReady(cfg({ databaseUrl: pgdb.url }));
      await pgFirst.hub.close();
      const pgSecond = await timeToReady(cfg({ databaseUrl: pgdb.url }));
      await pgSecond.hub.close();
      (results.seed as Record<string, unknown>).postgresFirstStartToReadyMs = r1(pgFirst.ms);
      (results.seed as Record<string, unknown>).postgresLaterStartToReadyMs = r1(pgSecond.ms);
      console.log(`seed on PostgreSQL: first start → ready ${r1(pgFirst.ms)} ms; later ${r1(pgSecond.ms)} ms`);
    } finally {
      await pgdb.drop();
    }
  }

  // --- 2. each layer: compact vs GeoJSON ---
  const { hub, port } = second;
  const { layers } = hub.services();
  const rows: Record<string, unknown>[] = [];
  const pad = (s: string | number, n: number): string => String(s).padStart(n);
  console.log(
    `\n${'layer'.padEnd(18)}${pad('features', 9)}${pad('compact br', 12)}${pad('geojson br', 12)}${pad('bytes ×', 9)}${pad('build c', 10)}${pad('build g', 10)}${pad('build ×', 9)}${pad('get c', 8)}${pad('get g', 8)}${pad('get ×', 7)}`,
  );
  for (const name of LAYER_NAMES as readonly LayerName[]) {
    const row: Record<string, number | string> = { layer: name };
    for (const [form, path] of [
      ['compact', `/api/v1/layers/${name}`],
      ['geojson', `/api/v1/layers/${name}.geojson`],
    ] as const) {
      const format = form;
      // Cold: the server's build from the database (query + encode), then first compressions.
      layers.invalidate();
      const cold = await get(port, path, 'br');
      row[`${form}BuildMs`] = r1(await layers.buildMs(name, format));
      row[`${form}ColdRequestMs`] = r1(cold.ms);
      const identity = await get(port, path, 'identity');
      const gz = await get(port, path, 'gzip');
      const warm: number[] = [];
      let br = 0;
      for (let i = 0; i < repeat; i++) {
        const w = await get(port, path, 'br');
        warm.push(w.ms);
        br = w.bytes;
      }
      row[`${form}RawBytes`] = identity.bytes;
      row[`${form}GzipBytes`] = gz.bytes;
      row[`${form}BrBytes`] = br;
      row[`${form}WarmRequestMs`] = r1(median(warm));
      row.features = await layers.count(name);
    }
    const n = (k: string): number => Number(row[k]);
    row.bytesRatioBr = r1(n('geojsonBrBytes') / n('compactBrBytes'));
    row.bytesRatioRaw = r1(n('geojsonRawBytes') / n('compactRawBytes'));
    row.buildRatio = r1(n('geojsonBuildMs') / Math.max(n('compactBuildMs'), 0.1));
    row.warmRatio = r1(n('geojsonWarmRequestMs') / Math.max(n('compactWarmRequestMs'), 0.1));
    rows.push(row);
    const kb = (b: number): string => `${r1(b / 1024)}K`;
    console.log(
      `${name.padEnd(18)}${pad(n('features'), 9)}${pad(kb(n('compactBrBytes')), 12)}${pad(kb(n('geojsonBrBytes')), 12)}${pad(row.bytesRatioBr, 9)}${pad(n('compactBuildMs'), 10)}${pad(n('geojsonBuildMs'), 10)}${pad(row.buildRatio, 9)}${pad(n('compactWarmRequestMs'), 8)}${pad(n('geojsonWarmRequestMs'), 8)}${pad(row.warmRatio, 7)}`,
    );
  }
  results.layers = rows;
  const total = (k: string): number => rows.reduce((s, r) => s + Number(r[k]), 0);
  results.layerTotals = {
    compactBrBytes: total('compactBrBytes'),
    geojsonBrBytes: total('geojsonBrBytes'),
    compactRawBytes: total('compactRawBytes'),
    geojsonRawBytes: total('geojsonRawBytes'),
    compactBuildMs: r1(total('compactBuildMs')),
    geojsonBuildMs: r1(total('geojsonBuildMs')),
  };
  console.log('\ntotals:', results.layerTotals);
  await hub.close();
  await dir.remove();

  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
