/**
 * Bulk loads into a fresh database (the demo city, its history): what a load would otherwise pay
 * for row by row, suspended for its transaction. SQL only.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';

export class BulkLoadRepository {
  /**
   * Suspend what a bulk load into `tables` would otherwise pay for row by row: their secondary
   * indexes (built once over the loaded rows instead) and their foreign keys (checked by one query
   * per inserted row; added back, they are validated by one join). Unique indexes and those behind
   * a constraint stay: the load's `on conflict` and the keys need them. Returns the statements
   * that put them back, for `restore`; the caller's transaction undoes it all if the load fails.
   */
  async suspend(tables: readonly string[], tx: Db): Promise<string[]> {
    const names = sql.join(
      tables.map((t) => sql`${t}`),
      sql`, `,
    );
    const indexes = await queryRows<{ name: string; def: string }>(
      tx,
      sql`select i.indexname as name, i.indexdef as def from pg_indexes i
          join pg_class c on c.relname = i.indexname and c.relnamespace = to_regnamespace(i.schemaname)
          join pg_index x on x.indexrelid = c.oid
          where i.schemaname = current_schema() and i.tablename in (${names})
            and not x.indisunique and not exists (select 1 from pg_constraint k where k.conindid = c.oid)
          order by i.indexname`,
    );
    const keys = await queryRows<{ tab: string; name: string; def: string }>(
      tx,
      sql`select c.relname as tab, k.conname as name, pg_get_constraintdef(k.oid) as def
          from pg_constraint k join pg_class c on c.oid = k.conrelid
          where k.contype = 'f' and c.relnamespace = to_regnamespace(current_schema()) and c.relname in (${names})
          order by k.conname`,
    );
    for (const k of keys)
      await tx.execute(sql`alter table ${sql.identifier(k.tab)} drop constraint ${sql.identifier(k.name)}`);
    for (const i of indexes) await tx.execute(sql`drop index ${sql.identifier(i.name)}`);
    const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
    return [
      ...indexes.map((i) => i.def),
      ...keys.map((k) => `alter table ${quote(k.tab)} add constraint ${quote(k.name)} ${k.def}`),
    ];
  }

  async restore(statements: readonly string[], tx: Db): Promise<void> {
    for (const s of statements) await tx.execute(sql.raw(s));
  }
}
