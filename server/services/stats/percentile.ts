/**
 * Percentiles from the rollups' time histograms (issue 16), pure. The buckets are the database's
 * stats_bucket() (migration 0012): whole minutes below 1 h, 5 min to 4 h, 30 min to 2 days, a day to
 * 92 days. A percentile is the nearest rank's bucket, reported as the bucket's lower edge.
 */
import type { Percentiles } from '@shared/stats';

/** The lowest minute a bucket holds. */
export function bucketFloor(b: number): number {
  if (b < 60) return b;
  if (b < 96) return 60 + (b - 60) * 5;
  if (b < 184) return 240 + (b - 96) * 30;
  return 2880 + (b - 184) * 1440;
}

/** The bucket of a duration in minutes (as stats_bucket()). */
export function bucketOf(minutes: number): number {
  const m = Math.max(0, minutes);
  if (m < 60) return Math.floor(m);
  if (m < 240) return 60 + Math.floor((m - 60) / 5);
  if (m < 2880) return 96 + Math.floor((m - 240) / 30);
  return 184 + Math.min(Math.floor((m - 2880) / 1440), 89);
}

/** p50 and p90 of a histogram (bucket → count); null when empty. */
export function percentilesOf(hist: ReadonlyMap<number, number>): Percentiles {
  const buckets = [...hist.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const n = buckets.reduce((s, [, c]) => s + c, 0);
  const at = (p: number): number | null => {
    if (n === 0) return null;
    const rank = Math.max(1, Math.ceil(p * n));
    let seen = 0;
    for (const [b, c] of buckets) {
      seen += c;
      if (seen >= rank) return bucketFloor(b);
    }
    return null;
  };
  return { p50: at(0.5), p90: at(0.9), n };
}
