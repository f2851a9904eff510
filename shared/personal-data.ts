/**
 * Personal data on the wire (issue 15): ID numbers (身份证号) and phone numbers leave the hub
 * masked to their last four characters, whoever asks; the full value only through an explicit,
 * audited reveal (POST /incidents/:id/reveal) by a role allowed for that field, in scope.
 *
 * Who may reveal what, and why:
 * - the reporter's phone: a dispatcher or commander, to call the reporter back (the centre calls;
 *   units reach the reporter through it);
 * - a dispute party's ID number or phone: a commander only (a supervised dispute's identity
 *   check); dispatchers mediate with names and the masked tail, which tells repeat parties apart.
 * Nobody else (admin, field, wall, viewer): none of them needs the number for their work.
 */
import { z } from 'zod';
import type { Role } from './auth';

/** What may be revealed: the reporter's phone, or one dispute party's ID number or phone. */
export const PERSONAL_FIELDS = ['reporterPhone', 'partyId'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

export const REVEAL_ROLES: Readonly<Record<PersonalField, readonly Role[]>> = {
  reporterPhone: ['commander', 'dispatcher'],
  partyId: ['commander'],
};

export function mayReveal(role: Role | 'device' | 'integration', field: PersonalField): boolean {
  return role !== 'device' && role !== 'integration' && REVEAL_ROLES[field].includes(role);
}

/** How many characters stay visible at most. */
export const MASK_KEEP = 4;

const segmenter =
  typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/** The characters a person sees (grapheme clusters: 𠀀, é as e + U+0301, a flag emoji are one each). */
function characters(s: string): string[] {
  return segmenter ? Array.from(segmenter.segment(s), (g) => g.segment) : Array.from(s);
}

/**
 * A value masked to its last four characters, one '*' per hidden character (110101199003071234 →
 * **************1234, 13812345678 → *******5678). A short value keeps at most half of itself, so
 * no value is ever shown whole: 12345 → ***45, 1234 → **34, 1 → *.
 */
export function maskTail(value: string): string {
  const chars = characters(value);
  const keep = Math.min(MASK_KEEP, Math.floor(chars.length / 2));
  return '*'.repeat(chars.length - keep) + chars.slice(chars.length - keep).join('');
}

export const revealBody = z
  .strictObject({
    field: z.enum(PERSONAL_FIELDS, { error: `must be one of ${PERSONAL_FIELDS.join(', ')}` }),
    /** partyId: which party (0-based, as the incident lists them). */
    party: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').optional(),
  })
  .superRefine((b, ctx) => {
    if (b.field === 'partyId' && b.party === undefined)
      ctx.addIssue({ code: 'custom', path: ['party'], message: 'say which party (0-based)' });
    if (b.field !== 'partyId' && b.party !== undefined)
      ctx.addIssue({ code: 'custom', path: ['party'], message: 'only for partyId' });
  });
export type RevealBody = z.infer<typeof revealBody>;

export const revealReply = z.object({
  field: z.enum(PERSONAL_FIELDS),
  party: z.number().int().nullable(),
  value: z.string(),
});
export type RevealReply = z.infer<typeof revealReply>;
