/**
 * The shift bench's figures (bench/shift-summary.ts): which alarms count as raised in the shift and
 * open at its end, which incidents are past their deadline, the idle desk's rates over the window
 * after the settle time, the goals and base ÷ this.
 */
import { describe, expect, it } from 'vitest';
import type { DeskCounters } from '../../bench/shift-page';
import {
  alarmFigures,
  deskFigures,
  goals,
  incidentFigures,
  markdownTable,
  pastDeadline,
  ratio,
  type AlarmRecord,
  type IncidentRecord,
  type VariantFigures,
} from '../../bench/shift-summary';

const T0 = Date.parse('2026-12-06T08:00:00Z');
const min = (m: number) => new Date(T0 + m * 60_000).toISOString();
const alarm = (id: string, priority: number, status: string, atMin: number, count?: number): AlarmRecord => ({
  id,
  priority,
  status,
  createdAt: min(atMin),
  ...(count === undefined ? {} : { count }),
});
const incident = (status: string, sla: IncidentRecord['sla'], breaches: string[] = []): IncidentRecord => ({
  id: Math.random().toString(36),
  status,
  createdAt: min(0),
  sla,
  breaches,
});
const desk = (nowMin: number, c: Partial<DeskCounters> = {}): DeskCounters => ({
  now: nowMin * 60_000,
  drawFrames: 0,
  rafFrames: 0,
  longTasks: 0,
  longTaskMs: 0,
  longTaskMaxMs: 0,
  popupsShown: 0,
  popupsUpdated: 0,
  popupsByPriority: {},
  popupsOnScreen: 0,
  popupsMaxOnScreen: 0,
  ...c,
});

describe('alarm figures', () => {
  const alarms = [
    alarm('before', 1, 'new', -5),
    alarm('a', 1, 'new', 1, 3),
    alarm('b', 1, 'acknowledged', 10),
    alarm('c', 2, 'incident', 20, 1),
    alarm('d', 4, 'expired', 29),
    alarm('e', 3, 'false_alarm', 30),
    alarm('after', 2, 'new', 31),
  ];
  const f = alarmFigures(alarms, T0, T0 + 30 * 60_000);

  it('open at the end: new and acknowledged, raised before the shift too', () => {
    expect(f.openAtEnd).toEqual({ '1': 3, '2': 1, '3': 0, '4': 0, total: 4 });
  });
  it('raised: created within the shift, whatever became of them; per hour over its length', () => {
    expect(f.raised).toEqual({ '1': 2, '2': 1, '3': 1, '4': 1, total: 5 });
    expect(f.raisedPerHour).toEqual({ '1': 4, '2': 2, '3': 2, '4': 2, total: 10 });
  });
  it('folded repeats from the count of alarms that have one; none before issue 15', () => {
    expect(f.foldedRepeats).toBe(2);
    expect(alarmFigures([alarm('x', 1, 'new', 1)], T0, T0 + 60_000).foldedRepeats).toBeNull();
  });
  it('every status at the end', () => {
    expect(f.statusAtEnd).toEqual({ new: 3, acknowledged: 1, incident: 1, expired: 1, false_alarm: 1 });
  });
});

describe('incidents past their deadline', () => {
  const now = T0 + 60 * 60_000;
  const running = (dueMin: number) => ({ stage: 'dispatch', state: 'running', dueAt: min(dueMin) });
  it('a running clock past its due (the view is as of the last change), or one marked breached', () => {
    expect(pastDeadline(incident('reported', [running(59)]), now)).toBe(true);
    expect(pastDeadline(incident('reported', [running(61)]), now)).toBe(false);
    expect(pastDeadline(incident('dispatched', [{ stage: 'accept', state: 'breached', dueAt: min(10) }]), now)).toBe(
      true,
    );
  });
  it('never a closed, merged or cancelled one, nor one whose clocks ended (late is not past)', () => {
    for (const s of ['closed', 'merged', 'cancelled'])
      expect(pastDeadline(incident(s, [{ stage: 'resolve', state: 'breached', dueAt: min(1) }]), now)).toBe(false);
    expect(pastDeadline(incident('resolved', [{ stage: 'dispatch', state: 'late', dueAt: min(1) }]), now)).toBe(false);
  });
  it('% of every incident, and of the open ones; ever late counts late clocks and recorded breaches', () => {
    const f = incidentFigures(
      [
        incident('reported', [running(30)]),
        incident('reported', [running(90)]),
        incident('closed', [{ stage: 'dispatch', state: 'late', dueAt: min(1) }]),
        incident('closed', [], ['accept']),
        incident('closed', [{ stage: 'dispatch', state: 'met', dueAt: min(1) }]),
      ],
      now,
    );
    expect(f).toEqual({
      total: 5,
      open: 2,
      pastDeadline: 1,
      pastDeadlinePct: 20,
      pastDeadlinePctOfOpen: 50,
      everLate: 3,
      everLatePct: 60,
    });
    expect(incidentFigures([], now).pastDeadlinePct).toBe(0);
  });
});

