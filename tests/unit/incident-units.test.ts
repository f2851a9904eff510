/**
 * Field units' live state on the desk: the store's merge (a pushed copy never steps a unit back
 * in time) and the map's overlay of live states on the static units layer (typed arrays).
 */
import { describe, expect, it } from 'vitest';
import type { UnitLive } from '@shared/incidents';
import { mergeUnits } from '@client/stores/units';
import { overlayLiveUnits, type UnitBase } from '@client/map/unit-positions';

const unit = (id: string, sec: number, over: Partial<UnitLive> = {}): UnitLive => ({
  id,
  callsign: `巡${id}`,
  kind: 'patrol_car',
  status: 'available',
  position: [115.9, 28.7],
  updatedAt: new Date(Date.parse('2026-11-22T04:00:00Z') + sec * 1000).toISOString(),
  incidentId: null,
  ...over,
});

describe('mergeUnits', () => {
  const held = new Map([['u1', unit('u1', 10)]]);
  it.each([
    ['a newer copy replaces', [unit('u1', 20, { status: 'busy' })], 'busy'],
    ['an older copy is ignored', [unit('u1', 5, { status: 'offline' })], 'available'],
    [
      'newer then older in one batch: the newer stays',
      [unit('u1', 30, { status: 'busy' }), unit('u1', 25, { status: 'offline' })],
      'busy',
    ],
  ] as [string, UnitLive[], string][])('%s', (_what, incoming, status) => {
    const next = mergeUnits(held, incoming) ?? held;
    expect(next.get('u1')?.status).toBe(status);
  });
  it('an unknown unit is added; nothing new gives null (no re-render)', () => {
    expect(mergeUnits(held, [unit('u2', 0)])?.size).toBe(2);
    expect(mergeUnits(held, [unit('u1', 10)])).toBeNull();
    expect(mergeUnits(held, [])).toBeNull();
  });
});

describe('overlayLiveUnits', () => {
  const base: UnitBase = {
    index: new Map([
      ['a', 0],
      ['b', 1],
    ]),
    count: 2,
    positions: new Float32Array([1, 1, 2, 2]),
    fill: new Uint8Array([0, 255, 0, 255, 0, 255, 0, 255]),
    line: new Uint8Array([0, 0, 255, 255, 255, 0, 0, 255]),
  };
  const busy = [250, 140, 22, 255] as const;
  const color = (s: UnitLive['status']) => (s === 'busy' ? busy : ([82, 196, 26, 255] as const));
  const shift = (p: readonly [number, number]): [number, number] => [p[0] + 0.5, p[1] + 0.5];

  it('moves and recolours the live units, keeps the others as the static layer has them', () => {
    const a = overlayLiveUnits(base, [unit('b', 0, { status: 'busy', position: [5, 6] })], shift, color);
    expect(a.length).toBe(2);
    expect([...a.positions]).toEqual([1, 1, 5.5, 6.5]);
    expect([...a.fill.subarray(4, 8)]).toEqual([...busy]);
    expect([...a.fill.subarray(0, 4)]).toEqual([0, 255, 0, 255]);
    expect([...a.line]).toEqual([...base.line]);
  });

  it('appends a live unit the static layer does not know', () => {
    const a = overlayLiveUnits(base, [unit('new', 0, { position: [9, 9] })], (p) => [p[0], p[1]], color);
    expect(a.length).toBe(3);
    expect([...a.positions.subarray(4)]).toEqual([9, 9]);
    expect(a.line.subarray(8, 12)[3]).toBe(255);
  });

  it('never writes into the static layer', () => {
    overlayLiveUnits(base, [unit('a', 0, { position: [7, 7], status: 'busy' })], (p) => [p[0], p[1]], color);
    expect(Array.from(base.positions)).toEqual([1, 1, 2, 2]);
    expect([...base.fill.subarray(0, 4)]).toEqual([0, 255, 0, 255]);
  });
});
