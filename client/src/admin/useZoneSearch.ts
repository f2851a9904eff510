/**
 * The zone picker's data: zones found as the admin types (a city-wide search, GET /zones), and the
 * names of the zones a rule already names (read by id once), so the chosen ones always show by name.
 */
import { computed, shallowRef, watch, type Ref } from 'vue';
import { useDebounceFn } from '@vueuse/core';
import type { ZoneSummary } from '@shared/zone-search';
import { useLatestRequest } from '../common/useLatestRequest';
import { searchZones } from './api';

const TYPING_PAUSE_MS = 250;

export function useZoneSearch(chosen: Ref<readonly string[]>, label: (z: ZoneSummary) => string) {
  const found = shallowRef<ZoneSummary[]>([]);
  /** Every zone seen, by id: the chosen ones keep their names when a new search replaces `found`. */
  const known = shallowRef<ReadonlyMap<string, ZoneSummary>>(new Map());
  const { loading, error, run } = useLatestRequest();
  const names = useLatestRequest();

  const remember = (zones: readonly ZoneSummary[]) => {
    if (zones.length) known.value = new Map([...known.value, ...zones.map((z) => [z.id, z] as const)]);
  };

  const search = useDebounceFn((q: string) => {
    void run(
      (signal) => searchZones({ q: q.trim() || undefined }, signal),
      (zones) => {
        remember(zones);
        found.value = zones;
      },
    );
  }, TYPING_PAUSE_MS);

  watch(
    chosen,
    (ids) => {
      const unknown = ids.filter((id) => !known.value.has(id));
      if (unknown.length) void names.run((signal) => searchZones({ ids: unknown }, signal), remember);
    },
    { immediate: true },
  );

  const options = computed(() => {
    const seen = new Set<string>();
    const out: { value: string; label: string }[] = [];
    // The chosen first, by name when known (an id no zone has shows as it is: the hub refuses it).
    for (const id of chosen.value) {
      const z = known.value.get(id);
      out.push({ value: id, label: z ? label(z) : id });
      seen.add(id);
    }
    for (const z of found.value) if (!seen.has(z.id)) out.push({ value: z.id, label: label(z) });
    return out;
  });

  return { options, loading, error, search };
}
