/**
 * The hub ends a person's session after 30 minutes without a request. A dispatcher watching the
 * map and moving the mouse is at work all the same: on user activity, ask the hub for the session
 * (which resets its idle timer) at most once a minute. A wall display's session has no idle timeout.
 */
import { watch } from 'vue';
import { useIdle } from '@vueuse/core';
import { useSessionStore } from '../stores/session';

const REFRESH_EVERY_MS = 60_000;

export function useSessionKeepAlive(): void {
  const session = useSessionStore();
  const { lastActive } = useIdle(REFRESH_EVERY_MS);
  let lastRefresh = Date.now();

  watch(lastActive, (at) => {
    const info = session.info;
    if (!info || info.kind === 'wall' || info.idleTimeoutSec === null) return;
    if (at - lastRefresh < REFRESH_EVERY_MS) return;
    lastRefresh = at;
    // An ended session is handled by the 401 handler; a hub that is down is the indicator's news.
    session.load().catch(() => undefined);
  });

  // A fresh sign-in counts as a request.
  watch(
    () => session.info?.csrfToken,
    () => (lastRefresh = Date.now()),
  );
}
