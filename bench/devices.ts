/**
 * Device adapters' cost per event (issue 18): events per second one hub takes into alarms through
 * Hikvision ISAPI (a multipart POST per alarm, as cameras send: the XML alone, and the XML with a
 * JPEG kept as the event's photo) and through GB/T 28181 (a SIP MESSAGE per alarm over UDP, GBK
 * body, answered 200), against our own JSON (`POST /api/v1/events`, one event per request), in one
 * run on one hub per database, one after the other. Every event is new and lands on a camera
 * (the same cameras, the same event types), so each path runs the same rules and commits.
 *
 * Each path keeps CONCURRENCY requests in flight (SIP: messages awaiting their 200). The ratio
 * adapter : JSON of the time per event is what counts (the goal: under 2).
 *
 *   npm run bench:devices   (BENCH_DATABASE_URL or TEST_DATABASE_URL adds PostgreSQL;
 *   BENCH_DEVICE_EVENTS, default 2000 per path)
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { createApp, type Hub } from '@server/app';
import { queryRows } from '@server/db/connect';
import type { Config } from '@server/core/config';
import { generateDemoCity } from '@server/demo';
import { signIn, tempPostgresDatabase, testConfig, TEST_PASSWORD } from '../tests/integration/helpers';

const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const EVENTS = Number(process.env.BENCH_DEVICE_EVENTS ?? 2000);
const CONCURRENCY = 16;
const CHANNELS = 256;
const JPEG_PATH = join(import.meta.dirname, '..', 'tests', 'fixtures', 'isapi', 'tiny.jpg');
const GB_DEVICE = '34020000001320000001';
const gbChannel = (i: number) => `340200000013400${String(i + 1).padStart(5, '0')}`;

/** The ISAPI event types the bench sends, and what GB/T 28181 alarm (method, type) matches each. */
const CODES = [
  { isapi: 'linedetection', gb: [5, 5] },
  { isapi: 'fielddetection', gb: [5, 6] },
  { isapi: 'videoloss', gb: [2, 1] },
  { isapi: 'shelteralarm', gb: [2, 2] },
] as const;
const TYPE_OF = {
  linedetection: 'fence_intrusion',
  fielddetection: 'fence_intrusion',
  videoloss: 'video_loss',
  shelteralarm: 'camera_tamper',
} as const;

const city = generateDemoCity({ scale: 'small', seed: testConfig().demoSeed });
const cameras = city.cameras.filter((c) => c.gridCode.startsWith('360102')).slice(0, CHANNELS);

/** Message i: a channel and a code; a second of its own once every (channel, code) was used, so every event is new. */
function slot(i: number, base: number) {
  const channel = i % CHANNELS;
  const code = CODES[Math.floor(i / CHANNELS) % CODES.length]!;
  const at = new Date(base + Math.floor(i / (CHANNELS * CODES.length)) * 1000);
  return { channel, code, at };
}

/** Run `count` jobs with at most `limit` in flight; the seconds it took. */
async function pool(count: number, limit: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await job(next++);
    }),
  );
  return (performance.now() - t0) / 1000;
}

async function startHub(db: 'pglite' | 'postgres'): Promise<{ hub: Hub; url: string; cleanup: () => Promise<void> }> {
  let dbConfig: Partial<Config>;
  let cleanup: () => Promise<void>;
  if (db === 'postgres') {
    const t = await tempPostgresDatabase(PG_URL!);
    dbConfig = { databaseUrl: t.url };
    cleanup = t.drop;
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'cd-bench-devices-'));
    dbConfig = { dataDir: dir };
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  const config = testConfig({ ...dbConfig, sipPort: 0 });
  const hub = createApp(
    { ...config, auth: { ...config.auth, ingestApiKey: 'bench-ingest-key-0123456789' } },
    { logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }) },
  );
  const addr = await hub.listen();
  await hub.ready;
  return { hub, url: `http://127.0.0.1:${addr.port}`, cleanup };
}

