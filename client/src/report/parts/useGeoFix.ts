/**
 * The phone's position while asked for: VueUse's geolocation, started on demand (a page does
 * not ask for the permission before the person wants it), as a Fix or a reason there is none.
 */
import { computed, ref } from 'vue';
import { useGeolocation } from '@vueuse/core';
import { fixOf, geoProblem } from '../geo';

export function useGeoFix() {
  const secure = typeof window === 'undefined' || window.isSecureContext;
  const { coords, locatedAt, error, resume, pause, isSupported } = useGeolocation({
    immediate: false,
    enableHighAccuracy: true,
    maximumAge: 10_000,
  });
  const watching = ref(false);
  const asked = ref(false);

  const fix = computed(() => fixOf(coords.value, locatedAt.value));
  /** Why there is no position (only once asked). */
  const problem = computed(() =>
    asked.value ? geoProblem({ secure, supported: isSupported.value, errorCode: error.value?.code ?? null }) : null,
  );
  const locating = computed(() => watching.value && !problem.value && !fix.value);

  function start(): void {
    asked.value = true;
    if (watching.value) return;
    watching.value = true;
    resume();
  }

  function stop(): void {
    if (!watching.value) return;
    watching.value = false;
    pause();
  }

  return { fix, problem, locating, watching, start, stop };
}
