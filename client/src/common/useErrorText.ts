/** An ApiError (or anything thrown) as one sentence for the screen, in the current language. */
import { useI18n } from 'vue-i18n';
import { ErrorCode } from '@shared/errors';
import { ApiError, ClientErrorCode, type ApiErrorCode } from '../api/http';

/** Codes with a sentence of their own here; the hub's other codes are said by the `errors` table. */
const KNOWN: Partial<Record<ApiErrorCode, string>> = {
  [ClientErrorCode.Unreachable]: 'auth.error.unreachable',
  [ErrorCode.AuthInvalidCredentials]: 'auth.error.invalidCredentials',
  [ErrorCode.AuthOtpInvalid]: 'auth.error.otpInvalid',
  [ErrorCode.RateLimited]: 'auth.error.rateLimited',
  [ErrorCode.AuthForbidden]: 'auth.error.forbidden',
  [ErrorCode.UserExists]: 'auth.error.userExists',
  [ErrorCode.UnitTaken]: 'auth.error.unitTaken',
};

export function useErrorText() {
  const i18n = useI18n();
  const { t } = i18n;
  return (e: unknown): string => {
    if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
    if (e.code === ErrorCode.AuthLocked) {
      if (e.retryAfterSec === null) return t('auth.error.lockedSoon');
      const minutes = Math.max(1, Math.ceil(e.retryAfterSec / 60));
      return t('auth.error.locked', { minutes }, minutes);
    }
    if (e.code === ClientErrorCode.BadResponse) return `${t('error.badResponse')} (${e.message})`;
    const key = KNOWN[e.code];
    if (key) return t(key);
    // The hub's code said in this language (errors.*.ts: zh-CN without the hub's English message,
    // en with it); a code this screen does not know yet: the hub's message and code as written.
    const byCode = `errors.${e.code.replace('/', '.')}`;
    return i18n.te(byCode)
      ? t(byCode, { message: e.message })
      : t('auth.error.other', { message: e.message, code: e.code });
  };
}
