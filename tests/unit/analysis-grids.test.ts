import { describe, expect, it } from 'vitest';
import type { GridAnalysisReply, GridCardReply } from '@shared/stats';
import {
  activeCategories,
  categoryChanges,
  gridTableRows,
  sparklines,
  standoutList,
} from '@client/analysis/gridAnalysis';

const reply: GridAnalysisReply = {
  region: { code: '360102001', name: '街道', level: 'street' },
  month: '2026-11',
  categories: ['theft', 'noise', 'fraud', 'fire_hazard'],
  gridCount: 2,
  rows: [
    {
      grid: '360102001001001',
      name: 'A',
      counts: { noise: 2 },
      total: 2,
      lastMonthTotal: 5,
      standouts: [],
    },
    {
      grid: '360102001001002',
      name: 'B',
      counts: { theft: 9, noise: 1 },
      total: 10,
      lastMonthTotal: 4,
      standouts: [
        { category: 'theft', count: 9, reason: 'own-history', baseline: 3 },
        { category: 'noise', count: 1, reason: 'peers', baseline: 0 },
      ],
    },
    {
      grid: '360102001001003',
      name: 'C',
      counts: { noise: 2 },
      total: 2,
      lastMonthTotal: 0,
      standouts: [{ category: 'noise', count: 2, reason: 'peers', baseline: 0.5 }],
    },
  ],
  top: {},
  change: {
    theft: { now: 9, before: 2 },
    noise: { now: 5, before: 7 },
    fraud: { now: 0, before: 0 },
    fire_hazard: { now: 0, before: 1 },
  },
};

describe('gridTableRows', () => {
  it('puts the busiest grid first, ties by code, with the change and the standouts by category', () => {
    const rows = gridTableRows(reply);
    expect(rows.map((r) => [r.grid.slice(-3), r.total, r.change])).toEqual([
      ['002', 10, 6],
      ['001', 2, -3],
      ['003', 2, 2],
    ]);
    expect(rows[0]!.standouts.get('theft')).toMatchObject({ reason: 'own-history', baseline: 3 });
    expect(rows[1]!.standouts.size).toBe(0);
  });
});

describe('standoutList', () => {
  it('lists the most out of line first; a 0 baseline ranks above any ratio', () => {
    expect(standoutList(reply).map((s) => [s.name, s.category, s.ratio])).toEqual([
      ['B', 'noise', Number.POSITIVE_INFINITY],
      ['C', 'noise', 4],
      ['B', 'theft', 3],
    ]);
  });
});

describe('categoryChanges and activeCategories', () => {
  it('keep the reply’s order and leave out categories with nothing either month', () => {
    expect(categoryChanges(reply)).toEqual([
      { category: 'theft', now: 9, before: 2, delta: 7 },
      { category: 'noise', now: 5, before: 7, delta: -2 },
      { category: 'fire_hazard', now: 0, before: 1, delta: -1 },
    ]);
    expect(activeCategories(reply)).toEqual(['theft', 'noise', 'fire_hazard']);
  });
});

describe('sparklines', () => {
  const card: GridCardReply = {
    grid: '360102001001002',
    name: 'B',
    months: ['2026-09', '2026-10', '2026-11'],
    series: { theft: [0, 2, 4], noise: [1, 1, 1], fraud: [0, 0, 0] },
    open: 1,
    rates: { onTime: null, closure: null, resolution: null, satisfaction: null, verification: null },
  };

  it('draws each category that occurred, busiest first, scaled to its own maximum', () => {
    const lines = sparklines(card, 100, 22);
    expect(lines.map((l) => [l.category, l.total, l.last])).toEqual([
      ['theft', 6, 4],
      ['noise', 3, 1],
    ]);
    // x from 0 to the width; y from the bottom (less 1) for 0 to the top (1) for the maximum.
    expect(lines[0]!.points).toBe('0,21 50,11 100,1');
    expect(lines[0]!.end).toEqual({ x: 100, y: 1 });
    expect(lines[1]!.points).toBe('0,1 50,1 100,1');
  });
});
