/**
 * One report's progress for the citizen: fetched by its tracking code, again every 15 s while
 * the page is visible (and at once when it becomes visible again), and the citizen's rating.
 */
import { computed, ref, shallowRef, watch, type Ref } from 'vue';
import { useDocumentVisibility, useIntervalFn } from '@vueuse/core';
import type { CitizenStatus } from '@shared/incidents';
import { ErrorCode } from '@shared/errors';
import { isAbort } from '../api/http';
import { errorCode, getReportStatus, rateReport } from './api';
import { isFinalPhase, phaseOf } from './steps';
import { useReportErrorText } from './useReportErrorText';

export const STATUS_POLL_MS = 15_000;

export function useReportStatus(code: Ref<string | null>) {
  const errorText = useReportErrorText();
  const status = shallowRef<CitizenStatus | null>(null);
  const notFound = ref(false);
  const error = ref<string | null>(null);
  const loading = ref(false);
  const rating = ref(false);
  const rateError = ref<string | null>(null);
  let inflight: AbortController | null = null;

  async function load(): Promise<void> {
    const c = code.value;
    if (!c) return;
    inflight?.abort();
    const ctrl = new AbortController();
    inflight = ctrl;
    loading.value = true;
    try {
      status.value = await getReportStatus(c, ctrl.signal);
      notFound.value = false;
      error.value = null;
    } catch (e) {
      if (isAbort(e)) return;
      if (errorCode(e) === ErrorCode.ReportNotFound) {
        notFound.value = true;
        status.value = null;
      } else {
        error.value = errorText(e);
      }
    } finally {
      if (inflight === ctrl) {
        inflight = null;
        loading.value = false;
      }
    }
  }

  const phase = computed(() => (status.value ? phaseOf(status.value.status) : null));
  /** Nothing more will happen: stop asking. */
  const finished = computed(
    () => notFound.value || (phase.value !== null && isFinalPhase(phase.value) && !status.value?.canRate),
  );

  const poll = useIntervalFn(() => void load(), STATUS_POLL_MS, { immediate: false });
  const visibility = useDocumentVisibility();
  watch(
    [code, visibility, finished],
    ([c, v, done], old) => {
      if (!c || v !== 'visible' || done) {
        poll.pause();
        return;
      }
      // A new code, or the page shown again: ask now, then every 15 s.
      if (!old || old[0] !== c || old[1] !== 'visible') void load();
      poll.resume();
    },
    { immediate: true },
  );

  async function rate(score: number, comment: string): Promise<boolean> {
    const c = code.value;
    if (!c || rating.value) return false;
    rating.value = true;
    rateError.value = null;
    try {
      status.value = await rateReport(c, { score, comment: comment.trim() });
      return true;
    } catch (e) {
      rateError.value = errorText(e);
      if (errorCode(e) === ErrorCode.IncidentIllegal) void load();
      return false;
    } finally {
      rating.value = false;
    }
  }

  return { status, phase, notFound, error, loading, finished, rating, rateError, load, rate };
}
