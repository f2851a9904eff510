/**
 * One request at a time, for a panel that asks the hub again when what it shows changes (a page of
 * a list, the open incident's proposal or merge candidates, the field unit's home): a new request
 * aborts the one before, `loading` follows the latest, an abort is no error, and an answer to a
 * request that was overtaken is dropped.
 */
import { ref } from 'vue';
import { isAbort } from '../api/http';
import { useErrorText } from './useErrorText';

/** `errorText`: how a failure reads (the phone pages word some errors their own way). */
export function useLatestRequest(errorText: (e: unknown) => string = useErrorText()) {
  const loading = ref(false);
  /** Why the latest request failed (null once one succeeds). */
  const error = ref<string | null>(null);
  let current: AbortController | null = null;

  /** Asks; `apply` takes the answer unless a newer request overtook it. Never throws. */
  async function run<T>(request: (signal: AbortSignal) => Promise<T>, apply: (answer: T) => void): Promise<void> {
    current?.abort();
    const ctrl = new AbortController();
    current = ctrl;
    loading.value = true;
    try {
      const answer = await request(ctrl.signal);
      if (ctrl.signal.aborted) return;
      apply(answer);
      error.value = null;
    } catch (e) {
      if (!isAbort(e) && !ctrl.signal.aborted) error.value = errorText(e);
    } finally {
      if (current === ctrl) {
        current = null;
        loading.value = false;
      }
    }
  }

  /** Abandons the request under way (its answer is dropped). */
  function cancel(): void {
    current?.abort();
    current = null;
    loading.value = false;
  }

  return { loading, error, run, cancel };
}
