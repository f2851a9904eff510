/**
 * Incidents at scale (issue 6): with BENCH_INCIDENTS (default 1,000,000) incidents in the database,
 *   1. the desk's list (`IncidentRepository.list`, the real function on `incidents` and its indexes)
 *      against the very same SQL and parameters on `incidents_noidx` (a copy with no index at all);
 *   2. the dispatch proposal (`DispatchService.proposeFor`: the in-memory unit index over the 605
 *      units, and the nearest cameras from a kdbush/geokdbush index over the ~133k cameras, as
 *      AlarmService.nearestCameras does) against plain SQL ordered by distance (no spatial index).
 * p50/p99 of each, side by side, as ratios; on embedded PGlite always, and on a PostgreSQL server
 * when BENCH_DATABASE_URL is set (a database created and dropped by the run).
 *
 * The incidents are made by set-based SQL (insert … select from generate_series, chunks of 100k),
 * every value a hash of the row number: the same rows on every run and backend.
 *
 * Settings: BENCH_INCIDENTS (rows, default 1000000), BENCH_INCIDENTS_RUNS (timed runs per list case,
 * default 200), BENCH_INCIDENTS_POINTS (proposal points, default 2000), BENCH_INCIDENTS_BUDGET_S
 * (time budget of one measurement, default 5 s: a slow one stops early, after at least 20 runs),
 * BENCH_DATABASE_URL,
 * BENCH_INCIDENTS_DBS (pglite,postgres: which of them).
 * Results: a table, and JSON in bench/results/incidents-<time>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { openDatabase, type Database, type Db } from '@server/db/connect';
import { generateDemoCity } from '@server/demo';
import { IncidentRepository, type IncidentRow, type ListFilter } from '@server/repositories/incident.repository';
import { DispatchService } from '@server/services/incidents/dispatch.service';
import type { Locator } from '@server/services/incidents/ports';
import { UnitRepository } from '@server/repositories/unit.repository';
import {
  CATEGORIES,
  DISPUTE_CATEGORIES,
  RISK_CATEGORIES,
  departmentOf,
  type RiskCategory,
} from '@shared/incident-categories';
import { UNIT_TRAVEL, ROUTE_FACTOR, UnitIndex } from '@server/services/unit-index';
import type { DispatchProposal } from '@shared/incidents';
import { tempDir, tempPostgresDatabase } from '../tests/integration/helpers';

const N = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_INCIDENTS_RUNS ?? 200);
const POINTS = Number(process.env.BENCH_INCIDENTS_POINTS ?? 2_000);
const BUDGET_MS = Number(process.env.BENCH_INCIDENTS_BUDGET_S ?? 5) * 1000;
const MIN_RUNS = 20;
const WARMUP = 10;
const CHUNK = 100_000;
const SEED = 20260101;
/** The data's "now": fixed, so the rows are the same on every run. */
const BASE = '2026-11-23T00:00:00Z';
const PG_URL = process.env.BENCH_DATABASE_URL;
type Backend = 'pglite' | 'postgres';
const DBS = (process.env.BENCH_INCIDENTS_DBS ?? (PG_URL ? 'pglite,postgres' : 'pglite')).split(',') as Backend[];
/** What proposeFor uses (server/services/incidents/dispatch.service.ts and alarm-surroundings.ts). */
const PROPOSAL_UNITS = 5;
const PROPOSAL_RADIUS_M = 15_000;
const PROPOSAL_CAMERAS = 4;
const CAMERA_RADIUS_KM = 2;
const GOAL_LIST_P99_MS = 50;
const GOAL_PROPOSAL_P99_MS = 5;

const OPEN_STATUSES = [
  'reported',
  'accepted',
  'dispatched',
  'unit_accepted',
  'on_scene',
  'resolved',
  'verified',
  'rated',
];

// ------------------------------------------------------------------ the demo city

const city = generateDemoCity({ scale: 'full', seed: SEED });
const grids = city.regions.filter((r) => r.level === 'grid').sort((a, b) => (a.code < b.code ? -1 : 1));
const districts = city.regions.filter((r) => r.level === 'district').map((r) => r.code);
const streets = city.regions.filter((r) => r.level === 'street').map((r) => r.code);

/** Deterministic pseudo-random numbers for the bench's own choices (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// ------------------------------------------------------------------ raw SQL on either driver

interface RawClient {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}
const rawOf = (db: Db): RawClient => (db as unknown as { $client: RawClient }).$client;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

// ------------------------------------------------------------------ filling the database

/** A uniform number in [0, 1) from the row number `i` and a stream `k`. */
const h = (k: number): string => `((hashint4extended(i, ${k}) & 2147483647)::float8 / 2147483648.0)`;

