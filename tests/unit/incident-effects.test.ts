/**
 * What each step of an incident's loop changes (shared/incident-effects.ts, incident-facts.ts),
 * table-tested: one row per action of the machine (and the steps that follow from the hub: a new
 * report, a breach, a merge seen from the incident merged into, the citizen's rating), with the
 * assignments, units busy or free, stage times and timeline entries it gives; and the next SLA deadline.
 */
import { describe, expect, it } from 'vitest';
import { breachEffects, mergedInEffects, ratedEffects, reportedEffects, stepEffects } from '@shared/incident-effects';
import {
  freshBreaches,
  levelCode,
  maxEscalationsOf,
  nextDeadline,
  type Change,
  type IncidentFacts,
} from '@shared/incident-facts';
import type { ActionInput, IncidentAction, IncidentActor, IncidentStatus } from '@shared/incident-machine';
import type { AssignmentStatus, AssignmentView } from '@shared/incidents';
import { DEFAULT_SLA, stageMinutes } from '@shared/sla';

const MIN = 60_000;
const T0 = new Date('2026-11-22T12:00:00.000Z');
const AT = '2026-11-22T12:30:00.000Z';
const at = new Date(AT);
const EARLIER = new Date('2026-11-22T12:05:00.000Z');

const assignment = (unitId: string, status: AssignmentStatus, respondedAt: string | null = null): AssignmentView => ({
  unitId,
  callsign: unitId.toUpperCase(),
  kind: 'police',
  status,
  assignedAt: '2026-11-22T12:05:00.000Z',
  respondedAt,
});
const facts = (status: IncidentStatus, over: Partial<IncidentFacts> = {}): IncidentFacts => ({
  id: 'i1',
  code: 'E20261122-000001',
  title: 'noise',
  status,
  category: 'public_order',
  priority: 1,
  assignments: [],
  escalations: 0,
  maxEscalations: 4,
  trackingCode: null,
  breaches: [],
  flagged: false,
  mergedFrom: [],
  createdAt: T0,
  firstDispatchedAt: null,
  dispatchedAt: null,
  unitAcceptedAt: null,
  arrivedAt: null,
  resolvedAt: null,
  ...over,
});
const act = (action: IncidentAction, actor: IncidentActor, over: Partial<ActionInput> = {}): ActionInput => ({
  action,
  actor,
  actorId: `${actor}-1`,
  at: AT,
  ...over,
});
const unitOf = (id: string) => ({ callsign: id.toUpperCase(), kind: 'police' });

const u1 = assignment('u1', 'assigned');
const u1Accepted = assignment('u1', 'accepted', '2026-11-22T12:06:00.000Z');
const u1Arrived = assignment('u1', 'arrived', '2026-11-22T12:10:00.000Z');

interface Want {
  /** The columns set beside status, escalations and updatedAt (always set) and the assignments. */
  set?: Change['set'];
  status: IncidentStatus;
  assignments: [string, AssignmentStatus][];
  busy?: string[];
  free?: string[];
  timeline: string[];
}

