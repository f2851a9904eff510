/**
 * The build thread: the static layers and the basemap sources are read from the database and
 * encoded on a worker thread (build-worker.js) with its own connection (a port to PGlite's thread,
 * or a small pool on the PostgreSQL server), and only the finished bytes come back, transferred.
 * On the main thread the camera layer alone (130k rows read, mapped, encoded) held the event loop
 * for up to a second on a busy machine, right after /readyz turned 200 (BENCHMARKS.md, "Start-up").
 *
 * The worker starts on the first build and is niced on Linux: it is background work, and the
 * main thread (probes, sockets, ingest) goes first when the cores are busy.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ThreadConnection } from '../db/connect';
import type { LayerName } from '@shared/layers';
import type { BasemapSource } from '@shared/map';

/** A built body: its bytes, type, feature count, and ms reading rows and encoding them. */
export interface BuiltBody {
  raw: Buffer;
  contentType: string;
  count: number;
  readMs: number;
  encodeMs: number;
}

export type BuildJob =
  | { kind: 'layer'; name: LayerName; format: 'compact' | 'geojson'; prefix: string }
  | { kind: 'basemap'; name: BasemapSource };

/** The hub is closing: a build still waiting is dropped, not done on the main thread instead. */
export class BuildThreadClosedError extends Error {
  constructor() {
    super('the build thread is closed');
  }
}

type Reply =
  | { id: number; ok: true; raw: Uint8Array; contentType: string; count: number; readMs: number; encodeMs: number }
  | { id: number; ok: false; message: string };

export class BuildThread {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private readonly pending = new Map<number, { resolve: (b: BuiltBody) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(
    /** The worker's way to the database, asked for once per worker started. */
    private readonly connection: () => Promise<ThreadConnection>,
    private readonly log: Logger,
  ) {}

  async build(job: BuildJob): Promise<BuiltBody> {
    const worker = await this.start();
    const id = this.nextId++;
    return new Promise<BuiltBody>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker ?? (await this.starting?.catch(() => undefined));
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new BuildThreadClosedError());
    this.pending.clear();
    await w?.terminate();
  }

  private start(): Promise<Worker> {
    if (this.closed) return Promise.reject(new BuildThreadClosedError());
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= (async () => {
      const connection = await this.connection();
      const worker = new Worker(new URL('./build-worker.js', import.meta.url), {
        workerData: { connection },
        transferList: connection.kind === 'pglite' ? [connection.port] : [],
        // The worker loads TypeScript through tsx's API itself; it needs no loader flags.
        execArgv: [],
      });
      worker.unref();
      worker.on('message', (m: Reply) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0) worker.unref();
        if (!m.ok) return p.reject(new Error(m.message));
        p.resolve({
          raw: Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength),
          contentType: m.contentType,
          count: m.count,
          readMs: m.readMs,
          encodeMs: m.encodeMs,
        });
      });
      const gone = (e: Error) => {
        if (this.worker === worker) this.worker = undefined;
        this.starting = undefined;
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      worker.on('error', (e) => {
        this.log.warn({ err: e }, 'the build thread failed; it starts again on the next build');
        gone(e);
      });
      worker.on('exit', (code) =>
        gone(this.closed ? new BuildThreadClosedError() : new Error(`the build thread stopped (exit code ${code})`)),
      );
      this.worker = worker;
      return worker;
    })();
    return this.starting;
  }
}
