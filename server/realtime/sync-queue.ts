/**
 * One socket's catch-up requests of one stream, served one at a time (issue 13).
 *
 * A screen whose request timed out asks again; on a busy hub the first one is still being served.
 * Serving both, and each retry after, is how a herd of reconnected screens kept two hubs' event
 * loops stalled for seconds. Here a socket has at most one request of a stream running and one
 * waiting: a newer request takes the waiting place (the one it displaces is answered
 * `sync/superseded`, which the client treats as any failed request it has already given up on),
 * and nothing is served for a socket that is gone.
 */
export type SyncAck<R> = (reply: R | { error: string }) => void;

export const SUPERSEDED = 'sync/superseded';

interface Waiting<Q, R> {
  req: Q;
  ack: SyncAck<R>;
}

export class SyncQueue<Q, R> {
  private running = false;
  private waiting: Waiting<Q, R> | null = null;

  /**
   * @param serve answers one request (a rejection is answered `{error: message}`)
   * @param alive whether the socket is still there to hear an answer
   */
  constructor(
    private readonly serve: (req: Q) => Promise<R>,
    private readonly alive: () => boolean,
  ) {}

  push(req: Q, ack: SyncAck<R>): void {
    if (this.running) {
      this.waiting?.ack({ error: SUPERSEDED });
      this.waiting = { req, ack };
      return;
    }
    this.run({ req, ack });
  }

  private run(job: Waiting<Q, R>): void {
    if (!this.alive()) {
      this.waiting = null;
      return;
    }
    this.running = true;
    this.serve(job.req)
      .then(
        (reply) => job.ack(reply),
        (e: unknown) => job.ack({ error: e instanceof Error ? e.message : String(e) }),
      )
      .finally(() => {
        this.running = false;
        const next = this.waiting;
        this.waiting = null;
        if (next) this.run(next);
      });
  }
}
