/** The overview's view of the world summary: what to show, whether it is loading, what went wrong. */
import { computed, onMounted } from 'vue';
import { useI18n } from 'vue-i18n';
import { ErrorCode } from '@shared/errors';
import { ClientErrorCode, type ApiError } from '../api/http';
import { useWorldStore } from '../stores/world';

export function useWorldSummary() {
  const world = useWorldStore();
  const { t } = useI18n();

  onMounted(() => {
    void world.ensureLoaded();
  });

  const summary = computed(() => world.summary);

  function describe(e: ApiError): string | null {
    // Not an error for the user: the readiness notice says the hub is still starting.
    if (e.code === ErrorCode.ServiceNotReady) return null;
    if (e.code === ClientErrorCode.Unreachable) return t('error.unreachable');
    if (e.code === ClientErrorCode.BadResponse) return `${t('error.badResponse')} (${e.message})`;
    // Any other hub error: its own message and code, as the hub wrote them.
    return `${e.message} [${e.code}]`;
  }

  const errorMessage = computed(() => (world.error ? describe(world.error) : null));

  return {
    summary,
    /** First load still running: nothing to show yet. */
    loading: computed(() => world.status === 'loading' && summary.value === null),
    errorMessage,
    /** An error, but an older summary is still on screen. */
    stale: computed(() => errorMessage.value !== null && summary.value !== null),
    title: computed(() => (summary.value ? t('app.cityTitle', { city: summary.value.city.name }) : t('app.title'))),
    retry: () => world.reload(),
  };
}
