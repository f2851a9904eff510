/** The audit log: append one sealed record at a time, search, and walk in seq order. SQL only. */
import { and, asc, desc, eq, gt, gte, ilike, like, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { auditLog } from '../db/schema';
import type { AuditRecord } from '../audit/chain';
import type { AuditQuery } from '@shared/auth';

export type AuditRow = typeof auditLog.$inferSelect;

/** Advisory-lock key that serialises appends across hubs sharing one database. */
const AUDIT_LOCK = 0x4155_4449; // 'AUDI'

export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Append under a transaction-scoped lock: read the last record, seal the new one after it. */
  async append(seal: (prev: AuditRecord | null) => AuditRecord): Promise<AuditRecord> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
      const last = (await tx.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1))[0];
      const record = seal(last ? toRecord(last) : null);
      await tx.insert(auditLog).values(record);
      return record;
    });
  }

  async search(q: AuditQuery): Promise<AuditRow[]> {
    const where: SQL[] = [];
    if (q.before !== undefined) where.push(lt(auditLog.seq, q.before));
    if (q.actor) where.push(or(ilike(auditLog.actorName, `%${escapeLike(q.actor)}%`), eq(auditLog.actor, q.actor))!);
    if (q.action)
      where.push(
        /[.:]$/.test(q.action) ? like(auditLog.action, `${escapeLike(q.action)}%`) : eq(auditLog.action, q.action),
      );
    if (q.outcome) where.push(eq(auditLog.outcome, q.outcome));
    // `at` is ISO 8601 in UTC (Z), so text order is time order; inputs are normalised to UTC.
    if (q.from) where.push(gte(auditLog.at, new Date(q.from).toISOString()));
    if (q.to) where.push(lte(auditLog.at, new Date(q.to).toISOString()));
    if (q.q) {
      const p = `%${escapeLike(q.q)}%`;
      where.push(or(ilike(auditLog.target, p), ilike(auditLog.address, p), sql`${auditLog.details}::text ilike ${p}`)!);
    }
    return this.db
      .select()
      .from(auditLog)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(auditLog.seq))
      .limit(q.limit);
  }

  /** Records in seq order, a page at a time (for the chain check). */
  async *walk(pageSize = 1000): AsyncGenerator<AuditRecord> {
    let after = 0;
    for (;;) {
      const rows = await this.db
        .select()
        .from(auditLog)
        .where(gt(auditLog.seq, after))
        .orderBy(asc(auditLog.seq))
        .limit(pageSize);
      for (const r of rows) yield toRecord(r);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.seq;
    }
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A stored row as the chain sees it. */
export function toRecord(r: AuditRow): AuditRecord {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    actorName: r.actorName,
    action: r.action,
    target: r.target,
    address: r.address,
    outcome: r.outcome,
    details: r.details ?? null,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}
