/**
 * Ingest → received by the screens (issue 5): p50/p99 latency and % delivered, at several event
 * rates with 200 Socket.IO clients in another process, for
 *   (a) hub: the real hub (HTTP ingest, events and alarms persisted, alarms batched per room per tick),
 *   (b) naive: the same hub with one emit per alarm,
 *   (c) ws: raw `ws` broadcast, one send per event, nothing persisted (the ceiling).
 * Every posted event is a camera 'stranger' inside a key person's watch circle: exactly one alarm.
 *
 * Settings: BENCH_RT_RATES (default 1000,5000), BENCH_RT_CLIENTS (200), BENCH_RT_SECONDS (10),
 * BENCH_RT_DESIGNS (hub,naive,ws). Results: a table, and JSON in bench/results/realtime-<time>.json.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { pino } from 'pino';
import { createApp } from '../server/app';
import type { Config } from '../server/config';
import { generateDemoCity } from '../server/demo';

const RATES = (process.env.BENCH_RT_RATES ?? '1000,5000').split(',').map(Number);
const CLIENTS = Number(process.env.BENCH_RT_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_RT_SECONDS ?? 10);
const DESIGNS = (process.env.BENCH_RT_DESIGNS ?? 'hub,naive,ws').split(',') as ('hub' | 'naive' | 'ws')[];
const KEY = 'bench-ingest-key-0123456789';
const PASSWORD = 'bench-pass-2026';
const SEED = 20260101;
const TICK_MS = 20;

interface Result {
  design: string;
  rate: number;
  clients: number;
  sent: number;
  expected: number;
  received: number;
  deliveredPct: number;
  p50: number;
  p99: number;
  max: number;
}

const city = generateDemoCity({ scale: 'small', seed: SEED });
const kp = city.zones.find((z) => z.kind === 'key_person' && z.shape.type === 'circle')!;
const [lon, lat] = (kp.shape as { center: [number, number] }).center;

function startClients(mode: 'io' | 'ws', url: string, cookie: string): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/realtime-clients.ts', mode, url, String(CLIENTS), cookie]);
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => (d.toString().includes('ready') ? resolve(child) : reject(new Error(d.toString()))));
    child.once('exit', (c) => reject(new Error(`clients exited ${c}`)));
  });
}

function report(child: ChildProcessWithoutNullStreams): Promise<{ received: number; p50: number; p99: number; max: number }> {
  return new Promise((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      const line = d.toString().trim();
      if (line.startsWith('{')) resolve(JSON.parse(line) as { received: number; p50: number; p99: number; max: number });
    });
    child.stdin.write('report\n');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Publish `rate` events/s for SECONDS: every TICK_MS, the events due by the clock so far (so a
 * slow receiver does not lower the offered load: what it cannot take piles up as latency), in
 * posts of at most 1,000, with at most 32 posts in flight.
 */
async function publish(rate: number, send: (ids: string[]) => Promise<void> | void): Promise<number> {
  let sent = 0;
  let k = 0;
  const t0 = Date.now();
  const inflight = new Set<Promise<void>>();
  for (let tick = 1; ; tick++) {
    const now = Date.now();
    const elapsed = Math.min(now - t0, SECONDS * 1000);
    let due = Math.floor((rate * elapsed) / 1000) - sent;
    while (due > 0) {
      const n = Math.min(due, 1000);
      const ids = Array.from({ length: n }, () => `b-${k++}-${now}`);
      sent += n;
      due -= n;
      const p = Promise.resolve(send(ids)).finally(() => inflight.delete(p));
      inflight.add(p);
      while (inflight.size >= 32) await Promise.race(inflight);
    }
    if (elapsed >= SECONDS * 1000) break;
    await sleep(Math.max(0, t0 + tick * TICK_MS - Date.now()));
  }
  await Promise.all(inflight);
  return sent;
}

