/**
 * Sign-in with username and password, then the one-time code when the hub answers that the
 * account has a second factor (auth/otp-required). Errors are the hub's, said plainly.
 */
import { reactive, ref } from 'vue';
import { ErrorCode } from '@shared/errors';
import { ApiError } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { useSessionStore } from '../stores/session';
import { useLoginRedirect } from './useLoginRedirect';

export function usePasswordLogin() {
  const session = useSessionStore();
  const { signInAndGo } = useLoginRedirect();
  const errorText = useErrorText();

  const form = reactive({ username: '', password: '', otp: '' });
  /** 'password' until the hub asks for the one-time code. */
  const step = ref<'password' | 'otp'>('password');
  const busy = ref(false);
  const error = ref<string | null>(null);

  async function signIn(): Promise<void> {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const otp = step.value === 'otp' ? form.otp.trim() : '';
    try {
      await signInAndGo(() =>
        session.login({ username: form.username.trim(), password: form.password, ...(otp ? { otp } : {}) }),
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === ErrorCode.AuthOtpRequired) {
        step.value = 'otp';
      } else {
        if (e instanceof ApiError && e.code === ErrorCode.AuthOtpInvalid) form.otp = '';
        error.value = errorText(e);
      }
    } finally {
      busy.value = false;
    }
  }

  /** Back from the code to the password (a typo in the username, another account). */
  function restart(): void {
    step.value = 'password';
    form.otp = '';
    error.value = null;
  }

  return { form, step, busy, error, signIn, restart };
}
