/**
 * Search over ids/codes and names of cameras, regions, facilities and compounds. Pure: runs in
 * the layer worker. Ranking: exact id/code, id/code prefix, name prefix, name substring; shorter
 * names first within a rank (a district before a grid named after it).
 */
import type { LayerName } from '@shared/layers';

export interface SearchEntry {
  layer: LayerName;
  index: number;
  key: string;
  label: string;
}
export interface SearchHit extends SearchEntry {
  rank: number;
}
export interface SearchIndex {
  entries: readonly SearchEntry[];
  lowerLabels: string[];
}

export function buildSearchIndex(entries: readonly SearchEntry[]): SearchIndex {
  return { entries, lowerLabels: entries.map((e) => e.label.toLowerCase()) };
}

export function searchIndex(idx: SearchIndex, raw: string, limit: number): SearchHit[] {
  const q = raw.trim().toLowerCase();
  if (!q) return [];
  const hits: SearchHit[] = [];
  const digits = /^\d+$/.test(q);
  for (let i = 0; i < idx.entries.length; i++) {
    const e = idx.entries[i]!;
    let rank = -1;
    if (digits) {
      if (e.key === q) rank = 0;
      else if (e.key.startsWith(q)) rank = 1;
    }
    if (rank < 0) {
      const l = idx.lowerLabels[i]!;
      if (l === q) rank = 2;
      else if (l.startsWith(q)) rank = 3;
      else if (l.includes(q)) rank = 4;
      else if (!digits && e.key.toLowerCase() === q) rank = 0;
    }
    if (rank >= 0) hits.push({ ...e, rank });
  }
  hits.sort((a, b) => a.rank - b.rank || a.label.length - b.label.length || a.key.localeCompare(b.key));
  return hits.slice(0, limit);
}
