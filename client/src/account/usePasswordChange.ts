/** The change-password dialog's behaviour: current and new password (twice), checked, then sent. */
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { API_PREFIX } from '@shared/api';
import { newPassword } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import { ApiError, sendVoid } from '../api/http';
import { useErrorText } from '../common/useErrorText';

/** The hub's answer to a wrong current password: request/invalid naming body.current. */
function wrongCurrent(e: unknown): boolean {
  if (!(e instanceof ApiError) || e.code !== ErrorCode.RequestInvalid) return false;
  const issues = (e.details as { issues?: { path?: unknown }[] } | undefined)?.issues ?? [];
  return issues.some((i) => i.path === 'body.current');
}

export function usePasswordChange(onDone: () => void) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const form = reactive({ current: '', next: '', confirm: '' });
  const busy = ref(false);
  const error = ref<string | null>(null);

  /** What is wrong with the form as typed, before asking the hub. */
  const problem = computed(() => {
    if (form.next && !newPassword.safeParse(form.next).success) return t('account.password.tooShort');
    if (form.confirm && form.confirm !== form.next) return t('account.password.mismatch');
    return null;
  });
  const ready = computed(() => !!form.current && !!form.next && form.confirm === form.next && problem.value === null);

  function reset(): void {
    Object.assign(form, { current: '', next: '', confirm: '' });
    error.value = null;
  }

  async function submit(): Promise<void> {
    if (!ready.value || busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      await sendVoid('POST', `${API_PREFIX}/auth/password`, { current: form.current, next: form.next });
      reset();
      onDone();
    } catch (e) {
      error.value = wrongCurrent(e) ? t('account.password.wrongCurrent') : errorText(e);
    } finally {
      busy.value = false;
    }
  }

  return { form, busy, error, problem, ready, submit, reset };
}
