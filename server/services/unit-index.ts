/**
 * The field units as dispatch sees them: an in-memory copy of the units table (600 rows in the
 * demo city), refreshed from rows changed since the last look at most every REFRESH_MS (another hub's
 * moves arrive that way; this hub's own writes are applied at once). Nearest available units with an
 * ETA by kind are a scan of a few hundred rows: microseconds, no spatial query (BENCHMARKS.md).
 */
import type { UnitRow } from '../repositories/unit.repository';
import { distanceM } from '@shared/geo';
import type { UnitProposal } from '@shared/incidents';
import { etaMinutes } from '@shared/eta';

const REFRESH_MS = 2_000;
const OVERLAP_MS = 5_000;

export { UNIT_TRAVEL, ROUTE_FACTOR, etaMinutes } from '@shared/eta';

export class UnitIndex {
  private byId = new Map<string, UnitRow>();
  private seenUpTo = new Date(0);
  private lastRefresh = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly load: () => Promise<UnitRow[]>,
    private readonly changedSince: (since: Date) => Promise<UnitRow[]>,
    private readonly now: () => number,
  ) {}

  /** Up to date within REFRESH_MS (the first call loads every unit). */
  async fresh(): Promise<this> {
    if (this.now() - this.lastRefresh < REFRESH_MS && this.byId.size) return this;
    this.loading ??= (async () => {
      try {
        // A little overlap: a transaction stamped before seenUpTo may commit after we looked.
        const rows = this.byId.size
          ? await this.changedSince(new Date(this.seenUpTo.getTime() - OVERLAP_MS))
          : await this.load();
        this.apply(rows);
        this.lastRefresh = this.now();
      } finally {
        this.loading = null;
      }
    })();
    await this.loading;
    return this;
  }

  /** Rows read (newer than what is held replaces it), or this hub's own writes (`written`: they win). */
  apply(rows: readonly UnitRow[], written = false): void {
    for (const u of rows) {
      const have = this.byId.get(u.id);
      if (written || !have || have.updatedAt <= u.updatedAt) this.byId.set(u.id, u);
      if (u.updatedAt > this.seenUpTo) this.seenUpTo = u.updatedAt;
    }
  }

  get(id: string): UnitRow | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<UnitRow> {
    return this.byId.values();
  }

  /**
   * The `count` nearest available units of these kinds (all kinds when empty), within `maxM`, by
   * ETA; `department` keeps only that department's crews.
   */
  nearest(
    lon: number,
    lat: number,
    opts: { kinds?: readonly string[]; department?: string; count: number; maxM: number },
  ): UnitProposal[] {
    const kinds = opts.kinds?.length ? new Set(opts.kinds) : null;
    const found: UnitProposal[] = [];
    for (const u of this.byId.values()) {
      if (u.status !== 'available') continue;
      if (kinds && !kinds.has(u.kind)) continue;
      if (opts.department && u.department !== opts.department) continue;
      const d = distanceM([lon, lat], [u.lon, u.lat]);
      if (d > opts.maxM) continue;
      found.push({
        unitId: u.id,
        callsign: u.callsign,
        kind: u.kind,
        department: u.department,
        distanceM: Math.round(d),
        etaMin: etaMinutes(u.kind, d),
      });
    }
    found.sort((a, b) => a.etaMin - b.etaMin || a.distanceM - b.distanceM || (a.unitId < b.unitId ? -1 : 1));
    return found.slice(0, opts.count);
  }
}
