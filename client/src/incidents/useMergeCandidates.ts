/**
 * What the open incident might be the same thing as (GET /merge-candidates): other incidents
 * (merge this into that, or that into this) and alarms (link them). Asked when the incident opens
 * and again after each change of it.
 */
import { shallowRef, watch } from 'vue';
import type { MergeCandidate } from '@shared/incidents';
import { useLatestRequest } from '../common/useLatestRequest';
import { useIncidentStore } from '../stores/incidents';
import { getIncident, getMergeCandidates } from './api';
import { useIncidentDetail } from './useIncidentDetail';

export function useMergeCandidates() {
  const store = useIncidentStore();
  const { detail, act, attach } = useIncidentDetail();
  const candidates = shallowRef<MergeCandidate[]>([]);
  const { loading, error, run, cancel } = useLatestRequest();

  watch(
    () => {
      const i = detail.value?.incident;
      return i ? `${i.id}|${i.version}` : null;
    },
    async (k) => {
      const id = k?.split('|')[0];
      if (!id) {
        cancel();
        candidates.value = [];
        return;
      }
      await run(
        (signal) => getMergeCandidates(id, signal),
        (c) => (candidates.value = c),
      );
    },
    { immediate: true },
  );

  /** Merge the open incident into the candidate (it ends as 'merged'). */
  function intoThat(c: MergeCandidate): Promise<boolean> {
    return act('merge', { intoId: c.id });
  }

  /** Merge the candidate into the open incident: an action on the candidate, at the version the screen knows of it. */
  async function intoThis(c: MergeCandidate): Promise<boolean> {
    const here = detail.value?.incident;
    if (!here) return false;
    const other = store.byId.get(c.id) ?? (await getIncident(c.id).catch(() => null))?.incident;
    if (!other) return false;
    return act('merge', { intoId: here.id }, other);
  }

  return { candidates, loading, error, intoThat, intoThis, attach: (c: MergeCandidate) => attach(c.id) };
}
