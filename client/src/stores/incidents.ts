/**
 * The open incidents in this screen's scope (issue 6), normalised by id, and the desk's choices
 * about them (filters, sort, the selected one, the one whose detail is open). The socket module
 * feeds it as it feeds the alarm store: live batches (`applyBatch`) and the catch-up answers
 * (`applySync`; when to ask, and the cursor, are realtime/catchup.ts's); answers to the desk's own
 * writes come in through `upsert`. The merge by rev is revCollection.ts's; unlike the alarms, only
 * open incidents are held: closed, merged and cancelled ones leave (and a late copy of their past
 * cannot bring them back).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { OPEN_STATUSES } from '@shared/incident-machine';
import type { IncidentView } from '@shared/incidents';
import { DEFAULT_FILTERS, listIncidents, type IncidentFilters, type IncidentSort } from './incidentList';
import { useRevCollection, type SyncItems } from './revCollection';

export const isOpenIncident = (i: Pick<IncidentView, 'status'>): boolean => OPEN_STATUSES.has(i.status);

export const useIncidentStore = defineStore('incidents', () => {
  const collection = useRevCollection<IncidentView>(isOpenIncident);
  const { byId, synced } = collection;
  const filters = ref<IncidentFilters>({ ...DEFAULT_FILTERS });
  const sort = ref<IncidentSort>('priority');
  /** The incident picked in the list or on the map. */
  const selectedId = ref<string | null>(null);
  /** The incident whose detail panel is open (also a closed one, from the history). */
  const openId = ref<string | null>(null);

  /** A live batch from the hub (its range is the catch-up's business). */
  function applyBatch(incidents: readonly IncidentView[]): void {
    collection.merge(incidents);
  }

  /**
   * An answer to incident:sync: a delta merges, a snapshot replaces, keeping the copies in `live`
   * (pushed while it may have been read) that are newer than it.
   */
  function applySync(reply: SyncItems<IncidentView>, live: readonly IncidentView[] = []): void {
    collection.applySync(reply, live);
  }

  /** What the hub answered to one of our writes (or a 409's current copy): merged by rev like a push. */
  function upsert(incident: IncidentView): void {
    collection.merge([incident]);
  }

  /** Signed out / session ended: nothing of it stays on screen. */
  function reset(): void {
    collection.reset();
    selectedId.value = null;
    openId.value = null;
    filters.value = { ...DEFAULT_FILTERS };
  }

  /** The list's rows (the held open incidents; the history is asked from the hub). */
  const filtered = computed(() => listIncidents(byId.value.values(), filters.value, sort.value));
  /** Open incidents per priority (1-4), and how many are flagged. */
  const counts = computed(() => {
    const c = { 1: 0, 2: 0, 3: 0, 4: 0, flagged: 0, total: 0 };
    for (const i of byId.value.values()) {
      c[i.priority as 1 | 2 | 3 | 4]++;
      if (i.flagged) c.flagged++;
      c.total++;
    }
    return c;
  });

  return {
    byId,
    synced,
    filters: computed(() => filters.value),
    sort: computed(() => sort.value),
    selectedId: computed(() => selectedId.value),
    openId: computed(() => openId.value),
    filtered,
    counts,
    applyBatch,
    applySync,
    upsert,
    reset,
    select(id: string | null): void {
      selectedId.value = id;
    },
    /** Opens the detail panel of an incident (and selects it); null closes it. */
    open(id: string | null): void {
      if (id !== null) selectedId.value = id;
      openId.value = id;
    },
    setFilters(f: Partial<IncidentFilters>): void {
      filters.value = { ...filters.value, ...f };
    },
    setSort(s: IncidentSort): void {
      sort.value = s;
    },
  };
});
