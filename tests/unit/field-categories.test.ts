import { describe, expect, it } from 'vitest';
import { CATEGORY_FAMILIES, RISK_CATEGORIES } from '@shared/incident-categories';
import { categoryGroups, categoryLabel, isDispute } from '@client/report/categories';
import { partiesOf } from '@client/report/parts/parties';

describe('categoryGroups', () => {
  it('offers staff every category once, grouped by family in the fixed order', () => {
    const groups = categoryGroups('staff');
    expect(groups.map((g) => g.family)).toEqual([...CATEGORY_FAMILIES]);
    const all = groups.flatMap((g) => g.categories);
    expect(all).toHaveLength(RISK_CATEGORIES.length);
    expect(new Set(all)).toEqual(new Set(RISK_CATEGORIES));
  });

  it('leaves the police watch-list category out of the citizen list', () => {
    const all = categoryGroups('citizen').flatMap((g) => g.categories);
    expect(all).not.toContain('key_person');
    expect(all).toHaveLength(RISK_CATEGORIES.length - 1);
  });

  it('puts the disputes together', () => {
    const disputes = categoryGroups('citizen').find((g) => g.family === 'dispute')!;
    expect(disputes.categories).toContain('dispute_neighbour');
    expect(disputes.categories.every(isDispute)).toBe(true);
  });
});

describe('categoryLabel and isDispute', () => {
  it('labels in the screen language', () => {
    expect(categoryLabel('noise', 'zh-CN')).toBe('噪音扰民');
    expect(categoryLabel('noise', 'en')).toBe('Noise');
  });

  it.each([
    ['dispute_family', true],
    ['petition', true],
    ['noise', false],
    [null, false],
  ] as const)('%s → %s', (c, yes) => {
    expect(isDispute(c)).toBe(yes);
  });
});

describe('partiesOf', () => {
  it('drops blank rows and blank IDs, trims the rest', () => {
    expect(
      partiesOf([
        { name: ' 张三 ', idKey: ' 13800000000 ' },
        { name: '', idKey: 'x' },
        { name: '李四', idKey: '  ' },
      ]),
    ).toEqual([{ name: '张三', idKey: '13800000000' }, { name: '李四' }]);
  });
});
