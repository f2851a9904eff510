/**
 * Errors of the phone pages as one sentence: the codes these pages meet (rate limits, photo
 * checks, refused transitions) in the screen's language, anything else as the app says it.
 */
import { useI18n } from 'vue-i18n';
import { ErrorCode } from '@shared/errors';
import { ApiError, type ApiErrorCode } from '../api/http';
import { useErrorText } from '../common/useErrorText';

/** Codes with a sentence of their own here; `message` is the hub's (it says which field, which state). */
const OWN: Partial<Record<ApiErrorCode, string>> = {
  [ErrorCode.PhotoType]: 'field.errors.photoType',
  [ErrorCode.PhotoTooLarge]: 'field.errors.photoTooLarge',
  [ErrorCode.RequestTooLarge]: 'field.errors.photoTooLarge',
  [ErrorCode.RequestInvalid]: 'field.errors.invalid',
  [ErrorCode.IncidentIllegal]: 'field.errors.illegal',
  [ErrorCode.UnitUnavailable]: 'field.errors.unitUnavailable',
  [ErrorCode.UnitNotFound]: 'field.errors.unitUnavailable',
};

export function useReportErrorText() {
  const { t } = useI18n();
  const base = useErrorText();
  return (e: unknown): string => {
    if (!(e instanceof ApiError)) return base(e);
    if (e.code === ErrorCode.RateLimited) {
      if (e.retryAfterSec === null) return t('field.errors.rateLimitedSoon');
      return t('field.errors.rateLimited', { minutes: Math.max(1, Math.ceil(e.retryAfterSec / 60)) });
    }
    const key = OWN[e.code];
    return key ? t(key, { message: e.message }) : base(e);
  };
}
