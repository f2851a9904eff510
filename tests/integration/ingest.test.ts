/**
 * Events in over HTTP (issue 5), on both database backends: the contract of POST /api/v1/events.
 * Good items of a batch are kept when others are bad; an id sent again is a duplicate, never
 * stored twice, also when both copies arrive at the same moment; every refusal names the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import type { Hub } from '../../server/app';
import { generateDemoCity } from '../../server/demo';
import { ingestReply, type EventInput } from '../../shared/ingest';
import { EventRepository } from '../../server/repositories/event.repository';

const API = '/api/v1';
const ENV_KEY = 'test-ingest-key-0123456789';

describe.each(backends)('ingestion on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let admin: Signed;
  let cityKey: string;
  let districtKey: string;
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const gridsA = city.regions.filter((r) => r.level === 'grid' && r.code.startsWith('360102'));
  const gridsB = city.regions.filter((r) => r.level === 'grid' && r.code.startsWith('360103'));
  const camera = city.cameras.find((c) => c.gridCode.startsWith('360103'))!;
  let n = 0;
  const event = (over: Partial<EventInput> = {}): EventInput => ({
    id: `ev-${++n}`,
    source: 'camera',
    type: 'stranger',
    at: '2026-11-22T20:00:00+08:00',
    location: { lon: gridsA[0]!.center[0], lat: gridsA[0]!.center[1] },
    ...over,
  });
  const post = (key: string, body: unknown, raw = false) =>
    fetch(`${url}${API}/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: raw ? (body as string) : JSON.stringify(body) });

  beforeAll(async () => {
    const p = await backend.provision();
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(testConfig({ ...p.config, auth: { demoPassword: 'test-pass-2026', ingestApiKey: ENV_KEY, rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 } } })));
    admin = await signIn(url, 'admin');
    const key = async (scope: string) => {
      const res = await admin.fetch(`${url}${API}/admin/device-keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `k ${scope}`, scope }) });
      return ((await res.json()) as { secret: string }).secret;
    };
    cityKey = await key('360100');
    districtKey = await key('360102');
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('stores one event, located to its grid', async () => {
    const e = event();
    const res = await post(cityKey, e);
    expect(res.status).toBe(202);
    expect(ingestReply.parse(await res.json())).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const row = await new EventRepository(hub.services().database.db).byKey('camera', e.id);
    expect(row?.gridCode).toBe(gridsA[0]!.code);
    expect(row?.type).toBe('stranger');
    expect(row?.at.toISOString()).toBe('2026-11-22T12:00:00.000Z');
  });

  it('keeps the good items of a batch and names what is wrong with each bad one', async () => {
    const bad = [
      { ...event(), type: 'alien_landing' },
      { ...event(), location: { lon: 'east', lat: 28 } },
      { ...event(), at: '2026-11-22 20:00' },
      { ...event(), location: undefined },
      { ...event(), location: undefined, deviceId: 'no-such-device' },
      { ...event(), location: { lon: 116.9, lat: 29.9 } },
      { ...event(), severity: 9 },
      { ...event(), attributes: { blob: 'x'.repeat(17 * 1024) } },
      { ...event(), colour: 'red' },
      'not an event',
    ];
    const good = [event(), event({ location: undefined, deviceId: camera.id, source: 'camera' }), event({ source: 'citizen', type: 'noise' })];
    const res = await post(cityKey, { events: [good[0], ...bad, good[1], good[2]] });
    expect(res.status).toBe(202);
    const reply = ingestReply.parse(await res.json());
    expect(reply.accepted).toBe(3);
    expect(reply.duplicates).toBe(0);
    const byIndex = new Map(reply.rejected.map((r) => [r.index, r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')]));
    expect([...byIndex.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(byIndex.get(1)).toMatch(/^type: /);
    expect(byIndex.get(2)).toMatch(/^location\.lon: must be a number/);
    expect(byIndex.get(3)).toMatch(/^at: must be an ISO 8601/);
    expect(byIndex.get(4)).toMatch(/^location: needs a deviceId or a location/);
    expect(byIndex.get(5)).toMatch(/^deviceId: unknown device "no-such-device"/);
    expect(byIndex.get(6)).toMatch(/^location: .* outside the city/);
    expect(byIndex.get(7)).toMatch(/^severity: must be 1-4/);
    expect(byIndex.get(8)).toMatch(/^attributes: must be at most 16 KB/);
    expect(byIndex.get(9)).toMatch(/unknown field "colour"/);
    expect(byIndex.get(10)).toMatch(/expected object|must be/i);
    // The device's own position placed the event without a location.
    expect((await new EventRepository(hub.services().database.db).byKey('camera', good[1]!.id))?.gridCode).toBe(camera.gridCode);
  });

  it('counts an id sent again as a duplicate: in one batch, across batches, and at the same moment', async () => {
    const e = event();
    const first = ingestReply.parse(await (await post(cityKey, { events: [e, e, event()] })).json());
    expect([first.accepted, first.duplicates]).toEqual([2, 1]);
    const again = ingestReply.parse(await (await post(cityKey, { events: [e] })).json());
    expect([again.accepted, again.duplicates]).toEqual([0, 1]);
    // The same id from another source is another event.
    const other = ingestReply.parse(await (await post(cityKey, { ...e, source: 'sensor' })).json());
    expect(other.accepted).toBe(1);

    const batch = Array.from({ length: 50 }, () => event());
    const replies = await Promise.all([post(cityKey, { events: batch }), post(cityKey, { events: batch }), post(cityKey, { events: batch })]);
    const parsed = await Promise.all(replies.map(async (r) => ingestReply.parse(await r.json())));
    expect(parsed.reduce((s, r) => s + r.accepted, 0)).toBe(50);
    expect(parsed.reduce((s, r) => s + r.duplicates, 0)).toBe(100);
    const count = await hub.services().database.db.execute(`select count(*)::int as n from events where id in (${batch.map((b) => `'${b.id}'`).join(',')})`);
    expect(JSON.stringify(count)).toContain('"n":50');
  });

  it('refuses a body that is no event and no batch, a bad single event, and too much at once', async () => {
    const notJson = await post(cityKey, '{"events": [', true);
    expect(notJson.status).toBe(400);
    for (const body of [[event()], 42, { events: 'many' }, { events: [] }, { events: [event()], extra: 1 }]) {
      const res = await post(cityKey, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      // (A bare number is refused by the JSON parser itself: request/malformed-json.)
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^(body(\.events)?: |request body is not valid JSON)/);
    }
    const single = await post(cityKey, { ...event(), severity: 0 });
    expect(single.status).toBe(400);
    expect(((await single.json()) as { error: { message: string } }).error.message).toMatch(/^body\.severity: must be 1-4/);
    const tooMany = await post(cityKey, { events: Array.from({ length: 1001 }, () => event()) });
    expect(tooMany.status).toBe(413);
    const tooBig = await post(cityKey, { events: [{ ...event(), attributes: { blob: 'x'.repeat(5 * 1024 * 1024) } }] });
    expect(tooBig.status).toBe(413);
  });

  it('takes events only from device keys, each inside its region; INGEST_API_KEY acts city-wide', async () => {
    const inB = event({ location: { lon: gridsB[0]!.center[0], lat: gridsB[0]!.center[1] } });
    const res = await post(districtKey, { events: [event(), inB] });
    const reply = ingestReply.parse(await res.json());
    expect(reply.accepted).toBe(1);
    expect(reply.rejected[0]?.errors[0]?.message).toMatch(/outside this key's region 360102/);
    expect((await post(ENV_KEY, inB)).status).toBe(202);
    expect((await post('cdk_not-a-key-at-all-000000000000', event())).status).toBe(401);
    const person = await signIn(url, 'dispatcher');
    const asPerson = await person.fetch(`${url}${API}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event()) });
    expect(asPerson.status).toBe(403);
  });

  it('documents the contract at /api/docs from the same schemas', async () => {
    const doc = (await (await fetch(`${url}/api/docs/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    const post = doc.paths['/api/v1/events']!.post!;
    const text = JSON.stringify(post);
    for (const word of ['fence_intrusion', 'alarm_button', 'deviceId', 'attributes', 'rejected']) expect(text).toContain(word);
    expect(Object.keys(post.responses)).toContain('202');
    const html = await (await fetch(`${url}/api/docs`)).text();
    expect(html).toContain('POST /api/v1/events');
    expect(html).not.toMatch(/<script/i);
  });
});
