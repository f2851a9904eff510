/**
 * The desk's incident list as pure functions (client/src/stores/incidentList.ts): filters, the three
 * sorts (total orders), the SLA countdown ticked locally from `dueAt`, the duration format and the
 * history's query.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { IncidentView, SlaClockView } from '@shared/incidents';
import {
  clockStateAt,
  compareIncidents,
  countdown,
  DEFAULT_FILTERS,
  formatDuration,
  historyQuery,
  isFiltered,
  listIncidents,
  matches,
  nextDeadline,
  type IncidentFilters,
  type IncidentSort,
} from '@client/stores/incidentList';
import { incident, iso, T0 } from './support/incident-view';

const clock = (stage: SlaClockView['stage'], state: SlaClockView['state'], dueSec: number | null): SlaClockView => ({
  stage,
  state,
  startedAt: iso(0),
  dueAt: dueSec === null ? null : iso(dueSec),
  endedAt: state === 'met' || state === 'late' ? iso(10) : null,
});
const ids = (list: readonly IncidentView[]) => list.map((i) => i.id);
const f = (over: Partial<IncidentFilters>): IncidentFilters => ({ ...DEFAULT_FILTERS, ...over });

describe('filters', () => {
  const i = incident('x', {
    status: 'dispatched',
    category: 'noise',
    priority: 3,
    flagged: true,
    source: 'citizen',
    kind: 'general',
  });
  it.each([
    ['the default: every open incident', f({}), true],
    ['its status group', f({ group: 'active' }), true],
    ['another status group', f({ group: 'waiting' }), false],
    ['the history holds nothing the screen holds', f({ group: 'closed' }), false],
    ['its category', f({ category: 'noise' }), true],
    ['another category', f({ category: 'theft' }), false],
    ['its priority', f({ priority: 3 }), true],
    ['another priority', f({ priority: 1 }), false],
    ['flagged only', f({ flagged: true }), true],
    ['its source', f({ source: 'citizen' }), true],
    ['another source', f({ source: 'alarm' }), false],
    ['another kind', f({ kind: 'dispute' }), false],
  ] as [string, IncidentFilters, boolean][])('%s', (_what, filters, expected) => {
    expect(matches(i, filters)).toBe(expected);
  });

  it('an unflagged incident fails the flagged filter', () => {
    expect(matches(incident('y'), f({ flagged: true }))).toBe(false);
  });

  it('knows when the list is narrowed', () => {
    expect(isFiltered(DEFAULT_FILTERS)).toBe(false);
    expect(isFiltered(f({ flagged: true }))).toBe(true);
    expect(isFiltered(f({ group: 'closed' }))).toBe(true);
  });
});

describe('SLA clocks ticked locally', () => {
  it.each([
    ['a running clock before its deadline runs', clock('dispatch', 'running', 60), 59_000, 'running'],
    ['a running clock past its deadline is breached', clock('dispatch', 'running', 60), 61_000, 'breached'],
    ['met stays met', clock('dispatch', 'met', 60), 999_000, 'met'],
    ['pending stays pending', clock('arrive', 'pending', null), 999_000, 'pending'],
  ] as [string, SlaClockView, number, string][])('%s', (_what, c, after, expected) => {
    expect(clockStateAt(c, T0 + after)).toBe(expected);
  });

  it('the next deadline is the earliest among running and breached clocks', () => {
    const i = incident('a', {
      sla: [
        clock('dispatch', 'met', 10),
        clock('accept', 'running', 300),
        clock('resolve', 'running', 7200),
        clock('arrive', 'pending', null),
      ],
    });
    expect(nextDeadline(i)).toEqual({ stage: 'accept', dueAt: T0 + 300_000 });
    expect(countdown(i, T0 + 240_000)).toEqual({ stage: 'accept', leftMs: 60_000 });
    expect(countdown(i, T0 + 360_000)).toEqual({ stage: 'accept', leftMs: -60_000 });
    expect(nextDeadline(incident('b', { sla: [clock('dispatch', 'met', 10)] }))).toBeNull();
  });

  it.each([
    [0, '00:00'],
    [59_999, '00:59'],
    [61_000, '01:01'],
    [-61_000, '01:01'],
    [3_600_000, '1:00:00'],
    [86_400_000 + 3_723_000, '1d 01:02:03'],
  ])('%i ms → %s', (msLeft, text) => {
    expect(formatDuration(msLeft)).toBe(text);
  });
  it('takes the unit of days', () => expect(formatDuration(2 * 86_400_000, '天')).toBe('2天 00:00:00'));
});

describe('sorting', () => {
  const due = (sec: number) => [clock('dispatch', 'running', sec)];
  const rows = [
    incident('p2-soon', { priority: 2, sla: due(60), sec: 1 }),
    incident('p1-late', { priority: 1, sla: due(600), sec: 2 }),
    incident('p1-soon', { priority: 1, sla: due(120), sec: 3 }),
    incident('p3-none', { priority: 3, sec: 4 }),
    incident('p1-none', { priority: 1, sec: 5 }),
  ];
  it.each([
    [
      'priority, then the nearest deadline (none last)',
      'priority',
      ['p1-soon', 'p1-late', 'p1-none', 'p2-soon', 'p3-none'],
    ],
    ['the nearest deadline, then priority', 'due', ['p2-soon', 'p1-soon', 'p1-late', 'p1-none', 'p3-none']],
    ['newest first', 'newest', ['p1-none', 'p3-none', 'p1-soon', 'p1-late', 'p2-soon']],
  ] as [string, IncidentSort, string[]][])('%s', (_what, sort, expected) => {
    expect(ids(listIncidents(rows, DEFAULT_FILTERS, sort))).toEqual(expected);
  });

  it('each sort is a total order: the same list whatever order the incidents arrive in', () => {
    const pool = fc.array(
      fc.record({
        id: fc.uuid(),
        priority: fc.integer({ min: 1, max: 4 }),
        due: fc.option(fc.integer({ min: 0, max: 5 })),
        sec: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(pool, fc.constantFrom<IncidentSort>('priority', 'due', 'newest'), (specs, sort) => {
        const list = specs.map((s) =>
          incident(s.id, { priority: s.priority, sec: s.sec, sla: s.due === null ? [] : due(s.due) }),
        );
        const once = ids([...list].sort(compareIncidents(sort)));
        expect(ids([...list].reverse().sort(compareIncidents(sort)))).toEqual(once);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the history query', () => {
  it('asks for closed incidents with the filters, the sort, the page size and the cursor', () => {
    const q = historyQuery(
      f({ group: 'closed', category: 'theft', priority: 2, flagged: true, source: 'hotline', kind: 'dispute' }),
      'newest',
      50,
      'abc',
    );
    expect(Object.fromEntries(q)).toEqual({
      status: 'closed',
      sort: 'newest',
      limit: '50',
      category: 'theft',
      priority: '2',
      flagged: 'true',
      source: 'hotline',
      kind: 'dispute',
      cursor: 'abc',
    });
    expect(Object.fromEntries(historyQuery(f({ group: 'closed' }), 'priority', 100, null))).toEqual({
      status: 'closed',
      sort: 'priority',
      limit: '100',
    });
  });
});
