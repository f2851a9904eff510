/**
 * The new-incident form's draft → the hub's body (client/src/incidents/draft.ts), checked against
 * the shared createIncidentBody schema the hub parses it with.
 */
import { describe, expect, it } from 'vitest';
import { createIncidentBody } from '@shared/incidents';
import { draftBody, emptyDraft, type IncidentDraft } from '@client/incidents/draft';

const draft = (over: Partial<IncidentDraft>): IncidentDraft => ({ ...emptyDraft(), ...over });

describe('draftBody', () => {
  it('an empty draft is refused (no category, title or place)', () => {
    expect(createIncidentBody.safeParse(draftBody(emptyDraft())).success).toBe(false);
  });

  it("a complete draft passes the hub's schema; blank optional fields are left out", () => {
    const body = draftBody(
      draft({
        category: 'noise',
        title: '  Loud music ',
        location: { lon: 115.9, lat: 28.7, source: 'map' },
        reporterName: ' ',
        externalId: 'T-1',
      }),
    );
    expect(body).toEqual({
      category: 'noise',
      priority: 3,
      title: 'Loud music',
      description: '',
      location: { lon: 115.9, lat: 28.7 },
      address: '',
      source: 'dispatcher',
    });
    expect(createIncidentBody.safeParse(body).success).toBe(true);
  });

  it('a hotline call carries its ticket and reporter', () => {
    const body = draftBody(
      draft({
        category: 'noise',
        title: 'x',
        location: { lon: 1, lat: 2, source: 'map' },
        source: 'hotline',
        externalId: ' T-9 ',
        reporterPhone: '12345',
      }),
    );
    expect(body).toMatchObject({ source: 'hotline', externalId: 'T-9', reporter: { phone: '12345' } });
    expect(createIncidentBody.safeParse(body).success).toBe(true);
  });

  it('parties go only with a dispute category, blank rows dropped', () => {
    const parties = [
      { name: ' Zhang ', idKey: '' },
      { name: '', idKey: 'x' },
      { name: 'Li', idKey: ' 138 ' },
    ];
    expect(
      draftBody(
        draft({ category: 'dispute_neighbour', title: 'x', location: { lon: 1, lat: 2, source: 'map' }, parties }),
      ).parties,
    ).toEqual([{ name: 'Zhang' }, { name: 'Li', idKey: '138' }]);
    expect(
      draftBody(draft({ category: 'noise', title: 'x', location: { lon: 1, lat: 2, source: 'map' }, parties })).parties,
    ).toBeUndefined();
  });
});
