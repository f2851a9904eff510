/** The figures over HTTP (issue 16): thin handlers; the rules and the scope are in services/stats/. */
import type { Response } from 'express';
import { z } from 'zod';
import {
  breakdownQuery,
  gridAnalysisQuery,
  gridCardQuery,
  gridMeasureQuery,
  heatQuery,
  kpiQuery,
  RATE_MEASURES,
  COUNT_MEASURES,
  TIME_MEASURES,
  RISK_CATEGORIES,
} from '@shared/stats';
import { regionCode } from '@shared/world';
import { CATEGORIES } from '@shared/incident-categories';
import { parseInput } from '../core/http-errors';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { StatsService } from '../services/stats/stats.service';
import { toCsv } from '../services/stats/csv';

const ACCESS = { action: 'stats:read' } as const;

function sendCsv(res: Response, name: string, csv: string): void {
  res
    .set('Cache-Control', 'no-store')
    .type('text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${name}.csv"`)
    .send(csv);
}

export function statsRoutes(api: ApiRoutes, deps: { stats: StatsService }): void {
  api.add('get', '/stats/kpis', ACCESS, async (req, res) => {
    const q = parseInput(kpiQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.stats.kpis(ctxOf(req), q));
  });

  api.add('get', '/stats/breakdown', ACCESS, async (req, res) => {
    const q = parseInput(breakdownQuery, req.query, 'query');
    const reply = await deps.stats.breakdown(ctxOf(req), q);
    if (q.format !== 'csv') return void res.set('Cache-Control', 'no-store').json(reply);
    const header = [
      'key',
      'label',
      ...COUNT_MEASURES,
      ...RATE_MEASURES.map((m) => `${m}_pct`),
      ...TIME_MEASURES.map((m) => `${m}_mean_min`),
    ];
    const rows = reply.rows.map((r) => [
      r.key,
      r.label,
      ...COUNT_MEASURES.map((m) => r.counts[m] ?? 0),
      ...RATE_MEASURES.map((m) => r.rates[m] ?? null),
      ...TIME_MEASURES.map((m) => r.means[m] ?? null),
    ]);
    sendCsv(
      res,
      `stats-${reply.region.code}-${q.by}-${reply.window.firstDay}-${reply.window.lastDay}`,
      toCsv(header, rows),
    );
  });

  api.add('get', '/stats/grids', ACCESS, async (req, res) => {
    const q = parseInput(gridAnalysisQuery, req.query, 'query');
    const reply = await deps.stats.gridAnalysis(ctxOf(req), q);
    if (q.format !== 'csv') return void res.set('Cache-Control', 'no-store').json(reply);
    const header = [
      'grid',
      'name',
      'total',
      'last_month_total',
      ...RISK_CATEGORIES.map((c) => CATEGORIES[c].zh),
      'standouts',
    ];
    const rows = reply.rows.map((r) => [
      r.grid,
      r.name,
      r.total,
      r.lastMonthTotal,
      ...RISK_CATEGORIES.map((c) => r.counts[c] ?? 0),
      r.standouts.map((s) => `${s.category}:${s.reason}`).join(' '),
    ]);
    sendCsv(res, `grids-${reply.region.code}-${q.month}`, toCsv(header, rows));
  });

  api.add('get', '/stats/grids/:code', ACCESS, async (req, res) => {
    const { code } = parseInput(z.strictObject({ code: regionCode }), req.params, 'params');
    const q = parseInput(gridCardQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.stats.gridCard(ctxOf(req), code, q.month));
  });

  api.add('get', '/stats/grid-measure', ACCESS, async (req, res) => {
    const q = parseInput(gridMeasureQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.stats.gridMeasure(ctxOf(req), q));
  });

  api.add('get', '/stats/heat', ACCESS, async (req, res) => {
    const q = parseInput(heatQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.stats.heat(ctxOf(req), q));
  });
}
