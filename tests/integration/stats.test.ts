/**
 * The figures (issue 16) on PGlite and PostgreSQL: KPIs against hand-computed fixtures (an empty
 * window, an unrated incident, a reopened one, one escalated, a cancelled and a merged one, an open
 * one past its deadline), a district's scope, the breakdown and its CSV, the per-grid analysis,
 * rollups that the triggers keep equal to a set-wise rebuild as incidents move through the loop,
 * and bad input named by parameter.
 *
 * Fixture rows are written straight into `incidents` with chosen times (the triggers add them to
 * the rollups as they would any hub's write); one incident also goes through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { backends, signIn, testConfig, TEST_PASSWORD, type Signed } from './helpers';
import { createApp, type Hub } from '@server/app';
import { ManualClock } from '@server/core/clock';
import { queryRows, type Db } from '@server/db/connect';
import { bucketOf } from '@server/services/stats/percentile';
import { HISTORY_MONTHS } from '@server/services/stats/standout';
import {
  breakdownReply,
  gridAnalysisReply,
  gridCardReply,
  gridMeasureReply,
  heatReply,
  kpiReply,
  RISK_CATEGORIES,
} from '@shared/stats';

const API = '/api/v1';
// 12:00 on 15 June 2026, local time (UTC+8).
const NOW = Date.parse('2026-06-15T04:00:00Z');
const MIN = 60_000;

interface Fixture {
  id: string;
  grid: string;
  category: string;
  kind?: 'general' | 'dispute';
  priority?: number;
  source: string;
  status: string;
  created: number;
  /** Minutes after created (null: not reached). */
  accepted?: number;
  firstDispatched?: number;
  dispatched?: number;
  unitAccepted?: number;
  arrived?: number;
  resolved?: number;
  verified?: number;
  dueIn: number;
  rating?: number;
  rejections?: number;
  escalations?: number;
  unitKind?: string;
  dispute?: { outcome: string; supervised: boolean };
}

async function insert(db: Db, f: Fixture): Promise<void> {
  const at = (m: number | undefined) => (m === undefined ? null : new Date(f.created + m * MIN).toISOString());
  const assignments = f.unitKind
    ? [
        {
          unitId: 'u',
          callsign: 'x',
          kind: f.unitKind,
          status: 'released',
          assignedAt: at(f.firstDispatched),
          respondedAt: null,
        },
      ]
    : [];
  const dispute = f.dispute
    ? {
        parties: [],
        channel: null,
        mediations: [],
        outcome: f.dispute.outcome,
        risk: { score: 0, level: 'low', factors: [] },
        supervised: f.dispute.supervised,
      }
    : null;
  await db.execute(sql`insert into incidents (id, code, rev, version, kind, category, priority, title, description, status,
      source, grid_code, lon, lat, address, department, assignments, escalations, max_escalations, created_at, updated_at,
      accepted_at, first_dispatched_at, dispatched_at, unit_accepted_at, arrived_at, resolved_at, verified_at, closed_at,
      resolve_due_at, rating, rejections, breaches, flagged, merged_from, photo_ids, dispute)
    values (${f.id}, ${'T-' + f.id}, nextval('incident_rev'), 1, ${f.kind ?? 'general'}, ${f.category}, ${f.priority ?? 2},
      't', 'd', ${f.status}, ${f.source}, ${f.grid}, 115.9, 28.7, 'a', 'x', ${JSON.stringify(assignments)}::jsonb,
      ${f.escalations ?? 0}, 3, ${new Date(f.created).toISOString()}::timestamptz, ${new Date(f.created).toISOString()}::timestamptz,
      ${at(f.accepted)}::timestamptz, ${at(f.firstDispatched)}::timestamptz, ${at(f.dispatched)}::timestamptz,
      ${at(f.unitAccepted)}::timestamptz, ${at(f.arrived)}::timestamptz, ${at(f.resolved)}::timestamptz,
      ${at(f.verified)}::timestamptz, ${f.status === 'closed' ? at(f.verified ?? f.resolved) : null}::timestamptz,
      ${at(f.dueIn)}::timestamptz, ${f.rating ?? null}, ${f.rejections ?? 0}, '[]'::jsonb, false, '[]'::jsonb, '[]'::jsonb,
      ${dispute ? JSON.stringify(dispute) : null}::jsonb)`);
}

