/**
 * Which categories a citizen may report is one rule (shared/incident-categories.ts:
 * citizenReportable), and both of its readers follow it: the citizen's form
 * (client/src/report/categories.ts) and Open311's services (shared/open311.ts).
 */
import { describe, expect, it } from 'vitest';
import { CITIZEN_CATEGORIES, citizenReportable, RISK_CATEGORIES } from '@shared/incident-categories';
import { OPEN311_SERVICE_CODES } from '@shared/open311';
import { categoryGroups } from '@client/report/categories';

describe('citizen-reportable categories', () => {
  it('are all but the police watch list, in the contract’s order', () => {
    expect(citizenReportable('key_person')).toBe(false);
    expect(RISK_CATEGORIES.filter((c) => !citizenReportable(c))).toEqual(['key_person']);
    expect(CITIZEN_CATEGORIES).toEqual(RISK_CATEGORIES.filter((c) => c !== 'key_person'));
  });

  it('are what the citizen’s form and Open311 offer; staff see every category', () => {
    const citizenForm = categoryGroups('citizen').flatMap((g) => g.categories);
    expect([...citizenForm].sort()).toEqual([...CITIZEN_CATEGORIES].sort());
    expect(OPEN311_SERVICE_CODES).toEqual(CITIZEN_CATEGORIES);
    expect(categoryGroups('staff').flatMap((g) => g.categories)).toHaveLength(RISK_CATEGORIES.length);
  });
});
