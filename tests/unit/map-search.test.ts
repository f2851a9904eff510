import { describe, expect, it } from 'vitest';
import { buildSearchIndex, searchIndex, type SearchEntry } from '@client/stores/layerSearch';

const entries: SearchEntry[] = [
  { layer: 'cameras', index: 0, key: '36010201001320000001', label: '红洲南路216号高清监控' },
  { layer: 'cameras', index: 1, key: '36010201001320000002', label: '华埠街162号高清监控' },
  { layer: 'grids', index: 0, key: '360102001001001', label: '豫章社区第1网格' },
  { layer: 'communities', index: 0, key: '360102001001', label: '豫章社区' },
  { layer: 'districts', index: 0, key: '360102', label: '东湖区' },
];
const idx = buildSearchIndex(entries);

describe('search', () => {
  it('finds by exact id first, then by id prefix', () => {
    expect(searchIndex(idx, '36010201001320000002', 5)[0]?.index).toBe(1);
    expect(searchIndex(idx, '360102', 10).map((h) => h.layer)).toEqual([
      'districts',
      'communities',
      'grids',
      'cameras',
      'cameras',
    ]);
  });
  it('finds by name, shorter names first', () => {
    expect(searchIndex(idx, '豫章社区', 5).map((h) => h.layer)).toEqual(['communities', 'grids']);
    expect(searchIndex(idx, '华埠街', 5).map((h) => h.key)).toEqual(['36010201001320000002']);
  });
  it('answers nothing for an unknown or empty term, without throwing', () => {
    expect(searchIndex(idx, 'no such place', 5)).toEqual([]);
    expect(searchIndex(idx, '   ', 5)).toEqual([]);
    expect(searchIndex(idx, '(((', 5)).toEqual([]);
  });
  it('respects the limit', () => {
    expect(searchIndex(idx, '3601', 2)).toHaveLength(2);
  });
});
