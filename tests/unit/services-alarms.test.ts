/**
 * Handling an alarm (AlarmService.handle, server/services/alarm.service.ts) on an in-memory alarm
 * table, no database: in the handler's scope it is written from the states it may leave, audited,
 * and announced once as the 'alarms' domain event after the write (what the gateway pushes); out
 * of scope, by a read-only role, unknown, or lost to someone faster, nothing is written or
 * announced. And a new alarm with a loudspeaker command also announces 'outboxed', which the outbox
 * relay hears and delivers from (server/services/outbox.service.ts), with no hook between them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@server/core/clock';
import { HttpError } from '@server/core/http-errors';
import type { AlarmRepository, AlarmRow } from '@server/repositories/alarm.repository';
import type { OutboxRepository, OutboxRow } from '@server/repositories/outbox.repository';
import type { WorldRepository } from '@server/repositories/world.repository';
import { AlarmService } from '@server/services/alarm.service';
import { DomainEvents } from '@server/services/domain-events';
import { OutboxRelay } from '@server/services/outbox.service';
import type { AlarmView } from '@shared/alarms';
import { auditLog, ctx, fake, meta, silent } from './support/fakes';

const ID = '00000000-0000-4000-8000-000000000001';
const T = new Date('2026-11-22T04:00:00Z');

function alarm(over: Partial<AlarmRow> = {}): AlarmRow {
  return {
    id: ID,
    rev: 7,
    createdAt: T,
    updatedAt: T,
    eventSource: 'radar',
    eventId: 'e-1',
    eventType: 'fence_intrusion',
    eventAt: T,
    ruleId: 'fence',
    ruleName: 'Railway fence',
    priority: 1,
    status: 'new',
    gridCode: '360102001001001',
    lon: 115.9,
    lat: 28.68,
    zoneId: null,
    zoneName: null,
    actions: ['cameras'],
    cameraIds: [],
    unitIds: [],
    speakerId: null,
    say: null,
    handledBy: null,
    handledAt: null,
    incidentId: null,
    foldKey: null,
    count: 1,
    lastAt: T,
    expiresAt: null,
    raise: null,
    media: null,
    ...over,
  };
}

/** The alarms table: one row; setStatus moves it only from the states given (as the SQL does), with the next rev. */
function memoryAlarms(row: AlarmRow) {
  const writes: { from: readonly string[]; to: string; by: string }[] = [];
  const repo = fake<AlarmRepository>('alarms', {
    byId: (id) => Promise.resolve(id === row.id ? row : undefined),
    setStatus: (id, from, to, by, at) => {
      writes.push({ from, to, by });
      if (id !== row.id || !from.includes(row.status)) return Promise.resolve(undefined);
      row = { ...row, status: to, rev: row.rev + 1, handledBy: by, handledAt: at, updatedAt: at };
      return Promise.resolve(row);
    },
  });
  return { repo, writes };
}

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e instanceof HttpError ? e.status : 500),
  );

