/**
 * Wires the session into the rest of the client, once, at start:
 *  - HTTP: the CSRF token of the current session, and every `auth/required` answer ends it;
 *  - router: a guard that loads the session once, keeps pages behind it, and sends a user who
 *    must set up a second factor to the TOTP page; an ended session goes to the sign-in page with
 *    its reason and the path to come back to;
 *  - realtime: the socket runs only while a session is active (and has its second factor).
 */
import { watch } from 'vue';
import type { Pinia } from 'pinia';
import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router';
import { configureHttp } from '../api/http';
import { useSessionStore } from '../stores/session';
import { startRealtime, stopRealtime } from '../realtime/socket';
import { safeNext } from './next';
import { homePath } from './landing';

export function installSession(pinia: Pinia, router: Router): void {
  const session = useSessionStore(pinia);

  configureHttp({
    csrfToken: () => session.csrfToken,
    // A request answered "no session" while we thought we had one: it expired or was ended.
    onAuthRequired: () => {
      if (session.active) session.ended('expired');
    },
  });

  router.beforeEach(async (to) => {
    try {
      await session.ensureLoaded();
    } catch {
      // The hub cannot be reached: the sign-in page says so (and signs in once it is back). A wall
      // shows itself, stale, and comes back on its own (it asks the session again below).
      if (to.name === 'wall') return true;
      if (!to.meta.public) return toLogin(to, 'unreachable');
      return true;
    }
    if (to.name === 'login') {
      // Signed in already: on to the page; a wall's sign-in link still signs the display in.
      return session.active && !to.hash.includes('wall-token=') ? safeNext(to.query.next) : true;
    }
    if (to.meta.public) return true;
    const info = session.info;
    if (!info) return toLogin(to, session.endReason);
    if (info.mfaPending && to.name !== 'totp') return { name: 'totp' };
    // '/' (and an unknown path) redirect to the desk; a field unit's member starts on the field page.
    const home = homePath(info.user.role);
    if (home !== '/' && to.name === 'desk' && to.redirectedFrom) return home;
    if (to.meta.roles && !to.meta.roles.includes(info.user.role)) return home;
    return true;
  });

  // Ended while on a page (signed out, expired, revoked, changed): to the sign-in page, which says
  // why; a wall display to a plain screen that says so (nobody at a wall could sign in).
  watch(
    () => session.status,
    (status) => {
      if (status !== 'ended') return;
      const here = router.currentRoute.value;
      if (here.name === 'login' || here.name === 'wall-ended') return;
      if (here.name === 'wall' || session.info?.kind === 'wall' || wasWall)
        void router.replace({ name: 'wall-ended', query: { reason: session.endReason ?? 'ended' } });
      else void router.replace(toLogin(here, session.endReason));
    },
  );
  // Whether this screen was a wall display's (the session's info is gone once it ended).
  let wasWall = false;
  watch(
    () => session.info?.kind,
    (kind) => {
      if (kind) wasWall = kind === 'wall';
    },
    { immediate: true },
  );
  // A wall that started while the hub was away asks for its session again until it has one.
  setInterval(() => {
    if (router.currentRoute.value.name === 'wall' && session.status !== 'active' && session.status !== 'ended')
      void session.ensureLoaded().catch(() => undefined);
  }, 5_000);

  // Not while a second factor must be set up first: the hub answers nothing else until then.
  watch(
    () => session.active && session.info?.mfaPending === false,
    (live) => (live ? startRealtime(pinia) : stopRealtime()),
    { immediate: true },
  );
}

function toLogin(from: RouteLocationNormalized, reason: string | null): RouteLocationRaw {
  const query: Record<string, string> = {};
  if (reason) query.reason = reason;
  // After signing out, the next person starts from the start; otherwise come back here. A page
  // reached by a redirect ('/' → the desk) comes back to what was asked, so that each role's
  // own start page applies after signing in (a field unit's member: the field page).
  const next = safeNext((from.redirectedFrom ?? from).fullPath, '');
  if (reason !== 'logout' && next && next !== '/') query.next = next;
  return { name: 'login', query };
}
