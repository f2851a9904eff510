/**
 * The rule editor's form, pure: every default rule goes through the form and back unchanged; the
 * shared ruleSchema's problems land on the field they name; the hub's 400 lands on the field its
 * issues or its message name (`body.zoneIds[2]: …`), anything else on the form as a whole.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '@server/rules/rules';
import {
  RULE_KINDS,
  checkDraft,
  draftOf,
  newRuleId,
  ruleOf,
  serverFieldErrors,
  type RuleDraft,
} from '@client/admin/rule-form';

const draft = (over: Partial<RuleDraft> = {}): RuleDraft => ({
  ...draftOf(null, 'r-1'),
  name: 'n',
  eventTypes: ['stranger'],
  ...over,
});

describe('the rule form', () => {
  it.each(DEFAULT_RULES.map((r) => [r.id, r] as const))('gives %s back as it was', (_id, rule) => {
    const checked = checkDraft(draftOf(rule));
    expect(checked).toEqual({ ok: true, rule });
  });

  it('makes a new zone rule, priority 3, enabled, without the fields left empty', () => {
    expect(ruleOf(draft())).toEqual({
      id: 'r-1',
      name: 'n',
      kind: 'zone',
      eventTypes: ['stranger'],
      priority: 3,
      actions: ['cameras'],
      enabled: true,
    });
    expect(newRuleId(() => 0)).toBe('rule-000000');
    expect(newRuleId()).toMatch(/^rule-[0-9a-z]{6}$/);
  });

  it("keeps every kind's fields, and sends only the chosen kind's", () => {
    const d = draft({ zoneKinds: ['school'], windowOn: true, facilityKinds: ['hospital'], hours: 24 });
    expect(ruleOf(d)).toMatchObject({ zoneKinds: ['school'], window: { from: '22:00', to: '06:00' } });
    expect(ruleOf({ ...d, kind: 'facility' })).toMatchObject({ facilityKinds: ['hospital'] });
    expect(ruleOf({ ...d, kind: 'facility' })).not.toHaveProperty('zoneKinds');
    expect(ruleOf({ ...d, kind: 'absence' })).toMatchObject({ hours: 24 });
    expect(ruleOf({ ...d, kind: 'absence' })).not.toHaveProperty('window');
    expect(ruleOf({ ...d, kind: 'camera', cameraKinds: ['ai'] })).toMatchObject({ cameraKinds: ['ai'] });
    expect(ruleOf({ ...d, kind: 'camera' })).not.toHaveProperty('facilityKinds');
    expect(ruleOf({ ...d, kind: 'zone', cameraKinds: ['ai'] })).not.toHaveProperty('cameraKinds');
  });

  it('makes a camera rule for every kind of camera when none is chosen, or for the kinds chosen', () => {
    const every = checkDraft(draft({ kind: 'camera', eventTypes: ['video_loss', 'camera_tamper'], actions: [] }));
    expect(every).toEqual({
      ok: true,
      rule: {
        id: 'r-1',
        name: 'n',
        kind: 'camera',
        eventTypes: ['video_loss', 'camera_tamper'],
        priority: 3,
        actions: [],
        enabled: true,
      },
    });
    const some = checkDraft(draft({ kind: 'camera', eventTypes: ['motion'], cameraKinds: ['city_hd', 'railway'] }));
    expect(some.ok && some.rule).toMatchObject({ kind: 'camera', cameraKinds: ['city_hd', 'railway'] });
    // And back: the form shows the kinds the rule has, none for every kind.
    if (some.ok) expect(draftOf(some.rule)).toMatchObject({ kind: 'camera', cameraKinds: ['city_hd', 'railway'] });
    if (every.ok) expect(draftOf(every.rule).cameraKinds).toEqual([]);
  });

  it('has a default rule of every kind the editor offers', () => {
    expect(new Set(DEFAULT_RULES.map((r) => r.kind))).toEqual(new Set([...RULE_KINDS, 'coverage']));
    expect(DEFAULT_RULES.filter((r) => r.kind === 'camera').map((r) => r.id)).toEqual([
      'camera-perimeter',
      'camera-alarm-input',
      'camera-fault',
      'camera-device-alarm',
    ]);
  });

  it.each([
    [{ foldMinutes: 1441 }, 'foldMinutes'],
    [{ foldMinutes: -1 }, 'foldMinutes'],
    [{ foldMinutes: 2.5 }, 'foldMinutes'],
    [{ expireMinutes: 4 }, 'expireMinutes'],
    [{ priority: 1, expireMinutes: 30 } as const, 'expireMinutes'],
    [{ eventTypes: [] }, 'eventTypes'],
    [{ name: '  ' }, 'name'],
    [{ id: '' }, 'id'],
    [{ actions: ['broadcast'] } as const, 'say'],
    [{ windowOn: true, windowFrom: '08:00', windowTo: '08:00' }, 'window'],
    [{ windowOn: true, windowFrom: null }, 'window'],
    [{ kind: 'facility' } as const, 'facilityKinds'],
    [{ kind: 'absence', hours: 0 } as const, 'hours'],
    [{ kind: 'camera', cameraKinds: ['drone'] } as unknown as Partial<RuleDraft>, 'cameraKinds'],
  ] as [Partial<RuleDraft>, string][])('puts %o on %s', (over, field) => {
    const checked = checkDraft(draft(over));
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(Object.keys(checked.errors)).toEqual([field]);
  });

  it('takes a time window that wraps midnight, and the edges of the fold and expiry ranges', () => {
    expect(checkDraft(draft({ windowOn: true, windowFrom: '23:30', windowTo: '05:00' })).ok).toBe(true);
    expect(checkDraft(draft({ foldMinutes: 0, expireMinutes: 5 })).ok).toBe(true);
    expect(checkDraft(draft({ foldMinutes: 1440, expireMinutes: 10_080 })).ok).toBe(true);
  });
});

describe("the hub's refusal", () => {
  it("lands on the fields the details' issues name", () => {
    expect(
      serverFieldErrors('body.zoneIds[2]: no zone "z-9"', {
        issues: [
          { path: 'body.zoneIds[2]', message: 'no zone "z-9"' },
          { path: 'body.window.to', message: 'must differ from window.from' },
          { path: 'body.zoneIds.3', message: 'no zone "z-8"' },
        ],
      }),
    ).toEqual({ zoneIds: 'no zone "z-9"', window: 'must differ from window.from' });
  });

  it('lands on the field its message names when it lists no issues', () => {
    expect(serverFieldErrors('body.zoneIds[0]: no zone "zone-x"')).toEqual({ zoneIds: 'no zone "zone-x"' });
    expect(serverFieldErrors('body.cameraKinds[1]: invalid option')).toEqual({ cameraKinds: 'invalid option' });
    expect(serverFieldErrors('body.foldMinutes: must be 0-1440')).toEqual({ foldMinutes: 'must be 0-1440' });
  });

  it('lands on the form as a whole when it names no field of it', () => {
    expect(serverFieldErrors('body.id: must be the id in the path (x)')).toEqual({
      id: 'must be the id in the path (x)',
    });
    expect(serverFieldErrors('body: unknown field "colour"')).toEqual({ general: 'body: unknown field "colour"' });
    expect(serverFieldErrors('rules apply to the whole city')).toEqual({ general: 'rules apply to the whole city' });
    expect(serverFieldErrors('x', { issues: [{ path: 'body', message: 'unknown field "colour"' }] })).toEqual({
      general: 'unknown field "colour"',
    });
  });
});
