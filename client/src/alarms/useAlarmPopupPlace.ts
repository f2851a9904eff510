/**
 * Measures where the popup stack may go (popupPlace.ts decides): the box it lives in (the map's),
 * the popups' heights, and what it must not cover: the map's buttons (`.maplibregl-ctrl`), anything
 * marked `data-popup-avoid` (cards, the incident panel, notices on the map), and an open dialog,
 * which holds every popup until it closes (they would sit under its mask, unseen).
 *
 * Measured again when the popups change, the box is resized, or the page's elements come and go
 * (a card opens, a dialog is teleported in), at most once a frame, and only while there are
 * popups: an idle desk measures nothing.
 */
import { computed, nextTick, onBeforeUnmount, shallowRef, watch, type Ref } from 'vue';
import { useMutationObserver, useResizeObserver } from '@vueuse/core';
import { fitStack, type Rect, type StackFit } from './popupPlace';

/** The popups' width (px): AlarmPopupStack draws them this wide. */
export const POPUP_WIDTH = 300;

/** What the stack must not cover. */
const AVOID = '[data-popup-avoid], .maplibregl-ctrl';
/** An open modal dialog (Naive UI's, or any that says so). */
const DIALOG = '.n-modal, [role="dialog"][aria-modal="true"]';

const rectOf = (r: DOMRect): Rect => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
const shows = (el: Element): boolean => el.getClientRects().length > 0;

/**
 * `stack` holds the popups on screen and `held` those waiting (hidden, the same width, there to be
 * measured), in that order: together, the candidates newest first.
 */
export function useAlarmPopupPlace(
  stack: Ref<HTMLElement | null>,
  held: Ref<HTMLElement | null>,
  count: Ref<number>,
): Ref<StackFit | null> {
  const fit = shallowRef<StackFit | null>(null);
  const box = computed(() => stack.value?.parentElement ?? null);

  function measure(): void {
    const el = stack.value;
    const parent = box.value;
    const waiting = held.value;
    if (!el || !waiting || !parent || count.value === 0) {
      fit.value = null;
      return;
    }
    if ([...document.querySelectorAll(DIALOG)].some(shows)) {
      fit.value = null;
      return;
    }
    const b = rectOf(parent.getBoundingClientRect());
    const obstacles = [...document.querySelectorAll(AVOID)]
      .filter((o) => !el.contains(o) && !waiting.contains(o) && shows(o))
      .map((o) => rectOf(o.getBoundingClientRect()));
    const heights = [...el.children, ...waiting.children].map((c) => c.getBoundingClientRect().height);
    const next = fitStack(b, obstacles, heights, POPUP_WIDTH);
    const prev = fit.value;
    // The same answer keeps the same object: nothing downstream re-runs.
    if (next?.n !== prev?.n || next?.left !== prev?.left || next?.top !== prev?.top) fit.value = next;
  }

  let frame = 0;
  function schedule(): void {
    if (frame || count.value === 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      measure();
    });
  }

  useResizeObserver(box, schedule);
  useMutationObserver(() => (count.value > 0 ? document.body : null), schedule, { childList: true, subtree: true });
  watch(count, () => void nextTick(schedule), { immediate: true });
  onBeforeUnmount(() => cancelAnimationFrame(frame));
  return fit;
}
