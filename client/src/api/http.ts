/**
 * Talk JSON to the hub and parse answers at the boundary with the shared zod schemas.
 * Every failure becomes an ApiError with a 'domain/reason' code the screens can branch on.
 *
 * Sessions: the hub's cookie travels by itself (same origin). State-changing requests carry the
 * session's CSRF token, and any `auth/required` answer goes to one handler (the session store marks
 * the session ended and the router goes to the sign-in page). Both are registered by the session
 * wiring (`configureHttp`), so this module imports no store.
 */
import { z } from 'zod';
import { ErrorCode } from '@shared/errors';
import { CSRF_HEADER } from '@shared/auth';

/** Client-side failures that never come from the hub's error body. */
export const ClientErrorCode = {
  /** The request did not reach the hub, or no answer came back. */
  Unreachable: 'network/unreachable',
  /** The hub answered, but not with what the contract says. */
  BadResponse: 'response/invalid',
} as const;

export type ApiErrorCode = ErrorCode | (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly status: number | null = null,
    /** Seconds to wait before trying again (the Retry-After header of 429 answers). */
    readonly retryAfterSec: number | null = null,
    /** The hub's `details` (e.g. which fields of a request were invalid). */
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const errorBody = z.object({
  error: z.object({ code: z.enum(ErrorCode), message: z.string(), details: z.unknown().optional() }),
});

interface HttpHooks {
  /** The current session's CSRF token, or null when signed out. */
  csrfToken: () => string | null;
  /** Called for every `auth/required` answer, whatever request got it. */
  onAuthRequired: (url: string) => void;
}

let hooks: HttpHooks = { csrfToken: () => null, onAuthRequired: () => undefined };

/** Registers the session's CSRF token source and the handler of ended sessions (once, at start). */
export function configureHttp(h: HttpHooks): void {
  hooks = h;
}

export type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function request(url: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, credentials: 'same-origin', signal: signal ?? null });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(ClientErrorCode.Unreachable, (e as Error).message);
  }
  if (!res.ok) throw await toError(url, res);
  return res;
}

async function toError(url: string, res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => undefined);
  const parsed = errorBody.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    if (code === ErrorCode.AuthRequired) hooks.onAuthRequired(url);
    return new ApiError(code, message, res.status, retryAfter(res, details), details);
  }
  // A proxy in front of a stopped hub answers 502/504 without our error body.
  const code = res.status >= 502 && res.status <= 504 ? ClientErrorCode.Unreachable : ClientErrorCode.BadResponse;
  return new ApiError(code, `HTTP ${res.status} ${res.statusText}`, res.status);
}

/** Seconds to wait: the Retry-After header (delta-seconds), else the body's details.retryAfterSec. */
function retryAfter(res: Response, details: unknown): number | null {
  const header = Number(res.headers.get('Retry-After') ?? NaN);
  if (Number.isFinite(header) && header > 0) return header;
  const inBody = (details as { retryAfterSec?: unknown } | undefined)?.retryAfterSec;
  return typeof inBody === 'number' && inBody > 0 ? inBody : null;
}

async function parseBody<S extends z.ZodType>(url: string, res: Response, schema: S): Promise<z.infer<S>> {
  const body: unknown = await res.json().catch(() => undefined);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(ClientErrorCode.BadResponse, `${url}: ${z.prettifyError(parsed.error)}`, res.status);
  }
  return parsed.data;
}

export async function getJson<S extends z.ZodType>(url: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
  const res = await request(url, { headers: { Accept: 'application/json' } }, signal);
  return parseBody(url, res, schema);
}

function sendInit(method: Method, body: unknown): RequestInit {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = hooks.csrfToken();
  if (token) headers[CSRF_HEADER] = token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) };
}

/** A state-changing request with a JSON body (or none); the answer is parsed with `schema`. */
export async function sendJson<S extends z.ZodType>(
  method: Method,
  url: string,
  body: unknown,
  schema: S,
): Promise<z.infer<S>> {
  const res = await request(url, sendInit(method, body));
  return parseBody(url, res, schema);
}

/** A state-changing request whose answer has no body (204). */
export async function sendVoid(method: Method, url: string, body?: unknown): Promise<void> {
  await request(url, sendInit(method, body));
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
