/**
 * A rev feed (issue 13): every hub reads the committed changes of one stream (alarms, incidents) in
 * rev order from the database and hands them to its own screens, so a screen sees every change no
 * matter which hub committed it, and a change committed by a hub that was killed before it could push
 * still reaches every screen.
 *
 * Why the database and not the Socket.IO adapter: revs are taken under an advisory lock held to
 * commit (repositories), so when rev N is visible every rev below N is committed and final. Reading
 * `rev > cursor` therefore never skips anything, and each delivery is complete over
 * (cursor, last rev]: the gateway can tell every screen exactly which range a batch covers, and a
 * screen that finds a hole asks for it. Pushing through Redis instead would order batches by when
 * each hub happened to publish, not by rev, and would lose the pushes of a hub killed after commit.
 *
 * Cost: one indexed `rev > $1` read per tick while screens are connected (nothing when idle), and
 * none for this hub's own commits when their views follow the cursor without a hole (`offer`): a
 * single hub never reads back what it just wrote.
 */
import type { Logger } from 'pino';
import type { FeedSource } from '../services/sync-page';
export type { FeedSource };

export interface FeedDelivery<V> {
  /** Everything with rev in (from, to] is in `items` (the latest state of each changed object). */
  from: number;
  to: number;
  items: V[];
}

const READ_LIMIT = 2_000;

export class RevFeed<V> {
  /** Everything up to here was delivered; null while the feed is stopped (no screens). */
  private cursor: number | null = null;
  private starting: Promise<number> | null = null;
  /** This hub's own committed views, by rev, waiting to be delivered in order. */
  private offered = new Map<number, V>();
  private pumping: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;

  constructor(
    private readonly name: string,
    private readonly source: FeedSource<V>,
    private readonly deliver: (d: FeedDelivery<V>) => void,
    private readonly log: Logger,
    /** How often other hubs' commits are looked for while running. */
    private readonly pollMs: number,
  ) {}

  /** The rev up to which everything was delivered (null: stopped). */
  get position(): number | null {
    return this.cursor;
  }

  /** Start reading (the first screen connected): from the newest committed rev on. */
  start(): Promise<number> {
    if (this.cursor !== null) return Promise.resolve(this.cursor);
    this.starting ??= this.source.maxRev().then(
      (rev) => {
        this.starting = null;
        this.cursor ??= rev;
        this.schedule(this.pollMs);
        return this.cursor;
      },
      (e: unknown) => {
        this.starting = null;
        throw e;
      },
    );
    return this.starting;
  }

  /** Stop (no screens left): nothing is read until the next start. */
  stop(): void {
    this.cursor = null;
    this.offered.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** This hub committed these (after commit): delivered at once when they follow the cursor. */
  offer(views: readonly V[]): void {
    if (this.cursor === null) return;
    for (const v of views) {
      const rev = this.source.rev(v);
      if (rev > this.cursor) this.offered.set(rev, v);
    }
    this.kick();
  }

  /** Read now (another hub may have committed: a hint, or the timer). */
  kick(): void {
    if (this.cursor === null) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Wait for the reading in progress (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.cursor === null) return;
      this.kick();
      this.schedule(this.failures ? Math.min(5_000, this.pollMs * 2 ** this.failures) : this.pollMs);
    }, ms);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    for (;;) {
      const from = this.cursor;
      if (from === null) return;
      // This hub's own views, when they follow the cursor without a hole, need no read.
      const run: V[] = [];
      let to = from;
      while (this.offered.has(to + 1)) {
        run.push(this.offered.get(to + 1)!);
        this.offered.delete(to + 1);
        to++;
      }
      if (run.length) {
        this.advance(from, to, run);
        // Other hubs' commits are found by the poll; only a hole above the run needs a read now.
        if (this.offered.size === 0) return;
        continue;
      }
      // A hole (another hub's commit, or a rev a rolled-back transaction took) or the poll: read.
      let rows: V[];
      try {
        rows = await this.source.read(from, READ_LIMIT);
        this.failures = 0;
      } catch (e) {
        this.failures++;
        if (this.failures === 1 || this.failures % 20 === 0)
          this.log.warn(
            { err: e, feed: this.name, failures: this.failures },
            'rev feed: reading changes failed; retrying',
          );
        return;
      }
      if (this.cursor !== from) return; // stopped (or restarted) meanwhile
      // Nothing past the cursor. (This hub's own offered views are committed, so a read after they
      // were offered always finds them: a hole below them is filled by this same read.)
      if (rows.length === 0) return;
      const last = this.source.rev(rows[rows.length - 1]!);
      for (const rev of [...this.offered.keys()]) if (rev <= last) this.offered.delete(rev);
      this.advance(from, last, rows);
      if (rows.length < READ_LIMIT && this.offered.size === 0) return;
    }
  }

  private advance(from: number, to: number, items: V[]): void {
    this.cursor = to;
    if (items.length) this.deliver({ from, to, items });
  }
}
