/** The wall's stage and rotation (issue 17): pure. */
import { describe, expect, it } from 'vitest';
import { advance, EMPTY_STAGE, enqueue, rotationIndex } from '@client/wall/stage';

const S = 30_000;
describe('the stage', () => {
  it('takes priority-1 alarms one at a time, each for its time, in arrival order', () => {
    let s = enqueue(EMPTY_STAGE, ['a', 'b'], 0, S);
    expect(s).toEqual({ current: { id: 'a', until: S }, waiting: ['b'] });
    s = enqueue(s, ['c', 'a', 'b'], 1_000, S); // no id twice
    expect(s.waiting).toEqual(['b', 'c']);
    s = advance(s, S - 1, S, () => true);
    expect(s.current?.id).toBe('a');
    s = advance(s, S, S, () => true);
    expect(s).toEqual({ current: { id: 'b', until: 2 * S }, waiting: ['c'] });
  });

  it('skips one handled while it waited, and returns to the overview when none is left', () => {
    let s = enqueue(EMPTY_STAGE, ['a', 'b', 'c'], 0, S);
    s = advance(s, S, S, (id) => id !== 'b');
    expect(s.current?.id).toBe('c');
    s = advance(s, 2 * S, S, () => true);
    expect(s).toEqual({ current: null, waiting: [] });
  });
});

describe('rotation', () => {
  it('turns every dwell from the start', () => {
    expect(rotationIndex(0, 0, 3, 10)).toBe(0);
    expect(rotationIndex(9, 0, 3, 10)).toBe(0);
    expect(rotationIndex(10, 0, 3, 10)).toBe(1);
    expect(rotationIndex(35, 0, 3, 10)).toBe(0);
    expect(rotationIndex(5, 10, 3, 10)).toBe(0);
    expect(rotationIndex(5, 0, 0, 10)).toBe(-1);
  });
});
