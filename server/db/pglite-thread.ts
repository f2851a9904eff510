/**
 * Embedded PGlite on a thread of its own (pglite-worker.js), behind the part of PGlite's client
 * interface Drizzle uses: query, exec, transaction, closed, close. WASM runs on the thread that
 * calls it, so on the hub's main thread every PostgreSQL step held the event loop: creating the
 * database ~8 s, opening it 1–2 s, a 2,000-row insert or a 10,000-row page a few hundred ms
 * (BENCHMARKS.md, "Start-up"). Here the main thread only posts messages and copies results.
 *
 * Semantics are PGlite's own: one connection; a transaction holds it, and a query from outside the
 * transaction waits until it ends (the worker calls the same PGlite methods in the same order).
 * Another worker (the layer builder) can have a connection of its own over a MessagePort
 * (PgliteThread.connectPort, PgliteClient.overPort): the same one database, the same mutex.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/** The result shape Drizzle reads. */
export interface ThreadResults<T = unknown> {
  rows: T[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

interface QueryOptions {
  rowMode?: 'array' | 'object';
  /** Type id → parser. Functions cannot cross threads: only parsers that keep the text are accepted. */
  parsers?: Record<number, (value: string, typeId?: number) => unknown>;
  serializers?: unknown;
}

export interface ThreadTransaction {
  query<T>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<ThreadResults<T>>;
  exec(sql: string): Promise<ThreadResults[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

/** A PostgreSQL error from the database thread, with its SQLSTATE `code`, `detail`, `constraint`… */
export class PgliteThreadError extends Error {
  code?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Record<string, string> };

/** Where requests go: the database thread itself, or a port to it that another thread holds. */
type Endpoint = Pick<MessagePort, 'postMessage' | 'ref' | 'unref'> & {
  on(event: 'message', f: (m: Reply) => void): unknown;
};

/**
 * A connection to the database thread, from the main thread (PgliteThread) or from another worker
 * (PgliteClient.overPort: the layer builder reads the world tables without the main thread).
 */
export class PgliteClient {
  protected readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private nextTx = 1;
  protected isClosed = false;
  protected failure: Error | undefined;
  private readonly rawTypes = new WeakMap<object, number[]>();

  /** A connection over a port from PgliteThread.connectPort(), in another thread. */
  static overPort(port: MessagePort): PgliteClient {
    return new PgliteClient(port);
  }

  protected constructor(private readonly endpoint: Endpoint) {
    // Like PGlite on the main thread, an idle connection keeps no process alive; a pending call does.
    endpoint.unref();
    endpoint.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) endpoint.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(Object.assign(new PgliteThreadError(m.error.message), m.error));
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async query<T>(sql: string, params?: unknown[], opts?: QueryOptions, tx?: number): Promise<ThreadResults<T>> {
    const r = (await this.call({
      op: 'query',
      sql,
      params: params ?? [],
      rowMode: opts?.rowMode ?? 'object',
      raw: this.textTypes(opts),
      tx,
    })) as ThreadResults<T> & { more?: number };
    if (r.more === undefined) return r;
    // A big result comes in slices, each its own message (and task): pulled one at a time.
    const rows = r.rows;
    for (;;) {
      const part = (await this.call({ op: 'more', cursor: r.more })) as { rows: T[]; done: boolean };
      for (const row of part.rows) rows.push(row);
      if (part.done) break;
    }
    return { rows, fields: r.fields, affectedRows: r.affectedRows };
  }

  exec(sql: string, tx?: number): Promise<ThreadResults[]> {
    return this.call({ op: 'exec', sql, tx }) as Promise<ThreadResults[]>;
  }

  /** PGlite's transaction(): BEGIN, `fn`, COMMIT, or ROLLBACK when `fn` throws. */
  async transaction<T>(fn: (tx: ThreadTransaction) => Promise<T>): Promise<T> {
    const id = this.nextTx++;
    await this.call({ op: 'begin', tx: id });
    let closed = false;
    const end = async (commit: boolean) => {
      if (closed) return;
      closed = true;
      await this.call({ op: 'end', tx: id, commit });
    };
    const handle: ThreadTransaction = {
      query: (sql, params, opts) => this.query(sql, params, opts, id),
      exec: (sql) => this.exec(sql, id),
      rollback: () => end(false),
      get closed() {
        return closed;
      },
    };
    let out: T;
    try {
      out = await fn(handle);
    } catch (e) {
      await end(false).catch(() => undefined);
      throw e;
    }
    await end(true);
    return out;
  }

  /** Close this connection (the database stays open for the others). */
  close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      (this.endpoint as MessagePort).close();
    }
    return Promise.resolve();
  }

  /** The type ids whose values stay text: Drizzle passes identity parsers for dates and intervals. */
  private textTypes(opts: QueryOptions | undefined): number[] {
    if (opts?.serializers) throw new Error('custom serializers cannot cross to the database thread');
    const parsers = opts?.parsers;
    if (!parsers) return [];
    let ids = this.rawTypes.get(parsers);
    if (!ids) {
      ids = [];
      for (const [oid, parse] of Object.entries(parsers)) {
        const probe = '2026-01-01 00:00:00';
        if (parse(probe, Number(oid)) !== probe)
          throw new Error(`a custom parser for type ${oid} cannot cross to the database thread`);
        ids.push(Number(oid));
      }
      this.rawTypes.set(parsers, ids);
    }
    return ids;
  }

  protected call(msg: Record<string, unknown>, whileClosing = false, transfer?: MessagePort[]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.isClosed && !whileClosing) return Promise.reject(new Error('the database is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.endpoint.ref();
      this.endpoint.postMessage({ ...msg, id }, transfer);
    });
  }

  protected fail(e: Error): void {
    this.failure ??= e;
    this.isClosed = true;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** The database thread itself, owned by the main thread: opens the database, closes it, and hands out ports. */
export class PgliteThread extends PgliteClient {
  private constructor(private readonly worker: Worker) {
    super(worker);
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new Error(`the database thread stopped (exit code ${code})`)));
  }

  /** Start the thread and open (or create) the database in `dataDir`; the main thread stays free meanwhile. */
  static async open(dataDir: string): Promise<PgliteThread> {
    // No execArgv: the worker is plain JavaScript and needs no TypeScript loader.
    const t = new PgliteThread(new Worker(new URL('./pglite-worker.js', import.meta.url), { execArgv: [] }));
    try {
      await t.call({ op: 'open', dataDir });
    } catch (e) {
      t.isClosed = true;
      await t.worker.terminate();
      throw e;
    }
    return t;
  }

  /** A port another thread can talk to the database through (PgliteClient.overPort); transfer it there. */
  async connectPort(): Promise<MessagePort> {
    const { port1, port2 } = new MessageChannel();
    await this.call({ op: 'port', port: port2 }, false, [port2]);
    return port1;
  }

  /** Close the database (a checkpoint, so the next start needs no recovery) and stop the thread. */
  override async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    try {
      if (!this.failure) await this.call({ op: 'close' }, true);
    } finally {
      await this.worker.terminate();
    }
  }
}
