/**
 * Flood control (issue 15), as one pure decision: which fresh alarms are new and which are
 * repeats that fold into an open alarm of the same rule and key (zone, or device; see
 * alarm-surroundings.ts `foldKeyOf`). The models are Genetec's reactivation threshold and
 * Milestone's suppression: within the rule's window of the open alarm's *last* event a repeat
 * raises nothing new (no alarm, no popup, no incident); it adds to the count, moves the last time
 * and pushes the expiry back. The window slides with each repeat, so a zone that keeps firing stays
 * one alarm; a repeat after a quiet window, or after the alarm was closed (false alarm, expired),
 * raises a new one. A repeat's media (a camera's picture) goes to an alarm that had none.
 */
import type { NewAlarm } from '../repositories/alarm.repository';

/** An open alarm repeats may fold into (the latest of its rule and key). */
export interface FoldTarget {
  id: string;
  ruleId: string;
  foldKey: string;
  count: number;
  lastAt: Date;
  expiresAt: Date | null;
  /** Media a repeat brought (the stored alarm keeps its own where it has some). */
  media?: NewAlarm['media'];
}

export interface FreshAlarm {
  row: NewAlarm;
  /** The rule's fold window (0: this alarm never folds). */
  foldMs: number;
}

export interface FoldPlan {
  /** New alarms, with the repeats of this same batch already folded into them. */
  insert: NewAlarm[];
  /** Open alarms that took repeats: their new count, last time and expiry. */
  fold: FoldTarget[];
}

const keyOf = (ruleId: string, foldKey: string) => `${ruleId}\u0000${foldKey}`;

export function planFolds(fresh: readonly FreshAlarm[], open: readonly FoldTarget[]): FoldPlan {
  // Per key the latest alarm a repeat would fold into: a stored one, or one of this batch.
  const latest = new Map<string, { target: FoldTarget; stored: boolean } | { row: NewAlarm; stored: false }>();
  for (const t of open) {
    const k = keyOf(t.ruleId, t.foldKey);
    const have = latest.get(k);
    if (!have || ('target' in have && have.target.lastAt < t.lastAt)) latest.set(k, { target: { ...t }, stored: true });
  }
  const insert: NewAlarm[] = [];
  const folded = new Map<string, FoldTarget>();
  for (const { row, foldMs } of fresh) {
    const key = row.foldKey && foldMs > 0 ? keyOf(row.ruleId, row.foldKey) : null;
    const into = key ? latest.get(key) : undefined;
    const at = row.lastAt.getTime();
    if (into) {
      const t = 'target' in into ? into.target : into.row;
      if (Math.abs(at - t.lastAt.getTime()) <= foldMs) {
        t.count = (t.count ?? 1) + 1;
        if (at > t.lastAt.getTime()) t.lastAt = row.lastAt;
        // The expiry counts from the latest repeat the hub saw.
        t.expiresAt = row.expiresAt ?? null;
        // A picture that came with a repeat is kept when the alarm has none (the first's stays).
        if (!t.media && row.media) t.media = row.media;
        if ('target' in into && into.stored) folded.set(into.target.id, into.target);
        continue;
      }
    }
    const own = { ...row, count: 1 };
    insert.push(own);
    if (key) latest.set(key, { row: own, stored: false });
  }
  return { insert, fold: [...folded.values()] };
}
