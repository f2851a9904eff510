/**
 * MQTT ingest throughput (issue 13): one hub, events published at QoS 1 as one event per message,
 * with the hub holding 1 connection to the broker (the baseline: MQTT.js hands a client one message
 * at a time, so each message is one transaction) and 4 (the default in a share group: the broker
 * spreads the messages, which meet in one group commit). Same process, same broker, same database
 * kind, one after the other: the ratio is what counts.
 *
 * The publishers keep at most BACKLOG messages ahead of what the hub took (a stock Mosquitto queues
 * 1,000 per session and drops the rest); rate = messages / (first publish → last one stored).
 *
 *   npm run bench:mqtt   (BENCH_MQTT_URL or TEST_MQTT_URL, default mqtt://127.0.0.1:1883;
 *   BENCH_DATABASE_URL or TEST_DATABASE_URL adds PostgreSQL; BENCH_MQTT_MESSAGES, default 3000)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { createApp } from '@server/app';
import type { Config } from '@server/core/config';
import { tempPostgresDatabase, testConfig } from '../tests/integration/helpers';
import { generateDemoCity } from '@server/demo';

const MQTT_URL = process.env.BENCH_MQTT_URL ?? process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const MESSAGES = Number(process.env.BENCH_MQTT_MESSAGES ?? 3000);
const PUBLISHERS = 5;
const BACKLOG = 400;
const CONNECTIONS = [1, 4];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Camera positions of the city the hub seeds (testConfig's small city): every event is located. */
const CAMERAS = generateDemoCity({ scale: 'small', seed: testConfig().demoSeed }).cameras.map((c) => c.position);

async function measure(
  db: 'pglite' | 'postgres',
  connections: number,
): Promise<{ rate: number; seconds: number; accepted: number }> {
  const run = randomBytes(4).toString('hex');
  let cleanup: () => Promise<void>;
  let dbConfig: Partial<Config>;
  if (db === 'postgres') {
    const t = await tempPostgresDatabase(PG_URL!);
    dbConfig = { databaseUrl: t.url };
    cleanup = t.drop;
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'cd-bench-mqtt-'));
    dbConfig = { dataDir: dir };
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  const hub = createApp(
    testConfig({
      ...dbConfig,
      mqttUrl: MQTT_URL,
      mqttShareGroup: `bench-${run}`,
      mqttClientId: `bench-hub-${run}`,
      mqttConnections: connections,
    }),
    { logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }) },
  );
  await hub.listen();
  await hub.ready;
  const pubs = await Promise.all(
    Array.from({ length: PUBLISHERS }, (_, i) => mqtt.connectAsync(MQTT_URL, { clientId: `bench-pub-${run}-${i}` })),
  );
  try {
    const ingest = () => hub.mqtt()!;
    while (!ingest().connected) await sleep(50);
    await sleep(1_000); // every connection subscribed
    const t0 = performance.now();
    let sent = 0;
    while (sent < MESSAGES) {
      if (sent - ingest().stats.messages > BACKLOG) {
        await sleep(2);
        continue;
      }
      const n = Math.min(50, MESSAGES - sent);
      await Promise.all(
        Array.from({ length: n }, (_, k) => {
          const i = sent + k;
          const e = {
            source: 'camera',
            id: `bench-${run}-${i}`,
            type: 'crowd',
            at: new Date().toISOString(),
            location: { lon: CAMERAS[i % CAMERAS.length]![0], lat: CAMERAS[i % CAMERAS.length]![1] },
          };
          return pubs[i % PUBLISHERS]!.publishAsync('events/camera', JSON.stringify(e), { qos: 1 });
        }),
      );
      sent += n;
    }
    while (ingest().stats.accepted + ingest().stats.duplicates < MESSAGES) {
      if (performance.now() - t0 > 300_000)
        throw new Error(`only ${ingest().stats.accepted} of ${MESSAGES} stored in 5 min`);
      await sleep(5);
    }
    const seconds = (performance.now() - t0) / 1000;
    return { rate: MESSAGES / seconds, seconds, accepted: ingest().stats.accepted };
  } finally {
    await Promise.all(pubs.map((p) => p.endAsync()));
    await hub.close();
    await cleanup();
  }
}

async function main(): Promise<void> {
  const dbs: ('pglite' | 'postgres')[] = PG_URL ? ['pglite', 'postgres'] : ['pglite'];
  console.log(
    `mqtt ingest: ${MESSAGES} messages of one event each, QoS 1, ${PUBLISHERS} publishers, broker ${MQTT_URL}\n`,
  );
  console.log('db        connections  events/s  seconds  stored');
  for (const db of dbs) {
    const rates: number[] = [];
    for (const c of CONNECTIONS) {
      const r = await measure(db, c);
      rates.push(r.rate);
      console.log(
        `${db.padEnd(10)}${String(c).padStart(11)}${r.rate.toFixed(0).padStart(10)}${r.seconds.toFixed(1).padStart(9)}${String(r.accepted).padStart(8)}`,
      );
    }
    console.log(
      `${db.padEnd(10)} ratio ${CONNECTIONS.at(-1)} : 1 connection = ${(rates.at(-1)! / rates[0]!).toFixed(2)}\n`,
    );
  }
}

await main();
process.exit(0);
