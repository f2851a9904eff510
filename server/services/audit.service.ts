/**
 * The audit trail: every sign-in, sign-out and failure and every change of state goes through
 * record(), which seals it onto the hash chain (server/audit/chain.ts) and stores it. The log is
 * append-only in the database too (a trigger refuses UPDATE and DELETE).
 */
import type { Logger } from 'pino';
import { toRecord, type AuditRepository, type AuditRow } from '../repositories/audit.repository';
import { ChainVerifier, seal, type AuditFields, type ChainCheck } from '../audit/chain';
import type { AuditPage, AuditQuery, AuditRecordView } from '@shared/auth';
import type { Clock } from '../core/clock';

export interface AuditEntry {
  actor: string | null;
  actorName: string | null;
  action: string;
  target?: string | null;
  address?: string | null;
  outcome: AuditFields['outcome'];
  details?: Record<string, unknown> | null;
}

export class AuditService {
  /** Appends from this process queue here, so each waits for the one before (the DB lock covers other hubs). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Seal and store one record. A failure to write the audit log is logged loudly and rethrown:
   * callers that change state do so before recording, so the change stands and the error shows.
   */
  record(e: AuditEntry): Promise<void> {
    const at = new Date(this.clock.now()).toISOString();
    const next = this.tail.then(() =>
      this.repo.append((prev) =>
        seal(prev, {
          at,
          actor: e.actor,
          actorName: e.actorName,
          action: e.action,
          target: e.target ?? null,
          address: e.address ?? null,
          outcome: e.outcome,
          details: e.details ?? null,
        }),
      ),
    );
    this.tail = next.catch(() => undefined);
    return next.then(
      () => undefined,
      (err: unknown) => {
        this.log.error({ err, action: e.action }, 'writing the audit log failed');
        throw err;
      },
    );
  }

  async search(q: AuditQuery): Promise<AuditPage> {
    const rows = await this.repo.search(q);
    const last = rows[rows.length - 1];
    return { records: rows.map(view), nextBefore: rows.length === q.limit && last ? last.seq : null };
  }

  /** Walk the whole chain; name the first record that does not fit. */
  async verify(): Promise<ChainCheck> {
    const v = new ChainVerifier();
    for await (const r of this.repo.walk()) if (v.push(r)) break;
    return v.result();
  }
}

/** A stored record as admins read it: the chain's fields without its hashes. */
function view(r: AuditRow): AuditRecordView {
  const { prevHash: _prev, hash: _hash, ...fields } = toRecord(r);
  return fields;
}
