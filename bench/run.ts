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
import { createApp } from '@server/app';
import type { Config } from '@server/core/config';
import { generateDemoCity } from '@server/demo';
import { LAYER_NAMES, type LayerName } from '@shared/layers';
import { decodePacked } from '@shared/packed';
import { tempDir, tempPostgresDatabase } from '../tests/integration/helpers';

const scale = (process.env.BENCH_SCALE ?? 'full') as 'full' | 'small';
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
const seed = 20260101;

const BENCH_PASSWORD = 'bench-pass-2026';
const NO_LIMITS = { userPerMin: 1e9, addressPerMin: 1e9, loginPer15Min: 1e9 };

function cfg(over: Partial<Config>): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: '',
    databaseUrl: undefined,
    demoScale: scale,
    demoSeed: seed,
    logLevel: 'silent',
    staticDir: './dist',
    auth: { demoPassword: BENCH_PASSWORD, rateLimits: NO_LIMITS },
    ...over,
  };
}

/** The session cookie every request of the bench sends (the API needs one since issue 4). */
let cookie = '';

async function signIn(port: number): Promise<{ cookie: string; token: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dispatcher', password: BENCH_PASSWORD }),
  });
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`bench sign-in failed: ${res.status}`);
  const c = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { cookie: c, token: c.split('=')[1]!, ms };
}

async function timeToReady(config: Config) {
  const hub = createApp(config, { logger: pino({ level: 'silent' }) });
  const t0 = performance.now();
  const addr = await hub.listen();
  await hub.ready;
  return { hub, port: addr.port, ms: performance.now() - t0 };
}

function get(
  port: number,
  path: string,
  encoding: string,
): Promise<{ bytes: number; ms: number; status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    request({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': encoding, cookie } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const body = Buffer.concat(parts);
        resolve({ bytes: body.byteLength, ms: performance.now() - t0, status: res.statusCode ?? 0, body });
      });
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

/**
 * What a screen must do with the bytes before deck.gl can draw them (same V8 as Chromium):
 * compact: view the columns in place; GeoJSON: JSON.parse, then walk the features into a
 * Float32Array of positions (deck.gl's binary attribute) and the property arrays.
 */
function clientDecodeMs(form: 'compact' | 'geojson', body: Buffer): number {
  const t0 = performance.now();
  if (form === 'compact') {
    const layer = decodePacked(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    for (const c of layer.header.columns) {
      if (c.kind === 'numeric') layer.numeric(c.name);
      else if (c.kind === 'dict') layer.dict(c.name);
    }
  } else {
    const fc = JSON.parse(body.toString('utf8')) as {
      features: { geometry: { coordinates: unknown }; properties: Record<string, unknown> }[];
    };
    const flat: number[] = [];
    const walk = (c: unknown): void => {
      if (Array.isArray(c) && typeof c[0] === 'number') flat.push(c[0], c[1] as number);
      else if (Array.isArray(c)) for (const x of c) walk(x);
    };
    for (const f of fc.features) walk(f.geometry.coordinates);
    Float32Array.from(flat);
  }
  return performance.now() - t0;
}

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
  console.log(
    `seed (${scale}): generate ${r1(generateMs)} ms; first start → ready ${r1(first.ms)} ms; later start → ready ${r1(second.ms)} ms`,
  );

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
  const { layers, auth } = hub.services();
  const session = await signIn(port);
  cookie = session.cookie;

  // --- identity: what a credential costs (no baseline is named; raw figures) ---
  const signIns: number[] = [];
  for (let i = 0; i < repeat; i++) signIns.push((await signIn(port)).ms);
  const N = 2000;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await auth.authenticateSession(session.token, false);
  const checkUs = ((performance.now() - t0) / N) * 1000;
  const open: number[] = [];
  const guarded: number[] = [];
  for (let i = 0; i < Math.max(repeat, 20); i++) {
    open.push((await get(port, '/healthz', 'identity')).ms);
    guarded.push((await get(port, '/api/v1/auth/session', 'identity')).ms);
  }
  results.identity = {
    signInMs: r1(median(signIns)),
    sessionCheckUs: r1(checkUs),
    healthzRequestMs: r1(median(open)),
    sessionRequestMs: r1(median(guarded)),
  };
  console.log('identity:', results.identity);
  const rows: Record<string, unknown>[] = [];
  const pad = (s: string | number, n: number): string => String(s).padStart(n);
  console.log(
    `\n${'layer'.padEnd(18)}${pad('features', 9)}${pad('compact br', 12)}${pad('geojson br', 12)}${pad('br ×', 6)}${pad('raw ×', 7)}${pad('read', 8)}${pad('enc c', 8)}${pad('enc g', 8)}${pad('enc ×', 7)}${pad('get c', 7)}${pad('get g', 7)}${pad('get ×', 7)}${pad('dec c', 7)}${pad('dec g', 8)}${pad('dec ×', 8)}`,
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
      const timing = await layers.buildTiming(name, format);
      row[`${form}ReadMs`] = r1(timing.readMs);
      row[`${form}EncodeMs`] = r1(timing.encodeMs);
      row[`${form}ColdRequestMs`] = r1(cold.ms);
      const identity = await get(port, path, 'identity');
      row[`${form}ClientDecodeMs`] = r1(clientDecodeMs(form, identity.body));
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
    row.encodeRatio = r1(n('geojsonEncodeMs') / Math.max(n('compactEncodeMs'), 0.1));
    row.clientDecodeRatio = r1(n('geojsonClientDecodeMs') / Math.max(n('compactClientDecodeMs'), 0.01));
    row.warmRatio = r1(n('geojsonWarmRequestMs') / Math.max(n('compactWarmRequestMs'), 0.1));
    rows.push(row);
    const kb = (b: number): string => `${r1(b / 1024)}K`;
    console.log(
      `${name.padEnd(18)}${pad(n('features'), 9)}${pad(kb(n('compactBrBytes')), 12)}${pad(kb(n('geojsonBrBytes')), 12)}${pad(row.bytesRatioBr, 6)}${pad(row.bytesRatioRaw, 7)}${pad(n('compactReadMs'), 8)}${pad(n('compactEncodeMs'), 8)}${pad(n('geojsonEncodeMs'), 8)}${pad(row.encodeRatio, 7)}${pad(n('compactWarmRequestMs'), 7)}${pad(n('geojsonWarmRequestMs'), 7)}${pad(row.warmRatio, 7)}${pad(n('compactClientDecodeMs'), 7)}${pad(n('geojsonClientDecodeMs'), 8)}${pad(row.clientDecodeRatio, 8)}`,
    );
  }
  results.layers = rows;
  const total = (k: string): number => rows.reduce((s, r) => s + Number(r[k]), 0);
  results.layerTotals = {
    compactBrBytes: total('compactBrBytes'),
    geojsonBrBytes: total('geojsonBrBytes'),
    compactRawBytes: total('compactRawBytes'),
    geojsonRawBytes: total('geojsonRawBytes'),
    compactReadMs: r1(total('compactReadMs')),
    compactEncodeMs: r1(total('compactEncodeMs')),
    geojsonEncodeMs: r1(total('geojsonEncodeMs')),
    compactClientDecodeMs: r1(total('compactClientDecodeMs')),
    geojsonClientDecodeMs: r1(total('geojsonClientDecodeMs')),
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
