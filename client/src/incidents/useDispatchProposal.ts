/**
 * The open incident's dispatch proposal (GET /proposal: the nearest available units with distance
 * and ETA, the responsible department and its crews, the nearest cameras) and the units checked
 * for dispatch. Shared by the detail panel and the 'd' shortcut. Asked again when the incident's
 * status or its units change (who is available changes with them).
 */
import { computed, ref, shallowRef, watch } from 'vue';
import { createSharedComposable } from '@vueuse/core';
import type { DispatchProposal, UnitProposal } from '@shared/incidents';
import { useLatestRequest } from '../common/useLatestRequest';
import { getProposal } from './api';
import { useIncidentDetail } from './useIncidentDetail';

export const useDispatchProposal = createSharedComposable(() => {
  const { detail, act } = useIncidentDetail();
  const proposal = shallowRef<DispatchProposal | null>(null);
  const { loading, error, run, cancel } = useLatestRequest();
  /** Unit ids checked for the next dispatch. */
  const checked = ref<string[]>([]);

  const assigned = computed(
    () =>
      new Set(
        detail.value?.incident.assignments
          .filter((a) => a.status !== 'declined' && a.status !== 'released')
          .map((a) => a.unitId),
      ),
  );
  // What decides who is proposed: the incident, its status and its units.
  const key = computed(() => {
    const i = detail.value?.incident;
    return i ? `${i.id}|${i.status}|${[...assigned.value].join(',')}` : null;
  });

  watch(key, async (k, before) => {
    const id = detail.value?.incident.id;
    if (k === null || !id) {
      cancel();
      proposal.value = null;
      checked.value = [];
      return;
    }
    if (before?.split('|')[0] !== id) {
      proposal.value = null;
      checked.value = [];
    }
    await run(
      (signal) => getProposal(id, signal),
      (p) => {
        proposal.value = p;
        // Keep only checks of units still proposed.
        const ids = new Set([...p.units, ...p.departmentUnits].map((u) => u.unitId));
        checked.value = checked.value.filter((u) => ids.has(u));
      },
    );
  });

  /** The first proposed unit not assigned yet (what 'd' sends when nothing is checked). */
  const first = computed<UnitProposal | null>(() => {
    const p = proposal.value;
    if (!p) return null;
    return [...p.units, ...p.departmentUnits].find((u) => !assigned.value.has(u.unitId)) ?? null;
  });

  function toggle(unitId: string, on: boolean): void {
    checked.value = on ? [...new Set([...checked.value, unitId])] : checked.value.filter((u) => u !== unitId);
  }

  /** Dispatches the checked units, or the first proposed one when none is checked. */
  async function dispatch(): Promise<boolean> {
    const unitIds = checked.value.length ? [...checked.value] : first.value ? [first.value.unitId] : [];
    if (unitIds.length === 0) return false;
    const ok = await act('dispatch', { unitIds });
    if (ok) checked.value = [];
    return ok;
  }

  return { proposal, loading, error, checked, assigned, first, toggle, dispatch };
});