async function runHub(design: 'hub' | 'naive', rate: number): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-rt-'));
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    databaseUrl: undefined,
    demoScale: 'small',
    demoSeed: SEED,
    logLevel: 'silent',
    staticDir: './dist',
    auth: { demoPassword: PASSWORD, ingestApiKey: KEY, rateLimits: { userPerMin: 1e9, addressPerMin: 1e9, loginPer15Min: 1e9 } },
    realtimeTickMs: design === 'naive' ? 0 : 50,
  };
  const hub = createApp(config, { logger: pino({ level: 'silent' }) });
  const { port } = (await hub.listen());
  await hub.ready;
  const url = `http://127.0.0.1:${port}`;
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'dispatcher', password: PASSWORD }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  let warned = false;
  let failedPosts = 0;
  const post = async (ids: string[]): Promise<number> => {
    if (ids.length === 0) return 0;
    const at = new Date().toISOString();
    let res: Response;
    try {
      res = await fetch(`${url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ events: ids.map((id) => ({ id, source: 'camera', type: 'stranger', at, location: { lon, lat } })) }),
      });
    } catch {
      failedPosts++; // the hub dropped the connection: those events were never accepted
      return 0;
    }
    const reply = (await res.json()) as { accepted: number; duplicates: number; rejected: { errors: { message: string }[] }[] };
    if (reply.accepted !== ids.length && !warned) {
      warned = true;
      console.warn(`a post of ${ids.length} was answered ${res.status} ${JSON.stringify(reply).slice(0, 300)}`);
    }
    return reply.accepted;
  };
  await post([`b-warm-${Date.now()}`]); // build the indexes before the clock starts
  const clients = await startClients('io', url, cookie);
  await sleep(500);
  let accepted = 0;
  const sent = await publish(rate, async (ids) => {
    const n = await post(ids); // not `accepted += await …`: that reads `accepted` before the await
    accepted += n;
  });
  await sleep(3_000);
  const r = await report(clients);
  if (failedPosts) console.warn(`${design} ${rate}/s: ${failedPosts} posts failed (connection reset)`);
  await hub.close();
  await rm(dir, { recursive: true, force: true });
  return result(design, rate, sent, accepted, r);
}

async function runWs(rate: number): Promise<Result> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const { port } = wss.address() as AddressInfo;
  const clients = await startClients('ws', `ws://127.0.0.1:${port}`, '');
  await sleep(500);
  const sent = await publish(rate, (ids) => {
    for (const id of ids) for (const c of wss.clients) c.send(id);
  });
  await sleep(3_000);
  const r = await report(clients);
  wss.close();
  return result('ws', rate, sent, sent, r);
}

function result(design: string, rate: number, sent: number, expectedPerClient: number, r: { received: number; p50: number; p99: number; max: number }): Result {
  const expected = expectedPerClient * CLIENTS;
  return { design, rate, clients: CLIENTS, sent, expected, received: r.received, deliveredPct: Math.round((1000 * r.received) / Math.max(1, expected)) / 10, p50: r.p50, p99: r.p99, max: r.max };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const rate of RATES) {
    for (const design of DESIGNS) {
      const r = design === 'ws' ? await runWs(rate) : await runHub(design, rate);
      results.push(r);
      console.log(`${design.padEnd(6)} ${String(rate).padStart(5)}/s × ${CLIENTS}: delivered ${r.deliveredPct}% (${r.received}/${r.expected}), p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms`);
    }
  }
  const hub5k = results.find((r) => r.design === 'hub' && r.rate === 5000);
  const ok = (r: Result | undefined) => !!r && r.deliveredPct >= 100 && r.p99 < 150;
  const naiveMax = Math.max(0, ...results.filter((r) => r.design === 'naive' && ok(r)).map((r) => r.rate));
  const hubMax = Math.max(0, ...results.filter((r) => r.design === 'hub' && ok(r)).map((r) => r.rate));
  console.log(`\ngoals: hub 5000/s × ${CLIENTS} delivers 100 % with p99 < 150 ms: ${ok(hub5k) ? 'PASS' : 'FAIL'}; highest rate tried that each sustains (100 %, p99 < 150 ms): hub ${hubMax}/s, naive ${naiveMax}/s → ${naiveMax ? `${(hubMax / naiveMax).toFixed(1)}×` : 'naive sustained none of the rates tried'}`);
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/realtime-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, JSON.stringify({ clients: CLIENTS, seconds: SECONDS, results }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