async function insertJson(raw: RawClient, table: string, columns: string, rows: unknown[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 20_000) {
    await raw.query(`insert into ${table} select * from jsonb_to_recordset($1::jsonb) as x(${columns})`, [
      JSON.stringify(rows.slice(i, i + 20_000)),
    ]);
  }
}

/** The regions (for the foreign keys), the 605 units and ~133k cameras of the full demo city, and the helper tables the incident generator reads. */
async function fillWorld(raw: RawClient): Promise<void> {
  const regions = [...city.regions].sort((a, b) => a.code.length - b.code.length || (a.code < b.code ? -1 : 1));
  await insertJson(
    raw,
    'regions (code, parent_code, level, name, boundary, center_lon, center_lat)',
    'code text, parent_code text, level text, name text, boundary jsonb, center_lon float8, center_lat float8',
    regions.map((r) => ({
      code: r.code,
      parent_code: r.parentCode,
      level: r.level,
      name: r.name,
      boundary: [],
      center_lon: r.center[0],
      center_lat: r.center[1],
    })),
  );
  await insertJson(
    raw,
    'units (id, callsign, kind, home_region_code, status, lon, lat, department)',
    'id text, callsign text, kind text, home_region_code text, status text, lon float8, lat float8, department text',
    city.units.map((u) => ({
      id: u.id,
      callsign: u.callsign,
      kind: u.kind,
      home_region_code: u.homeRegionCode,
      status: u.status,
      lon: u.position[0],
      lat: u.position[1],
      department: u.kind === 'department' ? departmentOf(u.callsign) : null,
    })),
  );
  await insertJson(
    raw,
    'cameras (id, name, kind, status, lon, lat, heading, fov, range_m, stream_url, grid_code)',
    'id text, name text, kind text, status text, lon float8, lat float8, heading real, fov real, range_m real, stream_url text, grid_code text',
    city.cameras.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      status: c.status,
      lon: c.position[0],
      lat: c.position[1],
      heading: c.heading,
      fov: c.fov,
      range_m: c.rangeM,
      stream_url: c.streamUrl,
      grid_code: c.gridCode,
    })),
  );
  await raw.query(
    'create table bench_grids (idx int primary key, code text not null, name text not null, lon float8 not null, lat float8 not null)',
  );
  await insertJson(
    raw,
    'bench_grids',
    'idx int, code text, name text, lon float8, lat float8',
    grids.map((g, idx) => ({ idx, code: g.code, name: g.name, lon: g.center[0], lat: g.center[1] })),
  );
  await raw.query(
    'create table bench_cats (idx int primary key, name text not null, zh text not null, department text not null, kind text not null)',
  );
  await insertJson(
    raw,
    'bench_cats',
    'idx int, name text, zh text, department text, kind text',
    RISK_CATEGORIES.map((c, idx) => ({
      idx,
      name: c,
      zh: CATEGORIES[c].zh,
      department: CATEGORIES[c].department,
      kind: DISPUTE_CATEGORIES.has(c) ? 'dispute' : 'general',
    })),
  );
  await raw.query(
    'create table bench_unit_pick (idx int primary key, id text not null, callsign text not null, kind text not null)',
  );
  await insertJson(
    raw,
    'bench_unit_pick',
    'idx int, id text, callsign text, kind text',
    city.units.map((u, idx) => ({ idx, id: u.id, callsign: u.callsign, kind: u.kind })),
  );
}

/** Open: 85 % of the incidents of the last week, 0.3 % of the older ones (long-running: disputes in mediation…): ~2 % in all. */
const RECENT_DAYS = 7;
const OPEN_RECENT = 0.85;
const OPEN_OLDER = 0.003;

/**
 * Rows lo..hi, in the order a real table fills: row i was created (365 days × (N − i) / N) before
 * BASE, so the physical order is the creation order. ~2 % open (RECENT_DAYS…, spread over the
 * eight open statuses, with a deadline), the rest closed (90 %), merged (5 %), cancelled (5 %);
 * priority 1/2/3/4 at 5/15/60/20 %; the 29 categories; a grid of the demo city; sources
 * alarm/dispatcher/field/citizen/hotline at 40/15/10/20/15 %; assignments '[]' except the open
 * incidents past dispatch and 10 % of the closed ones (one unit); 10 % of the open and 3 % of the
 * closed flagged.
 */
