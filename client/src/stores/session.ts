/**
 * Who is signed in on this screen: the hub's SessionInfo (or null) and how we got there.
 *
 * status: 'unknown' (not asked yet) → 'loading' → 'active' (signed in) | 'anonymous' (no session)
 * → 'ended' (the hub ended it, or we signed out; `endReason` says why, the sign-in page shows it).
 * The socket module starts and stops on `active`; the router guard waits for `ensureLoaded()`.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { API_PREFIX } from '@shared/api';
import { sessionInfo, type LoginBody, type SessionInfo } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import type { SessionEndReason } from '@shared/events';
import { ApiError, getJson, sendJson, sendVoid } from '../api/http';

export type SessionStatus = 'unknown' | 'loading' | 'active' | 'anonymous' | 'ended';

export const AUTH = `${API_PREFIX}/auth`;

export const useSessionStore = defineStore('session', () => {
  const info = shallowRef<SessionInfo | null>(null);
  const status = ref<SessionStatus>('unknown');
  const endReason = ref<SessionEndReason | null>(null);
  /** True once any session was active in this page: data on screen may belong to someone else. */
  const heldData = ref(false);
  let loading: Promise<void> | null = null;

  function apply(next: SessionInfo): void {
    info.value = next;
    status.value = 'active';
    endReason.value = null;
    heldData.value = true;
  }

  /** Asks the hub who we are: active with its SessionInfo, or anonymous on 401. */
  function load(): Promise<void> {
    loading ??= (async () => {
      if (status.value !== 'active') status.value = 'loading';
      try {
        apply(await getJson(`${AUTH}/session`, sessionInfo));
      } catch (e) {
        if (e instanceof ApiError && e.code === ErrorCode.AuthRequired) {
          // A session we had and lost says why (the 401 handler set it); none at all is anonymous.
          // (status may have changed while we waited: read it afresh.)
          if ((status.value as SessionStatus) !== 'ended') {
            info.value = null;
            status.value = 'anonymous';
          }
          return;
        }
        // The hub is unreachable or broken: keep what we had; a first load stays unknown-ish.
        if (status.value === 'loading') status.value = info.value ? 'active' : 'unknown';
        throw e;
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  /** Loads once per page (the router guard's entry). */
  function ensureLoaded(): Promise<void> {
    if (status.value === 'unknown') return load();
    return loading ?? Promise.resolve();
  }

  /** Signs in with a password (and `otp` when the hub asked for it); throws the hub's ApiError. */
  async function login(body: LoginBody): Promise<SessionInfo> {
    const next = await sendJson('POST', `${AUTH}/login`, body, sessionInfo);
    apply(next);
    return next;
  }

  /** Signs a wall display in with its token. */
  async function wallLogin(token: string): Promise<SessionInfo> {
    const next = await sendJson('POST', `${AUTH}/wall`, { token }, sessionInfo);
    apply(next);
    return next;
  }

  /** Signs out here; the hub ends this session's sockets (other tabs get 'auth:ended'). */
  async function logout(): Promise<void> {
    try {
      await sendVoid('POST', `${AUTH}/logout`);
    } catch (e) {
      // Already gone on the hub: signed out all the same.
      if (!(e instanceof ApiError && e.code === ErrorCode.AuthRequired)) throw e;
    }
    ended('logout');
  }

  /** The session is over (signed out, expired, revoked, changed); the first reason given stays. */
  function ended(reason: SessionEndReason): void {
    if (status.value === 'ended' || status.value === 'anonymous') return;
    info.value = null;
    status.value = 'ended';
    endReason.value = reason;
  }

  /** After TOTP setup or a refresh: the hub's newer view of this session. */
  function replace(next: SessionInfo): void {
    apply(next);
  }

  return {
    info: computed(() => info.value),
    user: computed(() => info.value?.user ?? null),
    status: computed(() => status.value),
    active: computed(() => status.value === 'active'),
    endReason: computed(() => endReason.value),
    heldData: computed(() => heldData.value),
    csrfToken: computed(() => info.value?.csrfToken ?? null),
    isAdmin: computed(() => info.value?.user.role === 'admin'),
    load,
    ensureLoaded,
    login,
    wallLogin,
    logout,
    ended,
    replace,
  };
});
