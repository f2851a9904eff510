/**
 * Fetch JSON from the hub and parse it at the boundary with the shared zod schema.
 * Every failure becomes an ApiError with a 'domain/reason' code the screens can branch on.
 */
import { z } from 'zod';
import { ErrorCode } from '../../../shared/errors';

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
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const errorBody = z.object({
  error: z.object({ code: z.enum(ErrorCode), message: z.string() }),
});

export async function getJson<S extends z.ZodType>(url: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, signal: signal ?? null });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(ClientErrorCode.Unreachable, (e as Error).message);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = errorBody.safeParse(body);
    if (parsed.success) throw new ApiError(parsed.data.error.code, parsed.data.error.message, res.status);
    // A proxy in front of a stopped hub answers 502/504 without our error body.
    const code = res.status >= 502 && res.status <= 504 ? ClientErrorCode.Unreachable : ClientErrorCode.BadResponse;
    throw new ApiError(code, `HTTP ${res.status} ${res.statusText}`, res.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(ClientErrorCode.BadResponse, `${url}: ${z.prettifyError(parsed.error)}`, res.status);
  }
  return parsed.data;
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
