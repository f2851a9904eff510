/** Dead letters: messages set aside with their bytes; newest first by id, keyset paging. SQL only. */
import { count, desc, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { deadLetters } from '../db/schema';

export type NewDeadLetter = typeof deadLetters.$inferInsert;

/** A dead letter as listed: its head only (a payload may be large), with its full size. */
export interface DeadLetterHead {
  id: number;
  channel: string;
  topic: string;
  error: string;
  receivedAt: Date;
  bytes: number;
  head: Buffer;
}

export class DeadLetterRepository {
  constructor(private readonly db: Db) {}

  async insert(row: NewDeadLetter): Promise<number> {
    const rows = await this.db.insert(deadLetters).values(row).returning({ id: deadLetters.id });
    return rows[0]!.id;
  }

  /** The newest `limit` with an id below `before`, each with the first `headBytes` of its payload. */
  async page(before: number | undefined, limit: number, headBytes: number): Promise<DeadLetterHead[]> {
    const rows = await this.db
      .select({
        id: deadLetters.id,
        channel: deadLetters.channel,
        topic: deadLetters.topic,
        error: deadLetters.error,
        receivedAt: deadLetters.receivedAt,
        bytes: sql<number>`octet_length(${deadLetters.payload})::int`,
        head: sql<Buffer | Uint8Array>`substring(${deadLetters.payload} from 1 for ${headBytes}::int)`,
      })
      .from(deadLetters)
      .where(before === undefined ? undefined : lt(deadLetters.id, before))
      .orderBy(desc(deadLetters.id))
      .limit(limit);
    return rows.map((r) => ({ ...r, bytes: Number(r.bytes), head: toBuffer(r.head) }));
  }

  async count(): Promise<number> {
    const rows = await this.db.select({ n: count() }).from(deadLetters);
    return Number(rows[0]?.n ?? 0);
  }
}

/** node-postgres gives a Buffer, PGlite a Uint8Array; a raw `sql` column skips the schema's mapping. */
function toBuffer(v: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex');
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