function incidentChunkSql(lo: number, hi: number): string {
  const open = `array[${OPEN_STATUSES.map((s) => `'${s}'`).join(',')}]`;
  return `
insert into incidents (id, code, rev, version, kind, category, priority, title, description, status, source, external_id, tracking_code,
  reporter, grid_code, lon, lat, address, department, assignments, escalations, max_escalations, created_at, updated_at,
  first_dispatched_at, dispatched_at, unit_accepted_at, arrived_at, resolved_at, closed_at, due_at, breaches, flagged,
  merged_into, merged_from, rating, rating_comment, photo_ids, dispute)
select
  md5(i::text)::uuid::text,
  'E' || to_char(created_at at time zone 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(i::text, 7, '0'),
  i, 1 + (rank > 0)::int + (rank > 2)::int, c.kind, c.name, priority,
  c.zh || ' #' || i, 'bench incident ' || i || ' (' || c.name || ')', status, source,
  case when source = 'hotline' then 'HL' || i end,
  case when source = 'citizen' then 'T' || upper(to_hex(i::bigint * 7919)) end,
  case when source in ('citizen', 'hotline') then jsonb_build_object('name', '张*', 'phone', '138****' || lpad((i % 10000)::text, 4, '0')) end,
  g.code, g.lon + (rj1 - 0.5) * 0.004, g.lat + (rj2 - 0.5) * 0.004, g.name || ' ' || (1 + i % 200) || '号', c.department,
  case when u.id is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object(
    'unitId', u.id, 'callsign', u.callsign, 'kind', u.kind, 'status', case when rank >= 8 then 'released' when rank >= 4 then 'arrived' when rank >= 3 then 'accepted' else 'assigned' end,
    'assignedAt', to_jsonb(created_at + interval '3 minutes'), 'respondedAt', case when rank >= 3 then to_jsonb(created_at + interval '5 minutes') end)) end,
  flagged::int, 4, created_at,
  coalesce(case when rank >= 8 then created_at + interval '1 day' end, created_at + interval '10 minutes'),
  case when rank >= 2 then created_at + interval '3 minutes' end,
  case when rank >= 2 then created_at + interval '3 minutes' end,
  case when rank >= 3 then created_at + interval '5 minutes' end,
  case when rank >= 4 then created_at + interval '20 minutes' end,
  case when rank >= 5 then created_at + interval '1 hour' end,
  case when rank >= 8 or status in ('merged', 'cancelled') then created_at + interval '1 day' end,
  case when is_open and status <> 'rated' then created_at + make_interval(mins => case priority when 1 then 30 when 2 then 120 when 3 then 1440 else 4320 end) end,
  case when flagged then '["dispatch"]'::jsonb else '[]'::jsonb end, flagged,
  case when status = 'merged' then md5((i + 1)::text)::uuid::text end, '[]'::jsonb,
  case when status = 'closed' and source = 'citizen' then 1 + least(4, floor(rr * 6))::int end, null, '[]'::jsonb,
  case when c.kind = 'dispute' then jsonb_build_object('parties', jsonb_build_array(jsonb_build_object('name', '李*', 'idKey', null), jsonb_build_object('name', '王*', 'idKey', md5(('p' || i)::text))),
    'channel', null, 'mediations', '[]'::jsonb, 'outcome', 'ongoing', 'risk', jsonb_build_object('score', 10, 'level', 'low', 'factors', '[]'::jsonb), 'supervised', false) end
from (
  select s.*,
    case when is_open then array_position(${open}, status) - 1 when status = 'closed' then 8 else -1 end as rank,
    $1::timestamptz - make_interval(secs => age_days * 86400) as created_at,
    case when is_open then rf < 0.10 else rf < 0.03 end as flagged
  from (
    select i, age_days, is_open,
      case when is_open then (${open})[1 + floor(rst * 8)::int]
           when rst < 0.90 then 'closed' when rst < 0.95 then 'merged' else 'cancelled' end as status,
      case when rp < 0.05 then 1 when rp < 0.20 then 2 when rp < 0.80 then 3 else 4 end as priority,
      case when rsrc < 0.40 then 'alarm' when rsrc < 0.55 then 'dispatcher' when rsrc < 0.65 then 'field' when rsrc < 0.85 then 'citizen' else 'hotline' end as source,
      rf, ru, rr, rj1, rj2, gi, ci, ui
    from (
      select r0.*, case when age_days < ${RECENT_DAYS} then rs < ${OPEN_RECENT} else rs < ${OPEN_OLDER} end as is_open
      from (
        select i, (${N} - i + ${h(4)}) / ${N}.0 * 365 as age_days, ${h(1)} as rs, ${h(13)} as rst, ${h(2)} as rp, ${h(3)} as rsrc, ${h(5)} as rf, ${h(6)} as ru, ${h(7)} as rr, ${h(8)} as rj1, ${h(9)} as rj2,
          floor(${h(10)} * ${grids.length})::int as gi, floor(${h(11)} * ${RISK_CATEGORIES.length})::int as ci, floor(${h(12)} * ${city.units.length})::int as ui
        from generate_series(${lo}, ${hi}) as i
      ) r0
    ) r
  ) s
) t
join bench_grids g on g.idx = t.gi
join bench_cats c on c.idx = t.ci
left join bench_unit_pick u on u.idx = t.ui and (t.rank between 2 and 7 or (t.rank = 8 and t.ru < 0.10))`;
}