/** Every rollup summed to one line each, to compare the triggers' work with a rebuild. */
async function rollupFingerprint(db: Db): Promise<unknown[]> {
  return [
    ...(await queryRows(
      db,
      sql`select grain, level, count(*) filter (where reported <> 0 or on_time <> 0 or late <> 0) as rows, sum(reported) as reported,
        sum(closed) as closed, sum(on_time) as on_time, sum(late) as late, sum(accept_n) as accept_n,
        round(sum(accept_sum)::numeric, 3) as accept_sum, sum(resolve_n) as resolve_n, sum(rated_good) as rated_good,
        sum(verified) as verified, sum(rejections) as rejections, sum(escalated) as escalated
        from incident_rollup group by 1, 2 order by 1, 2`,
    )),
    ...(await queryRows(
      db,
      sql`select grain, level, measure, bucket, sum(n) as n from incident_rollup_hist group by 1, 2, 3, 4 having sum(n) <> 0 order by 1, 2, 3, 4`,
    )),
    ...(await queryRows(
      db,
      sql`select grain, level, sum(raised) as raised, sum(events) as events, sum(false_alarms) as f from alarm_rollup group by 1, 2 order by 1, 2`,
    )),
    ...(await queryRows(
      db,
      sql`select month, grid, counts::text as counts, total, history::text as history, history_total from grid_month
        where total <> 0 order by 1, 2`,
    )),
  ];
}

