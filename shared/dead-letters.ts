/**
 * Dead letters on the wire (issue 13): messages the hub acknowledged but could never store (not
 * JSON, not events, the wrong source, text PostgreSQL cannot store, a data error when storing),
 * set aside with their bytes so an admin can see what a device sent and why it was refused.
 */
import { z } from 'zod';

/** Characters of a payload shown as text; bytes of it shown as base64 (the rest stays in the database). */
export const DEAD_LETTER_TEXT_CHARS = 2000;
export const DEAD_LETTER_BASE64_BYTES = 16 * 1024;

export const deadLetterView = z.object({
  id: z.number().int(),
  /** Where it came in: 'mqtt'. */
  channel: z.string(),
  topic: z.string(),
  /** Why it was set aside (the first bad field, or the database's reason). */
  error: z.string(),
  receivedAt: z.string(),
  /** The payload's size in bytes (as stored). */
  bytes: z.number().int(),
  /** The payload as UTF-8 text: invalid bytes written \xNN, control characters \u00NN, cut to DEAD_LETTER_TEXT_CHARS. */
  text: z.string(),
  /** The first DEAD_LETTER_BASE64_BYTES bytes of the payload, base64. */
  base64: z.string(),
  /** Whether `text` or `base64` shows less than the whole payload. */
  truncated: z.boolean(),
});
export type DeadLetterView = z.infer<typeof deadLetterView>;

/** GET /admin/dead-letters: newest first; `before` (the last id seen) pages back. */
export const deadLetterQuery = z.strictObject({
  before: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .positive('must be 1 or more')
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-200')
    .max(200, 'must be 1-200')
    .default(50),
});
export type DeadLetterQuery = z.infer<typeof deadLetterQuery>;

export const deadLetterPage = z.object({
  items: z.array(deadLetterView),
  /** All dead letters held. */
  total: z.number().int(),
  /** Pass as `before` for the next (older) page; null on the last. */
  nextBefore: z.number().int().nullable(),
});
export type DeadLetterPage = z.infer<typeof deadLetterPage>;

/**
 * Bytes as readable text: UTF-8 sequences decoded, every byte that is not part of a valid one
 * written `\xNN`, control characters (but tab, newline, return) and lone surrogates never appear;
 * at most `maxChars` characters. Pure, for the hub and tests alike.
 */
export function bytesAsText(bytes: Uint8Array, maxChars: number): { text: string; truncated: boolean } {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    if (out.length >= maxChars) return { text: out, truncated: true };
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let cp = -1;
    if (len === 1) cp = b;
    else if (len > 1 && i + len <= bytes.length) {
      cp = b & (len === 2 ? 0x1f : len === 3 ? 0x0f : 0x07);
      for (let k = 1; k < len; k++) {
        const c = bytes[i + k]!;
        if ((c & 0xc0) !== 0x80) {
          cp = -1;
          break;
        }
        cp = (cp << 6) | (c & 0x3f);
      }
      // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not valid UTF-8.
      const min = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
      if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) cp = -1;
    }
    if (cp < 0) {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i++;
      continue;
    }
    out +=
      (cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) || cp === 0x7f
        ? `\\u${cp.toString(16).padStart(4, '0')}`
        : String.fromCodePoint(cp);
    i += len;
  }
  return { text: out, truncated: false };
}
