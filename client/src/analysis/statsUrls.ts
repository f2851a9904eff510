/**
 * The `GET /api/v1/stats/*` addresses the page asks, built in one place so that a chart, its table
 * and the CSV link of the same filter name the same query (the CSV link is the table's URL with
 * `format=csv`: its rows are the hub's own). Pure, unit-tested.
 */
import { API_PREFIX } from '@shared/api';
import type { StatsDimension, StatsPeriod } from '@shared/stats';

/** What the page filters by: a region (null: the caller's whole scope) and a period. */
export interface StatsFilter {
  region: string | null;
  period: StatsPeriod;
}

const BASE = `${API_PREFIX}/stats`;

function query(params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function kpisUrl(f: StatsFilter): string {
  return `${BASE}/kpis${query({ region: f.region, period: f.period })}`;
}

export function breakdownUrl(f: StatsFilter, by: StatsDimension, format?: 'csv'): string {
  return `${BASE}/breakdown${query({ by, region: f.region, period: f.period, format })}`;
}

export function gridsUrl(region: string | null, month: string, format?: 'csv'): string {
  return `${BASE}/grids${query({ region, month, format })}`;
}

export function gridCardUrl(grid: string, month: string): string {
  return `${BASE}/grids/${encodeURIComponent(grid)}${query({ month })}`;
}

/** The trend chart's split: days for a month or less, months for a year. */
export function trendDimension(period: StatsPeriod): 'day' | 'month' {
  return period === '12m' ? 'month' : 'day';
}
