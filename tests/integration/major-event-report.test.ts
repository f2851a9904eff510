/**
 * A major event's report (issue 17) through the API: alarms inside the perimeter during the window
 * are listed, counted and on the timeline, one outside is not; an incident made of an inside alarm
 * is there with its steps; once the event is closed the report is final. The PDF is a PDF, named
 * for download and not cached (one is written to /tmp/event-report.pdf to look at). Another
 * district's dispatcher gets a 403 that says nothing of the event; an unknown id is a 404; an event
 * not started yet has an empty window.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { backends, signIn, testConfig, TEST_PASSWORD } from './helpers';
import { createApp, type Hub } from '@server/app';
import { generateDemoCity } from '@server/demo';
import { perimeterInside } from '@shared/event-area';
import { majorEventView, type MajorEventBody } from '@shared/major-events';
import { majorEventReport } from '@shared/major-event-report';
import { alarmView, type AlarmView } from '@shared/alarms';
import type { Polygon } from '@shared/world';

const API = '/api/v1';
const KEY = 'major-event-report-test-key-0123456789';

describe.each(backends.slice(0, 1))('major event reports on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const districts = new Map(city.regions.filter((r) => r.level === 'district').map((r) => [r.code, r]));
  const square = (lon: number, lat: number, d: number): Polygon => [
    [
      [lon - d, lat - d],
      [lon + d, lat - d],
      [lon + d, lat + d],
      [lon - d, lat + d],
      [lon - d, lat - d],
    ],
  ];
  const centre = (z: (typeof city.zones)[number]): [number, number] => {
    if (z.shape.type === 'circle') return z.shape.center;
    if (z.shape.type === 'polygon') {
      const ring = z.shape.polygon[0]!.slice(0, -1);
      return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
    }
    return z.shape.line[0]!;
  };
  // A compound whose 400 m square lies inside its district, and a compound far from it.
  const communities = city.zones.filter((z) => z.kind === 'community' && z.shape.type === 'polygon');
  const inside = communities.find((z) =>
    perimeterInside(square(...centre(z), 0.004), districts.get(z.gridCode.slice(0, 6))!.boundary),
  )!;
  const region = inside.gridCode.slice(0, 6);
  const outside = communities.find((z) => {
    const [a, b] = [centre(z), centre(inside)];
    return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) > 0.02;
  })!;
  const otherDistrict = [...districts.keys()].find((d) => d !== region)!;

  let n = 0;
  /** Posts a high throw and waits for its alarm; `falseAlarm` closes it at once (a repeat would fold into it). */
  const postThrow = async (at: [number, number], falseAlarm: boolean): Promise<AlarmView> => {
    const id = `report-throw-${++n}`;
    const res = await fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        id,
        source: 'camera',
        type: 'high_throw',
        at: new Date().toISOString(),
        location: { lon: at[0], lat: at[1] },
      }),
    });
    expect(res.status, await res.text()).toBe(202);
    const dispatcher = await signIn(url, 'dispatcher', TEST_PASSWORD);
    for (let i = 0; i < 50; i++) {
      const list = (await (await dispatcher.fetch(`${url}${API}/alarms`)).json()) as { alarms: unknown[] };
      const found = list.alarms.map((a) => alarmView.parse(a)).find((a) => a.event.id === id);
      if (found) {
        if (falseAlarm) {
          const res = await dispatcher.fetch(`${url}${API}/alarms/${found.id}/actions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ action: 'false_alarm' }),
          });
          expect(res.status).toBe(200);
        }
        return found;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no alarm for ${id}`);
  };
  const plan = (over: Partial<MajorEventBody> = {}): MajorEventBody => ({
    name: '滕王阁音乐节',
    regionCode: region,
    perimeter: square(...centre(inside), 0.004),
    bufferM: 200,
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    posts: [{ name: '北门岗', kind: 'post', position: centre(inside), unitIds: [], staff: ['张三', '李四'] }],
    cameraIds: [],
    presetId: null,
    coverage: {},
    ...over,
  });
  const create = async (body: MajorEventBody) => {
    const commander = await signIn(url, 'commander', TEST_PASSWORD);
    const res = await commander.fetch(`${url}${API}/major-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    return majorEventView.parse(JSON.parse(text));
  };

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    hub = createApp(
      testConfig({
        ...p.config,
        auth: {
          demoPassword: TEST_PASSWORD,
          ingestApiKey: KEY,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 },
        },
      }),
      { logger: pino({ level: 'silent' }) },
    );
    url = `http://127.0.0.1:${(await hub.listen()).port}`;
    await hub.ready;
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('reports what happened inside the perimeter during the window, as JSON and as a PDF', async () => {
    expect(inside && outside).toBeTruthy();
    const event = await create(plan());
    const falseOne = await postThrow(centre(inside), true);
    const kept = await postThrow(centre(inside), false);
    const far = await postThrow(centre(outside), true);
    expect(kept.raise).toMatchObject({ eventId: event.id });

    const dispatcher = await signIn(url, `dispatcher-${region}`, TEST_PASSWORD);
    const made = await dispatcher.fetch(`${url}${API}/incidents/from-alarm/${kept.id}`, { method: 'POST' });
    const madeText = await made.text();
    expect(made.status, madeText).toBe(201);
    const incidentId = (JSON.parse(madeText) as { incident: { id: string } }).incident.id;

    // While the window is open: so far, not final.
    const interim = majorEventReport.parse(
      await (await dispatcher.fetch(`${url}${API}/major-events/${event.id}/report`)).json(),
    );
    expect(interim.window.final).toBe(false);
    expect(interim.figures.alarms).toBe(2);

    const commander = await signIn(url, 'commander', TEST_PASSWORD);
    const closed = await commander.fetch(`${url}${API}/major-events/${event.id}/close`, { method: 'POST' });
    expect(closed.status).toBe(200);

    const res = await dispatcher.fetch(`${url}${API}/major-events/${event.id}/report`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const report = majorEventReport.parse(await res.json());
    expect(report.event).toMatchObject({ id: event.id, status: 'closed' });
    expect(report.window).toMatchObject({ from: event.startsAt, final: true });
    expect(Date.parse(report.window.to)).toBeGreaterThan(Date.parse(report.window.from));
    const ids = report.alarms.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining([falseOne.id, kept.id]));
    expect(ids).not.toContain(far.id);
    expect(report.alarms.find((a) => a.id === kept.id)).toMatchObject({
      priority: 2,
      raisedFrom: 3,
      incidentId,
      status: 'incident',
    });
    expect(report.figures).toMatchObject({
      alarms: 2,
      raised: 2,
      byPriority: [0, 2, 0, 0],
      falseAlarms: 1,
      incidents: 1,
      open: 1,
      closed: 0,
      posts: 1,
      staff: 2,
      unitsDeployed: 0,
    });
    expect(report.incidents.map((i) => i.id)).toEqual([incidentId]);
    const lines = report.timeline.map((e) => `${e.kind}:${e.id}:${e.action}`);
    expect(lines).toContain(`alarm:${falseOne.id}:raised`);
    expect(lines).toContain(`alarm:${kept.id}:raised`);
    expect(lines.some((l) => l.startsWith(`incident:${incidentId}:`))).toBe(true);
    expect(lines.some((l) => l.includes(far.id))).toBe(false);
    const times = report.timeline.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(report.timelineTruncated).toBe(0);
    expect(report.posts).toEqual([
      { name: '北门岗', kind: 'post', position: centre(inside), staff: ['张三', '李四'], units: [] },
    ]);
    expect(report.regionBoundary.length).toBeGreaterThan(0);

    const pdf = await dispatcher.fetch(`${url}${API}/major-events/${event.id}/report.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('cache-control')).toBe('no-store');
    const disposition = pdf.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; filename="major-event-[\w-]+\.pdf"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toContain('滕王阁音乐节');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.subarray(-8).toString('latin1')).toContain('%%EOF');
    // A subset of the font is embedded, not all of it (the vendored file is ~1.5 MB).
    expect(bytes.length).toBeLessThan(400_000);
    expect(bytes.toString('latin1')).toMatch(/\/FontName \/[A-Z]{6}\+NotoSans/);
    await writeFile('/tmp/event-report.pdf', bytes);
  });

  it('answers 403 outside the scope with nothing of the event, 404 for none', async () => {
    const event = await create(plan({ name: '秋水广场焰火晚会' }));
    const other = await signIn(url, `dispatcher-${otherDistrict}`, TEST_PASSWORD);
    for (const path of ['report', 'report.pdf']) {
      const res = await other.fetch(`${url}${API}/major-events/${event.id}/${path}`);
      const text = await res.text();
      expect(res.status, text).toBe(403);
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'auth/forbidden' } });
      expect(text).not.toContain('秋水广场');
      expect(text).not.toContain(region);
      const none = await other.fetch(`${url}${API}/major-events/no-such-event/${path}`);
      expect(none.status).toBe(404);
    }
    const field = await signIn(url, 'police-0001', TEST_PASSWORD); // a field unit's phone: no event:read
    expect((await field.fetch(`${url}${API}/major-events/${event.id}/report`)).status).toBe(403);
  });

  it('gives an event not started yet an empty window and zero figures, and survives odd names', async () => {
    const later = await create(
      plan({
        name: '夜跑\u{1F3C3} ‮ABC',
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      }),
    );
    const commander = await signIn(url, 'commander', TEST_PASSWORD);
    const report = majorEventReport.parse(
      await (await commander.fetch(`${url}${API}/major-events/${later.id}/report`)).json(),
    );
    expect(report.window).toEqual({ from: later.startsAt, to: later.startsAt, final: false });
    expect(report.figures).toMatchObject({ alarms: 0, incidents: 0, dispatchMedianS: null, posts: 1 });
    expect(report.timeline).toEqual([]);
    const pdf = await commander.fetch(`${url}${API}/major-events/${later.id}/report.pdf`);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
  });
});
