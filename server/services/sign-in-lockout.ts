/**
 * Sign-in lockout: five failed sign-ins for a username within ten minutes lock it for ten
 * minutes, for known and unknown names alike, and every cause of a failure gets the same answer,
 * so it never tells whether an account exists. The counting and the errors; AuthService stores
 * the throttle row and records the attempt.
 */
import type { ThrottleRow } from '../repositories/identity.repository';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';

export const LOCKOUT = { failures: 5, windowMs: 10 * 60_000, lockMs: 10 * 60_000 } as const;

/** The throttle row after one more failure at `now`: a new window once the last one is over, locked at five. */
export function nextThrottle(key: string, prev: ThrottleRow | undefined, now: Date): ThrottleRow {
  const fresh = !prev || now.getTime() - prev.windowStart.getTime() > LOCKOUT.windowMs;
  const failures = fresh ? 1 : prev.failures + 1;
  const lockedUntil = failures >= LOCKOUT.failures ? new Date(now.getTime() + LOCKOUT.lockMs) : null;
  return { username: key, failures, windowStart: fresh ? now : prev.windowStart, lockedUntil };
}

export function lockedError(until: Date, now: Date): HttpError {
  const retryAfterSec = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new HttpError(
    429,
    ErrorCode.AuthLocked,
    `too many failed sign-ins: try again in ${Math.ceil(retryAfterSec / 60)} minute(s)`,
    { retryAfterSec },
  );
}

/** The answer to a failed sign-in that did not lock: a wrong code, or the same for every other cause. */
export function signInError(reason: string): HttpError {
  if (reason === 'bad-otp')
    return new HttpError(401, ErrorCode.AuthOtpInvalid, 'the second-factor code is wrong or too old');
  return new HttpError(401, ErrorCode.AuthInvalidCredentials, 'wrong username or password');
}
