/**
 * The alarms this screen holds (issue 5), normalised by id. The socket module feeds it: live
 * batches (`applyBatch`) and the catch-up answers (`applySync`; when to ask, and the cursor, are
 * realtime/catchup.ts's). Every change of an alarm carries a higher `rev`; an incoming copy replaces
 * the held one only when its rev is higher, so a batch and a sync reply that cross in flight never
 * step an alarm back, and merging one twice is harmless.
 *
 * The map is a shallowRef replaced on every change (never mutated in place): watchers and the map
 * layer see one new object per batch, not one reactive write per alarm.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { API_PREFIX } from '../../../shared/api';
import { alarmView, type AlarmBatch, type AlarmStatus, type AlarmSyncReply, type AlarmView } from '../../../shared/alarms';
import type { EventType } from '../../../shared/ingest';
import { sendJson } from '../api/http';

export type AlarmAction = 'acknowledge' | 'false_alarm';
export const OPEN_STATUSES: readonly AlarmStatus[] = ['new', 'acknowledged'];
export const isOpen = (a: AlarmView): boolean => OPEN_STATUSES.includes(a.status);

export interface AlarmFilters {
  type: EventType | null;
  /** A region code prefix ('' = everywhere the screen sees). */
  region: string;
  /** 'open' (new + acknowledged) or one status. */
  status: AlarmStatus | 'open';
}

const desc = (x: string, y: string): number => (x < y ? 1 : x > y ? -1 : 0);

/**
 * Priority ascending (1 first), then newest first. Pure: the queue and its tests share it.
 * A total order: the alarms one ingest batch raises share `createdAt`, so ties fall back to the
 * event's time, then the id; otherwise their order would follow arrival (live pushes come in rev
 * order, a snapshot in reverse) and differ between screens and after a reconnect.
 */
export function compareAlarms(a: AlarmView, b: AlarmView): number {
  return a.priority - b.priority || desc(a.createdAt, b.createdAt) || desc(a.event.at, b.event.at) || desc(a.id, b.id);
}

/**
 * Merges incoming alarms into `held`; returns the new map (`changed` false: nothing in it is newer)
 * and the alarms first seen, each as its newest view in `incoming`.
 */
export function mergeAlarms(held: ReadonlyMap<string, AlarmView>, incoming: readonly AlarmView[]): { next: Map<string, AlarmView>; added: AlarmView[]; changed: boolean } {
  const next = new Map(held);
  const addedIds: string[] = [];
  let changed = false;
  for (const a of incoming) {
    const prev = next.get(a.id);
    if (prev && prev.rev >= a.rev) continue;
    if (!prev) addedIds.push(a.id);
    next.set(a.id, a);
    changed = true;
  }
  // Read back from `next`: an id twice in one batch pops up with its latest status, not its first.
  const added = addedIds.map((id) => next.get(id)).filter((a): a is AlarmView => a !== undefined);
  return { next, added, changed };
}

export const useAlarmStore = defineStore('alarms', () => {
  const byId = shallowRef<ReadonlyMap<string, AlarmView>>(new Map());
  /** Set once the first sync reply is in: popups are for what arrives after it. */
  const synced = ref(false);
  const filters = ref<AlarmFilters>({ type: null, region: '', status: 'open' });
  /** The alarm picked in the queue or on the map (its marker is ringed). */
  const selectedId = ref<string | null>(null);
  /** Listeners of alarms that arrived live (not in a sync reply): the popups. */
  const arrivedListeners = new Set<(alarms: AlarmView[]) => void>();

  /** A live batch from the hub (its range is the catch-up's business). */
  function applyBatch(batch: Pick<AlarmBatch, 'alarms'>): void {
    const { next, added, changed } = mergeAlarms(byId.value, batch.alarms);
    if (changed) byId.value = next;
    // Before the first sync the screen holds nothing: everything would look new.
    const fresh = added.filter((a) => a.status === 'new');
    if (synced.value && fresh.length > 0) for (const l of arrivedListeners) l(fresh);
  }

  /**
   * An answer to alarm:sync: a delta merges; a snapshot replaces what the screen holds, except the
   * copies in `live` (pushed while it may have been read) that are newer than it: a snapshot read
   * before they were committed must not wipe them.
   */
  function applySync(reply: AlarmSyncReply, live: readonly AlarmView[] = []): void {
    if (reply.mode === 'snapshot') {
      const newer = live.filter((a) => a.rev > reply.rev);
      byId.value = mergeAlarms(new Map(reply.alarms.map((a) => [a.id, a])), newer).next;
    } else {
      const { next, changed } = mergeAlarms(byId.value, reply.alarms);
      if (changed) byId.value = next;
    }
    synced.value = true;
  }

  /** Signed out / session ended: nothing of it stays on screen. */
  function reset(): void {
    byId.value = new Map();
    synced.value = false;
    selectedId.value = null;
    filters.value = { type: null, region: '', status: 'open' };
  }

  /** Acknowledge or mark false on the hub; the answer (a higher rev) is applied at once. */
  async function act(id: string, action: AlarmAction): Promise<AlarmView> {
    const updated = await sendJson('POST', `${API_PREFIX}/alarms/${encodeURIComponent(id)}/actions`, { action }, alarmView);
    const { next, changed } = mergeAlarms(byId.value, [updated]);
    if (changed) byId.value = next;
    return updated;
  }

  function select(id: string | null): void {
    selectedId.value = id;
  }

  function setFilters(f: Partial<AlarmFilters>): void {
    filters.value = { ...filters.value, ...f };
  }

  /** Registers a listener of live arrivals; returns its removal. */
  function onArrived(fn: (alarms: AlarmView[]) => void): () => void {
    arrivedListeners.add(fn);
    return () => arrivedListeners.delete(fn);
  }

  const all = computed(() => [...byId.value.values()]);
  /** Open alarms (new, acknowledged), priority first, newest first. */
  const queue = computed(() => all.value.filter(isOpen).sort(compareAlarms));
  /** Open alarms per priority (1-4). */
  const counts = computed(() => {
    const c: Record<1 | 2 | 3 | 4, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
    for (const a of queue.value) c[a.priority as 1 | 2 | 3 | 4]++;
    return c;
  });
  /** What the queue panel lists: the filters applied, sorted like the queue. */
  const filtered = computed(() => {
    const f = filters.value;
    return all.value
      .filter((a) => (f.status === 'open' ? isOpen(a) : a.status === f.status))
      .filter((a) => f.type === null || a.event.type === f.type)
      .filter((a) => a.gridCode.startsWith(f.region))
      .sort(compareAlarms);
  });

  return {
    byId: computed(() => byId.value),
    synced: computed(() => synced.value),
    filters: computed(() => filters.value),
    selectedId: computed(() => selectedId.value),
    queue,
    counts,
    filtered,
    applyBatch,
    applySync,
    reset,
    act,
    setFilters,
    select,
    onArrived,
  };
});
