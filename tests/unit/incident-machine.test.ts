/** The incident state machine (shared/incident-machine.ts), table-tested: the loop, the refusals, and what each actor is offered. */
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  transition,
  type ActionInput,
  type IncidentAction,
  type IncidentActor,
  type IncidentState,
  type IncidentStatus,
} from '@shared/incident-machine';

const AT = '2026-11-22T12:00:00.000Z';
const state = (status: IncidentStatus, over: Partial<IncidentState> = {}): IncidentState => ({
  status,
  units: [],
  escalations: 0,
  maxEscalations: 4,
  ...over,
});
const act = (action: IncidentAction, actor: IncidentActor, over: Partial<ActionInput> = {}): ActionInput => ({
  action,
  actor,
  actorId: `${actor}-1`,
  at: AT,
  ...over,
});

describe('the closed loop', () => {
  it('goes from a report to closed, recording each step', () => {
    const steps: [ActionInput, IncidentStatus][] = [
      [act('accept', 'centre'), 'accepted'],
      [act('dispatch', 'centre', { unitIds: ['u1', 'u2'] }), 'dispatched'],
      [act('unit_decline', 'unit', { unitId: 'u2', note: 'busy' }), 'dispatched'],
      [act('unit_accept', 'unit', { unitId: 'u1' }), 'unit_accepted'],
      [act('arrive', 'unit', { unitId: 'u1' }), 'on_scene'],
      [act('resolve', 'unit', { note: ' fixed ' }), 'resolved'],
      [act('verify', 'grid_worker'), 'verified'],
      [act('rate', 'citizen', { rating: 5 }), 'rated'],
      [act('close', 'system'), 'closed'],
    ];
    let s = state('reported');
    const timeline: string[] = [];
    for (const [input, expected] of steps) {
      const r = transition(s, input);
      if (!r.ok) throw new Error(r.reason);
      expect(r.next.status).toBe(expected);
      timeline.push(`${r.record.from}→${r.record.to} by ${r.record.actor}`);
      s = r.next;
    }
    expect(s.units).toEqual(['u1']);
    expect(timeline[0]).toBe('reported→accepted by centre');
    const resolved = transition(state('on_scene', { units: ['u1'] }), act('resolve', 'unit', { note: ' fixed ' }));
    expect(resolved.ok && resolved.record).toMatchObject({ note: 'fixed', at: AT, actorId: 'unit-1' });
  });

  it.each<[string, IncidentState, ActionInput, IncidentStatus]>([
    [
      'the only unit declines: back to dispatch',
      state('dispatched', { units: ['u1'] }),
      act('unit_decline', 'unit', { unitId: 'u1' }),
      'accepted',
    ],
    [
      'one of two declines: still dispatched',
      state('dispatched', { units: ['u1', 'u2'] }),
      act('unit_decline', 'unit', { unitId: 'u1' }),
      'dispatched',
    ],
    [
      'reinforcements keep the status',
      state('on_scene', { units: ['u1'] }),
      act('dispatch', 'centre', { unitIds: ['u2'] }),
      'on_scene',
    ],
    [
      'a second unit accepting keeps the status',
      state('on_scene', { units: ['u1', 'u2'] }),
      act('unit_accept', 'unit', { unitId: 'u2' }),
      'on_scene',
    ],
    [
      'verification refused: back to the centre to dispatch again',
      state('resolved'),
      act('reject', 'grid_worker', { note: 'still blocked' }),
      'accepted',
    ],
    ['closed without a rating', state('verified'), act('close', 'centre'), 'closed'],
    ['escalation keeps the status', state('on_scene', { units: ['u1'] }), act('escalate', 'system'), 'on_scene'],
    ['merged into another', state('accepted'), act('merge', 'centre', { intoId: 'inc-2' }), 'merged'],
    ['cancelled as a false alarm', state('reported'), act('cancel', 'centre', { note: 'false alarm' }), 'cancelled'],
  ])('%s', (_name, s, input, expected) => {
    const r = transition(s, input);
    expect(r.ok && r.next.status).toBe(expected);
  });

  it('escalation counts levels up to the top', () => {
    const r = transition(state('accepted', { escalations: 1 }), act('escalate', 'centre'));
    expect(r.ok && r.next.escalations).toBe(2);
  });
});

