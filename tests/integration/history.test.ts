/**
 * The demo city's year of history (issue 16), on both backends: a fresh small hub with
 * DEMO_HISTORY_MONTHS seeds incidents over the months before its start, every one ended, with
 * their timelines and the alarms and events behind them, named by the demo accounts' ids; the
 * rollups the bulk load rebuilt are non-empty and what a second `stats_rebuild()` computes; every
 * index and foreign key the schema declares is there after the loads that suspended them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Hub } from '@server/app';
import { ManualClock } from '@server/core/clock';
import { queryRows, type Db } from '@server/db/connect';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { schema } from '@server/db/schema';
import { backends, startHub, testConfig } from './helpers';

const START = Date.parse('2026-12-06T02:00:00Z');
const DAY = 86_400_000;

/** Sums of every rollup's counters (a stand-in for the tables being equal). */
async function rollupSums(db: Db): Promise<Record<string, number>> {
  const rows = await queryRows<Record<string, string | number>>(
    db,
    sql`select (select count(*) from incident_rollup) as i_rows, (select coalesce(sum(reported), 0) from incident_rollup) as reported,
          (select coalesce(sum(closed), 0) from incident_rollup) as closed, (select coalesce(sum(late), 0) from incident_rollup) as late,
          (select coalesce(sum(rated), 0) from incident_rollup) as rated, (select coalesce(sum(resolve_sum), 0) from incident_rollup) as resolve_sum,
          (select count(*) from incident_rollup_hist) as h_rows, (select coalesce(sum(n), 0) from incident_rollup_hist) as h_n,
          (select count(*) from alarm_rollup) as a_rows, (select coalesce(sum(raised), 0) from alarm_rollup) as raised,
          (select coalesce(sum(events), 0) from alarm_rollup) as events,
          (select count(*) from grid_month) as g_rows, (select coalesce(sum(total), 0) from grid_month) as g_total,
          (select coalesce(sum(c), 0) from grid_month, unnest(counts) c) as g_counts,
          (select coalesce(sum(history_total), 0) from grid_month) as g_history_total,
          (select coalesce(sum(c), 0) from grid_month, unnest(history) c) as g_history`,
  );
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}

describe.each(backends)('a year of history on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let db: Db;

  beforeAll(async () => {
    const p = await backend.provision();
    cleanup = p.cleanup;
    ({ hub } = await startHub(testConfig({ ...p.config, demoHistoryMonths: 12 }), { clock: new ManualClock(START) }));
    db = hub.services().database.db;
  }, 180_000);
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('has incidents over twelve months before the start, every one ended, with their timelines', async () => {
    const [r] = await queryRows<Record<string, string | number>>(
      db,
      sql`select count(*) as n, min(created_at) as first, max(closed_at) as last,
            count(*) filter (where status not in ('closed', 'cancelled', 'merged')) as open,
            count(distinct date_trunc('month', created_at at time zone 'Asia/Shanghai')) as months,
            count(*) filter (where kind = 'dispute') as disputes,
            count(*) filter (where escalations > 0) as escalated,
            count(*) filter (where jsonb_array_length(breaches) > 0) as late,
            count(*) filter (where tracking_code is not null and rating is null) as unrated
          from incidents`,
    );
    const n = Number(r!.n);
    expect(n).toBeGreaterThan(200);
    expect(n).toBeLessThan(2_000);
    expect(Number(r!.open)).toBe(0);
    expect(new Date(r!.first!).getTime()).toBeGreaterThanOrEqual(START - 366 * DAY);
    expect(new Date(r!.first!).getTime()).toBeLessThan(START - 360 * DAY);
    expect(new Date(r!.last!).getTime()).toBeLessThan(START);
    expect(Number(r!.months)).toBeGreaterThanOrEqual(12);
    for (const k of ['disputes', 'escalated', 'late', 'unrated']) expect(Number(r![k]), k).toBeGreaterThan(0);
    const [t] = await queryRows<{ without: string | number; units: string | number }>(
      db,
      sql`select (select count(*) from incidents i where not exists (select 1 from incident_timeline t where t.incident_id = i.id)) as without,
            (select count(*) from units where status <> 'available' and status <> 'offline') as units`,
    );
    expect(Number(t!.without)).toBe(0);
    expect(Number(t!.units)).toBe(0);
  });

  it('names the demo accounts, links alarms to incidents, and keeps the hub numbering after it', async () => {
    const [r] = await queryRows<Record<string, string | number>>(
      db,
      sql`select (select count(*) from incident_timeline t join users u on u.id = t.actor_id where t.actor = 'centre') as by_users,
            (select count(*) from incident_timeline t where t.actor = 'centre' and t.actor_id not in (select id from users)) as by_strangers,
            (select count(*) from alarms where status = 'incident' and incident_id is null) as unlinked,
            (select count(*) from alarms where status = 'new') as still_new,
            (select count(*) from alarms a where incident_id is not null and not exists (select 1 from incidents i where i.id = a.incident_id)) as dangling,
            (select count(*) from alarms a where not exists (select 1 from events e where e.source = a.event_source and e.id = a.event_id)) as eventless,
            (select last_value from incident_no) as numbered, (select count(*) from incidents) as n`,
    );
    expect(Number(r!.by_users)).toBeGreaterThan(0);
    expect(Number(r!.by_strangers)).toBe(0);
    for (const k of ['unlinked', 'still_new', 'dangling', 'eventless']) expect(Number(r![k]), k).toBe(0);
    expect(Number(r!.numbered)).toBe(Number(r!.n));
  });

  it('has rollups that a second rebuild leaves as they are', async () => {
    const before = await rollupSums(db);
    expect(before.reported).toBeGreaterThan(0);
    expect(before.raised).toBeGreaterThan(0);
    expect(before.h_rows).toBeGreaterThan(0);
    expect(before.g_rows).toBeGreaterThan(0);
    expect(before.g_counts).toBe(before.g_total);
    await db.execute(sql`select stats_rebuild()`);
    expect(await rollupSums(db)).toEqual(before);
  });

  it('keeps every index and foreign key the schema declares after the bulk loads', async () => {
    const tables = Object.values(schema as Record<string, unknown>).filter((t): t is PgTable => is(t, PgTable));
    const declared = tables.flatMap((t) => {
      const c = getTableConfig(t);
      return [...c.indexes.map((i) => i.config.name!), ...c.foreignKeys.map((k) => k.getName())];
    });
    expect(declared).toContain('incidents_grid_created_idx');
    expect(declared).toContain('incident_timeline_incident_id_incidents_id_fk');
    expect(declared).toContain('cameras_grid_idx');
    const present = new Set(
      (
        await queryRows<{ name: string }>(
          db,
          sql`select indexname as name from pg_indexes where schemaname = current_schema()
              union select conname from pg_constraint where contype = 'f'`,
        )
      ).map((r) => r.name),
    );
    expect(declared.filter((n) => !present.has(n))).toEqual([]);
  });
});
