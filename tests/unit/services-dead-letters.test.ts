/**
 * The dead-letter service (server/services/dead-letter.service.ts) on an in-memory repository, no
 * database: what it keeps of a message (the bytes as received, up to 1 MiB, with a printable topic
 * and reason, at the clock's time; the log line never holds the payload), and who may list them,
 * newest first, a page at a time.
 */
import { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ManualClock } from '@server/core/clock';
import { HttpError } from '@server/core/http-errors';
import type { DeadLetterHead, DeadLetterRepository, NewDeadLetter } from '@server/repositories/dead-letter.repository';
import { DeadLetterService, MAX_DEAD_LETTER_BYTES } from '@server/services/dead-letter.service';
import { ctx, silent } from './support/fakes';

/** The table as an array: ids count up, pages go newest first (keyset on id). */
class MemoryDeadLetters implements Pick<DeadLetterRepository, 'insert' | 'page' | 'count'> {
  readonly rows: (NewDeadLetter & { id: number })[] = [];

  insert(row: NewDeadLetter): Promise<number> {
    const id = this.rows.length + 1;
    this.rows.push({ ...row, id });
    return Promise.resolve(id);
  }

  page(before: number | undefined, limit: number, headBytes: number): Promise<DeadLetterHead[]> {
    const older = this.rows.filter((r) => before === undefined || r.id < before).sort((a, b) => b.id - a.id);
    return Promise.resolve(
      older.slice(0, limit).map((r) => ({
        id: r.id,
        channel: r.channel,
        topic: r.topic,
        error: r.error,
        receivedAt: r.receivedAt,
        bytes: r.payload.length,
        head: r.payload.subarray(0, headBytes),
      })),
    );
  }

  count(): Promise<number> {
    return Promise.resolve(this.rows.length);
  }
}

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e instanceof HttpError ? e.status : 500),
  );

describe('DeadLetterService', () => {
  let repo: MemoryDeadLetters;
  let clock: ManualClock;
  let service: DeadLetterService;

  beforeEach(() => {
    repo = new MemoryDeadLetters();
    clock = new ManualClock(Date.parse('2026-11-22T04:00:00Z'));
    service = new DeadLetterService(repo, clock, silent);
  });

  it('keeps the bytes as received, a printable topic and reason, at the clock’s time; logs no payload', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'warn' },
      new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }),
    );
    service = new DeadLetterService(repo, clock, log);
    const payload = Buffer.from([0xff, 0xfe, 0x7b, 0x00]);
    const id = await service.record({
      channel: 'mqtt',
      topic: 'events/cam\u0000era',
      payload,
      error: 'not UTF-8 text\u0000',
    });
    expect(id).toBe(1);
    expect(repo.rows[0]).toEqual({
      id: 1,
      channel: 'mqtt',
      topic: 'events/cam\\u0000era',
      payload,
      error: 'not UTF-8 text\\u0000',
      receivedAt: new Date(clock.now()),
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ deadLetter: 1, bytes: 4, topic: 'events/cam\\u0000era' });
    expect(lines[0]).not.toContain(payload.toString('base64'));
  });

  it('cuts a payload over 1 MiB and says so in the reason', async () => {
    const payload = Buffer.alloc(MAX_DEAD_LETTER_BYTES + 10, 0x61);
    await service.record({ channel: 'mqtt', topic: 'events/camera', payload, error: 'events.0.id: too long' });
    expect(repo.rows[0]!.payload.length).toBe(MAX_DEAD_LETTER_BYTES);
    expect(repo.rows[0]!.error).toBe(
      `events.0.id: too long (payload cut to ${MAX_DEAD_LETTER_BYTES} of ${MAX_DEAD_LETTER_BYTES + 10} bytes)`,
    );
  });

  it('lists newest first, a page at a time, each as text and base64 with its size', async () => {
    for (const text of ['{"a":1}', '{"b":2}', '{"c":3}']) {
      await service.record({ channel: 'mqtt', topic: 'events/camera', payload: Buffer.from(text), error: 'x' });
      clock.advance(1_000);
    }
    const admin = ctx('admin', '36');
    const first = await service.list(admin, { limit: 2 });
    expect(first.total).toBe(3);
    expect(first.items.map((d) => [d.id, d.text, d.bytes, d.truncated])).toEqual([
      [3, '{"c":3}', 7, false],
      [2, '{"b":2}', 7, false],
    ]);
    expect(first.items[0]!.base64).toBe(Buffer.from('{"c":3}').toString('base64'));
    expect(first.nextBefore).toBe(2);
    const second = await service.list(admin, { limit: 2, before: first.nextBefore! });
    expect(second.items.map((d) => d.id)).toEqual([1]);
    expect(second.nextBefore).toBeNull();
  });

  it('shows them to city-wide admins only', async () => {
    await service.record({ channel: 'mqtt', topic: 'events/camera', payload: Buffer.from('x'), error: 'x' });
    expect(await status(service.list(ctx('admin', '360102'), { limit: 10 }))).toBe(403);
    expect(await status(service.list(ctx('dispatcher', '36'), { limit: 10 }))).toBe(403);
    expect(await status(service.list(ctx('admin', '36'), { limit: 10 }))).toBe(200);
  });
});
