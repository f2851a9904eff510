/**
 * Incidents end to end (issue 6), on both backends: a citizen's report through the whole loop
 * (accept → proposal → dispatch → the unit accepts, arrives, resolves on its field account → the
 * grid worker verifies → the citizen rates → closed), each step pushed to a second screen; 100
 * concurrent assignments of one incident (exactly one wins, the rest 409 with the current state);
 * refusals that name the problem (illegal transition, stale version, unknown unit, unknown tracking
 * code, photos that are not images or too large) with nothing half-written; priority-1 alarms that
 * become incidents at once; merge proposals and a merge; an SLA breach on a hand-moved clock, and a
 * dispute whose risk turns high.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { backends, signIn, testConfig, TEST_PASSWORD, type Signed } from './helpers';
import { createApp, type Hub } from '@server/app';
import { ManualClock } from '@server/core/clock';
import { queryRows, type Db } from '@server/db/connect';
import { generateDemoCity } from '@server/demo';
import {
  citizenReportReply,
  citizenStatus,
  dispatchProposal,
  fieldHome,
  incidentDetail,
  incidentPage,
  incidentView,
  mergeCandidate,
  photoReply,
  type IncidentDetail,
} from '@shared/incidents';
import type { EventInput } from '@shared/ingest';
import { ScreenSocket, until } from './screen';

const API = '/api/v1';
const KEY = 'incident-test-key-0123456789';
const T0 = Date.parse('2026-03-02T02:00:00Z');
const MIN = 60_000;
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f3c1e10000000049454e44ae426082',
  'hex',
);

/** The error of a refused request. */
async function refusal(r: Response): Promise<{ code: string; message: string; details?: { incident?: unknown } }> {
  return ((await r.json()) as { error: { code: string; message: string; details?: { incident?: unknown } } }).error;
}

