/** Users, sign-in throttling, device keys and wall tokens, and sessions: SQL only. */
import { and, asc, count, eq, gt, isNull, lt, ne, or, sql, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { credentials, loginThrottle, regions, sessions, units, users } from '../db/schema';

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type CredentialRow = typeof credentials.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
export type ThrottleRow = typeof loginThrottle.$inferSelect;

/** A live session with whoever it belongs to. */
export interface SessionWithOwner {
  session: SessionRow;
  user: UserRow | null;
  credential: CredentialRow | null;
}

export class IdentityRepository {
  constructor(private readonly db: Db) {}

  // ---- regions (scopes must name one)
  async regionName(code: string): Promise<string | undefined> {
    const rows = await this.db.select({ name: regions.name }).from(regions).where(eq(regions.code, code));
    return rows[0]?.name;
  }

  async regionNames(codes: readonly string[]): Promise<Map<string, string>> {
    if (codes.length === 0) return new Map();
    const rows = await this.db
      .select({ code: regions.code, name: regions.name })
      .from(regions)
      .where(inArray(regions.code, [...new Set(codes)]));
    return new Map(rows.map((r) => [r.code, r.name]));
  }

  async districtCodes(): Promise<string[]> {
    const rows = await this.db
      .select({ code: regions.code })
      .from(regions)
      .where(eq(regions.level, 'district'))
      .orderBy(asc(regions.code));
    return rows.map((r) => r.code);
  }

  async cityCode(): Promise<string | undefined> {
    const rows = await this.db.select({ code: regions.code }).from(regions).where(eq(regions.level, 'city'));
    return rows[0]?.code;
  }

  // ---- users
  async userByName(username: string): Promise<UserRow | undefined> {
    return (await this.db.select().from(users).where(eq(users.username, username)))[0];
  }

  async userById(id: string): Promise<UserRow | undefined> {
    return (await this.db.select().from(users).where(eq(users.id, id)))[0];
  }

  async users(): Promise<UserRow[]> {
    return this.db.select().from(users).orderBy(asc(users.username));
  }

  /** The first `perKind` units of each kind (by id): the demo city's field accounts belong to them. */
  async firstUnits(perKind: number): Promise<{ id: string; kind: string; callsign: string; homeRegionCode: string }[]> {
    const rows = await this.db
      .select({ id: units.id, kind: units.kind, callsign: units.callsign, homeRegionCode: units.homeRegionCode })
      .from(units)
      .orderBy(asc(units.id));
    const seen = new Map<string, number>();
    return rows.filter((u) => {
      const n = (seen.get(u.kind) ?? 0) + 1;
      seen.set(u.kind, n);
      return n <= perKind;
    });
  }

  /** Callsigns of units by id (the field accounts' units, for the admin's list). */
  async unitCallsigns(ids: readonly (string | null)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
    if (wanted.length === 0) return new Map();
    const rows = await this.db
      .select({ id: units.id, callsign: units.callsign })
      .from(units)
      .where(inArray(units.id, wanted));
    return new Map(rows.map((r) => [r.id, r.callsign]));
  }

  /** Ids of the units an enabled field account belongs to. */
  async linkedUnitIds(): Promise<Set<string>> {
    const rows = await this.db
      .select({ unitId: users.unitId })
      .from(users)
      .where(and(eq(users.role, 'field'), eq(users.disabled, false), sql`${users.unitId} is not null`));
    return new Set(rows.map((r) => r.unitId!));
  }

  /** An enabled field account of the unit other than `exceptUserId` (inside the linking transaction). */
  async otherFieldUserOf(unitId: string, exceptUserId: string, tx: Db = this.db): Promise<string | undefined> {
    const rows = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(eq(users.unitId, unitId), eq(users.role, 'field'), eq(users.disabled, false), ne(users.id, exceptUserId)),
      )
      .limit(1);
    return rows[0]?.id;
  }

  /** Units no account belongs to (by id). */
  async unitsWithoutAccount(): Promise<{ id: string; kind: string; callsign: string; homeRegionCode: string }[]> {
    return this.db
      .select({ id: units.id, kind: units.kind, callsign: units.callsign, homeRegionCode: units.homeRegionCode })
      .from(units)
      .where(sql`not exists (select 1 from ${users} where ${users.unitId} = ${units.id})`)
      .orderBy(asc(units.id));
  }

  /** The password hash the demo's field accounts share (one of them); undefined when there is none. */
  async demoFieldPasswordHash(): Promise<string | undefined> {
    const rows = await this.db
      .select({ hash: users.passwordHash })
      .from(users)
      .where(and(eq(users.role, 'field'), eq(users.demo, true)))
      .limit(1);
    return rows[0]?.hash;
  }

  async putUnitsOnDuty(ids: readonly string[]): Promise<void> {
    if (ids.length)
      await this.db
        .update(units)
        .set({ status: 'available', updatedAt: sql`now()` })
        .where(and(inArray(units.id, [...ids]), ne(units.status, 'available')));
  }

  async hasRole(role: UserRow['role']): Promise<boolean> {
    return (await this.db.select({ id: users.id }).from(users).where(eq(users.role, role)).limit(1)).length > 0;
  }

  async userCount(): Promise<number> {
    return (await this.db.select({ n: count() }).from(users))[0]?.n ?? 0;
  }

  async demoUserNames(): Promise<string[]> {
    return (await this.db.select({ username: users.username }).from(users).where(eq(users.demo, true))).map(
      (r) => r.username,
    );
  }

  async insertUsers(rows: NewUser[], tx: Db = this.db): Promise<void> {
    if (rows.length) await tx.insert(users).values(rows);
  }

  async updateUser(id: string, set: Partial<NewUser>, tx: Db = this.db): Promise<UserRow | undefined> {
    return (await tx.update(users).set(set).where(eq(users.id, id)).returning())[0];
  }

  async deleteDemoUsers(tx: Db = this.db): Promise<string[]> {
    const ids = (await tx.select({ id: users.id }).from(users).where(eq(users.demo, true))).map((r) => r.id);
    if (ids.length === 0) return [];
    await tx.delete(sessions).where(inArray(sessions.userId, ids));
    const gone = await tx.delete(users).where(inArray(users.id, ids)).returning({ username: users.username });
    return gone.map((r) => r.username);
  }

  // ---- sign-in throttle
  async throttle(username: string): Promise<ThrottleRow | undefined> {
    return (await this.db.select().from(loginThrottle).where(eq(loginThrottle.username, username)))[0];
  }

  async putThrottle(row: ThrottleRow): Promise<void> {
    await this.db
      .insert(loginThrottle)
      .values(row)
      .onConflictDoUpdate({
        target: loginThrottle.username,
        set: { failures: row.failures, windowStart: row.windowStart, lockedUntil: row.lockedUntil },
      });
  }

  async clearThrottle(username: string): Promise<void> {
    await this.db.delete(loginThrottle).where(eq(loginThrottle.username, username));
  }

  // ---- device keys and wall tokens
  async insertCredential(row: typeof credentials.$inferInsert, tx: Db = this.db): Promise<CredentialRow> {
    return (await tx.insert(credentials).values(row).returning())[0]!;
  }

  async credentials(kind: CredentialRow['kind']): Promise<CredentialRow[]> {
    return this.db.select().from(credentials).where(eq(credentials.kind, kind)).orderBy(asc(credentials.createdAt));
  }

  async credentialById(id: string): Promise<CredentialRow | undefined> {
    return (await this.db.select().from(credentials).where(eq(credentials.id, id)))[0];
  }

  async credentialBySecretHash(hash: string): Promise<CredentialRow | undefined> {
    return (await this.db.select().from(credentials).where(eq(credentials.secretHash, hash)))[0];
  }

  async revokeCredential(id: string, at: Date, tx: Db = this.db): Promise<CredentialRow | undefined> {
    return (
      await tx
        .update(credentials)
        .set({ revokedAt: at })
        .where(and(eq(credentials.id, id), isNull(credentials.revokedAt)))
        .returning()
    )[0];
  }

  async touchCredential(id: string, at: Date): Promise<void> {
    await this.db.update(credentials).set({ lastUsedAt: at }).where(eq(credentials.id, id));
  }

  // ---- sessions
  async insertSession(row: typeof sessions.$inferInsert): Promise<SessionRow> {
    return (await this.db.insert(sessions).values(row).returning())[0]!;
  }

  sessionByTokenHash(hash: string): Promise<SessionWithOwner | undefined> {
    return this.sessionWhere(eq(sessions.tokenHash, hash));
  }

  sessionById(id: string): Promise<SessionWithOwner | undefined> {
    return this.sessionWhere(eq(sessions.id, id));
  }

  /** The one session `where` picks, with its user or credential. */
  private async sessionWhere(where: SQL): Promise<SessionWithOwner | undefined> {
    const rows = await this.db
      .select({ session: sessions, user: users, credential: credentials })
      .from(sessions)
      .leftJoin(users, eq(users.id, sessions.userId))
      .leftJoin(credentials, eq(credentials.id, sessions.credentialId))
      .where(where);
    return rows[0];
  }

  async touchSession(id: string, at: Date): Promise<void> {
    await this.db
      .update(sessions)
      .set({ lastSeenAt: at })
      .where(and(eq(sessions.id, id), isNull(sessions.endedAt)));
  }

  async updateSession(id: string, set: Partial<typeof sessions.$inferInsert>): Promise<SessionRow | undefined> {
    return (await this.db.update(sessions).set(set).where(eq(sessions.id, id)).returning())[0];
  }

  /** End one session if it is still open; returns whether it was. */
  async endSession(id: string, at: Date, reason: string): Promise<boolean> {
    const rows = await this.db
      .update(sessions)
      .set({ endedAt: at, endReason: reason })
      .where(and(eq(sessions.id, id), isNull(sessions.endedAt)))
      .returning({ id: sessions.id });
    return rows.length > 0;
  }

  /** End every open session of a user or a credential; returns their ids. */
  async endSessionsOf(
    owner: { userId: string } | { credentialId: string },
    at: Date,
    reason: string,
    exceptId?: string,
  ): Promise<string[]> {
    const where = 'userId' in owner ? eq(sessions.userId, owner.userId) : eq(sessions.credentialId, owner.credentialId);
    const rows = await this.db
      .update(sessions)
      .set({ endedAt: at, endReason: reason })
      .where(and(where, isNull(sessions.endedAt), exceptId ? ne(sessions.id, exceptId) : undefined))
      .returning({ id: sessions.id });
    return rows.map((r) => r.id);
  }

  /**
   * End every open session past its absolute end, or idle longer than `idleMs` (a user's session
   * whose role is not wall); returns their ids.
   */
  async endExpiredSessions(now: Date, idleMs: number): Promise<string[]> {
    const idleBefore = new Date(now.getTime() - idleMs);
    const idle = sql`${sessions.userId} in (select ${users.id} from ${users} where ${users.role} <> 'wall')`;
    const rows = await this.db
      .update(sessions)
      .set({ endedAt: now, endReason: 'expired' })
      .where(
        and(isNull(sessions.endedAt), or(lt(sessions.expiresAt, now), and(lt(sessions.lastSeenAt, idleBefore), idle))),
      )
      .returning({ id: sessions.id });
    return rows.map((r) => r.id);
  }

  async openSessionCounts(now: Date): Promise<Map<string, number>> {
    const rows = await this.db
      .select({ userId: sessions.userId, n: count() })
      .from(sessions)
      .where(and(isNull(sessions.endedAt), or(isNull(sessions.expiresAt), gt(sessions.expiresAt, now))))
      .groupBy(sessions.userId);
    return new Map(rows.flatMap((r) => (r.userId ? [[r.userId, r.n] as const] : [])));
  }
}
