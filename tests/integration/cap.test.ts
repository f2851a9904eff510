/**
 * CAP 1.2 out (issue 18), on both backends: events raise alarms in district X and in district Y;
 * X's dispatcher reads the Atom index of X's current messages and every message it links to. The
 * feed is well-formed Atom with its required elements, newest first, holding X's alarms (the one
 * acknowledged as an Update, the one marked false as a Cancel, the fence alarm turned into an
 * incident, and that incident) and nothing of Y; every message validates against the official
 * OASIS schema (xmllint, tests/fixtures/cap/CAP-v1.2.xsd). Y's alarm and incident, an unknown id
 * and a malformed one are the same 404 for X; the city-wide dispatcher reads Y's; so does a viewer (who reads alarms).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { backends, postEvents, signIn, startEventHub, type Signed } from './helpers';
import { generateDemoCity } from '@server/demo';
import { offsetM } from '@server/demo/geo';
import { alarmSyncReply, type AlarmView } from '@shared/alarms';
import type { EventInput } from '@shared/ingest';
import type { LonLat } from '@shared/world';

const API = '/api/v1';
const KEY = 'cap-test-key-0123456789';
const XSD = fileURLToPath(new URL('../fixtures/cap/CAP-v1.2.xsd', import.meta.url));
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => ['entry', 'parameter', 'link'].includes(name),
});

interface Entry {
  id: string;
  title: { '#text': string } | string;
  updated: string;
  summary: { '#text': string } | string;
  link: { '@_rel': string; '@_type': string; '@_href': string }[];
}
interface Feed {
  '@_xmlns': string;
  id: string;
  title: unknown;
  updated: string;
  author: { name: string };
  link: { '@_rel': string; '@_href': string }[];
  entry?: Entry[];
}
interface Alert {
  identifier: string;
  sender: string;
  sent: string;
  msgType: string;
  scope: string;
  references?: string;
  incidents?: string;
  info: { parameter: { valueName: string; value: string }[]; area: { circle?: string; polygon?: string } };
}

/** xmllint's verdict on documents: one run for all (the schema when given); the files that failed. */
async function xmllint(docs: readonly string[], schema?: string): Promise<{ failed: string[]; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cap-it-'));
  try {
    const paths = docs.map((_, i) => join(dir, `m${i}.xml`));
    await Promise.all(paths.map((p, i) => writeFile(p, docs[i]!)));
    const r = spawnSync('xmllint', ['--noout', ...(schema ? ['--schema', schema] : []), ...paths], {
      encoding: 'utf8',
    });
    const failed = schema
      ? docs.filter((_, i) => !r.stderr.includes(`${paths[i]} validates`))
      : r.status === 0
        ? []
        : [...docs];
    return { failed, out: r.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.each(backends)('CAP 1.2 out on $name', (backend) => {
  let stop: (() => Promise<void>) | undefined;
  let url: string;
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const fence = city.zones.find((z) => z.kind === 'railway' && z.shape.type === 'corridor')!;
  const X = fence.gridCode.slice(0, 6);
  const keyPersons = (d: string) =>
    city.zones.filter((z) => z.kind === 'key_person' && z.shape.type === 'circle' && z.gridCode.startsWith(d));
  const Y = ['360102', '360103', '360113'].find((d) => d !== X && keyPersons(d).length > 0)!;
  const [kpX1, kpX2] = keyPersons(X);
  const [kpY] = keyPersons(Y);
  const center = (z: typeof kpX1) => (z!.shape as { center: LonLat }).center;
  let n = 0;
  const event = (over: Partial<EventInput>): EventInput => ({
    id: `cap-${++n}`,
    source: 'camera',
    type: 'stranger',
    at: new Date().toISOString(),
    ...over,
  });

  let city_: Signed;
  let districtX: Signed;
  /** X: acknowledged (Update), marked false (Cancel), the fence's (an incident at once); Y's. */
  let ackX: AlarmView;
  let falseX: AlarmView;
  let fenceX: AlarmView;
  let alarmY: AlarmView;

  beforeAll(async () => {
    ({ url, stop } = await startEventHub(backend, KEY));
    city_ = await signIn(url, 'dispatcher');
    districtX = await signIn(url, `dispatcher-${X}`);
    const before = alarmSyncReply.parse(await (await city_.fetch(`${url}${API}/alarms`)).json()).rev;
    const onFence = offsetM((fence.shape as { line: LonLat[] }).line[0]!, 0, 0);
    const posted = await postEvents(url, KEY, {
      events: [
        event({ source: 'fence', type: 'fence_intrusion', location: { lon: onFence[0], lat: onFence[1] } }),
        event({ location: { lon: center(kpX1)[0], lat: center(kpX1)[1] } }),
        event({ location: { lon: center(kpX2)[0], lat: center(kpX2)[1] } }),
        event({ location: { lon: center(kpY)[0], lat: center(kpY)[1] } }),
      ],
    });
    expect(posted).toMatchObject({ accepted: 4 });
    // The alarms as the city sees them (the fence's is an incident at once: not open, so by delta).
    // The fence's alarm is an incident at once (its incidentId set in the same commit). Other rules may match too (at night a key person's circle can lie in a community's): wait for these four.
    const byZone = new Map<string, AlarmView>();
    const wanted = [fence.id, kpX1!.id, kpX2!.id, kpY!.id];
    const all = () => wanted.every((id) => byZone.has(id));
    for (let i = 0; i < 100 && !all(); i++) {
      const d = alarmSyncReply.parse(await (await city_.fetch(`${url}${API}/alarms?since=${before}`)).json());
      for (const a of d.alarms)
        if (a.zone && wanted.includes(a.zone.id) && (a.incidentId || a.rule.id !== 'fence-intrusion'))
          byZone.set(a.zone.id, a);
      if (!all()) await new Promise((r) => setTimeout(r, 100));
    }
    fenceX = byZone.get(fence.id)!;
    alarmY = byZone.get(kpY!.id)!;
    const act = async (a: AlarmView, action: string) => {
      const res = await districtX.fetch(`${url}${API}/alarms/${a.id}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as AlarmView;
    };
    ackX = await act(byZone.get(kpX1!.id)!, 'acknowledge');
    falseX = await act(byZone.get(kpX2!.id)!, 'false_alarm');
    expect(fenceX.incidentId).toBeTruthy();
    expect(alarmY.id).toBeTruthy();
  });
  afterAll(async () => {
    await stop?.();
  });

  const get = (s: Signed, path: string, headers: Record<string, string> = {}) =>
    s.fetch(path.startsWith('http') ? path : `${url}${API}${path}`, { headers });

  it('the Atom index of the scope: well-formed, required elements, newest first, X only; every message schema-valid', async () => {
    const res = await get(districtX, '/cap/alerts.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const body = await res.text();
    const wf = await xmllint([body]);
    expect(wf.failed, wf.out).toEqual([]);

    const feed = (parser.parse(body) as { feed: Feed }).feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(feed.title).toBeTruthy();
    expect(feed.updated).toMatch(TIME);
    expect(feed.author.name).toBeTruthy();
    expect(feed.link.find((l) => l['@_rel'] === 'self')?.['@_href']).toBe(`${url}${API}/cap/alerts.atom`);
    const entries = feed.entry ?? [];
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect(entries.length).toBeLessThanOrEqual(500);
    for (const e of entries) {
      expect(e.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(e.title).toBeTruthy();
      expect(e.updated).toMatch(TIME);
      expect(e.summary).toBeTruthy();
      expect(e.link).toContainEqual(expect.objectContaining({ '@_rel': 'alternate', '@_type': 'application/cap+xml' }));
    }
    const times = entries.map((e) => Date.parse(e.updated));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const ids = new Set(entries.map((e) => e.id.slice('urn:uuid:'.length)));
    for (const a of [ackX, falseX, fenceX]) expect(ids.has(a.id), a.id).toBe(true);
    expect(ids.has(fenceX.incidentId!)).toBe(true);
    expect(ids.has(alarmY.id)).toBe(false);

    // Every linked message, as X reads it: CAP's media type, and valid against the OASIS schema.
    const messages: string[] = [];
    const byObject = new Map<string, Alert>();
    for (const e of entries) {
      const href = e.link.find((l) => l['@_rel'] === 'alternate')!['@_href'];
      expect(href.startsWith(`${url}${API}/cap/`)).toBe(true);
      const m = await get(districtX, href);
      expect(m.status, href).toBe(200);
      expect(m.headers.get('content-type')).toBe('application/cap+xml; charset=utf-8');
      const xml = await m.text();
      messages.push(xml);
      byObject.set(e.id.slice('urn:uuid:'.length), (parser.parse(xml) as { alert: Alert }).alert);
    }
    const valid = await xmllint(messages, XSD);
    expect(valid.failed.length, `${valid.out}\n${valid.failed[0] ?? ''}`).toBe(0);

    for (const a of byObject.values()) {
      expect(a.sent).toMatch(TIME);
      expect(a.scope).toBe('Restricted');
      expect(a.sender).toMatch(/^city-command@\d{6}$/);
      if (a.msgType !== 'Alert') expect(a.references).toMatch(/^\S+,\S+:1,\S+\+08:00$/);
    }
    const ack = byObject.get(ackX.id)!;
    expect(ack.msgType).toBe('Update');
    expect(ack.identifier).toBe(`${ack.sender}:alarm:${ackX.id}:${ackX.rev}`);
    expect(ack.references).toBe(`${ack.sender},${ack.sender}:alarm:${ackX.id}:1,${capTimeOf(ackX.createdAt)}`);
    // In a key person's circle: that circle, lat,lon.
    const c = center(kpX1);
    const [lat, lon] = ack.info.area.circle!.split(' ')[0]!.split(',').map(Number);
    expect([lon, lat]).toEqual([Number(c[0].toFixed(6)), Number(c[1].toFixed(6))]);
    expect(byObject.get(falseX.id)!.msgType).toBe('Cancel');
    const fenceMsg = byObject.get(fenceX.id)!;
    expect(fenceMsg.msgType).toBe('Update');
    expect(fenceMsg.incidents).toBe(fenceX.incidentId);
    expect(byObject.get(fenceX.incidentId!)!.identifier).toMatch(/:incident:[0-9a-f-]{36}:\d+$/);

    // Unchanged: 304 on If-None-Match.
    const again = await get(districtX, '/cap/alerts.atom', { 'if-none-match': etag! });
    expect(again.status).toBe(304);
  });

  it('outside the scope is the same 404 as an unknown id; the city reads it; so does a viewer', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const answer = async (path: string, id: string) => {
      const res = await get(districtX, path);
      const body = (await res.json()) as { error: { code: string; message: string } };
      return { status: res.status, code: body.error.code, message: body.error.message.replace(id, '<id>') };
    };
    const outside = await answer(`/cap/alarms/${alarmY.id}.xml`, alarmY.id);
    expect(outside.status).toBe(404);
    expect(outside).toEqual(await answer(`/cap/alarms/${unknown}.xml`, unknown));
    expect((await answer('/cap/alarms/not-an-id.xml', 'not-an-id')).status).toBe(404);

    // Y's incident: one made from Y's alarm by the city.
    const made = await city_.fetch(`${url}${API}/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        category: 'public_order',
        priority: 3,
        title: 'CAP 测试',
        location: { lon: center(kpY)[0], lat: center(kpY)[1] },
      }),
    });
    expect(made.status).toBe(201);
    const incId = ((await made.json()) as { incident: { id: string } }).incident.id;
    const inc = await answer(`/cap/incidents/${incId}.xml`, incId);
    expect(inc.status).toBe(404);
    expect(inc).toEqual(await answer(`/cap/incidents/${unknown}.xml`, unknown));

    const cityRead = await get(city_, `/cap/alarms/${alarmY.id}.xml`);
    expect(cityRead.status).toBe(200);
    const valid = await xmllint([await cityRead.text()], XSD);
    expect(valid.failed, valid.out).toEqual([]);
    expect((await get(city_, `/cap/incidents/${incId}.xml`)).status).toBe(200);

    const viewer = await signIn(url, 'viewer');
    expect((await get(viewer, '/cap/alerts.atom')).status).toBe(200);
  });
});

/** An ISO time as CAP writes it (+08:00, whole seconds). */
function capTimeOf(iso: string): string {
  const s = Math.floor(Date.parse(iso) / 1000) * 1000;
  return new Date(s + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
}
