/**
 * The demo city's accounts: on a database without users, admin, commander, dispatcher, wall and
 * viewer at city scope and a dispatcher per district; and a field account for every unit. One
 * password for all (DEMO_PASSWORD, or generated and returned once for the caller to print). A
 * production hub refuses to start while any of them exists (server/startup.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { IdentityRepository, UserRow } from '@server/repositories/identity.repository';
import type { AuthSettings } from '@server/core/config';
import { hashPassword } from '@server/auth/password';
import type { AuditService } from './audit.service';

export class DemoAccountsService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly audit: AuditService,
    private readonly settings: AuthSettings,
    private readonly log: Logger,
  ) {}

  /**
   * The demo city's accounts, once, on a database without users: admin, commander, dispatcher,
   * wall and viewer at city scope and a dispatcher per district, all with one password (from
   * DEMO_PASSWORD, or generated and returned so the caller prints it once).
   */
  async ensure(): Promise<{ created: string[]; generatedPassword: string | null }> {
    if ((await this.repo.userCount()) > 0) return this.ensureField();
    const city = await this.repo.cityCode();
    if (!city) return { created: [], generatedPassword: null };
    const generated = this.settings.demoPassword ? null : randomBytes(9).toString('base64url');
    const password = this.settings.demoPassword ?? generated!;
    const districts = await this.repo.districtCodes();
    const names = await this.repo.regionNames(districts);
    const specs: { username: string; displayName: string; role: UserRow['role']; scope: string }[] = [
      { username: 'admin', displayName: '系统管理员', role: 'admin', scope: city },
      { username: 'commander', displayName: '指挥长', role: 'commander', scope: city },
      { username: 'dispatcher', displayName: '市级调度员', role: 'dispatcher', scope: city },
      { username: 'wall', displayName: '指挥大屏', role: 'wall', scope: city },
      { username: 'viewer', displayName: '值班观察员', role: 'viewer', scope: city },
      ...districts.map((d) => ({
        username: `dispatcher-${d}`,
        displayName: `${names.get(d) ?? d}调度员`,
        role: 'dispatcher' as const,
        scope: d,
      })),
    ];
    const rows = [];
    for (const s of specs)
      rows.push({ id: randomUUID(), ...s, passwordHash: await hashPassword(password), demo: true });
    await this.repo.insertUsers(rows);
    await this.audit.record({
      actor: null,
      actorName: 'system',
      action: 'user.demo-seed',
      outcome: 'ok',
      details: { users: specs.map((s) => s.username) },
    });
    this.log.info({ users: specs.map((s) => s.username) }, 'demo accounts created');
    const field = await this.ensureField(password);
    return { created: [...specs.map((s) => s.username), ...field.created], generatedPassword: generated };
  }

  /**
   * A field account for every unit (police-0001, grid_worker-0012, …), scoped to the unit's
   * district, so each unit's phone works and the demo's simulated staff act as the unit they
   * are (issue 15; before it only the first two units of each kind had one). One hash serves them
   * all (same password, demo only). On a database with no field account: made with this password
   * (or a newly generated one unless DEMO_PASSWORD is set), and the first two units of each kind
   * put on duty so the demo loop can always dispatch them. On one with the demo's field accounts:
   * the units still without one get one with the same password. A database whose field accounts
   * are all real (no demo one) is left alone.
   */
  private async ensureField(password?: string): Promise<{ created: string[]; generatedPassword: string | null }> {
    const none = { created: [], generatedPassword: null };
    const unitRows = await this.repo.unitsWithoutAccount();
    if (unitRows.length === 0) return none;
    const first = !(await this.repo.hasRole('field'));
    let hash = first ? undefined : await this.repo.demoFieldPasswordHash();
    if (!first && !hash) return none;
    const generated = !first || password || this.settings.demoPassword ? null : randomBytes(9).toString('base64url');
    hash ??= await hashPassword(password ?? this.settings.demoPassword ?? generated!);
    // A name an admin gave to someone else already stays theirs.
    const taken = new Set((await this.repo.users()).map((u) => u.username));
    const rows = unitRows
      .map((u) => ({
        id: randomUUID(),
        username: u.id.replace(/^unit-/, ''),
        displayName: u.callsign,
        role: 'field' as const,
        scope: u.homeRegionCode.slice(0, 6),
        passwordHash: hash,
        demo: true,
        unitId: u.id,
      }))
      .filter((r) => !taken.has(r.username));
    if (rows.length === 0) return none;
    await this.repo.insertUsers(rows);
    // The first units of each kind are on duty, so the demo loop can always dispatch them.
    if (first) await this.repo.putUnitsOnDuty((await this.repo.firstUnits(2)).map((u) => u.id));
    await this.audit.record({
      actor: null,
      actorName: 'system',
      action: 'user.demo-seed',
      outcome: 'ok',
      details: { users: rows.map((r) => r.username) },
    });
    return { created: rows.map((r) => r.username), generatedPassword: generated };
  }

  /** The demo accounts still in the database (a production hub refuses to start while any is). */
  names(): Promise<string[]> {
    return this.repo.demoUserNames();
  }
}
