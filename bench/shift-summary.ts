/**
 * The shift bench's figures from what it collected (bench/shift.ts), pure so they are tested
 * (tests/unit/bench-shift.test.ts): alarms open and raised by priority, incidents past their
 * deadline, the idle desk's frames and long tasks, the goals of issue 15 and the ratios.
 */
import type { DeskCounters } from './shift-page';

/** The fields of an alarm the bench keeps (from GET /alarms; `count` exists from issue 15 on). */
export interface AlarmRecord {
  id: string;
  priority: number;
  status: string;
  createdAt: string;
  count?: number;
}
/** The fields of an incident the bench reads (GET /incidents). */
export interface IncidentRecord {
  id: string;
  status: string;
  createdAt: string;
  sla: { stage: string; state: string; dueAt: string | null }[];
  breaches: string[];
}

export const PRIORITIES = [1, 2, 3, 4] as const;
export type ByPriority = Record<'1' | '2' | '3' | '4' | 'total', number>;
/** Open: still to be handled (shared/alarms.ts ALARM_OPEN_STATUSES, the same before issue 15). */
const OPEN = new Set(['new', 'acknowledged']);
const CLOSED_INCIDENT = new Set(['closed', 'merged', 'cancelled']);

/** Issue 15's goals, for the new code at full scale after 60 minutes. */
export const GOALS = { openP1Below: 20, pastDeadlinePctBelow: 10, idleFramesPerMinBelow: 5 } as const;

const r1 = (x: number): number => Math.round(x * 10) / 10;

export function byPriority(alarms: Iterable<AlarmRecord>, keep: (a: AlarmRecord) => boolean): ByPriority {
  const out: ByPriority = { '1': 0, '2': 0, '3': 0, '4': 0, total: 0 };
  for (const a of alarms) {
    if (!keep(a)) continue;
    const p = String(a.priority) as '1' | '2' | '3' | '4';
    if (p in out) out[p]++;
    out.total++;
  }
  return out;
}

export interface AlarmFigures {
  openAtEnd: ByPriority;
  raised: ByPriority;
  raisedPerHour: ByPriority;
  /** Events folded into alarms raised during the shift (sum of count - 1); null before issue 15. */
  foldedRepeats: number | null;
  statusAtEnd: Record<string, number>;
}

/** `from`, `to`: the shift, ms since the epoch; an alarm raised in it has createdAt inside. */
export function alarmFigures(alarms: readonly AlarmRecord[], from: number, to: number): AlarmFigures {
  const inShift = (a: AlarmRecord) => {
    const t = Date.parse(a.createdAt);
    return t >= from && t <= to;
  };
  const raised = byPriority(alarms, inShift);
  const hours = (to - from) / 3_600_000;
  const perHour = Object.fromEntries(
    Object.entries(raised).map(([k, v]) => [k, hours > 0 ? r1(v / hours) : NaN]),
  ) as ByPriority;
  const counted = alarms.filter((a) => inShift(a) && typeof a.count === 'number');
  const statusAtEnd: Record<string, number> = {};
  for (const a of alarms) statusAtEnd[a.status] = (statusAtEnd[a.status] ?? 0) + 1;
  return {
    openAtEnd: byPriority(alarms, (a) => OPEN.has(a.status)),
    raised,
    raisedPerHour: perHour,
    foldedRepeats: counted.length ? counted.reduce((n, a) => n + (a.count! - 1), 0) : null,
    statusAtEnd,
  };
}

/**
 * Past its deadline at `now`: a stage clock still running whose deadline has gone by (shared/sla.ts:
 * 'breached'; the view's clocks are as of the incident's last change, so a 'running' one is judged
 * by its dueAt). A closed incident's clocks are stopped: it is never past its deadline.
 */
export function pastDeadline(i: IncidentRecord, now: number): boolean {
  if (CLOSED_INCIDENT.has(i.status)) return false;
  return i.sla.some(
    (c) => c.state === 'breached' || (c.state === 'running' && c.dueAt !== null && Date.parse(c.dueAt) < now),
  );
}

export interface IncidentFigures {
  total: number;
  open: number;
  /** Open incidents past a deadline at the end. */
  pastDeadline: number;
  /** pastDeadline as a % of every incident (the goal's figure: < 10 %). */
  pastDeadlinePct: number;
  pastDeadlinePctOfOpen: number;
  /** Incidents that missed any deadline at some time (late, past it now, or a breach recorded). */
  everLate: number;
  everLatePct: number;
}

