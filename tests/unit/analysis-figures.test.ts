import { describe, expect, it } from 'vitest';
import type { AlarmFigures, KpiReply, Percentiles } from '@shared/stats';
import { COUNT_MEASURES, RATE_MEASURES, TIME_MEASURES } from '@shared/stats';
import { kpiTiles, splitMinutes, trend, type FigureUnit, type Polarity, type Trend } from '@client/analysis/figures';

describe('trend', () => {
  const cases: [number | null, number | null, FigureUnit, Polarity, Trend][] = [
    // Counts: per cent of the old value; a count has no good direction of its own.
    [120, 100, 'count', 'neutral', { direction: 'up', tone: 'neutral', change: 20 }],
    [80, 100, 'count', 'neutral', { direction: 'down', tone: 'neutral', change: -20 }],
    [100, 100, 'count', 'neutral', { direction: 'flat', tone: 'neutral', change: 0 }],
    [1001, 1000, 'count', 'lower', { direction: 'flat', tone: 'neutral', change: 0.1 }],
    // From 0: up, but no percentage; 0 to 0 is flat.
    [5, 0, 'count', 'neutral', { direction: 'up', tone: 'neutral', change: null }],
    [0, 0, 'count', 'lower', { direction: 'flat', tone: 'neutral', change: 0 }],
    // Escalations should go down.
    [3, 6, 'count', 'lower', { direction: 'down', tone: 'good', change: -50 }],
    [6, 3, 'count', 'lower', { direction: 'up', tone: 'bad', change: 100 }],
    // Rates: percentage points, higher is better.
    [97.5, 95, 'percent', 'higher', { direction: 'up', tone: 'good', change: 2.5 }],
    [90, 95, 'percent', 'higher', { direction: 'down', tone: 'bad', change: -5 }],
    [95.2, 95, 'percent', 'higher', { direction: 'flat', tone: 'neutral', change: expect.closeTo(0.2, 5) as number }],
    // Times: lower is better.
    [12, 15, 'minutes', 'lower', { direction: 'down', tone: 'good', change: -20 }],
    [18, 15, 'minutes', 'lower', { direction: 'up', tone: 'bad', change: 20 }],
    // Nothing to compare.
    [null, 95, 'percent', 'higher', { direction: 'none', tone: 'neutral', change: null }],
    [95, null, 'percent', 'higher', { direction: 'none', tone: 'neutral', change: null }],
  ];
  it.each(cases)('%s against %s (%s, %s)', (now, before, unit, polarity, expected) => {
    expect(trend(now, before, unit, polarity)).toEqual(expected);
  });
});

describe('splitMinutes', () => {
  it.each([
    [0, { value: 0, unit: 'min' }],
    [45, { value: 45, unit: 'min' }],
    [119, { value: 119, unit: 'min' }],
    [120, { value: 2, unit: 'h' }],
    [150, { value: 2.5, unit: 'h' }],
    [47 * 60, { value: 47, unit: 'h' }],
    [48 * 60, { value: 2, unit: 'd' }],
    [4320, { value: 3, unit: 'd' }],
  ] as const)('%d min → %o', (min, expected) => {
    expect(splitMinutes(min)).toEqual(expected);
  });
});

function alarms(raised: number, falseRate: number | null): AlarmFigures {
  return {
    raised,
    events: raised,
    falseAlarms: 0,
    expired: 0,
    incidents: 0,
    handled: 0,
    falseRate,
    byPriority: {},
    bySource: {},
  };
}

function figures(reported: number, closure: number | null, responseP50: number | null): KpiReply['now'] {
  const counts = Object.fromEntries(COUNT_MEASURES.map((m) => [m, 0])) as KpiReply['now']['counts'];
  counts.reported = reported;
  const rates = Object.fromEntries(RATE_MEASURES.map((m) => [m, null])) as KpiReply['now']['rates'];
  rates.closure = closure;
  const means = Object.fromEntries(TIME_MEASURES.map((m) => [m, null])) as KpiReply['now']['means'];
  const none: Percentiles = { p50: null, p90: null, n: 0 };
  const times = Object.fromEntries(TIME_MEASURES.map((m) => [m, none])) as KpiReply['now']['times'];
  times.response = { p50: responseP50, p90: responseP50 === null ? null : responseP50 * 2, n: 7 };
  return { counts, rates, means, times };
}

const window = { from: '', to: '', firstDay: '2026-11-07', lastDay: '2026-12-06' };
const reply: KpiReply = {
  region: { code: '360100', name: '南昌市', level: 'city' },
  window,
  previous: window,
  now: figures(120, 96, 12),
  before: figures(100, 98, 15),
  alarms: { now: alarms(40, 10), before: alarms(50, 5) },
  open: 17,
  asOf: '',
};

describe('kpiTiles', () => {
  const tiles = kpiTiles(reply);
  const byKey = new Map(tiles.map((t) => [t.key, t]));

  it('shows counts, then rates, then times, each figure once', () => {
    expect(tiles.map((t) => t.group)).toEqual([
      ...Array<string>(8).fill('count'),
      ...Array<string>(RATE_MEASURES.length).fill('rate'),
      ...Array<string>(TIME_MEASURES.length).fill('time'),
    ]);
    expect(new Set(tiles.map((t) => t.key)).size).toBe(tiles.length);
  });

  it('takes every value from the reply, unchanged', () => {
    expect(byKey.get('open')).toMatchObject({ value: 17, trend: null });
    expect(byKey.get('reported')).toMatchObject({ value: 120, before: 100, trend: { direction: 'up', change: 20 } });
    expect(byKey.get('alarms')).toMatchObject({ value: 40, before: 50 });
    expect(byKey.get('falseRate')).toMatchObject({
      value: 10,
      unit: 'percent',
      trend: { direction: 'up', tone: 'bad' },
    });
    expect(byKey.get('closure')).toMatchObject({ value: 96, trend: { direction: 'down', tone: 'bad', change: -2 } });
    expect(byKey.get('response')).toMatchObject({
      value: 12,
      p90: 24,
      n: 7,
      trend: { direction: 'down', tone: 'good' },
    });
  });

  it('a rate with nothing to divide stays null, never 0', () => {
    expect(byKey.get('satisfaction')).toMatchObject({ value: null, trend: { direction: 'none' } });
    expect(byKey.get('accept')).toMatchObject({ value: null, p90: null, n: 0 });
  });
});
