/**
 * The simulated staff's HTTP client (staff-runner.ts): every call goes through the hub's public
 * API as a browser's would, with the account's session cookie and, on a write, its CSRF token.
 * One session per account, opened on first use by `open` (the hub's demo sessions, AuthService
 * .demoSession) and kept; one that ended (idle, 12 hours, an admin) is opened again once.
 * Answers are parsed with the wire contract's schemas.
 */
import type { z } from 'zod';
import { CSRF_HEADER, SESSION_COOKIE } from '@shared/auth';

/** Opens a session for a demo account: its token (the cookie's value) and CSRF token; null: no such demo account. */
export type OpenSession = (username: string) => Promise<{ token: string; csrfToken: string } | null>;

/** The account asked for is not a demo account of the hub (a district without a dispatcher, a unit without a phone). */
export class NoAccountError extends Error {
  constructor(readonly username: string) {
    super(`no demo account ${username}`);
  }
}

/** An answer that was not 2xx. */
export class StaffHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface StaffClientOptions {
  /** The hub, e.g. http://127.0.0.1:8080 (no trailing /api). */
  baseUrl: string;
  open: OpenSession;
  /** Per-request limit, ms. */
  timeoutMs: number;
  signal: AbortSignal;
  fetch: typeof fetch;
}

export class StaffClient {
  private readonly sessions = new Map<string, Promise<{ token: string; csrfToken: string }>>();
  private readonly api: string;

  constructor(private readonly o: StaffClientOptions) {
    this.api = `${o.baseUrl.replace(/\/+$/, '')}/api/v1`;
  }

  /** A call as `username` (null: no account, the citizen's public pages); the answer parsed by `schema`. */
  async call<S extends z.ZodType>(
    username: string | null,
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>> {
    const res = await this.send(username, method, path, body);
    return schema.parse(await res.json());
  }

  /** A call whose answer does not matter beyond its status. */
  async post(username: string | null, path: string, body?: unknown): Promise<void> {
    await (await this.send(username, 'POST', path, body)).arrayBuffer();
  }

  private async send(username: string | null, method: 'GET' | 'POST', path: string, body: unknown): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (username !== null) {
        const s = await this.session(username);
        headers.cookie = `${SESSION_COOKIE}=${s.token}`;
        if (method !== 'GET') headers[CSRF_HEADER] = s.csrfToken;
      }
      const res = await this.o.fetch(`${this.api}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.any([this.o.signal, AbortSignal.timeout(this.o.timeoutMs)]),
      });
      if (res.ok) return res;
      // A session that ended meanwhile: once more with a new one.
      if (res.status === 401 && username !== null && attempt === 0) {
        this.sessions.delete(username);
        await res.arrayBuffer();
        continue;
      }
      const text = await res.text().catch(() => '');
      let code: string | undefined;
      let message = text.slice(0, 200);
      try {
        const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
        code = e?.code;
        message = e?.message ?? message;
      } catch {
        // not JSON: the text stands
      }
      throw new StaffHttpError(res.status, code, `${method} ${path}: ${res.status} ${message}`);
    }
  }

  private session(username: string): Promise<{ token: string; csrfToken: string }> {
    let s = this.sessions.get(username);
    if (!s) {
      s = this.o.open(username).then((opened) => {
        if (!opened) throw new NoAccountError(username);
        return opened;
      });
      this.sessions.set(username, s);
      // A failed opening is not kept: the next call tries again.
      s.catch(() => {
        if (this.sessions.get(username) === s) this.sessions.delete(username);
      });
    }
    return s;
  }
}
