/**
 * One stream's catch-up (alarms or incidents, issue 13): the cursor, the sync requests, their
 * timeouts and retries, and gap detection on live batches. No socket, no store, no Vue: the socket
 * module hands it a `send` and an `apply`, and tests drive it with fake timers.
 *
 * The cursor is the rev up to which the screen holds every change of its rooms. The hub promises
 * that a batch is complete over (from, rev] (shared/alarm-wire.ts), so:
 * - in step (no catch-up under way), a batch with from <= cursor advances the cursor to its rev; one
 *   with from > cursor says something was missed: it is merged all the same (the stores merge by
 *   rev), and a delta sync since the cursor is asked;
 * - during a catch-up, batches are merged and remembered; when an answer with rev S comes, the cursor
 *   becomes S (snapshot) or max(cursor, S) (delta), then the remembered ranges are applied in order
 *   of `from` (advance when from <= cursor); one still out of reach asks again;
 * - after every (re)connect, `linkUp` asks a delta since the cursor (null: a snapshot).
 *
 * A request that times out or fails (an {error} answer) is asked again, backing off: 1 s doubling to
 * 30 s, with jitter so a hall of screens that lost one hub do not all ask the next at once. A late
 * answer to a timed-out request is still applied, as long as no newer request's answer has been
 * (throwing good data away is how a busy hub's screens ended with 5 of 200 incidents). A snapshot
 * replaces what the store holds, so `apply` is given every copy pushed since the oldest request
 * that may still answer: those newer than the snapshot stay.
 *
 * Once an answer leaves nothing missing the stream is `synced`; requests still out are forgotten
 * (their answers would add nothing the cursor does not already cover). A delta page with `more`
 * is progress: the next page is asked at once, since its rev, with the backoff reset.
 */

/**
 * What every sync answer carries: a snapshot of the scope, or a delta, complete up to `rev`; a
 * delta page with `more` has changes after `rev` still to come (asked for at once).
 */
export interface SyncReplyBase {
  mode: 'delta' | 'snapshot';
  rev: number;
  more?: boolean;
}

/** How one request ended. */
export type SyncOutcome<R> = { ok: true; reply: R } | { ok: false; error: string };

export interface CatchupOptions<R extends SyncReplyBase, T> {
  /**
   * Asks the hub for what changed since `since` (null: a snapshot). `done` is called once with the
   * answer however late it comes, or never (the link dropped: `linkDown` forgets the request).
   */
  send(since: number | null, done: (outcome: SyncOutcome<R>) => void): void;
  /** Applies an answer to the store; `live` holds the copies pushed while it may have been read. */
  apply(reply: R, live: readonly T[]): void;
  /** The stream went in step (true) or out of it (false). */
  onSyncedChange?(synced: boolean): void;
  /** How long to wait for an answer before asking again (the late answer is still taken). */
  timeoutMs: number;
  /** The first retry's delay; it doubles with every failure in a row up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** 0 ≤ x < 1; Math.random by default (tests pin it). */
  random?: () => number;
}

export const DEFAULT_BASE_DELAY_MS = 1_000;
export const DEFAULT_MAX_DELAY_MS = 30_000;

/**
 * The delay before retry number `failures` (1: the first): the exponential step, of which the upper
 * half is random ("equal jitter": never zero, so a refused hub is not hammered, but spread out).
 */
export function retryDelay(failures: number, baseMs: number, maxMs: number, random: number): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(step / 2 + (random * step) / 2);
}

/** A batch remembered during a catch-up: its range, its copies, and how many requests had gone when it came. */
interface Remembered<T> {
  from: number;
  rev: number;
  items: readonly T[];
  sentBefore: number;
}

type Timer = ReturnType<typeof setTimeout>;

export class StreamCatchup<R extends SyncReplyBase, T> {
  private cursorRev: number | null = null;
  private up = false;
  /** A catch-up is under way: a request out, a retry waiting, or a gap still open. */
  private active = false;
  /** Requests sent so far; a request's sequence number is the count when it went. */
  private sent = 0;
  /** Requests that may still be applied when they answer (sent, not answered, not forgotten). */
  private readonly outstanding = new Set<number>();
  /** The request whose timeout is running. */
  private current: { seq: number; timer: Timer } | null = null;
  private retryTimer: Timer | null = null;
  /** Failures in a row (timeouts, errors, answers that left a gap): the backoff's exponent. */
  private failures = 0;
  private remembered: Remembered<T>[] = [];
  private reported = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(private readonly opts: CatchupOptions<R, T>) {
    this.baseDelayMs = opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    this.maxDelayMs = opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.random = opts.random ?? Math.random;
  }

  /** Every change of the screen's rooms up to here is held (null: nothing is yet). */
  get cursor(): number | null {
    return this.cursorRev;
  }

  /** Connected, and holding the server's set and every batch since: nothing known to be missing. */
  get synced(): boolean {
    return this.up && !this.active;
  }

  /** How many failures in a row the current catch-up has met (diagnostics). */
  get retries(): number {
    return this.failures;
  }

