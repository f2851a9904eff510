/** The outbox (issue 13): side effects recorded with the change that causes them. SQL only. */
import { and, count, inArray, isNull, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { outbox } from '../db/schema';

export type OutboxRow = typeof outbox.$inferSelect;
export interface NewOutboxItem {
  kind: 'mqtt';
  topic: string;
  payload: Record<string, unknown>;
}

export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /** Record side effects inside the caller's transaction (they exist exactly when the change does). */
  async add(items: readonly NewOutboxItem[], at: Date, tx: Db): Promise<void> {
    if (items.length === 0) return;
    await tx
      .insert(outbox)
      .values(items.map((i) => ({ kind: i.kind, topic: i.topic, payload: i.payload, createdAt: at, dueAt: at })));
  }

  /**
   * Take up to `limit` due items for delivery, in order: each is leased until `leaseUntil` (another
   * hub skips it meanwhile; a hub that dies holding it lets the lease run out and someone retries).
   * One statement, so nothing holds a transaction open while the broker answers.
   */
  async claim(now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
    const rows = await queryRows<Record<string, unknown>>(
      this.db,
      sql`update outbox set due_at = ${leaseUntil.toISOString()}::timestamptz, attempts = attempts + 1
          where id in (select id from outbox where delivered_at is null and due_at <= ${now.toISOString()}::timestamptz
                       order by due_at, id limit ${limit} for update skip locked)
          returning id, kind, topic, payload, created_at, attempts`,
    );
    return rows
      .map((r) => ({
        id: Number(r.id),
        kind: String(r.kind),
        topic: String(r.topic),
        payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
        createdAt: new Date(r.created_at as string),
        attempts: Number(r.attempts),
        dueAt: leaseUntil,
        deliveredAt: null,
        lastError: null,
      }))
      .sort((a, b) => a.id - b.id);
  }

  async delivered(ids: readonly number[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .update(outbox)
      .set({ deliveredAt: at, lastError: null })
      .where(inArray(outbox.id, [...ids]));
  }

  /** A failed delivery: try again at `retryAt`. */
  async failed(id: number, error: string, retryAt: Date): Promise<void> {
    await this.db
      .update(outbox)
      .set({ dueAt: retryAt, lastError: error.slice(0, 500) })
      .where(and(sql`${outbox.id} = ${id}`, isNull(outbox.deliveredAt)));
  }

  async pending(): Promise<number> {
    const rows = await this.db.select({ n: count() }).from(outbox).where(isNull(outbox.deliveredAt));
    return Number(rows[0]?.n ?? 0);
  }

  /** Rows of one topic (tests and the admin's view). */
  async byTopic(topic: string): Promise<OutboxRow[]> {
    return this.db
      .select()
      .from(outbox)
      .where(sql`${outbox.topic} = ${topic}`)
      .orderBy(outbox.id);
  }
}
