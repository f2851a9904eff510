/**
 * Dahua devices' event streams (issue 18): the hub attaches to each configured device's
 * `GET /cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5` with HTTP Digest auth, reads
 * the multipart body through `DahuaStreamParser` and hands what it parses to the `DeviceSink`.
 *
 * Decided:
 * - Digest: digest-fetch's `DigestClient` computes the Authorization header (RFC 7616 MD5, qop=auth),
 *   but we send the requests with Node's fetch ourselves. Its own `fetch()` works with Node 20's
 *   fetch and returns the streamed body untouched, but it leaves the 401 response's body unread
 *   (undici then holds that socket until garbage collection) and takes over the retry we need to
 *   tell a wrong password from a stale nonce. Each connection starts with a fresh challenge.
 * - One loop per device: connect, read, parse, deliver in order (each `deliver` awaited), and on any
 *   end (connect error, HTTP error, 401, stream end, 3 × heartbeat with no byte) wait a backoff
 *   (1 s doubling to 60 s, ±20 % jitter, back to 1 s after a connection that stayed up 60 s; a 401
 *   waits the maximum every time) and connect again.
 * - Backpressure: while a `deliver` (or `reject`) fails (the database away) the body is not read, so
 *   TCP pushes back on the device; the same notice is retried after a backoff until it is taken or
 *   the attachment stops. The idle timer runs only while waiting for bytes.
 * - Heartbeats → `sink.seen` (a failure there is logged, not retried: the next one comes in seconds).
 *   Housekeeping codes and `State` actions are skipped; an event whose data did not parse is still
 *   delivered (`attributes.dataError`); a part that is not an event goes to `sink.reject`.
 * - Logs name the endpoint, host, HTTP status and error message only: never the URL's credentials,
 *   the password or the Authorization header.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DigestClient } from 'digest-fetch';
import type { Logger } from 'pino';
import { boundaryOf, DahuaStreamParser, toNotice, type DahuaRecord } from './dahua-stream';
import type { DeviceIdentity, DeviceSink, RawMessage } from './ports';

export interface DahuaDeviceConfig {
  /** The registered endpoint this device is. */
  endpointId: string;
  /** `http://host:port` (any path is ignored; credentials in it are dropped). */
  url: string;
  username: string;
  password: string;
  /** Event codes to attach to (default `All`). */
  codes?: readonly string[];
  /** The heartbeat the device is asked for, in seconds (default 5). */
  heartbeatSeconds?: number;
}

export interface DahuaAttachmentOptions {
  /** First reconnect delay (ms, default 1000), doubled per failure up to `maxBackoffMs` (default 60000). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A connection up at least this long resets the backoff (ms, default 60000). */
  resetAfterMs?: number;
  /** No byte for this long → reconnect (ms, default 3 × heartbeat). Also bounds the wait for headers. */
  idleTimeoutMs?: number;
  /** Retry delays for a failing `deliver`/`reject` (ms, default 1000 doubling to 30000). */
  sinkRetryMs?: number;
  maxSinkRetryMs?: number;
  /** 0..1, for the jitter (tests pass a constant). */
  random?: () => number;
  /** Clock for `at` when the device sends no usable time. */
  now?: () => Date;
}

export interface DahuaAttachmentState {
  connected: boolean;
  /** When the current state began (connected, or the connection lost); null before any attempt ended. */
  since: Date | null;
  lastError: string | null;
  /** Connection attempts after the first. */
  reconnects: number;
  /** The last attempt was refused with 401 (user name or password wrong). */
  unauthorized: boolean;
}

/** An attempt's end that says why, for the state and the log. */
class AttachError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const CODE = /^[A-Za-z0-9_]{1,64}$/;

/** The attach URL: brackets as Dahua expects them, not percent-encoded. */
export function attachUrl(config: DahuaDeviceConfig): URL {
  const base = new URL(config.url);
  const codes = config.codes?.length ? config.codes : ['All'];
  for (const c of codes) if (!CODE.test(c)) throw new Error(`dahua ${config.endpointId}: bad event code`);
  const hb = config.heartbeatSeconds ?? 5;
  if (!Number.isInteger(hb) || hb < 1 || hb > 300) throw new Error(`dahua ${config.endpointId}: bad heartbeat`);
  return new URL(
    `${base.protocol}//${base.host}/cgi-bin/eventManager.cgi?action=attach&codes=[${codes.join(',')}]&heartbeat=${hb}`,
  );
}

/** The typed part of digest-fetch's client that we use. */
interface DigestHeaders {
  parseAuth(header: string | null): void;
  hasAuth: boolean;
  addAuth(
    url: string,
    options: { method: string; headers: Record<string, string> },
  ): { headers: Record<string, string> };
}