describe('AlarmService.handle', () => {
  let events: DomainEvents;
  let announced: AlarmView[][];
  let audit: ReturnType<typeof auditLog>;
  const clock = new ManualClock(Date.parse('2026-11-22T04:05:00Z'));

  beforeEach(() => {
    events = new DomainEvents();
    announced = [];
    events.on('alarms', (views) => announced.push(views));
    audit = auditLog();
  });
  const service = (repo: AlarmRepository) =>
    new AlarmService(repo, fake<WorldRepository>('world'), audit, events, null, clock, silent);

  it('acknowledges in scope: written from new, audited, announced once with its new rev', async () => {
    const { repo, writes } = memoryAlarms(alarm());
    const view = await service(repo).handle(ctx('dispatcher', '360102', 'wang'), ID, 'acknowledge', meta);
    expect(writes).toEqual([{ from: ['new'], to: 'acknowledged', by: 'wang' }]);
    expect(view).toMatchObject({
      id: ID,
      status: 'acknowledged',
      rev: 8,
      handledBy: 'wang',
      handledAt: '2026-11-22T04:05:00.000Z',
    });
    expect(announced).toEqual([[view]]);
    expect(audit.records).toEqual([
      expect.objectContaining({
        action: 'alarm.acknowledge',
        target: `alarm:${ID}`,
        outcome: 'ok',
        details: { from: 'new', to: 'acknowledged', rule: 'fence', grid: '360102001001001' },
      }),
    ]);
  });

  it('marks an acknowledged alarm false', async () => {
    const { repo, writes } = memoryAlarms(alarm({ status: 'acknowledged' }));
    const view = await service(repo).handle(ctx('commander', '36'), ID, 'false_alarm', meta);
    expect(writes[0]!.from).toEqual(['new', 'acknowledged']);
    expect(view.status).toBe('false_alarm');
    expect(announced).toHaveLength(1);
  });

  it('refuses outside the scope, a read-only role, an unknown alarm: nothing written, audited or announced', async () => {
    const { repo, writes } = memoryAlarms(alarm());
    expect(await status(service(repo).handle(ctx('dispatcher', '360103'), ID, 'acknowledge', meta))).toBe(403);
    expect(await status(service(repo).handle(ctx('viewer', '36'), ID, 'acknowledge', meta))).toBe(403);
    expect(
      await status(
        service(repo).handle(ctx('dispatcher', '36'), '00000000-0000-4000-8000-000000000002', 'acknowledge', meta),
      ),
    ).toBe(404);
    expect(await status(service(repo).handle(ctx('dispatcher', '36'), 'not-an-id', 'acknowledge', meta))).toBe(404);
    expect(writes).toEqual([]);
    expect(audit.records).toEqual([]);
    expect(announced).toEqual([]);
  });

  it('answers 409 to the slower of two handlers, and announces only the first', async () => {
    const { repo } = memoryAlarms(alarm());
    const alarms = service(repo);
    await alarms.handle(ctx('dispatcher', '36', 'first'), ID, 'acknowledge', meta);
    expect(await status(alarms.handle(ctx('dispatcher', '36', 'second'), ID, 'acknowledge', meta))).toBe(409);
    expect(announced).toHaveLength(1);
    expect(audit.records).toHaveLength(1);
  });
});

describe('a loudspeaker command reaches the outbox relay through the domain events', () => {
  it('a new alarm that broadcasts announces outboxed; the relay delivers what is due and marks it', async () => {
    const events = new DomainEvents();
    const due: OutboxRow[] = [
      {
        id: 1,
        kind: 'mqtt',
        topic: 'devices/speaker/spk-1/say',
        payload: { text: 'Leave the track', alarmId: ID },
        createdAt: T,
        attempts: 0,
        dueAt: T,
        deliveredAt: null,
        lastError: null,
      },
    ];
    let claims = 0;
    const delivered: number[] = [];
    const outbox = fake<OutboxRepository>('outbox', {
      claim: () => (claims++, Promise.resolve(due.splice(0))),
      delivered: (ids) => (delivered.push(...ids), Promise.resolve()),
    });
    const published: [string, Record<string, unknown>][] = [];
    const clock = new ManualClock();
    const relay = new OutboxRelay(
      outbox,
      () => (topic, payload) => (published.push([topic, payload]), Promise.resolve()),
      events,
      clock,
      silent,
    );
    const alarms = new AlarmService(
      fake<AlarmRepository>('alarms'),
      fake<WorldRepository>('world'),
      auditLog(),
      events,
      null,
      clock,
      silent,
    );

    // A later change to an alarm that broadcast records no command: nothing to deliver.
    alarms.published([alarm({ status: 'acknowledged', speakerId: 'spk-1', say: 'Leave the track' })]);
    expect(claims).toBe(0);
    alarms.published([alarm({ speakerId: 'spk-1', say: 'Leave the track' })]);
    expect(claims).toBe(1);
    // Let the delivery under way finish.
    await relay.stop();
    expect(published).toEqual([['devices/speaker/spk-1/say', { text: 'Leave the track', alarmId: ID, outboxId: 1 }]]);
    expect(delivered).toEqual([1]);
  });
});
