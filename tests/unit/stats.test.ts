/**
 * The figures' pure parts (issue 16): windows of local days and how the rollups cover them,
 * percentiles from the histograms (the same buckets as the database), rates, the standout rule
 * table-tested, and the CSV.
 */
import { describe, expect, it } from 'vitest';
import { addMonths, localDay, resolved, segmentsOf, windowsOf } from '@server/services/stats/windows';
import { bucketFloor, bucketOf, percentilesOf } from '@server/services/stats/percentile';
import { alarmFiguresOf, figuresOf, zeroCounters } from '@server/services/stats/figures';
import { standoutOf, type StandoutInput } from '@server/services/stats/standout';
import { toCsv } from '@server/services/stats/csv';
import { analyseGrids, gridListOf, TOP_GRIDS } from '@server/services/stats/grid-analysis';
import { parseGridMonths } from '@server/repositories/stats.repository';
import { kpiQuery, gridMeasureQuery } from '@shared/stats';

const NOW = new Date('2026-06-15T04:00:00Z'); // 12:00 local

describe('stats windows', () => {
  it('counts local days (UTC+8)', () => {
    expect(localDay(new Date('2026-06-14T15:59:59Z'))).toBe('2026-06-14');
    expect(localDay(new Date('2026-06-14T16:00:00Z'))).toBe('2026-06-15');
  });

  it('resolves each period and the one before it', () => {
    expect(windowsOf({ period: 'today' }, NOW)).toEqual({
      window: { firstDay: '2026-06-15', lastDay: '2026-06-15' },
      previous: { firstDay: '2026-06-14', lastDay: '2026-06-14' },
    });
    expect(windowsOf({ period: '7d' }, NOW).window).toEqual({ firstDay: '2026-06-09', lastDay: '2026-06-15' });
    expect(windowsOf({ period: '7d' }, NOW).previous).toEqual({ firstDay: '2026-06-02', lastDay: '2026-06-08' });
    expect(windowsOf({ period: '12m' }, NOW)).toEqual({
      window: { firstDay: '2025-07-01', lastDay: '2026-06-15' },
      previous: { firstDay: '2024-07-01', lastDay: '2025-06-30' },
    });
    expect(windowsOf({ from: '2026-02-27', to: '2026-03-02' }, NOW).previous).toEqual({
      firstDay: '2026-02-23',
      lastDay: '2026-02-26',
    });
    // The window's end is never after now.
    expect(resolved({ firstDay: '2026-06-15', lastDay: '2026-06-15' }, NOW)).toEqual({
      from: '2026-06-14T16:00:00.000Z',
      to: NOW.toISOString(),
      firstDay: '2026-06-15',
      lastDay: '2026-06-15',
    });
  });

  it('reads whole months from month rows and the days around them from day rows', () => {
    expect(segmentsOf({ firstDay: '2025-07-01', lastDay: '2026-06-15' })).toEqual({
      months: [
        '2025-07-01',
        '2025-08-01',
        '2025-09-01',
        '2025-10-01',
        '2025-11-01',
        '2025-12-01',
        '2026-01-01',
        '2026-02-01',
        '2026-03-01',
        '2026-04-01',
        '2026-05-01',
      ],
      days: [['2026-06-01', '2026-06-15']],
    });
    expect(segmentsOf({ firstDay: '2026-01-20', lastDay: '2026-03-31' })).toEqual({
      months: ['2026-02-01', '2026-03-01'],
      days: [['2026-01-20', '2026-01-31']],
    });
    expect(segmentsOf({ firstDay: '2026-02-03', lastDay: '2026-02-09' })).toEqual({
      months: [],
      days: [['2026-02-03', '2026-02-09']],
    });
    expect(segmentsOf({ firstDay: '2024-02-01', lastDay: '2024-02-29' }).months).toEqual(['2024-02-01']);
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-12', 13)).toBe('2027-01');
  });

  it('refuses windows by the field at fault', () => {
    const issue = (q: Record<string, string>) => kpiQuery.safeParse(q).error?.issues[0];
    expect(issue({ from: '2025-01-01', to: '2026-01-02' })?.path).toEqual(['to']);
    expect(issue({ from: '2025-01-01', to: '2026-01-01' })).toBeUndefined(); // 366 days
    expect(issue({ from: '2025-02-29', to: '2025-03-01' })?.path).toEqual(['from']);
    expect(issue({ period: 'today', from: '2025-01-01', to: '2025-01-02' })?.path).toEqual(['from']);
    expect(issue({ to: '2025-01-01' })?.path).toEqual(['from']);
    expect(issue({ from: '2025-01-02', to: '2025-01-01' })?.path).toEqual(['to']);
    expect(gridMeasureQuery.safeParse({ measure: 'closure' }).error?.issues[0]?.path).toEqual(['month']);
  });
});

