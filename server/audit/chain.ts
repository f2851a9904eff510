/**
 * The audit log's hash chain (issue 4): each record's hash covers the previous record's hash and
 * the record's own fields in a canonical JSON form, so editing, deleting or reordering any record
 * breaks every hash after it. Pure functions: the repository stores what `seal` returns and the
 * verify command walks the records through `verifyChain`.
 */
import { createHash } from 'node:crypto';

export interface AuditFields {
  seq: number;
  at: string;
  actor: string | null;
  /** The actor's name at the time, for reading (hashed too, so it cannot be rewritten either). */
  actorName: string | null;
  action: string;
  target: string | null;
  address: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  details: Record<string, unknown> | null;
}

export interface AuditRecord extends AuditFields {
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth: the same fields always give the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function recordHash(prevHash: string, fields: AuditFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(fields)).digest('hex');
}

/** The record to append after `prev` (null for the first one). */
export function seal(prev: AuditRecord | null, fields: Omit<AuditFields, 'seq'>): AuditRecord {
  const full: AuditFields = { ...fields, seq: prev ? prev.seq + 1 : 1 };
  const prevHash = prev?.hash ?? GENESIS_HASH;
  return { ...full, prevHash, hash: recordHash(prevHash, full) };
}

export type ChainCheck = { ok: true; count: number } | { ok: false; seq: number; reason: string };

/** Checks records one at a time in seq order (so the verifier can stream a long log). */
export class ChainVerifier {
  private prev: AuditRecord | null = null;
  private count = 0;
  private broken: ChainCheck | null = null;

  /** Feed the next record; returns the failure once one is found (and keeps returning it). */
  push(r: AuditRecord): ChainCheck | null {
    if (this.broken) return this.broken;
    const expectedSeq = this.prev ? this.prev.seq + 1 : 1;
    const expectedPrev = this.prev?.hash ?? GENESIS_HASH;
    const { prevHash: _p, hash, ...fields } = r;
    if (r.seq !== expectedSeq)
      this.broken = {
        ok: false,
        seq: r.seq,
        reason: `expected record ${expectedSeq} here (a record is missing or out of order)`,
      };
    else if (r.prevHash !== expectedPrev)
      this.broken = { ok: false, seq: r.seq, reason: 'its previous-hash does not match the record before it' };
    else if (recordHash(expectedPrev, fields) !== hash)
      this.broken = { ok: false, seq: r.seq, reason: 'its contents do not match its hash (the record was edited)' };
    if (this.broken) return this.broken;
    this.prev = r;
    this.count++;
    return null;
  }

  result(): ChainCheck {
    return this.broken ?? { ok: true, count: this.count };
  }
}

/** Walk records in seq order; name the first one that does not fit the chain. */
export function verifyChain(records: Iterable<AuditRecord>): ChainCheck {
  const v = new ChainVerifier();
  for (const r of records) if (v.push(r)) break;
  return v.result();
}
