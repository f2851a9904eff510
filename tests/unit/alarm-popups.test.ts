/**
 * The desk's popup policy (issue 15), by tables: which alarms get a popup, newest first, at most
 * three with the rest waiting, a folded repeat never a second popup, a popup that goes (closed,
 * handled, expired, timed out) never back; and where the stack goes so that it covers nothing.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmStatus } from '@shared/alarms';
import {
  MAX_POPUPS,
  POPUP_MS,
  arrive,
  dismiss,
  dismissWaiting,
  emptyPopups,
  expire,
  markShown,
  nextExpiry,
  reconcile,
  shown,
  waiting,
  type PopupAlarm,
  type PopupState,
} from '@client/alarms/popupPolicy';
import { STACK_GAP, STACK_MARGIN, fitStack, type Rect } from '@client/alarms/popupPlace';

const alarm = (id: string, priority = 2, status: AlarmStatus = 'new'): PopupAlarm => ({ id, priority, status });
const ids = (s: PopupState, room = MAX_POPUPS) => shown(s, room).map((e) => e.id);

/** Applies steps in order from an empty state; each step may say what tone it played. */
type Step =
  | { arrive: PopupAlarm[]; at?: number; tone?: number | null }
  | { store: PopupAlarm[] }
  | { close: string[] }
  | { show: number; at: number }
  | { expireAt: number }
  | { seeWaiting: number };

function run(steps: Step[]): PopupState {
  let s = emptyPopups();
  for (const step of steps) {
    if ('arrive' in step) {
      const r = arrive(s, step.arrive, step.at ?? 0);
      if ('tone' in step) expect(r.tone).toBe(step.tone);
      s = r.state;
    } else if ('store' in step) {
      const byId = new Map(step.store.map((a) => [a.id, a]));
      s = reconcile(s, (id) => byId.get(id));
    } else if ('close' in step) s = dismiss(s, step.close);
    else if ('show' in step) s = markShown(s, step.show, step.at);
    else if ('expireAt' in step) s = expire(s, step.expireAt);
    else s = dismissWaiting(s, step.seeWaiting);
  }
  return s;
}

describe('popup policy', () => {
  const a = alarm('a');
  const b = alarm('b');
  const c = alarm('c');
  const d = alarm('d');
  const cases: { name: string; steps: Step[]; shown: string[]; waiting: number; room?: number }[] = [
    { name: 'a new alarm pops up, with a tone', steps: [{ arrive: [a], tone: 2 }], shown: ['a'], waiting: 0 },
    {
      name: 'newest first, at most three, the rest wait',
      steps: [{ arrive: [a] }, { arrive: [b] }, { arrive: [c] }, { arrive: [d] }],
      shown: ['d', 'c', 'b'],
      waiting: 1,
    },
    {
      name: 'in one batch the most urgent goes on top, one tone of its priority',
      steps: [{ arrive: [alarm('low', 4), alarm('p1', 1), alarm('mid', 3)], tone: 1 }],
      shown: ['p1', 'mid', 'low'],
      waiting: 0,
    },
    {
      name: 'a repeat of an alarm already up is no new popup and no tone',
      steps: [{ arrive: [a] }, { arrive: [b] }, { arrive: [a], tone: null }],
      shown: ['b', 'a'],
      waiting: 0,
    },
    {
      name: 'an alarm handled before it arrived gets none',
      steps: [{ arrive: [alarm('x', 2, 'acknowledged')], tone: null }],
      shown: [],
      waiting: 0,
    },
    {
      name: 'acknowledged elsewhere: its popup goes, and the next waiting one comes up',
      steps: [
        { arrive: [a] },
        { arrive: [b] },
        { arrive: [c] },
        { arrive: [d] },
        { store: [a, b, c, alarm('d', 2, 'acknowledged')] },
      ],
      shown: ['c', 'b', 'a'],
      waiting: 0,
    },
    {
      name: 'expired or made false: it goes',
      steps: [{ arrive: [a, b] }, { store: [alarm('a', 2, 'expired'), alarm('b', 2, 'false_alarm')] }],
      shown: [],
      waiting: 0,
    },
    {
      name: 'no longer held by the screen (signed out): it goes',
      steps: [{ arrive: [a] }, { store: [] }],
      shown: [],
      waiting: 0,
    },
    {
      name: 'closed by the dispatcher: its repeats never bring it back',
      steps: [{ arrive: [a] }, { close: ['a'] }, { arrive: [a], tone: null }],
      shown: [],
      waiting: 0,
    },
    {
      name: 'no room: all wait, counted',
      steps: [{ arrive: [a] }, { arrive: [b] }],
      room: 0,
      shown: [],
      waiting: 2,
    },
    {
      name: 'room for one: the newest shows',
      steps: [{ arrive: [a] }, { arrive: [b] }],
      room: 1,
      shown: ['b'],
      waiting: 1,
    },
    {
      name: 'the waiting ones looked at in the queue go; those on screen stay',
      steps: [{ arrive: [a] }, { arrive: [b] }, { arrive: [c] }, { arrive: [d] }, { seeWaiting: 3 }, { arrive: [a] }],
      shown: ['d', 'c', 'b'],
      waiting: 0,
    },
  ];
  it.each(cases)('$name', ({ steps, shown: expected, waiting: w, room }) => {
    const s = run(steps);
    expect(ids(s, room)).toEqual(expected);
    expect(waiting(s, room ?? MAX_POPUPS)).toBe(w);
  });

  it('below priority 1 a popup times out after its time on screen; priority 1 stays until closed', () => {
    const p2 = POPUP_MS[2]!;
    let s = run([
      { arrive: [alarm('p1', 1), alarm('p2', 2)], at: 0 },
      { show: MAX_POPUPS, at: 1_000 },
    ]);
    expect(nextExpiry(s)).toBe(1_000 + p2);
    s = expire(s, 1_000 + p2 - 1);
    expect(ids(s)).toEqual(['p1', 'p2']);
    s = expire(s, 1_000 + p2);
    expect(ids(s)).toEqual(['p1']);
    expect(nextExpiry(s)).toBeNull();
    expect(ids(expire(s, 1e12))).toEqual(['p1']);
    // Timed out is gone for good: a repeat does not bring it back.
    expect(arrive(s, [alarm('p2', 2)], 2e6).state.entries.map((e) => e.id)).toEqual(['p1']);
  });

  it('a popup waiting for room ages from its arrival; one that shows gets its full time from then', () => {
    const p3 = POPUP_MS[3]!;
    const s = run([
      { arrive: [alarm('w', 3)], at: 0 },
      { show: 0, at: 500 },
    ]);
    expect(s.entries[0]!.shownAt).toBeNull();
    expect(nextExpiry(s)).toBe(p3);
    const later = markShown(s, 1, p3 - 100);
    expect(nextExpiry(later)).toBe(p3 - 100 + p3);
    // Showing again changes nothing.
    expect(markShown(later, 1, p3)).toBe(later);
  });

  it('a change of priority in the store follows; nothing changed keeps the same state', () => {
    const s = run([{ arrive: [a] }]);
    expect(reconcile(s, () => a)).toBe(s);
    expect(reconcile(s, () => alarm('a', 1)).entries[0]!.priority).toBe(1);
  });
});

