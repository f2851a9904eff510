import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { effectScope, nextTick, ref } from 'vue';
import { encodePacked } from '@shared/packed';
import { cameraTiles, sameTiles, shownCameraStatus, type CameraTileColumns } from '@client/cameras/camera-tiles';
import { useCameraStatusStore } from '@client/stores/cameraStatus';
import { useCameraTiles } from '@client/cameras/useCameraTiles';
import { useLayerDataStore } from '@client/stores/layerData';
import type { WorkerRequest, WorkerResponse } from '@client/stores/layers.worker';

/**
 * The layer worker, faked: each 'load' waits until the test answers it (`answer`), with the
 * layer bytes the test set for that name (`bytesOf`).
 */
const worker = vi.hoisted(() => ({
  loads: [] as { id: number; name: string }[],
  bytesOf: new Map<string, () => Uint8Array>(),
  onmessage: null as ((ev: { data: unknown }) => void) | null,
}));
vi.mock('@client/stores/layers.worker?worker', () => ({
  default: class {
    set onmessage(f: (ev: { data: unknown }) => void) {
      worker.onmessage = f;
    }
    postMessage(req: WorkerRequest): void {
      if (req.type === 'load') worker.loads.push({ id: req.id, name: req.name });
    }
  },
}));

/** Answers the `i`th load asked so far (in asking order). */
async function answer(i: number, fail = false): Promise<void> {
  const { id, name } = worker.loads[i]!;
  const data: WorkerResponse = fail
    ? { type: 'error', id, message: 'HTTP 503' }
    : { type: 'loaded', id, name: name as 'cameras', bytes: worker.bytesOf.get(name)!().slice().buffer };
  worker.onmessage!({ data });
  await flush();
}
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await nextTick();
};

function camerasLayer(status: readonly string[]): Uint8Array {
  return encodePacked('cameras', 'point', 3, [
    { name: 'position', kind: 'numeric', data: new Float32Array(6), size: 2 },
    { name: 'id', kind: 'utf8', data: ['a', 'b', 'c'] },
    { name: 'name', kind: 'utf8', data: ['Gate A', 'Bridge B', ''] },
    { name: 'status', kind: 'dict', data: status },
    { name: 'streamUrl', kind: 'utf8', data: ['rtsp://a', '', 'rtsp://c'] },
  ]);
}
const districtsLayer = (): Uint8Array =>
  encodePacked('districts', 'point', 1, [{ name: 'code', kind: 'utf8', data: ['360102'] }]);

const cols: CameraTileColumns = {
  rows: new Map([
    ['a', 0],
    ['b', 1],
    ['c', 2],
  ]),
  names: ['Gate A', 'Bridge B', ''],
  status: ['online', 'offline', 'alarming'],
  urls: ['rtsp://a', '', 'rtsp://c'],
};

describe('camera tiles (pure)', () => {
  it('prefers the live status, falling back to the layer’s', () => {
    expect(shownCameraStatus('offline', 'online')).toBe('offline');
    expect(shownCameraStatus('online', 'offline')).toBe('online');
    expect(shownCameraStatus(undefined, 'offline')).toBe('offline');
    expect(shownCameraStatus(undefined, undefined)).toBeUndefined();
  });

  it('keeps the order asked, leaves out unknown ids, and reads offline from live over layer', () => {
    const live = new Map([
      ['a', 'offline'],
      ['b', 'online'],
    ]);
    expect(cameraTiles(['c', 'zz', 'b', 'a'], cols, (id) => live.get(id))).toEqual([
      { id: 'c', name: '', offline: false, streamUrl: 'rtsp://c' },
      { id: 'b', name: 'Bridge B', offline: false, streamUrl: null },
      { id: 'a', name: 'Gate A', offline: true, streamUrl: 'rtsp://a' },
    ]);
    expect(cameraTiles(['b'], cols, () => undefined)[0]!.offline).toBe(true);
  });

  it('compares tile lists by what they show', () => {
    const t = cameraTiles(['a', 'b'], cols, () => undefined);
    expect(
      sameTiles(
        t,
        cameraTiles(['a', 'b'], cols, () => undefined),
      ),
    ).toBe(true);
    expect(
      sameTiles(
        t,
        cameraTiles(['b', 'a'], cols, () => undefined),
      ),
    ).toBe(false);
    expect(
      sameTiles(
        t,
        cameraTiles(['a'], cols, () => undefined),
      ),
    ).toBe(false);
    expect(
      sameTiles(
        t,
        cameraTiles(['a', 'b'], cols, () => 'offline'),
      ),
    ).toBe(false);
  });
});

