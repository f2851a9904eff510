/**
 * The wall's stage (issue 17): priority-1 alarms take it one at a time, each for the preset's
 * `stageSeconds`, in the order they arrived; one that is handled (no longer open) while it waits
 * is skipped, one handled while on stage stays its time (the room saw it go up). Pure: the
 * composable (useStage) feeds it arrivals and the clock.
 */
export interface StageState {
  /** The alarm on stage and when its time is up (epoch ms), or null: the overview. */
  current: { id: string; until: number } | null;
  /** Alarm ids waiting, oldest first. */
  waiting: readonly string[];
}

export const EMPTY_STAGE: StageState = { current: null, waiting: [] };

/** Alarms that arrived: queued behind what is there (an id already on stage or waiting is not queued twice). */
export function enqueue(s: StageState, ids: readonly string[], now: number, stageMs: number): StageState {
  const waiting = [...s.waiting];
  for (const id of ids) if (id !== s.current?.id && !waiting.includes(id)) waiting.push(id);
  return advance({ current: s.current, waiting }, now, stageMs, () => true);
}

/** The clock moved: the next waiting alarm still open takes the stage when the current one's time is up. */
export function advance(s: StageState, now: number, stageMs: number, isOpen: (id: string) => boolean): StageState {
  if (s.current && now < s.current.until) return s;
  const waiting = s.waiting.filter(isOpen);
  const next = waiting.shift();
  return next === undefined ? { current: null, waiting } : { current: { id: next, until: now + stageMs }, waiting };
}

/** The panel that shows in a rotating slot at `now`: they take turns every `dwellMs` from `start`. */
export function rotationIndex(now: number, start: number, count: number, dwellMs: number): number {
  if (count <= 0) return -1;
  return Math.floor(Math.max(0, now - start) / dwellMs) % count;
}
