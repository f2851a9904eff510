/**
 * Events in over MQTT against a real broker (Mosquitto at TEST_MQTT_URL; skipped without it):
 * events published on events/<source> are stored like posted ones, once per (source, id);
 * malformed messages are counted and the hub stays up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { randomBytes } from 'node:crypto';
import { backends, startHub, testConfig } from './helpers';
import type { Hub } from '../../server/app';
import { generateDemoCity } from '../../server/demo';
import { EventRepository } from '../../server/repositories/event.repository';

const TEST_MQTT_URL = process.env.TEST_MQTT_URL;

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!TEST_MQTT_URL)('MQTT ingestion', () => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let publisher: mqtt.MqttClient;
  const run = randomBytes(4).toString('hex');
  const world = generateDemoCity({ scale: 'small', seed: 7 });
  const grid = world.regions.find((r) => r.level === 'grid')!;
  const fence = world.zones.find((z) => z.kind === 'railway' && z.shape.type === 'corridor')!;
  const event = (id: string, source = 'fence') => ({ id: `${run}-${id}`, source, type: 'fence_intrusion', at: new Date().toISOString(), location: { lon: grid.center[0], lat: grid.center[1] } });

  beforeAll(async () => {
    const p = await backends[0]!.provision();
    cleanup = p.cleanup;
    // A client id of its own, so parallel runs on one broker do not share a session.
    ({ hub } = await startHub({ ...testConfig(p.config), mqttUrl: TEST_MQTT_URL, mqttClientId: `test-hub-${run}` }));
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
    await publisher.publishAsync('events/fence', JSON.stringify({ events: [event('b'), event('c'), event('a')] }), { qos: 1 });
    await publisher.publishAsync('events/fence', '{"not": json', { qos: 1 });
    await publisher.publishAsync('events/fence', JSON.stringify(event('d', 'camera')), { qos: 1 });
    await publisher.publishAsync('events/ufo', JSON.stringify(event('e')), { qos: 1 });
    await publisher.publishAsync('events/fence', Buffer.from([0xff, 0xfe, 0x00]), { qos: 1 });
    await publisher.publishAsync('events/fence', JSON.stringify({ ...event('f'), type: 'nope' }), { qos: 1 });
    await until(() => stats.messages >= 7);
    expect(stats).toMatchObject({ accepted: 3, duplicates: 1, rejected: 1, malformed: 4 });
    for (const id of ['a', 'b', 'c']) expect((await repo.byKey('fence', `${run}-${id}`))?.gridCode).toBe(grid.code);
    expect(await repo.byKey('fence', `${run}-f`)).toBeUndefined();
    // Still up: a good event after the bad ones is stored too.
    await publisher.publishAsync('events/fence', JSON.stringify(event('g')), { qos: 1 });
    await until(async () => (await repo.byKey('fence', `${run}-g`)) !== undefined);
    expect((await fetch(`http://127.0.0.1:${(hub.httpServer.address() as { port: number }).port}/readyz`)).status).toBe(200);
  });

  it('tells the nearest loudspeaker to speak when an intrusion on the fence raises an alarm', async () => {
    const said: { topic: string; body: { text: string; alarmId: string } }[] = [];
    publisher.on('message', (topic, payload) => {
      if (topic.startsWith('devices/speaker/')) said.push({ topic, body: JSON.parse(payload.toString()) as { text: string; alarmId: string } });
    });
    await publisher.subscribeAsync('devices/speaker/+/say', { qos: 1 });
    const [lon, lat] = (fence.shape as { line: [number, number][] }).line[0]!;
    await publisher.publishAsync('events/fence', JSON.stringify({ ...event('intrusion'), location: { lon, lat } }), { qos: 1 });
    await until(() => said.length > 0);
    const speaker = said[0]!.topic.split('/')[2];
    expect(world.speakers.find((s) => s.id === speaker)?.railwayId).toBe(fence.railwayId);
    expect(said[0]!.body.text).toMatch(/铁路/);
    const alarm = await hub.services().alarms.sync({ id: 't', role: 'dispatcher', scope: '360100' }, null);
    expect(alarm.alarms.find((a) => a.id === said[0]!.body.alarmId)?.broadcast?.speakerId).toBe(speaker);
  });
});