describe('each action and what follows from it', () => {
  it.each<[string, IncidentFacts, ActionInput, Want]>([
    [
      'accept',
      facts('reported'),
      act('accept', 'centre'),
      { status: 'accepted', set: { acceptedAt: at }, assignments: [], timeline: ['accept'] },
    ],
    [
      'first dispatch: units busy, the dispatch clocks start',
      facts('accepted'),
      act('dispatch', 'centre', { unitIds: ['u1', 'u2'] }),
      {
        status: 'dispatched',
        set: { dispatchedAt: at, firstDispatchedAt: at },
        assignments: [
          ['u1', 'assigned'],
          ['u2', 'assigned'],
        ],
        busy: ['u1', 'u2'],
        timeline: ['dispatch'],
      },
    ],
    [
      'dispatch again after a rejection: the first dispatch time stays',
      facts('accepted', { firstDispatchedAt: EARLIER }),
      act('dispatch', 'centre', { unitIds: ['u3'] }),
      {
        status: 'dispatched',
        set: { dispatchedAt: at, firstDispatchedAt: EARLIER },
        assignments: [['u3', 'assigned']],
        busy: ['u3'],
        timeline: ['dispatch'],
      },
    ],
    [
      'reinforcements on scene: no stage time changes',
      facts('on_scene', { assignments: [u1Arrived] }),
      act('dispatch', 'centre', { unitIds: ['u2'] }),
      {
        status: 'on_scene',
        assignments: [
          ['u1', 'arrived'],
          ['u2', 'assigned'],
        ],
        busy: ['u2'],
        timeline: ['dispatch'],
      },
    ],
    [
      'the first unit accepts',
      facts('dispatched', { assignments: [u1] }),
      act('unit_accept', 'unit', { unitId: 'u1' }),
      {
        status: 'unit_accepted',
        set: { unitAcceptedAt: at },
        assignments: [['u1', 'accepted']],
        timeline: ['unit_accept'],
      },
    ],
    [
      'a second unit accepts on scene: no stage time',
      facts('on_scene', { assignments: [u1Arrived, assignment('u2', 'assigned')] }),
      act('unit_accept', 'unit', { unitId: 'u2' }),
      {
        status: 'on_scene',
        assignments: [
          ['u1', 'arrived'],
          ['u2', 'accepted'],
        ],
        timeline: ['unit_accept'],
      },
    ],
    [
      'the only unit declines: it is free, back to dispatch',
      facts('dispatched', { assignments: [u1] }),
      act('unit_decline', 'unit', { unitId: 'u1' }),
      { status: 'accepted', assignments: [['u1', 'declined']], free: ['u1'], timeline: ['unit_decline'] },
    ],
    [
      'the first unit arrives',
      facts('unit_accepted', { assignments: [u1Accepted] }),
      act('arrive', 'unit', { unitId: 'u1' }),
      { status: 'on_scene', set: { arrivedAt: at }, assignments: [['u1', 'arrived']], timeline: ['arrive'] },
    ],
    [
      'a second unit arrives: no stage time',
      facts('on_scene', { assignments: [u1Arrived, assignment('u2', 'accepted')] }),
      act('arrive', 'unit', { unitId: 'u2' }),
      {
        status: 'on_scene',
        assignments: [
          ['u1', 'arrived'],
          ['u2', 'arrived'],
        ],
        timeline: ['arrive'],
      },
    ],
    [
      'resolve: every unit on it released and free',
      facts('on_scene', { assignments: [u1Arrived, assignment('u2', 'assigned'), assignment('u3', 'declined')] }),
      act('resolve', 'unit'),
      {
        status: 'resolved',
        set: { resolvedAt: at },
        assignments: [
          ['u1', 'released'],
          ['u2', 'released'],
          ['u3', 'declined'],
        ],
        free: ['u1', 'u2'],
        timeline: ['resolve'],
      },
    ],
    [
      'reject: the clocks after dispatch restart',
      facts('resolved', {
        assignments: [assignment('u1', 'released')],
        dispatchedAt: EARLIER,
        unitAcceptedAt: EARLIER,
        arrivedAt: EARLIER,
        resolvedAt: EARLIER,
      }),
      act('reject', 'grid_worker', { note: 'still blocked' }),
      {
        status: 'accepted',
        set: { resolvedAt: null, unitAcceptedAt: null, arrivedAt: null, dispatchedAt: null, rejections: 1 },
        assignments: [['u1', 'released']],
        timeline: ['reject'],
      },
    ],
    [
      'verify with no citizen to rate it: closed at once',
      facts('resolved'),
      act('verify', 'grid_worker'),
      { status: 'closed', set: { closedAt: at, verifiedAt: at }, assignments: [], timeline: ['verify', 'close'] },
    ],
    [
      'verify a citizen report: it waits for the rating',
      facts('resolved', { trackingCode: 'ABCD-EFGH-JKMN' }),
      act('verify', 'centre'),
      { status: 'verified', set: { verifiedAt: at }, assignments: [], timeline: ['verify'] },
    ],
    [
      'the citizen rates',
      facts('verified', { trackingCode: 'ABCD-EFGH-JKMN' }),
      act('rate', 'citizen', { rating: 4 }),
      { status: 'rated', assignments: [], timeline: ['rate'] },
    ],
    [
      'closed without a rating',
      facts('verified'),
      act('close', 'system'),
      { status: 'closed', set: { closedAt: at }, assignments: [], timeline: ['close'] },
    ],
    [
      'merge: closed into the other, its units released and free',
      facts('dispatched', { assignments: [u1] }),
      act('merge', 'centre', { intoId: 'i2' }),
      {
        status: 'merged',
        set: { mergedInto: 'i2', closedAt: at },
        assignments: [['u1', 'released']],
        free: ['u1'],
        timeline: ['merge'],
      },
    ],
    [
      'cancel (a false alarm): its units released and free',
      facts('unit_accepted', { assignments: [u1Accepted] }),
      act('cancel', 'centre', { note: 'false alarm' }),
      {
        status: 'cancelled',
        set: { closedAt: at },
        assignments: [['u1', 'released']],
        free: ['u1'],
        timeline: ['cancel'],
      },
    ],
    [
      'escalate: one level up, the status stays',
      facts('dispatched', { assignments: [u1] }),
      act('escalate', 'centre'),
      { status: 'dispatched', set: { escalations: 1 }, assignments: [['u1', 'assigned']], timeline: ['escalate'] },
    ],
  ])('%s', (_what, row, input, want) => {
    const before = structuredClone(row);
    const r = stepEffects(row, input, 'Someone', unitOf);
    if (!r.ok) throw new Error(r.reason);
    const { change } = r;
    expect(change.set.status).toBe(want.status);
    expect(change.set.updatedAt).toEqual(at);
    expect(change.set).toMatchObject({ escalations: row.escalations, ...want.set });
    // Nothing beyond what the row names is set (stage times of other steps stay as they are).
    const expectedKeys = new Set(['status', 'escalations', 'updatedAt', 'assignments', ...Object.keys(want.set ?? {})]);
    expect(Object.keys(change.set).filter((k) => !expectedKeys.has(k))).toEqual([]);
    expect(change.set.assignments!.map((a) => [a.unitId, a.status])).toEqual(want.assignments);
    expect(change.busy).toEqual(want.busy);
    expect(change.free).toEqual(want.free);
    expect(change.timeline.map((t) => t.action)).toEqual(want.timeline);
    expect(change.timeline[0]).toMatchObject({
      at,
      fromStatus: row.status,
      actor: input.actor,
      actorId: input.actorId,
      actorName: 'Someone',
    });
    // The row it was read from is left as it was.
    expect(row).toEqual(before);
  });

  it('records the units sent, and the incident merged into, on the timeline', () => {
    const sent = stepEffects(facts('accepted'), act('dispatch', 'centre', { unitIds: ['u1'] }), 'D', unitOf);
    const merged = stepEffects(
      facts('reported'),
      act('merge', 'centre', { intoId: 'i2', note: ' same fire ' }),
      'D',
      unitOf,
    );
    expect(sent.ok && sent.change.timeline[0]!.details).toEqual({ units: ['u1'] });
    expect(merged.ok && merged.change.timeline[0]).toMatchObject({
      details: { into: 'i2' },
      note: 'same fire',
      toStatus: 'merged',
    });
  });

  it('keeps a released unit’s first answer, and stamps one that never answered', () => {
    const r = stepEffects(
      facts('on_scene', { assignments: [u1Arrived, assignment('u2', 'assigned')] }),
      act('resolve', 'centre'),
      'D',
      unitOf,
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.change.set.assignments!.map((a) => a.respondedAt)).toEqual(['2026-11-22T12:10:00.000Z', AT]);
  });

  it.each<[string, IncidentFacts, ActionInput]>([
    ['dispatch before accepting', facts('reported'), act('dispatch', 'centre', { unitIds: ['u1'] })],
    [
      'a unit not on it arrives',
      facts('unit_accepted', { assignments: [u1Accepted] }),
      act('arrive', 'unit', { unitId: 'u9' }),
    ],
    ['a unit resolves what is closed', facts('closed'), act('resolve', 'unit')],
  ])('refuses as the machine does: %s', (_what, row, input) => {
    const r = stepEffects(row, input, 'D', unitOf);
    expect(r.ok).toBe(false);
  });
});