export function incidentFigures(incidents: readonly IncidentRecord[], now: number): IncidentFigures {
  const open = incidents.filter((i) => !CLOSED_INCIDENT.has(i.status)).length;
  const past = incidents.filter((i) => pastDeadline(i, now)).length;
  const everLate = incidents.filter(
    (i) => pastDeadline(i, now) || i.breaches.length > 0 || i.sla.some((c) => c.state === 'late'),
  ).length;
  const pct = (n: number, of: number) => (of > 0 ? r1((100 * n) / of) : 0);
  return {
    total: incidents.length,
    open,
    pastDeadline: past,
    pastDeadlinePct: pct(past, incidents.length),
    pastDeadlinePctOfOpen: pct(past, open),
    everLate,
    everLatePct: pct(everLate, incidents.length),
  };
}

export interface DeskFigures {
  /** The idle window (after the settle time) the rates are over, minutes. */
  windowMin: number;
  framesPerMin: number;
  rafFramesPerMin: number;
  longTasks: number;
  longTaskMs: number;
  longTaskMsPerMin: number;
  longTaskMaxMs: number;
  /** Over the whole shift. */
  popupsShown: number;
  popupsPerHour: number;
  popupsUpdated: number;
  popupsByPriority: Record<string, number>;
  popupsMaxOnScreen: number;
}

/**
 * `samples`: the counters read along the shift, first at its start, last at its end; the idle
 * window starts at the first sample at or after `settleMs` into the shift.
 */
export function deskFigures(samples: readonly DeskCounters[], settleMs: number): DeskFigures {
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const from = samples.find((s) => s.now - first.now >= settleMs) ?? first;
  const windowMin = (last.now - from.now) / 60_000;
  const rate = (d: number) => (windowMin > 0 ? r1(d / windowMin) : NaN);
  const shiftHours = (last.now - first.now) / 3_600_000;
  const byP: Record<string, number> = {};
  for (const [p, n] of Object.entries(last.popupsByPriority)) byP[p] = n - (first.popupsByPriority[p] ?? 0);
  const shown = last.popupsShown - first.popupsShown;
  return {
    windowMin: r1(windowMin),
    framesPerMin: rate(last.drawFrames - from.drawFrames),
    rafFramesPerMin: rate(last.rafFrames - from.rafFrames),
    longTasks: last.longTasks - from.longTasks,
    longTaskMs: Math.round(last.longTaskMs - from.longTaskMs),
    longTaskMsPerMin: rate(last.longTaskMs - from.longTaskMs),
    // Each read gives the longest since the previous one: the window's is the largest after its start.
    longTaskMaxMs: Math.round(Math.max(0, ...samples.filter((s) => s.now > from.now).map((s) => s.longTaskMaxMs))),
    popupsShown: shown,
    popupsPerHour: shiftHours > 0 ? r1(shown / shiftHours) : NaN,
    popupsUpdated: last.popupsUpdated - first.popupsUpdated,
    popupsByPriority: byP,
    popupsMaxOnScreen: last.popupsMaxOnScreen,
  };
}

export interface Goals {
  openP1: boolean;
  pastDeadline: boolean;
  idleFrames: boolean;
}

export function goals(a: AlarmFigures, i: IncidentFigures, d: DeskFigures): Goals {
  return {
    openP1: a.openAtEnd['1'] < GOALS.openP1Below,
    pastDeadline: i.pastDeadlinePct < GOALS.pastDeadlinePctBelow,
    idleFrames: d.framesPerMin < GOALS.idleFramesPerMinBelow,
  };
}

/**
 * base ÷ this: above 1, this does better on a figure where less is better. Infinity when only this
 * is 0; null when base is 0 or either is not a number.
 */
export function ratio(base: number, now: number): number | null {
  if (!Number.isFinite(base) || !Number.isFinite(now) || base <= 0) return null;
  return now > 0 ? Math.round((base / now) * 100) / 100 : Infinity;
}

/** One checkout's figures after a shift. */
export interface VariantFigures {
  variant: 'base' | 'this';
  alarms: AlarmFigures;
  incidents: IncidentFigures;
  desk: DeskFigures;
  /** The hub's CPU over the shift, % of one core; null where /proc is not there. */
  hubCpuPct: number | null;
  /** Socket.IO data messages the desk received per minute over the idle window. */
  deskMessagesPerMin: number;
  goals: Goals;
}