function message(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message}: ${cause.message}` : e.message;
  }
  return String(e);
}

/** One configured device, attached until `stop()`. */
export class DahuaAttachment {
  private readonly identity: DeviceIdentity;
  private readonly topic: string;
  private readonly url: URL;
  private readonly host: string;
  private readonly stopper = new AbortController();
  private readonly opts: Required<DahuaAttachmentOptions>;
  private loop: Promise<void> | null = null;
  private current: DahuaAttachmentState = {
    connected: false,
    since: null,
    lastError: null,
    reconnects: 0,
    unauthorized: false,
  };

  constructor(
    readonly config: DahuaDeviceConfig,
    private readonly sink: DeviceSink,
    private readonly log: Logger,
    options: DahuaAttachmentOptions = {},
  ) {
    this.identity = { kind: 'dahua', endpointId: config.endpointId };
    this.topic = `dahua/${config.endpointId}`;
    this.url = attachUrl(config);
    this.host = this.url.host;
    this.opts = {
      initialBackoffMs: options.initialBackoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      resetAfterMs: options.resetAfterMs ?? 60_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 3 * (config.heartbeatSeconds ?? 5) * 1000,
      sinkRetryMs: options.sinkRetryMs ?? 1000,
      maxSinkRetryMs: options.maxSinkRetryMs ?? 30_000,
      random: options.random ?? Math.random,
      now: options.now ?? (() => new Date()),
    };
  }

  state(): DahuaAttachmentState {
    return { ...this.current };
  }

  start(): this {
    this.loop ??= this.run().catch((e: unknown) => {
      this.log.error({ endpointId: this.config.endpointId, host: this.host, err: message(e) }, 'dahua loop failed');
    });
    return this;
  }

  /** Abort the connection and any wait; resolves when nothing of this attachment runs any more. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * 2 ** Math.min(attempt, 30));
    return Math.round(base * (0.8 + 0.4 * this.opts.random()));
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let first = true;
    while (!this.stopped) {
      if (!first) this.current.reconnects++;
      first = false;
      let upSince: number | null = null;
      let error: AttachError;
      try {
        await this.attachOnce(() => {
          upSince = Date.now();
        });
        error = new AttachError('stream ended');
      } catch (e) {
        error = e instanceof AttachError ? e : new AttachError(message(e));
      }
      if (this.stopped) break;
      const unauthorized = error.status === 401;
      this.current = {
        ...this.current,
        connected: false,
        since: new Date(),
        lastError: error.message,
        unauthorized,
      };
      if (upSince !== null && Date.now() - upSince >= this.opts.resetAfterMs) attempt = 0;
      const delay = unauthorized ? this.backoff(Infinity) : this.backoff(attempt++);
      this.log.warn(
        {
          endpointId: this.config.endpointId,
          host: this.host,
          ...(error.status === undefined ? {} : { status: error.status }),
          err: error.message,
          retryInMs: delay,
        },
        'dahua stream down',
      );
      try {
        await sleep(delay, undefined, { signal: this.stopper.signal });
      } catch {
        break;
      }
    }
    this.current = { ...this.current, connected: false };
  }

  /** One connection: handshake, then read until it ends. Resolves on stream end, throws on anything else. */
  private async attachOnce(onUp: () => void): Promise<void> {
    const conn = new AbortController();
    const onStop = () => conn.abort();
    this.stopper.signal.addEventListener('abort', onStop, { once: true });
    let idle: NodeJS.Timeout | undefined;
    let idleFired = false;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        idleFired = true;
        conn.abort();
      }, this.opts.idleTimeoutMs);
    };
    const disarm = () => clearTimeout(idle);
    try {
      arm();
      const res = await this.handshake(conn.signal).catch((e: unknown) => {
        throw idleFired ? new AttachError(`no answer in ${this.opts.idleTimeoutMs} ms`) : e;
      });
      if (!res.body) throw new AttachError('no body');
      onUp();
      this.current = { ...this.current, connected: true, since: new Date(), unauthorized: false };
      this.log.info({ endpointId: this.config.endpointId, host: this.host }, 'dahua attached');
      const parser = new DahuaStreamParser({ boundary: boundaryOf(res.headers.get('content-type')) ?? 'myboundary' });
      const reader = res.body.getReader();
      try {
        for (;;) {
          arm();
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } catch (e) {
            if (idleFired) throw new AttachError(`no bytes in ${this.opts.idleTimeoutMs} ms`);
            throw e;
          }
          disarm();
          if (chunk.done) {
            for (const r of parser.end()) await this.handle(r);
            return;
          }
          for (const r of parser.push(chunk.value as Uint8Array)) await this.handle(r);
        }
      } finally {
        disarm();
        await reader.cancel().catch(() => undefined);
      }
    } finally {
      disarm();
      conn.abort();
      this.stopper.signal.removeEventListener('abort', onStop);
    }
  }

  /** GET without credentials, answer the challenge; a second 401 means the credentials are wrong. */
  private async handshake(signal: AbortSignal): Promise<Response> {
    const href = this.url.href;
    let res = await fetch(href, { signal, redirect: 'manual' });
    if (res.status === 401) {
      const challenge = res.headers.get('www-authenticate');
      await res.body?.cancel().catch(() => undefined);
      if (!challenge || !/^digest\s/i.test(challenge))
        throw new AttachError('HTTP 401 without a Digest challenge', 401);
      const digest = new DigestClient(this.config.username, this.config.password) as unknown as DigestHeaders;
      digest.parseAuth(challenge);
      const { headers } = digest.addAuth(href, { method: 'GET', headers: {} });
      res = await fetch(href, { signal, redirect: 'manual', headers });
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      const why = res.status === 401 ? 'HTTP 401: user name or password refused' : `HTTP ${res.status}`;
      throw new AttachError(why, res.status);
    }
    return res;
  }

  private raw(payload: Buffer): RawMessage {
    return { channel: 'dahua', topic: this.topic, payload };
  }

  private async handle(r: DahuaRecord): Promise<void> {
    switch (r.kind) {
      case 'heartbeat':
        await this.sink.seen(this.identity).catch((e: unknown) => {
          this.log.warn({ endpointId: this.config.endpointId, err: message(e) }, 'dahua heartbeat not recorded');
        });
        return;
      case 'ignored':
        return;
      case 'error':
        await this.persist(() => this.sink.reject(this.identity, this.raw(r.raw), r.error));
        return;
      case 'event': {
        const notice = toNotice(r, this.opts.now());
        if (!notice) return;
        await this.persist(() => this.sink.deliver(this.identity, [notice], this.raw(r.raw)));
        return;
      }
    }
  }

  /** Retry a sink call until it resolves; only `stop()` ends the retries (then it throws). */
  private async persist(call: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await call();
        return;
      } catch (e) {
        if (this.stopped) throw new AttachError('stopped');
        const delay = Math.min(this.opts.maxSinkRetryMs, this.opts.sinkRetryMs * 2 ** Math.min(attempt, 30));
        this.log.warn(
          { endpointId: this.config.endpointId, err: message(e), retryInMs: delay },
          'dahua sink refused; holding the stream',
        );
        await sleep(delay, undefined, { signal: this.stopper.signal });
      }
    }
  }
}

/** Everything that decides a connection: a change in any of it re-attaches. */
function configKey(c: DahuaDeviceConfig): string {
  return JSON.stringify([c.url, c.username, c.password, c.codes ?? null, c.heartbeatSeconds ?? null]);
}

/** The set of attached devices, kept equal to the configured ones. */
export class DahuaAttachments {
  private readonly attached = new Map<string, { key: string; attachment: DahuaAttachment }>();

  constructor(
    private readonly sink: DeviceSink,
    private readonly log: Logger,
    private readonly options: DahuaAttachmentOptions = {},
  ) {}

  /** Attach new devices, detach removed and changed ones (changed ones re-attach). */
  async sync(configs: readonly DahuaDeviceConfig[]): Promise<void> {
    const wanted = new Map(configs.map((c) => [c.endpointId, c]));
    const stopping: Promise<void>[] = [];
    for (const [id, a] of this.attached) {
      const c = wanted.get(id);
      if (!c || configKey(c) !== a.key) {
        this.attached.delete(id);
        stopping.push(a.attachment.stop());
      }
    }
    await Promise.all(stopping);
    for (const c of wanted.values()) {
      if (this.attached.has(c.endpointId)) continue;
      try {
        const attachment = new DahuaAttachment(c, this.sink, this.log, this.options).start();
        this.attached.set(c.endpointId, { key: configKey(c), attachment });
      } catch (e) {
        this.log.error({ endpointId: c.endpointId, err: message(e) }, 'dahua device not attached');
      }
    }
  }

  states(): Map<string, DahuaAttachmentState> {
    return new Map([...this.attached].map(([id, a]) => [id, a.attachment.state()]));
  }

  async stop(): Promise<void> {
    const all = [...this.attached.values()].map((a) => a.attachment.stop());
    this.attached.clear();
    await Promise.all(all);
  }
}