describe.each(backends)('incidents on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let db: Db;
  const clock = new ManualClock(T0);
  const screens: ScreenSocket[] = [];
  let dispatcher: Signed;

  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const worker = city.units.find((u) => u.id === 'unit-grid_worker-0001')!;
  const police = city.units.find((u) => u.id === 'unit-police-0001')!;
  // The citizen stands next to the grid worker (in the worker's grid, so in their reach).
  const spot = { lon: worker.position[0] + 0.0001, lat: worker.position[1] + 0.0001 };

  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const act = async (who: Signed, id: string, body: Record<string, unknown>) =>
    who.fetch(`${url}${API}/incidents/${id}/actions`, json(body));
  const detail = async (who: Signed, id: string): Promise<IncidentDetail> =>
    incidentDetail.parse(await (await who.fetch(`${url}${API}/incidents/${id}`)).json());
  const report = async (body: Record<string, unknown>) => {
    const res = await fetch(`${url}${API}/public/reports`, json(body));
    expect(res.status, await res.clone().text()).toBe(201);
    return citizenReportReply.parse(await res.json());
  };
  /** A second dispatcher's screen: its incidents by id (latest rev), pushed or caught up. */
  const screen = async (username = 'dispatcher') => {
    const sc = new ScreenSocket(url, (await signIn(url, username, TEST_PASSWORD)).cookie);
    screens.push(sc);
    await sc.ready();
    await sc.syncIncidents(null);
    return sc.incidents;
  };

  beforeAll(async () => {
    const p = await backend.provision();
    cleanup = p.cleanup;
    hub = createApp(
      testConfig({
        ...p.config,
        auth: {
          demoPassword: TEST_PASSWORD,
          ingestApiKey: KEY,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6, citizenPerHour: 1e6 },
        },
      }),
      { logger: pino({ level: 'silent' }), clock },
    );
    const addr = await hub.listen();
    await hub.ready;
    url = `http://127.0.0.1:${addr.port}`;
    db = hub.services().database.db;
    dispatcher = await signIn(url, 'dispatcher', TEST_PASSWORD);
  });

  afterAll(async () => {
    for (const s of screens) s.socket.disconnect();
    await hub?.close();
    await cleanup?.();
  });

  it('carries a citizen report through the whole loop, live on a second screen', async () => {
    const watcher = await screen();
    const photo = photoReply.parse(
      await (
        await fetch(`${url}${API}/public/photos`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: PNG,
        })
      ).json(),
    );
    const { trackingCode } = await report({
      category: 'noise',
      description: '楼下KTV深夜噪音',
      location: spot,
      address: '测试路1号',
      photoIds: [photo.id],
    });
    const status = citizenStatus.parse(await (await fetch(`${url}${API}/public/reports/${trackingCode}`)).json());
    expect(status).toMatchObject({ status: 'reported', canRate: false, category: 'noise' });

    const page = incidentPage.parse(
      await (await dispatcher.fetch(`${url}${API}/incidents?status=open&category=noise`)).json(),
    );
    const listed = page.incidents.find((i) => i.source === 'citizen')!;
    expect(listed).toMatchObject({ status: 'reported', version: 1, photoIds: [photo.id], department: '生态环境' });
    await until(() => watcher.get(listed.id)?.status === 'reported');

    let d = incidentDetail.parse(await (await act(dispatcher, listed.id, { action: 'accept', version: 1 })).json());
    expect(d.incident.status).toBe('accepted');
    expect(d.actions).toContain('dispatch');
    await until(() => watcher.get(listed.id)?.status === 'accepted');

    const proposal = dispatchProposal.parse(
      await (await dispatcher.fetch(`${url}${API}/incidents/${listed.id}/proposal`)).json(),
    );
    expect(proposal.department).toBe('生态环境');
    expect(proposal.units.length).toBeGreaterThan(0);
    for (const u of proposal.units) expect(['grid_worker', 'police']).toContain(u.kind);
    expect(proposal.units.map((u) => u.etaMin)).toEqual([...proposal.units.map((u) => u.etaMin)].sort((a, b) => a - b));

    d = incidentDetail.parse(
      await (await act(dispatcher, listed.id, { action: 'dispatch', version: 2, unitIds: [police.id] })).json(),
    );
    expect(d.incident.status).toBe('dispatched');
    expect(d.incident.assignments).toMatchObject([{ unitId: police.id, status: 'assigned' }]);
    await until(() => watcher.get(listed.id)?.status === 'dispatched');

    const officer = await signIn(url, 'police-0001', TEST_PASSWORD);
    let home = fieldHome.parse(await (await officer.fetch(`${url}${API}/field/home`)).json());
    expect(home.unit).toMatchObject({ id: police.id, status: 'busy' });
    expect(home.assignments[0]!.incident.id).toBe(listed.id);
    expect(home.assignments[0]!.actions).toEqual(expect.arrayContaining(['unit_accept', 'unit_decline']));
    let version = home.assignments[0]!.incident.version;
    for (const [action, to] of [
      ['unit_accept', 'unit_accepted'],
      ['arrive', 'on_scene'],
      ['resolve', 'resolved'],
    ] as const) {
      const res = await act(officer, listed.id, {
        action,
        version,
        note: action === 'resolve' ? '已劝导，噪音停止' : undefined,
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const next = incidentDetail.parse(await res.json());
      expect(next.incident.status).toBe(to);
      version = next.incident.version;
      await until(() => watcher.get(listed.id)?.status === to);
      if (action === 'unit_accept') {
        // The phone offers only what the unit's own assignment still needs.
        const now = fieldHome.parse(await (await officer.fetch(`${url}${API}/field/home`)).json());
        expect(now.assignments[0]!.actions).toContain('arrive');
        expect(now.assignments[0]!.actions).not.toContain('unit_accept');
        expect(now.assignments[0]!.actions).not.toContain('unit_decline');
      }
    }
    home = fieldHome.parse(await (await officer.fetch(`${url}${API}/field/home`)).json());
    expect(home.unit.status).toBe('available');

    // The grid worker of that grid verifies (网格验收); the citizen may now rate.
    const gw = await signIn(url, 'grid_worker-0001', TEST_PASSWORD);
    const gwHome = fieldHome.parse(await (await gw.fetch(`${url}${API}/field/home`)).json());
    const toVerify = gwHome.assignments.find((a) => a.incident.id === listed.id)!;
    expect(toVerify.actions).toEqual(expect.arrayContaining(['verify', 'reject']));
    const verified = await act(gw, listed.id, { action: 'verify', version });
    expect(verified.status, await verified.clone().text()).toBe(200);
    await until(() => watcher.get(listed.id)?.status === 'verified');
    expect(citizenStatus.parse(await (await fetch(`${url}${API}/public/reports/${trackingCode}`)).json()).canRate).toBe(
      true,
    );

    const rated = await fetch(
      `${url}${API}/public/reports/${trackingCode}/rating`,
      json({ score: 5, comment: '处理及时' }),
    );
    expect(rated.status).toBe(200);
    expect(citizenStatus.parse(await rated.json())).toMatchObject({
      status: 'closed',
      rating: { score: 5, comment: '处理及时' },
    });
    await until(() => watcher.get(listed.id)?.status === 'closed');

    d = await detail(dispatcher, listed.id);
    expect(d.timeline.map((t) => t.action)).toEqual([
      'report',
      'accept',
      'dispatch',
      'unit_accept',
      'arrive',
      'resolve',
      'verify',
      'rate',
      'close',
    ]);
    expect(d.timeline.find((t) => t.action === 'resolve')).toMatchObject({ actor: 'unit', note: '已劝导，噪音停止' });
    expect(d.timeline.find((t) => t.action === 'verify')).toMatchObject({ actor: 'grid_worker' });
    expect(d.incident.sla.find((c) => c.stage === 'resolve')!.state).toBe('met');
    // A second rating is refused.
    expect((await fetch(`${url}${API}/public/reports/${trackingCode}/rating`, json({ score: 1 }))).status).toBe(409);
  });

  it('never lets a grid worker verify their own work; a refused verification goes back to dispatch', async () => {
    const { trackingCode } = await report({ category: 'sanitation', description: '楼道堆物', location: spot });
    const id = (
      await queryRows<{ id: string }>(db, sql`select id from incidents where tracking_code = ${trackingCode}`)
    )[0]!.id;
    await db.execute(sql`update units set status = 'available', incident_id = null where id = ${worker.id}`);
    expect((await act(dispatcher, id, { action: 'accept', version: 1 })).status).toBe(200);
    expect((await act(dispatcher, id, { action: 'dispatch', version: 2, unitIds: [worker.id] })).status).toBe(200);
    const gw = await signIn(url, 'grid_worker-0001', TEST_PASSWORD);
    let v = 3;
    for (const action of ['unit_accept', 'arrive', 'resolve']) {
      const res = await act(gw, id, { action, version: v });
      expect(res.status, await res.clone().text()).toBe(200);
      v = incidentDetail.parse(await res.json()).incident.version;
    }
    const self = await act(gw, id, { action: 'verify', version: v });
    expect(self.status).toBe(409);
    expect((await refusal(self)).message).toContain('verify: not for the unit');
    const home = fieldHome.parse(await (await gw.fetch(`${url}${API}/field/home`)).json());
    expect(home.assignments.map((a) => a.incident.id)).not.toContain(id);
    const rejected = await act(dispatcher, id, { action: 'reject', version: v, note: '现场仍有堆物' });
    expect(rejected.status).toBe(200);
    const d = incidentDetail.parse(await rejected.json());
    expect(d.incident.status).toBe('accepted');
    expect(d.actions).toContain('dispatch');
    expect(d.incident.sla.find((c) => c.stage === 'accept')!.state).toBe('pending');
  });

  it('lets exactly one of 100 concurrent assignments win; the rest get 409 with the current state', async () => {
    const { trackingCode } = await report({ category: 'sanitation', description: '垃圾堆积', location: spot });
    const row = (
      await queryRows<{ id: string }>(db, sql`select id from incidents where tracking_code = ${trackingCode}`)
    )[0]!;
    await act(dispatcher, row.id, { action: 'accept', version: 1 });
    const free = city.units.filter((u) => u.kind === 'police').map((u) => u.id);
    await db.execute(
      sql`update units set status = 'available', incident_id = null where id in ${sql`(${sql.join(
        free.slice(0, 100).map((f) => sql`${f}`),
        sql`, `,
      )})`}`,
    );
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        act(dispatcher, row.id, { action: 'dispatch', version: 2, unitIds: [free[i % free.length]!] }),
      ),
    );
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(99);
    const losers = await Promise.all(
      results
        .filter((r) => r.status === 409)
        .map((r) => r.json() as Promise<{ error: { code: string; details: { incident: unknown } } }>),
    );
    for (const l of losers) {
      expect(l.error.code).toBe('incident/stale');
      expect(incidentView.parse(l.error.details.incident)).toMatchObject({ status: 'dispatched', version: 3 });
    }
    const d = await detail(dispatcher, row.id);
    expect(d.incident.assignments).toHaveLength(1);
    expect(d.timeline.filter((t) => t.action === 'dispatch')).toHaveLength(1);
    const busy = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from units where incident_id = ${row.id}`,
    );
    expect(busy[0]!.n).toBe(1);
  });

  it('refuses bad input by name and writes nothing', async () => {
    const { trackingCode } = await report({ category: 'road_facility', description: '井盖缺失', location: spot });
    const row = (
      await queryRows<{ id: string }>(db, sql`select id from incidents where tracking_code = ${trackingCode}`)
    )[0]!;
    const before = await detail(dispatcher, row.id);

    const illegal = await act(dispatcher, row.id, { action: 'unit_accept', version: 1 });
    expect(illegal.status).toBe(409);
    let e = await refusal(illegal);
    expect(e.code).toBe('incident/illegal');
    expect(e.message).toContain('unit_accept: not for the centre');
    const illegal2 = await act(dispatcher, row.id, { action: 'close', version: 1 });
    e = await refusal(illegal2);
    expect(e.code).toBe('incident/illegal');
    expect(e.message).toContain('while the incident is reported');
    const stale = await act(dispatcher, row.id, { action: 'accept', version: 7 });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({
      error: { code: 'incident/stale', details: { incident: { version: 1 } } },
    });
    await act(dispatcher, row.id, { action: 'accept', version: 1 });
    const unknown = await act(dispatcher, row.id, { action: 'dispatch', version: 2, unitIds: ['unit-nope-9999'] });
    expect(unknown.status).toBe(400);
    e = await refusal(unknown);
    expect(e.code).toBe('unit/not-found');
    expect(e.message).toContain('unit-nope-9999');
    const noUnits = await act(dispatcher, row.id, { action: 'dispatch', version: 2, unitIds: [] });
    expect(await noUnits.json()).toMatchObject({
      error: { code: 'request/invalid', message: 'body.unitIds: name at least one unit' },
    });
    const cancelNoNote = await act(dispatcher, row.id, { action: 'cancel', version: 2 });
    expect(await cancelNoNote.json()).toMatchObject({
      error: { code: 'incident/illegal', message: 'cancel: say why in a note' },
    });
    expect((await dispatcher.fetch(`${url}${API}/incidents/not-an-id`)).status).toBe(404);
    const after = await detail(dispatcher, row.id);
    expect(after.incident.version).toBe(2);
    expect(after.timeline).toHaveLength(before.timeline.length + 1);

    // A QR code's region stands for the place when the citizen gives none; neither is refused.
    const byQr = await report({ category: 'sanitation', description: '垃圾桶满了', regionCode: worker.homeRegionCode });
    const qrRow = (
      await queryRows<{ grid_code: string }>(
        db,
        sql`select grid_code from incidents where tracking_code = ${byQr.trackingCode}`,
      )
    )[0]!;
    expect(qrRow.grid_code).toBe(worker.homeRegionCode);
    e = await refusal(await fetch(`${url}${API}/public/reports`, json({ category: 'noise', description: 'x' })));
    expect(e).toMatchObject({
      code: 'request/invalid',
      message: 'body.location: needs a location, or the regionCode of the QR code',
    });
    const region = (await (await fetch(`${url}${API}/public/regions/${worker.homeRegionCode}`)).json()) as {
      name: string;
      center: number[];
    };
    expect(region.center).toHaveLength(2);
    expect((await fetch(`${url}${API}/public/regions/999999999999`)).status).toBe(404);

    const noCode = await fetch(`${url}${API}/public/reports/ABCD-EFGH-JKMN`);
    expect(noCode.status).toBe(404);
    expect(await noCode.json()).toMatchObject({ error: { code: 'report/not-found' } });
    const text = await fetch(`${url}${API}/public/photos`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: 'not an image at all',
    });
    expect(text.status).toBe(415);
    e = await refusal(text);
    expect(e.code).toBe('photo/type');
    expect(e.message).toContain('not a JPEG, PNG or WebP');
    const pdf = await fetch(`${url}${API}/public/photos`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: PNG,
    });
    expect(await pdf.json()).toMatchObject({ error: { code: 'photo/type' } });
    const big = await fetch(`${url}${API}/public/photos`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5 * 1024 * 1024)]),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'photo/too-large' } });
    const count = async () => (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from incidents`))[0]!.n;
    const n0 = await count();
    const ghost = await fetch(
      `${url}${API}/public/reports`,
      json({ category: 'noise', description: 'x', location: spot, photoIds: ['00000000-0000-4000-8000-000000000000'] }),
    );
    expect(ghost.status).toBe(400);
    expect(await ghost.json()).toMatchObject({ error: { code: 'photo/not-found' } });
    const outside = await fetch(
      `${url}${API}/public/reports`,
      json({ category: 'noise', description: 'x', location: { lon: 0, lat: 0 } }),
    );
    e = await refusal(outside);
    expect(e.code).toBe('request/invalid');
    expect(e.message).toContain('outside the city');
    expect(await count()).toBe(n0);
  });

  it('makes priority-1 alarms incidents at once, and an alarm one click away', async () => {
    const fence = city.zones.find((z) => z.kind === 'railway')!;
    const rail = city.railways.find((r) => r.id === fence.railwayId)!;
    const [lon, lat] = rail.line[Math.floor(rail.line.length / 2)]!;
    const event: EventInput = {
      id: 'inc-fence-1',
      source: 'fence',
      type: 'fence_intrusion',
      at: new Date(clock.now()).toISOString(),
      location: { lon, lat },
    };
    const res = await fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(202);
    const rows = await queryRows<{ incident_id: string; status: string; alarm: string; linked: string }>(
      db,
      sql`select s.incident_id, a.status, a.id as alarm, a.incident_id as linked from alarms a join incident_sources s on s.kind = 'alarm' and s.ref = a.id where a.event_id = 'inc-fence-1'`,
    );
    expect(rows).toHaveLength(1);
    // Made at once by the hub: the alarm stays new (it still pops up on every desk) and points at its incident.
    expect(rows[0]!.status).toBe('new');
    expect(rows[0]!.linked).toBe(rows[0]!.incident_id);
    const d = await detail(dispatcher, rows[0]!.incident_id);
    expect(d.incident).toMatchObject({ source: 'alarm', category: 'railway_safety', priority: 1, status: 'reported' });
    // The hub's note and the source travel as keys (the screen says them), no English name for the system.
    expect(d.timeline[0]).toMatchObject({
      actor: 'system',
      actorName: null,
      note: null,
      hubNote: { key: 'timeline.alarmIncident', params: { priority: 1 } },
    });
    expect(d.sources.map((x) => [x.kind, x.summary.key, 'type' in x.summary.params && x.summary.params.type])).toEqual([
      ['alarm', 'source.alarm', 'fence_intrusion'],
    ]);
    // The same alarm by hand gives the same incident.
    const again = await dispatcher.fetch(`${url}${API}/incidents/from-alarm/${rows[0]!.alarm}`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(incidentDetail.parse(await again.json()).incident.id).toBe(rows[0]!.incident_id);
    expect(
      (
        await dispatcher.fetch(`${url}${API}/incidents/from-alarm/00000000-0000-4000-8000-000000000000`, {
          method: 'POST',
        })
      ).status,
    ).toBe(404);
  });

  it('proposes reports of one place and time as one incident, and merges them keeping every source', async () => {
    const a = await report({ category: 'public_order', description: '有人打架', location: spot });
    clock.advance(5 * MIN);
    const b = await report({
      category: 'criminal_case',
      description: '斗殴有人受伤',
      location: { lon: spot.lon + 0.0005, lat: spot.lat },
    });
    // Far away: a camera more than a kilometre off.
    const away = city.cameras.find(
      (c) => Math.abs(c.position[0] - spot.lon) > 0.015 && Math.abs(c.position[1] - spot.lat) < 0.01,
    )!;
    const far = await report({
      category: 'public_order',
      description: '另一处',
      location: { lon: away.position[0], lat: away.position[1] },
    });
    const other = await report({ category: 'sanitation', description: '垃圾', location: spot });
    const ids = async (code: string) =>
      (await queryRows<{ id: string }>(db, sql`select id from incidents where tracking_code = ${code}`))[0]!.id;
    const [ia, ib, ifar, iother] = [
      await ids(a.trackingCode),
      await ids(b.trackingCode),
      await ids(far.trackingCode),
      await ids(other.trackingCode),
    ];
    const res = await dispatcher.fetch(`${url}${API}/incidents/${ib}/merge-candidates`);
    const candidates = (await res.json()) as { candidates: unknown[] };
    const list = candidates.candidates.map((c) => mergeCandidate.parse(c));
    expect(list.map((c) => c.id)).toContain(ia);
    expect(list.map((c) => c.id)).not.toContain(ifar);
    expect(list.map((c) => c.id)).not.toContain(iother);
    const c = list.find((x) => x.id === ia)!;
    expect(c.minutesApart).toBe(5);
    expect(c.distanceM).toBeGreaterThan(30);
    expect(c.distanceM).toBeLessThan(80);

    const merged = await act(dispatcher, ib, { action: 'merge', version: 1, intoId: ia });
    expect(merged.status, await merged.clone().text()).toBe(200);
    expect(incidentDetail.parse(await merged.json()).incident).toMatchObject({ status: 'merged', mergedInto: ia });
    const into = await detail(dispatcher, ia);
    expect(into.incident.mergedFrom).toEqual([ib]);
    expect(into.sources.map((s) => s.kind).sort()).toEqual(['incident', 'report', 'report']);
    expect(into.timeline.map((t) => t.action)).toEqual(expect.arrayContaining(['report', 'merge', 'merged_in']));
    expect(
      into.timeline
        .filter((t) => t.action === 'report')
        .map((t) => t.incidentId)
        .sort(),
    ).toEqual([ia, ib].sort());
    clock.advance(-5 * MIN);
  });

  it('flags an SLA breach, alarms the supervisors and escalates one level up (fake clock)', async () => {
    const created = await dispatcher.fetch(
      `${url}${API}/incidents`,
      json({
        category: 'fire_hazard',
        priority: 1,
        title: '仓库冒烟',
        description: '群众来电',
        location: spot,
        source: 'hotline',
        externalId: 'HL-20260302-1',
      }),
    );
    expect(created.status).toBe(201);
    const inc = incidentDetail.parse(await created.json()).incident;
    expect(inc).toMatchObject({ source: 'hotline', escalations: 0, levelCode: inc.gridCode, flagged: false });
    expect(inc.sla.find((c) => c.stage === 'dispatch')).toMatchObject({ state: 'running' });
    // The same ticket again is the same incident.
    const again = await dispatcher.fetch(
      `${url}${API}/incidents`,
      json({
        category: 'fire_hazard',
        priority: 1,
        title: '仓库冒烟',
        location: spot,
        source: 'hotline',
        externalId: 'HL-20260302-1',
      }),
    );
    expect(again.status).toBe(200);

    expect(await hub.services().incidents.sla.sweep()).toBe(0);
    clock.advance(3 * MIN + 1_000);
    // This one, and the fence incident of the test before (also priority 1, not dispatched either).
    expect(await hub.services().incidents.sla.sweep()).toBe(2);
    const d = await detail(dispatcher, inc.id);
    expect(d.incident).toMatchObject({
      flagged: true,
      breaches: ['dispatch'],
      escalations: 1,
      levelCode: inc.gridCode.slice(0, 12),
    });
    expect(d.incident.sla.find((c) => c.stage === 'dispatch')!.state).toBe('breached');
    expect(d.timeline.at(-1)).toMatchObject({
      action: 'sla_breach',
      actor: 'system',
      note: null,
      hubNote: { key: 'timeline.slaBreach', params: { stage: 'dispatch' } },
    });
    // A row an older hub wrote (an English sentence, 'system' as the name) reads as the same key.
    await db.execute(
      sql`update incident_timeline set note = 'dispatch deadline passed; escalated one level up', actor_name = 'system', details = '{"stage":"dispatch","escalations":1}'::jsonb where incident_id = ${inc.id} and action = 'sla_breach'`,
    );
    await db.execute(
      sql`update incident_sources set summary = ${`hotline: ${inc.title}`} where incident_id = ${inc.id}`,
    );
    const old = await detail(dispatcher, inc.id);
    expect(old.timeline.at(-1)).toMatchObject({
      actorName: null,
      note: null,
      hubNote: { key: 'timeline.slaBreach', params: { stage: 'dispatch' } },
      details: { stage: 'dispatch', escalations: 1 },
    });
    expect(old.sources.map((x) => x.summary)).toEqual([
      { key: 'source.report', params: { source: 'hotline', title: inc.title } },
    ]);
    const alarms = await queryRows<{ rule_id: string; event_type: string; priority: number; incident_id: string }>(
      db,
      sql`select rule_id, event_type, priority, incident_id from alarms where event_id = ${`sla:${inc.id}:dispatch`}`,
    );
    expect(alarms).toEqual([{ rule_id: 'sla-breach', event_type: 'sla_breach', priority: 1, incident_id: inc.id }]);
    // A breach alarm reports on its incident: it makes no incident of its own.
    expect(
      (
        await queryRows<{ n: number }>(db, sql`select count(*)::int as n from incidents where title like '超时督办%'`)
      )[0]!.n,
    ).toBe(0);
    // Once per stage.
    expect(await hub.services().incidents.sla.sweep()).toBe(0);
    clock.advance(-(3 * MIN + 1_000));
  });

  it('scores a dispute, and escalates and supervises one whose risk is high', async () => {
    const parties = [{ name: '王某', idKey: '3601021980' }, { name: '李某' }];
    const first = await report({
      category: 'dispute_neighbour',
      description: '邻居因漏水争吵',
      location: spot,
      parties,
    });
    const firstId = (
      await queryRows<{ id: string }>(db, sql`select id from incidents where tracking_code = ${first.trackingCode}`)
    )[0]!.id;
    let d = await detail(dispatcher, firstId);
    expect(d.incident.kind).toBe('dispute');
    expect(d.incident.dispute).toMatchObject({ outcome: 'ongoing', supervised: false, risk: { level: 'low' } });
    const med = await dispatcher.fetch(
      `${url}${API}/incidents/${firstId}/mediations`,
      json({
        version: d.incident.version,
        channel: 'people',
        mediator: '社区调解员张某',
        note: '双方不接受方案，王某扬言要报复',
        outcome: 'failed',
      }),
    );
    expect(med.status, await med.clone().text()).toBe(200);
    d = incidentDetail.parse(await med.json());
    const risk = d.incident.dispute!.risk;
    expect(risk.factors.map((f) => f.code)).toEqual(
      expect.arrayContaining(['failed_mediations', 'threat_words', 'category']),
    );
    expect(risk.level).toBe('medium');
    // The same parties again: recurrence pushes it to high → escalated and supervised.
    const second = await report({
      category: 'dispute_neighbour',
      description: '又因漏水发生冲突，扬言报复',
      location: spot,
      parties: [{ name: '王某', idKey: '3601021980' }],
    });
    const secondId = (
      await queryRows<{ id: string }>(db, sql`select id from incidents where tracking_code = ${second.trackingCode}`)
    )[0]!.id;
    const m2 = await dispatcher.fetch(
      `${url}${API}/incidents/${secondId}/mediations`,
      json({ version: 1, channel: 'judicial', mediator: '司法所', note: '调解失败', outcome: 'failed' }),
    );
    d = incidentDetail.parse(await m2.json());
    expect(d.incident.dispute!.risk.factors.map((f) => f.code)).toEqual(
      expect.arrayContaining(['repeat_parties', 'repeat_address']),
    );
    expect(d.incident.dispute).toMatchObject({ supervised: true, risk: { level: 'high' } });
    expect(d.incident).toMatchObject({ flagged: true, escalations: 1 });
    expect(d.timeline.map((t) => t.action)).toContain('risk_high');
    const notDispute = await dispatcher.fetch(
      `${url}${API}/incidents/${firstId}/mediations`,
      json({ version: 99, channel: 'people', mediator: 'x', outcome: 'ongoing' }),
    );
    expect(notDispute.status).toBe(409);
  });
});