describe.each(backends)('figures on $name', (backend) => {
  let hub: Hub;
  let url: string;
  let db: Db;
  let cleanup: (() => Promise<void>) | undefined;
  let city: Signed;
  let districtA: string;
  let districtB: string;
  let gridA: string;
  let gridA2: string;
  let gridB: string;
  const clock = new ManualClock(NOW);

  const get = async (who: Signed, path: string) => who.fetch(`${url}${API}${path}`);
  const kpis = async (who: Signed, query: string) => {
    const res = await get(who, `/stats/kpis?${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return kpiReply.parse(await res.json());
  };
  const refusal = async (who: Signed, path: string) => {
    const res = await get(who, path);
    const body = (await res.json()) as { error: { code: string; message: string } };
    return { status: res.status, ...body.error };
  };

  beforeAll(async () => {
    const p = await backend.provision();
    cleanup = p.cleanup;
    hub = createApp(testConfig({ ...p.config }), { logger: pino({ level: 'silent' }), clock });
    const addr = await hub.listen();
    await hub.ready;
    url = `http://127.0.0.1:${addr.port}`;
    db = hub.services().database.db;
    city = await signIn(url, 'dispatcher', TEST_PASSWORD);
    const districts = await queryRows<{ code: string }>(
      db,
      sql`select code from regions where level = 'district' order by code`,
    );
    districtA = districts[0]!.code;
    districtB = districts[1]!.code;
    const grids = await queryRows<{ code: string }>(
      db,
      sql`select code from regions where level = 'grid' and code like ${districtA + '%'} order by code limit 2`,
    );
    gridA = grids[0]!.code;
    gridA2 = grids[1]!.code;
    gridB = (
      await queryRows<{ code: string }>(
        db,
        sql`select code from regions where level = 'grid' and code like ${districtB + '%'} limit 1`,
      )
    )[0]!.code;

    const today = (h: number) => Date.parse('2026-06-15T00:00:00Z') - 8 * 60 * MIN + h * 60 * MIN; // local hour h on 15 June
    const fixtures: Fixture[] = [
      // Closed on time, rated 5, by police.
      {
        id: 'i1',
        grid: gridA,
        category: 'theft',
        source: 'citizen',
        status: 'closed',
        created: today(9),
        accepted: 2,
        firstDispatched: 4,
        dispatched: 4,
        unitAccepted: 6,
        arrived: 16,
        resolved: 60,
        verified: 70,
        dueIn: 480,
        rating: 5,
        unitKind: 'police',
      },
      // A dispute: agreed, supervised, escalated out of its grid, unrated.
      {
        id: 'i2',
        grid: gridA,
        category: 'dispute_neighbour',
        kind: 'dispute',
        source: 'hotline',
        status: 'closed',
        created: today(10),
        accepted: 10,
        firstDispatched: 20,
        dispatched: 20,
        unitAccepted: 25,
        arrived: 45,
        resolved: 120,
        verified: 130,
        dueIn: 7 * 1440,
        escalations: 1,
        unitKind: 'grid_worker',
        dispute: { outcome: 'agreed', supervised: true },
      },
      // Reopened: sent back once, dispatched again, verified, waiting for a rating.
      {
        id: 'i3',
        grid: gridA2,
        category: 'sanitation',
        source: 'field',
        status: 'verified',
        created: today(8.5),
        accepted: 1,
        firstDispatched: 3,
        dispatched: 100,
        unitAccepted: 105,
        arrived: 130,
        resolved: 200,
        verified: 210,
        dueIn: 1440,
        rejections: 1,
        unitKind: 'department',
      },
      // A false report.
      {
        id: 'i4',
        grid: gridA,
        category: 'public_order',
        source: 'alarm',
        status: 'cancelled',
        created: today(11),
        dueIn: 120,
        priority: 1,
      },
      // Open and past its resolve deadline (due 06:00 today).
      {
        id: 'i5',
        grid: gridA,
        category: 'fire_hazard',
        source: 'alarm',
        status: 'dispatched',
        created: today(4),
        accepted: 1,
        firstDispatched: 2,
        dispatched: 2,
        dueIn: 120,
        priority: 1,
        unitKind: 'fire',
      },
      // Another district: closed on time, rated 2.
      {
        id: 'i6',
        grid: gridB,
        category: 'theft',
        source: 'citizen',
        status: 'closed',
        created: today(9.5),
        accepted: 5,
        firstDispatched: 6,
        dispatched: 6,
        unitAccepted: 8,
        arrived: 20,
        resolved: 60,
        verified: 65,
        dueIn: 480,
        rating: 2,
        unitKind: 'police',
      },
      // Merged into another: counts nowhere.
      {
        id: 'i7',
        grid: gridA,
        category: 'theft',
        source: 'citizen',
        status: 'merged',
        created: today(9),
        accepted: 1,
        dueIn: 480,
      },
      // Yesterday: closed late, rated 4.
      {
        id: 'i8',
        grid: gridA,
        category: 'theft',
        source: 'citizen',
        status: 'closed',
        created: today(10 - 24),
        accepted: 3,
        firstDispatched: 5,
        dispatched: 5,
        unitAccepted: 7,
        arrived: 30,
        resolved: 600,
        verified: 610,
        dueIn: 480,
        rating: 4,
        unitKind: 'police',
      },
    ];
    for (const f of fixtures) await insert(db, f);
  });

  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('computes today’s KPIs city-wide as counted by hand, and yesterday’s before them', async () => {
    const k = await kpis(city, 'period=today');
    expect(k.window).toMatchObject({ firstDay: '2026-06-15', lastDay: '2026-06-15' });
    expect(k.previous).toMatchObject({ firstDay: '2026-06-14', lastDay: '2026-06-14' });
    expect(k.now.counts).toEqual({
      reported: 6,
      cancelled: 1,
      escalated: 1,
      supervised: 1,
      resolved: 4,
      closed: 3,
      disputes: 1,
      rated: 2,
    });
    expect(k.now.rates).toEqual({
      onTime: 66.7, // i1 and i6 by their deadline today; i5 open past it
      closure: 60, // 3 closed of 5 not cancelled
      resolution: 100, // the dispute agreed
      satisfaction: 50, // 5 and 2
      verification: 80, // 4 passed, 1 sent back
    });
    // accept: 1 (i3), 1 (i5), 2 (i1), 5 (i6), 10 (i2): nearest rank.
    expect(k.now.times.accept).toEqual({ p50: 2, p90: 10, n: 5 });
    // response: 16 (i1), 45 (i2), 130 (i3 after reopening), 20 (i6).
    expect(k.now.times.response).toEqual({ p50: 20, p90: 130, n: 4 });
    expect(k.now.means.response).toBe(52.8);
    expect(k.before.counts.reported).toBe(1);
    expect(k.before.rates.onTime).toBe(0); // i8 resolved after its deadline, yesterday
    expect(k.before.rates.satisfaction).toBe(100);
    expect(k.open).toBe(2); // i3 (waiting for a rating) and i5
  });

  it('counts an incident where it happened, escalated or not, and a district sees only its own', async () => {
    const d = await signIn(url, `dispatcher-${districtA}`, TEST_PASSWORD);
    const k = await kpis(d, 'period=today');
    expect(k.region.code).toBe(districtA);
    expect(k.now.counts.reported).toBe(5);
    expect(k.now.counts.escalated).toBe(1);
    expect(k.now.rates.satisfaction).toBe(100);
    const out = await refusal(d, `/stats/kpis?period=today&region=${districtB}`);
    expect(out).toMatchObject({ status: 403, code: 'auth/forbidden' });
    expect(out.message).toContain('query.region');
    expect(out.message).not.toContain('dispatcher-');
    // A grid of the district: a community's or grid's times come from its own rows.
    const g = await kpis(d, `period=today&region=${gridA}`);
    expect(g.now.counts.reported).toBe(4);
    expect(g.now.times.accept).toEqual({ p50: 2, p90: 10, n: 3 });
  });

  it('answers an empty window with zeros and no rates', async () => {
    const k = await kpis(city, 'from=2025-01-01&to=2025-01-31');
    expect(k.now.counts.reported).toBe(0);
    expect(Object.values(k.now.rates).every((r) => r === null)).toBe(true);
    expect(k.now.times.resolve).toEqual({ p50: null, p90: null, n: 0 });
    expect(k.alarms.now.raised).toBe(0);
  });

  it('breaks down by region, category and day; the CSV carries the same rows', async () => {
    const res = await get(city, '/stats/breakdown?period=7d&by=region');
    expect(res.status).toBe(200);
    const b = breakdownReply.parse(await res.json());
    const a = b.rows.find((r) => r.key === districtA)!;
    expect(a.counts.reported).toBe(6); // five today and one yesterday
    expect(b.rows.find((r) => r.key === districtB)!.counts.reported).toBe(1);
    expect(b.total.counts.reported).toBe(7);
    const days = breakdownReply.parse(await (await get(city, '/stats/breakdown?period=7d&by=day')).json());
    expect(days.rows.map((r) => r.key)).toHaveLength(7);
    expect(days.rows.at(-1)!.key).toBe('2026-06-15');
    expect(days.rows.at(-1)!.counts.reported).toBe(6);
    const cats = breakdownReply.parse(await (await get(city, '/stats/breakdown?period=7d&by=family')).json());
    expect(cats.rows.find((r) => r.key === 'security')!.counts.reported).toBe(4); // theft × 3 + public order
    const csv = await get(city, '/stats/breakdown?period=7d&by=region&format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^key,label,reported,/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(b.rows.map((r) => r.key));
    const line = lines.find((l) => l.startsWith(districtA))!.split(',');
    expect(Number(line[2])).toBe(a.counts.reported);
  });

  it('analyses a month per grid and category, with a card of 12 months', async () => {
    const res = await get(city, `/stats/grids?month=2026-06&region=${districtA}`);
    expect(res.status).toBe(200);
    const g = gridAnalysisReply.parse(await res.json());
    const row = g.rows.find((r) => r.grid === gridA)!;
    // theft i1, i8; dispute i2; fire i5 (the false report i4 and the merged i7 left out)
    expect(row.counts).toEqual({ theft: 2, dispute_neighbour: 1, fire_hazard: 1 });
    expect(g.change.theft).toEqual({ now: 2, before: 0 });
    expect(g.top.sanitation![0]).toMatchObject({ grid: gridA2, count: 1 });
    const card = gridCardReply.parse(await (await get(city, `/stats/grids/${gridA}?month=2026-06`)).json());
    expect(card.months).toHaveLength(12);
    expect(card.months.at(-1)).toBe('2026-06');
    expect(card.series.theft!.at(-1)).toBe(2);
    expect(card.open).toBe(1);
    const fill = gridMeasureReply.parse(await (await get(city, `/stats/grid-measure?measure=open`)).json());
    expect(fill.values).toEqual({ [gridA]: 1, [gridA2]: 1 });
    const month = async (q: string) =>
      gridMeasureReply.parse(
        await (await get(city, `/stats/grid-measure?month=2026-06&region=${districtA}&${q}`)).json(),
      ).values;
    expect((await month('measure=reported'))[gridA]).toBe(row.total);
    expect(await month('measure=category&category=theft')).toEqual({ [gridA]: 2 });
    const heat = heatReply.parse(await (await get(city, `/stats/heat?period=today&region=${districtA}`)).json());
    expect(heat.lon).toHaveLength(5);
    expect(heat.t.every((t) => t >= 0 && t < 24 * 60)).toBe(true);
  });

  it('keeps the rollups equal to a rebuild from the rows while incidents move through the loop', async () => {
    // One through the API, reported now.
    const [centre] = await queryRows<{ lon: number; lat: number }>(
      db,
      sql`select center_lon as lon, center_lat as lat from regions where code = ${gridA}`,
    );
    if (!centre) throw new Error('no grid centre');
    const created = await city.fetch(`${url}${API}/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        category: 'noise',
        priority: 3,
        title: '噪音',
        description: '夜间施工',
        location: { lon: centre.lon, lat: centre.lat },
        source: 'dispatcher',
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const before = (await kpis(city, 'period=today')).now.counts.reported;
    expect(before).toBe(7);
    await db.execute(sql`update incidents set rating = 3, status = 'rated' where id = 'i3'`);
    await db.execute(sql`update incidents set status = 'merged' where id = 'i4'`);
    await db.execute(sql`delete from incidents where id = 'i7'`);
    // Months before and after June: a month's history is its six months before, kept as they change.
    const month = (iso: string) => ({
      source: 'citizen',
      status: 'closed',
      resolved: 60,
      verified: 70,
      dueIn: 480,
      created: Date.parse(iso),
    });
    await insert(db, { id: 'h1', grid: gridA, category: 'theft', ...month('2026-03-10T02:00:00Z') });
    await insert(db, { id: 'h2', grid: gridA2, category: 'noise', ...month('2026-02-01T02:00:00Z') });
    await insert(db, { id: 'h3', grid: gridA, category: 'theft', ...month('2026-07-02T02:00:00Z') });
    await db.execute(sql`update incidents set category = 'fraud' where id = 'h1'`);
    await db.execute(sql`update incidents set created_at = '2026-05-20T02:00:00Z' where id = 'h2'`);
    const history = async (m: string, grid: string) => {
      const [row] = await queryRows<{ theft: number; fraud: number; noise: number; total: number }>(
        db,
        sql`select history[stats_category_index('theft')] as theft, history[stats_category_index('fraud')] as fraud,
              history[stats_category_index('noise')] as noise, history_total as total
            from grid_month where month = ${m}::date and grid = ${grid}`,
      );
      return row;
    };
    expect(await history('2026-06-01', gridA)).toEqual({ theft: 0, fraud: 1, noise: 0, total: 1 });
    expect(await history('2026-06-01', gridA2)).toEqual({ theft: 0, fraud: 0, noise: 1, total: 1 });
    // July's row, made after June's: June's two thefts (i1, i8) and March's fraud.
    expect(await history('2026-07-01', gridA)).toMatchObject({ theft: 2, fraud: 1 });
    const live = await rollupFingerprint(db);
    await db.execute(sql`select stats_rebuild()`);
    expect(await rollupFingerprint(db)).toEqual(live);
  });

  it("keeps the grids' month counts in the order of the 29 categories", async () => {
    const [row] = await queryRows<{ c: string[]; h: number }>(
      db,
      sql`select stats_categories() as c, stats_history_months() as h`,
    );
    expect(row!.c).toEqual([...RISK_CATEGORIES]);
    expect(row!.h).toBe(HISTORY_MONTHS);
    const months = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from grid_month where cardinality(counts) <> ${RISK_CATEGORIES.length}`,
    );
    expect(months[0]!.n).toBe(0);
  });

  it('buckets minutes in SQL exactly as the service reads them back', async () => {
    const minutes = [0, 0.5, 59.9, 60, 64.9, 65, 239, 240, 269, 2879, 2880, 4320, 1e9];
    const rows = await queryRows<{ m: number; b: number }>(
      db,
      sql`select m, stats_bucket(m) as b from unnest(${`{${minutes.join(',')}}`}::float8[]) m`,
    );
    expect(rows.map((r) => Number(r.b))).toEqual(minutes.map(bucketOf));
  });

  it('refuses bad input by the parameter at fault', async () => {
    const cases: [string, string][] = [
      ['/stats/kpis?period=week', 'query.period'],
      ['/stats/kpis?from=2025-01-01&to=2026-06-01', 'query.to'],
      ['/stats/kpis?from=2025-02-30&to=2025-03-01', 'query.from'],
      ['/stats/kpis?from=2025-01-01', 'query.to'],
      ['/stats/kpis?region=12', 'query.region'],
      ['/stats/kpis?region=369999', 'query.region'],
      ['/stats/kpis?nonsense=1', 'query'],
      ['/stats/breakdown?by=colour', 'query.by'],
      ['/stats/grids?month=2026-13', 'query.month'],
      ['/stats/grids?month=2099-01', 'query.month'],
      ['/stats/grid-measure?measure=smell', 'query.measure'],
      ['/stats/grid-measure?measure=category&month=2026-06', 'query.category'],
      ['/stats/heat?period=\u0000', 'query.period'],
      [`/stats/grids/${'3'.repeat(15)}?month=2026-06`, 'params.code'],
    ];
    for (const [path, param] of cases) {
      const r = await refusal(city, path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      expect(r.message, path).toContain(param);
    }
    const byRegion = await refusal(city, `/stats/breakdown?by=region&region=${gridA}`);
    expect(byRegion).toMatchObject({ status: 400 });
    expect(byRegion.message).toContain('query.by');
  });
});