describe('the steps the hub adds', () => {
  const policy = DEFAULT_SLA;
  const who = { actor: 'centre' as const, actorId: 'user-1', actorName: 'Desk', note: null };

  it.each<
    [
      string,
      { level: string; score: number } | null,
      { escalations: number; flagged: boolean; supervised: boolean; timeline: string[] },
    ]
  >([
    ['a report', null, { escalations: 0, flagged: false, supervised: false, timeline: ['report'] }],
    [
      'a low-risk dispute',
      { level: 'low', score: 10 },
      { escalations: 0, flagged: false, supervised: false, timeline: ['report'] },
    ],
    [
      'a high-risk dispute: escalated, flagged, supervised at once',
      { level: 'high', score: 80 },
      { escalations: 1, flagged: true, supervised: true, timeline: ['report', 'risk_high'] },
    ],
  ])('report: %s', (_what, risk, want) => {
    const r = reportedEffects(
      { category: 'public_order', priority: 1, gridCode: '360102001001001', source: 'dispatcher', createdAt: T0 },
      who,
      policy,
      risk,
    );
    expect(r.set).toMatchObject({
      status: 'reported',
      assignments: [],
      breaches: [],
      mergedFrom: [],
      maxEscalations: 4,
      escalations: want.escalations,
      flagged: want.flagged,
    });
    expect(r.supervised).toBe(want.supervised);
    expect(r.timeline.map((t) => t.action)).toEqual(want.timeline);
    // The first deadline: dispatch, minutes after the report.
    expect(r.set.dueAt).toEqual(new Date(T0.getTime() + stageMinutes(policy, 'public_order', 1).dispatch * MIN));
  });

  it.each<
    [string, IncidentFacts, string[], { escalations: number; flagged: boolean; breaches: string[]; timeline: string[] }]
  >([
    ['nothing due', facts('reported'), [], { escalations: 0, flagged: false, breaches: [], timeline: [] }],
    [
      'one stage breached: flagged, one level up',
      facts('reported'),
      ['dispatch'],
      { escalations: 1, flagged: true, breaches: ['dispatch'], timeline: ['sla_breach'] },
    ],
    [
      'two at once: one level up',
      facts('reported', { breaches: [] }),
      ['dispatch', 'resolve'],
      { escalations: 1, flagged: true, breaches: ['dispatch', 'resolve'], timeline: ['sla_breach', 'sla_breach'] },
    ],
    [
      'at the top already: stays there',
      facts('dispatched', { escalations: 4, breaches: ['dispatch'], flagged: true }),
      ['accept'],
      { escalations: 4, flagged: true, breaches: ['dispatch', 'accept'], timeline: ['sla_breach'] },
    ],
  ])('breach: %s', (_what, row, fresh, want) => {
    const c = breachEffects(row, fresh as never, at);
    expect(c.set).toEqual({
      breaches: want.breaches,
      flagged: want.flagged,
      escalations: want.escalations,
      updatedAt: at,
    });
    expect(c.timeline.map((t) => t.action)).toEqual(want.timeline);
    expect(
      c.timeline.every((t) => t.actor === 'system' && t.fromStatus === row.status && t.toStatus === row.status),
    ).toBe(true);
    // The hub's note is a key per stage (the screen says it), no sentence and no English name.
    expect(c.timeline.map((t) => [t.note, t.actorName, t.hubNote])).toEqual(
      fresh.map((stage) => [null, '', { key: 'timeline.slaBreach', params: { stage } }]),
    );
  });

  it('finds the breaches due, and none once the loop is closed', () => {
    const late = T0.getTime() + 200 * MIN;
    expect(freshBreaches(facts('reported'), policy, late)).toEqual(['dispatch', 'resolve']);
    expect(freshBreaches(facts('reported', { breaches: ['dispatch'] }), policy, late)).toEqual(['resolve']);
    expect(freshBreaches(facts('closed'), policy, late)).toEqual([]);
  });

  it('merged in: the other incident keeps it, takes the more urgent priority, a source and an entry', () => {
    const into = facts('dispatched', { id: 'i2', code: 'E2', priority: 2, mergedFrom: ['i0'] });
    const from = facts('reported', { id: 'i1', code: 'E1', title: 'smoke', priority: 1, mergedFrom: ['i9'] });
    const c = mergedInEffects(
      into,
      from,
      { action: 'merge', from: 'reported', to: 'merged', actor: 'centre', actorId: 'user-1', at: AT, note: 'same' },
      'Desk',
    );
    expect(c.set).toEqual({ mergedFrom: ['i0', 'i1', 'i9'], updatedAt: at, priority: 1 });
    expect(c.sources).toEqual([
      {
        kind: 'incident',
        ref: 'i1',
        at: T0,
        summary: { key: 'source.incident', params: { code: 'E1', title: 'smoke' } },
      },
    ]);
    expect(c.timeline).toEqual([
      {
        at,
        action: 'merged_in',
        fromStatus: 'dispatched',
        toStatus: 'dispatched',
        actor: 'centre',
        actorId: 'user-1',
        actorName: 'Desk',
        note: 'same',
        details: { from: 'i1', code: 'E1' },
      },
    ]);
  });

  it('rated by the citizen: stored, and the loop closes', () => {
    const rated = stepEffects(
      facts('verified', { trackingCode: 'ABCD-EFGH-JKMN' }),
      act('rate', 'citizen', { rating: 5 }),
      'citizen',
      unitOf,
    );
    if (!rated.ok) throw new Error(rated.reason);
    const c = ratedEffects(rated.change, 5, 'quick', at);
    expect(c.set).toMatchObject({ rating: 5, ratingComment: 'quick', status: 'closed', closedAt: at });
    expect(c.timeline.map((t) => `${t.action}:${t.toStatus}`)).toEqual(['rate:rated', 'close:closed']);
    expect(rated.change.set.status).toBe('rated'); // the step it came from is left as it was
  });
});

describe('the next deadline and the level', () => {
  const policy = DEFAULT_SLA;
  const m = stageMinutes(policy, 'public_order', 1);

  it.each<[string, IncidentFacts, Date | null]>([
    ['reported: the dispatch deadline', facts('reported'), new Date(T0.getTime() + m.dispatch * MIN)],
    [
      'dispatch breached: the resolve deadline',
      facts('reported', { breaches: ['dispatch'] }),
      new Date(T0.getTime() + m.resolve * MIN),
    ],
    ['resolved: the clocks stop', facts('resolved', { resolvedAt: EARLIER }), null],
    ['closed: no clock', facts('closed'), null],
  ])('%s', (_what, row, want) => {
    expect(nextDeadline(row, policy)).toEqual(want);
  });

  it('goes up one region level per escalation, to the city', () => {
    const grid = '360102001001001';
    expect(maxEscalationsOf(grid)).toBe(4);
    expect([0, 1, 2, 3, 4, 9].map((e) => levelCode(grid, e))).toEqual([
      grid,
      '360102001001',
      '360102001',
      '360102',
      '360100',
      '360100',
    ]);
  });
});
