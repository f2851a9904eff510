/**
 * Seeded pseudo-random numbers for the demo city (sfc32, seeded through cyrb128).
 *
 * Why our own generator: the demo city must be a pure function of its seed (same seed, same
 * city, on every machine and Node version), and Math.random cannot be seeded.
 *
 * Why labelled streams: each module forks its own stream (`rng.fork('cameras')`), so adding a
 * draw in one module does not reshuffle what every later module produces.
 */

/** cyrb128: a small, well-mixed string hash giving four 32-bit words to seed sfc32 with. */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(private readonly seedKey: string) {
    [this.a, this.b, this.c, this.d] = cyrb128(seedKey);
    // Discard the first outputs: sfc32 needs a few rounds to mix a weak seed.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A stream for a numeric seed. Seeds are hashed as text, so 1 and 1.5 and -1 all work. */
  static fromSeed(seed: number): Rng {
    return new Rng(`demo-city:${seed}`);
  }

  /** An independent stream derived from this one's seed and a label (not from its state). */
  fork(label: string): Rng {
    return new Rng(`${this.seedKey}/${label}`);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [min, max). */
  float(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Index drawn with probability proportional to weights[i] (weights >= 0, not all 0). */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}

/**
 * Split `total` items over slots in proportion to their weights (systematic sampling): every slot
 * gets floor or ceil of its share, and the rounding falls at random but reproducible places.
 */
export function allocate(weights: ArrayLike<number>, total: number, rng: Rng): Int32Array {
  const n = weights.length;
  const counts = new Int32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i]!;
  if (n === 0 || total <= 0 || sum <= 0) return counts;
  const step = sum / total;
  let next = rng.next() * step;
  let acc = 0;
  let placed = 0;
  for (let i = 0; i < n && placed < total; i++) {
    acc += weights[i]!;
    while (next < acc && placed < total) {
      counts[i]!++;
      placed++;
      next += step;
    }
  }
  // Floating-point drift can leave the last one or two unplaced: give them to the heaviest slot.
  if (placed < total) {
    let best = 0;
    for (let i = 1; i < n; i++) if (weights[i]! > weights[best]!) best = i;
    counts[best]! += total - placed;
  }
  return counts;
}

/**
 * k distinct indices drawn with probability proportional to weight (Efraimidis–Spirakis keys),
 * returned in increasing index order. Used where two objects must not share a grid.
 */
export function sampleDistinct(weights: ArrayLike<number>, k: number, rng: Rng): number[] {
  const keyed: { i: number; key: number }[] = [];
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    const u = rng.next();
    if (w > 0) keyed.push({ i, key: Math.log(u + 1e-300) / w });
  }
  keyed.sort((x, y) => y.key - x.key || x.i - y.i);
  return keyed
    .slice(0, k)
    .map((x) => x.i)
    .sort((x, y) => x - y);
}