interface Filled {
  insertMs: number;
  indexMs: number;
  copyMs: number;
  analyzeMs: number;
  incidentsMb: number;
  indexesMb: number;
  openRows: number;
}

/**
 * The incidents: the table's secondary indexes are dropped, the rows inserted in chunks, the
 * indexes made again from their own definitions (a bulk load; the same indexes as the migrations
 * made), then the copy with no index for the baseline, and ANALYZE of both.
 */
async function fillIncidents(raw: RawClient, log: (s: string) => void): Promise<Filled> {
  const defs = (
    await raw.query(
      `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = 'incidents' and indexname <> 'incidents_pkey'`,
    )
  ).rows as { indexname: string; indexdef: string }[];
  for (const d of defs) await raw.query(`drop index ${d.indexname}`);
  const t0 = performance.now();
  for (let lo = 1; lo <= N; lo += CHUNK) {
    const hi = Math.min(N, lo + CHUNK - 1);
    await raw.query(incidentChunkSql(lo, hi), [BASE]);
    log(
      `  incidents ${hi.toLocaleString('en')} / ${N.toLocaleString('en')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  const insertMs = performance.now() - t0;
  const t1 = performance.now();
  for (const d of defs) await raw.query(d.indexdef);
  const indexMs = performance.now() - t1;
  log(`  indexes made again (${defs.length}): ${(indexMs / 1000).toFixed(1)} s`);
  await raw.query(`select setval('incident_rev', ${N}), setval('incident_no', ${N})`);
  const t2 = performance.now();
  await raw.query('create table incidents_noidx as select * from incidents');
  const copyMs = performance.now() - t2;
  const t3 = performance.now();
  await raw.query('analyze incidents');
  await raw.query('analyze incidents_noidx');
  await raw.query('analyze units');
  await raw.query('analyze cameras');
  const analyzeMs = performance.now() - t3;
  const size = (
    await raw.query(
      `select pg_table_size('incidents') as t, pg_indexes_size('incidents') as i, (select count(*) from incidents where status not in ('closed', 'merged', 'cancelled')) as open`,
    )
  ).rows[0]!;
  return {
    insertMs,
    indexMs,
    copyMs,
    analyzeMs,
    incidentsMb: Number(size.t) / 2 ** 20,
    indexesMb: Number(size.i) / 2 ** 20,
    openRows: Number(size.open),
  };
}

// ------------------------------------------------------------------ measuring

interface Stats {
  runs: number;
  p50: number;
  p99: number;
  max: number;
  /** The run (k) that took longest. */
  maxAt: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? NaN;
  return {
    runs: s.length,
    p50: q(0.5),
    p99: q(0.99),
    max: s[s.length - 1] ?? NaN,
    maxAt: xs.indexOf(s[s.length - 1]!),
  };
}

/**
 * Run `fn(k)` for k = 0..runs-1 after a warm-up (WARMUP runs, or 1 s); a slow case stops early,
 * after MIN_RUNS, once `budgetMs` is spent (the baselines at 1M rows take up to a second a run).
 */
async function measure(runs: number, fn: (k: number) => Promise<unknown>, budgetMs = BUDGET_MS): Promise<Stats> {
  const w0 = performance.now();
  for (let k = 0; k < Math.min(WARMUP, runs) && (k === 0 || performance.now() - w0 < 1_000); k++)
    await fn(runs - 1 - k);
  const times: number[] = [];
  const t0 = performance.now();
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    await fn(k);
    times.push(performance.now() - t);
    if (k + 1 >= MIN_RUNS && performance.now() - t0 > budgetMs) break;
  }
  return stats(times);
}

interface Case {
  name: string;
  what: string;
  /** The filter of run k. */
  filter(k: number): ListFilter;
}

/** The SQL and parameters `IncidentRepository.list` sends (it returns Drizzle's query builder: not run until awaited). */
function listSql(repo: IncidentRepository, f: ListFilter): { sql: string; params: unknown[] } {
  const q = repo.list(f) as unknown as { toSQL?: () => { sql: string; params: unknown[] } };
  if (typeof q.toSQL !== 'function')
    throw new Error('IncidentRepository.list no longer returns a query builder: capture its SQL another way');
  return q.toSQL();
}

const driverParams = (params: unknown[]): unknown[] => params.map((p) => (p instanceof Date ? p.toISOString() : p));

async function buildCases(raw: RawClient, repo: IncidentRepository): Promise<Case[]> {
  const r = rng(SEED);
  const units = (
    await raw.query(
      `select distinct a->>'unitId' as id from incidents, jsonb_array_elements(assignments) a where status not in ('closed', 'merged', 'cancelled') order by 1`,
    )
  ).rows.map((x) => String(x.id));
  // Keyset cursors: a random open incident (a later page of the city's list) and, per district,
  // the last row of the first page of its closed history, and a row half a year back (a deep page).
  const openRows = (
    await raw.query(
      `select id, priority, due_at, created_at from incidents where status not in ('closed', 'merged', 'cancelled') order by id limit 2000`,
    )
  ).rows;
  const cursor = (x: Record<string, unknown>): NonNullable<ListFilter['after']> => ({
    id: String(x.id),
    priority: Number(x.priority),
    dueAt: x.due_at ? new Date(x.due_at as string).toISOString() : null,
    createdAt: new Date(x.created_at as string).toISOString(),
  });
  const closedFirst = (d: string): ListFilter => ({ prefix: d, statuses: 'closed', sort: 'newest', limit: 100 });
  const page2 = new Map<string, NonNullable<ListFilter['after']>>();
  const deep = new Map<string, NonNullable<ListFilter['after']>[]>();
  for (const d of districts) {
    const first = await repo.list(closedFirst(d));
    const last = first[first.length - 1]!;
    page2.set(d, {
      id: last.id,
      priority: last.priority,
      dueAt: last.dueAt?.toISOString() ?? null,
      createdAt: last.createdAt.toISOString(),
    });
    const next = String(BigInt(d) + 1n);
    const rows = (
      await raw.query(
        `select id, priority, due_at, created_at from incidents where grid_code >= $1 and grid_code < $2 and created_at between $3::timestamptz - interval '200 days' and $3::timestamptz - interval '160 days' and status = 'closed' order by id limit 20`,
        [d, next, BASE],
      )
    ).rows;
    deep.set(d, rows.map(cursor));
  }
  const seq = <T>(make: () => T): T[] => Array.from({ length: RUNS + WARMUP }, make);
  const aAfter = seq(() => cursor(pick(r, openRows)));
  const bArgs = seq(() => ({ d: pick(r, districts), c: pick<RiskCategory>(r, RISK_CATEGORIES) }));
  const dists = seq(() => pick(r, districts));
  const streetArgs = seq(() => pick(r, streets));
  const deepArgs = seq(() => {
    const d = pick(r, districts);
    return { d, after: pick(r, deep.get(d)!) };
  });
  const unitArgs = seq(() => pick(r, units));
  return [
    {
      name: 'a',
      what: 'city-wide open, by priority, 100',
      filter: () => ({ prefix: '', statuses: 'open', sort: 'priority', limit: 100 }),
    },
    {
      name: 'a2',
      what: 'city-wide open, by priority, a later keyset page',
      filter: (k) => ({ prefix: '', statuses: 'open', sort: 'priority', limit: 100, after: aAfter[k]! }),
    },
    {
      name: 'b',
      what: "a district's open, one category, by due",
      filter: (k) => ({ prefix: bArgs[k]!.d, statuses: 'open', category: bArgs[k]!.c, sort: 'due', limit: 100 }),
    },
    { name: 'c1', what: "a district's closed history, newest, page 1", filter: (k) => closedFirst(dists[k]!) },
    {
      name: 'c2',
      what: "a district's closed history, newest, keyset page 2",
      filter: (k) => ({ ...closedFirst(dists[k]!), after: page2.get(dists[k]!)! }),
    },
    {
      name: 'c3',
      what: "a district's closed history, newest, keyset page ~180 days back",
      filter: (k) => ({ ...closedFirst(deepArgs[k]!.d), after: deepArgs[k]!.after }),
    },
    { name: 'c4', what: "a street's closed history, newest, page 1", filter: (k) => closedFirst(streetArgs[k]!) },
    {
      name: 'd',
      what: 'flagged open, city-wide, by priority, 100',
      filter: () => ({ prefix: '', statuses: 'open', flagged: true, sort: 'priority', limit: 100 }),
    },
    {
      name: 'e',
      what: "one unit's open incidents (the field page), 50",
      filter: (k) => ({ prefix: '', statuses: 'open', unitId: unitArgs[k], sort: 'priority', limit: 50 }),
    },
    {
      name: 'e2',
      what: "one unit's history, all statuses, newest, 100",
      filter: (k) => ({ prefix: '', statuses: 'all', unitId: unitArgs[k], sort: 'newest', limit: 100 }),
    },
  ];
}

interface ListResult {
  case: string;
  what: string;
  rows: number;
  same: boolean;
  indexed: Stats;
  baseline: Stats;
  p50Ratio: number;
  p99Ratio: number;
  plan: string;
  /** The filter of the slowest indexed run. */
  slowest: ListFilter;
}

/** Each case through the real `IncidentRepository.list`, and its SQL on `incidents_noidx` (the baseline). */
async function benchLists(
  raw: RawClient,
  repo: IncidentRepository,
  cases: Case[],
  log: (s: string) => void,
): Promise<ListResult[]> {
  const out: ListResult[] = [];
  for (const c of cases) {
    const f0 = c.filter(0);
    const q0 = listSql(repo, f0);
    const base = (f: ListFilter): { sql: string; params: unknown[] } => {
      const q = listSql(repo, f);
      return { sql: q.sql.replaceAll('"incidents"', '"incidents_noidx"'), params: driverParams(q.params) };
    };
    // The same rows from both tables (ids in order), for the first filter.
    const got = (await repo.list(f0)).map((x: IncidentRow) => x.id);
    const b0 = base(f0);
    const want = (await raw.query(b0.sql, b0.params)).rows.map((x) => String(x.id));
    const same = got.length === want.length && got.every((id, i) => id === want[i]);
    const plan = await explain(raw, q0);
    const indexed = await measure(RUNS, (k) => repo.list(c.filter(k)));
    const baseline = await measure(RUNS, (k) => {
      const q = base(c.filter(k));
      return raw.query(q.sql, q.params);
    });
    const res: ListResult = {
      case: c.name,
      what: c.what,
      rows: got.length,
      same,
      indexed,
      baseline,
      p50Ratio: baseline.p50 / indexed.p50,
      p99Ratio: baseline.p99 / indexed.p99,
      plan,
      slowest: c.filter(indexed.maxAt),
    };
    out.push(res);
    log(
      `  ${c.name.padEnd(3)} ${c.what.padEnd(66)} rows ${String(got.length).padStart(3)}${same ? '' : ' (DIFFERENT from baseline!)'}  indexed p50 ${ms(indexed.p50)} p99 ${ms(indexed.p99)}  baseline p50 ${ms(baseline.p50)} p99 ${ms(baseline.p99)} (${baseline.runs} runs)  × ${res.p99Ratio.toFixed(1)}`,
    );
  }
  return out;
}

async function explain(raw: RawClient, q: { sql: string; params: unknown[] }): Promise<string> {
  return (await raw.query(`explain ${q.sql}`, driverParams(q.params))).rows
    .map((x) => String(Object.values(x)[0]))
    .join('\n');
}

// ------------------------------------------------------------------ the proposal

interface ProposalResult {
  points: number;
  proposeFor: Stats;
  unitsOnly: Stats;
  camerasOnly: Stats;
  baseline: Stats;
  p50Ratio: number;
  p99Ratio: number;
  /** Points where the baseline's units (ids, in order) differ from proposeFor's. */
  unitMismatches: number;
  cameraIndexMs: number;
}

/** The plain SQL: nearest available units of the kinds by ETA (haversine × route factor ÷ speed), the department's crews, the nearest cameras: no spatial index. */
function baselineSql(): { units: string; cameras: string } {
  const dist = `(2 * 6371000 * asin(least(1, sqrt(power(sin(radians(lat - $2) / 2), 2) + cos(radians($2)) * cos(radians(lat)) * power(sin(radians(lon - $1) / 2), 2)))))`;
  const eta = `round((case kind ${Object.entries(UNIT_TRAVEL)
    .map(([k, t]) => `when '${k}' then ${t.turnoutMin} + (d / 1000.0) * ${ROUTE_FACTOR} * 60 / ${t.kmh}`)
    .join(' ')} else 1 + (d / 1000.0) * ${ROUTE_FACTOR} * 60 / 15 end)::numeric, 1)`;
  return {
    units: `select id, callsign, kind, department, round(d) as distance_m, ${eta} as eta_min from (select *, ${dist} as d from units
      where status = 'available' and kind = any($3::text[]) and ($4::text is null or department = $4)) u where d <= $5 order by eta_min, d, id limit $6`,
    cameras: `select id from cameras order by (lon - $1) * (lon - $1) + (lat - $2) * (lat - $2) limit $3`,
  };
}

async function benchProposal(db: Db, raw: RawClient, log: (s: string) => void): Promise<ProposalResult> {
  const repo = new IncidentRepository(db);
  const camRows = (await raw.query('select id, lon, lat from cameras order by id')).rows as {
    id: string;
    lon: number;
    lat: number;
  }[];
  const tc = performance.now();
  const tree = new KDBush(camRows.length);
  for (const c of camRows) tree.add(c.lon, c.lat);
  tree.finish();
  const ids = camRows.map((c) => c.id);
  const cameraIndexMs = performance.now() - tc;
  const locator: Locator = {
    locate: () => Promise.resolve(null),
    regionCenter: () => Promise.resolve(null),
    // As AlarmService.nearestCameras: geokdbush `around`, great-circle, within 2 km.
    cameras: (p, count) => Promise.resolve(around(tree, p[0], p[1], count, CAMERA_RADIUS_KM).map((i) => ids[i]!)),
  };
  const none = null as never;
  const unitRows = new UnitRepository(db);
  const unitIndex = new UnitIndex(
    () => unitRows.all(),
    (since) => unitRows.changedSince(since),
    () => Date.now(),
  );
  const service = new DispatchService(repo, unitRows, none, unitIndex, none, none, none, locator, none, none, none);
  const r = rng(SEED + 1);
  const points = Array.from({ length: POINTS }, () => {
    const g = pick(r, grids);
    return {
      category: pick<RiskCategory>(r, RISK_CATEGORIES),
      lon: g.center[0] + (r() - 0.5) * 0.004,
      lat: g.center[1] + (r() - 0.5) * 0.004,
    };
  });
  const proposeFor = await measure(POINTS, (k) =>
    service.proposeFor(points[k]!.category, points[k]!.lon, points[k]!.lat),
  );
  const units = await service.units.fresh();
  const unitsOnly = await measure(POINTS, (k) => {
    const p = points[k]!;
    const info = CATEGORIES[p.category];
    units.nearest(p.lon, p.lat, { kinds: info.unitKinds, count: PROPOSAL_UNITS, maxM: PROPOSAL_RADIUS_M });
    units.nearest(p.lon, p.lat, {
      kinds: ['department'],
      department: info.department,
      count: 3,
      maxM: PROPOSAL_RADIUS_M * 2,
    });
    return Promise.resolve();
  });
  const camerasOnly = await measure(POINTS, (k) => locator.cameras([points[k]!.lon, points[k]!.lat], PROPOSAL_CAMERAS));
  const q = baselineSql();
  const plain = async (k: number): Promise<{ units: string[]; cameras: string[] }> => {
    const p = points[k]!;
    const info = CATEGORIES[p.category];
    const u = await raw.query(q.units, [p.lon, p.lat, [...info.unitKinds], null, PROPOSAL_RADIUS_M, PROPOSAL_UNITS]);
    await raw.query(q.units, [p.lon, p.lat, ['department'], info.department, PROPOSAL_RADIUS_M * 2, 3]);
    const c = await raw.query(q.cameras, [p.lon, p.lat, PROPOSAL_CAMERAS]);
    return { units: u.rows.map((x) => String(x.id)), cameras: c.rows.map((x) => String(x.id)) };
  };
  let unitMismatches = 0;
  const checked = Math.min(POINTS, 200);
  for (let k = 0; k < checked; k++) {
    const p = points[k]!;
    const mine: DispatchProposal = await service.proposeFor(p.category, p.lon, p.lat);
    const theirs = await plain(k);
    if (mine.units.map((u) => u.unitId).join() !== theirs.units.join()) unitMismatches++;
  }
  const baseline = await measure(POINTS, plain);
  log(
    `  proposal: proposeFor p50 ${ms(proposeFor.p50)} p99 ${ms(proposeFor.p99)} (units ${ms(unitsOnly.p99)}, cameras ${ms(camerasOnly.p99)} p99)  baseline SQL p50 ${ms(baseline.p50)} p99 ${ms(baseline.p99)} (${baseline.runs} points)  × ${(baseline.p99 / proposeFor.p99).toFixed(0)}; units differ at ${unitMismatches} of ${checked} points`,
  );
  return {
    points: POINTS,
    proposeFor,
    unitsOnly,
    camerasOnly,
    baseline,
    p50Ratio: baseline.p50 / proposeFor.p50,
    p99Ratio: baseline.p99 / proposeFor.p99,
    unitMismatches,
    cameraIndexMs,
  };
}

// ------------------------------------------------------------------ one backend

const ms = (x: number): string => (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1)).padStart(7);

async function open(kind: Backend): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dir = await tempDir('cd-bench-incidents-');
    const database = await openDatabase({ dataDir: dir.path, databaseUrl: undefined });
    return { database, cleanup: dir.remove };
  }
  const pgdb = await tempPostgresDatabase(PG_URL!);
  const database = await openDatabase({ dataDir: '', databaseUrl: pgdb.url });
  return { database, cleanup: pgdb.drop };
}

async function runBackend(kind: Backend): Promise<Record<string, unknown>> {
  const log = (s: string): void => console.log(`[${kind}] ${s}`);
  const { database, cleanup } = await open(kind);
  try {
    const db = await database.migrateAndRun((d) => Promise.resolve(d));
    const raw = rawOf(db);
    const [, worldMs] = await timed(() => fillWorld(raw));
    log(
      `world: ${city.regions.length} regions, ${city.units.length} units, ${city.cameras.length} cameras in ${(worldMs / 1000).toFixed(1)} s`,
    );
    const filled = await fillIncidents(raw, log);
    log(
      `filled: ${N.toLocaleString('en')} incidents (${filled.openRows.toLocaleString('en')} open), insert ${(filled.insertMs / 1000).toFixed(1)} s, indexes ${(filled.indexMs / 1000).toFixed(1)} s, copy ${(filled.copyMs / 1000).toFixed(1)} s, analyze ${(filled.analyzeMs / 1000).toFixed(1)} s; table ${filled.incidentsMb.toFixed(0)} MB, indexes ${filled.indexesMb.toFixed(0)} MB`,
    );
    const repo = new IncidentRepository(db);
    const cases = await buildCases(raw, repo);
    const lists = await benchLists(raw, repo, cases, log);
    const proposal = await benchProposal(db, raw, log);
    return { backend: kind, location: database.location, fill: { worldMs, ...filled }, lists, proposal };
  } finally {
    await database.close();
    await cleanup();
  }
}

function table(results: Record<string, unknown>[]): void {
  console.log(
    `\n${'backend'.padEnd(9)}${'case'.padEnd(5)}${'what'.padEnd(66)}${'idx p50'.padStart(9)}${'idx p99'.padStart(9)}${'base p50'.padStart(10)}${'base p99'.padStart(10)}${'p99 ×'.padStart(8)}  goal`,
  );
  for (const r of results) {
    for (const l of r.lists as ListResult[]) {
      console.log(
        `${String(r.backend).padEnd(9)}${l.case.padEnd(5)}${l.what.padEnd(66)}${ms(l.indexed.p50).padStart(9)}${ms(l.indexed.p99).padStart(9)}${ms(l.baseline.p50).padStart(10)}${ms(l.baseline.p99).padStart(10)}${l.p99Ratio.toFixed(1).padStart(8)}  ${l.indexed.p99 < GOAL_LIST_P99_MS ? 'met' : 'MISSED'}`,
      );
    }
    const p = r.proposal as ProposalResult;
    console.log(
      `${String(r.backend).padEnd(9)}${'prop'.padEnd(5)}${'proposeFor (5 units, 3 crews, 4 cameras)'.padEnd(66)}${ms(p.proposeFor.p50).padStart(9)}${ms(p.proposeFor.p99).padStart(9)}${ms(p.baseline.p50).padStart(10)}${ms(p.baseline.p99).padStart(10)}${p.p99Ratio.toFixed(1).padStart(8)}  ${p.proposeFor.p99 < GOAL_PROPOSAL_P99_MS ? 'met' : 'MISSED'}`,
    );
  }
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  console.log(
    `incidents bench: ${N.toLocaleString('en')} incidents, ${RUNS} runs per list case, ${POINTS} proposal points; backends ${DBS.join(', ')}`,
  );
  const results: Record<string, unknown>[] = [];
  for (const kind of DBS) {
    if (kind === 'postgres' && !PG_URL) throw new Error('postgres needs BENCH_DATABASE_URL');
    const [res, wallMs] = await timed(() => runBackend(kind));
    results.push({ ...res, wallMs });
  }
  table(results);
  const out = {
    startedAt,
    node: process.version,
    incidents: N,
    runs: RUNS,
    points: POINTS,
    budgetS: BUDGET_MS / 1000,
    seed: SEED,
    /** The machine's load average (1, 5, 15 min) at the start and the end: others share its cores. */
    loadAverage: { start: loadAtStart, end: loadavg() },
    goals: { listP99Ms: GOAL_LIST_P99_MS, proposalP99Ms: GOAL_PROPOSAL_P99_MS },
    results,
  };
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/incidents-${startedAt.replace(/[:.]/g, '-')}.json`;
  await writeFile(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`\nwrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
