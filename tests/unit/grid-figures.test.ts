/** The grid fill's hub figures: the month list and the query per measure (stores/gridFigures.ts). */
import { describe, expect, it } from 'vitest';
import { currentMonth, gridFigureQuery, recentMonths } from '../../client/src/stores/gridFigures';
import { gridMeasureQuery } from '@shared/stats';

describe('grid figures', () => {
  it('takes the month in the city (UTC+8)', () => {
    expect(currentMonth(Date.parse('2026-03-31T15:59:00Z'))).toBe('2026-03');
    expect(currentMonth(Date.parse('2026-03-31T16:00:00Z'))).toBe('2026-04');
  });

  it('lists the last twelve months, newest first, across a year', () => {
    const m = recentMonths('2026-02');
    expect(m).toHaveLength(12);
    expect(m.slice(0, 3)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(m[11]).toBe('2025-03');
  });

  it.each([
    ['open', 'measure=open'],
    ['reported', 'measure=reported&month=2026-02'],
    ['closure', 'measure=closure&month=2026-02'],
    ['category', 'measure=category&month=2026-02&category=noise'],
  ] as const)('asks %s as the contract wants', (measure, query) => {
    const q = gridFigureQuery(measure, '2026-02', 'noise');
    expect(q.toString()).toBe(query);
    expect(gridMeasureQuery.safeParse(Object.fromEntries(q)).success).toBe(true);
  });
});
