/** An ApiError (or anything thrown) as one sentence for the screen, in the current language. */
import { useI18n } from 'vue-i18n';
import { ErrorCode } from '@shared/errors';
import { ApiError, ClientErrorCode, type ApiErrorCode } from '../api/http';

/** Codes with a sentence of their own; any other shows the hub's message and code. */
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
  const { t } = useI18n();
  return (e: unknown): string => {
    if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
    if (e.code === ErrorCode.AuthLocked) {
      if (e.retryAfterSec === null) return t('auth.error.lockedSoon');
      const minutes = Math.max(1, Math.ceil(e.retryAfterSec / 60));
      return t('auth.error.locked', { minutes }, minutes);
    }
    if (e.code === ClientErrorCode.BadResponse) return `${t('error.badResponse')} (${e.message})`;
    const key = KNOWN[e.code];
    // Any other hub error: its own message and code, as the hub wrote them.
    return key ? t(key) : t('auth.error.other', { message: e.message, code: e.code });
  };
}
