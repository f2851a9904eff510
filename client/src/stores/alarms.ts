/**
 * The alarms this screen holds (issue 5), normalised by id, and the desk's choices about them
 * (filters, the selected one). The socket module feeds it: live batches (`applyBatch`) and the
 * catch-up answers (`applySync`; when to ask, and the cursor, are realtime/catchup.ts's). The merge
 * by rev is revCollection.ts's, shared with the incidents; the alarms keep every copy they are sent
 * (the status filter lists closed ones too), except that a screen left running (the wall) lets go of
 * alarms closed long ago (`pruneClosed`).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { API_PREFIX } from '@shared/api';
import { alarmView, type AlarmStatus, type AlarmView } from '@shared/alarms';
import type { EventType } from '@shared/ingest';
import { sendJson } from '../api/http';
import { useRevCollection, type SyncItems } from './revCollection';

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

export const useAlarmStore = defineStore('alarms', () => {
  const collection = useRevCollection<AlarmView>();
  const { byId, synced } = collection;
  const filters = ref<AlarmFilters>({ type: null, region: '', status: 'open' });
  /** The alarm picked in the queue or on the map (its marker is ringed). */
  const selectedId = ref<string | null>(null);
  /** Listeners of alarms that arrived live (not in a sync reply): the popups. */
  const arrivedListeners = new Set<(alarms: AlarmView[]) => void>();

  /** A live batch from the hub (its range is the catch-up's business). */
  function applyBatch(alarms: readonly AlarmView[]): void {
    const { added } = collection.merge(alarms);
    // Before the first sync the screen holds nothing: everything would look new.
    const fresh = added.filter((a) => a.status === 'new');
    if (synced.value && fresh.length > 0) for (const l of arrivedListeners) l(fresh);
  }

  /**
   * An answer to alarm:sync: a delta merges; a snapshot replaces what the screen holds, except the
   * copies in `live` (pushed while it may have been read) that are newer than it.
   */
  function applySync(reply: SyncItems<AlarmView>, live: readonly AlarmView[] = []): void {
    collection.applySync(reply, live);
  }

  /** Signed out / session ended: nothing of it stays on screen. */
  function reset(): void {
    collection.reset();
    selectedId.value = null;
    filters.value = { type: null, region: '', status: 'open' };
  }

  /** Acknowledge or mark false on the hub; the answer (a higher rev) is applied at once. */
  async function act(id: string, action: AlarmAction): Promise<AlarmView> {
    const updated = await sendJson(
      'POST',
      `${API_PREFIX}/alarms/${encodeURIComponent(id)}/actions`,
      { action },
      alarmView,
    );
    collection.merge([updated]);
    return updated;
  }

  function select(id: string | null): void {
    selectedId.value = id;
  }

  function setFilters(f: Partial<AlarmFilters>): void {
    filters.value = { ...filters.value, ...f };
  }

  /** Lets go of alarms closed (not new or acknowledged) more than `ms` ago; returns how many. */
  function pruneClosed(ms: number, now = Date.now()): number {
    return collection.prune((a) => !isOpen(a) && now - Date.parse(a.updatedAt) > ms);
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
  /**
   * What the coverage-gap alarms say now, as one string that changes whenever one opens, grows (a
   * district's alarm counts its gap grids) or closes: the coverage store asks for the gaps again.
   */
  const gapSignature = computed(() =>
    all.value
      .filter((a) => a.event.type === 'coverage_gap' && isOpen(a))
      .map((a) => `${a.id}:${a.count}`)
      .sort()
      .join(','),
  );
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
    byId,
    synced,
    filters: computed(() => filters.value),
    selectedId: computed(() => selectedId.value),
    queue,
    counts,
    gapSignature,
    filtered,
    applyBatch,
    applySync,
    reset,
    act,
    setFilters,
    select,
    onArrived,
    pruneClosed,
  };
});
