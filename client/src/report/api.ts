/**
 * The citizen's endpoints (no account; rate-limited per address) and the photo upload both the
 * citizen and the field pages use. JSON goes through api/http.ts; a photo is sent as its raw
 * bytes, which http.ts does not do, so that one request is made here.
 */
import { z } from 'zod';
import { API_PREFIX } from '@shared/api';
import { CSRF_HEADER } from '@shared/auth';
import {
  citizenReportReply,
  citizenStatus,
  photoReply,
  type citizenReportBody,
  type CitizenStatus,
  type PhotoReply,
  type RatingBody,
} from '@shared/incidents';
import { ApiError, ClientErrorCode, getJson, sendJson, type ApiErrorCode } from '../api/http';

const PUBLIC = `${API_PREFIX}/public`;

export const regionName = z.object({ code: z.string(), name: z.string() });
export type RegionName = z.infer<typeof regionName>;

/** What the page sends (the hub fills the defaults). */
export type ReportRequest = z.input<typeof citizenReportBody>;

export function submitReport(body: ReportRequest) {
  return sendJson('POST', `${PUBLIC}/reports`, body, citizenReportReply);
}

export function getReportStatus(code: string, signal?: AbortSignal): Promise<CitizenStatus> {
  return getJson(`${PUBLIC}/reports/${encodeURIComponent(code)}`, citizenStatus, signal);
}

export function rateReport(code: string, body: RatingBody): Promise<CitizenStatus> {
  return sendJson('POST', `${PUBLIC}/reports/${encodeURIComponent(code)}/rating`, body, citizenStatus);
}

export function getRegionName(code: string, signal?: AbortSignal): Promise<RegionName> {
  return getJson(`${PUBLIC}/regions/${encodeURIComponent(code)}`, regionName, signal);
}

/** Where photos go: the citizen's (public) endpoint, or the staff one (session, CSRF). */
export const PHOTO_URL = { public: `${PUBLIC}/photos`, staff: `${API_PREFIX}/photos` } as const;

/** The hub's photo, for a thumbnail (staff only: /photos/:id needs a session). */
export function photoSrc(id: string): string {
  return `${API_PREFIX}/photos/${encodeURIComponent(id)}`;
}

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/**
 * Sends one photo's bytes with its own Content-Type. Errors become ApiErrors carrying the hub's
 * code and message (photo/type, photo/too-large, rate/limited, ...), as http.ts does for JSON.
 */
export async function uploadPhoto(url: string, file: Blob, csrfToken: string | null): Promise<PhotoReply> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': file.type };
  if (csrfToken) headers[CSRF_HEADER] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(ClientErrorCode.Unreachable, (e as Error).message);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = errorBody.safeParse(body);
    const retry = Number(res.headers.get('Retry-After') ?? NaN);
    if (err.success) {
      const { code, message, details } = err.data.error;
      throw new ApiError(
        code as ApiErrorCode,
        message,
        res.status,
        Number.isFinite(retry) && retry > 0 ? retry : null,
        details,
      );
    }
    const code = res.status >= 502 && res.status <= 504 ? ClientErrorCode.Unreachable : ClientErrorCode.BadResponse;
    throw new ApiError(code, `HTTP ${res.status} ${res.statusText}`, res.status);
  }
  const parsed = photoReply.safeParse(body);
  if (!parsed.success)
    throw new ApiError(ClientErrorCode.BadResponse, `${url}: ${z.prettifyError(parsed.error)}`, res.status);
  return parsed.data;
}

/** The hub's error code of a failure (null: not the hub's answer). */
export function errorCode(e: unknown): ApiErrorCode | null {
  return e instanceof ApiError ? e.code : null;
}
