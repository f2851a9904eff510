/**
 * The demo city's accounts: on a database without users, admin, commander, dispatcher, wall and
 * viewer at city scope and a dispatcher per district; and field accounts for the first units of
 * each kind (for the simulated staff, every unit's: ensureUnitPhones). One password for all (DEMO_PASSWORD, or generated and returned once for the caller
 * to print). A production hub refuses to start while any of them exists (server/startup.ts).
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
    // Each its own salt; hashed side by side on libuv's threads (one after another took ~2 s of the first start).
    const rows = await Promise.all(
      specs.map(async (s) => ({ id: randomUUID(), ...s, passwordHash: await hashPassword(password), demo: true })),
    );
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
   * Field accounts for the first two units of each kind (police-0001, grid_worker-0001, …), scoped
   * to the unit's district, once, on a database with no field account. One hash serves them all
   * (same password, demo only). A database from before they existed gets them too (with a newly
   * generated password unless DEMO_PASSWORD is set).
   */
  private async ensureField(password?: string): Promise<{ created: string[]; generatedPassword: string | null }> {
    if (await this.repo.hasRole('field')) return { created: [], generatedPassword: null };
    const unitRows = await this.repo.firstUnits(2);
    if (unitRows.length === 0) return { created: [], generatedPassword: null };
    const generated = (password ?? this.settings.demoPassword) ? null : randomBytes(9).toString('base64url');
    const hash = await hashPassword(password ?? this.settings.demoPassword ?? generated!);
    const rows = unitRows.map((u) => ({
      id: randomUUID(),
      username: u.id.replace(/^unit-/, ''),
      displayName: u.callsign,
      role: 'field' as const,
      scope: u.homeRegionCode.slice(0, 6),
      passwordHash: hash,
      demo: true,
      unitId: u.id,
    }));
    await this.repo.insertUsers(rows);
    // The units with a demo account are on duty, so the demo loop can always dispatch them.
    await this.repo.putUnitsOnDuty(unitRows.map((u) => u.id));
    await this.audit.record({
      actor: null,
      actorName: 'system',
      action: 'user.demo-seed',
      outcome: 'ok',
      details: { users: rows.map((r) => r.username) },
    });
    return { created: rows.map((r) => r.username), generatedPassword: generated };
  }

  /**
   * A demo field account for every unit that has no account (police-0003, grid_worker-0012, …),
   * for the demo's simulated staff (issue 15), who act as each unit they dispatch through its own
   * phone; main.ts asks for them when the staff start, never otherwise (so the admin may give
   * units phones of their own: an admin who wants to give one a real phone while the staff run
   * disables its demo one first, as a unit has one enabled field account). Same password as the
   * demo's other field accounts (a random one where there are none: the staff need none). A name
   * an admin gave someone else stays theirs. Returns the usernames made.
   */
  async ensureUnitPhones(): Promise<string[]> {
    if (this.settings.production) return [];
    const unitRows = await this.repo.unitsWithoutAccount();
    if (unitRows.length === 0) return [];
    const hash =
      (await this.repo.demoFieldPasswordHash()) ??
      (await hashPassword(this.settings.demoPassword ?? randomBytes(18).toString('base64url')));
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
    if (rows.length === 0) return [];
    await this.repo.insertUsers(rows);
    await this.audit.record({
      actor: null,
      actorName: 'system',
      action: 'user.demo-seed',
      outcome: 'ok',
      details: { users: rows.map((r) => r.username), for: 'simulated staff' },
    });
    this.log.info({ accounts: rows.length }, 'demo field accounts made for the units the simulated staff act as');
    return rows.map((r) => r.username);
  }

  /** The demo accounts still in the database (a production hub refuses to start while any is). */
  names(): Promise<string[]> {
    return this.repo.demoUserNames();
  }
}