describe('percentiles from the histograms', () => {
  it('buckets as the database does, and reports the bucket floor', () => {
    const cases: [number, number][] = [
      [0, 0],
      [0.5, 0],
      [59.9, 59],
      [60, 60],
      [64.9, 60],
      [65, 65],
      [239, 235],
      [240, 240],
      [269, 240],
      [2879, 2850],
      [2880, 2880],
      [4320, 4320],
      [1e9, 2880 + 89 * 1440],
    ];
    for (const [m, floor] of cases) expect(bucketFloor(bucketOf(m)), String(m)).toBe(floor);
  });

  it('takes the nearest rank', () => {
    const h = (xs: number[]) => {
      const m = new Map<number, number>();
      for (const x of xs) m.set(bucketOf(x), (m.get(bucketOf(x)) ?? 0) + 1);
      return m;
    };
    expect(percentilesOf(new Map())).toEqual({ p50: null, p90: null, n: 0 });
    expect(percentilesOf(h([7]))).toEqual({ p50: 7, p90: 7, n: 1 });
    expect(percentilesOf(h([1, 1, 2, 5, 10]))).toEqual({ p50: 2, p90: 10, n: 5 });
    expect(percentilesOf(h([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toEqual({ p50: 5, p90: 9, n: 10 });
    expect(percentilesOf(h([30, 300, 3000]))).toEqual({ p50: 300, p90: 2880, n: 3 });
  });
});

describe('figures from counters', () => {
  it('divides only by something, and counts the open overdue as due', () => {
    const c = { ...zeroCounters(), reported: 10, cancelled: 2, closed: 4, onTime: 3, late: 1, rated: 0 };
    const f = figuresOf(c, 2);
    expect(f.rates.closure).toBe(50);
    expect(f.rates.onTime).toBe(50);
    expect(f.rates.satisfaction).toBeNull();
    expect(f.rates.resolution).toBeNull();
    expect(figuresOf({ ...zeroCounters(), acceptN: 3, acceptSum: 10 }, 0).means.accept).toBe(3.3);
    expect(figuresOf(zeroCounters(), 0).means.accept).toBeNull();
  });

  it('sums alarms by priority and source, and the false rate over the handled', () => {
    const row = (priority: number, source: string, raised: number, f = 0, inc = 0, ack = 0) => ({
      priority,
      source,
      raised,
      events: raised * 2,
      falseAlarms: f,
      expired: 0,
      incidents: inc,
      acknowledged: ack,
    });
    const a = alarmFiguresOf([row(1, 'fence', 3, 1, 2), row(2, 'camera_ai', 5, 1, 0, 2), row(1, 'camera_ai', 1)]);
    expect(a).toMatchObject({ raised: 9, events: 18, falseAlarms: 2, handled: 6, falseRate: 33.3 });
    expect(a.byPriority).toEqual({ '1': 4, '2': 5 });
    expect(a.bySource).toEqual({ fence: 3, camera_ai: 6 });
    expect(alarmFiguresOf([]).falseRate).toBeNull();
  });
});

describe('the standout rule', () => {
  const base: StandoutInput = { count: 0, ownMean: 0, peerMean: null, hasHistory: true };
  const cases: [string, Partial<StandoutInput>, ReturnType<typeof standoutOf>][] = [
    ['below the minimum count', { count: 2 }, null],
    ['three where there were none', { count: 3 }, { reason: 'own-history', baseline: 0 }],
    ['twice its own mean and 2 more', { count: 6, ownMean: 3 }, { reason: 'own-history', baseline: 3 }],
    ['under twice its own mean', { count: 5, ownMean: 3 }, null],
    ['twice but only 1.5 more', { count: 3, ownMean: 1.5 }, null],
    ['usual for itself, thrice its peers', { count: 6, ownMean: 6, peerMean: 2 }, { reason: 'peers', baseline: 2 }],
    ['usual for itself and its peers', { count: 6, ownMean: 6, peerMean: 4 }, null],
    [
      'a new grid, against its peers only',
      { count: 4, hasHistory: false, peerMean: 0.5 },
      { reason: 'peers', baseline: 0.5 },
    ],
    ['a new grid with no peers', { count: 9, hasHistory: false, peerMean: null }, null],
    ['its peers a third of it but only 1 fewer', { count: 3, ownMean: 3, peerMean: 1.2 }, null],
  ];
  it.each(cases)('%s', (_name, over, want) => {
    expect(standoutOf({ ...base, ...over })).toEqual(want);
  });
});

describe("the per-grid analysis from the grids' month rows", () => {
  const categories = ['theft', 'noise', 'fraud'];
  // Street 360102001 has grids …001-…004; street 360102002 one grid.
  const g = (street: number, n: number) => `36010200${street}${String(n).padStart(6, '0')}`;
  const grids = gridListOf([
    ...[1, 2, 3, 4].map((n) => ({ code: g(1, n), name: `网格${n}` })),
    { code: g(2, 1), name: '别街网格' },
  ]);
  const row = (grid: string, counts: number[], last = 0) => ({ grid, counts, last });
  const months = (rows: ReturnType<typeof row>[]) => ({
    width: categories.length,
    grids: rows.map((r) => r.grid),
    total: Int32Array.from(rows, (r) => r.counts.reduce((a, b) => a + b, 0)),
    last: Int32Array.from(rows, (r) => r.last),
    counts: Int32Array.from(rows.flatMap((r) => r.counts)),
  });

  it("parses the database's one-text encoding", () => {
    expect(parseGridMonths(null, 3).grids).toEqual([]);
    const m = parseGridMonths(`${g(1, 1)} 4 2 1,13,0;${g(1, 2)} 0 5 ;${g(1, 3)} -1 0 0,0,-1`, 3);
    expect(m.grids).toEqual([g(1, 1), g(1, 2), g(1, 3)]);
    expect([...m.total]).toEqual([4, 0, -1]);
    expect([...m.last]).toEqual([2, 5, 0]);
    expect([...m.counts]).toEqual([1, 13, 0, 0, 0, 0, 0, 0, -1]);
  });

  it("judges the candidates against their own history and their street's other grids", () => {
    const rows = [
      row(g(1, 1), [6, 0, 0]), // theft: 6 against its own mean 1 → own history
      row(g(1, 2), [3, 3, 0]), // theft: usual for itself and its peers; noise: 3 against peers' 0
      row(g(1, 3), [0, 0, 1], 2),
      row(g(2, 1), [0, 0, 0], 4), // only last month: listed, never a peer of street 1
    ];
    const candidates = [
      { grid: g(1, 1), index: 1, n: 6, history: 6, historyTotal: 6 },
      { grid: g(1, 2), index: 1, n: 3, history: 18, historyTotal: 30 },
      { grid: g(1, 2), index: 2, n: 3, history: 18, historyTotal: 30 },
    ];
    const a = analyseGrids({ categories, months: months(rows), candidates, grids, limit: 10 });
    expect(a.gridCount).toBe(4);
    expect(a.rows.map((r) => r.grid)).toEqual([g(1, 1), g(1, 2), g(1, 3), g(2, 1)]);
    expect(a.rows[0]).toEqual({
      grid: g(1, 1),
      name: '网格1',
      counts: { theft: 6 },
      total: 6,
      lastMonthTotal: 0,
      standouts: [{ category: 'theft', count: 6, reason: 'own-history', baseline: 1 }],
    });
    // noise: usual for itself (18 / 6 = 3), but its peers had (3 − 3) / 3 = 0; theft: its own mean
    // is 3 and its peers' (9 − 3) / 3 = 2, so not.
    expect(a.rows[1]!.standouts).toEqual([{ category: 'noise', count: 3, reason: 'peers', baseline: 0 }]);
    expect(a.rows[3]).toMatchObject({ grid: g(2, 1), total: 0, lastMonthTotal: 4, counts: {}, standouts: [] });
    expect(analyseGrids({ categories, months: months(rows), candidates, grids, limit: 2 }).rows).toHaveLength(2);
  });

  it('lists the top grids per category, the most first, ties by code, none with 0', () => {
    const rows = Array.from({ length: 7 }, (_, i) => row(g(1, i + 1), [i % 3, 1, 0]));
    const top = analyseGrids({ categories, months: months(rows), candidates: [], grids, limit: 10 }).top;
    expect(top.theft!.map((t) => [t.grid, t.count])).toEqual([
      [g(1, 3), 2],
      [g(1, 6), 2],
      [g(1, 2), 1],
      [g(1, 5), 1],
    ]);
    expect(top.noise!.map((t) => t.grid)).toEqual(rows.slice(0, TOP_GRIDS).map((r) => r.grid));
    expect(top.noise![0]!.name).toBe('网格1');
    expect(top.fraud).toBeUndefined();
  });
});

describe('CSV', () => {
  it('quotes what needs it, defuses formulas and marks UTF-8', () => {
    const csv = toCsv(
      ['key', 'label', 'n'],
      [
        ['a', '西湖区, 北', 1],
        ['b', 'say "hi"', null],
        ['c', '=HYPERLINK("x")', 2.5],
        ['d', 'two\nlines', 0],
      ],
    );
    expect(csv).toBe(
      '\uFEFFkey,label,n\r\na,"西湖区, 北",1\r\nb,"say ""hi""",\r\nc,"\'=HYPERLINK(""x"")",2.5\r\nd,"two\nlines",0\r\n',
    );
  });
});