describe('refusals say why', () => {
  it.each<[string, IncidentState, ActionInput, RegExp]>([
    [
      'dispatch before acceptance',
      state('reported'),
      act('dispatch', 'centre', { unitIds: ['u1'] }),
      /not possible while the incident is reported/,
    ],
    ['a unit cannot accept for the centre', state('reported'), act('accept', 'unit'), /not for the unit/],
    ['a citizen cannot close', state('rated'), act('close', 'citizen'), /not for the citizen/],
    ['dispatch with no unit', state('accepted'), act('dispatch', 'centre', { unitIds: [] }), /at least one unit/],
    [
      'dispatch a unit twice',
      state('dispatched', { units: ['u1'] }),
      act('dispatch', 'centre', { unitIds: ['u1'] }),
      /u1 already assigned/,
    ],
    [
      'a unit not assigned accepts',
      state('dispatched', { units: ['u1'] }),
      act('unit_accept', 'unit', { unitId: 'u9' }),
      /u9 is not assigned/,
    ],
    [
      'a unit that accepted cannot decline',
      state('unit_accepted', { units: ['u1'] }),
      act('unit_decline', 'unit', { unitId: 'u1' }),
      /only when dispatched/,
    ],
    [
      'arrive before accepting',
      state('dispatched', { units: ['u1'] }),
      act('arrive', 'unit', { unitId: 'u1' }),
      /while the incident is dispatched/,
    ],
    ['rate 6', state('verified'), act('rate', 'citizen', { rating: 6 }), /1 to 5/],
    ['rate 2.5', state('verified'), act('rate', 'citizen', { rating: 2.5 }), /whole number/],
    [
      'rate before verification',
      state('resolved'),
      act('rate', 'citizen', { rating: 4 }),
      /while the incident is resolved/,
    ],
    ['escalate past the city', state('accepted', { escalations: 4 }), act('escalate', 'centre'), /top level/],
    ['escalate a closed incident', state('closed'), act('escalate', 'centre'), /while the incident is closed/],
    ['merge without a target', state('accepted'), act('merge', 'centre'), /name the incident/],
    ['cancel without a reason', state('accepted'), act('cancel', 'centre', { note: '  ' }), /say why/],
    [
      'cancel once resolved',
      state('resolved'),
      act('cancel', 'centre', { note: 'x' }),
      /while the incident is resolved/,
    ],
    ['reject without a reason', state('resolved'), act('reject', 'grid_worker'), /say why/],
    ['anything after closing', state('closed'), act('accept', 'centre'), /while the incident is closed/],
  ])('%s', (_name, s, input, reason) => {
    const r = transition(s, input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('what each actor is offered', () => {
  it.each<[IncidentState, IncidentActor, IncidentAction[]]>([
    [state('reported'), 'centre', ['accept', 'escalate', 'merge', 'cancel']],
    [state('dispatched', { units: ['u1'] }), 'unit', ['unit_accept', 'unit_decline']],
    [state('on_scene', { units: ['u1'] }), 'unit', ['unit_accept', 'arrive', 'resolve']],
    [state('resolved'), 'grid_worker', ['verify', 'reject']],
    [state('verified'), 'citizen', ['rate']],
    [state('verified', { escalations: 4 }), 'centre', ['close']],
    [state('closed'), 'centre', []],
    [state('merged'), 'centre', []],
  ])('%o as %s', (s, actor, expected) => {
    expect(allowedActions(s, actor)).toEqual(expected);
  });

  it('offers exactly the actions transition accepts (for actions needing no details)', () => {
    for (const status of [
      'reported',
      'accepted',
      'dispatched',
      'unit_accepted',
      'on_scene',
      'resolved',
      'verified',
      'rated',
      'closed',
    ] as const) {
      for (const actor of ['centre', 'unit', 'grid_worker', 'citizen', 'system'] as const) {
        const s = state(status, { units: ['u1'] });
        for (const a of allowedActions(s, actor)) {
          const r = transition(
            s,
            act(a, actor, { unitId: 'u1', unitIds: ['u2'], rating: 3, intoId: 'x', note: 'why' }),
          );
          expect(r.ok, `${status} ${actor} ${a}: ${r.ok ? '' : r.reason}`).toBe(true);
        }
      }
    }
  });
});
