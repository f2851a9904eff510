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
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { OutboxRepository, OutboxRow } from '../repositories/outbox.repository';

/** Publishes to the broker and resolves on its acknowledgement; null while no broker is connected. */
export type OutboxPublisher = (topic: string, payload: Record<string, unknown>) => Promise<void>;

const LEASE_MS = 30_000;
const BATCH = 100;

export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Items delivered by this hub (tests, metrics). */
  delivered = 0;

  constructor(
    private readonly repo: OutboxRepository,
    private readonly publisher: () => OutboxPublisher | null,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** How often due items are looked for without a kick (items of other hubs, retries). */
    private readonly pollMs = 1_000,
  ) {}

  start(): void {
    this.stopped = false;
    const loop = () => {
      this.timer = setTimeout(() => {
        this.kick();
        loop();
      }, this.pollMs);
      this.timer.unref();
    };
    loop();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
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
      this.log.warn({ topic: row.topic, attempts: row.attempts, err: (e as Error).message }, 'outbox: a delivery failed; retrying later');
      return false;
    }
  }
}
