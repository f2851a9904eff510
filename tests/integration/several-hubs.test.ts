/**
 * Several hubs, one picture (issue 13), on the machine's PostgreSQL, Redis and Mosquitto (skipped
 * without TEST_DATABASE_URL and TEST_REDIS_URL):
 * - a screen on hub B gets every alarm and incident hub A commits, in batches that cover the revs
 *   without a hole, and its catch-up never skips A's revs;
 * - a session ended on hub A closes its screen on hub B (through the Redis adapter);
 * - a loudspeaker is told once per intrusion: recorded with the alarm, delivered after commit by
 *   whichever hub has the broker, never again on a later change of the alarm;
 * - two hubs with default MQTT settings share one broker without knocking each other off, and each
 *   message is taken by one of them (shared subscription).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { randomBytes } from 'node:crypto';
import { signIn, startHub, tempPostgresDatabase, testConfig, TEST_DATABASE_URL } from './helpers';
import { Screen, until } from './screen';
import type { Hub } from '@server/app';
import type { Config } from '@server/core/config';
import { generateDemoCity } from '@server/demo';
import { offsetM } from '@server/demo/geo';
import { ingestReply, type EventInput } from '@shared/ingest';
import type { LonLat } from '@shared/world';
import { OutboxRepository } from '@server/repositories/outbox.repository';
import { EventRepository } from '@server/repositories/event.repository';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL;
const TEST_MQTT_URL = process.env.TEST_MQTT_URL;
const API = '/api/v1';
const KEY = 'several-hubs-key-0123456789';

describe.skipIf(!TEST_DATABASE_URL || !TEST_REDIS_URL)('several hubs on one PostgreSQL and Redis', () => {
  const run = randomBytes(4).toString('hex');
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const fence = city.zones.find((z) => z.kind === 'railway' && z.shape.type === 'corridor')!;
  const onFence = offsetM((fence.shape as { line: LonLat[] }).line[0]!, 0, 0);
  let n = 0;
  const event = (over: Partial<EventInput> = {}): EventInput => ({
    id: `${run}-${++n}`,
    source: 'fence',
    type: 'fence_intrusion',
    at: new Date().toISOString(),
    location: { lon: onFence[0], lat: onFence[1] },
    ...over,
  });
  let drop: () => Promise<void>;
  let base: Config;
  const hubs: Hub[] = [];
  const urls: string[] = [];
  const screens: Screen[] = [];
  const post = async (url: string, body: unknown) => {
    const res = await fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    return ingestReply.parse(await res.json());
  };
  const hubAt = async (over: Partial<Config> = {}) => {
    const { hub, url } = await startHub({ ...base, ...over });
    hubs.push(hub);
    urls.push(url);
    return { hub, url };
  };

  beforeAll(async () => {
    const db = await tempPostgresDatabase(TEST_DATABASE_URL!);
    drop = db.drop;
    base = testConfig({
      databaseUrl: db.url,
      redisUrl: TEST_REDIS_URL,
      redisPrefix: `cd-test-${run}`,
      auth: {
        demoPassword: 'test-pass-2026',
        ingestApiKey: KEY,
        rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 },
      },
    });
    await hubAt();
    await hubAt();
  });
  afterAll(async () => {
    for (const s of screens) s.socket.disconnect();
    for (const h of hubs) await h.close();
    await drop?.();
  });

  it("a screen on hub B gets every alarm hub A commits, without a hole, and catch-up never skips A's revs", async () => {
    const [a, b] = urls as [string, string];
    const sB = new Screen(b, (await signIn(b)).cookie);
    const sA = new Screen(a, (await signIn(a)).cookie);
    screens.push(sA, sB);
    await Promise.all([sA.ready(), sB.ready()]);
    // Interleaved posts on both hubs, some concurrent: revs of A and B mix.
    for (let round = 0; round < 10; round++) {
      await Promise.all([post(a, { events: [event(), event()] }), post(b, event()), post(a, event())]);
    }
    const db = hubs[0]!.services().alarms;
    const server = await db.sync({ id: 'x', role: 'dispatcher', scope: '36', name: 't' } as never, null);
    const want = new Set(server.alarms.map((x) => x.id));
    // Repeats on the fence fold into open alarms, so an alarm already held may still have a newer rev
    // on its way: wait for the latest rev of each, not only its id.
    const latest = new Map(server.alarms.map((x) => [x.id, x.rev]));
    const holds = (s: Screen, id: string) => (s.alarms.get(id)?.rev ?? -1) >= latest.get(id)!;
    await until(
      () =>
        [...want].every((id) => holds(sB, id) && holds(sA, id)) &&
        (sB.alarmCursor ?? -1) >= Math.max(...latest.values()),
      10_000,
      'every alarm on both screens',
    ).catch((e: unknown) => {
      const missing = (s: Screen) => [...want].filter((id) => !holds(s, id)).map((id) => latest.get(id)!);
      throw new Error(
        `${(e as Error).message}: want ${want.size}, A lacks revs ${missing(sA).join(',')} (cursor ${sA.alarmCursor}), B lacks ${missing(sB).join(',')} (cursor ${sB.alarmCursor}), holes ${sA.holes}/${sB.holes}`,
      );
    });
    expect(sB.holes).toBe(0);
    expect(sA.holes).toBe(0);
    // Each alarm rev pushed once per screen.
    for (const s of [sA, sB]) expect(new Set(s.pushedAlarmRevs).size).toBe(s.pushedAlarmRevs.length);
    // Catch-up since the screen's cursor finds nothing it lacks.
    const cursor = sB.alarmCursor!;
    expect(cursor).toBeGreaterThanOrEqual(Math.max(...server.alarms.map((x) => x.rev)));
    // Priority-1 fence alarms became incidents on hub A or B: both screens hold all of them.
    const incidents = await hubs[1]!
      .services()
      .incidents.read.sync({ id: 'x', role: 'dispatcher', scope: '36', name: 't' } as never, null);
    await until(
      () => incidents.incidents.every((i) => sB.incidents.has(i.id) && sA.incidents.has(i.id)),
      10_000,
      'every incident on both screens',
    );
  });

  it('a screen whose hub dies catches up on another hub with exactly the missing alarms', async () => {
    const extra = await hubAt();
    const c = new Screen(extra.url, (await signIn(extra.url)).cookie);
    screens.push(c);
    await c.ready();
    await post(urls[0]!, event());
    await until(() => c.alarmCursor !== null && c.alarms.size > 0);
    // Kill the screen's hub's sockets abruptly, post meanwhile, reconnect the screen to hub A.
    c.socket.disconnect();
    await post(urls[0]!, { events: [event(), event(), event()] });
    await post(urls[1]!, event());
    const moved = new Screen(urls[1]!, (await signIn(urls[1]!)).cookie);
    screens.push(moved);
    moved.alarmCursor = c.alarmCursor;
    moved.incidentCursor = c.incidentCursor;
    for (const [id, v] of c.alarms) moved.alarms.set(id, v);
    await moved.ready();
    const server = await hubs[0]!
      .services()
      .alarms.sync({ id: 'x', role: 'dispatcher', scope: '36', name: 't' } as never, null);
    expect(new Set(moved.alarms.keys())).toEqual(new Set(server.alarms.map((x) => x.id)));
  });

  it('a session ended on hub A closes its screen on hub B', async () => {
    const [a, b] = urls as [string, string];
    const s = await signIn(a, 'commander');
    const sc = new Screen(b, s.cookie);
    screens.push(sc);
    await sc.ready();
    const ended = new Promise<string>((r) => sc.socket.on('auth:ended', (e) => r(e.reason)));
    const res = await s.fetch(`${a}${API}/auth/logout`, { method: 'POST' });
    expect(res.status).toBeLessThan(300);
    expect(await ended).toBe('logout');
    await until(() => !sc.socket.connected, 5_000, 'socket closed');
  });

  describe.skipIf(!TEST_MQTT_URL)('with the broker', () => {
    it('tells the loudspeaker once per intrusion, from the hub that has the broker, and never again on a change', async () => {
      // Hub A has no broker (its commits record the command); hub C with the broker delivers it.
      const said: { topic: string; body: { alarmId: string; outboxId: number } }[] = [];
      const listener = await mqtt.connectAsync(TEST_MQTT_URL!, { clientId: `test-speakers-${run}` });
      listener.on('message', (topic, payload) =>
        said.push({ topic, body: JSON.parse(payload.toString()) as { alarmId: string; outboxId: number } }),
      );
      await listener.subscribeAsync('devices/speaker/+/say', { qos: 1 });
      try {
        const reply = await post(urls[0]!, event());
        expect(reply.accepted).toBe(1);
        const outbox = new OutboxRepository(hubs[0]!.services().database.db);
        await until(async () => (await outbox.pending()) > 0, 5_000, 'the command recorded');
        const withBroker = await hubAt({
          mqttUrl: TEST_MQTT_URL,
          mqttClientId: `test-hub-c-${run}`,
          mqttShareGroup: `g-${run}`,
        });
        await until(() => said.length >= 1, 10_000, 'the command delivered');
        // Acknowledge the alarm (a change): no new command.
        const alarmId = said[0]!.body.alarmId;
        const d = await signIn(withBroker.url);
        expect(
          (
            await d.fetch(`${withBroker.url}${API}/alarms/${alarmId}/actions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ action: 'acknowledge' }),
            })
          ).status,
        ).toBe(200);
        await new Promise((r) => setTimeout(r, 1_500));
        expect(said.filter((m) => m.body.alarmId === alarmId)).toHaveLength(1);
        expect(await outbox.pending()).toBe(0);
      } finally {
        await listener.endAsync();
      }
    });

    it('two hubs with default MQTT settings share one broker: no knocking, each message taken once', async () => {
      const group = `share-${run}`;
      // Three connections each (the default is 4): six members of the group, each message to one.
      const one = await hubAt({ mqttUrl: TEST_MQTT_URL, mqttShareGroup: group, mqttConnections: 3 });
      const two = await hubAt({ mqttUrl: TEST_MQTT_URL, mqttShareGroup: group, mqttConnections: 3 });
      expect(new Set([...one.hub.mqtt()!.clientIds, ...two.hub.mqtt()!.clientIds]).size).toBe(6);
      await until(() => Boolean(one.hub.mqtt()?.connected && two.hub.mqtt()?.connected), 10_000, 'both connected');
      await new Promise((r) => setTimeout(r, 500));
      const pub = await mqtt.connectAsync(TEST_MQTT_URL!, { clientId: `test-pub-${run}` });
      const ids: string[] = [];
      try {
        for (let i = 0; i < 40; i++) {
          const e = event({ source: 'camera', type: 'crowd', id: `${run}-mq-${i}` });
          ids.push(e.id);
          await pub.publishAsync('events/camera', JSON.stringify(e), { qos: 1 });
        }
      } finally {
        await pub.endAsync();
      }
      const repo = new EventRepository(one.hub.services().database.db);
      await until(
        async () => (await Promise.all(ids.map((id) => repo.byKey('camera', id)))).every(Boolean),
        15_000,
        'every event stored',
      );
      const s1 = one.hub.mqtt()!.stats;
      const s2 = two.hub.mqtt()!.stats;
      // Shared: each message went to one hub (the sum is the count, not twice it), and both took some.
      expect(s1.messages + s2.messages).toBe(40);
      expect(s1.messages).toBeGreaterThan(0);
      expect(s2.messages).toBeGreaterThan(0);
      expect(one.hub.mqtt()!.connected && two.hub.mqtt()!.connected).toBe(true);
    });
  });
});
