/**
 * Field phones (issue 15), on both backends: a unit that declined and is dispatched again to the
 * same incident accepts, arrives and resolves on its phone (the hub and the phone's own logic both
 * read the new assignment, not the declined one); an admin makes a field account for any unit in
 * their scope and it works on /field at once; a unit outside the admin's scope, one that does not
 * exist, a missing or misplaced unit and a second account for one unit are refused, naming
 * body.unitId and nothing of a unit the admin may not see; each change is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import type { Hub } from '@server/app';
import type { Db } from '@server/db/connect';
import { generateDemoCity } from '@server/demo';
import { adminUnitList, auditPage, userView } from '@shared/auth';
import { fieldHome, incidentDetail, type IncidentView } from '@shared/incidents';
import { fieldActions, myAssignment } from '@client/field/fieldActions';

const API = '/api/v1';
const X = '360102';
const Y = '360103';

describe.each(backends)('field phones and accounts on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let db: Db;
  let dispatcher: Signed;
  let admin: Signed;

  const city = generateDemoCity({ scale: 'small', seed: 7 });
  // Units with no demo account (the first two of each kind have one).
  const spare = (district: string) =>
    city.units.find(
      (u) => u.homeRegionCode.startsWith(district) && !/-000[12]$/.test(u.id) && u.id !== 'unit-patrol_car-0003',
    )!;
  const unitX = spare(X);
  const unitY = spare(Y);

  const json = (body: unknown, method = 'POST'): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const ok = async (res: Response, status = 200) => {
    expect(res.status, await res.clone().text()).toBe(status);
    return res.json() as Promise<unknown>;
  };
  const error = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
  const act = async (who: Signed, id: string, body: Record<string, unknown>) =>
    incidentDetail.parse(await ok(await who.fetch(`${url}${API}/incidents/${id}/actions`, json(body)))).incident;
  const home = async (who: Signed) => fieldHome.parse(await ok(await who.fetch(`${url}${API}/field/home`)));

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(testConfig(p.config)));
    db = hub.services().database.db;
    dispatcher = await signIn(url, 'dispatcher');
    admin = await signIn(url, 'admin');
    await db.execute(
      sql`update units set status = 'available', incident_id = null where id in ('unit-police-0002', ${unitX.id})`,
    );
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('lets a unit that declined, then was dispatched again, accept, arrive and resolve', async () => {
    const unitId = 'unit-police-0002';
    const unit = city.units.find((u) => u.id === unitId)!;
    let inc: IncidentView = incidentDetail.parse(
      await ok(
        await dispatcher.fetch(
          `${url}${API}/incidents`,
          json({
            category: 'noise',
            priority: 3,
            title: '再派测试',
            location: { lon: unit.position[0], lat: unit.position[1] },
          }),
        ),
        201,
      ),
    ).incident;
    inc = await act(dispatcher, inc.id, { action: 'accept', version: inc.version });
    inc = await act(dispatcher, inc.id, { action: 'dispatch', version: inc.version, unitIds: [unitId] });
    const officer = await signIn(url, 'police-0002');
    inc = await act(officer, inc.id, { action: 'unit_decline', version: inc.version, note: '车辆故障' });
    expect(inc.status).toBe('accepted');
    inc = await act(dispatcher, inc.id, { action: 'dispatch', version: inc.version, unitIds: [unitId] });
    expect(inc.assignments.map((a) => a.status)).toEqual(['declined', 'assigned']);

    // The phone, as the page reads its home: the current assignment, and buttons for it.
    const phone = async () => {
      const a = (await home(officer)).assignments.find((x) => x.incident.id === inc.id)!;
      const mine = myAssignment(a.incident, unitId);
      return { mine: mine?.status, buttons: fieldActions(a.actions, mine?.status ?? null) };
    };
    expect(await phone()).toEqual({ mine: 'assigned', buttons: ['unit_accept', 'unit_decline'] });
    inc = await act(officer, inc.id, { action: 'unit_accept', version: inc.version });
    expect(await phone()).toEqual({ mine: 'accepted', buttons: ['arrive'] });
    inc = await act(officer, inc.id, { action: 'arrive', version: inc.version });
    expect(await phone()).toEqual({ mine: 'arrived', buttons: ['resolve'] });
    inc = await act(officer, inc.id, { action: 'resolve', version: inc.version, note: '已处理' });
    expect(inc.status).toBe('resolved');
    expect(inc.assignments.map((a) => a.status)).toEqual(['declined', 'released']);
  });

  it("lists the units in the admin's scope and makes a field account that works on /field", async () => {
    const cityUnits = adminUnitList.parse(await ok(await admin.fetch(`${url}${API}/admin/units`))).units;
    expect(cityUnits.map((u) => u.id)).toEqual(expect.arrayContaining([unitX.id, unitY.id]));
    expect(cityUnits.find((u) => u.id === 'unit-police-0001')?.linked).toBe(true);
    expect(cityUnits.find((u) => u.id === unitX.id)?.linked).toBe(false);

    const made = userView.parse(
      await ok(
        await admin.fetch(
          `${url}${API}/admin/users`,
          json({
            username: 'officer-x',
            displayName: '新警员',
            role: 'field',
            scope: X,
            password: 'officer-x-2026',
            unitId: unitX.id,
          }),
        ),
        201,
      ),
    );
    expect(made.unit).toEqual({ id: unitX.id, callsign: unitX.callsign });
    const officer = await signIn(url, 'officer-x', 'officer-x-2026');
    expect((await home(officer)).unit).toMatchObject({ id: unitX.id, callsign: unitX.callsign });
    const listed = adminUnitList.parse(await ok(await admin.fetch(`${url}${API}/admin/units`))).units;
    expect(listed.find((u) => u.id === unitX.id)?.linked).toBe(true);

    const audit = auditPage.parse(await ok(await admin.fetch(`${url}${API}/admin/audit?action=user.create`)));
    expect(audit.records.find((r) => r.target === `user:${made.id}`)?.details).toMatchObject({ unit: unitX.id });

    // One enabled account per unit; disabling the first frees the unit for another.
    const second = {
      username: 'officer-x2',
      displayName: '第二人',
      role: 'field',
      scope: X,
      password: 'officer-x2-2026',
      unitId: unitX.id,
    };
    const taken = await admin.fetch(`${url}${API}/admin/users`, json(second));
    expect(taken.status).toBe(409);
    const takenError = await error(taken);
    expect(takenError.code).toBe('unit/taken');
    expect(takenError.message).toContain('body.unitId');
    await ok(await admin.fetch(`${url}${API}/admin/users/${made.id}`, json({ disabled: true }, 'PATCH')));
    await ok(await admin.fetch(`${url}${API}/admin/users`, json(second)), 201);
    // Enabling the first again would make two: refused.
    const again = await admin.fetch(`${url}${API}/admin/users/${made.id}`, json({ disabled: false }, 'PATCH'));
    expect(again.status).toBe(409);
  });

  it('refuses a unit outside the scope, an unknown, missing or misplaced unit, naming body.unitId', async () => {
    await ok(
      await admin.fetch(
        `${url}${API}/admin/users`,
        json({ username: `admin-${X}`, displayName: 'Admin X', role: 'admin', scope: X, password: 'admin-x-2026' }),
      ),
      201,
    );
    const adminX = await signIn(url, `admin-${X}`, 'admin-x-2026');
    const units = adminUnitList.parse(await ok(await adminX.fetch(`${url}${API}/admin/units`))).units;
    expect(units.length).toBeGreaterThan(0);
    expect(units.every((u) => u.homeRegionCode.startsWith(X))).toBe(true);

    const body = (over: Record<string, unknown>) =>
      json({ username: 'field-y', displayName: 'x', role: 'field', scope: X, password: 'field-y-2026', ...over });
    const outside = await adminX.fetch(`${url}${API}/admin/users`, body({ unitId: unitY.id }));
    expect(outside.status).toBe(403);
    const refusal = await error(outside);
    expect(refusal.message).toContain('body.unitId');
    // Nothing of the unit beyond the id the admin sent: not its callsign, kind or home.
    expect(refusal.message).not.toContain(unitY.callsign);
    expect(refusal.message).not.toContain(unitY.homeRegionCode);
    expect(JSON.stringify(refusal)).not.toContain(unitY.callsign);

    const unknown = await adminX.fetch(`${url}${API}/admin/users`, body({ unitId: 'unit-police-9999' }));
    expect(unknown.status).toBe(400);
    expect((await error(unknown)).message).toContain('body.unitId');
    const missing = await adminX.fetch(`${url}${API}/admin/users`, body({}));
    expect(missing.status).toBe(400);
    expect((await error(missing)).message).toContain('body.unitId');
    const notField = await adminX.fetch(`${url}${API}/admin/users`, body({ role: 'viewer', unitId: unitX.id }));
    expect(notField.status).toBe(400);
    expect((await error(notField)).message).toContain('body.unitId');
    // A unit of X for an account scoped to one of X's streets it does not lie in.
    const street = city.regions.find(
      (r) => r.code.length === 9 && r.code.startsWith(X) && !unitX.homeRegionCode.startsWith(r.code),
    )!.code;
    const misplaced = await adminX.fetch(`${url}${API}/admin/users`, body({ scope: street, unitId: unitX.id }));
    expect(misplaced.status).toBe(400);
    expect((await error(misplaced)).message).toContain('body.unitId');
    // Nothing was made.
    const users = (await ok(await admin.fetch(`${url}${API}/admin/users`))) as { users: { username: string }[] };
    expect(users.users.map((u) => u.username)).not.toContain('field-y');
  });

  it('moves a field account to another unit, and unlinks it when the role changes', async () => {
    const made = userView.parse(
      await ok(
        await admin.fetch(
          `${url}${API}/admin/users`,
          json({
            username: 'officer-y',
            displayName: '乙',
            role: 'field',
            scope: Y,
            password: 'officer-y-2026',
            unitId: unitY.id,
          }),
        ),
        201,
      ),
    );
    const other = city.units.find((u) => u.homeRegionCode.startsWith(Y) && u.kind === 'fire')!;
    // fire-0001 has a demo account already: taken.
    expect((await admin.fetch(`${url}${API}/admin/users/${made.id}`, json({ unitId: other.id }, 'PATCH'))).status).toBe(
      409,
    );
    // patrol_car-0003 has none.
    const car = city.units.find((u) => u.id === 'unit-patrol_car-0003')!;
    expect(car.homeRegionCode.startsWith(Y)).toBe(true);
    const moved = userView.parse(
      await ok(await admin.fetch(`${url}${API}/admin/users/${made.id}`, json({ unitId: car.id }, 'PATCH'))),
    );
    expect(moved.unit?.id).toBe(car.id);
    const viewer = userView.parse(
      await ok(await admin.fetch(`${url}${API}/admin/users/${made.id}`, json({ role: 'viewer' }, 'PATCH'))),
    );
    expect(viewer.unit).toBeNull();
    const back = await admin.fetch(`${url}${API}/admin/users/${made.id}`, json({ role: 'field' }, 'PATCH'));
    expect(back.status).toBe(400);
    expect((await error(back)).message).toContain('body.unitId');
  });
});
