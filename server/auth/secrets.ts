/** Random secrets (session tokens, device keys, wall tokens) and the hash of them that is stored. */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * A secret the hub must use again (a Dahua device's password, issue 18) sealed for the database:
 * AES-256-GCM under a key derived from DEVICE_SECRET_KEY (or a fixed one when unset: not plain
 * text, but not secret from the hub's code). `v1:` iv, tag and ciphertext, base64url.
 */
const FIXED_KEY = 'city-command-device-secrets-unset';

function sealKey(key: string | undefined): Buffer {
  return createHash('sha256')
    .update(key ?? FIXED_KEY)
    .digest();
}

export function sealSecret(plain: string, key: string | undefined): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(key), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${body.toString('base64url')}`;
}

/** The plain secret, or null when it was sealed under another key (or is damaged). */
export function openSecret(sealed: string, key: string | undefined): string | null {
  const [v, iv, tag, body] = sealed.split(':');
  if (v !== 'v1' || !iv || !tag || body === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(key), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