describe('the layer store and the tiles over it', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    worker.loads.length = 0;
    worker.bytesOf.set('cameras', () => camerasLayer(['online', 'offline', 'online']));
    worker.bytesOf.set('districts', districtsLayer);
  });

  it('reload(name) fetches that one layer again, and only when the screen holds it', async () => {
    const data = useLayerDataStore();
    void data.reload('cameras'); // not held yet: nothing asked
    expect(worker.loads).toHaveLength(0);
    void data.ensure(['cameras', 'districts']);
    await answer(0);
    await answer(1);
    const before = { cameras: data.layers.get('cameras'), districts: data.layers.get('districts') };
    expect(before.cameras?.strings('status')).toEqual(['online', 'offline', 'online']);

    worker.bytesOf.set('cameras', () => camerasLayer(['offline', 'online', 'online']));
    const done = data.reload('cameras');
    expect(worker.loads.map((l) => l.name)).toEqual(['cameras', 'districts', 'cameras']);
    expect(data.status.cameras).toBe('loading');
    expect(data.layers.get('cameras')).toBe(before.cameras); // kept until the new one is in
    await answer(2);
    await done;
    expect(data.status.cameras).toBe('ready');
    expect(data.layers.get('cameras')?.strings('status')).toEqual(['offline', 'online', 'online']);
    expect(data.layers.get('districts')).toBe(before.districts);

    void data.reloadAll();
    expect(
      worker.loads
        .slice(3)
        .map((l) => l.name)
        .sort(),
    ).toEqual(['cameras', 'districts']);
  });

  it('drops the reply to a load a newer reload overtook', async () => {
    const data = useLayerDataStore();
    void data.ensure(['cameras']);
    await answer(0);
    void data.reload('cameras'); // load 1
    void data.reload('cameras'); // load 2, asked later: it wins whichever answers first
    worker.bytesOf.set('cameras', () => camerasLayer(['online', 'online', 'offline']));
    await answer(2);
    expect(data.layers.get('cameras')?.strings('status')).toEqual(['online', 'online', 'offline']);
    worker.bytesOf.set('cameras', () => camerasLayer(['offline', 'offline', 'offline']));
    await answer(1); // late, and older: dropped
    expect(data.layers.get('cameras')?.strings('status')).toEqual(['online', 'online', 'offline']);
    expect(data.status.cameras).toBe('ready');
    void data.reload('cameras');
    await answer(3, true);
    expect(data.status.cameras).toBe('error');
  });

  it('tiles follow live status pushes, and fall back to the layer when they are cleared', async () => {
    const data = useLayerDataStore();
    const live = useCameraStatusStore();
    const ids = ref(['b', 'a', 'zz']);
    const scope = effectScope();
    const tiles = scope.run(() => useCameraTiles(ids))!;
    expect(tiles.value).toEqual([]);
    void data.ensure(['cameras']);
    await answer(0);
    const offline = (): Record<string, boolean> => Object.fromEntries(tiles.value.map((t) => [t.id, t.offline]));
    expect(offline()).toEqual({ b: true, a: false });

    live.apply({ cameras: [{ id: 'a', status: 'offline' }] });
    expect(offline()).toEqual({ b: true, a: true });
    live.apply({ cameras: [{ id: 'b', status: 'online' }] });
    expect(offline()).toEqual({ b: false, a: true });

    // A change to a camera no tile shows hands the screen the same list.
    const held = tiles.value;
    live.apply({ cameras: [{ id: 'c', status: 'offline' }] });
    expect(tiles.value).toBe(held);

    live.clear();
    expect(offline()).toEqual({ b: true, a: false });
    ids.value = ['a'];
    expect(tiles.value.map((t) => t.id)).toEqual(['a']);
    scope.stop();
  });
});