describe('the idle desk', () => {
  const samples = [
    desk(0, { drawFrames: 100, rafFrames: 100, longTaskMs: 5000, longTasks: 40, popupsShown: 7 }),
    desk(1, { drawFrames: 160, rafFrames: 200, longTaskMs: 6000, longTaskMaxMs: 900, popupsShown: 9 }),
    desk(2, { drawFrames: 170, rafFrames: 300, longTaskMs: 6100, longTasks: 42, longTaskMaxMs: 80 }),
    desk(4, {
      drawFrames: 174,
      rafFrames: 500,
      longTaskMs: 6300,
      longTasks: 44,
      longTaskMaxMs: 60,
      popupsShown: 15,
      popupsByPriority: { '1': 2, '2': 6 },
      popupsMaxOnScreen: 3,
    }),
  ];
  samples[0]!.popupsByPriority = { '1': 1, '2': 1 };

  it('rates over the window after the settle time, from the first sample at or past it', () => {
    const f = deskFigures(samples, 60_000);
    expect(f.windowMin).toBe(3);
    expect(f.framesPerMin).toBe(4.7);
    expect(f.rafFramesPerMin).toBe(100);
    expect(f.longTaskMs).toBe(300);
    expect(f.longTaskMsPerMin).toBe(100);
    // The 900 ms task was read at the window's first sample: it belongs before the window.
    expect(f.longTaskMaxMs).toBe(80);
  });
  it('popups over the whole shift, from its start', () => {
    const f = deskFigures(samples, 60_000);
    expect(f.popupsShown).toBe(8);
    expect(f.popupsPerHour).toBe(120);
    expect(f.popupsByPriority).toEqual({ '1': 1, '2': 5 });
    expect(f.popupsMaxOnScreen).toBe(3);
  });
});

describe('goals, ratios and the table', () => {
  const figures = (variant: 'base' | 'this', openP1: number, pct: number, frames: number): VariantFigures => {
    const a = alarmFigures([], T0, T0 + 3_600_000);
    a.openAtEnd['1'] = openP1;
    const i = { ...incidentFigures([], T0), pastDeadlinePct: pct };
    const d = { ...deskFigures([desk(0), desk(60)], 0), framesPerMin: frames };
    return {
      variant,
      alarms: a,
      incidents: i,
      desk: d,
      hubCpuPct: 50,
      deskMessagesPerMin: 30,
      goals: goals(a, i, d),
    };
  };

  it('each goal is strictly under its bound', () => {
    expect(figures('this', 19, 9.9, 4.9).goals).toEqual({ openP1: true, pastDeadline: true, idleFrames: true });
    expect(figures('this', 20, 10, 5).goals).toEqual({ openP1: false, pastDeadline: false, idleFrames: false });
  });
  it('base ÷ this, infinite when only this is 0, none when base is 0', () => {
    expect(ratio(661, 10)).toBe(66.1);
    expect(ratio(5, 0)).toBe(Infinity);
    expect(ratio(0, 3)).toBeNull();
    expect(ratio(NaN, 3)).toBeNull();
  });
  it('a column per checkout, the ratio and the goal judged on this', () => {
    const t = markdownTable([figures('base', 661, 89.5, 80), figures('this', 0, 4, 2)], 'shift');
    expect(t).toContain('| measure | base | this | base ÷ this | goal (this) |');
    expect(t).toMatch(/\| open P1 alarms at end \| 661 \| 0 \| ∞ \| < 20: met \|/);
    expect(t).toMatch(/\| idle desk: frames drawn per minute \| 80 \| 2 \| 40× \| < 5: met \|/);
    const alone = markdownTable([figures('this', 25, 4, 2)], 'shift');
    expect(alone).toContain('| measure | this | goal (this) |');
    expect(alone).toMatch(/\| open P1 alarms at end \| 25 \| < 20: not met \|/);
  });
});
