/** Random secrets (session tokens, device keys, wall tokens) and the hash of them that is stored. */
import { createHash, randomBytes } from 'node:crypto';

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}
