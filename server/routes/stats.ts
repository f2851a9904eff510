/** The figures over HTTP (issue 16): thin handlers; the rules and the scope are in services/stats/. */
import type { Response } from 'express';
import { z, type ZodType } from 'zod';
import {
  breakdownQuery,
  gridAnalysisQuery,
  gridCardQuery,
  gridMeasureQuery,
  heatQuery,
  kpiQuery,
  kpiReply,
  breakdownReply,
  gridAnalysisReply,
  gridCardReply,
  gridMeasureReply,
  heatReply,
  STATS_DIMENSIONS,
  STATS_PERIODS,
  RATE_MEASURES,
  COUNT_MEASURES,
  TIME_MEASURES,
  RISK_CATEGORIES,
} from '@shared/stats';
import { regionCode } from '@shared/world';
import { CATEGORIES } from '@shared/incident-categories';
import { parseInput } from '../core/http-errors';
import type { AuthContext } from '../auth/context';
import { ctxOf, type ApiRoutes, type RouteDoc } from '../http/auth';
import type { StatsService } from '../services/stats/stats.service';
import { toCsv } from '../services/stats/csv';

const ACCESS = { action: 'stats:read' } as const;
/** What every figure may be refused for besides a malformed query (services/stats/stats.service.ts). */
const STATS_ERRORS = {
  403: 'a region outside the caller’s scope',
  404: 'no region with that code',
};

/** The other form of a figure that has rows (`?format=csv`). */
const CSV_ROWS = { mediaType: 'text/csv', description: '?format=csv: the same rows as a CSV download' };

/** A figure's rows as a CSV download: the file's name (without `.csv`), the header and the rows. */
interface CsvTable {
  name: string;
  header: readonly string[];
  rows: readonly (readonly (string | number | null)[])[];
}

/** `?format=csv` (a query without the parameter never asks). */
function asksCsv(q: unknown): boolean {
  return typeof q === 'object' && q !== null && 'format' in q && q.format === 'csv';
}

function sendCsv(res: Response, { name, header, rows }: CsvTable): void {
  res
    .set('Cache-Control', 'no-store')
    .type('text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${name}.csv"`)
    .send(toCsv(header, rows));
}

export function statsRoutes(api: ApiRoutes, deps: { stats: StatsService }): void {
  /**
   * A figure read by its query, never cached (it moves with every incident). With `csv`, the
   * query's `?format=csv` answers the same rows as a download instead.
   */
  const figure = <Q extends ZodType, R>(
    path: string,
    doc: RouteDoc & { query: Q },
    read: (ctx: AuthContext, q: z.infer<Q>) => Promise<R>,
    csv?: (reply: R, q: z.infer<Q>) => CsvTable,
  ) =>
    api.add('get', path, ACCESS, doc, async (req, res) => {
      const q = parseInput(doc.query, req.query, 'query');
      const reply = await read(ctxOf(req), q);
      if (csv && asksCsv(q)) sendCsv(res, csv(reply, q));
      else res.set('Cache-Control', 'no-store').json(reply);
    });

  figure(
    '/stats/kpis',
    {
      summary: 'The headline figures of a region over a window, and of the window before it.',
      description: `?region= (default the caller’s scope); ?period=${STATS_PERIODS.join('|')}, or ?from=&to= local dates (at most 366 days). Counts, p50/p90 times, rates, alarms, open incidents; definitions: README “Figures”.`,
      query: kpiQuery,
      reply: { status: 200, schema: kpiReply, description: 'the window’s figures and the previous window’s' },
      errors: STATS_ERRORS,
    },
    (ctx, q) => deps.stats.kpis(ctx, q),
  );

  figure(
    '/stats/breakdown',
    {
      summary: `The figures split ?by=${STATS_DIMENSIONS.join('|')} (region: the region’s children), same window and region parameters.`,
      query: breakdownQuery,
      reply: {
        status: 200,
        schema: breakdownReply,
        description: 'one row per key, and the total',
        alternatives: [CSV_ROWS],
      },
      errors: { ...STATS_ERRORS, 400: 'query.by: region on a grid (it has no smaller regions)' },
    },
    (ctx, q) => deps.stats.breakdown(ctx, q),
    (reply, q) => ({
      name: `stats-${reply.region.code}-${q.by}-${reply.window.firstDay}-${reply.window.lastDay}`,
      header: [
        'key',
        'label',
        ...COUNT_MEASURES,
        ...RATE_MEASURES.map((m) => `${m}_pct`),
        ...TIME_MEASURES.map((m) => `${m}_mean_min`),
      ],
      rows: reply.rows.map((r) => [
        r.key,
        r.label,
        ...COUNT_MEASURES.map((m) => r.counts[m] ?? 0),
        ...RATE_MEASURES.map((m) => r.rates[m] ?? null),
        ...TIME_MEASURES.map((m) => r.means[m] ?? null),
      ]),
    }),
  );

  figure(
    '/stats/grids',
    {
      summary:
        'The month’s per-grid analysis: counts per grid × category, the grids that stand out and why, top grids per category, the change against last month.',
      query: gridAnalysisQuery,
      reply: {
        status: 200,
        schema: gridAnalysisReply,
        description: 'the grids with incidents this or last month',
        alternatives: [CSV_ROWS],
      },
      errors: { ...STATS_ERRORS, 400: 'query.month: a month not begun yet' },
    },
    (ctx, q) => deps.stats.gridAnalysis(ctx, q),
    (reply, q) => ({
      name: `grids-${reply.region.code}-${q.month}`,
      header: [
        'grid',
        'name',
        'total',
        'last_month_total',
        ...RISK_CATEGORIES.map((c) => CATEGORIES[c].zh),
        'standouts',
      ],
      rows: reply.rows.map((r) => [
        r.grid,
        r.name,
        r.total,
        r.lastMonthTotal,
        ...RISK_CATEGORIES.map((c) => r.counts[c] ?? 0),
        r.standouts.map((s) => `${s.category}:${s.reason}`).join(' '),
      ]),
    }),
  );

  api.add(
    'get',
    '/stats/grids/:code',
    ACCESS,
    {
      summary: 'One grid’s card: 12 months to ?month= per category, its open incidents, the month’s rates.',
      query: gridCardQuery,
      reply: { status: 200, schema: gridCardReply, description: 'the sparklines’ series' },
      errors: { ...STATS_ERRORS, 400: 'params.code: not a grid; query.month: a month not begun yet' },
    },
    async (req, res) => {
      const { code } = parseInput(z.strictObject({ code: regionCode }), req.params, 'params');
      const q = parseInput(gridCardQuery, req.query, 'query');
      res.set('Cache-Control', 'no-store').json(await deps.stats.gridCard(ctxOf(req), code, q.month));
    },
  );

  figure(
    '/stats/grid-measure',
    {
      summary: 'The grid layer’s fill: ?measure=open (now) | reported | category (&category=) | closure, for ?month=.',
      query: gridMeasureQuery,
      reply: { status: 200, schema: gridMeasureReply, description: 'grid code → value, and the largest' },
      errors: STATS_ERRORS,
    },
    (ctx, q) => deps.stats.gridMeasure(ctx, q),
  );

  figure(
    '/stats/heat',
    {
      summary: 'Incident points of a window for the heat layer, as columns, times in minutes from the window’s start.',
      query: heatQuery,
      reply: { status: 200, schema: heatReply, description: 'lon, lat, t and priority columns' },
      errors: STATS_ERRORS,
    },
    (ctx, q) => deps.stats.heat(ctx, q),
  );
}
