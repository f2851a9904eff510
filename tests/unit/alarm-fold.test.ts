/** Flood control as one pure decision (server/services/alarm-fold.ts): which alarms are new, which repeats fold. */
import { describe, expect, it } from 'vitest';
import { planFolds, type FoldTarget, type FreshAlarm } from '@server/services/alarm-fold';
import type { NewAlarm } from '@server/repositories/alarm.repository';

const T0 = Date.parse('2026-12-06T02:00:00Z');
const MIN = 60_000;
const at = (min: number) => new Date(T0 + min * MIN);

function fresh(id: string, ruleId: string, foldKey: string | null, min: number, foldMin = 10): FreshAlarm {
  const row = {
    id,
    ruleId,
    foldKey,
    lastAt: at(min),
    expiresAt: at(min + 60),
  } as Partial<NewAlarm> as NewAlarm;
  return { row, foldMs: foldMin * MIN };
}
const open = (id: string, ruleId: string, foldKey: string, min: number, count = 1): FoldTarget => ({
  id,
  ruleId,
  foldKey,
  count,
  lastAt: at(min),
  expiresAt: null,
});

describe('planFolds', () => {
  it.each([
    // [case, stored open alarms, fresh alarms, ids inserted, folds as id:count]
    [
      'a repeat within the window folds into the open alarm',
      [open('A', 'r', 'zone:1', 0)],
      [fresh('n1', 'r', 'zone:1', 9)],
      [],
      ['A:2'],
    ],
    ['at the window edge it still folds', [open('A', 'r', 'zone:1', 0)], [fresh('n1', 'r', 'zone:1', 10)], [], ['A:2']],
    [
      'after the window it opens a new alarm',
      [open('A', 'r', 'zone:1', 0)],
      [fresh('n1', 'r', 'zone:1', 11)],
      ['n1'],
      [],
    ],
    ['another zone does not fold', [open('A', 'r', 'zone:1', 0)], [fresh('n1', 'r', 'zone:2', 1)], ['n1'], []],
    [
      'another rule in the same zone does not fold',
      [open('A', 'r', 'zone:1', 0)],
      [fresh('n1', 's', 'zone:1', 1)],
      ['n1'],
      [],
    ],
    [
      'a rule that does not fold (0 min) always raises',
      [open('A', 'r', 'zone:1', 0)],
      [fresh('n1', 'r', 'zone:1', 1, 0)],
      ['n1'],
      [],
    ],
    [
      'no fold key (a citizen report) always raises',
      [],
      [fresh('n1', 'r', null, 0), fresh('n2', 'r', null, 0)],
      ['n1', 'n2'],
      [],
    ],
    [
      'repeats in one batch fold into the first of the batch',
      [],
      [fresh('n1', 'r', 'zone:1', 0), fresh('n2', 'r', 'zone:1', 2), fresh('n3', 'r', 'zone:1', 4)],
      ['n1'],
      [],
    ],
    [
      'the window slides with each repeat',
      [open('A', 'r', 'zone:1', 0)],
      [fresh('n1', 'r', 'zone:1', 9), fresh('n2', 'r', 'zone:1', 18)],
      [],
      ['A:3'],
    ],
    [
      'a late (out of order) event inside the window folds',
      [open('A', 'r', 'zone:1', 30)],
      [fresh('n1', 'r', 'zone:1', 25)],
      [],
      ['A:2'],
    ],
    [
      'of two open alarms of a key the latest takes it',
      [open('A', 'r', 'zone:1', 0), open('B', 'r', 'zone:1', 20, 4)],
      [fresh('n1', 'r', 'zone:1', 25)],
      [],
      ['B:5'],
    ],
  ] as const)('%s', (_case, stored, incoming, inserted, folds) => {
    const plan = planFolds(incoming, stored as readonly FoldTarget[]);
    expect(plan.insert.map((r) => r.id)).toEqual(inserted);
    expect(plan.fold.map((f) => `${f.id}:${f.count}`)).toEqual(folds);
  });

  it('a batch repeat moves the new alarm count, last time and expiry', () => {
    const plan = planFolds([fresh('n1', 'r', 'zone:1', 0), fresh('n2', 'r', 'zone:1', 5)], []);
    expect(plan.insert).toHaveLength(1);
    expect(plan.insert[0]).toMatchObject({ id: 'n1', count: 2, lastAt: at(5), expiresAt: at(65) });
  });

  it('a fold keeps the later last time and takes the repeat expiry', () => {
    const plan = planFolds([fresh('n1', 'r', 'zone:1', 25)], [open('A', 'r', 'zone:1', 30)]);
    expect(plan.fold[0]).toMatchObject({ id: 'A', count: 2, lastAt: at(30), expiresAt: at(85) });
  });

  it('a repeat brings its picture only to an alarm that had none', () => {
    const pic = (n: number) => [
      { kind: 'image' as const, url: `/api/v1/photos/00000000-0000-4000-8000-00000000000${n}` },
    ];
    const withMedia = (f: FreshAlarm, n: number | null): FreshAlarm => ({
      ...f,
      row: { ...f.row, media: n === null ? null : pic(n) },
    });
    // In one batch: the first has none, the second brings one, the third another.
    const batch = planFolds(
      [
        withMedia(fresh('n1', 'r', 'zone:1', 0), null),
        withMedia(fresh('n2', 'r', 'zone:1', 1), 2),
        withMedia(fresh('n3', 'r', 'zone:1', 2), 3),
      ],
      [],
    );
    expect(batch.insert[0]!.media).toEqual(pic(2));
    // Into a stored alarm: the repeat's picture travels with the fold (the store keeps the alarm's own).
    const stored = planFolds([withMedia(fresh('n1', 'r', 'zone:1', 1), 4)], [open('A', 'r', 'zone:1', 0)]);
    expect(stored.fold[0]!.media).toEqual(pic(4));
    const none = planFolds([withMedia(fresh('n1', 'r', 'zone:1', 1), null)], [open('A', 'r', 'zone:1', 0)]);
    expect(none.fold[0]!.media ?? null).toBeNull();
  });

  it('does not change the open alarms it was given', () => {
    const stored = [open('A', 'r', 'zone:1', 0)];
    planFolds([fresh('n1', 'r', 'zone:1', 1)], stored);
    expect(stored[0]!.count).toBe(1);
  });
});
