/**
 * The new-incident form's draft and its translation into the hub's body (POST /incidents): blank
 * optional fields are left out, parties go only with a dispute category. Pure (tests/unit/incident-form.test.ts).
 */
import type { CreateIncidentBody } from '@shared/incidents';
import { DISPUTE_CATEGORIES, type RiskCategory } from '@shared/incident-categories';
import type { PickedLocation } from '../report/parts/location';
import type { PartyRow } from '../report/parts/parties';

export interface IncidentDraft {
  category: RiskCategory | null;
  priority: number;
  title: string;
  description: string;
  location: PickedLocation | null;
  address: string;
  source: 'dispatcher' | 'hotline';
  externalId: string;
  reporterName: string;
  reporterPhone: string;
  parties: PartyRow[];
}

export const emptyDraft = (): IncidentDraft => ({
  category: null,
  priority: 3,
  title: '',
  description: '',
  location: null,
  address: '',
  source: 'dispatcher',
  externalId: '',
  reporterName: '',
  reporterPhone: '',
  parties: [],
});

/** The draft as the hub's body (blank optional fields left out). */
export function draftBody(d: IncidentDraft): Partial<CreateIncidentBody> {
  const reporter = {
    ...(d.reporterName.trim() ? { name: d.reporterName.trim() } : {}),
    ...(d.reporterPhone.trim() ? { phone: d.reporterPhone.trim() } : {}),
  };
  const parties = d.parties
    .filter((p) => p.name.trim())
    .map((p) => ({ name: p.name.trim(), ...(p.idKey.trim() ? { idKey: p.idKey.trim() } : {}) }));
  return {
    ...(d.category ? { category: d.category } : {}),
    priority: d.priority,
    title: d.title.trim(),
    description: d.description.trim(),
    ...(d.location ? { location: { lon: d.location.lon, lat: d.location.lat } } : {}),
    address: d.address.trim(),
    source: d.source,
    ...(d.source === 'hotline' && d.externalId.trim() ? { externalId: d.externalId.trim() } : {}),
    ...(Object.keys(reporter).length ? { reporter } : {}),
    ...(d.category && DISPUTE_CATEGORIES.has(d.category) && parties.length ? { parties } : {}),
  };
}
