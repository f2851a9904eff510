/**
 * The desk's incident list as pure functions (no Vue; tests/unit/incident-list.test.ts): the
 * filters, the three sorts, the SLA countdown ticked locally from each clock's `dueAt`, and the
 * query of the history (closed incidents, paged by the hub).
 */
import type { IncidentStatus } from '@shared/incident-machine';
import { OPEN_STATUSES } from '@shared/incident-machine';
import type { IncidentKind, IncidentSource, IncidentView, SlaClockView } from '@shared/incidents';
import type { RiskCategory } from '@shared/incident-categories';
import type { SlaStage } from '@shared/sla';

/** Groups of open statuses the list filters by; 'closed' is the history, asked from the hub. */
export const STATUS_GROUPS = {
  open: [...OPEN_STATUSES],
  waiting: ['reported', 'accepted'],
  active: ['dispatched', 'unit_accepted', 'on_scene'],
  done: ['resolved', 'verified', 'rated'],
} as const satisfies Record<string, readonly IncidentStatus[]>;
export type StatusGroup = keyof typeof STATUS_GROUPS | 'closed';
export const STATUS_GROUP_NAMES: readonly StatusGroup[] = ['open', 'waiting', 'active', 'done', 'closed'];

export type IncidentSort = 'priority' | 'due' | 'newest';

export interface IncidentFilters {
  group: StatusGroup;
  category: RiskCategory | null;
  priority: number | null;
  /** Only those flagged (a deadline passed: 督办). */
  flagged: boolean;
  source: IncidentSource | null;
  kind: IncidentKind | null;
}

export const DEFAULT_FILTERS: IncidentFilters = {
  group: 'open',
  category: null,
  priority: null,
  flagged: false,
  source: null,
  kind: null,
};

/** Whether the filters narrow the list (beyond the default: every open incident). */
export const isFiltered = (f: IncidentFilters): boolean =>
  f.group !== 'open' || f.category !== null || f.priority !== null || f.flagged || f.source !== null || f.kind !== null;

/** Whether an incident the screen holds passes the filters (the 'closed' group holds none of them). */
export function matches(i: IncidentView, f: IncidentFilters): boolean {
  if (f.group === 'closed') return false;
  return (
    (STATUS_GROUPS[f.group] as readonly IncidentStatus[]).includes(i.status) &&
    (f.category === null || i.category === f.category) &&
    (f.priority === null || i.priority === f.priority) &&
    (!f.flagged || i.flagged) &&
    (f.source === null || i.source === f.source) &&
    (f.kind === null || i.kind === f.kind)
  );
}

const ms = (iso: string | null): number | null => {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
};

/** A clock's state at `now`: the hub's as of the incident's update, moved on locally (running → breached). */
export function clockStateAt(c: SlaClockView, now: number): SlaClockView['state'] {
  const due = ms(c.dueAt);
  if (c.state === 'running' && due !== null && now > due) return 'breached';
  return c.state;
}

/** The stage whose deadline comes first among the clocks still running (breached ones included); null: none runs. */
export function nextDeadline(i: Pick<IncidentView, 'sla'>): { stage: SlaStage; dueAt: number } | null {
  let best: { stage: SlaStage; dueAt: number } | null = null;
  for (const c of i.sla) {
    if (c.state !== 'running' && c.state !== 'breached') continue;
    const due = ms(c.dueAt);
    if (due !== null && (best === null || due < best.dueAt)) best = { stage: c.stage, dueAt: due };
  }
  return best;
}

/** The countdown of the next deadline at `now`: ms left (negative: overdue). */
export function countdown(i: Pick<IncidentView, 'sla'>, now: number): { stage: SlaStage; leftMs: number } | null {
  const d = nextDeadline(i);
  return d && { stage: d.stage, leftMs: d.dueAt - now };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** |ms| as m:ss, h:mm:ss, or "<days><dayUnit> h:mm:ss"; whole seconds, rounded towards the deadline. */
export function formatDuration(msLeft: number, dayUnit = 'd'): string {
  const total = Math.floor(Math.abs(msLeft) / 1000);
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}${dayUnit} ${pad(h)}:${pad(m)}:${pad(s)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
  return `${pad(m)}:${pad(s)}`;
}

const desc = (x: string, y: string): number => (x < y ? 1 : x > y ? -1 : 0);
const dueOf = (i: IncidentView): number => nextDeadline(i)?.dueAt ?? Number.POSITIVE_INFINITY;
const byDue = (a: IncidentView, b: IncidentView): number => {
  const x = dueOf(a);
  const y = dueOf(b);
  return x === y ? 0 : x < y ? -1 : 1;
};
const byNewest = (a: IncidentView, b: IncidentView): number => desc(a.createdAt, b.createdAt) || desc(a.id, b.id);

/**
 * A total order for each sort: priority (1 first) then the nearest deadline; the nearest deadline
 * then priority; or newest first. Ties end newest first, then by id, so every screen lists alike.
 */
export function compareIncidents(sort: IncidentSort): (a: IncidentView, b: IncidentView) => number {
  switch (sort) {
    case 'priority':
      return (a, b) => a.priority - b.priority || byDue(a, b) || byNewest(a, b);
    case 'due':
      return (a, b) => byDue(a, b) || a.priority - b.priority || byNewest(a, b);
    case 'newest':
      return byNewest;
  }
}

/** The held incidents the list shows: filtered, sorted. */
export function listIncidents(all: Iterable<IncidentView>, f: IncidentFilters, sort: IncidentSort): IncidentView[] {
  return [...all].filter((i) => matches(i, f)).sort(compareIncidents(sort));
}

/** GET /api/v1/incidents's query for the history (closed, merged, cancelled) with the other filters. */
export function historyQuery(
  f: IncidentFilters,
  sort: IncidentSort,
  limit: number,
  cursor: string | null,
): URLSearchParams {
  const q = new URLSearchParams({ status: 'closed', sort, limit: String(limit) });
  if (f.category) q.set('category', f.category);
  if (f.priority !== null) q.set('priority', String(f.priority));
  if (f.flagged) q.set('flagged', 'true');
  if (f.source) q.set('source', f.source);
  if (f.kind) q.set('kind', f.kind);
  if (cursor) q.set('cursor', cursor);
  return q;
}
