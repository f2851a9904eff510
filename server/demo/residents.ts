/**
 * Registered residents of the smart communities (实有人口), for the care rules: a few of them live
 * alone (独居老人), and one of those with no access event for a while raises an absence alarm.
 *
 * Not every person of every household: a sample of the register, `households × perHousehold`
 * clamped to [min, max] per community (small city ~440, full city ~46k), enough for the
 * simulator's gates to name and for the absence rule to watch. Exactly `livingAloneShare` of them
 * (rounded) live alone, drawn city-wide. Homes lie inside the community's compound.
 *
 * Also here: each living-alone resident's one historical access event, stored with the city so
 * that the absence rule has a last access to count from when the demo starts (a seeded 0–50 h
 * before the seed time: with the default 48 h, a fifth of them are overdue from the start).
 */
import type { LonLat, Resident, SmartCommunity } from '@shared/world';
import type { ResidentSpec } from './config';
import { round6 } from '@shared/geo';
import { personName } from './names';
import type { Rng } from './random';

/** 张建华 → 张*华, 张华 → 张*, as resident registers show names to people who do not need them whole. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** A point of a convex quadrilateral [a, b, c, d] at (u, v) of its bilinear parametrisation. */
function quadPoint(q: readonly LonLat[], u: number, v: number): LonLat {
  const [a, b, c, d] = q as [LonLat, LonLat, LonLat, LonLat];
  const lon = (1 - v) * ((1 - u) * a[0] + u * b[0]) + v * ((1 - u) * d[0] + u * c[0]);
  const lat = (1 - v) * ((1 - u) * a[1] + u * b[1]) + v * ((1 - u) * d[1] + u * c[1]);
  return [round6(lon), round6(lat)];
}

export function residentCount(households: number, spec: ResidentSpec): number {
  return Math.max(spec.min, Math.min(spec.max, Math.round(households * spec.perHousehold)));
}

/** Residents of every smart community, in community order; ids `<community id>-r<nnn>`. */
export function buildResidents(communities: readonly SmartCommunity[], spec: ResidentSpec, rng: Rng): Resident[] {
  const out: Resident[] = [];
  for (const sc of communities) {
    // Compounds are quadrilaterals (communities.ts); keep homes off their walls.
    const quad = sc.boundary[0]!.slice(0, 4);
    const n = residentCount(sc.households, spec);
    for (let k = 1; k <= n; k++) {
      out.push({
        id: `${sc.id}-r${String(k).padStart(3, '0')}`,
        communityId: sc.id,
        gridCode: sc.gridCode,
        name: maskName(personName(rng)),
        livingAlone: false,
        position: quadPoint(quad, rng.float(0.1, 0.9), rng.float(0.1, 0.9)),
      });
    }
  }
  const alone = Math.round(out.length * spec.livingAloneShare);
  const order = rng.shuffle(out.map((_, i) => i));
  for (let i = 0; i < alone; i++) out[order[i]!]!.livingAlone = true;
  return out;
}

/** The last access of a living-alone resident before the city was seeded (see the file comment). */
export interface SeedAccess {
  /** `seed-access-<resident id>`, source 'access', type 'face_access'. */
  id: string;
  residentId: string;
  /** A gate of the resident's community (a pedestrian one when there is one). */
  gateId: string;
  position: LonLat;
  gridCode: string;
  /** Epoch ms: the seed time less 0–50 h. */
  at: number;
}

export const SEED_ACCESS_MAX_AGE_MS = 50 * 3_600_000;

/**
 * One access event per living-alone resident, `seedMs` less a seeded random 0–50 h. The offsets
 * come from `rng` only (not from the time), so the same city gets the same offsets whenever seeded.
 */
export function seedAccessEvents(
  residents: readonly Resident[],
  communities: readonly SmartCommunity[],
  seedMs: number,
  rng: Rng,
): SeedAccess[] {
  const byId = new Map(communities.map((c) => [c.id, c]));
  const out: SeedAccess[] = [];
  for (const r of residents) {
    if (!r.livingAlone) continue;
    const ageMs = Math.floor(rng.float(0, SEED_ACCESS_MAX_AGE_MS));
    const sc = byId.get(r.communityId);
    if (!sc) continue;
    const gate = sc.gates.find((g) => g.kind === 'pedestrian') ?? sc.gates[0]!;
    out.push({
      id: `seed-access-${r.id}`,
      residentId: r.id,
      gateId: gate.id,
      position: gate.position,
      gridCode: sc.gridCode,
      at: seedMs - ageMs,
    });
  }
  return out;
}
