/** While the hub starts (database, migrations, demo city seeding) the screen says so, check by check. */
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import type { Readiness } from '@shared/api';
import { ErrorCode } from '@shared/errors';
import { useHubStore } from '../stores/hub';
import { useWorldStore } from '../stores/world';

type CheckName = keyof Readiness['checks'];
const CHECKS: CheckName[] = ['database', 'migrations', 'demoData'];

export function useHubReadiness() {
  const hub = useHubStore();
  const world = useWorldStore();
  const { t } = useI18n();

  // The socket's readiness is the freshest; a 503 from the summary tells the same before the socket is up.
  const starting = computed(() =>
    hub.readiness ? !hub.readiness.ready : world.error?.code === ErrorCode.ServiceNotReady,
  );

  const checks = computed(() => {
    const r = hub.readiness;
    if (!r) return [];
    return CHECKS.map((name) => ({
      name,
      label: t(`readiness.${name}`),
      state: r.checks[name],
      stateLabel: t(`readiness.${r.checks[name]}`),
    }));
  });

  return {
    starting,
    checks,
    failed: computed(() => checks.value.some((c) => c.state === 'failed')),
    detail: computed(() => hub.readiness?.detail ?? null),
  };
}
