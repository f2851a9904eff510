/**
 * The rule editor's zone search (GET /zones, issue 15) on both backends: a city-wide admin finds
 * zones of every district by part of the name or id, by kind, or reads back a rule's zones by id;
 * a LIKE wildcard in the text is only text; a district admin or a dispatcher is refused without a
 * word of any zone; bad input is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import type { Hub } from '@server/app';
import { generateDemoCity } from '@server/demo';
import { zoneSearchReply, type ZoneSearchReply } from '@shared/zone-search';

const API = '/api/v1';

describe.each(backends)('zone search on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let admin: Signed;

  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const keyPerson = city.zones.filter((z) => z.kind === 'key_person');
  const search = async (query: string, who?: Signed): Promise<ZoneSearchReply> => {
    const res = await (who ?? admin).fetch(`${url}${API}/zones?${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return zoneSearchReply.parse(await res.json());
  };

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(testConfig(p.config)));
    admin = await signIn(url, 'admin');
  }, 120_000);

  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('finds zones of every district by name, id or kind, and reads zones back by id', async () => {
    const target = keyPerson[0]!;
    const byName = await search(`q=${encodeURIComponent(target.name)}`);
    expect(byName.zones).toContainEqual({
      id: target.id,
      name: target.name,
      kind: 'key_person',
      gridCode: target.gridCode,
    });
    expect((await search(`q=${target.id.toUpperCase()}`)).zones.map((z) => z.id)).toEqual([target.id]);

    const kp = await search('kind=key_person&limit=50');
    expect(kp.zones.length).toBe(Math.min(50, keyPerson.length));
    expect(kp.zones.every((z) => z.kind === 'key_person')).toBe(true);
    // City-wide: more than one district's zones.
    expect(new Set(kp.zones.map((z) => z.gridCode.slice(0, 6))).size).toBeGreaterThan(1);
    expect((await search('kind=key_person&limit=2')).zones).toHaveLength(2);

    const ids = city.zones.slice(0, 3).map((z) => z.id);
    const back = await search(`ids=${[...ids, 'zone-none'].join(',')}`);
    expect(back.zones.map((z) => z.id).sort()).toEqual([...ids].sort());
  });

  it('takes a LIKE wildcard as text', async () => {
    expect((await search('q=%25')).zones).toEqual([]);
    expect((await search('q=_')).zones).toEqual([]);
  });

  it('refuses a district admin and a dispatcher, saying nothing of any zone', async () => {
    const create = await admin.fetch(`${url}${API}/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'admin-zones',
        displayName: 'District admin',
        role: 'admin',
        scope: '360102',
        password: 'admin-zones-pass-2026',
      }),
    });
    expect(create.status).toBe(201);
    for (const who of [await signIn(url, 'admin-zones', 'admin-zones-pass-2026'), await signIn(url, 'dispatcher')]) {
      const res = await who.fetch(`${url}${API}/zones?kind=key_person`);
      expect(res.status).toBe(403);
      const body = await res.text();
      for (const z of keyPerson.slice(0, 5)) {
        expect(body).not.toContain(z.id);
        expect(body).not.toContain(z.name);
      }
    }
  });

  it.each([
    ['limit=0', 'query.limit: must be 1-50'],
    ['limit=x', 'query.limit: must be a number'],
    ['kind=park', 'query.kind'],
    ['colour=red', 'query: unknown field "colour"'],
  ])('answers %s with a 400 naming the field', async (query, message) => {
    const res = await admin.fetch(`${url}${API}/zones?${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message);
  });
});