  /** The hub greeted us (first connect or any reconnect, recovered or not): catch up since the cursor. */
  linkUp(): void {
    this.forget();
    this.up = true;
    this.begin();
  }

  /** The link dropped: requests out on it can never be answered, and nothing is asked until linkUp. */
  linkDown(): void {
    this.forget();
    this.up = false;
    this.report();
  }

  /** The hub says it is ready: a retry waiting out its backoff (e.g. after 'service/not-ready') goes now. */
  nudge(): void {
    if (!this.up || !this.active || this.current || !this.retryTimer) return;
    this.ask();
  }

  /** A live batch, complete over (from, rev]; the caller merges `items` into the store itself. */
  batch(from: number, rev: number, items: readonly T[]): void {
    if (!this.up) return; // before the greeting: the catch-up that follows it covers this
    if (!this.active && this.cursorRev !== null && from <= this.cursorRev) {
      this.cursorRev = Math.max(this.cursorRev, rev);
      return;
    }
    this.remembered.push({ from, rev, items, sentBefore: this.sent });
    // In step until now: a gap. Ask since the cursor (the batch stays remembered for the answer).
    this.begin();
  }

  private begin(): void {
    if (this.active) return;
    this.active = true;
    this.report();
    this.ask();
  }

  private ask(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.current) clearTimeout(this.current.timer); // it stays outstanding: a late answer counts
    const seq = ++this.sent;
    this.outstanding.add(seq);
    this.current = { seq, timer: setTimeout(() => this.timedOut(seq), this.opts.timeoutMs) };
    this.opts.send(this.cursorRev, (outcome) => this.answered(seq, outcome));
  }

  private timedOut(seq: number): void {
    if (this.current?.seq !== seq) return;
    this.current = null;
    this.retryLater();
  }

  private retryLater(): void {
    this.failures++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.ask();
      },
      retryDelay(this.failures, this.baseDelayMs, this.maxDelayMs, this.random()),
    );
  }

  private answered(seq: number, outcome: SyncOutcome<R>): void {
    if (!this.outstanding.has(seq)) return; // forgotten: the link dropped, or a newer answer was applied
    this.outstanding.delete(seq);
    const isCurrent = this.current?.seq === seq;
    if (isCurrent) {
      clearTimeout(this.current!.timer);
      this.current = null;
    }
    if (!outcome.ok) {
      // An older request's refusal: the retry its timeout scheduled stands.
      if (isCurrent) this.retryLater();
      return;
    }
    // Older requests' answers, should they come, are older than this one: never apply them.
    for (const s of this.outstanding) if (s < seq) this.outstanding.delete(s);

    const reply = outcome.reply;
    this.opts.apply(
      reply,
      this.remembered.flatMap((r) => r.items),
    );
    this.cursorRev = reply.mode === 'snapshot' ? reply.rev : Math.max(this.cursorRev ?? reply.rev, reply.rev);
    const gaps = this.advance();
    if (reply.more) {
      // A page: progress, not a failure. Keep what the next answers need, and ask for the next page
      // now, unless a newer request is already out (its answer comes on its own).
      this.failures = 0;
      const oldest = Math.min(...this.outstanding, this.sent + 1);
      this.remembered = this.remembered.filter((r) => gaps.includes(r) || r.sentBefore >= oldest);
      if (!this.current) this.ask();
      return;
    }
    if (gaps.length === 0) {
      this.settle();
      return;
    }
    // Something is still out of reach. Keep what a later answer needs: the gaps, and the copies
    // pushed since the oldest request that may still answer (a snapshot must not wipe them).
    const oldest = Math.min(...this.outstanding);
    this.remembered = this.remembered.filter((r) => gaps.includes(r) || r.sentBefore >= oldest);
    // A newer request is out (its answer will be judged the same way), or a retry is waiting.
    if (this.current || this.retryTimer) return;
    this.retryLater();
  }

  /** Applies the remembered ranges in order of `from`; returns those still beyond the cursor. */
  private advance(): Remembered<T>[] {
    const gaps: Remembered<T>[] = [];
    for (const r of [...this.remembered].sort((a, b) => a.from - b.from || a.rev - b.rev)) {
      if (this.cursorRev !== null && r.from <= this.cursorRev) this.cursorRev = Math.max(this.cursorRev, r.rev);
      else gaps.push(r);
    }
    return gaps;
  }

  /** Nothing missing: in step until the next gap or link loss. */
  private settle(): void {
    this.forget();
    this.report();
  }

  /** Drops every request, timer and remembered batch (the cursor stays). */
  private forget(): void {
    if (this.current) clearTimeout(this.current.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.current = null;
    this.retryTimer = null;
    this.outstanding.clear();
    this.remembered = [];
    this.failures = 0;
    this.active = false;
  }

  private report(): void {
    const now = this.synced;
    if (now === this.reported) return;
    this.reported = now;
    this.opts.onSyncedChange?.(now);
  }
}