describe('popup stack placement', () => {
  const box: Rect = { left: 300, top: 60, right: 1280, bottom: 800 };
  const W = 300;
  const m = STACK_MARGIN;
  const zoomButtons: Rect = { left: 1240, top: 700, right: 1270, bottom: 790 };
  const notice: Rect = { left: 900, top: 72, right: 1200, bottom: 100 };
  const cases: {
    name: string;
    box?: Rect;
    obstacles: Rect[];
    heights: number[];
    expected: ReturnType<typeof fitStack>;
  }[] = [
    {
      name: 'top right when it is free',
      obstacles: [zoomButtons],
      heights: [100, 100, 100],
      expected: { n: 3, left: 980 - m - W, top: m },
    },
    {
      name: 'top left when a notice sits top right',
      obstacles: [zoomButtons, notice],
      heights: [100, 100],
      expected: { n: 2, left: m, top: m },
    },
    {
      name: 'fewer popups when three would reach the zoom buttons and the left is taken',
      box: { left: 300, top: 60, right: 1280, bottom: 460 },
      obstacles: [
        { left: 1240, top: 360, right: 1270, bottom: 450 },
        { left: 300, top: 60, right: 700, bottom: 460 },
      ],
      heights: [110, 110, 110],
      expected: { n: 2, left: 980 - m - W, top: m },
    },
    {
      name: 'none when the box is narrower than a popup (a card and the incident beside the map at 1280 px)',
      box: { left: 700, top: 60, right: 900, bottom: 800 },
      obstacles: [],
      heights: [100],
      expected: null,
    },
    {
      name: 'none when a card lies over the whole box',
      obstacles: [{ left: 200, top: 0, right: 1300, bottom: 900 }],
      heights: [100],
      expected: null,
    },
  ];
  it.each(cases)('$name', ({ box: b, obstacles, heights, expected }) => {
    const fit = fitStack(b ?? box, obstacles, heights, W);
    expect(fit).toEqual(expected);
    if (!fit) return;
    // Whatever it chose covers none of them.
    const at = b ?? box;
    const h = heights.slice(0, fit.n).reduce((x, y) => x + y, 0) + STACK_GAP * (fit.n - 1);
    const r = {
      left: at.left + fit.left,
      top: at.top + fit.top,
      right: at.left + fit.left + W,
      bottom: at.top + fit.top + h,
    };
    for (const o of obstacles) {
      expect(r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom).toBe(false);
    }
  });
});
