/**
 * Unit trails (issue 15) on both backends: a phone's positions and the demo's moves are each
 * recorded as a trail point with the stored position (through the dispatch service), served by
 * GET /units/trails thinned to a point every TRAIL_STEP_MS with the newest position last, only of
 * the caller's units (a district's dispatcher gets nothing of another district's units), never
 * older than the 15-minute window; the prune deletes what fell out of it, and a phone reporting
 * the same place again adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import type { Hub } from '@server/app';
import { queryRows, type Db } from '@server/db/connect';
import { generateDemoCity } from '@server/demo';
import { TRAIL_WINDOW_MS, unitTrailsReply, type UnitTrailsReply } from '@shared/trails';

const API = '/api/v1';

describe.each(backends)('unit trails on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let db: Db;
  let city: Signed;
  let officer: Signed;
  let own: Signed;
  let other: Signed;

  const demo = generateDemoCity({ scale: 'small', seed: 7 });
  // The first police unit has a demo field account (police-0001); its district and another's.
  const unit = demo.units.filter((u) => u.kind === 'police').sort((a, b) => a.id.localeCompare(b.id))[0]!;
  const district = unit.homeRegionCode.slice(0, 6);
  const otherDistrict = ['360102', '360103', '360113'].find((d) => d !== district)!;
  // A unit of the other district that the demo's motion moves.
  const far = demo.units.find((u) => u.homeRegionCode.startsWith(otherDistrict) && u.kind === 'patrol_car')!;

  const trailsOf = async (who: Signed): Promise<UnitTrailsReply> => {
    const res = await who.fetch(`${url}${API}/units/trails`);
    expect(res.status).toBe(200);
    return unitTrailsReply.parse(await res.json());
  };
  const trailOf = (reply: UnitTrailsReply, unitId: string) => reply.trails.find((t) => t.unitId === unitId);
  const report = async (lon: number, lat: number) => {
    const res = await officer.fetch(`${url}${API}/field/position`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lon, lat }),
    });
    expect(res.status).toBe(204);
  };
  const rowsOf = async (unitId: string) =>
    (
      await queryRows<{ n: string | number }>(
        db,
        sql`select count(*) as n from unit_positions where unit_id = ${unitId}`,
      )
    ).map((r) => Number(r.n))[0]!;

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(testConfig(p.config)));
    db = hub.services().database.db;
    city = await signIn(url, 'dispatcher');
    officer = await signIn(url, unit.id.replace(/^unit-/, ''));
    own = await signIn(url, `dispatcher-${district}`);
    other = await signIn(url, `dispatcher-${otherDistrict}`);
  }, 120_000);

  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it("records a phone's positions and serves them as the unit's trail, newest last, to its scope only", async () => {
    const [lon, lat] = unit.position;
    await report(lon + 0.001, lat);
    await report(lon + 0.002, lat);
    // Within a step of the point before: it replaces the head rather than adding a point.
    await report(lon + 0.003, lat + 0.001);
    expect(await rowsOf(unit.id)).toBe(3);

    const reply = await trailsOf(city);
    const trail = trailOf(reply, unit.id)!;
    expect(trail.path).toEqual([lon + 0.001, lat, lon + 0.003, lat + 0.001].map((v) => Math.round(v * 1e6) / 1e6));
    expect(trail.ages).toHaveLength(2);
    for (const a of trail.ages) expect(a).toBeGreaterThanOrEqual(0);
    expect(Math.abs(Date.parse(reply.now) - Date.now())).toBeLessThan(60_000);

    // The unit's district sees it; another district's dispatcher gets none of its units.
    expect(trailOf(await trailsOf(own), unit.id)).toBeDefined();
    const theirs = await trailsOf(other);
    expect(trailOf(theirs, unit.id)).toBeUndefined();
    const homes = new Map(demo.units.map((u) => [u.id, u.homeRegionCode]));
    for (const t of theirs.trails) expect(homes.get(t.unitId)!.startsWith(otherDistrict)).toBe(true);
  });

  it('adds no point when the phone reports where the unit already is', async () => {
    const before = await rowsOf(unit.id);
    const [lon, lat] = unit.position;
    await report(lon + 0.003, lat + 0.001);
    expect(await rowsOf(unit.id)).toBe(before);
  });

  it("records the demo's moves through the same service, in the mover's district only", async () => {
    const to: [number, number] = [far.position[0] + 0.002, far.position[1] - 0.001];
    await hub.services().incidents.dispatch.moveUnits([{ id: far.id, position: to }]);
    expect(trailOf(await trailsOf(city), far.id)?.path).toEqual(to);
    expect(trailOf(await trailsOf(other), far.id)?.path).toEqual(to);
    expect(trailOf(await trailsOf(own), far.id)).toBeUndefined();
  });

  it('serves nothing older than the window, and the prune deletes it', async () => {
    const positions = hub.services().repositories.unitPositions;
    const now = Date.now();
    const old = { unitId: far.id, lon: 115.8, lat: 28.6 };
    await positions.record([
      { ...old, at: new Date(now - TRAIL_WINDOW_MS - 60_000) },
      { ...old, at: new Date(now - TRAIL_WINDOW_MS - 30_000), lon: 115.801 },
    ]);
    const served = trailOf(await trailsOf(city), far.id)!;
    expect(served.path).not.toContain(115.8);
    expect(served.path).not.toContain(115.801);
    const total = await rowsOf(far.id);

    expect(await hub.services().incidents.trails.prune()).toBeGreaterThanOrEqual(2);
    expect(await rowsOf(far.id)).toBe(total - 2);
    // What is inside the window stays.
    expect(trailOf(await trailsOf(city), far.id)?.path).toEqual(served.path);
  });
});
