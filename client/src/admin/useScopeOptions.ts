/**
 * The scopes an admin can pick: the city and its districts (from the world summary), plus any
 * deeper region code typed by hand (street 9, community 12, grid 15 digits).
 */
import { computed, onMounted } from 'vue';
import type { SelectOption } from 'naive-ui';
import { regionCode, scopePrefix } from '@shared/auth';
import { useWorldStore } from '../stores/world';

export function useScopeOptions() {
  const world = useWorldStore();
  onMounted(() => void world.ensureLoaded());

  const options = computed<SelectOption[]>(() => {
    const s = world.summary;
    if (!s) return [];
    return [
      { value: s.city.code, label: `${s.city.name} (${s.city.code})` },
      ...s.districts.map((d) => ({ value: d.code, label: `${s.city.name} › ${d.name} (${d.code})` })),
    ];
  });

  /** The 6-digit code (city or district) a deeper code lies in, if it is one of the options. */
  function baseOf(code: string): string | null {
    if (!world.summary) return null;
    const codes = [world.summary.city.code, ...world.summary.districts.map((d) => d.code)];
    if (codes.includes(code)) return code;
    const district = world.summary.districts.find((d) => code.startsWith(d.code));
    return district?.code ?? null;
  }

  /** Whether a hand-typed deeper code is a region code below `base`. */
  function deeperValid(base: string | null, code: string): boolean {
    return code.length > 6 && regionCode.safeParse(code).success && (!base || code.startsWith(scopePrefix(base)));
  }

  return { options, baseOf, deeperValid };
}
