/**
 * The 29 categories as a phone form offers them: grouped by family, labelled in the screen's
 * language, with the ones that are not for the public left out of the citizen's list. Pure.
 */
import {
  CATEGORIES,
  CATEGORY_FAMILIES,
  citizenReportable,
  DISPUTE_CATEGORIES,
  RISK_CATEGORIES,
  type CategoryFamily,
  type RiskCategory,
} from '@shared/incident-categories';

export interface CategoryGroup {
  family: CategoryFamily;
  categories: RiskCategory[];
}

/** Families in their fixed order, each with its categories in the contract's order; empty families left out. */
export function categoryGroups(audience: 'staff' | 'citizen'): CategoryGroup[] {
  return CATEGORY_FAMILIES.map((family) => ({
    family,
    categories: RISK_CATEGORIES.filter(
      (c) => CATEGORIES[c].family === family && (audience === 'staff' || citizenReportable(c)),
    ),
  })).filter((g) => g.categories.length > 0);
}

export function categoryLabel(c: RiskCategory, locale: string): string {
  return locale.startsWith('zh') ? CATEGORIES[c].zh : CATEGORIES[c].en;
}

/** A dispute (矛盾纠纷) asks for the parties. */
export function isDispute(c: RiskCategory | null): boolean {
  return c !== null && DISPUTE_CATEGORIES.has(c);
}
