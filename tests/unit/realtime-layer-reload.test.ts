import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { HubHello } from '@shared/events';
import { encodePacked } from '@shared/packed';
import { startRealtime, stopRealtime } from '@client/realtime/socket';
import { useLayerDataStore } from '@client/stores/layerData';
import { useCameraStatusStore } from '@client/stores/cameraStatus';
import type { WorkerRequest } from '@client/stores/layers.worker';

/** The socket, faked: the test plays the hub's events to the handlers the module registers. */
const fake = vi.hoisted(() => ({
  handlers: new Map<string, (...args: unknown[]) => void>(),
  loads: [] as { id: number; name: string }[],
  onmessage: null as ((ev: { data: unknown }) => void) | null,
}));
vi.mock('socket.io-client', () => ({
  io: () => ({
    on(event: string, f: (...args: unknown[]) => void) {
      fake.handlers.set(event, f);
    },
    emit: () => undefined,
    connect: () => undefined,
    disconnect: () => undefined,
    removeAllListeners: () => undefined,
    active: true,
    connected: true,
  }),
}));
vi.mock('@client/stores/layers.worker?worker', () => ({
  default: class {
    set onmessage(f: (ev: { data: unknown }) => void) {
      fake.onmessage = f;
    }
    postMessage(req: WorkerRequest): void {
      if (req.type === 'load') fake.loads.push({ id: req.id, name: req.name });
    }
  },
}));

const bytes = (): ArrayBuffer =>
  encodePacked('x', 'point', 1, [{ name: 'id', kind: 'utf8', data: ['a'] }]).slice().buffer;
async function answerAll(): Promise<void> {
  for (const { id, name } of fake.loads.splice(0))
    fake.onmessage!({ data: { type: 'loaded', id, name, bytes: bytes() } });
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
const hello = (bootId: string): HubHello => ({
  bootId,
  startedAt: '2026-01-01T00:00:00Z',
  // Not ready: the world store is left alone (its reload is another test's business).
  readiness: { ready: false, checks: { database: 'ok', migrations: 'ok', demoData: 'pending' } },
});
const greet = (bootId: string): void => fake.handlers.get('hub:hello')!(hello(bootId));

describe('static layers after a reconnect or a hub restart', () => {
  let pinia: Pinia;
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    fake.handlers.clear();
    fake.loads.length = 0;
  });
  afterEach(() => stopRealtime());

  async function held(): Promise<ReturnType<typeof useLayerDataStore>> {
    const data = useLayerDataStore(pinia);
    const loaded = data.ensure(['cameras', 'districts']);
    await answerAll();
    await loaded;
    return data;
  }

  it('a mere reconnect reloads the cameras layer alone, then drops the overrides it holds', async () => {
    const data = await held();
    const live = useCameraStatusStore(pinia);
    startRealtime(pinia);
    greet('boot-1');
    expect(fake.loads).toHaveLength(0); // the first hello: what the screen loaded is current
    live.apply({ cameras: [{ id: 'a', status: 'offline' }] });
    greet('boot-1');
    expect(fake.loads.map((l) => l.name)).toEqual(['cameras']);
    live.apply({ cameras: [{ id: 'b', status: 'offline' }] }); // pushed after the reload was asked
    const districts = data.layers.get('districts');
    await answerAll();
    expect(data.layers.get('districts')).toBe(districts);
    expect(live.statusOf('a')).toBeUndefined();
    expect(live.statusOf('b')).toBe('offline');
  });

  it('a restarted hub (new bootId) reloads every layer the screen holds', async () => {
    await held();
    startRealtime(pinia);
    greet('boot-1');
    greet('boot-2');
    expect(fake.loads.map((l) => l.name).sort()).toEqual(['cameras', 'districts']);
    await answerAll();
  });

  it('a reconnect with no cameras layer held reloads nothing', async () => {
    const data = useLayerDataStore(pinia);
    const loaded = data.ensure(['districts']);
    await answerAll();
    await loaded;
    startRealtime(pinia);
    greet('boot-1');
    greet('boot-1');
    expect(fake.loads).toHaveLength(0);
  });
});
