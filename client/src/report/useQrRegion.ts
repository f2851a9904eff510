/**
 * The grid or community of the QR code the citizen scanned (?region=<code>): its name for the
 * header, and the code to send with the report once the hub knows it.
 */
import { computed, ref, watch } from 'vue';
import { useRoute } from 'vue-router';
import { getRegionName } from './api';

const REGION = /^(\d{12}|\d{15})$/;

export function useQrRegion() {
  const route = useRoute();
  const asked = computed(() => {
    const r = route.query.region;
    return typeof r === 'string' && REGION.test(r) ? r : null;
  });
  const name = ref<string | null>(null);
  /** The code was given but the hub does not know it (or could not say). */
  const unknown = ref(false);

  watch(
    asked,
    async (code, _old, onCleanup) => {
      name.value = null;
      unknown.value = false;
      if (!code) return;
      const ctrl = new AbortController();
      onCleanup(() => ctrl.abort());
      try {
        name.value = (await getRegionName(code, ctrl.signal)).name;
      } catch {
        if (!ctrl.signal.aborted) unknown.value = true;
      }
    },
    { immediate: true },
  );

  /** Sent with the report only when the hub named it. */
  const regionCode = computed(() => (name.value ? asked.value : null));

  return { asked, name, unknown, regionCode };
}
