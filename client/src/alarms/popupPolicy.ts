/**
 * Which alarms get a popup on the desk, in what order, for how long, and which never get one again
 * (issue 15). Pure and immutable: useAlarmPopups.ts feeds it arrivals, the store's changes, the
 * clock and the room the desk has; tests/unit/alarm-popups.test.ts drives it by tables.
 *
 * - An alarm that arrives live and unhandled (`new`) gets a popup, newest first. A repeat the hub
 *   folds into it (same id, higher `count`) updates that popup in place: the caller draws the
 *   store's current copy, and nothing here moves or adds.
 * - At most MAX_POPUPS show; the rest wait, counted on the queue. While the desk has no room (a
 *   card or dialog where they would go) none show, and all wait.
 * - A popup goes when its alarm is no longer `new` (acknowledged, made false, expired, closed), when
 *   the dispatcher closes it, and, below priority 1, a while after it showed (or arrived, if it never
 *   could). Once gone it never comes back for that alarm: its repeats fold into the queue row only.
 */
import type { AlarmStatus } from '@shared/alarms';

/** At most this many popups on screen: a storm belongs in the queue, not on top of the map. */
export const MAX_POPUPS = 3;

/** How long a popup stays, by priority (ms); 0: until closed or handled. */
export const POPUP_MS: Readonly<Record<number, number>> = { 1: 0, 2: 20_000, 3: 10_000, 4: 6_000 };

/** What the policy needs of an alarm. */
export interface PopupAlarm {
  id: string;
  priority: number;
  status: AlarmStatus;
}

export interface PopupEntry {
  id: string;
  priority: number;
  /** When it arrived (ms, the caller's clock). */
  arrivedAt: number;
  /** When it first showed; null while it waits. */
  shownAt: number | null;
}

export interface PopupState {
  /** Popups not gone, newest first. */
  entries: readonly PopupEntry[];
  /** Alarms whose popup has gone: never shown again. */
  done: ReadonlySet<string>;
}

export const emptyPopups = (): PopupState => ({ entries: [], done: new Set() });

const byUrgency = (a: PopupAlarm, b: PopupAlarm): number => a.priority - b.priority;

/**
 * Live arrivals. Returns the new state and the priority of the tone to play (the most urgent of
 * the alarms that got a popup; null: none did, e.g. every one was a repeat or handled already).
 * Alarms of one batch arrive together: the most urgent of them goes on top.
 */
export function arrive(
  s: PopupState,
  alarms: readonly PopupAlarm[],
  now: number,
): { state: PopupState; tone: number | null } {
  const have = new Set(s.entries.map((e) => e.id));
  const fresh = alarms
    .filter((a) => a.status === 'new' && !s.done.has(a.id) && !have.has(a.id))
    .filter((a, i, all) => all.findIndex((b) => b.id === a.id) === i)
    .sort(byUrgency);
  if (fresh.length === 0) return { state: s, tone: null };
  const added = fresh.map((a) => ({ id: a.id, priority: a.priority, arrivedAt: now, shownAt: null }));
  return { state: { entries: [...added, ...s.entries], done: s.done }, tone: fresh[0]!.priority };
}

/** Entries gone for good: removed and remembered. */
function drop(s: PopupState, gone: (e: PopupEntry) => boolean): PopupState {
  const out = s.entries.filter(gone);
  if (out.length === 0) return s;
  const done = new Set(s.done);
  for (const e of out) done.add(e.id);
  return { entries: s.entries.filter((e) => !gone(e)), done };
}

/**
 * The store changed: a popup whose alarm is no longer `new` goes (handled by anyone, expired, or no
 * longer held by this screen, e.g. after a sign-out); its priority follows the alarm's.
 */
export function reconcile(s: PopupState, current: (id: string) => PopupAlarm | undefined): PopupState {
  const next = drop(s, (e) => current(e.id)?.status !== 'new');
  let changed = false;
  const entries = next.entries.map((e) => {
    const p = current(e.id)!.priority;
    if (p === e.priority) return e;
    changed = true;
    return { ...e, priority: p };
  });
  return changed ? { ...next, entries } : next;
}

/** The dispatcher closed these (or looked at them in the queue): gone, and never again. */
export function dismiss(s: PopupState, ids: readonly string[]): PopupState {
  const set = new Set(ids);
  return drop(s, (e) => set.has(e.id));
}

const deadline = (e: PopupEntry): number => {
  const ms = POPUP_MS[e.priority] ?? POPUP_MS[4]!;
  return ms > 0 ? (e.shownAt ?? e.arrivedAt) + ms : Infinity;
};

/** Popups whose time is up go (priority 1 never times out). */
export function expire(s: PopupState, now: number): PopupState {
  return drop(s, (e) => deadline(e) <= now);
}

/** When the next popup times out, or null if none will (the caller sets one timer, no polling). */
export function nextExpiry(s: PopupState): number | null {
  const t = Math.min(...s.entries.map(deadline));
  return Number.isFinite(t) ? t : null;
}

/** How many show, given room for `room` (0: none, the desk is busy there). */
export const shownCount = (s: PopupState, room: number): number =>
  Math.min(s.entries.length, MAX_POPUPS, Math.max(0, room));

/** The popups on screen, newest first. */
export const shown = (s: PopupState, room: number): readonly PopupEntry[] => s.entries.slice(0, shownCount(s, room));

/** How many wait (past the cap, or held for room): the counter on the queue. */
export const waiting = (s: PopupState, room: number): number => s.entries.length - shownCount(s, room);

/** The ones on screen start their time now, if they had not already. */
export function markShown(s: PopupState, room: number, now: number): PopupState {
  const n = shownCount(s, room);
  if (s.entries.slice(0, n).every((e) => e.shownAt !== null)) return s;
  return { ...s, entries: s.entries.map((e, i) => (i < n && e.shownAt === null ? { ...e, shownAt: now } : e)) };
}

/** The waiting ones (not on screen) were looked at in the queue: they go without showing. */
export function dismissWaiting(s: PopupState, room: number): PopupState {
  return dismiss(
    s,
    s.entries.slice(shownCount(s, room)).map((e) => e.id),
  );
}
