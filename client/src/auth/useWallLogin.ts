/**
 * A wall display signs in with its token: typed, or from the admin's sign-in link
 * `/login#wall-token=<secret>`, whose fragment is wiped from the address bar and the history entry
 * before anything else happens.
 */
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ErrorCode } from '@shared/errors';
import { ApiError } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { useSessionStore } from '../stores/session';
import { useLoginRedirect } from './useLoginRedirect';

/** The wall token of a sign-in link's fragment ('#wall-token=…'), if any. */
export function wallTokenOf(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('wall-token');
  return token ? token : null;
}

/** Takes the token out of the page's address (so it is not left in history or on screen). */
export function takeWallTokenFromUrl(): string | null {
  const token = wallTokenOf(window.location.hash);
  if (token) history.replaceState(history.state, '', window.location.pathname + window.location.search);
  return token;
}

export function useWallLogin() {
  const session = useSessionStore();
  const { signInAndGo } = useLoginRedirect();
  const { t } = useI18n();
  const errorText = useErrorText();

  const token = ref('');
  const busy = ref(false);
  const error = ref<string | null>(null);

  async function signIn(secret = token.value.trim()): Promise<void> {
    if (busy.value || !secret) return;
    busy.value = true;
    error.value = null;
    try {
      await signInAndGo(() => session.wallLogin(secret));
    } catch (e) {
      error.value =
        e instanceof ApiError && e.code === ErrorCode.AuthInvalidCredentials
          ? t('auth.error.invalidWallToken')
          : errorText(e);
    } finally {
      busy.value = false;
    }
  }

  return { token, busy, error, signIn };
}
