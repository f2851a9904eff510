import { describe, expect, it } from 'vitest';
import { INCIDENT_ACTIONS } from '@shared/incident-machine';
import type { IncidentView } from '@shared/incidents';
import { unitAssignment } from '@shared/incident-facts';
import type { IncidentStatus } from '@shared/incident-machine';
import type { IncidentRow } from '@server/repositories/incident.repository';
import { actionsFor } from '@server/services/incidents/incident-access';
import { incident as build } from './support/incident-view';
import zh from '@client/i18n/field.zh-CN';
import {
  actionTone,
  byUrgency,
  FIELD_ACTIONS,
  fieldActions,
  myAssignment,
  noteNeed,
  runningDue,
} from '@client/field/fieldActions';

/** The incident tests' builder (tests/unit/support), with an id by default. */
const incident = (over: Partial<IncidentView> = {}) => build(over.id ?? 'inc-1', over);

describe('fieldActions', () => {
  it("keeps the field actions, in working order, and drops the centre's", () => {
    expect(fieldActions(['escalate', 'unit_decline', 'unit_accept', 'dispatch'])).toEqual([
      'unit_accept',
      'unit_decline',
    ]);
    expect(fieldActions(['reject', 'verify'])).toEqual(['verify', 'reject']);
    expect(fieldActions([...INCIDENT_ACTIONS])).toEqual([...FIELD_ACTIONS]);
    expect(fieldActions([])).toEqual([]);
  });

  it.each([
    // Dispatched to me: accept or decline (arrive comes after accepting).
    [['unit_accept', 'unit_decline'], 'assigned', ['unit_accept', 'unit_decline']],
    // Accepted (another unit may still accept): no second accept, on to arriving.
    [['unit_accept', 'arrive', 'escalate'], 'accepted', ['arrive']],
    // On scene: no second arrival; resolving.
    [['unit_accept', 'arrive', 'resolve'], 'arrived', ['resolve']],
    [['unit_accept', 'arrive'], 'assigned', ['unit_accept']],
    [['unit_decline'], 'declined', []],
    // A grid worker verifying is not assigned.
    [['verify', 'reject'], null, ['verify', 'reject']],
  ] as const)('allowed %j, my assignment %s → %j', (allowed, mine, shown) => {
    expect(fieldActions(allowed, mine)).toEqual(shown);
  });

  it('gives every field action a label and, where one is asked for, a note prompt', () => {
    for (const a of FIELD_ACTIONS) {
      expect(typeof zh.field.actions[a]).toBe('string');
      if (noteNeed(a) !== 'none') expect(typeof (zh.field.note as Record<string, unknown>)[a]).toBe('string');
    }
  });

  it.each([
    ['unit_accept', 'none', 'primary'],
    ['arrive', 'none', 'primary'],
    ['verify', 'none', 'success'],
    ['resolve', 'optional', 'success'],
    ['unit_decline', 'required', 'error'],
    ['reject', 'required', 'error'],
  ] as const)('%s: note %s, %s button', (a, note, tone) => {
    expect(noteNeed(a)).toBe(note);
    expect(actionTone(a)).toBe(tone);
  });
});

describe('myAssignment', () => {
  const a = (unitId: string, status: 'assigned' | 'accepted' | 'declined' | 'released') => ({
    unitId,
    callsign: unitId,
    kind: 'police',
    status,
    assignedAt: '2026-01-01T08:00:00Z',
    respondedAt: null,
  });
  it("finds this unit's assignment, or none (a grid worker verifying)", () => {
    const inc = incident({ assignments: [a('unit-police-0001', 'accepted'), a('unit-police-0002', 'assigned')] });
    expect(myAssignment(inc, 'unit-police-0002')?.status).toBe('assigned');
    expect(myAssignment(inc, 'unit-grid_worker-0001')).toBeNull();
  });

  it('reads the row of the latest dispatch: declined, then sent again, the unit may accept', () => {
    const inc = incident({ assignments: [a('unit-police-0001', 'declined'), a('unit-police-0001', 'assigned')] });
    const mine = myAssignment(inc, 'unit-police-0001');
    expect(mine?.status).toBe('assigned');
    expect(fieldActions(['unit_accept', 'unit_decline'], mine!.status)).toEqual(['unit_accept', 'unit_decline']);
    // And after a second decline, the history row does not bring the buttons back.
    const again = incident({ assignments: [a('unit-police-0001', 'declined'), a('unit-police-0001', 'declined')] });
    expect(fieldActions(['unit_accept', 'unit_decline'], myAssignment(again, 'unit-police-0001')!.status)).toEqual([]);
  });
});

describe("unitAssignment and the hub's actionsFor agree after a re-dispatch", () => {
  const row = (
    statuses: readonly ('assigned' | 'accepted' | 'arrived' | 'declined' | 'released')[],
    status: IncidentStatus,
  ) =>
    ({
      status,
      escalations: 0,
      maxEscalations: 3,
      assignments: statuses.map((s, i) => ({
        unitId: 'unit-police-0001',
        callsign: 'P1',
        kind: 'police',
        status: s,
        assignedAt: `2026-01-01T08:0${i}:00Z`,
        respondedAt: null,
      })),
    }) as unknown as IncidentRow;
  it.each([
    [['declined', 'assigned'], 'dispatched', 'assigned', ['unit_accept', 'unit_decline']],
    [['declined', 'accepted'], 'unit_accepted', 'accepted', ['arrive']],
    [['declined', 'arrived'], 'on_scene', 'arrived', ['resolve']],
    [['declined'], 'accepted', 'declined', []],
  ] as const)('rows %j while %s: current %s, the phone offers %j', (statuses, status, current, offered) => {
    const r = row(statuses, status);
    expect(unitAssignment(r.assignments, 'unit-police-0001')?.status).toBe(current);
    const hub = actionsFor(r, 'unit', 'unit-police-0001');
    expect(fieldActions(hub, current)).toEqual(offered);
  });
});

describe('runningDue', () => {
  const clock = (
    stage: 'dispatch' | 'accept' | 'arrive' | 'resolve',
    state: 'pending' | 'running' | 'met' | 'breached',
    dueAt: string | null,
  ) => ({ stage, state, startedAt: null, dueAt, endedAt: null });
  it('is the earliest deadline of a running or breached clock', () => {
    const inc = incident({
      sla: [
        clock('dispatch', 'met', '2026-01-01T08:05:00Z'),
        clock('accept', 'running', '2026-01-01T08:20:00Z'),
        clock('resolve', 'breached', '2026-01-01T08:10:00Z'),
        clock('arrive', 'pending', null),
      ],
    });
    expect(runningDue(inc)).toBe('2026-01-01T08:10:00Z');
  });

  it('is null when no clock runs', () => {
    expect(runningDue(incident({ sla: [clock('dispatch', 'met', '2026-01-01T08:05:00Z')] }))).toBeNull();
  });
});

describe('byUrgency', () => {
  it('sorts by priority, then the oldest first', () => {
    const list = [
      { incident: incident({ id: 'a', priority: 3, createdAt: '2026-01-01T08:00:00Z' }) },
      { incident: incident({ id: 'b', priority: 1, createdAt: '2026-01-01T09:00:00Z' }) },
      { incident: incident({ id: 'c', priority: 3, createdAt: '2026-01-01T07:00:00Z' }) },
    ];
    expect(byUrgency(list).map((x) => x.incident.id)).toEqual(['b', 'c', 'a']);
  });
});