const prio = (b: ByPriority): string => `${b['1']} · ${b['2']} · ${b['3']} · ${b['4']}`;
const met = (ok: boolean): string => (ok ? 'met' : 'not met');
const fmtRatio = (r: number | null): string => (r === null ? '—' : r === Infinity ? '∞' : `${r}×`);

/** The run as a markdown table: a column per checkout, base ÷ this, and the goal (judged on this). */
export function markdownTable(runs: readonly VariantFigures[], title: string): string {
  const base = runs.find((r) => r.variant === 'base');
  const now = runs.find((r) => r.variant === 'this') ?? runs[0]!;
  const cols = base ? [base, now] : [now];
  const rows: [string, (v: VariantFigures) => string, number | null, string][] = [];
  const add = (label: string, cell: (v: VariantFigures) => string, num?: (v: VariantFigures) => number, goal = '') =>
    rows.push([label, cell, base && num ? ratio(num(base), num(now)) : null, goal]);
  const pct = (v: VariantFigures) =>
    `${v.incidents.pastDeadline} of ${v.incidents.total} (${v.incidents.pastDeadlinePct} %)`;
  add(
    'open alarms at end, P1 · P2 · P3 · P4',
    (v) => prio(v.alarms.openAtEnd),
    (v) => v.alarms.openAtEnd.total,
  );
  add(
    'open P1 alarms at end',
    (v) => String(v.alarms.openAtEnd['1']),
    (v) => v.alarms.openAtEnd['1'],
    `< ${GOALS.openP1Below}: ${met(now.goals.openP1)}`,
  );
  add(
    'alarms raised per hour, P1 · P2 · P3 · P4',
    (v) => prio(v.alarms.raisedPerHour),
    (v) => v.alarms.raised.total,
  );
  add(
    'alarms raised per hour, all',
    (v) => String(v.alarms.raisedPerHour.total),
    (v) => v.alarms.raised.total,
  );
  add('repeats folded into them', (v) => (v.alarms.foldedRepeats === null ? '—' : String(v.alarms.foldedRepeats)));
  add(
    'popups shown (per hour)',
    (v) => `${v.desk.popupsShown} (${v.desk.popupsPerHour})`,
    (v) => v.desk.popupsShown,
  );
  add(
    'popups on screen at most',
    (v) => String(v.desk.popupsMaxOnScreen),
    (v) => v.desk.popupsMaxOnScreen,
  );
  add(
    'incidents past their deadline at end',
    pct,
    (v) => v.incidents.pastDeadlinePct,
    `< ${GOALS.pastDeadlinePctBelow} %: ${met(now.goals.pastDeadline)}`,
  );
  add('incidents that missed any deadline', (v) => `${v.incidents.everLate} (${v.incidents.everLatePct} %)`);
  add(
    'idle desk: frames drawn per minute',
    (v) => String(v.desk.framesPerMin),
    (v) => v.desk.framesPerMin,
    `< ${GOALS.idleFramesPerMinBelow}: ${met(now.goals.idleFrames)}`,
  );
  add(
    'idle desk: animation frames per minute',
    (v) => String(v.desk.rafFramesPerMin),
    (v) => v.desk.rafFramesPerMin,
  );
  add(
    'idle desk: long tasks, ms per minute (total, longest)',
    (v) => `${v.desk.longTaskMsPerMin} (${v.desk.longTaskMs}, ${v.desk.longTaskMaxMs})`,
    (v) => v.desk.longTaskMsPerMin,
  );
  add('idle desk: socket messages per minute', (v) => String(v.deskMessagesPerMin));
  add(
    'hub CPU, % of a core',
    (v) => (v.hubCpuPct === null ? '—' : String(v.hubCpuPct)),
    (v) => v.hubCpuPct ?? NaN,
  );
  const head = `| measure | ${cols.map((c) => c.variant).join(' | ')} |${base ? ' base ÷ this |' : ''} goal (this) |`;
  const rule = `|---|${cols.map(() => '---:').join('|')}|${base ? '---:|' : ''}---|`;
  const body = rows.map(
    ([label, cell, r, goal]) =>
      `| ${label} | ${cols.map(cell).join(' | ')} |${base ? ` ${fmtRatio(r)} |` : ''} ${goal} |`,
  );
  return [`### ${title}`, '', head, rule, ...body].join('\n');
}
