/**
 * Setting up a second factor: the hub makes a secret (POST /auth/totp/setup), the user adds it to an
 * authenticator app (QR code of its otpauth URI, or the secret typed) and proves it with a code
 * (POST /auth/totp/enable), which answers the session as it is now (mfaPending false).
 */
import { computed, onMounted, ref, shallowRef } from 'vue';
import { API_PREFIX } from '@shared/api';
import { otpCode, sessionInfo, totpSetupReply, type TotpSetupReply } from '@shared/auth';
import { sendJson } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { useSessionStore } from '../stores/session';

export function useTotpSetup() {
  const session = useSessionStore();
  const errorText = useErrorText();
  const setup = shallowRef<TotpSetupReply | null>(null);
  const loadError = ref<string | null>(null);
  const code = ref('');
  const busy = ref(false);
  const error = ref<string | null>(null);
  const done = ref(false);
  /** Why the user is here: an admin who must set it up before anything else. */
  const required = computed(() => session.info?.mfaPending === true);
  const enabledAlready = computed(() => session.info?.totpEnabled === true && !done.value);
  const codeValid = computed(() => otpCode.safeParse(code.value.trim()).success);

  async function start(): Promise<void> {
    loadError.value = null;
    try {
      setup.value = await sendJson('POST', `${API_PREFIX}/auth/totp/setup`, undefined, totpSetupReply);
    } catch (e) {
      loadError.value = errorText(e);
    }
  }

  async function enable(): Promise<void> {
    if (!codeValid.value || busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      session.replace(
        await sendJson('POST', `${API_PREFIX}/auth/totp/enable`, { code: code.value.trim() }, sessionInfo),
      );
      done.value = true;
    } catch (e) {
      error.value = errorText(e);
      code.value = '';
    } finally {
      busy.value = false;
    }
  }

  onMounted(() => void start());

  return { setup, loadError, code, codeValid, busy, error, done, required, enabledAlready, enable, retry: start };
}
