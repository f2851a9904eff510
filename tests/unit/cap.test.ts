/**
 * CAP 1.2 out (issue 18, shared/cap.ts): the messages of an alarm as raised (Alert), as changed
 * (Update, with references to its Alert), marked false (Cancel), of a closed and a merged incident;
 * circle and polygon areas in CAP's lat,lon order; times with +08:00 and never Z; and, for any text
 * (full Unicode, lone surrogates, control characters), documents the official OASIS schema accepts
 * (xmllint against tests/fixtures/cap/CAP-v1.2.xsd), with the text kept as XML can hold it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import {
  CAP_NAMESPACE,
  alarmMessage,
  atomFeed,
  capAlert,
  capTime,
  incidentMessage,
  xmlSafe,
  type CapAlarmFacts,
  type CapHub,
  type CapIncidentFacts,
  type CapPlace,
} from '@shared/cap';
import type { LonLat } from '@shared/world';

const XSD = fileURLToPath(new URL('../fixtures/cap/CAP-v1.2.xsd', import.meta.url));
const HUB: CapHub = { sender: 'city-command@360100', senderName: '南昌市城市指挥中心' };
const T0 = Date.parse('2024-05-09T02:37:45.678Z'); // 10:37:45 in China
const MIN = 60_000;

/** xmllint's verdict on a document against the OASIS schema. */
function schemaCheck(xml: string): { ok: boolean; out: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, '-'], { input: xml, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stderr ?? ''}${r.error?.message ?? ''}` };
}

function expectValid(xml: string): void {
  const r = schemaCheck(xml);
  expect(r.out, xml).toContain('validates');
  expect(r.ok, r.out).toBe(true);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => ['parameter', 'geocode', 'category', 'responseType', 'entry'].includes(name),
});
interface Info {
  category: string[];
  event: string;
  responseType: string[];
  urgency: string;
  severity: string;
  certainty: string;
  effective?: string;
  onset?: string;
  expires?: string;
  headline: string;
  description: string;
  parameter: { valueName: string; value: string }[];
  area?: { areaDesc: string; circle?: string; polygon?: string; geocode: { valueName: string; value: string }[] };
}
interface Alert {
  '@_xmlns': string;
  identifier: string;
  sender: string;
  sent: string;
  status: string;
  msgType: string;
  scope: string;
  restriction?: string;
  note?: string;
  references?: string;
  incidents?: string;
  info: Info;
}
const parse = (xml: string): Alert => (parser.parse(xml) as { alert: Alert }).alert;

const alarm = (over: Partial<CapAlarmFacts> = {}): CapAlarmFacts => ({
  id: '6f1c2a7e-0000-4000-8000-000000000001',
  rev: 4711,
  status: 'new',
  priority: 1,
  eventType: 'fence_intrusion',
  eventAt: T0 - 5_000,
  ruleId: 'fence',
  ruleName: '铁路周界入侵',
  gridCode: '360102001001001',
  position: [115.891234, 28.676543],
  zoneName: '京九线护栏',
  count: 1,
  lastAt: T0 - 5_000,
  expiresAt: null,
  incidentId: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const incident = (over: Partial<CapIncidentFacts> = {}): CapIncidentFacts => ({
  id: '0a9b8c7d-0000-4000-8000-000000000002',
  code: 'E20240509-000042',
  version: 1,
  status: 'reported',
  category: 'fire_hazard',
  priority: 2,
  title: '楼道堆放杂物',
  description: '三楼楼道堆满纸箱，堵塞通道。',
  address: '东湖区百花洲路 1 号',
  department: '应急管理',
  gridCode: '360102001001002',
  position: [115.9, 28.68],
  mergedInto: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const point: CapPlace = { areaDesc: '东湖区 百花洲第1网格' };
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;

function expectTimes(a: Alert): void {
  for (const t of [a.sent, a.info.effective, a.info.onset, a.info.expires].filter((x) => x !== undefined)) {
    expect(t).toMatch(TIME);
    expect(t.endsWith('Z')).toBe(false);
  }
}

describe('CAP messages of an alarm', () => {
  it('as raised: an Alert, version 1, sent at its creation in +08:00, restricted, with its facts', () => {
    const xml = capAlert(alarmMessage(alarm(), HUB, point));
    expectValid(xml);
    const a = parse(xml);
    expect(a['@_xmlns']).toBe(CAP_NAMESPACE);
    expect(a.identifier).toBe(`city-command@360100:alarm:${alarm().id}:1`);
    expect(a.sender).toBe('city-command@360100');
    expect(a.sent).toBe('2024-05-09T10:37:45+08:00');
    expect([a.status, a.msgType, a.scope]).toEqual(['Actual', 'Alert', 'Restricted']);
    expect(a.restriction).toBeTruthy();
    expect(a.references).toBeUndefined();
    expect(a.info.category).toEqual(['Transport']);
    expect(a.info.event).toBe('周界入侵');
    expect([a.info.urgency, a.info.severity, a.info.certainty]).toEqual(['Immediate', 'Extreme', 'Observed']);
    expect(a.info.responseType).toEqual(['Assess']);
    expect(a.info.onset).toBe('2024-05-09T10:37:40+08:00');
    expect(a.info.headline.length).toBeLessThanOrEqual(160);
    const params = Object.fromEntries(a.info.parameter.map((p) => [p.valueName, p.value]));
    expect(params).toMatchObject({ alarmId: alarm().id, gridCode: '360102001001001', priority: '1', status: 'new' });
    expect(a.info.area?.geocode).toMatchObject([{ valueName: 'GB/T 2260', value: '360102' }]);
    expectTimes(a);
  });

  it('a point: a circle of 0.05 km round it, written lat,lon', () => {
    const a = parse(capAlert(alarmMessage(alarm(), HUB, point)));
    expect(a.info.area?.circle).toBe('28.676543,115.891234 0.05');
    const [lat, lon] = a.info.area!.circle!.split(' ')[0]!.split(',').map(Number);
    expect([lon, lat]).toEqual(alarm().position);
  });

  it('in a circle zone: the zone circle, lat,lon and its radius in km', () => {
    const center: LonLat = [115.912345, 28.654321];
    const xml = capAlert(alarmMessage(alarm(), HUB, { ...point, zone: { center, radiusM: 150 } }));
    expectValid(xml);
    expect(parse(xml).info.area?.circle).toBe('28.654321,115.912345 0.15');
  });

  it('in a polygon zone: the ring as lat,lon pairs, closed (first = last), no circle', () => {
    const ring: LonLat[] = [
      [115.1, 28.1],
      [115.2, 28.1],
      [115.2, 28.2],
      [115.1, 28.2],
    ];
    const xml = capAlert(alarmMessage(alarm(), HUB, { ...point, zone: { polygon: ring } }));
    expectValid(xml);
    const area = parse(xml).info.area!;
    expect(area.circle).toBeUndefined();
    const pairs = area.polygon!.split(' ');
    expect(pairs).toEqual(['28.1,115.1', '28.1,115.2', '28.2,115.2', '28.2,115.1', '28.1,115.1']);
    expect(pairs[0]).toBe(pairs[pairs.length - 1]);
    // Already closed: not closed twice.
    const closed = parse(capAlert(alarmMessage(alarm(), HUB, { ...point, zone: { polygon: [...ring, ring[0]!] } })));
    expect(closed.info.area!.polygon!.split(' ')).toHaveLength(5);
  });

  it('acknowledged later: an Update with its rev, references = sender,identifier,sent of its Alert', () => {
    const xml = capAlert(alarmMessage(alarm({ status: 'acknowledged', updatedAt: T0 + 3 * MIN }), HUB, point));
    expectValid(xml);
    const a = parse(xml);
    expect(a.msgType).toBe('Update');
    expect(a.identifier).toBe(`city-command@360100:alarm:${alarm().id}:4711`);
    expect(a.sent).toBe('2024-05-09T10:40:45+08:00');
    expect(a.references).toBe(
      `city-command@360100,city-command@360100:alarm:${alarm().id}:1,2024-05-09T10:37:45+08:00`,
    );
    // The reference is exactly the Alert the alarm had.
    const first = parse(capAlert(alarmMessage(alarm(), HUB, point)));
    expect(a.references).toBe(`${first.sender},${first.identifier},${first.sent}`);
    expectTimes(a);
  });

  it('repeats folded in: an Update; expiry as the rule set it', () => {
    const a = parse(
      capAlert(
        alarmMessage(alarm({ count: 3, updatedAt: T0 + MIN, lastAt: T0 + MIN, expiresAt: T0 + 31 * MIN }), HUB, point),
      ),
    );
    expect(a.msgType).toBe('Update');
    expect(a.info.expires).toBe('2024-05-09T11:08:45+08:00');
    expect(a.info.description).toContain('累计 3 次');
  });

  it('marked false: a Cancel referencing its Alert, urgency Past, certainty Unlikely', () => {
    const xml = capAlert(alarmMessage(alarm({ status: 'false_alarm', updatedAt: T0 + 2 * MIN }), HUB, point));
    expectValid(xml);
    const a = parse(xml);
    expect(a.msgType).toBe('Cancel');
    expect(a.references).toContain(`:alarm:${alarm().id}:1,2024-05-09T10:37:45+08:00`);
    expect([a.info.urgency, a.info.certainty]).toEqual(['Past', 'Unlikely']);
    expect(a.info.responseType).toEqual(['None']);
    expect(a.note).toBeTruthy();
    expectTimes(a);
  });

  it('expired unhandled: a Cancel; turned into an incident: an Update naming the incident', () => {
    expect(parse(capAlert(alarmMessage(alarm({ status: 'expired', updatedAt: T0 + MIN }), HUB, point))).msgType).toBe(
      'Cancel',
    );
    const inc = '0a9b8c7d-0000-4000-8000-000000000002';
    // A priority-1 alarm becomes an incident in the same instant: still not its Alert.
    const xml = capAlert(alarmMessage(alarm({ status: 'incident', incidentId: inc }), HUB, point));
    expectValid(xml);
    const a = parse(xml);
    expect(a.msgType).toBe('Update');
    expect(a.incidents).toBe(inc);
    expect(a.references).toContain(':1,');
  });

  it('device and hub types: their CAP category and Chinese name', () => {
    const a = (t: CapAlarmFacts['eventType']) => parse(capAlert(alarmMessage(alarm({ eventType: t }), HUB, point)));
    expect(a('smoke').info.category).toEqual(['Fire']);
    expect(a('video_loss').info.event).toBe('视频丢失');
    expect(a('resident_absence').info.category).toEqual(['Rescue']);
    expect(a('theft').info.event).toBe('盗窃侵财');
    expect(a('theft').info.category).toEqual(['Security']);
  });
});

describe('CAP messages of an incident', () => {
  it('reported: an Alert of its category, a point circle, the district geocode', () => {
    const xml = capAlert(incidentMessage(incident(), HUB, point));
    expectValid(xml);
    const a = parse(xml);
    expect(a.msgType).toBe('Alert');
    expect(a.identifier).toBe(`city-command@360100:incident:${incident().id}:1`);
    expect(a.info.category).toEqual(['Fire']);
    expect(a.info.event).toBe('消防隐患');
    expect([a.info.urgency, a.info.severity, a.info.certainty]).toEqual(['Immediate', 'Severe', 'Observed']);
    expect(a.info.area?.circle).toBe('28.68,115.9 0.05');
    expect(a.info.description).toContain('三楼楼道');
    expectTimes(a);
  });

  it('closed: a final Update (AllClear, Past) referencing version 1', () => {
    const xml = capAlert(
      incidentMessage(incident({ version: 9, status: 'closed', updatedAt: T0 + 90 * MIN }), HUB, point),
    );
    expectValid(xml);
    const a = parse(xml);
    expect(a.msgType).toBe('Update');
    expect(a.identifier.endsWith(':9')).toBe(true);
    expect(a.references).toBe(
      `city-command@360100,city-command@360100:incident:${incident().id}:1,2024-05-09T10:37:45+08:00`,
    );
    expect(a.info.responseType).toEqual(['AllClear']);
    expect(a.info.urgency).toBe('Past');
  });

  it('cancelled or merged: a Cancel (merged names the incident it went into)', () => {
    const into = '0a9b8c7d-0000-4000-8000-000000000003';
    for (const status of ['cancelled', 'merged'] as const) {
      const xml = capAlert(
        incidentMessage(
          incident({ version: 3, status, mergedInto: status === 'merged' ? into : null, updatedAt: T0 + MIN }),
          HUB,
          point,
        ),
      );
      expectValid(xml);
      const a = parse(xml);
      expect(a.msgType).toBe('Cancel');
      if (status === 'merged') expect(a.incidents).toBe(`${incident().id} ${into}`);
    }
  });
});

describe('CAP text and time', () => {
  it('capTime: whole seconds at +08:00, across the date line of UTC', () => {
    expect(capTime(Date.parse('2024-12-31T16:30:00.999Z'))).toBe('2025-01-01T00:30:00+08:00');
    expect(capTime(0)).toBe('1970-01-01T08:00:00+08:00');
  });

  it('control characters, lone surrogates and U+FFFE are dropped; markup is escaped, not lost', () => {
    const nasty = 'a\u0000b\u0001\u001f\uD800c\uDFFF\uFFFE\uFFFF<d>&e\r\nf]]>g"\'';
    const xml = capAlert(incidentMessage(incident({ title: nasty, description: nasty }), HUB, { areaDesc: nasty }));
    expectValid(xml);
    const a = parse(xml);
    expect(a.info.description.startsWith('abc<d>&e\nf]]>g"\'')).toBe(true);
    expect(a.info.area?.areaDesc).toBe('abc<d>&e\nf]]>g"\'');
  });

  it('a headline never exceeds 160 characters', () => {
    const a = parse(capAlert(incidentMessage(incident({ title: '𠀀'.repeat(400) }), HUB, point)));
    expect(Array.from(a.info.headline).length).toBe(160);
  });

  it('refuses a sender CAP cannot reference (a space or comma)', () => {
    expect(() => capAlert(alarmMessage(alarm(), { ...HUB, sender: 'city command' }, point))).toThrow(/sender/);
  });

  it('any text (full Unicode, binary) in names and descriptions gives a schema-valid message, the text kept as XML holds it', async () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }));
    const cases = fc.sample(fc.tuple(text, text, text, text, fc.integer({ min: 1, max: 4 })), {
      numRuns: 100,
      seed: 18,
    });
    // Every case's two messages, validated by one xmllint run (one process per document would take minutes).
    const dir = await mkdtemp(join(tmpdir(), 'cap-fuzz-'));
    try {
      const files: { path: string; xml: string; place: string; desc: string }[] = [];
      for (const [k, [name, desc, title, place, priority]] of cases.entries()) {
        const inc = incident({ title, description: desc, address: name, priority, version: 2, updatedAt: T0 + MIN });
        const al = alarm({ zoneName: name, ruleName: desc, priority, status: 'acknowledged', updatedAt: T0 + MIN });
        files.push({
          path: join(dir, `i${k}.xml`),
          xml: capAlert(incidentMessage(inc, HUB, { areaDesc: place })),
          place,
          desc,
        });
        files.push({
          path: join(dir, `a${k}.xml`),
          xml: capAlert(alarmMessage(al, HUB, { areaDesc: place })),
          place,
          desc,
        });
      }
      await Promise.all(files.map((f) => writeFile(f.path, f.xml)));
      const r = spawnSync('xmllint', ['--noout', '--schema', XSD, ...files.map((f) => f.path)], { encoding: 'utf8' });
      for (const f of files) {
        if (!r.stderr.includes(`${f.path} validates`)) throw new Error(`${r.stderr}\n${f.xml}`);
        const a = parse(f.xml);
        expect(a.info.area?.areaDesc ?? '').toBe(xmlSafe(f.place));
        if (f.path.includes('/i')) expect(a.info.description.startsWith(xmlSafe(f.desc))).toBe(true);
      }
      expect(r.status, r.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the Atom index', () => {
  it('is well-formed Atom with the required elements, times +08:00, links to the messages', () => {
    const href = 'http://hub.example/api/v1/cap/alarms/x.xml?a=1&b=2';
    const xml = atomFeed({
      id: 'urn:uuid:6f1c2a7e-0000-5000-8000-000000000009',
      title: '南昌市城市指挥中心 <当前>',
      updated: T0,
      author: { name: HUB.senderName },
      selfHref: 'http://hub.example/api/v1/cap/alerts.atom',
      entries: [{ id: `urn:uuid:${alarm().id}`, title: '一级 周界入侵', updated: T0, summary: 'a\u0000b & c', href }],
    });
    const r = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const f = (parser.parse(xml) as { feed: Record<string, unknown> }).feed as {
      '@_xmlns': string;
      id: string;
      title: { '#text': string };
      updated: string;
      author: { name: string };
      link: { '@_rel': string; '@_href': string };
      entry: { id: string; updated: string; summary: { '#text': string }; link: Record<string, string> }[];
    };
    expect(f['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(f.title['#text']).toBe('南昌市城市指挥中心 <当前>');
    expect(f.updated).toBe('2024-05-09T10:37:45+08:00');
    expect(f.author.name).toBe(HUB.senderName);
    expect(f.link['@_rel']).toBe('self');
    expect(f.entry[0]!.link).toMatchObject({ '@_rel': 'alternate', '@_type': 'application/cap+xml' });
    expect(f.entry[0]!.link['@_href']).toBe(href);
    expect(f.entry[0]!.summary['#text']).toBe('ab & c');
  });
});
