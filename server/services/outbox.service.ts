/**
 * The outbox relay (issue 13): delivers the side effects that commits recorded (today: loudspeaker
 * commands on MQTT), in order, after the commit, from any hub.
 *
 * At least once to the broker and exactly once per change: an item is written once, in the
 * transaction of the change that causes it (a later change of the same alarm writes none), leased
 * while one hub delivers it, and marked delivered after the broker's PUBACK. A hub killed between
 * commit and delivery leaves the item due: this or another hub delivers it. A hub killed between
 * PUBACK and the mark would deliver it once more after the lease: every message carries its
 * `outboxId`, so a device can drop a repeat.
 *
 * A commit that recorded items, or the broker coming back, announces 'outboxed' (domain-events.ts)
 * and the relay delivers at once; the hub's scheduler also polls it every OUTBOX_POLL_MS (items of
 * other hubs, retries after a backoff).
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { OutboxRepository, OutboxRow } from '../repositories/outbox.repository';
import type { DomainEvents } from './domain-events';

/** Publishes to the broker and resolves on its acknowledgement; null while no broker is connected. */
export type OutboxPublisher = (topic: string, payload: Record<string, unknown>) => Promise<void>;

const LEASE_MS = 30_000;
const BATCH = 100;
/** How often due items are looked for without a kick (server/core/scheduler.ts runs `poll`). */
export const OUTBOX_POLL_MS = 1_000;

export class OutboxRelay {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Items delivered by this hub (tests, metrics). */
  delivered = 0;

  constructor(
    private readonly repo: Pick<OutboxRepository, 'claim' | 'delivered' | 'failed'>,
    /** The broker's publisher now (null while none is connected, or without MQTT). */
    private readonly publisher: () => OutboxPublisher | null,
    events: DomainEvents,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    events.on('outboxed', () => this.kick());
  }

  /** Deliver nothing more, and let a delivery under way finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** One look for due items (the scheduler's poll); resolves when the delivery under way is over. */
  poll(): Promise<void> {
    this.kick();
    return this.running ?? Promise.resolve();
  }

  /** A commit recorded items: deliver now. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((e: unknown) => this.log.warn({ err: e }, 'outbox: delivering failed; will retry'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Deliver until nothing is due (or no broker). */
  async drain(): Promise<void> {
    for (;;) {
      const publish = this.publisher();
      if (!publish || this.stopped) return;
      const now = this.clock.now();
      const rows = await this.repo.claim(new Date(now), new Date(now + LEASE_MS), BATCH);
      if (rows.length === 0) return;
      const done: number[] = [];
      for (const row of rows) {
        if (await this.deliver(publish, row)) done.push(row.id);
      }
      await this.repo.delivered(done, new Date(this.clock.now()));
      this.delivered += done.length;
      if (rows.length < BATCH) return;
    }
  }

  private async deliver(publish: OutboxPublisher, row: OutboxRow): Promise<boolean> {
    try {
      await publish(row.topic, { ...row.payload, outboxId: row.id });
      return true;
    } catch (e) {
      const backoff = Math.min(60_000, 1_000 * 2 ** Math.min(row.attempts, 6));
      await this.repo.failed(row.id, (e as Error).message, new Date(this.clock.now() + backoff));
      this.log.warn(
        { topic: row.topic, attempts: row.attempts, err: (e as Error).message },
        'outbox: a delivery failed; retrying later',
      );
      return false;
    }
  }
}
