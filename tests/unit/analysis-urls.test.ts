import { describe, expect, it } from 'vitest';
import { breakdownUrl, gridCardUrl, gridsUrl, kpisUrl, trendDimension } from '@client/analysis/statsUrls';
import { addMonths, cityMonth } from '@client/analysis/months';
import { chartValues, seriesOption, type ChartData } from '@client/analysis/chartOptions';

describe('stats URLs', () => {
  it('name the region only when one is chosen, and the CSV is the same query with format=csv', () => {
    expect(kpisUrl({ region: null, period: '7d' })).toBe('/api/v1/stats/kpis?period=7d');
    expect(kpisUrl({ region: '360102', period: 'today' })).toBe('/api/v1/stats/kpis?region=360102&period=today');
    const table = breakdownUrl({ region: '360102', period: '30d' }, 'category');
    expect(table).toBe('/api/v1/stats/breakdown?by=category&region=360102&period=30d');
    expect(breakdownUrl({ region: '360102', period: '30d' }, 'category', 'csv')).toBe(`${table}&format=csv`);
    expect(gridsUrl(null, '2026-11')).toBe('/api/v1/stats/grids?month=2026-11');
    expect(gridsUrl('360102001', '2026-11', 'csv')).toBe(
      '/api/v1/stats/grids?region=360102001&month=2026-11&format=csv',
    );
    expect(gridCardUrl('360102001001002', '2026-11')).toBe('/api/v1/stats/grids/360102001001002?month=2026-11');
  });

  it('split a year by month and anything shorter by day', () => {
    expect(trendDimension('12m')).toBe('month');
    expect(trendDimension('30d')).toBe('day');
    expect(trendDimension('today')).toBe('day');
  });
});

describe('months of the city (UTC+8)', () => {
  it('turns at local midnight, not at UTC midnight', () => {
    expect(cityMonth(Date.parse('2026-11-30T15:59:59Z'))).toBe('2026-11');
    expect(cityMonth(Date.parse('2026-11-30T16:00:00Z'))).toBe('2026-12');
  });
  it.each([
    ['2026-01', -1, '2025-12'],
    ['2026-12', 1, '2027-01'],
    ['2026-03', -14, '2025-01'],
    ['2026-05', 0, '2026-05'],
  ] as const)('%s %+d → %s', (m, d, expected) => {
    expect(addMonths(m, d)).toBe(expected);
  });
});

describe('chart data', () => {
  const d: ChartData = {
    keys: ['2026-12-01', '2026-12-02'],
    labels: ['12-01', '12-02'],
    series: [
      { key: 'reported', name: '受理', kind: 'bar', values: [3, 4], color: '#000' },
      { key: 'closed', name: '结案', kind: 'line', values: [1, 2], color: '#fff' },
    ],
  };
  it('data-values holds the keys and the numbers as given', () => {
    expect(chartValues(d)).toEqual({
      keys: ['2026-12-01', '2026-12-02'],
      series: { reported: [3, 4], closed: [1, 2] },
    });
  });
  it('the option draws the same numbers', () => {
    const option = seriesOption(d) as { series: { data: number[]; type: string }[]; xAxis: { data: string[] } };
    expect(option.series.map((s) => [s.type, s.data])).toEqual([
      ['bar', [3, 4]],
      ['line', [1, 2]],
    ]);
    expect(option.xAxis.data).toEqual(['12-01', '12-02']);
  });
});
