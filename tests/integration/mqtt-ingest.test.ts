/**
 * Events in over MQTT against a real broker (Mosquitto at TEST_MQTT_URL; skipped without it):
 * events published on events/<source> are stored like posted ones, once per (source, id);
 * malformed messages are counted and the hub stays up. A message that can never be stored is
 * acknowledged and set aside as a dead letter (admins see it), and the good ones behind it flow;
 * a transient failure leaves it unacknowledged and reconnects with a backoff, not in a storm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { backends, signIn, startHub, testConfig } from './helpers';
import type { Hub } from '@server/app';
import { MqttIngest } from '@server/realtime/mqtt-ingest';
import type { IngestService } from '@server/services/ingest.service';
import { deadLetterPage } from '@shared/dead-letters';
import { generateDemoCity } from '@server/demo';
import { EventRepository } from '@server/repositories/event.repository';

const TEST_MQTT_URL = process.env.TEST_MQTT_URL;

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!TEST_MQTT_URL).each(backends)('MQTT ingestion on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let publisher: mqtt.MqttClient;
  let url: string;
  const run = randomBytes(4).toString('hex');
  const world = generateDemoCity({ scale: 'small', seed: 7 });
  const grid = world.regions.find((r) => r.level === 'grid')!;
  const fence = world.zones.find((z) => z.kind === 'railway' && z.shape.type === 'corridor')!;
  const event = (id: string, source = 'fence') => ({
    id: `${run}-${id}`,
    source,
    type: 'fence_intrusion',
    at: new Date().toISOString(),
    location: { lon: grid.center[0], lat: grid.center[1] },
  });

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    // A client id of its own, so parallel runs on one broker do not share a session.
    ({ hub, url } = await startHub({
      ...testConfig(p.config),
      mqttUrl: TEST_MQTT_URL,
      mqttClientId: `test-hub-${run}`,
    }));
    await until(() => hub.mqtt() !== undefined);
    publisher = await mqtt.connectAsync(TEST_MQTT_URL!, { clientId: `test-pub-${run}` });
    // Let the hub's subscription settle before publishing.
    await new Promise((r) => setTimeout(r, 500));
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await hub?.close();
    await cleanup?.();
  });

  it('stores events published on events/<source>, once, and survives malformed messages', async () => {
    const stats = hub.mqtt()!.stats;
    const repo = new EventRepository(hub.services().database.db);
    await publisher.publishAsync('events/fence', JSON.stringify(event('a')), { qos: 1 });
    await publisher.publishAsync('events/fence', JSON.stringify({ events: [event('b'), event('c'), event('a')] }), {
      qos: 1,
    });
    await publisher.publishAsync('events/fence', '{"not": json', { qos: 1 });
    await publisher.publishAsync('events/fence', JSON.stringify(event('d', 'camera')), { qos: 1 });
    await publisher.publishAsync('events/ufo', JSON.stringify(event('e')), { qos: 1 });
    await publisher.publishAsync('events/fence', Buffer.from([0xff, 0xfe, 0x00]), { qos: 1 });
    await publisher.publishAsync('events/fence', JSON.stringify({ ...event('f'), type: 'nope' }), { qos: 1 });
    await until(() => stats.messages >= 7 && stats.deadLettered >= 5).catch(() => undefined);
    // Malformed (4) and the one with a refused event: acknowledged and set aside, not redelivered.
    expect(stats).toMatchObject({
      accepted: 3,
      duplicates: 1,
      rejected: 1,
      malformed: 4,
      deadLettered: 5,
      storeFailures: 0,
    });
    for (const id of ['a', 'b', 'c']) expect((await repo.byKey('fence', `${run}-${id}`))?.gridCode).toBe(grid.code);
    expect(await repo.byKey('fence', `${run}-f`)).toBeUndefined();
    // Still up: a good event after the bad ones is stored too.
    await publisher.publishAsync('events/fence', JSON.stringify(event('g')), { qos: 1 });
    await until(async () => (await repo.byKey('fence', `${run}-g`)) !== undefined);
    expect((await fetch(`http://127.0.0.1:${(hub.httpServer.address() as { port: number }).port}/readyz`)).status).toBe(
      200,
    );
  });

  it('tells the nearest loudspeaker to speak when an intrusion on the fence raises an alarm', async () => {
    const said: { topic: string; body: { text: string; alarmId: string } }[] = [];
    publisher.on('message', (topic, payload) => {
      if (topic.startsWith('devices/speaker/'))
        said.push({ topic, body: JSON.parse(payload.toString()) as { text: string; alarmId: string } });
    });
    await publisher.subscribeAsync('devices/speaker/+/say', { qos: 1 });
    const [lon, lat] = (fence.shape as { line: [number, number][] }).line[0]!;
    await publisher.publishAsync('events/fence', JSON.stringify({ ...event('intrusion'), location: { lon, lat } }), {
      qos: 1,
    });
    await until(() => said.length > 0);
    const speaker = said[0]!.topic.split('/')[2];
    expect(world.speakers.find((s) => s.id === speaker)?.railwayId).toBe(fence.railwayId);
    expect(said[0]!.body.text).toMatch(/铁路/);
    const alarm = await hub.services().alarms.sync({ id: 't', role: 'dispatcher', scope: '360100' }, null);
    expect(alarm.alarms.find((a) => a.id === said[0]!.body.alarmId)?.broadcast?.speakerId).toBe(speaker);
  });

  it('sets a poison message aside as a dead letter, and the next 100 good ones are stored within seconds', async () => {
    const stats = hub.mqtt()!.stats;
    const repo = new EventRepository(hub.services().database.db);
    const db = hub.services().database.db;
    const cam = (id: string) => ({ ...event(id, 'camera'), type: 'stranger' });
    // Two poisons: text PostgreSQL cannot store, and a value the database itself refuses (a trigger
    // raising a data exception, as for any value the schemas could not foresee).
    await db.execute(sql`create or replace function refuse_poison() returns trigger language plpgsql as $$
      begin if new.id like '%-poison-db' then raise exception 'poisoned value' using errcode = '22023'; end if; return new; end $$`);
    await db.execute(
      sql`create trigger refuse_poison before insert on events for each row execute function refuse_poison()`,
    );
    try {
      const before = stats.deadLettered;
      const nul = Buffer.from(JSON.stringify(cam('poison-\u0000')));
      await publisher.publishAsync('events/camera', nul, { qos: 1 });
      await publisher.publishAsync('events/camera', JSON.stringify(cam('poison-db')), { qos: 1 });
      const t0 = Date.now();
      for (let i = 0; i < 100; i++)
        await publisher.publishAsync('events/camera', JSON.stringify(cam(`good-${i}`)), { qos: 1 });
      await until(async () => {
        const rows = await db.execute(
          sql`select count(*)::int as n from events where source = 'camera' and id like ${`${run}-good-%`}`,
        );
        return JSON.stringify(rows).includes('"n":100');
      }, 15_000);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(stats.deadLettered - before).toBe(2);
      expect(stats.storeFailures).toBe(0);
      expect(await repo.byKey('camera', `${run}-poison-db`)).toBeUndefined();

      // Admins see both, newest first, with the bytes as sent.
      const admin = await signIn(url, 'admin');
      const page = deadLetterPage.parse(await (await admin.fetch(`${url}/api/v1/admin/dead-letters?limit=2`)).json());
      expect(page.total).toBeGreaterThanOrEqual(7);
      expect(page.items.map((d) => [d.channel, d.topic])).toEqual([
        ['mqtt', 'events/camera'],
        ['mqtt', 'events/camera'],
      ]);
      const [db1, nul1] = page.items;
      expect(db1!.error).toMatch(/^\(event\): cannot be stored: poisoned value/);
      expect(nul1!.error).toBe('id: must not contain U+0000');
      expect(Buffer.from(nul1!.base64, 'base64').equals(nul)).toBe(true);
      expect(nul1!.text).toContain('poison-\\u0000');
      expect(nul1!.bytes).toBe(nul.length);
      // Keyset paging: the next page holds older ones, none twice.
      const next = deadLetterPage.parse(
        await (await admin.fetch(`${url}/api/v1/admin/dead-letters?limit=50&before=${page.nextBefore}`)).json(),
      );
      expect(next.items.every((d) => d.id < nul1!.id)).toBe(true);
      expect(next.items.some((d) => d.error.startsWith('not UTF-8') && d.text.startsWith('\\xff\\xfe'))).toBe(true);
    } finally {
      await db.execute(sql`drop trigger refuse_poison on events`);
    }
  });

  it('leaves a message unacknowledged while the database fails, reconnecting with a backoff (not a storm)', async () => {
    // A second subscriber whose store always fails as a lost connection does (no SQLSTATE).
    const failing = {
      ingest: () => Promise.reject(new Error('Connection terminated unexpectedly')),
    } as unknown as IngestService;
    const clientId = `test-failing-${run}`;
    const sub = new MqttIngest({
      url: TEST_MQTT_URL!,
      ingest: failing,
      principal: () =>
        Promise.resolve({
          principal: { id: 'mqtt', role: 'device', scope: '360100' },
          kind: 'device',
          name: 'mqtt',
          displayName: 'mqtt',
        } as never),
      log: pino({ level: 'silent' }),
      clientId,
    });
    let connects = 0;
    sub.start();
    (sub as unknown as { client: mqtt.MqttClient }).client.on('connect', () => connects++);
    try {
      await until(() => connects === 1);
      await new Promise((r) => setTimeout(r, 300));
      await publisher.publishAsync('events/camera', JSON.stringify(event('kept-back', 'camera')), { qos: 1 });
      await new Promise((r) => setTimeout(r, 4_000));
      // 1 s, then 2 s: at most three connections in four seconds, and the message came back each time.
      expect(connects).toBeGreaterThanOrEqual(2);
      expect(connects).toBeLessThanOrEqual(4);
      expect(sub.stats.storeFailures).toBeGreaterThanOrEqual(2);
      expect(sub.stats.deadLettered).toBe(0);
    } finally {
      await sub.close();
      // Drop the test's persistent session (and the message it holds) from the broker.
      await (await mqtt.connectAsync(TEST_MQTT_URL!, { clientId, clean: true })).endAsync();
    }
  });
});
