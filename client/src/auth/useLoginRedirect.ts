/**
 * What the sign-in page shows and does around the forms: why it was opened (`?reason=`), and where
 * to go once signed in (`?next=`, same-origin paths only).
 */
import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { useI18n } from 'vue-i18n';
import { SESSION_END_REASONS } from '@shared/events';
import { useSessionStore } from '../stores/session';
import { safeNext } from './next';
import { homePath } from './landing';

const REASONS: readonly string[] = [...SESSION_END_REASONS, 'unreachable'];

export function useLoginRedirect() {
  const session = useSessionStore();
  const route = useRoute();
  const router = useRouter();
  const { t } = useI18n();

  const reason = computed(() => {
    const r = route.query.reason;
    return typeof r === 'string' && REASONS.includes(r) ? t(`auth.reason.${r}`) : null;
  });

  /**
   * Runs a sign-in, then goes on. A page that held an earlier session's data (layers and summary of
   * another scope, perhaps) is loaded afresh rather than reused.
   */
  async function signInAndGo(signIn: () => Promise<unknown>): Promise<void> {
    const heldBefore = session.heldData;
    await signIn();
    // No `next`: each role's own start page (a field unit's member: the field page).
    const next = safeNext(route.query.next, homePath(session.user?.role));
    if (heldBefore) window.location.assign(next);
    else await router.replace(next);
  }

  return { reason, signInAndGo };
}