async function measure(db: 'pglite' | 'postgres'): Promise<Record<string, number>> {
  const { hub, url, cleanup } = await startHub(db);
  const run = randomBytes(3).toString('hex');
  try {
    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    const register = async (body: unknown) => {
      const res = await admin.fetch(`${url}/api/v1/admin/devices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`registering: ${res.status} ${await res.text()}`);
    };
    // Fold windows of 1 s: every message of the bench is a new event (each (channel, code) comes back later).
    await register({
      kind: 'isapi',
      name: 'bench NVR',
      scope: '360102',
      foldSeconds: 1,
      isapi: { address: '127.0.0.1', channels: Object.fromEntries(cameras.map((c, i) => [String(i + 1), c.id])) },
    });
    await register({
      kind: 'gb28181',
      name: 'bench platform',
      scope: '360102',
      foldSeconds: 1,
      gb28181: { deviceId: GB_DEVICE, channels: Object.fromEntries(cameras.map((c, i) => [gbChannel(i), c.id])) },
    });
    await hub.services().devices.reload();
    const jpeg = await readFile(JPEG_PATH);
    const stored = async () =>
      (await queryRows<{ n: number }>(hub.services().database.db, sql`select count(*)::int as n from events`))[0]!.n;
    const rates: Record<string, number> = {};
    let base = Date.UTC(2026, 0, 1);
    const next = () => (base += 3_600_000);

    // Warm the indexes and the connection pool with a few of each.
    const json = async (i: number, t0: number) => {
      const s = slot(i, t0);
      const res = await fetch(`${url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer bench-ingest-key-0123456789' },
        body: JSON.stringify({
          id: `bench-${run}-${t0}-${i}`,
          source: 'camera',
          type: TYPE_OF[s.code.isapi],
          at: s.at.toISOString(),
          deviceId: cameras[s.channel]!.id,
          attributes: { code: s.code.isapi, channel: String(s.channel + 1) },
        }),
      });
      if (res.status !== 202) throw new Error(`json: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const isapi = (withImage: boolean) => async (i: number, t0: number) => {
      const s = slot(i, t0);
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<ipAddress>127.0.0.1</ipAddress><portNo>80</portNo><protocol>HTTP</protocol><macAddress>bc:ad:28:4f:1e:07</macAddress>
<channelID>${s.channel + 1}</channelID><dateTime>${s.at.toISOString().slice(0, 19)}+00:00</dateTime>
<activePostCount>1</activePostCount><eventType>${s.code.isapi}</eventType><eventState>active</eventState>
<eventDescription>${s.code.isapi} alarm</eventDescription><channelName>bench ${s.channel + 1}</channelName>
</EventNotificationAlert>`;
      const form = new FormData();
      form.append(s.code.isapi, new Blob([xml], { type: 'application/xml' }), `${s.code.isapi}.xml`);
      if (withImage)
        form.append(`${s.code.isapi}Image`, new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'a.jpg');
      const res = await fetch(`${url}/api/v1/devices/isapi`, { method: 'POST', body: form });
      if (res.status !== 200) throw new Error(`isapi: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };

    // SIP over UDP: each MESSAGE waits for its 200 OK (matched by Call-ID).
    const sip = dgram.createSocket('udp4');
    await new Promise<void>((r) => sip.bind(0, '127.0.0.1', () => r()));
    const waiting = new Map<string, () => void>();
    sip.on('message', (m) => {
      const text = m.toString('latin1');
      const id = /^Call-ID:\s*(\S+)/im.exec(text)?.[1];
      if (id && text.startsWith('SIP/2.0 200')) waiting.get(id)?.();
    });
    const sipPort = hub.services().sip!.ports.udp;
    const local = (sip.address() as { port: number }).port;
    const gbk = async (i: number, t0: number) => {
      const s = slot(i, t0);
      const beijing = new Date(s.at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19);
      const body = iconv.encode(
        `<?xml version="1.0" encoding="GB2312"?>\r\n<Notify>\r\n<CmdType>Alarm</CmdType>\r\n<SN>${i}</SN>\r\n<DeviceID>${gbChannel(s.channel)}</DeviceID>\r\n<AlarmPriority>2</AlarmPriority>\r\n<AlarmMethod>${s.code.gb[0]}</AlarmMethod>\r\n<AlarmTime>${beijing}</AlarmTime>\r\n<AlarmDescription>区域入侵报警</AlarmDescription>\r\n<Info>\r\n<AlarmType>${s.code.gb[1]}</AlarmType>\r\n</Info>\r\n</Notify>\r\n`,
        'gbk',
      );
      const callId = `bench-${run}-${t0}-${i}@127.0.0.1`;
      const head = [
        `MESSAGE sip:34020000002000000001@3402000000 SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};rport;branch=z9hG4bK${run}${t0}${i}`,
        `From: <sip:${GB_DEVICE}@3402000000>;tag=${i}`,
        `To: <sip:34020000002000000001@3402000000>`,
        `Call-ID: ${callId}`,
        `CSeq: ${i + 1} MESSAGE`,
        `Max-Forwards: 70`,
        `Content-Type: Application/MANSCDP+xml`,
        `Content-Length: ${body.length}`,
        '',
        '',
      ].join('\r\n');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(callId);
          reject(new Error(`sip: no 200 for ${callId} in 30 s`));
        }, 30_000);
        waiting.set(callId, () => {
          clearTimeout(timer);
          waiting.delete(callId);
          resolve();
        });
        sip.send(Buffer.concat([Buffer.from(head, 'latin1'), body]), sipPort, '127.0.0.1');
      });
    };

    const paths: [string, (i: number, t0: number) => Promise<void>][] = [
      ['json', json],
      ['isapi', isapi(false)],
      ['isapi+jpeg', isapi(true)],
      ['gb28181', gbk],
    ];
    for (const [, job] of paths) {
      const t0 = next();
      await pool(50, 8, (i) => job(i, t0));
    }
    // Twice through, alternating, so a slow moment of the machine does not fall on one path alone.
    for (let round = 0; round < 2; round++) {
      for (const [name, job] of paths) {
        const before = await stored();
        const t0 = next();
        const seconds = await pool(EVENTS / 2, CONCURRENCY, (i) => job(i, t0));
        const n = (await stored()) - before;
        if (n !== EVENTS / 2) throw new Error(`${name}: ${n} of ${EVENTS / 2} events stored`);
        rates[name] = (rates[name] ?? 0) + seconds;
      }
    }
    sip.close();
    return Object.fromEntries(Object.entries(rates).map(([k, s]) => [k, EVENTS / s]));
  } finally {
    await hub.close();
    await cleanup();
  }
}

async function main(): Promise<void> {
  const dbs: ('pglite' | 'postgres')[] = PG_URL ? ['pglite', 'postgres'] : ['pglite'];
  console.log(
    `device adapters: ${EVENTS} events per path (two rounds, alternating), ${CONCURRENCY} in flight, one event per request or message, each a new event on one of ${CHANNELS} cameras\n`,
  );
  console.log('db        path          events/s  ms/event  × JSON');
  for (const db of dbs) {
    const r = await measure(db);
    const jsonMs = 1000 / r.json!;
    for (const [name, rate] of Object.entries(r)) {
      const ms = 1000 / rate;
      console.log(
        `${db.padEnd(10)}${name.padEnd(14)}${rate.toFixed(0).padStart(8)}${ms.toFixed(2).padStart(10)}${(ms / jsonMs).toFixed(2).padStart(8)}`,
      );
    }
    console.log('');
  }
}

await main();
process.exit(0);
