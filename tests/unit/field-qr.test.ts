import { describe, expect, it } from 'vitest';
import { qrItems, qrSrc } from '@client/report/qr';

describe('qrItems', () => {
  const community = { code: '110101001001', name: '东华门社区' };
  it('puts the community first, then its own grids in code order', () => {
    const grids = [
      { code: '110101001001002', name: '二网格' },
      { code: '110101001002001', name: '别的社区' },
      { code: '110101001001001', name: '一网格' },
    ];
    expect(qrItems(community, grids)).toEqual([
      { ...community, level: 'community' },
      { code: '110101001001001', name: '一网格', level: 'grid' },
      { code: '110101001001002', name: '二网格', level: 'grid' },
    ]);
  });

  it('has only the community when it has no grids', () => {
    expect(qrItems(community, [])).toHaveLength(1);
  });

  it("points at the hub's SVG", () => {
    expect(qrSrc('110101001001')).toBe('/api/v1/regions/110101001001/qr.svg');
  });
});
