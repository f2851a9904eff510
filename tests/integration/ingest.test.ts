/**
 * Events in over HTTP (issue 5), on both database backends: the contract of POST /api/v1/events.
 * Good items of a batch are kept when others are bad; an id sent again is a duplicate, never
 * stored twice, also when both copies arrive at the same moment; every refusal names the field.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import type { Hub } from '@server/app';
import { generateDemoCity } from '@server/demo';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hubPhotoUrl, ingestReply, type EventInput } from '@shared/ingest';
import { EventRepository } from '@server/repositories/event.repository';

/** {a: {a: … 1}} n levels deep, built without recursion (JSON.stringify of it is done by hand too). */
const deepJson = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

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
  const run = Math.random().toString(36).slice(2, 8);
  const event = (over: Partial<EventInput> = {}): EventInput => ({
    id: `ev-${++n}`,
    source: 'camera',
    type: 'stranger',
    at: '2026-11-22T20:00:00+08:00',
    location: { lon: gridsA[0]!.center[0], lat: gridsA[0]!.center[1] },
    ...over,
  });
  const post = (key: string, body: unknown, raw = false) =>
    fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: raw ? (body as string) : JSON.stringify(body),
    });

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(
      testConfig({
        ...p.config,
        auth: {
          demoPassword: 'test-pass-2026',
          ingestApiKey: ENV_KEY,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 },
        },
      }),
    ));
    admin = await signIn(url, 'admin');
    const key = async (scope: string) => {
      const res = await admin.fetch(`${url}${API}/admin/device-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `k ${scope}`, scope }),
      });
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
    const good = [
      event(),
      event({ location: undefined, deviceId: camera.id, source: 'camera' }),
      event({ source: 'citizen', type: 'noise' }),
    ];
    const res = await post(cityKey, { events: [good[0], ...bad, good[1], good[2]] });
    expect(res.status).toBe(202);
    const reply = ingestReply.parse(await res.json());
    expect(reply.accepted).toBe(3);
    expect(reply.duplicates).toBe(0);
    const byIndex = new Map(
      reply.rejected.map((r) => [r.index, r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')]),
    );
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
    expect((await new EventRepository(hub.services().database.db).byKey('camera', good[1]!.id))?.gridCode).toBe(
      camera.gridCode,
    );
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
    const replies = await Promise.all([
      post(cityKey, { events: batch }),
      post(cityKey, { events: batch }),
      post(cityKey, { events: batch }),
    ]);
    const parsed = await Promise.all(replies.map(async (r) => ingestReply.parse(await r.json())));
    expect(parsed.reduce((s, r) => s + r.accepted, 0)).toBe(50);
    expect(parsed.reduce((s, r) => s + r.duplicates, 0)).toBe(100);
    const count = await hub
      .services()
      .database.db.execute(
        `select count(*)::int as n from events where id in (${batch.map((b) => `'${b.id}'`).join(',')})`,
      );
    expect(JSON.stringify(count)).toContain('"n":50');
  });

  it('refuses a body that is no event and no batch, a bad single event, and too much at once', async () => {
    const notJson = await post(cityKey, '{"events": [', true);
    expect(notJson.status).toBe(400);
    for (const body of [[event()], 42, { events: 'many' }, { events: [] }, { events: [event()], extra: 1 }]) {
      const res = await post(cityKey, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      // (A bare number is refused by the JSON parser itself: request/malformed-json.)
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /^(body(\.events)?: |request body is not valid JSON)/,
      );
    }
    const single = await post(cityKey, { ...event(), severity: 0 });
    expect(single.status).toBe(400);
    expect(((await single.json()) as { error: { message: string } }).error.message).toMatch(
      /^body\.severity: must be 1-4/,
    );
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
    const asPerson = await person.fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event()),
    });
    expect(asPerson.status).toBe(403);
  });

  it('lets an event name only a hub photo its key may show: its region’s device picture, nothing else', async () => {
    const jpeg = await readFile(join(import.meta.dirname, '..', 'fixtures', 'isapi', 'tiny.jpg'));
    const photos = hub.services().incidents.photos;
    // A camera's picture taken in 360102 and one taken in 360103 (as the device adapters keep them).
    const inA = (await photos.deviceImage(jpeg, 'device:test', gridsA[0]!.code))!;
    const inB = (await photos.deviceImage(jpeg, 'device:test', gridsB[0]!.code))!;
    const named = (id: string) => event({ media: [{ kind: 'image', url: hubPhotoUrl(id) }] });
    const reply = ingestReply.parse(
      await (
        await post(districtKey, {
          events: [named(inA), named(inB), named('00000000-0000-4000-8000-000000000000')],
        })
      ).json(),
    );
    expect(reply.accepted).toBe(1);
    // Elsewhere and nowhere read the same: the reply does not tell a foreign photo from none.
    expect(reply.rejected).toEqual(
      [1, 2].map((index) => ({
        index,
        errors: [
          { path: 'media.0.url', message: 'names no photo this key may show (its own, or taken in its region)' },
        ],
      })),
    );
    // The city-wide key may name either.
    expect(ingestReply.parse(await (await post(cityKey, named(inB))).json()).accepted).toBe(1);
  });

  it('refuses text PostgreSQL cannot store by item, naming the field, and keeps the good items', async () => {
    const bad = [
      event({ id: 'nul\u0000id' }),
      event({ id: 'lone\ud800' }),
      event({ deviceId: '\udc00x' }),
      event({ attributes: { plate: '赣A\u0000' } }),
      event({ attributes: { '\ud83d': 1 } }),
      event({ media: [{ kind: 'image', url: 'https://cam.example/a\u0000.jpg' }] }),
      event({ at: '0000-06-01T00:00:00Z' }),
      event({ attributes: JSON.parse(deepJson(9)) as Record<string, unknown> }),
    ];
    const good = [
      event({ id: `ok-😀-${n}` }),
      event({ attributes: { note: '中文 😀', nested: { deep: [1, { x: 'y' }] } } }),
    ];
    const res = await post(cityKey, { events: [good[0], ...bad, good[1]] });
    expect(res.status).toBe(202);
    const reply = ingestReply.parse(await res.json());
    expect(reply.accepted).toBe(2);
    expect(reply.rejected.map((r) => `${r.index} ${r.errors[0]!.path}: ${r.errors[0]!.message}`)).toEqual([
      '1 id: must not contain U+0000',
      '2 id: must not contain a lone surrogate (U+D800)',
      '3 deviceId: must not contain a lone surrogate (U+DC00)',
      '4 attributes.plate: must not contain U+0000',
      '5 attributes.\\ud83d: the key must not contain a lone surrogate (U+D83D)',
      '6 media.0.url: must not contain U+0000',
      '7 at: must be a time in the years 0001 to 9999 (UTC)',
      `8 attributes.${Array(8).fill('a').join('.')}: nested deeper than 8 levels`,
    ]);
    expect((await new EventRepository(hub.services().database.db).byKey('camera', good[0]!.id))?.id).toBe(good[0]!.id);
  });

  it('answers a single unstorable event, and attributes nested 7,000 deep, with 400 naming the field', async () => {
    const message = async (res: Response) => {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('request/invalid');
      return body.error.message;
    };
    expect(await message(await post(cityKey, event({ id: 'x\u0000' })))).toBe('body.id: must not contain U+0000');
    expect(await message(await post(cityKey, event({ attributes: { a: '\ud800' } })))).toBe(
      'body.attributes.a: must not contain a lone surrogate (U+D800)',
    );
    const deep = JSON.stringify(event()).replace(/}$/, `,"attributes":${deepJson(7000)}}`);
    expect(await message(await post(cityKey, deep, true))).toMatch(
      /^body\.attributes\.a\.a[.a…(\d more)]*: nested deeper than \d+ levels$/,
    );
    expect(await message(await post(cityKey, `{"events":[${deep}]}`, true))).toMatch(
      /^body\.events\.0\.attributes\.a[.a…(\d more)]*: nested deeper than \d+ levels$/,
    );
    // The hub is fine afterwards.
    expect((await post(cityKey, event())).status).toBe(202);
  });

  it('one bad item never fails another device’s post: 40 concurrent good posts and a poison one the database refuses', async () => {
    // A poison the schemas cannot know: the database itself refuses it (a data exception), as a
    // value PostgreSQL rejects would. Installed as a trigger, so the real commit path meets it.
    const db = hub.services().database.db;
    await db.execute(sql`create or replace function refuse_poison() returns trigger language plpgsql as $$
      begin if new.id like 'poison-%' then raise exception 'poisoned value in %', new.id using errcode = '22023'; end if; return new; end $$`);
    await db.execute(
      sql`create trigger refuse_poison before insert on events for each row execute function refuse_poison()`,
    );
    try {
      const keys = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const r = await admin.fetch(`${url}${API}/admin/device-keys`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: `dev ${i}`, scope: '360100' }),
          });
          return ((await r.json()) as { secret: string }).secret;
        }),
      );
      // Hold the first commit until every other post waits behind it, so they share one group commit
      // with the poison (as they would on a busy hub), and record what each commit held.
      const svc = hub.services().ingest as unknown as { commit(parts: unknown[]): Promise<number[]>; queue: unknown[] };
      const original = svc.commit.bind(svc);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let held = false;
      const commits: { parts: number; failed: boolean }[] = [];
      const spy = vi.spyOn(svc, 'commit').mockImplementation(async (parts: unknown[]) => {
        if (!held) {
          held = true;
          await gate;
        }
        try {
          const counts = await original(parts);
          commits.push({ parts: parts.length, failed: false });
          return counts;
        } catch (e) {
          commits.push({ parts: parts.length, failed: true });
          throw e;
        }
      });
      const goods = keys.map((_, i) => event({ id: `good-${run}-${i}`, source: 'sensor', type: 'smoke' }));
      const poison = event({ id: `poison-${run}`, source: 'sensor', type: 'smoke' });
      const until = async (check: () => boolean) => {
        for (let t0 = Date.now(); !check();) {
          if (Date.now() - t0 > 20_000) throw new Error('timed out waiting for the ingest queue');
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      // The first good post is held in its commit; the other 39 and the poison queue behind it and
      // go into the next group commit together.
      const first = post(keys[0]!, goods[0]);
      await until(() => held);
      const rest = Promise.all([...keys.slice(1).map((k, i) => post(k, goods[i + 1])), post(cityKey, poison)]);
      await until(() => svc.queue.length === 40);
      release();
      const answers = [await first, ...(await rest)];
      spy.mockRestore();
      // The poison failed a commit it shared with good posts; each was then stored on its own.
      expect(
        commits.some((c) => c.failed && c.parts > 1),
        JSON.stringify(commits),
      ).toBe(true);
      const statuses = answers.map((r) => r.status);
      expect(statuses.slice(0, 40)).toEqual(Array(40).fill(202));
      expect(statuses[40]).toBe(400);
      const refusal = ((await answers[40]!.json()) as { error: { code: string; message: string } }).error;
      expect(refusal.code).toBe('request/invalid');
      expect(refusal.message).toMatch(/^body: cannot be stored: poisoned value in poison-/);
      const repo = new EventRepository(db);
      for (const g of goods) expect((await repo.byKey('sensor', g.id))?.id, g.id).toBe(g.id);
      expect(await repo.byKey('sensor', poison.id)).toBeUndefined();

      // Within one batch: the poison is refused by its index, every other event is stored.
      const batch = Array.from({ length: 40 }, (_, i) => event({ id: `${i === 23 ? 'poison' : 'batch'}-${run}-${i}` }));
      const reply = ingestReply.parse(await (await post(cityKey, { events: batch })).json());
      expect(reply.accepted).toBe(39);
      expect(reply.rejected.map((r) => [r.index, r.errors.length, r.errors[0]?.path])).toEqual([[23, 1, '(event)']]);
      expect(reply.rejected[0]?.errors[0]?.message).toMatch(/^cannot be stored: poisoned value/);
    } finally {
      await db.execute(sql`drop trigger refuse_poison on events`);
    }
  });

  it('documents the contract at /api/docs from the same schemas', async () => {
    const doc = (await (await fetch(`${url}/api/docs/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const post = doc.paths['/api/v1/events']!.post!;
    // The operation with the named schemas it refers to ($ref → components) written in.
    const text = JSON.stringify(post).replace(/\{"\$ref":"#\/components\/schemas\/([^"]+)"\}/g, (_m, name: string) =>
      JSON.stringify(doc.components.schemas[name]),
    );
    for (const word of ['fence_intrusion', 'alarm_button', 'deviceId', 'attributes', 'rejected'])
      expect(text).toContain(word);
    expect(Object.keys(post.responses)).toContain('202');
    const html = await (await fetch(`${url}/api/docs`)).text();
    expect(html).toContain('POST /api/v1/events');
    expect(html).not.toMatch(/<script/i);
  });
});
