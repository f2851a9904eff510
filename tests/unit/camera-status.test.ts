import { describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import {
  dropCameraStatus,
  emptyOverrides,
  mergeCameraStatus,
  useCameraStatusStore,
  type CameraStatusChange,
} from '@client/stores/cameraStatus';
import { cameraColor, patchCameraColors, type CameraPaint } from '@client/map/layers/useCameraLayer';
import { CAMERA_KIND_COLOR, CAMERA_STATUS_COLOR } from '@client/map/palette';

const on = (id: string): CameraStatusChange => ({ id, status: 'online' });
const off = (id: string): CameraStatusChange => ({ id, status: 'offline' });

describe('merging pushed camera statuses (issue 18)', () => {
  it('takes new and changed statuses, and says whether any changed', () => {
    const held = emptyOverrides();
    expect(mergeCameraStatus(held, [off('a'), on('b')], 1)).toBe(true);
    // Within a batch the last entry for an id wins.
    mergeCameraStatus(held, [on('a'), off('a')], 2);
    expect([...held.status]).toEqual([
      ['a', 'offline'],
      ['b', 'online'],
    ]);
    expect(mergeCameraStatus(held, [on('a')], 3)).toBe(true);
    expect(held.status.get('a')).toBe('online');
  });

  it('a repeated status changes nothing but counts as told again', () => {
    const held = emptyOverrides();
    mergeCameraStatus(held, [off('a')], 1);
    expect(mergeCameraStatus(held, [off('a')], 5)).toBe(false);
    expect(held.toldAt.get('a')).toBe(5);
  });

  it('ignores statuses the push may not carry', () => {
    const held = emptyOverrides();
    const odd = { id: 'a', status: 'alarming' } as unknown as CameraStatusChange;
    expect(mergeCameraStatus(held, [odd], 1)).toBe(false);
    expect(held.status.size).toBe(0);
  });

  it('drops the overrides told at or before a mark, keeping later ones', () => {
    const held = emptyOverrides();
    mergeCameraStatus(held, [off('a'), off('b')], 1);
    mergeCameraStatus(held, [on('b'), off('c')], 2);
    expect(dropCameraStatus(held, 1)).toBe(true);
    expect([...held.status.keys()]).toEqual(['b', 'c']);
    expect(dropCameraStatus(held, 1)).toBe(false);
    expect(dropCameraStatus(held)).toBe(true);
    expect(held.status.size + held.toldAt.size).toBe(0);
  });
});

describe('the camera status store', () => {
  it('bumps its version only when a shown status changes, and clears up to a mark', () => {
    setActivePinia(createPinia());
    const store = useCameraStatusStore();
    expect(store.version).toBe(0);
    store.apply({ cameras: [off('a')] });
    expect(store.version).toBe(1);
    expect(store.statusOf('a')).toBe('offline');
    store.apply({ cameras: [off('a')] });
    expect(store.version).toBe(1);
    const mark = store.mark();
    store.apply({ cameras: [off('b')] });
    store.clear(mark);
    expect(store.statusOf('a')).toBeUndefined();
    expect(store.statusOf('b')).toBe('offline');
    expect(store.version).toBe(3);
    store.clear();
    expect(store.overrides().size).toBe(0);
    expect(store.version).toBe(4);
    store.clear();
    expect(store.version).toBe(4);
  });
});

describe('repainting cameras by live status', () => {
  const kindValues = ['city_hd', 'ai'];
  const statusValues = ['online', 'offline', 'alarming'];
  /** Four cameras: a (city_hd, online), b (ai, offline), c (city_hd, alarming), d (ai, online). */
  function paintOf(mask?: number[]): { p: CameraPaint; rowsBuilt: () => number } {
    const kind = { codes: Uint8Array.from([0, 1, 0, 1]), values: kindValues };
    const status = { codes: Uint8Array.from([0, 1, 2, 0]), values: statusValues };
    const colors = new Uint8Array(16);
    for (let i = 0; i < 4; i++)
      colors.set(cameraColor(kindValues[kind.codes[i]!]!, statusValues[status.codes[i]!]!), 4 * i);
    const m = mask ? Uint8Array.from(mask) : undefined;
    if (m) for (let i = 0; i < 4; i++) if (!m[i]) colors[4 * i + 3] = 0;
    let built = 0;
    const rows = new Map(['a', 'b', 'c', 'd'].map((id, i) => [id, i]));
    return {
      p: {
        colors,
        kind,
        status,
        mask: m,
        rows: () => (built++, rows),
        applied: new Map(),
      },
      rowsBuilt: () => built,
    };
  }
  const rgba = (p: CameraPaint, row: number) => [...p.colors.subarray(4 * row, 4 * row + 4)];

  it('colours status over kind', () => {
    expect(cameraColor('ai', 'online')).toEqual(CAMERA_KIND_COLOR.ai);
    expect(cameraColor('ai', 'offline')).toEqual(CAMERA_STATUS_COLOR.offline);
    expect(cameraColor('city_hd', 'alarming')).toEqual(CAMERA_STATUS_COLOR.alarming);
  });

  it('does nothing (not even the id index) while there are no overrides', () => {
    const { p, rowsBuilt } = paintOf();
    const before = p.colors.slice();
    expect(patchCameraColors(p, new Map())).toBe(0);
    expect(rowsBuilt()).toBe(0);
    expect(p.colors).toEqual(before);
  });

  it('repaints only the cameras whose status changed', () => {
    const { p } = paintOf();
    const before = p.colors.slice();
    expect(patchCameraColors(p, new Map([['a', 'offline']]))).toBe(1);
    expect(rgba(p, 0)).toEqual(CAMERA_STATUS_COLOR.offline);
    expect(p.colors.subarray(4)).toEqual(before.subarray(4));
    // Same overrides again: nothing to repaint.
    expect(patchCameraColors(p, new Map([['a', 'offline']]))).toBe(0);
    // b back online: its kind's colour; c online: the alarm colour goes.
    const next = new Map([
      ['a', 'offline'],
      ['b', 'online'],
      ['c', 'online'],
    ]);
    expect(patchCameraColors(p, next)).toBe(2);
    expect(rgba(p, 1)).toEqual(CAMERA_KIND_COLOR.ai);
    expect(rgba(p, 2)).toEqual(CAMERA_KIND_COLOR.city_hd);
    expect(rgba(p, 3)).toEqual([...before.subarray(12, 16)]);
  });

  it("restores the layer's own colour where an override went away", () => {
    const { p } = paintOf();
    const before = p.colors.slice();
    patchCameraColors(
      p,
      new Map([
        ['a', 'offline'],
        ['c', 'offline'],
      ]),
    );
    expect(patchCameraColors(p, new Map([['c', 'offline']]))).toBe(1);
    expect(rgba(p, 0)).toEqual([...before.subarray(0, 4)]);
    expect(patchCameraColors(p, new Map())).toBe(1);
    expect(p.colors).toEqual(before);
    expect(p.applied.size).toBe(0);
  });

  it('skips ids the layer does not hold and keeps cameras outside the region filter hidden', () => {
    const { p } = paintOf([1, 0, 1, 1]);
    expect(
      patchCameraColors(
        p,
        new Map([
          ['zz', 'offline'],
          ['b', 'online'],
        ]),
      ),
    ).toBe(1);
    expect(p.colors[4 * 1 + 3]).toBe(0);
    expect(p.applied.has('zz')).toBe(false);
  });
});
