/** A minimal binary min-heap of (key, id) pairs; ties break on the smaller id, for determinism. */
export class MinHeap {
  private keys: number[] = [];
  private ids: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  push(key: number, id: number): void {
    const keys = this.keys;
    const ids = this.ids;
    let i = ids.length;
    keys.push(key);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(key, id, keys[parent]!, ids[parent]!)) break;
      keys[i] = keys[parent]!;
      ids[i] = ids[parent]!;
      i = parent;
    }
    keys[i] = key;
    ids[i] = id;
  }

  /** Removes the smallest entry; returns its id and leaves its key in `lastKey`. */
  pop(): number {
    const keys = this.keys;
    const ids = this.ids;
    const topId = ids[0]!;
    this.lastKey = keys[0]!;
    const key = keys.pop()!;
    const id = ids.pop()!;
    const n = ids.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.less(keys[r]!, ids[r]!, keys[l]!, ids[l]!) ? r : l;
        if (!this.less(keys[c]!, ids[c]!, key, id)) break;
        keys[i] = keys[c]!;
        ids[i] = ids[c]!;
        i = c;
      }
      keys[i] = key;
      ids[i] = id;
    }
    return topId;
  }

  lastKey = 0;

  private less(k1: number, i1: number, k2: number, i2: number): boolean {
    return k1 < k2 || (k1 === k2 && i1 < i2);
  }
}