describe.each(backends)('SLA clocks across a restart on $name', (backend) => {
  it('finds a breach that fell due while the hub was down, once', async () => {
    const p = await backend.provision();
    const clock = new ManualClock(T0);
    const config = testConfig({
      ...p.config,
      auth: { demoPassword: TEST_PASSWORD, rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 } },
    });
    const start = async () => {
      const hub = createApp(config, { logger: pino({ level: 'silent' }), clock });
      const addr = await hub.listen();
      await hub.ready;
      return { hub, url: `http://127.0.0.1:${addr.port}` };
    };
    try {
      let { hub, url } = await start();
      const city = generateDemoCity({ scale: 'small', seed: 7 });
      const at = city.units.find((u) => u.kind === 'grid_worker')!.position;
      const d = await signIn(url, 'dispatcher', TEST_PASSWORD);
      const res = await d.fetch(`${url}${API}/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          category: 'public_order',
          priority: 1,
          title: '打架斗殴',
          location: { lon: at[0], lat: at[1] },
        }),
      });
      expect(res.status).toBe(201);
      const id = incidentDetail.parse(await res.json()).incident.id;
      await hub.close();

      // Down for ten minutes: the dispatch deadline (3 min) passed meanwhile.
      clock.advance(10 * MIN);
      ({ hub, url } = await start());
      expect(await hub.services().incidents.sla.sweep()).toBe(1);
      expect(await hub.services().incidents.sla.sweep()).toBe(0);
      const after = await signIn(url, 'dispatcher', TEST_PASSWORD);
      const view = incidentDetail.parse(await (await after.fetch(`${url}${API}/incidents/${id}`)).json()).incident;
      expect(view).toMatchObject({ flagged: true, breaches: ['dispatch'], escalations: 1 });
      await hub.close();
    } finally {
      await p.cleanup();
    }
  });
});
