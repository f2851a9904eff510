/**
 * The second factor: TOTP (RFC 6238, SHA-1, 6 digits, 30 s steps) as authenticator apps take it,
 * a new secret for setup, and whether a code is good. AuthService stores the secret and the last
 * step used.
 */
import * as OTPAuth from 'otpauth';
import type { UserRow } from '../repositories/identity.repository';

const TOTP_ISSUER = 'City Command';

/** A fresh base32 secret for a user setting up the second factor. */
export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

export function totpOf(username: string, secret: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: TOTP_ISSUER,
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(secret),
  });
}

/**
 * The step `code` is good for, or null: it must be the user's current code (one 30 s step of
 * clock drift either way), and not one already used (`totpLastStep`), so a code seen over a
 * shoulder or in a log cannot be replayed within its window.
 */
export function acceptedTotpStep(user: UserRow, secret: string, code: string, now: number): number | null {
  const totp = totpOf(user.username, secret);
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = totp.counter({ timestamp: now }) + delta;
  if (user.totpLastStep !== null && step <= user.totpLastStep) return null;
  return step;
}
