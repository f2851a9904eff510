/**
 * The unit's position to the hub (POST /field/position) while the switch is on: the phone's
 * GPS, at most every 10 s (position.ts decides), the last time sent shown. The switch is
 * remembered on this phone.
 */
import { ref, watch } from 'vue';
import { useIntervalFn, useLocalStorage } from '@vueuse/core';
import { useReportErrorText } from '../report/useReportErrorText';
import { useGeoFix } from '../report/parts/useGeoFix';
import { sendPosition } from './api';
import { positionBodyOf, shouldSend } from './position';

const CHECK_MS = 1_000;

export function usePositionSender() {
  const errorText = useReportErrorText();
  const enabled = useLocalStorage('field.sendPosition', true);
  const geo = useGeoFix();
  /** When the hub last took a position from this phone (ms), for the screen. */
  const lastSentAt = ref<number | null>(null);
  const error = ref<string | null>(null);
  /** When the last try was made, sent or not: a failure is tried again an interval later, not at every new fix. */
  let lastTryAt: number | null = null;
  let sending = false;

  async function trySend(): Promise<void> {
    const fix = geo.fix.value;
    if (!enabled.value || sending || !fix || !shouldSend(fix, lastTryAt, Date.now())) return;
    sending = true;
    lastTryAt = Date.now();
    try {
      await sendPosition(positionBodyOf(fix));
      lastSentAt.value = Date.now();
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    } finally {
      sending = false;
    }
  }

  // Checked more often than the interval, so a phone standing still sends every 10 s, not every 20.
  const tick = useIntervalFn(() => void trySend(), CHECK_MS, { immediate: false });
  watch(
    enabled,
    (on) => {
      if (on) {
        geo.start();
        tick.resume();
      } else {
        geo.stop();
        tick.pause();
        error.value = null;
      }
    },
    { immediate: true },
  );
  // A new reading goes out as soon as the interval allows.
  watch(geo.fix, () => void trySend());

  return { enabled, geo, lastSentAt, error };
}
